"""The first-run wizard creates the administrator or explains, inline, why not."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.services.database import OpenedDatabase
from app.services.users import authenticate, has_users
from app.ui.wizard import FirstRunWizard
from tests.ui.helpers import type_text


@pytest.fixture
def wizard(qtbot: QtBot, ui_db: OpenedDatabase) -> FirstRunWizard:
    wiz = FirstRunWizard(ui_db.target.display())
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.waitExposed(wiz)
    qtbot.mouseClick(wiz.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wiz.currentPage() is wiz.account_page
    return wiz


def fill(qtbot: QtBot, wiz: FirstRunWizard, *, login: str = "admin", name: str = "Петрова Анна Сергеевна",
         password: str = "надёжный-пароль", repeat: str | None = None) -> None:
    page = wiz.account_page
    page.login_edit.clear()
    type_text(page.login_edit, login)
    type_text(page.full_name_edit, name)
    type_text(page.password_edit, password)
    type_text(page.password_repeat_edit, password if repeat is None else repeat)


def finish(qtbot: QtBot, wiz: FirstRunWizard) -> None:
    qtbot.mouseClick(wiz.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def test_intro_page_names_the_database(qtbot: QtBot, ui_db: OpenedDatabase) -> None:
    wiz = FirstRunWizard(ui_db.target.display())
    qtbot.addWidget(wiz)
    wiz.show()
    assert wiz.currentPage().title() == "Первый запуск"
    assert wiz.button(QWizard.WizardButton.NextButton).text() == "&Далее >"


def test_mismatched_passwords_are_refused(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    fill(qtbot, wizard, repeat="другой-пароль")
    finish(qtbot, wizard)
    page = wizard.account_page
    assert page.error_label.isVisible()
    assert "Пароли не совпадают" in page.error_label.text()
    assert wizard.isVisible() and wizard.created_user is None
    assert not has_users()


def test_short_password_is_refused(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    fill(qtbot, wizard, password="корот")
    finish(qtbot, wizard)
    assert "не меньше 8 символов" in wizard.account_page.error_label.text()
    assert wizard.account_page.error_label.isVisible()
    assert not has_users()


def test_service_message_is_shown_inline(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    fill(qtbot, wizard, login="админ")  # Cyrillic login is refused by the service
    finish(qtbot, wizard)
    assert "Логин:" in wizard.account_page.error_label.text()
    assert wizard.isVisible() and not has_users()


def test_typing_clears_the_error(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    fill(qtbot, wizard, repeat="другой-пароль")
    finish(qtbot, wizard)
    type_text(wizard.account_page.password_repeat_edit, "x")
    assert not wizard.account_page.error_label.isVisible()


def test_valid_input_creates_the_administrator(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    fill(qtbot, wizard, login="kurator")
    finish(qtbot, wizard)
    assert wizard.result() == QWizard.DialogCode.Accepted
    user = wizard.created_user
    assert user is not None and user.login == "kurator"
    assert user.roles == frozenset({"admin", "curator"})
    assert authenticate("kurator", "надёжный-пароль").full_name == "Петрова Анна Сергеевна"
