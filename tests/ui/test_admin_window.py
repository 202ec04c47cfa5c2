"""The administrator's window, driven through its real widgets on a throwaway SQLite database."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.models.enums import Role, UnitKind
from app.services import admin, calendar_store, catalog, settings, users
from app.services.database import OpenedDatabase
from app.services.permissions import Actor, actor_for
from app.services.production_calendar import load_bundled
from app.services.users import UserInfo
from app.ui.admin_window import (
    DAY_STYLES,
    AdminWindow,
    MonthModel,
    RecordTableModel,
    TableColumn,
    format_periods,
    parse_periods,
)
from tests.ui.helpers import ADMIN_NAME, type_text

FIXTURE_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "production-calendar-2025-2026.csv"


@pytest.fixture
def boss(admin: UserInfo) -> Actor:  # ``admin`` here is the fixture of tests/ui/conftest.py
    return actor_for(admin.id)


@pytest.fixture
def staff(boss: Actor) -> dict[str, int]:
    """A department with two executors, created through the services."""
    unit = catalog.create_unit("Отдел ЖКХ, благоустройства и транспорта").id
    ids = {"unit": unit}
    for login, name in (("zhkh", "Иваненко Олег Викторович"), ("zhkh2", "Пономаренко Алла Сергеевна")):
        ids[login] = users.create_user(login, name, f"{login}-password", [Role.EXECUTOR], unit_id=unit).id
    return ids


@pytest.fixture
def window(qtbot: QtBot, ui_db: OpenedDatabase, boss: Actor, staff: dict[str, int]) -> AdminWindow:
    win = AdminWindow(boss)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def click(qtbot: QtBot, button) -> None:  # noqa: ANN001
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown(model, row: int, column: int) -> str:  # noqa: ANN001
    return model.data(model.index(row, column))


def test_the_window_has_the_eight_tabs(window: AdminWindow) -> None:
    assert window.windowTitle() == "Администрирование"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Пользователи", "Отделы и учреждения", "Замещения", "Темы", "График работы",
        "Календарь", "Сроки", "Проверка ответов"]
    assert window.tabs.tabToolTip(5).startswith("Производственный календарь")
    assert window.tabs.tabToolTip(6).startswith("Сроки регламента")


@pytest.mark.parametrize("roles", [[Role.EXECUTOR], [Role.HEAD]])
def test_anyone_but_an_administrator_or_curator_gets_the_russian_refusal(
    qtbot: QtBot, ui_db: OpenedDatabase, staff: dict[str, int], roles: list[Role]
) -> None:
    user = users.create_user("someone", "Кто-то Другой", "someone-password", roles, unit_id=staff["unit"])
    win = AdminWindow(actor_for(user.id))
    qtbot.addWidget(win)
    win.show()
    assert win.tabs is None
    assert win.denied_message == "Администрирование: это может сделать только администратор"
    assert win.refusal_label.text() == win.denied_message
    assert win.refusal_label.isVisible()


def test_a_curator_sets_only_the_answer_check_policy(qtbot: QtBot, ui_db: OpenedDatabase) -> None:
    user = users.create_user("kurator", "Слепокурова Яна Евгеньевна", "kurator-password", [Role.CURATOR])
    win = AdminWindow(actor_for(user.id))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.denied_message is None
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == ["Проверка ответов"]
    tab = win.answers_tab
    assert "ВКонтакте — 4096 знаков, Одноклассники — 4000 знаков" in tab.limits_label.text()
    assert tab.over_length_box.text() == "Разрешать направлять на согласование текст длиннее лимита соцсети"
    assert not tab.over_length_box.isChecked()
    click(qtbot, tab.over_length_box)
    assert tab.has_unsaved()
    click(qtbot, tab.save_button)
    assert settings.answer_policy().allow_over_length
    assert tab.info_label.text().endswith("можно направить на согласование после подтверждения")
    assert not tab.has_unsaved()
    win.reject()
    assert not win.isVisible()


# --- closing with unsaved input ---------------------------------------------------------------


def test_closing_with_unsaved_input_names_the_tabs_and_can_go_back(qtbot: QtBot, window: AdminWindow) -> None:
    assert window.unsaved_tabs() == []
    type_text(window.users_tab.full_name_edit, "Новиков Пётр")
    window.tabs.setCurrentWidget(window.limits_tab)
    window.limits_tab.spins["routing"].setValue(45)
    window.tabs.setCurrentWidget(window.schedule_tab)
    window.tabs.setCurrentWidget(window.limits_tab)  # shown again: the typed value stays
    assert window.limits_tab.spins["routing"].value() == 45
    click(qtbot, window.close_button)
    box = window.close_question
    assert box is not None and window.isVisible()
    assert box.text() == "Есть несохранённые изменения."
    assert box.informativeText().startswith("Вкладки: «Пользователи», «Сроки».")
    next(b for b in box.buttons() if b.text() == "Вернуться к изменениям").click()
    qtbot.waitUntil(lambda: window.close_question is None)
    assert window.isVisible() and window.tabs.currentWidget() is window.users_tab
    assert window.users_tab.full_name_edit.text() == "Новиков Пётр"  # the reload kept it

    click(qtbot, window.users_tab.new_button)  # the form emptied: nothing to lose there
    click(qtbot, window.limits_tab.save_button)
    assert settings.limits().routing == 45 and window.unsaved_tabs() == []
    click(qtbot, window.close_button)
    assert window.close_question is None and not window.isVisible()


def test_closing_without_saving_when_the_user_says_so(qtbot: QtBot, window: AdminWindow) -> None:
    window.tabs.setCurrentWidget(window.topics_tab)
    type_text(window.topics_tab.location_edit, "ул. Новая")
    window.reject()
    assert window.close_question.informativeText().startswith("Вкладки: «Темы».")
    next(b for b in window.close_question.buttons() if b.text() == "Закрыть без сохранения").click()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_a_corrected_field_takes_the_error_away(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.users_tab
    type_text(tab.password_edit, "пароль-один")
    click(qtbot, tab.save_button)
    assert tab.error_label.isVisible() and tab.error_label.text() == "Пароли не совпадают"
    type_text(tab.password_repeat_edit, "п")
    assert not tab.error_label.isVisible()


def test_columns_share_the_width_and_long_roles_fit_on_a_wide_screen(qtbot: QtBot, window: AdminWindow,
                                                                     staff: dict[str, int]) -> None:
    users.create_user("otvetstv", "Козыренко Елена Петровна", "otvetstv-password",
                      [Role.RESPONSIBLE, Role.EXECUTOR], unit_id=staff["unit"])
    tab = window.users_tab
    tab.refresh()
    window.resize(1560, 900)
    qtbot.wait(50)
    header, view = tab.view.horizontalHeader(), tab.view
    for column in range(6):
        assert header.sectionSize(column) >= view.sizeHintForColumn(column), column
    assert sum(header.sectionSize(c) for c in range(6)) <= view.viewport().width()
    window.resize(1008, 640)  # a 1024×700 screen: the names keep more room than the unit's
    qtbot.wait(50)
    assert header.sectionSize(0) > header.sectionSize(4)
    assert sum(header.sectionSize(c) for c in range(6)) <= view.viewport().width()
    row = tab.model.row_of(staff["zhkh"])
    assert tab.model.data(tab.model.index(row, 4), Qt.ItemDataRole.ToolTipRole) == (
        "Отдел ЖКХ, благоустройства и транспорта")  # the whole text in the tooltip


def test_the_window_fits_a_1024_by_700_screen(window: AdminWindow) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 - 16 and hint.height() <= 700 - 60
    # it opens within the screen it is on (the offscreen one is 800×800), never at a fixed 1240×800
    screen = window.screen().availableGeometry()
    assert window.width() <= max(screen.width(), hint.width()) and window.height() <= max(screen.height(),
                                                                                          hint.height())
    window.resize(1024 - 16, 700 - 60)
    assert (window.width(), window.height()) == (1024 - 16, 700 - 60)


# --- «Пользователи» -----------------------------------------------------------------------


def test_add_a_user_through_the_form_and_see_it_in_the_table(qtbot: QtBot, window: AdminWindow,
                                                             staff: dict[str, int]) -> None:
    tab = window.users_tab
    click(qtbot, tab.new_button)
    type_text(tab.login_edit, "kultura")
    type_text(tab.full_name_edit, "Гончаренко Ирина Павловна")
    type_text(tab.position_edit, "Ведущий специалист")
    assert tab.role_boxes[Role.EXECUTOR].isChecked()
    tab.unit_combo.setCurrentIndex(tab.unit_combo.findData(staff["unit"]))
    type_text(tab.password_edit, "пароль-культуры")
    type_text(tab.password_repeat_edit, "пароль-культуры")
    click(qtbot, tab.save_button)

    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert tab.info_label.text() == "Пользователь создан: Гончаренко Ирина Павловна"
    names = [shown(tab.model, r, 0) for r in range(tab.model.rowCount())]
    assert "Гончаренко Ирина Павловна" in names
    row = names.index("Гончаренко Ирина Павловна")
    assert [shown(tab.model, row, c) for c in range(6)] == [
        "Гончаренко Ирина Павловна", "kultura", "Ведущий специалист", "Исполнитель",
        "Отдел ЖКХ, благоустройства и транспорта", "активен"]
    assert tab.view.selectionModel().selectedRows()[0].row() == row
    assert tab.form_box.title() == "Пользователь «kultura»"
    assert users.authenticate("kultura", "пароль-культуры").full_name == "Гончаренко Ирина Павловна"


def test_user_form_errors_are_shown_inline_in_russian(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.users_tab
    type_text(tab.login_edit, "newbie")
    type_text(tab.full_name_edit, "Новиков Пётр")
    type_text(tab.password_edit, "пароль-один")
    type_text(tab.password_repeat_edit, "пароль-два")
    click(qtbot, tab.save_button)
    assert tab.error_label.isVisible() and tab.error_label.text() == "Пароли не совпадают"

    tab.password_repeat_edit.clear()
    type_text(tab.password_repeat_edit, "пароль-один")
    click(qtbot, tab.save_button)  # an executor without a unit
    assert tab.error_label.text() == "Исполнителю нужно указать отдел или учреждение"

    tab.role_boxes[Role.EXECUTOR].setChecked(False)
    click(qtbot, tab.save_button)
    assert tab.error_label.text() == "Не указана ни одна роль"
    assert "newbie" not in [u.login for u in users.list_users()]


def test_editing_a_user_and_the_self_deactivation_refusal(qtbot: QtBot, window: AdminWindow,
                                                          boss: Actor, staff: dict[str, int]) -> None:
    tab = window.users_tab
    tab.view.selectRow(tab.model.row_of(staff["zhkh2"]))
    assert tab.login_edit.text() == "zhkh2" and tab.login_edit.isReadOnly()
    type_text(tab.position_edit, "Главный специалист")
    tab.active_box.setChecked(False)
    click(qtbot, tab.save_button)
    assert tab.info_label.text() == "Изменения сохранены: Пономаренко Алла Сергеевна"
    row = tab.model.row_of(staff["zhkh2"])
    assert shown(tab.model, row, 2) == "Главный специалист" and shown(tab.model, row, 5) == "отключён"
    assert tab.model.data(tab.model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is not None

    tab.view.selectRow(tab.model.row_of(boss.user_id))
    assert tab.full_name_edit.text() == ADMIN_NAME
    tab.active_box.setChecked(False)
    click(qtbot, tab.save_button)
    assert tab.error_label.text() == "Нельзя отключить собственную учётную запись"


def test_set_a_password_for_the_selected_user(qtbot: QtBot, window: AdminWindow, staff: dict[str, int]) -> None:
    tab = window.users_tab
    assert not tab.password_button.isEnabled()
    tab.view.selectRow(tab.model.row_of(staff["zhkh"]))
    type_text(tab.password_edit, "новый-пароль")
    type_text(tab.password_repeat_edit, "новый-пароль")
    click(qtbot, tab.password_button)
    assert tab.info_label.text() == "Пароль изменён"
    assert users.authenticate("zhkh", "новый-пароль").login == "zhkh"


# --- «Отделы и учреждения» ----------------------------------------------------------------


def test_add_rename_and_switch_off_a_unit(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.units_tab
    window.tabs.setCurrentWidget(tab)
    type_text(tab.name_edit, "МКУ «Центр культуры»")
    type_text(tab.short_name_edit, "Центр культуры")
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData(UnitKind.INSTITUTION.value))
    click(qtbot, tab.add_button)
    assert tab.info_label.text() == "Добавлено: МКУ «Центр культуры»"
    row = tab.view.selectionModel().selectedRows()[0].row()
    assert [shown(tab.model, row, c) for c in range(5)] == [
        "МКУ «Центр культуры»", "Центр культуры", "Подведомственное учреждение", "0", "действует"]

    tab.name_edit.clear()
    type_text(tab.name_edit, "МКУ «Центр культуры и досуга»")
    click(qtbot, tab.rename_button)
    assert tab.info_label.text() == "Сохранено: МКУ «Центр культуры и досуга»"
    assert tab.toggle_button.text() == "Отключить"
    click(qtbot, tab.toggle_button)
    row = tab.view.selectionModel().selectedRows()[0].row()
    assert shown(tab.model, row, 4) == "отключено"
    assert tab.toggle_button.text() == "Включить"

    tab.name_edit.clear()
    type_text(tab.name_edit, "Отдел ЖКХ, благоустройства и транспорта")
    click(qtbot, tab.add_button)
    assert tab.error_label.text() == "«Отдел ЖКХ, благоустройства и транспорта» уже есть в списке"


# --- «Замещения» --------------------------------------------------------------------------


def test_add_an_absence_with_a_deputy_and_delete_it(qtbot: QtBot, window: AdminWindow,
                                                    staff: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    tab = window.absences_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 0
    tab.user_combo.setCurrentIndex(tab.user_combo.findData(staff["zhkh"]))
    tab.deputy_combo.setCurrentIndex(tab.deputy_combo.findData(staff["zhkh2"]))
    assert tab.deputy_combo.findData(window.actor.user_id) == -1  # not an executor: cannot deputise
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("vacation"))
    start = QDate.currentDate().addDays(7)
    tab.starts_edit.setDate(start)
    tab.ends_edit.setDate(start.addDays(13))
    type_text(tab.comment_edit, "Приказ № 12-к")
    click(qtbot, tab.add_button)

    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert tab.model.rowCount() == 1
    first, last = start.toPython(), start.addDays(13).toPython()
    assert [shown(tab.model, 0, c) for c in range(6)] == [
        "Иваненко Олег Викторович", "Пономаренко Алла Сергеевна", "Отпуск",
        first.strftime("%d.%m.%Y"), last.strftime("%d.%m.%Y"), "Приказ № 12-к"]
    assert tab.info_label.text().startswith("Замещение добавлено: Иваненко Олег Викторович → Пономаренко")

    click(qtbot, tab.add_button)  # the same days again
    assert tab.error_label.text() == "У Иваненко Олег Викторович уже есть отсутствие в эти дни"

    tab.view.selectRow(0)
    asked: list[str] = []
    monkeypatch.setattr(tab, "confirm", lambda text: asked.append(text) or True)
    click(qtbot, tab.delete_button)
    assert asked and "Иваненко Олег Викторович → Пономаренко Алла Сергеевна" in asked[0]
    assert tab.model.rowCount() == 0
    assert tab.info_label.text() == "Замещение удалено"


def test_the_new_absence_names_nobody_until_chosen(qtbot: QtBot, window: AdminWindow,
                                                    staff: dict[str, int]) -> None:
    tab = window.absences_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.user_combo.currentData() is None and tab.user_combo.currentText() == "— выберите отсутствующего —"
    assert tab.deputy_combo.currentData() is None and tab.deputy_combo.currentText() == "— выберите заместителя —"
    # executors first: the administrator is not the one who is usually away
    assert tab.user_combo.itemData(1) in (staff["zhkh"], staff["zhkh2"])
    assert not tab.has_unsaved()
    click(qtbot, tab.add_button)
    assert tab.error_label.text() == "Выберите отсутствующего сотрудника и заместителя"
    tab.user_combo.setFocus()
    qtbot.keyClick(tab.user_combo, Qt.Key.Key_Down)  # the user picks someone: the message goes
    assert tab.user_combo.currentData() is not None
    assert not tab.error_label.isVisible()
    assert tab.has_unsaved()


def test_a_deputy_cannot_be_the_absent_user(qtbot: QtBot, window: AdminWindow, staff: dict[str, int]) -> None:
    tab = window.absences_tab
    tab.user_combo.setCurrentIndex(tab.user_combo.findData(staff["zhkh"]))
    tab.deputy_combo.setCurrentIndex(tab.deputy_combo.findData(staff["zhkh"]))
    click(qtbot, tab.add_button)
    assert tab.error_label.text() == "Сотрудник не может замещать сам себя"


# --- «Темы» -------------------------------------------------------------------------------


def test_add_a_group_a_topic_and_a_location(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.topics_tab
    window.tabs.setCurrentWidget(tab)
    type_text(tab.group_edit, "Дороги")
    click(qtbot, tab.add_group_button)
    assert tab.topics_box.title() == "Темы группы «Дороги»"
    type_text(tab.topic_edit, "Ямочный ремонт")
    click(qtbot, tab.add_topic_button)
    assert tab.info_label.text() == "Тема добавлена: Ямочный ремонт"
    assert shown(tab.topic_model, 0, 0) == "Ямочный ремонт"
    assert shown(tab.group_model, tab.group_model.row_of(tab.selected_id(tab.group_view)), 1) == "1"
    click(qtbot, tab.toggle_topic_button)
    assert shown(tab.topic_model, 0, 1) == "скрыта"

    type_text(tab.location_edit, "ул. Красная")
    click(qtbot, tab.add_location_button)
    assert [shown(tab.location_model, 0, c) for c in range(2)] == ["ул. Красная", "Улица"]
    type_text(tab.location_edit, "ул. Красная")
    click(qtbot, tab.add_location_button)
    assert tab.error_label.text() == "«ул. Красная» уже есть в списке мест"


# --- «График работы» ----------------------------------------------------------------------


def test_schedule_is_saved_per_weekday(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.schedule_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.day_edits[0].text() == "09:00–13:00, 14:00–18:00"
    assert tab.week_total_label.text() == "Всего в неделю: 40 ч"
    tab.day_edits[4].clear()
    type_text(tab.day_edits[4], "09:00-13:00, 14:00-16:45")
    assert tab.day_totals[4].text() == "6 ч 45 мин"
    click(qtbot, tab.save_button)
    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert calendar_store.schedule().weekdays[4][1][1].strftime("%H:%M") == "16:45"
    assert tab.day_edits[4].text() == "09:00–13:00, 14:00–16:45"

    tab.day_edits[0].clear()
    type_text(tab.day_edits[0], "с девяти")
    click(qtbot, tab.save_button)
    assert tab.error_label.text().startswith("Понедельник: непонятный период «с девяти»")
    tab.day_edits[0].setText("09:00–14:00, 13:00–18:00")
    click(qtbot, tab.save_button)
    assert tab.error_label.text().startswith("График не сохранён")


def test_period_text_round_trip() -> None:
    periods = parse_periods("14:00 - 18:00; 9.00–13.00")
    assert format_periods(periods) == "09:00–13:00, 14:00–18:00"
    assert parse_periods("выходной") == [] and format_periods([]) == "выходной"
    with pytest.raises(ValueError, match="заканчивается раньше"):
        parse_periods("18:00–09:00")


# --- «Производственный календарь» ---------------------------------------------------------


def calendar_tab(qtbot: QtBot, window: AdminWindow, year: int):  # noqa: ANN201
    tab = window.calendar_tab
    window.tabs.setCurrentWidget(tab)
    tab.year_spin.setValue(year)
    qtbot.waitExposed(tab)
    return tab


def test_click_a_day_and_make_it_non_working(qtbot: QtBot, window: AdminWindow) -> None:
    tab = calendar_tab(qtbot, window, 2025)
    assert tab.working_days() == 247
    assert "рабочих дней — <b>247</b>" in tab.summary_label.text()
    assert "1972 ч" in tab.summary_label.text()
    march = tab.month_views[2]
    index = march.month_model.index_of(date(2025, 3, 12))
    assert index.data() == "12"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None  # an ordinary working Wednesday
    qtbot.mouseClick(march.viewport(), Qt.MouseButton.LeftButton, pos=march.visualRect(index).center())
    menu = tab.day_menu
    assert menu is not None and menu.isVisible()
    kinds = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert list(kinds) == ["Рабочий", "Сокращённый", "Нерабочий"]
    assert kinds["Рабочий"].isChecked()
    kinds["Нерабочий"].trigger()
    menu.close()

    assert tab.working_days() == 246
    assert "рабочих дней — <b>246</b>" in tab.summary_label.text()
    assert tab.info_label.text() == "12 марта 2025 теперь считается нерабочим днём"
    index = march.month_model.index_of(date(2025, 3, 12))
    assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == DAY_STYLES["holiday"].background
    assert "перенесённый выходной" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert calendar_store.year_calendar(2025).day_kind(date(2025, 3, 12)) == "non_working"
    assert "2025 — изменён администратором" in tab.stored_label.text()


def test_calendar_colours_shortened_days_and_working_saturdays(qtbot: QtBot, window: AdminWindow) -> None:
    tab = calendar_tab(qtbot, window, 2025)
    november = tab.month_views[10].month_model
    saturday = november.index_of(date(2025, 11, 1))  # a worked Saturday, shortened too
    assert saturday.data(Qt.ItemDataRole.BackgroundRole).color().name() == DAY_STYLES["shortened"].background
    december = tab.month_views[11].month_model
    assert december.index_of(date(2025, 12, 6)).data(Qt.ItemDataRole.BackgroundRole).color().name() \
        == DAY_STYLES["weekend"].background
    assert not november.flags(november.index(5, 6)) & Qt.ItemFlag.ItemIsEnabled  # outside the month


def test_import_the_fixture_csv_off_the_gui_thread(qtbot: QtBot, window: AdminWindow,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    tab = calendar_tab(qtbot, window, 2025)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(FIXTURE_CSV), ""))
    click(qtbot, tab.import_button)
    assert tab.import_running and tab.progress.isVisible() and not tab.import_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.import_running, timeout=15_000)
    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert tab.info_label.text() == "Календарь импортирован: 2025 год, 2026 год"
    assert not tab.progress.isVisible() and tab.import_button.isEnabled()
    assert tab.source_label.text() == "Источник: импорт из CSV"
    assert "2025 — импорт из CSV; 2026 — импорт из CSV" in tab.stored_label.text()
    assert [y.year for y in admin.list_calendar_years(window.actor)] == [2025, 2026]


def test_a_broken_csv_shows_the_importers_russian_error(qtbot: QtBot, window: AdminWindow, tmp_path: Path) -> None:
    tab = calendar_tab(qtbot, window, 2025)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(FIXTURE_CSV.read_bytes().replace(b"2,3,9,10", b"2,3,9,99", 1))
    with qtbot.waitSignal(tab.import_finished, timeout=15_000):
        tab.start_import(broken)
    assert tab.error_label.isVisible()
    assert tab.error_label.text() == ("Календарь не импортирован. Строка 2: день 99 не существует "
                                      "в августе 2025 года")
    assert admin.list_calendar_years(window.actor) == []

    with qtbot.waitSignal(tab.import_finished, timeout=15_000):
        tab.start_import(tmp_path / "missing.csv")
    assert tab.error_label.text().startswith("Не удаётся прочитать файл")


def test_an_unconfirmed_year_asks_for_a_check(qtbot: QtBot, window: AdminWindow) -> None:
    tab = calendar_tab(qtbot, window, 2031)
    assert tab.confirm_row.isVisible()
    assert "требует проверки" in tab.confirm_label.text()
    assert tab.source_label.text() == "Источник: рассчитан автоматически"
    click(qtbot, tab.confirm_button)
    assert not tab.confirm_row.isVisible()
    assert tab.info_label.text() == "Календарь на 2031 год подтверждён"
    assert not calendar_store.year_calendar(2031).needs_confirmation


# --- «Сроки регламента» -------------------------------------------------------------------


def test_change_a_limit(qtbot: QtBot, window: AdminWindow) -> None:
    tab = window.limits_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.spins["routing"].value() == 30 and tab.spins["final_answer_days"].value() == 7
    tab.spins["routing"].setValue(45)
    click(qtbot, tab.save_button)
    assert tab.info_label.text().startswith("Сроки сохранены")
    assert settings.limits().routing == 45
    click(qtbot, tab.defaults_button)
    assert tab.spins["routing"].value() == 30 and settings.limits().routing == 45


def test_limit_labels_name_the_steps_of_the_regulation(window: AdminWindow) -> None:
    tab = window.limits_tab
    window.tabs.setCurrentWidget(tab)
    assert set(tab.labels) == set(tab.spins)
    # clause 13: the request is a question to the author, prepared by the executor for the curator
    clarification = tab.labels["clarification"].text()
    assert "исполнителя" not in clarification and "(п. 13)" in clarification
    assert "автору сообщения" in tab.labels["clarification"].toolTip()
    assert tab.spins["clarification"].toolTip() == tab.labels["clarification"].toolTip()
    # the approval, revision and posting limits apply to answers and to clarification requests alike
    for step in ("approval", "revision", "publication"):
        assert "запрос (уточнение)" in tab.labels[step].toolTip()
    assert all(label.toolTip() for label in tab.labels.values())


# --- item models --------------------------------------------------------------------------


def test_record_table_model_contract(qtmodeltester, boss: Actor, staff: dict[str, int]) -> None:  # noqa: ANN001
    model = RecordTableModel([TableColumn("ФИО", lambda u: u.full_name),
                              TableColumn("Логин", lambda u: u.login)])
    qtmodeltester.check(model)
    model.set_rows(admin.list_users(boss))
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "ФИО"


def test_month_model_contract(qtmodeltester) -> None:  # noqa: ANN001
    model = MonthModel(2)
    qtmodeltester.check(model)
    model.set_calendar(load_bundled()[2026])
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Пн"
    assert model.index_of(date(2026, 2, 1)).data() == "1"
    assert model.index_of(date(2026, 2, 1)).column() == 6  # a Sunday
    assert model.index_of(date(2026, 2, 23)).data(Qt.ItemDataRole.BackgroundRole).color().name() \
        == DAY_STYLES["holiday"].background
