"""«Модерация» (Appendix 1, clause 14): the journal of removed comments and messages, «Удалить
комментарий…» with the reason the detectors suggest as the text is typed and «внести автора в
чёрный список», and the black list with «Исключить из списка»."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import MODERATION_REASON_LABELS
from app.services.pages import access, moderation
from app.services.pages.moderation import BlacklistRow, JournalRow
from app.services.permissions import Actor
from app.ui.pages.common import (
    MOMENT_CHARS, READ_ONLY_TIP, Col, FormDialog, PageChooser, RowsModel, allow, attempt, fit_columns, form_layout, hint,
    make_table, moment_edit, moment_text, selected_rows, split,
)
from app.ui.widgets import fit_to_screen
from app.ui.help import Section

JOURNAL_COLUMNS: list[Col[JournalRow]] = [
    Col("Когда", lambda r: moment_text(r.at)),
    Col("Страница", lambda r: r.page_name),
    Col("Действие", lambda r: r.action),
    Col("Причина", lambda r: r.reason),
    Col("Автор", lambda r: r.author, tip=lambda r: "\n".join(x for x in (r.author, r.author_link) if x)),
    Col("Удалённый текст", lambda r: " ".join(r.text.split()),
        tip=lambda r: "\n".join(x for x in (r.text, r.link) if x) or None),
    Col("Модератор", lambda r: r.moderator),
]
BLACKLIST_COLUMNS: list[Col[BlacklistRow]] = [
    Col("Страница", lambda r: r.page_name),
    Col("Автор", lambda r: r.author),
    Col("Профиль", lambda r: r.author_link),
    Col("Причина", lambda r: r.reason),
    Col("Внесён", lambda r: moment_text(r.added_at)),
    Col("Кем", lambda r: r.added_by),
]


class RemovalDialog(FormDialog):
    help_section = Section.PAGES_MODERATION

    """«Удалить комментарий»: records a removed comment; the reason follows the detectors until chosen by hand."""

    def __init__(self, actor: Actor, page_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Удалённый комментарий", "Записать")
        self.actor = actor
        self.saved_id: int | None = None
        self.reason_by_hand = False
        self.page_combo = PageChooser(actor)
        self.page_combo.select(page_id)
        self.when_edit = moment_edit()
        self.author_edit = QLineEdit()
        self.author_edit.setPlaceholderText("Имя автора в соцсети")
        self.author_link_edit = QLineEdit()
        self.author_link_edit.setPlaceholderText("https://vk.com/id… (профиль автора)")
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://… (ссылка на комментарий)")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("Текст удалённого комментария или сообщения")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.textChanged.connect(self.suggest)
        self.reason_combo = QComboBox()
        self.reason_combo.addItem("— выберите причину —", None)
        for code, label in MODERATION_REASON_LABELS.items():
            self.reason_combo.addItem(label, code.value)
        self.reason_combo.activated.connect(self._chosen_by_hand)
        self.suggestion_label = hint("")
        self.suggestion_label.setObjectName("suggestionLabel")
        self.blacklist_check = QCheckBox("внести автора в чёрный список страницы")
        self.lay_out(form_layout(
            ("Страница:", self.page_combo), ("Когда удалён:", self.when_edit), ("Автор:", self.author_edit),
            ("Профиль автора:", self.author_link_edit), ("Ссылка на комментарий:", self.link_edit),
            ("Текст:", self.text_edit), ("Причина (п. 14):", self.reason_combo), ("", self.suggestion_label),
            ("", self.blacklist_check)))
        fit_to_screen(self, 600, 560)

    def _chosen_by_hand(self, _index: int) -> None:
        self.reason_by_hand = True

    def suggest(self) -> None:
        """Put the detectors' reason in the list (unless the user chose one) and say so."""
        reason = moderation.suggest_reason(self.text_edit.toPlainText())
        if reason is None:
            self.suggestion_label.setText("")
            return
        self.suggestion_label.setText(f"Программа предлагает причину: «{MODERATION_REASON_LABELS[reason]}»")
        if not self.reason_by_hand:
            self.reason_combo.setCurrentIndex(self.reason_combo.findData(reason.value))

    def save(self) -> None:
        page_id = self.page_combo.page_id()
        if page_id is None:
            self.show_error("Выберите страницу")
            return

        def record() -> None:
            self.saved_id = moderation.record_removal(
                self.actor, page_id, author=self.author_edit.text(), text=self.text_edit.toPlainText(),
                reason=self.reason_combo.currentData() or "", author_link=self.author_link_edit.text().strip(),
                link=self.link_edit.text().strip(), at=self.when_edit.dateTime().toPython(),
                blacklist=self.blacklist_check.isChecked())

        self.attempt(record)


