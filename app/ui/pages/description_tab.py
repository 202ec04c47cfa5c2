"""«Описание»: one approved description for every page (Appendix 1, clause 9). The curator edits
the approved text; for each page its description as recorded, and where it differs the
difference word by word — words of the approved text missing from the page struck through in red,
words the page has in addition in green."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import settings
from app.services.pages import access, description
from app.services.pages.description import DescriptionState, DiffPart
from app.services.permissions import Actor
from app.ui.pages.common import (
    CURATOR_TIP, GREEN, READ_ONLY_TIP, RED, Col, RowsModel, allow, attempt, hint, make_table, page_labels, selected_rows,
    split,
)

MISSING_STYLE = "color: #b00020; text-decoration: line-through; background: #fde0e0;"
EXTRA_STYLE = "color: #1b5e20; background: #d7f0d8;"


def diff_html(parts: tuple[DiffPart, ...] | list[DiffPart]) -> str:
    """The word-level difference as HTML: missing words struck and red, extra words green."""
    out = []
    for part in parts:
        text = escape(part.text)
        if part.kind == "missing":
            out.append(f'<span style="{MISSING_STYLE}">{text}</span>')
        elif part.kind == "extra":
            out.append(f'<span style="{EXTRA_STYLE}">{text}</span>')
        else:
            out.append(text)
    return " ".join(out)


def _state(row: DescriptionState) -> str:
    if not row.recorded:
        return "не записано"
    return "отличается" if row.differs else "совпадает"




class DescriptionTab(QWidget):
    """The approved text on top; the pages and the chosen page's description and difference below."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.approved_edit = QPlainTextEdit()
        self.approved_edit.setTabChangesFocus(True)
        self.approved_edit.setReadOnly(not actor.is_curator)
        self.approved_edit.setMaximumHeight(self.fontMetrics().height() * 6)
        self.approve_button = QPushButton("Сохранить единое описание")
        self.approve_button.setAutoDefault(False)
        self.approve_button.clicked.connect(self.save_approved)
        allow(self.approve_button, actor.is_curator, CURATOR_TIP, "Утвердить текст, с которым сравниваются страницы")
        approved_box = QGroupBox("Единое описание страниц (п. 9)")
        approved_layout = QHBoxLayout(approved_box)
        approved_layout.addWidget(self.approved_edit, 1)
        approved_layout.addWidget(self.approve_button, 0, Qt.AlignmentFlag.AlignTop)

        self.labels: dict[int, str] = {}
        self.model: RowsModel[DescriptionState] = RowsModel([
            Col("Страница", lambda r: self.labels.get(r.page_id, r.page_name)),
            Col("Описание", _state, background=lambda r: RED if r.differs else (GREEN if r.recorded else None)),
        ], self)
        self.view = make_table(self.model, stretch=0)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_page())
        self.page_edit = QPlainTextEdit()
        self.page_edit.setTabChangesFocus(True)
        self.page_edit.setPlaceholderText("Описание, как оно выглядит на странице сегодня (скопируйте его со страницы)")
        self.page_edit.setMaximumHeight(self.fontMetrics().height() * 6)
        self.record_button = QPushButton("Записать описание страницы")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record_page)
        self.diff_title = QLabel()
        self.diff_view = QTextBrowser()
        self.diff_view.setObjectName("descriptionDiff")
        page_pane = QWidget()
        page_layout = QVBoxLayout(page_pane)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.page_edit)
        page_layout.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignRight)
        page_layout.addWidget(self.diff_title)
        page_layout.addWidget(self.diff_view, 1)
        page_layout.addWidget(hint("Красным зачёркнуто — слов утверждённого описания нет на странице; "
                                   "зелёным — на странице лишние слова."))
        splitter = split(Qt.Orientation.Horizontal, self.view, page_pane, (2, 3))
        layout = QVBoxLayout(self)
        layout.addWidget(approved_box)
        layout.addWidget(splitter, 1)
        self._show_page()

    def refresh(self) -> None:
        chosen = self.current()
        if not self.approved_edit.document().isModified():
            self.approved_edit.setPlainText(settings.page_settings().approved_description)
        self.labels = page_labels(self.actor)
        self.model.set_rows(description.states(self.actor))
        rows = self.model.rows()
        index = next((n for n, r in enumerate(rows) if chosen and r.page_id == chosen.page_id), 0 if rows else -1)
        if index >= 0:
            self.view.selectRow(index)
        self._show_page()

    def current(self) -> DescriptionState | None:
        rows = selected_rows(self.view)
        return self.model.row_at(rows[0]) if rows else None

    def _show_page(self) -> None:
        row = self.current()
        writer = row is not None and access.can_edit(self.actor, row.page_id)
        allow(self.record_button, writer, READ_ONLY_TIP if row else "Выберите страницу",
              "Записать, что написано в описании страницы сейчас")
        self.page_edit.setReadOnly(not writer)
        if row is None:
            self.page_edit.clear()
            self.diff_title.setText("")
            self.diff_view.clear()
            return
        self.page_edit.setPlainText(row.description)
        if not row.recorded:
            self.diff_title.setText(f"Описание страницы «{row.page_name}» ещё не записано")
            self.diff_view.clear()
        elif row.differs:
            self.diff_title.setText(f"<b style='color:#b00020'>Описание «{escape(row.page_name)}» отличается "
                                    "от утверждённого:</b>")
            self.diff_view.setHtml(diff_html(row.parts))
        else:
            self.diff_title.setText(f"Описание «{escape(row.page_name)}» совпадает с утверждённым")
            self.diff_view.setPlainText(row.description)

    def save_approved(self) -> None:
        if attempt(self, lambda: description.set_approved(self.actor, self.approved_edit.toPlainText())):
            self.approved_edit.document().setModified(False)
            self.refresh()

    def record_page(self) -> None:
        row = self.current()
        if row is not None and attempt(self, lambda: description.record_page_description(
                self.actor, row.page_id, self.page_edit.toPlainText())):
            self.refresh()
