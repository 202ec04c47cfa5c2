"""The import wizard: file → columns with a checked preview → import off the GUI thread → result.

``INCIDENTS_IMPORT_SHOTS=/tmp/import-shots`` keeps the PNG of every page for a human to look at.
"""
from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from pytestqt.qtbot import QtBot

from app.models import Incident
from app.services import importer, workflow
from app.services.permissions import Actor, actor_for
from app.services.users import UserInfo
from app.ui.import_wizard import NOT_IN_FILE, STATUS_ROLE, ImportWizard
from app.services.importer import RowStatus
from tests.ui.helpers import type_text

HEADER = ["Ссылка", "Автор", "Текст сообщения", "Дата выявления", "Соцсеть", "Важность"]
ROWS = [
    ["https://vk.com/wall-123_1", "Мария Иванова", "На улице Красной не горят фонари, темно и страшно",
     "20.11.2025 14:05", "ВКонтакте", "повышенная"],
    ["https://ok.ru/group/55/topic/7", "Пётр Ёлкин", "Мусор не вывозят неделю", "20.11.25 09:30", "Одноклассники", ""],
    ["https://facebook.com/post/1", "Иван", "Текст", "20.11.2025 10:00", "", ""],
    ["https://t.me/korenovsk_chat/42", "Анна", "Ямы на дороге по ул. Мира", "2025-11-19T18:45", "Telegram", "обычная"],
    ["https://vk.com/wall-123_2", "Иван", "Где автобус?", "в прошлый вторник", "", ""],
]


