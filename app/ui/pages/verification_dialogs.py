"""The dialogs of the «Отметка» tab: a new state of a page's special mark, the clause-12
application to the ESIA operator (previewed, saved to PDF) and the administration's details,
whose new name removes the marks (clause 13) only after the user confirms it."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import VERIFICATION_STATE_LABELS
from app.services import settings
from app.services.errors import DomainError
from app.services.pages import verification
from app.services.pages.registry import PageRow
from app.services.pages.verification import Application, MarksWillBeRemoved
from app.services.permissions import Actor
from app.ui.pages.application_document import application_html, write_pdf
from app.ui.pages.common import FormDialog, date_edit, form_layout, hint, today
from app.ui.widgets import ERROR_STYLE, fit_to_screen, make_error_label
from app.ui.help import Section, install_help

CONFIRM_STYLE = "color: #7a0c0c; background: #fde0e0; border: 1px solid #e08a8a; padding: 6px;"


class StateDialog(FormDialog):
    help_section = Section.PAGES_VERIFICATION

    """Records the page's mark moving to one of the states its current one may go to."""

    def __init__(self, actor: Actor, page: PageRow, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Специальная отметка страницы", "Записать")
        self.actor = actor
        self.page = page
        self.state_combo = QComboBox()
        for state in sorted(verification.TRANSITIONS.get(page.verification, ())):
            self.state_combo.addItem(VERIFICATION_STATE_LABELS[state], state)
        self.date_edit = date_edit(today())
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("например, номер заявки или ответ соцсети")
        self.lay_out(form_layout(
            ("Страница:", QLabel(f"{page.name} ({page.network_label})")),
            ("Сейчас:", QLabel(VERIFICATION_STATE_LABELS.get(page.verification, page.verification))),
            ("Новое состояние:", self.state_combo), ("С какого дня:", self.date_edit),
            ("Примечание:", self.note_edit)))
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        self.attempt(lambda: verification.set_state(self.actor, self.page.id, self.state_combo.currentData(),
                                                    self.date_edit.date().toPython(), self.note_edit.text()))


def default_application_path(app: Application) -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    return folder / f"Заявка оператору ЕСИА {app.made_on.replace(' г.', '')}.pdf"


class ApplicationDialog(QDialog):
    """The application as it will print, and where to save the PDF."""

    def __init__(self, app: Application, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_help(self, Section.PAGES_VERIFICATION)
        self.app = app
        self.saved_path: Path | None = None
        self.setWindowTitle("Заявка оператору ЕСИА (п. 12)")
        self.preview = QTextBrowser()
        self.preview.setHtml(application_html(app))
        self.missing_label = QLabel(
            "В сведениях об администрации не заполнено: " + ", ".join(app.missing)
            + ". Заполните их кнопкой «Сведения об администрации…», иначе в заявке будет «не указано».")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet(ERROR_STYLE)
        self.missing_label.setVisible(bool(app.missing))
        self.path_edit = QLineEdit(str(default_application_path(app)))
        self.browse_button = QPushButton("Обзор…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel("Файл PDF:"))
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.error_label = make_error_label()
        self.done_label = hint("")
        self.done_label.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Сохранить в PDF", QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(path_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.done_label)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 760, 760)

    def browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, "Сохранить заявку", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def save(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self._error("Укажите, куда сохранить файл PDF")
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        if not path.parent.is_dir():
            self._error(f"Папки «{path.parent}» нет — выберите другую кнопкой «Обзор…»")
            return
        try:
            write_pdf(self.app, path)
        except OSError as error:
            self._error(f"Не удалось сохранить «{path}»: {error.strerror or error}")
            return
        if not path.is_file() or path.stat().st_size == 0:
            self._error(f"Не удалось сохранить «{path}»: нет доступа к папке или диск заполнен")
            return
        self.saved_path = path
        self.error_label.setVisible(False)
        self.done_label.setText(f"Заявка сохранена: {path}")
        self.done_label.setVisible(True)

    def _error(self, message: str) -> None:
        self.done_label.setVisible(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)


class OrganisationDialog(FormDialog):
    help_section = Section.PAGES_VERIFICATION

    """«Сведения об администрации» for the clause-12 application; a new name asks before the marks go."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Сведения об администрации", "Сохранить")
        self.actor = actor
        self.confirming = False
        self.moved: list[int] = []
        current = settings.organisation()
        self.edits: dict[str, QLineEdit] = {}
        form = form_layout()
        for field in fields(current):
            edit = QLineEdit(str(getattr(current, field.name)))
            edit.textEdited.connect(self._edited)
            self.edits[field.name] = edit
            form.addRow(settings.ORGANISATION_LABELS[field.name] + ":", edit)
        self.confirm_label = QLabel()
        self.confirm_label.setObjectName("confirmLabel")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setStyleSheet(CONFIRM_STYLE)
        self.confirm_label.setVisible(False)
        self.lay_out(hint("Эти сведения входят в заявку оператору ЕСИА (п. 12 Приложения 1). После изменения "
                          "наименования соцсети удаляют специальную отметку (п. 13)."), form, self.confirm_label)
        fit_to_screen(self, 640, self.sizeHint().height())

    def details(self) -> settings.Organisation:
        return settings.Organisation(**{name: edit.text() for name, edit in self.edits.items()})

    def _edited(self) -> None:
        if self.confirming:
            self.confirming = False
            self.confirm_label.setVisible(False)
            self.ok_button.setText("Сохранить")

    def save(self) -> None:
        try:
            self.moved = verification.change_organisation(self.actor, self.details(), confirm_marks=self.confirming)
        except MarksWillBeRemoved as question:
            self.confirming = True
            self.confirm_label.setText(str(question))
            self.confirm_label.setVisible(True)
            self.ok_button.setText("Сохранить и снять отметки")
            return
        except DomainError as error:
            self.show_error(str(error))
            return
        self.accept()
