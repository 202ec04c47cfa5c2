"""«Записать публикацию» and «Запланировать публикацию» (Appendix 1, clauses 5, 8, 10).

A publication's text goes through the answer checks and the press-release check before it is
recorded: the findings are listed in the dialog with the question «Записать всё равно?», and
only a second, explicit click records it with them. Editing the text asks again.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.models.enums import PUBLICATION_FORMAT_LABELS, PublicationFormat
from app.services import users
from app.services.errors import DomainError
from app.services.pages import publications, weeks
from app.services.pages.publications import PlanRow, PublicationFindings, PublicationInput
from app.services.permissions import Actor
from app.ui.pages.common import FormDialog, PageChooser, date_edit, form_layout, hint, moment_edit, today
from app.ui.widgets import fit_to_screen
from app.ui.help import Section

FINDINGS_STYLE = "color: #7a0c0c; background: #fde0e0; border: 1px solid #e08a8a; padding: 6px;"


class FormatsBox(QWidget):
    """A checkbox per format of clause 8: text, photo, infographic, video, live stream, poll."""

    def __init__(self, chosen: Sequence[str] = (PublicationFormat.TEXT,), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, (code, label) in enumerate(PUBLICATION_FORMAT_LABELS.items()):
            box = QCheckBox(label)
            box.setChecked(code in chosen)
            grid.addWidget(box, n // 3, n % 3)
            self.boxes[code.value] = box

    def codes(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_codes(self, codes: Sequence[str]) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in codes)


def _codes_of(label: str) -> list[str]:
    """The format codes of «Текст, фото» (a plan row's formats as the service shows them)."""
    names = {v.lower(): k.value for k, v in PUBLICATION_FORMAT_LABELS.items()}
    return [names[part.strip().lower()] for part in label.split(",") if part.strip().lower() in names]


class PublicationDialog(FormDialog):
    help_section = Section.PAGES_WEEKS

    """Records a publication made on a page (or the one a plan item planned)."""

    def __init__(self, actor: Actor, page_id: int | None = None, plan_item: PlanRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, "Отметить опубликованной" if plan_item else "Записать публикацию", "Записать")
        self.actor = actor
        self.plan_item = plan_item
        self.saved_id: int | None = None
        self.findings: tuple = ()
        self.page_combo = PageChooser(actor)
        self.page_combo.select(plan_item.page_id if plan_item else page_id)
        self.page_combo.setEnabled(plan_item is None)
        self.when_edit = moment_edit()
        self.title_edit = QLineEdit(plan_item.title if plan_item else "")
        self.title_edit.setPlaceholderText("О чём публикация")
        self.text_edit = QPlainTextEdit(plan_item.text if plan_item else "")
        self.text_edit.setPlaceholderText("Текст публикации: его проверят на орфографию, канцеляризмы, "
                                          "цитирование актов и стиль пресс-релиза (п. 8, 10)")
        self.text_edit.setTabChangesFocus(True)
        self.formats = FormatsBox(_codes_of(plan_item.formats) if plan_item else (PublicationFormat.TEXT,))
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://… (ссылка на запись в соцсети)")
        form = form_layout(("Страница:", self.page_combo), ("Когда опубликовано:", self.when_edit),
                           ("Заголовок:", self.title_edit), ("Текст:", self.text_edit), ("Форматы:", self.formats),
                           ("Ссылка:", self.url_edit))
        self.findings_label = QLabel()
        self.findings_label.setObjectName("findingsLabel")
        self.findings_label.setWordWrap(True)
        self.findings_label.setStyleSheet(FINDINGS_STYLE)
        self.findings_label.setVisible(False)
        planned = hint(f"В плане на неделю {weeks.week_label(plan_item.week)}"
                       + (f", готовит {plan_item.preparer_name}" if plan_item.preparer_name else "")) \
            if plan_item else None
        self.lay_out(*([planned] if planned else []), form, self.findings_label)
        self.text_edit.textChanged.connect(self._text_changed)
        fit_to_screen(self, 640, 600)

    @property
    def asking(self) -> bool:
        """The findings are shown and the next click records the text with them."""
        return bool(self.findings)

    def _text_changed(self) -> None:
        if self.findings:
            self.findings = ()
            self.findings_label.setVisible(False)
            self.ok_button.setText("Записать")

    def save(self) -> None:
        page_id = self.page_combo.page_id()
        if page_id is None:
            self.show_error("Выберите страницу")
            return
        data = PublicationInput(published_at=self.when_edit.dateTime().toPython(), title=self.title_edit.text(),
                                text=self.text_edit.toPlainText(), formats=self.formats.codes(),
                                url=self.url_edit.text().strip())
        try:
            self.saved_id = publications.record_publication(
                self.actor, page_id, data, plan_item_id=self.plan_item.id if self.plan_item else None,
                accept_findings=self.asking)
        except PublicationFindings as found:
            self.findings = found.findings
            listed = "".join(f"<li>{escape(f.message)}</li>" for f in found.findings[:10])
            more = f"<p>…и ещё {len(found.findings) - 10}</p>" if len(found.findings) > 10 else ""
            self.findings_label.setText(f"<b>Проверка текста нашла замечания:</b><ul>{listed}</ul>{more}"
                                        "<b>Записать всё равно?</b> Исправьте текст или нажмите «Записать всё равно».")
            self.findings_label.setVisible(True)
            self.ok_button.setText("Записать всё равно")
            return
        except DomainError as error:
            self.show_error(str(error))
            return
        self.accept()


class PlanDialog(FormDialog):
    help_section = Section.PAGES_WEEKS

    """Plans a publication for a week of a page, and who prepares it."""

    def __init__(self, actor: Actor, page_id: int | None = None, week: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, "Запланировать публикацию", "Запланировать")
        self.actor = actor
        self.saved_id: int | None = None
        self.page_combo = PageChooser(actor)
        self.page_combo.select(page_id)
        self.week_edit = date_edit(max(week or today(), today()))
        self.week_label = hint("")
        self.week_edit.dateChanged.connect(self._show_week)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Что публикуем")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("Черновик текста (необязательно)")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(self.fontMetrics().height() * 7)
        self.formats = FormatsBox()
        self.preparer_combo = QComboBox()
        self.preparer_combo.addItem("— не назначен —", None)
        for user in sorted(users.list_users(), key=lambda u: u.full_name):
            if user.is_active:
                self.preparer_combo.addItem(user.full_name, user.id)
        self.lay_out(form_layout(
            ("Страница:", self.page_combo), ("Неделя (любой её день):", self.week_edit), ("", self.week_label),
            ("Что публикуем:", self.title_edit), ("Черновик:", self.text_edit), ("Форматы:", self.formats),
            ("Кто готовит:", self.preparer_combo)))
        self._show_week()
        fit_to_screen(self, 600, 480)

    def _show_week(self) -> None:
        monday = weeks.week_start(self.week_edit.date().toPython())
        self.week_label.setText(f"Неделя {weeks.week_label(monday)}")

    def save(self) -> None:
        page_id = self.page_combo.page_id()
        if page_id is None:
            self.show_error("Выберите страницу")
            return

        def plan() -> None:
            self.saved_id = publications.plan_publication(
                self.actor, page_id, self.week_edit.date().toPython(), self.title_edit.text(),
                text=self.text_edit.toPlainText(), formats=self.formats.codes(),
                preparer_id=self.preparer_combo.currentData())

        self.attempt(plan)
