"""«Отметка»: the special mark of every page (Appendix 1, clauses 11–13) — its state and since
when, the chosen page's history, a new state, the clause-12 application to the ESIA operator for
the chosen pages (printable, saved to PDF) and the administration's details it is made from."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.enums import VERIFICATION_STATE_LABELS, VerificationState
from app.services.errors import DomainError
from app.services.pages import access, registry, verification
from app.services.pages.registry import PageRow
from app.services.pages.verification import HistoryRow
from app.services.permissions import Actor
from app.ui.pages.common import (
    AMBER, GREEN, GREY, MOMENT_CHARS, READ_ONLY_TIP, REGISTRY_TIP, RED, Col, RowsModel, allow, day_text, fit_columns, hint,
    make_table, moment_text, selected_rows, show_error, split,
)
from app.ui.pages.verification_dialogs import ApplicationDialog, OrganisationDialog, StateDialog

S = VerificationState
STATE_COLORS = {S.VERIFIED: GREEN, S.ESIA: AMBER, S.REQUESTED: AMBER, S.REMOVED: RED, S.RECONFIRM: RED, S.NONE: GREY}


def state_label(code: str) -> str:
    return VERIFICATION_STATE_LABELS.get(code, code)


PAGE_COLUMNS: list[Col[PageRow]] = [
    Col("Страница", lambda r: r.name, tip=lambda r: f"{r.name}\n{r.url}"),
    Col("Соцсеть", lambda r: r.network_label),
    Col("Владелец", lambda r: r.owner_label),
    Col("Специальная отметка", lambda r: state_label(r.verification),
        background=lambda r: STATE_COLORS.get(r.verification)),
]
HISTORY_COLUMNS: list[Col[HistoryRow]] = [
    Col("С какого дня", lambda r: day_text(r.effective_on)),
    Col("Состояние", lambda r: r.label, background=lambda r: STATE_COLORS.get(r.state)),
    Col("Записано", lambda r: moment_text(r.recorded_at)),
    Col("Кем", lambda r: r.by),
    Col("Примечание", lambda r: r.note),
]


class VerificationTab(QWidget):
    """The pages and their marks on top, the chosen page's history below."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.pages_model: RowsModel[PageRow] = RowsModel(PAGE_COLUMNS, self)
        self.pages_view = make_table(self.pages_model, stretch=0, multi=True)
        fit_columns(self.pages_view, (0, 14, 15, 38))
        self.pages_view.selectionModel().selectionChanged.connect(lambda *_a: self._show_history())
        self.history_model: RowsModel[HistoryRow] = RowsModel(HISTORY_COLUMNS, self)
        self.history_view = make_table(self.history_model, stretch=4)
        fit_columns(self.history_view, (13, 38, MOMENT_CHARS, 22))
        self.history_title = QLabel("История отметки")
        self.state_button = QPushButton("Изменить состояние…")
        self.application_button = QPushButton("Заявка оператору ЕСИА…")
        self.organisation_button = QPushButton("Сведения об администрации…")
        for button in (self.state_button, self.application_button, self.organisation_button):
            button.setAutoDefault(False)
        self.state_button.clicked.connect(self.change_state)
        self.application_button.clicked.connect(self.make_application)
        self.organisation_button.clicked.connect(self.edit_organisation)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_button)
        buttons.addWidget(self.application_button)
        buttons.addStretch(1)
        buttons.addWidget(self.organisation_button)
        history_pane = QWidget()
        history_layout = QVBoxLayout(history_pane)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_title)
        history_layout.addWidget(self.history_view, 1)
        splitter = split(Qt.Orientation.Vertical, self.pages_view, history_pane, (1, 1))
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        layout.addWidget(hint("П. 11–13 Приложения 1: специальную отметку присваивает соцсеть после регистрации через "
                              "ЕСИА; без такой возможности направляется заявка оператору ЕСИА (выберите страницы и "
                              "нажмите «Заявка оператору ЕСИА…»). После смены наименования администрации отметка "
                              "удаляется и требует повторного подтверждения."))
        self._show_history()

    def refresh(self) -> None:
        chosen = {r.id for r in self.chosen_pages()}
        self.pages_model.set_rows(registry.list_pages(self.actor))
        self.select_pages(chosen)
        if not chosen and self.pages_model.rowCount():
            self.pages_view.selectRow(0)
        self._show_history()

    def chosen_pages(self) -> list[PageRow]:
        return [self.pages_model.row_at(r) for r in selected_rows(self.pages_view)]

    def select_pages(self, page_ids: set[int]) -> None:
        self.pages_view.clearSelection()
        model = self.pages_view.selectionModel()
        for n, row in enumerate(self.pages_model.rows()):
            if row.id in page_ids:
                model.select(self.pages_model.index(n, 0), model.SelectionFlag.Select | model.SelectionFlag.Rows)

    def _show_history(self) -> None:
        chosen = self.chosen_pages()
        one = chosen[0] if len(chosen) == 1 else None
        if one is not None:
            self.history_title.setText(f"История отметки: «{one.name}» ({one.network_label})")
            self.history_model.set_rows(verification.history(self.actor, one.id))
        else:
            self.history_title.setText("История отметки (выберите одну страницу)")
            self.history_model.set_rows([])
        writer = one is not None and access.can_edit(self.actor, one.id)
        allow(self.state_button, writer, READ_ONLY_TIP if one is not None else "Выберите одну страницу",
              "Записать новое состояние отметки выбранной страницы")
        allow(self.application_button, bool(chosen), "Выберите страницы, для которых нужна заявка",
              "Заявка оператору ЕСИА (п. 12) для выбранных страниц: просмотр и сохранение в PDF")
        allow(self.organisation_button, access.keeps_registry(self.actor), REGISTRY_TIP,
              "Наименование, адрес, телефон и почта администрации и её руководителя — для заявки (п. 12)")

    def make_state_dialog(self) -> StateDialog | None:
        chosen = self.chosen_pages()
        if len(chosen) != 1:
            return None
        dialog = StateDialog(self.actor, chosen[0], self)
        dialog.accepted.connect(self.refresh)
        return dialog

    def change_state(self) -> None:
        dialog = self.make_state_dialog()
        if dialog is not None:
            dialog.exec()

    def make_application_dialog(self) -> ApplicationDialog | None:
        ids = [p.id for p in self.chosen_pages()]
        try:
            data = verification.application(self.actor, ids)
        except DomainError as error:
            show_error(self, error)
            return None
        return ApplicationDialog(data, self)

    def make_application(self) -> None:
        dialog = self.make_application_dialog()
        if dialog is not None:
            dialog.exec()

    def make_organisation_dialog(self) -> OrganisationDialog:
        dialog = OrganisationDialog(self.actor, self)
        dialog.accepted.connect(self.refresh)
        return dialog

    def edit_organisation(self) -> None:
        self.make_organisation_dialog().exec()
