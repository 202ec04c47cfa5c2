"""Справка → Руководство (F1): the user guide inside the program, opened at the section about the
window the user is in, with every picture in place — and the guide's own references checked."""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app import paths
from app.ui.help import GuideWindow, Section, heading_anchor
from tests.helpers.world import World
from tests.ui.pages_world import three_pages, world  # noqa: F401 - the fixture
from tests.ui.windows import open_window, window_settings  # noqa: F401 - fixtures

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:  # noqa: F811 - the window's settings in the test's home
    return window_settings


def headings(text: str) -> list[str]:
    return [heading_anchor(m) for m in re.findall(r"^#{1,6} +(.+?) *$", text, flags=re.MULTILINE)]


def press_f1(qtbot: QtBot, window: QWidget) -> GuideWindow:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    QTest.keyClick(window, Qt.Key.Key_F1)
    guide = getattr(window, "_guide_window", None)
    assert isinstance(guide, GuideWindow), "F1 не открыл руководство"
    qtbot.waitExposed(guide)
    return guide


def top_heading(guide: GuideWindow) -> str:
    """The text of the block at the top of the guide's text as the user sees it."""
    return guide.browser.cursorForPosition(QPoint(12, 6)).block().text()


def assert_pictures_shown(guide: GuideWindow) -> None:
    names = guide.image_names()
    assert len(names) >= 20
    guide.grab()  # painted: every picture the text shows has been asked for
    missing = [n for n in names if guide.image(n).isNull()]
    assert not missing, f"картинки не найдены: {missing}"
    # pictures are scaled to the text's width, never wider than the window
    room = guide.browser.viewport().width()
    block = guide.browser.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isImageFormat():
                assert 0 < fmt.toImageFormat().width() <= room
            iterator += 1
        block = block.next()


# --- the guide file --------------------------------------------------------------------------------

def test_every_screenshot_the_guide_shows_exists_and_every_link_finds_its_heading() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 20
    for picture in pictures:
        assert picture.startswith("screenshots/"), picture  # the layout the bundle keeps (installer.spec)
        assert (GUIDE.parent / picture).is_file(), f"нет файла {picture}"
    anchors = headings(text)
    assert len(anchors) == len(set(anchors)), "два раздела с одним названием"
    for link in re.findall(r"\]\(#([^)]+)\)", text):
        assert link in anchors, f"ссылка #{link} не ведёт ни к одному разделу"
    sections = {v for k, v in vars(Section).items() if not k.startswith("_")}
    assert sections - set(anchors) == set(), "разделы, которые открывают окна, есть в руководстве"


def test_the_guide_is_found_in_a_bundle_under_docs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    try:
        bundled = importlib.reload(paths)
        assert bundled.DOCS_DIR == tmp_path / "docs"
        assert bundled.USER_GUIDE == tmp_path / "docs" / "user-guide.md"
        assert bundled.RESOURCES_DIR == tmp_path / "resources"
    finally:
        monkeypatch.undo()
        importlib.reload(paths)
    assert paths.USER_GUIDE == GUIDE


def test_a_missing_guide_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    guide = GuideWindow(guide=tmp_path / "user-guide.md")
    qtbot.addWidget(guide)
    assert "Руководство не найдено" in guide.browser.toPlainText()
    assert not guide.show_section(Section.REPORT)


def test_heading_anchors_are_githubs() -> None:
    assert heading_anchor("Сведения по 8-ФЗ") == "сведения-по-8-фз"
    assert heading_anchor("Сообщить, что вопрос не вашей компетенции") == Section.NOT_COMPETENT
    assert heading_anchor("Модерация и чёрный список") == Section.PAGES_MODERATION


# --- F1 ------------------------------------------------------------------------------------------

