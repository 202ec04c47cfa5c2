"""«Отметка» (Appendix 1, clauses 11–13): a new state of the mark and its history, the clause-12
application saved to PDF, and the administration's new name that removes the marks only after
the user confirms."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.enums import VerificationState
from app.services import settings
from app.services.pages import verification
from app.ui.pages.verification_tab import VerificationTab
from tests.helpers.world import World
from tests.ui.helpers import type_text
from tests.ui.pages_world import shown, three_pages, world  # noqa: F401 - the fixture


def state_cells(tab: VerificationTab) -> dict[str, str]:
    model = tab.pages_model
    return {model.data(model.index(r, 0)): model.data(model.index(r, 3)) for r in range(model.rowCount())}


def test_a_new_state_of_the_mark_and_its_history(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, VerificationTab(w.actor("kurator")))
    tab.refresh()
    tab.select_pages({vk})
    assert tab.state_button.isEnabled()
    dialog = shown(qtbot, tab.make_state_dialog(), (520, 300))
    assert [dialog.state_combo.itemText(i) for i in range(dialog.state_combo.count())] == [
        "Подана через ЕСИА (п. 11)", "Заявка оператору ЕСИА (п. 12)"]
    dialog.state_combo.setCurrentIndex(1)
    type_text(dialog.note_edit, "Письмо № 15")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert state_cells(tab)["Администрация Кореновского ГП"] == "Заявка оператору ЕСИА (п. 12)"
    tab.select_pages({vk})
    model = tab.history_model
    assert [model.data(model.index(0, c)) for c in (0, 1, 4)] == [
        "24.11.2026", "Заявка оператору ЕСИА (п. 12)", "Письмо № 15"]
    assert "«Администрация Кореновского ГП»" in tab.history_title.text()


def test_the_application_is_saved_to_pdf_with_the_administrations_name(world: World, qtbot: QtBot,
                                                                        tmp_path: Path) -> None:
    w = world
    vk, ok, _head = three_pages(w)
    tab = shown(qtbot, VerificationTab(w.actor("kurator")))
    tab.refresh()
    tab.select_pages({vk, ok})
    assert tab.application_button.isEnabled()
    dialog = shown(qtbot, tab.make_application_dialog(), (760, 700))
    assert dialog.missing_label.isVisible() and "Место нахождения" in dialog.missing_label.text()
    assert "https://vk.com/korenovsk_adm" in dialog.preview.toPlainText()
    dialog.path_edit.setText(str(tmp_path / "нет такой папки" / "заявка.pdf"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "нет — выберите другую" in dialog.error_label.text()
    target = tmp_path / "Заявка оператору ЕСИА.pdf"
    dialog.path_edit.setText(str(tmp_path / "Заявка оператору ЕСИА"))  # «.pdf» is added
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_path == target and target.is_file()
    assert dialog.done_label.isVisible() and str(target) in dialog.done_label.text()
    assert target.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert settings.DEFAULT_ORGANISATION_NAME in text
        assert "https://ok.ru/korenovsk" in text.replace(" ", "") or "ok.ru/korenovsk" in text
    else:
        assert target.stat().st_size > 5_000


def test_a_new_name_asks_before_the_marks_are_removed(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    k = w.actor("kurator")
    verification.set_state(k, vk, VerificationState.ESIA, date(2026, 11, 1))
    verification.set_state(k, vk, VerificationState.VERIFIED, date(2026, 11, 20))
    tab = shown(qtbot, VerificationTab(k))
    tab.refresh()
    dialog = shown(qtbot, tab.make_organisation_dialog(), (640, 420))
    type_text(dialog.edits["address"], "г. Кореновск, ул. Красная, 41")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no new name: saved at once
    assert not dialog.isVisible() and settings.organisation().address == "г. Кореновск, ул. Красная, 41"
    dialog = shown(qtbot, tab.make_organisation_dialog(), (640, 420))
    dialog.edits["full_name"].clear()
    type_text(dialog.edits["full_name"], "Администрация Кореновского городского поселения")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.confirm_label.isVisible()
    assert "«Администрация Кореновского ГП»" in dialog.confirm_label.text()
    assert dialog.ok_button.text() == "Сохранить и снять отметки"
    assert settings.organisation().full_name == settings.DEFAULT_ORGANISATION_NAME  # nothing saved yet
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.moved == [vk]
    assert state_cells(tab)["Администрация Кореновского ГП"] == "Требует повторного подтверждения (п. 13)"
    # a reader may not change the details
    reader = shown(qtbot, VerificationTab(w.actor("glava")))
    reader.refresh()
    assert not reader.organisation_button.isEnabled() and "Только просмотр" in reader.organisation_button.toolTip()
