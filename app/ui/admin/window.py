"""The administration window: one tab per subject, each in its own module (``app.ui.admin``).

The administrator sees every tab; a curator who is not an administrator sees only the curator's
own policy («Проверка ответов»); anyone else gets the service's refusal. Closing the window with
input typed and not saved asks first and names the tabs.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.models.enums import Role
from app.services import admin
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.ui.admin.absences_tab import AbsencesTab
from app.ui.admin.answers_tab import AnswersTab
from app.ui.admin.calendar_tab import CalendarTab
from app.ui.admin.common import AdminTab
from app.ui.admin.limits_tab import LimitsTab
from app.ui.admin.schedule_tab import ScheduleTab
from app.ui.admin.topics_tab import TopicsTab
from app.ui.admin.units_tab import UnitsTab
from app.ui.admin.users_tab import UsersTab
from app.ui.widgets import fit_to_screen
from app.ui.help import Section, install_help

WINDOW_TITLE = "Администрирование"


class AdminWindow(QDialog):
    """The administrator's window. For anyone else it shows the service's refusal and nothing more
    (a curator: only the answer-check policy, which is the curator's decision)."""

    #: short enough for all eight to fit a 1024-pixel screen without scroll arrows; the tooltips say more
    TAB_TITLES = ("Пользователи", "Отделы и учреждения", "Замещения", "Темы", "График работы",
                  "Календарь", "Сроки", "Проверка ответов")
    TAB_TIPS = ("Учётные записи и роли", "Отделы администрации и подведомственные учреждения",
                "Отсутствие исполнителей и их заместители (п. 8)", "Темы, группы тем и места (п. 10)",
                "Рабочие часы администрации по дням недели", "Производственный календарь: праздники, переносы, "
                "сокращённые дни", "Сроки регламента в рабочем времени (п. 9–19)",
                "Что проверка ответа пропускает на согласование (п. 14, 20)")

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle(WINDOW_TITLE)
        self.pool = QThreadPool(self)
        self.denied_message: str | None = None
        self.tabs: QTabWidget | None = None
        #: the question before closing with unsaved input (for the keyboard and tests)
        self.close_question: QMessageBox | None = None
        layout = QVBoxLayout(self)
        try:
            admin.ensure_admin(actor, WINDOW_TITLE)
        except DomainError as exc:
            if not actor.has(Role.CURATOR):
                self.denied_message = str(exc)
                self._build_refusal(layout, str(exc))
                return
            pages: tuple[AdminTab, ...] = (self._answers_tab(),)
            titles: tuple[str, ...] = (self.TAB_TITLES[-1],)
            tips: tuple[str, ...] = (self.TAB_TIPS[-1],)
        else:
            self.users_tab = UsersTab(actor)
            self.units_tab = UnitsTab(actor)
            self.absences_tab = AbsencesTab(actor)
            self.topics_tab = TopicsTab(actor)
            self.schedule_tab = ScheduleTab(actor)
            self.calendar_tab = CalendarTab(actor, pool=self.pool)
            self.limits_tab = LimitsTab(actor)
            pages = (self.users_tab, self.units_tab, self.absences_tab, self.topics_tab, self.schedule_tab,
                     self.calendar_tab, self.limits_tab, self._answers_tab())
            titles, tips = self.TAB_TITLES, self.TAB_TIPS
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        for page, title, tip in zip(pages, titles, tips, strict=True):
            page.title = title
            self.tabs.setTabToolTip(self.tabs.addTab(page, title), tip)
        # units and users feed the combo boxes of other tabs: reload a tab when it is shown
        self.tabs.currentChanged.connect(lambda i: self.tabs.widget(i).refresh() if self.tabs else None)
        install_help(self, self.help_section)
        layout.addWidget(self.tabs, 1)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        self.close_button = QPushButton("Закрыть")
        self.close_button.clicked.connect(self.reject)
        close_row.addWidget(self.close_button)
        layout.addLayout(close_row)
        fit_to_screen(self, 1440, 880)

    def help_section(self) -> str:
        """The guide's section about the tab shown now (F1)."""
        if self.tabs is None:
            return Section.ADMIN
        index = self.tabs.currentIndex()
        sections = dict(zip(self.TAB_TITLES, (
            Section.ADMIN_USERS, Section.ADMIN_UNITS, Section.ADMIN_ABSENCES, Section.ADMIN_TOPICS,
            Section.ADMIN_SCHEDULE, Section.CALENDAR, Section.ADMIN_LIMITS, Section.ADMIN_ANSWERS), strict=True))
        return sections.get(self.tabs.tabText(index), Section.ADMIN)

    def _answers_tab(self) -> AnswersTab:
        self.answers_tab = AnswersTab(self.actor)
        return self.answers_tab

    def _build_refusal(self, layout: QVBoxLayout, text: str) -> None:
        self.refusal_label = QLabel(text)
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #b00020; font-size: 11pt;")
        self.refusal_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.close_button = QPushButton("Закрыть")
        self.close_button.clicked.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.refusal_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.resize(520, 200)

    # --- closing ----------------------------------------------------------------------------

    def unsaved_tabs(self) -> list[AdminTab]:
        """The tabs with input typed and not saved (or added) yet."""
        if self.tabs is None:
            return []
        pages = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [page for page in pages if isinstance(page, AdminTab) and page.has_unsaved()]

    def reject(self) -> None:  # noqa: D102 - Qt API: «Закрыть», Esc and the window's cross
        unsaved = self.unsaved_tabs() if self.isVisible() else []
        if not unsaved:
            super().reject()
            return
        if self.close_question is not None:
            self.close_question.raise_()
            return
        self.ask_before_closing(unsaved)

    def ask_before_closing(self, unsaved: list[AdminTab]) -> None:
        """Name the tabs whose input is not saved; close without it, or go back to the first one."""
        names = ", ".join(f"«{tab.title}»" for tab in unsaved)
        box = QMessageBox(QMessageBox.Icon.Question, WINDOW_TITLE, "Есть несохранённые изменения.",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("closeQuestion")
        box.setInformativeText(f"Вкладки: {names}. Введённое там не сохранено и пропадёт при закрытии окна.")
        close = box.addButton("Закрыть без сохранения", QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton("Вернуться к изменениям", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered() -> None:
            clicked = box.clickedButton()
            self.close_question = None
            box.deleteLater()
            if clicked is close:
                super(AdminWindow, self).reject()
            elif self.tabs is not None:
                self.tabs.setCurrentWidget(unsaved[0])

        box.finished.connect(answered)
        self.close_question = box
        box.open()

    def done(self, result: int) -> None:  # noqa: D102 - let a running import finish before closing
        self.pool.waitForDone(10_000)
        super().done(result)