@pytest.fixture
def actor(admin: UserInfo) -> Actor:
    return actor_for(admin.id)


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="cp1251", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def shot(wizard: ImportWizard, name: str, qtbot: QtBot, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("INCIDENTS_IMPORT_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = folder / f"{name}.png"
    assert wizard.grab().save(str(path))
    return path


def open_wizard(qtbot: QtBot, actor: Actor) -> ImportWizard:
    wizard = ImportWizard(actor)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def click(qtbot: QtBot, wizard: ImportWizard, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def choose_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    type_text(wizard.file_page.path_edit, str(path))
    click(qtbot, wizard, QWizard.WizardButton.NextButton)


def wait_for_result(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=30_000)
    assert wizard.wait()


def test_the_whole_import(qtbot: QtBot, qtmodeltester, actor: Actor, tmp_path: Path,  # noqa: ANN001
                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "vygruzka.csv", ROWS)
    wizard = open_wizard(qtbot, actor)
    assert wizard.windowTitle() == "Импорт инцидентов из файла"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # no file chosen yet
    type_text(wizard.file_page.path_edit, str(path))
    shot(wizard, "1-file", qtbot, tmp_path)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    page = wizard.mapping_page
    assert wizard.currentPage() is page
    assert "CSV, Windows-1251, разделитель «;»" in page.subTitle()
    assert page.origin_label.text() == "Столбцы сопоставлены по их заголовкам."
    assert {code: combo.currentData() for code, combo in page.combos.items()} == {
        "link": 0, "author": 1, "text": 2, "detected_at": 3, "network": 4, "priority": 5, "kind": None,
        "external_id": None, "author_link": None}
    assert page.combos["kind"].currentText() == NOT_IN_FILE
    assert page.combos["text"].currentText() == "3. Текст сообщения"
    model = page.model
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Строка", "Итог", "Замечания", "Ссылка на сообщение", "Автор", "Текст сообщения",
                       "Дата выявления", "Соцсеть", "Важность"]
    assert [model.data(model.index(r, 1)) for r in range(5)] == [
        "К импорту", "К импорту", "Ошибка", "К импорту", "Ошибка"]
    assert model.data(model.index(2, 0)) == "4"
    assert "facebook.com" in model.data(model.index(2, 2))
    assert model.data(model.index(4, 0, ), STATUS_ROLE) == RowStatus.REFUSED
    assert model.data(model.index(2, 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert "к импорту 3, дубликатов 0, с ошибками 2" in page.counts_label.text()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.isEnabled() and commit.text() == "&Импортировать"
    shot(wizard, "2-mapping", qtbot, tmp_path)

    # the user drops the «Важность» column: the preview follows, the mapping will be remembered
    page.combos["priority"].setCurrentIndex(0)
    assert wizard.preview.mapping.column("priority") is None
    assert "Важность" not in [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "будет запомнено" in page.origin_label.text()
    qtmodeltester.check(model)

    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    wait_for_result(qtbot, wizard)
    result_page = wizard.result_page
    assert result_page.summary_label.text() == "Импортировано: 3, дубликатов: 0, отклонено: 2"
    new_ids = sorted(r.incident_id for r in wizard.result.imported)
    assert result_page.numbers_label.isVisible()
    assert result_page.numbers_label.text() == (f"Новые инциденты: № {new_ids[0]}–{new_ids[-1]}. "
                                                "Они на вкладке «Новые» очереди.")
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    result_model = result_page.model
    qtmodeltester.check(result_model)
    assert [result_model.data(result_model.index(r, 0)) for r in range(2)] == ["4", "6"]
    assert result_model.data(result_model.index(0, 2)) == "Отклонена"
    assert "facebook.com" in result_model.data(result_model.index(0, 4))
    assert result_page.save_button.isEnabled()
    shot(wizard, "4-result", qtbot, tmp_path)
    assert Incident.select().count() == 3
    assert Incident.get(Incident.link == ROWS[0][0]).priority == "normal"  # the column was dropped

    report = tmp_path / "ошибки"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(report), "CSV для Excel (*.csv)"))
    qtbot.mouseClick(result_page.save_button, Qt.MouseButton.LeftButton)
    saved = report.with_name("ошибки.csv")
    assert saved.exists()
    assert "Отчёт сохранён" in result_page.saved_label.text() and "(строк: 2)" in result_page.saved_label.text()
    shot(wizard, "4-result-saved", qtbot, tmp_path)
    lines = saved.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Строка файла;Причина отказа;Ссылка;Автор") and len(lines) == 3

    # the same source next time: the mapping the user chose is offered again
    again = open_wizard(qtbot, actor)
    choose_file(qtbot, again, write(tmp_path / "vygruzka-2.csv", ROWS))
    assert again.mapping_page.origin_label.text().startswith("Сопоставление запомнено")
    assert again.mapping_page.combos["priority"].currentData() is None
    assert again.mapping_page.model.data(again.mapping_page.model.index(0, 1)) == "Дубликат"


@pytest.mark.parametrize("name,content,message", [
    ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "это изображение PNG"),
    ("random.xlsx", bytes(range(256)) * 4, "это не книга Excel"),
    ("empty.csv", b"", "файл пустой"),
])
def test_an_unreadable_file_is_explained_on_the_first_page(qtbot: QtBot, actor: Actor, tmp_path: Path, name: str,
                                                           content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, path)
    assert wizard.currentPage() is wizard.file_page
    assert wizard.file_page.error_label.isVisible() and message in wizard.file_page.error_label.text()
    if name == "picture.csv":
        shot(wizard, "1-file-error", qtbot, tmp_path)
    type_text(wizard.file_page.path_edit, "x")  # editing hides the old message
    assert not wizard.file_page.error_label.isVisible()
    assert Incident.select().count() == 0


def test_a_missing_column_is_chosen_by_hand(qtbot: QtBot, qtmodeltester, actor: Actor,  # noqa: ANN001
                                            tmp_path: Path) -> None:
    header = ["Ссылка", "Автор", "Текст", "Когда найдено"]
    path = write(tmp_path / "odd.csv", [r[:4] for r in ROWS], header=header)
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, path)
    page = wizard.mapping_page
    assert page.problems_label.isVisible()
    assert "«Дата выявления»" in page.problems_label.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert page.model.data(page.model.index(0, 1)) == "не проверена"
    qtmodeltester.check(page.model)
    shot(wizard, "2-mapping-missing-column", qtbot, tmp_path)
    page.combos["detected_at"].setCurrentIndex(4)
    assert not page.problems_label.isVisible()
    assert page.model.data(page.model.index(0, 1)) == "К импорту"
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    page.combos["author"].setCurrentIndex(1)  # the link column twice
    assert "выбран и для поля" in page.problems_label.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    page.combos["author"].setCurrentIndex(2)
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    wait_for_result(qtbot, wizard)
    assert wizard.result.summary() == "Импортировано: 3, дубликатов: 0, отклонено: 2"


def test_the_import_runs_off_the_gui_thread_and_can_be_stopped(qtbot: QtBot, actor: Actor, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[f"https://vk.com/wall-1_{n}", f"Автор {n}", f"Сообщение {n}", "20.11.2025 10:00", "", ""]
            for n in range(1, 41)]
    path = write(tmp_path / "big.csv", rows)
    threads: set[int] = set()
    real = workflow.register_incident

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.add(threading.get_ident())
        time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(workflow, "register_incident", slow)
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, path)
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is wizard.run_page
    qtbot.waitUntil(lambda: wizard.run_page.progress.value() >= 5, timeout=20_000)
    assert wizard.running
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Остановить"
    assert wizard.run_page.status_label.text().startswith("Обработано строк:")
    shot(wizard, "3-running", qtbot, tmp_path)
    click(qtbot, wizard, QWizard.WizardButton.CancelButton)  # stops after the current row, keeps the window
    assert wizard.isVisible()
    wait_for_result(qtbot, wizard)
    result = wizard.result
    assert result.cancelled and 5 <= len(result.imported) < 40
    assert "импорт прерван, не обработано строк" in wizard.result_page.summary_label.text()
    assert threads and threading.get_ident() not in threads
    assert Incident.select().count() == len(result.imported)
    assert not wizard.result_page.save_button.isEnabled()  # nothing refused


