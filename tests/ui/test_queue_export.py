"""Файл → «Выгрузить очередь в файл…»: the rows of the current tab with its filters, with progress."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.services import users, workflow
from app.services.database import OpenedDatabase
from app.ui import queue_export
from app.ui.main_window import MainWindow
from app.ui.queue_export import CSV_FILTER, XLSX_FILTER, QueueExport, with_suffix
from tests.helpers.world import World, build_world


@pytest.fixture(autouse=True)
def settings_dir(_isolated_home: Path) -> Path:
    folder = _isolated_home / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    w = build_world(monkeypatch)
    k = w.actor("kurator")
    for n, (author, text) in enumerate([("Борис", "Яма на дороге"), ("Анна", "=HYPERLINK(\"http://x\")"),
                                        ("Вера", "Мусор не вывозят")], start=1):
        workflow.register_incident(k, link=f"https://vk.com/wall-1_{n}", author=author, text=text,
                                   detected_at=w.clock.moment)
    return w


@pytest.fixture
def window(qtbot: QtBot, world: World, backend_db: OpenedDatabase) -> Iterator[MainWindow]:
    win = MainWindow(world.actor("kurator"), users.get_user(world.ids["kurator"]), backend_db.target.display())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.queue_model.loading and win.queue_model.rowCount() == 3, timeout=15_000)
    yield win
    win.close()
    assert win.wait_idle()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "выгрузки"
    folder.mkdir()
    return folder


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | str, file_filter: str = XLSX_FILTER) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(path), file_filter))


def finished(qtbot: QtBot, win: MainWindow) -> str:
    qtbot.waitUntil(lambda: not win.findChildren(QueueExport), timeout=30_000)
    return win.statusBar().currentMessage()


def test_the_suffix_follows_the_chosen_type() -> None:
    assert with_suffix("/tmp/очередь", CSV_FILTER) == Path("/tmp/очередь.csv")
    assert with_suffix("/tmp/очередь", XLSX_FILTER) == Path("/tmp/очередь.xlsx")
    assert with_suffix("/tmp/очередь.csv", XLSX_FILTER) == Path("/tmp/очередь.csv")


def test_curator_exports_the_new_tab_to_excel(qtbot: QtBot, window: MainWindow, out: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    choose_file(monkeypatch, out / "очередь")
    window.export_action.trigger()
    message = finished(qtbot, window)
    assert message == f"Выгружено: 3 инцидента — {out / 'очередь.xlsx'}"
    rows = list(load_workbook(out / "очередь.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "Очередь инцидентов — «Новые»" and rows[1][0].startswith("По состоянию на 24.11.2026 09:30")
    assert rows[2][0] == "№" and len(rows) == 6
    texts = [r[5] for r in rows[3:]]
    assert "=HYPERLINK(\"http://x\")" in {t.lstrip("'") for t in texts}  # kept as text, never a formula
    assert sorted(p.name for p in out.iterdir()) == ["очередь.xlsx"]


def test_the_filters_of_the_view_are_what_is_exported(qtbot: QtBot, window: MainWindow, out: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window.filter_bar.search_edit.setText("мусор")
    window.filter_bar._search_now()  # noqa: SLF001 - skip the typing pause
    qtbot.waitUntil(lambda: not window.queue_model.loading and window.queue_model.rowCount() == 1, timeout=15_000)
    choose_file(monkeypatch, out / "мусор.csv", CSV_FILTER)
    window.export_action.trigger()
    assert finished(qtbot, window).startswith("Выгружено: 1 инцидент —")
    raw = (out / "мусор.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0] == ["Очередь инцидентов — «Новые»; поиск: «мусор»"]  # the view's tab and filter
    assert len(lines) == 4 and lines[3][4] == "Вера"


def test_cancelling_the_file_dialog_does_nothing(qtbot: QtBot, window: MainWindow, out: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    choose_file(monkeypatch, "")
    window.export_action.trigger()
    assert finished(qtbot, window) == "" and list(out.iterdir()) == []


def test_an_unwritable_place_is_explained(qtbot: QtBot, window: MainWindow, out: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    choose_file(monkeypatch, out / "нет такой папки" / "q.xlsx")
    window.export_action.trigger()
    finished(qtbot, window)
    assert warnings == [f"Очередь не выгружена: Папка «{out / 'нет такой папки'}» не найдена"]


def test_stopping_leaves_no_file(qtbot: QtBot, window: MainWindow, out: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    choose_file(monkeypatch, out / "q.xlsx")
    real_export, real_run = queue_export.export_queue, QueueExport.run
    started: list[QueueExport] = []

    def remember(self: QueueExport, path: Path | None = None) -> None:
        started.append(self)
        real_run(self, path)

    def stopped_by_the_user(*args, progress=None, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        def press_cancel(done: int, total: int) -> bool:
            started[0].task.stop()  # what «Отмена» of the progress dialog calls (checked below)
            return progress(done, total)
        return real_export(*args, progress=press_cancel, **kwargs)

    monkeypatch.setattr(QueueExport, "run", remember)
    monkeypatch.setattr(queue_export, "export_queue", stopped_by_the_user)
    window.export_action.trigger()
    assert finished(qtbot, window) == "Выгрузка отменена, файл не создан"
    assert list(out.iterdir()) == []


def test_cancel_of_the_progress_dialog_asks_the_export_to_stop(qtbot: QtBot, window: MainWindow) -> None:
    export = QueueExport(window.actor, window.queue_model.filter, window.queue_model.sort_order, window)
    assert not export.task.stop_requested
    export.dialog.show()
    qtbot.mouseClick(export.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert export.task.stop_requested
    export.deleteLater()