class ModerationTab(QWidget):
    """The journal on top, the black list below, both for one page or every page."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.page_combo = PageChooser(actor, everything="Все страницы")
        self.page_combo.currentIndexChanged.connect(lambda _i: self.refresh_lists())
        self.remove_button = QPushButton("Удалить комментарий…")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.record_removal)
        self.journal_model: RowsModel[JournalRow] = RowsModel(JOURNAL_COLUMNS, self)
        self.journal_view = make_table(self.journal_model, stretch=5)
        fit_columns(self.journal_view, (MOMENT_CHARS - 2, 24, 18, 22, 18, 0, 18))
        self.blacklist_model: RowsModel[BlacklistRow] = RowsModel(BLACKLIST_COLUMNS, self)
        self.blacklist_view = make_table(self.blacklist_model, stretch=2)
        fit_columns(self.blacklist_view, (30, 22, 0, 24, MOMENT_CHARS))
        self.blacklist_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.unlist_button = QPushButton("Исключить из списка")
        self.unlist_button.setAutoDefault(False)
        self.unlist_button.clicked.connect(self.unlist)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("Страница:"))
        top.addWidget(self.page_combo, 1)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.remove_button)
        journal_box = QGroupBox("Журнал модерации: удалённые комментарии и сообщения")
        journal_layout = QVBoxLayout(journal_box)
        journal_layout.addWidget(self.journal_view)
        blacklist_box = QGroupBox("Чёрный список")
        blacklist_layout = QVBoxLayout(blacklist_box)
        blacklist_row = QHBoxLayout()
        blacklist_row.addWidget(hint("Новые сообщения этих авторов помечаются в очереди инцидентов и в карточке "
                                     "инцидента."), 1)
        blacklist_row.addWidget(self.unlist_button)
        blacklist_layout.addLayout(blacklist_row)
        blacklist_layout.addWidget(self.blacklist_view)
        splitter = split(Qt.Orientation.Vertical, journal_box, blacklist_box, (3, 2))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def refresh(self) -> None:
        self.page_combo.reload()
        self.refresh_lists()

    def refresh_lists(self) -> None:
        page_id = self.page_combo.page_id()
        self.journal_model.set_rows(moderation.journal(self.actor, page_id=page_id))
        self.blacklist_model.set_rows(moderation.blacklist(self.actor, page_id=page_id))
        removed = sum(r.action.startswith("Удалён") for r in self.journal_model.rows())
        self.count_label.setText(f"удалено комментариев: {removed}, в чёрном списке: {self.blacklist_model.rowCount()}")
        self._update_buttons()

    def chosen_entry(self) -> BlacklistRow | None:
        rows = selected_rows(self.blacklist_view)
        return self.blacklist_model.row_at(rows[0]) if rows else None

    def _update_buttons(self) -> None:
        page_id = self.page_combo.page_id()
        writer = access.can_edit(self.actor, page_id) if page_id is not None else access.edits_some_page(self.actor)
        allow(self.remove_button, writer, READ_ONLY_TIP, "Записать удалённый комментарий или сообщение (п. 14)")
        entry = self.chosen_entry()
        entry_writer = entry is not None and access.can_edit(self.actor, entry.page_id)
        allow(self.unlist_button, entry_writer,
              READ_ONLY_TIP if entry is not None else "Выберите автора в чёрном списке",
              "Исключить автора из чёрного списка страницы (запись останется в журнале)")

    def make_removal_dialog(self) -> RemovalDialog:
        dialog = RemovalDialog(self.actor, self.page_combo.page_id(), self)
        dialog.accepted.connect(self.refresh_lists)
        return dialog

    def record_removal(self) -> None:
        self.make_removal_dialog().exec()

    def unlist(self) -> None:
        entry = self.chosen_entry()
        if entry is not None and attempt(self, lambda: moderation.remove_from_blacklist(self.actor, entry.id)):
            self.refresh_lists()