def test_a_failure_on_the_worker_is_shown(qtbot: QtBot, actor: Actor, tmp_path: Path) -> None:
    path = write(tmp_path / "gone.csv", ROWS)
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, path)
    path.unlink()  # removed between the preview and the import
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: wizard.run_page.error_label.isVisible(), timeout=20_000)
    assert "не найден" in wizard.run_page.error_label.text()
    shot(wizard, "3-failed", qtbot, tmp_path)
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Закрыть"
    assert not wizard.running
    click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert not wizard.isVisible()


def test_preview_and_result_models_are_sound_when_empty(qtmodeltester) -> None:  # noqa: ANN001
    from app.ui.import_wizard import PreviewModel, ResultModel

    qtmodeltester.check(PreviewModel())
    qtmodeltester.check(ResultModel())


def test_duplicates_are_marked_in_the_preview(qtbot: QtBot, actor: Actor, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", ROWS)
    importer.import_file(actor, path)
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, path)
    model = wizard.mapping_page.model
    assert model.data(model.index(0, 1)) == "Дубликат"
    assert model.data(model.index(0, 2)).startswith("Уже зарегистрирован: инцидент № 1")
    assert "дубликатов 3" in wizard.mapping_page.counts_label.text()


def test_the_result_names_rows_as_the_spreadsheet_shows_them_and_the_repaired_one(qtbot: QtBot, qtmodeltester,  # noqa: ANN001
                                                                                  actor: Actor, tmp_path: Path) -> None:
    rows = [["https://vk.com/wall-123_5", "Мария", "Первая строка\nвторая\nтретья", "20.11.2025 14:05", "", ""],
            ["https://vk.com/wall-123_6", "Ир\x00ина", "Текст", "20.11.2025 14:05", "", ""],
            ["https://vk.com/wall-123_7", "Иван", "Текст", "в прошлый вторник", "", ""]]
    wizard = open_wizard(qtbot, actor)
    choose_file(qtbot, wizard, write(tmp_path / "x.csv", rows))
    preview = wizard.mapping_page.model
    assert [preview.data(preview.index(r, 0)) for r in range(3)] == ["2", "3", "4"]
    assert preview.data(preview.index(1, 1)) == "К импорту"
    assert preview.data(preview.index(1, 2)) == ("Управляющие символы (например, нулевой байт) заменены пробелом "
                                                 "в столбце «Автор»")
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    wait_for_result(qtbot, wizard)
    assert wizard.result_page.summary_label.text() == ("Импортировано: 2, дубликатов: 0, отклонено: 1; "
                                                       "с исправлениями: 1")
    model = wizard.result_page.model
    qtmodeltester.check(model)
    table = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert [row[:3] for row in table] == [["3", "https://vk.com/wall-123_6", "Импортирована"],
                                          ["4", "https://vk.com/wall-123_7", "Отклонена"]]
    assert table[0][4].startswith("Управляющие символы") and table[1][4].startswith("Дата выявления «в прошлый")
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Строка", "Ссылка / ID", "Итог", "Инцидент", "Причина"]


@pytest.mark.parametrize(("numbers", "text"), [
    ([], ""),
    ([7], "Новый инцидент: № 7. Он на вкладке «Новые» очереди."),
    ([7, 8], "Новые инциденты: № 7, 8. Они на вкладке «Новые» очереди."),
    ([3, 4, 5, 9, 11, 12, 13], "Новые инциденты: № 3–5, 9, 11–13. Они на вкладке «Новые» очереди."),
    (list(range(1, 60, 2)), "Новые инциденты: с № 1 по № 59 (всего 30 инцидентов). Они на вкладке «Новые» очереди."),
])
def test_the_result_names_the_new_incidents(numbers: list[int], text: str) -> None:
    from app.ui.import_wizard import new_numbers_text

    assert new_numbers_text(numbers) == text
