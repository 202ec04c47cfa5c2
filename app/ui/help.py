"""Справка → Руководство (F1): the user guide ``docs/user-guide.md`` shown inside the program.

Qt renders the Markdown itself (``QTextBrowser`` with a Markdown source), the screenshots come
from ``docs/screenshots`` beside the guide — in the source tree or in the PyInstaller bundle
(``app.paths.DOCS_DIR``) — and no browser is needed. Every window opens the guide at the section
about itself: a section is named by its heading's anchor, made the way GitHub makes it
(``heading_anchor``), so the same ``#ссылки`` work in the program and on the repository's page.

Pictures are scaled down to the window's width (never up); the contents on the left follow the
headings of the guide.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl, Qt
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QResizeEvent, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import paths
from app.ui.widgets import fit_to_screen

__all__ = ["GUIDE_TITLE", "GuideWindow", "Section", "heading_anchor", "install_help", "show_guide"]

GUIDE_TITLE = "Руководство пользователя — Инциденты"
#: pictures keep this much room on their right (the scroll bar, the margin)
IMAGE_MARGIN_PX = 40
HEADING_ROLE = Qt.ItemDataRole.UserRole


class Section:
    """The anchors of the guide's sections that the windows open (the headings' GitHub anchors).

    ``tests/ui/test_help.py`` checks that each of them is a heading of ``docs/user-guide.md``.
    """

    START = "начало-работы"
    CURATOR_QUEUE = "очередь-куратора"
    REGISTER = "зарегистрировать-инцидент"
    IMPORT = "загрузить-выгрузку-платформы-мониторинга"
    ROUTE = "направить-инцидент-исполнителю"
    CLOSE = "закрыть-без-ответа"
    APPROVE = "согласовать-проект-ответа-или-запрос"
    RETURN = "вернуть-проект-на-доработку"
    STAGE_LIMITS = "сроки-этапа-окончательного-ответа"
    DASHBOARD = "сводка"
    REPORT = "подготовить-отчёт-за-месяц"
    EXECUTOR_QUEUE = "очередь-исполнителя"
    ANSWER = "подготовить-ответ-и-направить-на-согласование"
    INTERIM = "ответить-промежуточно-и-окончательно"
    REQUEST = "запросить-уточнение-у-автора"
    NOT_COMPETENT = "сообщить-что-вопрос-не-вашей-компетенции"
    PUBLISH = "разместить-согласованный-ответ"
    COMMENT = "комментарий-к-инциденту"
    RESPONSIBLE = "ответственное-должностное-лицо"
    HEAD = "глава-поселения"
    PAGES = "официальные-страницы"
    PAGES_REGISTRY = "реестр-страниц"
    PAGES_WEEKS = "публикации-по-неделям-и-план"
    PAGES_LAW = "сведения-по-8-фз"
    PAGES_DESCRIPTION = "единое-описание"
    PAGES_VERIFICATION = "специальная-отметка-и-заявка-оператору-есиа"
    PAGES_MODERATION = "модерация-и-чёрный-список"
    PAGES_SUBSCRIPTIONS = "подписки-на-страницы-главы"
    ADMIN = "администратор"
    ADMIN_USERS = "пользователи-и-роли"
    ADMIN_UNITS = "отделы-и-учреждения"
    ADMIN_ABSENCES = "замещения"
    ADMIN_TOPICS = "темы-и-места"
    ADMIN_SCHEDULE = "график-работы"
    CALENDAR = "обновить-производственный-календарь"
    ADMIN_LIMITS = "сроки-регламента"
    ADMIN_ANSWERS = "проверка-ответов"
    SHARED_DB = "подключить-компьютер-к-общей-базе"
    KEYS = "сочетания-клавиш"


def heading_anchor(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens
    («Сведения по 8-ФЗ» → «сведения-по-8-фз»)."""
    kept = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return kept.replace(" ", "-")


