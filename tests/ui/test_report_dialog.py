"""«Отчёт для главы поселения» from the GUI: period, file, progress on a worker thread, the result."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import workflow
from app.services.database import OpenedDatabase
from app.ui.report_dialog import ReportDialog, default_month_index, month_choices, quarter_choices
from tests.helpers.world import World, build_world
from tests.ui.helpers import type_text

SHEETS = ["Сводка", "По исполнителям", "По этапам", "По темам и соцсетям", "Просрочки", "Реестр",
          "Официальные страницы"]


@pytest.fixture(autouse=True)
def settings_dir(_isolated_home: Path) -> Path:
    folder = _isolated_home / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    w = build_world(monkeypatch)
    k = w.actor("kurator")
    for n, (author, network) in enumerate([("Борис", "vk"), ("Анна", "telegram")], start=1):
        link = {"vk": f"https://vk.com/wall-1_{n}", "telegram": f"https://t.me/korenovsk_chat/{n}"}[network]
        workflow.register_incident(k, link=link, author=author, text="Не горят фонари на улице Красной",
                                   detected_at=w.clock.moment, priority=Priority.NORMAL)
    return w


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the reports (the database lives beside it in ``tmp_path``)."""
    folder = tmp_path / "отчёты"
    folder.mkdir()
    return folder


def make(qtbot: QtBot, world: World, login: str = "kurator") -> ReportDialog:
    dialog = ReportDialog(world.actor(login), today=date(2026, 11, 28))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def build(qtbot: QtBot, dialog: ReportDialog) -> None:
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.task.wait()


def test_months_and_quarters_offered_newest_first() -> None:
    months = month_choices(date(2026, 11, 28))
    assert months[0] == ("ноябрь 2026", (date(2026, 11, 1), date(2026, 11, 30)))
    assert months[2][0] == "сентябрь 2026" and len(months) == 36
    assert quarter_choices(date(2026, 11, 28))[:2] == [
        ("IV квартал 2026", (date(2026, 10, 1), date(2026, 12, 31))),
        ("III квартал 2026", (date(2026, 7, 1), date(2026, 9, 30)))]
    assert quarter_choices(date(2027, 1, 5))[1][0] == "IV квартал 2026"


def test_early_in_the_month_the_month_that_ended_is_proposed() -> None:
    assert default_month_index(date(2026, 12, 3)) == 1
    assert default_month_index(date(2026, 11, 28)) == 0


def test_the_file_name_follows_the_period(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world)
    assert Path(dialog.path_edit.text()).name == "Отчёт по инцидентам — ноябрь 2026.xlsx"
    dialog.quarter_combo.setCurrentIndex(1)
    assert dialog.quarter_radio.isChecked()
    assert dialog.period() == (date(2026, 7, 1), date(2026, 9, 30))
    assert Path(dialog.path_edit.text()).name == "Отчёт по инцидентам — III квартал 2026.xlsx"
    dialog.path_edit.clear()
    type_text(dialog.path_edit, str(out / "мой отчёт"))
    dialog.month_combo.setCurrentIndex(2)
    assert dialog.month_radio.isChecked()
    assert dialog.path_edit.text() == str(out / "мой отчёт")  # what the user typed stays
    assert dialog.target() == out / "мой отчёт.xlsx"


def test_curator_builds_the_month_report_with_progress(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world)
    dialog.path_edit.setText(str(out / "ноябрь.xlsx"))
    seen: list[int] = []
    dialog.task.progressed.connect(lambda percent, _stage: seen.append(percent))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert dialog.running and dialog.progress_bar.isVisible() and not dialog.build_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert seen and seen[-1] == 100 and seen == sorted(seen)
    assert not dialog.progress_bar.isVisible() and dialog.build_button.isEnabled()
    text = dialog.result_label.text()
    assert "Отчёт за ноябрь 2026 г. (по состоянию на 24 ноября) готов" in text and "Поступило 2 инцидента" in text
    assert dialog.open_button.isVisible() and dialog.folder_button.isVisible()
    # the whole summary is on the screen: its last line («Файл: …») is not under the buttons
    label = dialog.result_label
    assert label.y() + label.heightForWidth(label.width()) <= dialog.open_button.y()
    wb = load_workbook(out / "ноябрь.xlsx")
    assert wb.sheetnames == SHEETS
    assert sorted(p.name for p in out.iterdir()) == ["ноябрь.xlsx"]
    again = make(qtbot, world)
    assert Path(again.path_edit.text()).parent == out  # the folder is remembered


def test_an_existing_file_is_replaced_only_when_the_user_agrees(qtbot: QtBot, world: World, out: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = out / "r.xlsx"
    target.write_bytes(b"old")
    dialog = make(qtbot, world)
    dialog.path_edit.setText(str(target))
    monkeypatch.setattr(dialog, "_confirm_overwrite", lambda _path: False)
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert not dialog.running and target.read_bytes() == b"old"
    monkeypatch.setattr(dialog, "_confirm_overwrite", lambda _path: True)
    build(qtbot, dialog)
    assert load_workbook(target).sheetnames == SHEETS


def test_a_missing_folder_is_explained_and_nothing_is_written(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world)
    dialog.path_edit.setText(str(out / "нет такой" / "r.xlsx"))
    build(qtbot, dialog)
    assert dialog.error_label.isVisible() and "не существует" in dialog.error_label.text()
    assert not dialog.result_label.isVisible() and list(out.iterdir()) == []


def test_a_reversed_period_is_refused(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world)
    dialog.path_edit.setText(str(out / "r.xlsx"))
    dialog.range_radio.setChecked(True)
    dialog.from_edit.setDate(dialog.to_edit.date().addDays(1))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert not dialog.running and "позже его конца" in dialog.error_label.text()


def test_an_executor_may_not_build_the_report_over_every_unit(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world, "zhkh")
    dialog.path_edit.setText(str(out / "r.xlsx"))
    build(qtbot, dialog)
    assert "доступно куратору" in dialog.error_label.text()
    assert list(out.iterdir()) == []


def test_closing_while_building_waits(qtbot: QtBot, world: World, out: Path) -> None:
    dialog = make(qtbot, world)
    dialog.path_edit.setText(str(out / "r.xlsx"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    assert dialog.isVisible() or not dialog.running
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert (out / "r.xlsx").is_file()
