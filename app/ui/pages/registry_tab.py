"""«Реестр»: every official page with its unit, people and the access handed over (clauses 1–3);
add, edit, archive with a reason, bring back from the archive."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.pages import access, registry
from app.services.pages.registry import PageRow
from app.services.permissions import Actor
from app.ui.pages.common import (
    GREY, REGISTRY_TIP, Col, ReasonDialog, RowsModel, allow, attempt, day_text, fit_columns, hint, make_table,
    moment_text, selected_rows,
)
from app.ui.pages.page_dialog import NO_PASSWORDS, PageDialog


def _access(row: PageRow) -> str:
    if row.access_handed_on is None and not row.access_received_by_name:
        return "не отмечено"
    parts = [day_text(row.access_handed_on)] if row.access_handed_on else []
    if row.access_handed_by:
        parts.append(f"от {row.access_handed_by}")
    if row.access_received_by_name:
        parts.append(f"→ {row.access_received_by_name}")
    return " ".join(parts)


def _archived(row: PageRow) -> str | None:
    return GREY if row.archived else None


COLUMNS: list[Col[PageRow]] = [
    Col("Соцсеть", lambda r: r.network_label, background=_archived),
    Col("Владелец", lambda r: r.owner_label, background=_archived),
    Col("Название", lambda r: r.name + (" (в архиве)" if r.archived else ""),
        tip=lambda r: f"{r.name}\n{r.url}" + (f"\nВ архиве с {moment_text(r.archived_at)}: {r.archive_reason}"
                                              if r.archived else ""), background=_archived),
    Col("Ссылка", lambda r: r.url, background=_archived),
    Col("Телефон", lambda r: r.phone, background=_archived),
    Col("Отдел", lambda r: r.unit_name, background=_archived),
    Col("Кто публикует", lambda r: ", ".join(r.publisher_names), background=_archived),
    Col("Ответственный", lambda r: r.responsible_name, background=_archived),
    Col("Доступ передан", _access, tip=lambda r: f"{_access(r)}\n{NO_PASSWORDS}", background=_archived),
    Col("ID в соцсети", lambda r: r.network_id, background=_archived),
]


class RegistryTab(QWidget):
    """The registry table and its buttons; the curator and the administrator change it."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.keeps = access.keeps_registry(actor)
        self.model: RowsModel[PageRow] = RowsModel(COLUMNS, self)
        self.view = make_table(self.model, stretch=-1)
        fit_columns(self.view, (12, 15, 34, 26, 18, 18, 26, 22, 30, 14))
        self.archived_check = QCheckBox("Показывать страницы в архиве")
        self.archived_check.toggled.connect(lambda _on: self.refresh())
        self.add_button = QPushButton("Добавить страницу…")
        self.edit_button = QPushButton("Изменить…")
        self.archive_button = QPushButton("В архив…")
        self.restore_button = QPushButton("Вернуть из архива")
        for button in (self.add_button, self.edit_button, self.archive_button, self.restore_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_page)
        self.edit_button.clicked.connect(self.edit_page)
        self.archive_button.clicked.connect(self.archive_page)
        self.restore_button.clicked.connect(self.restore_page)
        self.view.doubleClicked.connect(lambda _index: self.edit_page())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.archive_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.archived_check)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint(NO_PASSWORDS + " Страницы не удаляются: в архиве остаются их публикации и история."))
        self._update_buttons()

    def refresh(self) -> None:
        current = self.current()
        self.model.set_rows(registry.list_pages(self.actor, archived=self.archived_check.isChecked()))
        if current is not None:
            self.select(current.id)
        self._update_buttons()

    def current(self) -> PageRow | None:
        rows = selected_rows(self.view)
        return self.model.row_at(rows[0]) if rows else None

    def select(self, page_id: int) -> bool:
        for n, row in enumerate(self.model.rows()):
            if row.id == page_id:
                self.view.selectRow(n)
                return True
        return False

    def _update_buttons(self) -> None:
        row = self.current()
        allow(self.add_button, self.keeps, REGISTRY_TIP, "Внести страницу в реестр")
        allow(self.edit_button, self.keeps and row is not None,
              REGISTRY_TIP if not self.keeps else "Выберите страницу в таблице", "Изменить выбранную страницу")
        allow(self.archive_button, self.keeps and row is not None and not row.archived,
              REGISTRY_TIP if not self.keeps else "Выберите страницу, которая не в архиве",
              "Убрать страницу в архив: её история останется")
        allow(self.restore_button, self.keeps and row is not None and row.archived,
              REGISTRY_TIP if not self.keeps else "Выберите страницу из архива (отметьте «Показывать страницы в архиве»)",
              "Вернуть страницу к работе")

    def make_page_dialog(self, page_id: int | None = None) -> PageDialog:
        dialog = PageDialog(self.actor, page_id, self)
        dialog.accepted.connect(lambda: self._saved(dialog.saved_id))
        return dialog

    def _saved(self, page_id: int | None) -> None:
        self.refresh()
        if page_id is not None:
            self.select(page_id)

    def add_page(self) -> None:
        if self.keeps:
            self.make_page_dialog().exec()

    def edit_page(self) -> None:
        row = self.current()
        if self.keeps and row is not None:
            self.make_page_dialog(row.id).exec()

    def make_archive_dialog(self) -> ReasonDialog | None:
        row = self.current()
        if row is None:
            return None
        dialog = ReasonDialog(self, "Страница в архив", f"Почему страница «{row.name}» уходит в архив? "
                              "Публикации, проверки и история останутся; в правило «публикация каждую неделю» "
                              "страница больше не входит.", lambda text: registry.archive_page(self.actor, row.id, text),
                              "В архив")
        dialog.accepted.connect(self.refresh)
        return dialog

    def archive_page(self) -> None:
        dialog = self.make_archive_dialog() if self.keeps else None
        if dialog is not None:
            dialog.exec()

    def restore_page(self) -> None:
        row = self.current()
        if self.keeps and row is not None and attempt(self, lambda: registry.restore_page(self.actor, row.id)):
            self.refresh()

