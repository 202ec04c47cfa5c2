"""The «Страницы» section: the tabs of the official pages module in one widget, each loaded when it
is first shown and again on «Обновить» (F5)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.services.errors import DomainError
from app.services.pages import access
from app.services.permissions import Actor
from app.ui.help import Section
from app.ui.pages.description_tab import DescriptionTab
from app.ui.pages.common import show_error
from app.ui.pages.law_tab import LawTab
from app.ui.pages.moderation_tab import ModerationTab
from app.ui.pages.registry_tab import RegistryTab
from app.ui.pages.subscriptions_tab import SubscriptionsTab
from app.ui.pages.verification_tab import VerificationTab
from app.ui.pages.weeks_tab import WeeksTab

READ_ONLY_NOTE = ("Только просмотр: изменять записи страниц могут куратор и люди, назначенные для страницы. "
                  "Кнопки, которые вам недоступны, выключены — наведите на них, чтобы узнать почему.")


class PagesSection(QWidget):
    """Реестр · Публикации по неделям · Сведения по 8-ФЗ · Описание · Отметка · Модерация · Подписки."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.registry_tab = RegistryTab(actor)
        self.weeks_tab = WeeksTab(actor)
        self.law_tab = LawTab(actor)
        self.description_tab = DescriptionTab(actor)
        self.verification_tab = VerificationTab(actor)
        self.moderation_tab = ModerationTab(actor)
        self.subscriptions_tab = SubscriptionsTab(actor)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title, tip in (
                (self.registry_tab, "Реестр", "Страницы администрации и главы, их люди и доступ (п. 1–3)"),
                (self.weeks_tab, "Публикации по неделям", "Не менее одной публикации в неделю и план публикаций (п. 5)"),
                (self.law_tab, "Сведения по 8-ФЗ", "Сведения ч. 1 ст. 13 8-ФЗ на страницах и их проверка (п. 6)"),
                (self.description_tab, "Описание", "Единое описание страниц и отличия (п. 9)"),
                (self.verification_tab, "Отметка", "Специальная отметка, её история и заявка оператору ЕСИА (п. 11–13)"),
                (self.moderation_tab, "Модерация", "Удалённые комментарии и чёрный список (п. 14)"),
                (self.subscriptions_tab, "Подписки", "Подписки страниц администрации на страницы главы (п. 15)")):
            index = self.tabs.addTab(widget, title)
            self.tabs.setTabToolTip(index, tip)
        self._loaded: set[int] = set()
        self.tabs.currentChanged.connect(lambda _i: self.refresh_current(only_new=True))
        self.read_only_label = QLabel(READ_ONLY_NOTE)
        self.read_only_label.setObjectName("readOnlyNote")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet("color: #35596f; background: #e4efff; padding: 4px;")
        self.read_only_label.setVisible(not access.edits_some_page(actor))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.read_only_label)
        layout.addWidget(self.tabs, 1)

    def help_section(self) -> str:
        """The guide's section about the tab shown now (F1)."""
        sections = {self.registry_tab: Section.PAGES_REGISTRY, self.weeks_tab: Section.PAGES_WEEKS,
                    self.law_tab: Section.PAGES_LAW, self.description_tab: Section.PAGES_DESCRIPTION,
                    self.verification_tab: Section.PAGES_VERIFICATION, self.moderation_tab: Section.PAGES_MODERATION,
                    self.subscriptions_tab: Section.PAGES_SUBSCRIPTIONS}
        return sections.get(self.tabs.currentWidget(), Section.PAGES)

    def refresh_current(self, *, only_new: bool = False) -> None:
        """Load the visible tab (``only_new``: unless it was loaded before)."""
        index = self.tabs.currentIndex()
        if only_new and index in self._loaded:
            return
        self._loaded.add(index)
        try:
            self.tabs.currentWidget().refresh()
        except DomainError as error:
            show_error(self, error)

    def refresh(self) -> None:
        """F5: the visible tab now, the others when they are next shown."""
        self._loaded.clear()
        self.refresh_current()

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)
        self.refresh_current(only_new=True)