class GuideWindow(QDialog):
    """The guide: its contents on the left, the text with its pictures on the right."""

    def __init__(self, parent: QWidget | None = None, guide: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowTitle(GUIDE_TITLE)
        self.setModal(False)
        self.guide = guide or paths.USER_GUIDE
        #: heading anchor → the number of its block in the document
        self.anchors: dict[str, int] = {}
        self.section = ""

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link_clicked)
        self.browser.setSearchPaths([str(self.guide.parent)])
        self.contents = QTreeWidget()
        self.contents.setHeaderHidden(True)
        self.contents.setRootIsDecorated(True)
        self.contents.itemActivated.connect(self._contents_chosen)
        self.contents.itemClicked.connect(self._contents_chosen)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.contents)
        self.splitter.addWidget(self.browser)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.close_button = QPushButton("Закрыть")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        self.fit_timer = QTimer(self)
        self.fit_timer.setSingleShot(True)
        self.fit_timer.setInterval(60)
        self.fit_timer.timeout.connect(self.fit_images)
        self.browser.viewport().installEventFilter(self)
        fit_to_screen(self, 1100, 780)
        contents = min(280, self.width() // 4)
        self.splitter.setSizes([contents, self.width() - contents])
        self.load()

    # --- the text ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the guide (again) and list its headings."""
        if self.guide.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(self.guide)), QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setHtml(f"<h2>Руководство не найдено</h2><p>Нет файла {self.guide}.</p>")
        self._index_headings()
        self.fit_images()

    def _index_headings(self) -> None:
        self.anchors.clear()
        self.contents.clear()
        parents: dict[int, QTreeWidgetItem] = {}
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                anchor = heading_anchor(block.text())
                self.anchors.setdefault(anchor, block.blockNumber())
                if level >= 2:  # the title (level 1) is the window's own title
                    item = QTreeWidgetItem([block.text()])
                    item.setToolTip(0, block.text())
                    item.setData(0, HEADING_ROLE, anchor)
                    parent = next((parents[n] for n in range(level - 1, 1, -1) if n in parents), None)
                    if parent is None:
                        self.contents.addTopLevelItem(item)
                    else:
                        parent.addChild(item)
                    parents[level] = item
                    for deeper in [n for n in parents if n > level]:
                        del parents[deeper]
            block = block.next()
        self.contents.expandToDepth(0)

    def has_section(self, anchor: str) -> bool:
        return anchor in self.anchors

    def show_section(self, anchor: str) -> bool:
        """Scroll so that the heading ``anchor`` is at the top; False (and the start) if there is none."""
        number = self.anchors.get(anchor)
        self.section = anchor if number is not None else ""
        bar = self.browser.verticalScrollBar()
        if number is None:
            bar.setValue(0)
            return False
        block = self.browser.document().findBlockByNumber(number)
        cursor = QTextCursor(block)
        self.browser.setTextCursor(cursor)
        layout = self.browser.document().documentLayout()
        bar.setValue(int(layout.blockBoundingRect(block).top()))
        self._select_in_contents(anchor)
        return True

    def _select_in_contents(self, anchor: str) -> None:
        items = self.contents.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive)
        for item in items:
            if item.data(0, HEADING_ROLE) == anchor:
                self.contents.blockSignals(True)
                self.contents.setCurrentItem(item)
                self.contents.scrollToItem(item)
                self.contents.blockSignals(False)
                return

    def _contents_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.show_section(str(item.data(0, HEADING_ROLE)))

    def _link_clicked(self, url: QUrl) -> None:
        """«#раздел» — within the guide; an address of the internet — in the system's browser."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.hasFragment() and (not url.path() or url.path().endswith(self.guide.name)):
            self.show_section(url.fragment(QUrl.ComponentFormattingOption.FullyDecoded))

    # --- pictures ------------------------------------------------------------------------------

    def image_names(self) -> list[str]:
        """The picture names of the guide as written in it («screenshots/01-main-queue.png»)."""
        names: list[str] = []
        block = self.browser.document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.isValid() and fragment.charFormat().isImageFormat():
                    names.append(fragment.charFormat().toImageFormat().name())
                iterator += 1
            block = block.next()
        return names

    def image(self, name: str) -> QImage:
        """The picture ``name`` as the document has it (a null image when it cannot be found)."""
        value = self.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        if value is None:
            value = self.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(name))
            if value is not None:
                self.browser.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), value)
        if isinstance(value, QImage):
            return value
        if hasattr(value, "toImage"):
            return value.toImage()
        return QImage()

    def fit_images(self) -> None:
        """Every picture as wide as the text allows, but never wider than it is."""
        room = max(200, self.browser.viewport().width() - IMAGE_MARGIN_PX)
        document = self.browser.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.isValid() and fragment.charFormat().isImageFormat():
                    image_format = fragment.charFormat().toImageFormat()
                    picture = self.image(image_format.name())
                    if not picture.isNull():
                        width = min(picture.width(), room)
                        if abs(image_format.width() - width) >= 1:
                            image_format.setWidth(width)
                            image_format.setHeight(picture.height() * width / picture.width())
                            cursor.setPosition(fragment.position())
                            cursor.setPosition(fragment.position() + fragment.length(),
                                               QTextCursor.MoveMode.KeepAnchor)
                            cursor.setCharFormat(image_format)
                iterator += 1
            block = block.next()
        cursor.endEditBlock()
        if self.section:
            self.show_section(self.section)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.browser.viewport() and isinstance(event, QResizeEvent) \
                and event.size().width() != event.oldSize().width():
            self.fit_timer.start()
        return super().eventFilter(watched, event)


def show_guide(parent: QWidget | None, section: str = "") -> GuideWindow:
    """Open the guide (one window per parent window, reused) at ``section``.

    From a modal dialog the guide is that dialog's own window, so that it can be read while the
    dialog is open.
    """
    window = getattr(parent, "_guide_window", None) if parent is not None else None
    if not isinstance(window, GuideWindow):
        window = GuideWindow(parent)
        if parent is not None:
            parent._guide_window = window  # noqa: SLF001 - kept with the window that opened it
    window.show()
    window.fit_images()
    window.show_section(section)
    window.raise_()
    window.activateWindow()
    return window


def install_help(widget: QWidget, section: str | Callable[[], str]) -> QShortcut:
    """F1 in ``widget``'s window opens the guide at ``section`` (or at what ``section()`` says now)."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), widget)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: show_guide(widget, section() if callable(section) else section))
    return shortcut