def test_f1_in_the_main_window_opens_the_guide_at_what_is_on_the_screen(qtbot: QtBot, world: World,  # noqa: F811
                                                                        open_window) -> None:  # noqa: ANN001, F811
    three_pages(world)
    win = open_window(world, "kurator", size=(1024, 700))
    help_menu = win.menuBar().actions()[2].menu()
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == ["&Руководство", "&О программе"]
    assert win.guide_action.shortcut().toString() == "F1"

    guide = press_f1(qtbot, win)
    assert guide.isVisible() and guide.windowTitle() == "Руководство пользователя — Инциденты"
    assert guide.section == Section.CURATOR_QUEUE and top_heading(guide) == "Очередь куратора"
    assert guide.contents.currentItem().text(0) == "Очередь куратора"
    assert_pictures_shown(guide)

    # «Страницы», the weekly grid: F1 opens its section (the same guide window)
    QTest.keyClick(win, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    win.pages_section.show_tab(win.pages_section.weeks_tab)
    assert press_f1(qtbot, win) is guide
    assert top_heading(guide) == "Публикации по неделям и план"
    # a link of the guide leads to its section
    guide.browser.anchorClicked.emit(guide.browser.source().resolved("#подготовить-отчёт-за-месяц"))
    assert top_heading(guide) == "Подготовить отчёт за месяц"
    # the contents on the left, clicked
    item = guide.contents.findItems("Обновить производственный календарь",
                                    Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    qtbot.mouseClick(guide.contents.viewport(), Qt.MouseButton.LeftButton,
                     pos=guide.contents.visualItemRect(item).center())
    assert top_heading(guide) == "Обновить производственный календарь"

    executor = open_window(world, "zhkh")
    assert top_heading(press_f1(qtbot, executor)) == "Очередь исполнителя"
    head = open_window(world, "glava")
    assert top_heading(press_f1(qtbot, head)) == "Глава поселения"


def test_f1_in_the_other_windows_opens_their_sections(qtbot: QtBot, world: World,  # noqa: F811
                                                     open_window) -> None:  # noqa: ANN001, F811
    from app.services import incident_view, workflow
    from app.ui.actions import build_dialog
    from app.ui.admin_window import AdminWindow
    from app.ui.dashboard import DashboardWindow
    from app.ui.new_incident_dialog import NewIncidentDialog
    from app.ui.report_dialog import ReportDialog
    from app.ui.settings_dialog import SettingsDialog

    win = open_window(world, "kurator")
    admin = AdminWindow(world.actor("admin"), win)
    qtbot.addWidget(admin)
    admin.show()
    qtbot.waitExposed(admin)
    admin.tabs.setCurrentWidget(admin.calendar_tab)
    guide = press_f1(qtbot, admin)
    assert top_heading(guide) == "Обновить производственный календарь"
    admin.tabs.setCurrentWidget(admin.absences_tab)
    assert top_heading(press_f1(qtbot, admin)) == "Замещения"
    admin.close()

    k = world.actor("kurator")
    ref = workflow.register_incident(k, link="https://vk.com/wall-1_77", author="Анна", text="Не горят фонари",
                                     detected_at=world.clock.moment)
    card = incident_view.load_card(k, ref.id)
    for dialog, heading in ((ReportDialog(world.actor("kurator"), win), "Подготовить отчёт за месяц"),
                            (build_dialog(win, k, card, "route"), "Направить инцидент исполнителю"),
                            (build_dialog(win, k, card, "close_no_answer"), "Закрыть без ответа"),
                            (DashboardWindow(k, win), "Сводка"),
                            (NewIncidentDialog(world.actor("kurator"), win), "Зарегистрировать инцидент"),
                            (SettingsDialog(win, world.actor("kurator")), "Подключить компьютер к общей базе")):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        guide = press_f1(qtbot, dialog)
        assert top_heading(guide) == heading, type(dialog).__name__
        assert guide.parent() is dialog  # readable while the dialog is open
        dialog.close()
        if hasattr(dialog, "task"):
            dialog.task.wait()
        if isinstance(dialog, DashboardWindow):
            assert dialog.runner.wait(30)
