"""«Сведения по 8-ФЗ»: for a chosen page, every item of 8-FZ art. 13 part 1 that it must carry,
when it was last checked and by whom; never checked, out of date or checked too long ago is red
(Appendix 1, clause 6). «Отметить проверенным» and «Устарело…» record a check; the curator sets
after how many days an item is flagged."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.services import settings
from app.services.pages import access, law_info
from app.services.pages.law_info import ItemState
from app.services.permissions import Actor
from app.ui.pages.common import (
    CURATOR_TIP, GREEN, MOMENT_CHARS, READ_ONLY_TIP, RED, Col, PageChooser, ReasonDialog, RowsModel, allow, attempt,
    fit_columns,
    hint, make_table, moment_text, selected_rows,
)


def _flag(row: ItemState) -> str | None:
    return RED if row.flagged else None


COLUMNS: list[Col[ItemState]] = [
    Col("Сведения (ч. 1 ст. 13 8-ФЗ)", lambda r: r.label, background=_flag),
    Col("Проверено", lambda r: moment_text(r.checked_at) or "никогда", background=_flag),
    Col("Кем", lambda r: r.checked_by, background=_flag),
    Col("Состояние", lambda r: r.reason if r.flagged else "актуально",
        tip=lambda r: (r.reason if r.flagged else "актуально") + (f"\nПримечание: {r.note}" if r.note else ""),
        background=lambda r: RED if r.flagged else GREEN),
    Col("Примечание", lambda r: r.note, background=_flag),
]


class LawTab(QWidget):
    """The checklist of one page."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.page_combo = PageChooser(actor)
        self.page_combo.currentIndexChanged.connect(lambda _i: self.refresh_items())
        self.model: RowsModel[ItemState] = RowsModel(COLUMNS, self)
        self.view = make_table(self.model, stretch=0, multi=True)
        fit_columns(self.view, (0, MOMENT_CHARS, 28, 30, 34))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.checked_button = QPushButton("Отметить проверенным")
        self.stale_button = QPushButton("Устарело…")
        for button in (self.checked_button, self.stale_button):
            button.setAutoDefault(False)
        self.checked_button.clicked.connect(self.mark_checked)
        self.stale_button.clicked.connect(self.mark_stale)
        self.flagged_label = QLabel()
        self.period_spin = QSpinBox()
        self.period_spin.setRange(1, law_info.MAX_PERIOD_DAYS)
        self.period_spin.setSuffix(" дн.")
        self.period_button = QPushButton("Сохранить срок")
        self.period_button.setAutoDefault(False)
        self.period_button.clicked.connect(self.save_period)

        top = QHBoxLayout()
        top.addWidget(QLabel("Страница:"))
        top.addWidget(self.page_combo, 1)
        top.addSpacing(12)
        top.addWidget(self.flagged_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.checked_button)
        buttons.addWidget(self.stale_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Проверять не реже чем раз в"))
        buttons.addWidget(self.period_spin)
        buttons.addWidget(self.period_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint("П. 6 Приложения 1: на страницах размещаются и поддерживаются в актуальном состоянии "
                              "сведения ч. 1 ст. 13 Федерального закона № 8-ФЗ. Красным — сведения, которые ни разу "
                              "не проверяли, нашли устаревшими или проверяли дольше установленного срока."))
        self._update_buttons()

    def refresh(self) -> None:
        self.page_combo.reload()
        self.period_spin.setValue(settings.page_settings().law_check_days)
        self.refresh_items()

    def refresh_items(self) -> None:
        page_id = self.page_combo.page_id()
        chosen = {self.model.row_at(r).code for r in selected_rows(self.view)}
        self.model.set_rows(law_info.checklist(self.actor, page_id) if page_id is not None else [])
        for n, row in enumerate(self.model.rows()):
            if row.code in chosen:
                self.view.selectRow(n)
        flagged = sum(r.flagged for r in self.model.rows())
        self.flagged_label.setText(f"Требуют внимания: {flagged} из {self.model.rowCount()}" if flagged
                                   else "Все сведения актуальны")
        self.flagged_label.setStyleSheet("color: #b00020; font-weight: bold;" if flagged else "color: #1b5e20;")
        self._update_buttons()

    def chosen_codes(self) -> list[str]:
        return [self.model.row_at(r).code for r in selected_rows(self.view)]

    def _update_buttons(self) -> None:
        page_id = self.page_combo.page_id()
        writer = access.can_edit(self.actor, page_id) if page_id is not None else False
        chosen = bool(self.chosen_codes())
        why = READ_ONLY_TIP if page_id is not None and not writer else "Выберите сведения в таблице"
        allow(self.checked_button, writer and chosen, why, "Сведения на странице есть и актуальны: записать проверку")
        allow(self.stale_button, writer and chosen, why, "Сведения устарели или отсутствуют: записать с примечанием")
        curator = self.actor.is_curator
        allow(self.period_spin, curator, CURATOR_TIP, "После скольких дней без проверки сведения отмечаются красным")
        allow(self.period_button, curator, CURATOR_TIP)

    def mark_checked(self) -> None:
        page_id = self.page_combo.page_id()
        codes = self.chosen_codes()
        if page_id is None or not codes:
            return

        def record() -> None:
            for code in codes:
                law_info.record_check(self.actor, page_id, code, current=True)

        attempt(self, record)
        self.refresh_items()

    def make_stale_dialog(self) -> ReasonDialog | None:
        page_id = self.page_combo.page_id()
        codes = self.chosen_codes()
        if page_id is None or not codes:
            return None

        def record(note: str) -> None:
            for code in codes:
                law_info.record_check(self.actor, page_id, code, current=False, note=note)

        names = "; ".join(law_info.ITEMS[c] for c in codes)
        dialog = ReasonDialog(self, "Сведения устарели", f"Что не так на странице? ({names})", record, "Записать")
        dialog.accepted.connect(self.refresh_items)
        return dialog

    def mark_stale(self) -> None:
        dialog = self.make_stale_dialog()
        if dialog is not None:
            dialog.exec()

    def save_period(self) -> None:
        if attempt(self, lambda: law_info.set_period(self.actor, self.period_spin.value())):
            self.refresh_items()
