"""The administrator's services: checks, one audit event per change, Russian refusals."""
from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from app.models.migrations import SCHEMA_VERSION
from app.models import AuditEvent, User
from app.models.enums import AbsenceKind, Role, UnitKind
from app.services import admin, calendar_store, settings, users
from app.services.errors import DatabaseUnavailable, NotFound, PermissionDenied, ValidationError
from app.services.permissions import Actor, actor_for
from tests.helpers.world import World, build_world

FIXTURE_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "production-calendar-2025-2026.csv"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


@pytest.fixture
def boss(world: World) -> Actor:
    return world.actor("admin")


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["kurator", "zhkh", "glava"])
def test_everyone_but_the_administrator_is_refused_in_russian(world: World, login: str) -> None:
    actor = world.actor(login)
    with pytest.raises(PermissionDenied, match="это может сделать только администратор"):
        admin.list_users(actor)
    with pytest.raises(PermissionDenied, match="^Создание отдела: это может сделать только администратор$"):
        admin.create_unit(actor, "Отдел культуры")
    with pytest.raises(PermissionDenied):
        admin.import_calendar_csv(actor, FIXTURE_CSV.read_bytes())
    with pytest.raises(PermissionDenied):
        admin.save_limits(actor, routing=45)
    with pytest.raises(PermissionDenied):
        admin.ensure_admin(actor)


# --- users --------------------------------------------------------------------------------


def test_create_user_lists_it_with_unit_and_position(world: World, boss: Actor) -> None:
    created = admin.create_user(boss, login="kultura", full_name="Гончаренко Ирина Павловна",
                                password="kultura-pass", roles=[Role.EXECUTOR],
                                unit_id=world.units["arhit"], position="Ведущий специалист")
    listed = {u.login: u for u in admin.list_users(boss)}
    assert listed["kultura"] == created
    assert created.unit_name == "Отдел архитектуры и градостроительства"
    assert created.position == "Ведущий специалист"
    assert created.roles_display == "Исполнитель"
    assert users.authenticate("kultura", "kultura-pass").id == created.id
    event = events("user.create")[-1]
    assert event.actor_id == boss.user_id and event.entity_id == created.id


def test_create_user_refusals_are_russian(world: World, boss: Actor) -> None:
    with pytest.raises(ValidationError, match="Исполнителю нужно указать отдел"):
        admin.create_user(boss, login="x1", full_name="Иванов", password="long-password", roles=["executor"])
    with pytest.raises(ValidationError, match="уже есть"):
        admin.create_user(boss, login="zhkh", full_name="Иванов", password="long-password", roles=["curator"])
    with pytest.raises(ValidationError, match="Не указана ни одна роль"):
        admin.create_user(boss, login="x2", full_name="Иванов", password="long-password", roles=[])


def test_update_user_changes_fields_and_records_what_changed(world: World, boss: Actor) -> None:
    uid = world.ids["zhkh2"]
    updated = admin.update_user(boss, uid, full_name="Пономаренко Алла Сергеевна", position="Начальник отдела",
                                roles=[Role.EXECUTOR, Role.RESPONSIBLE], unit_id=world.units["blago"],
                                is_active=False)
    assert updated.position == "Начальник отдела"
    assert updated.unit_name == "МКУ «Управление благоустройства»"
    assert updated.roles == frozenset({"executor", "responsible"})
    assert not updated.is_active
    event = events("user.update")[-1]
    assert event.entity_id == uid and event.from_state == "active" and event.to_state == "inactive"
    assert "position" in event.payload and "full_name" not in event.payload


def test_cannot_deactivate_yourself(world: World, boss: Actor) -> None:
    with pytest.raises(ValidationError, match="^Нельзя отключить собственную учётную запись$"):
        admin.update_user(boss, boss.user_id, full_name="Администратор Системы", position="",
                          roles=[Role.ADMIN], unit_id=None, is_active=False)
    assert User.get_by_id(boss.user_id).is_active


def test_the_last_administrator_keeps_the_role(world: World, boss: Actor) -> None:
    with pytest.raises(ValidationError, match="последний администратор: роль администратора снять нельзя"):
        admin.update_user(boss, boss.user_id, full_name="Администратор Системы", position="",
                          roles=[Role.CURATOR], unit_id=None, is_active=True)
    second = admin.create_user(boss, login="admin2", full_name="Второй Администратор",
                               password="admin2-pass", roles=[Role.ADMIN])
    other = actor_for(second.id)
    # now the first one may lose the role, and then the second is the last one
    admin.update_user(other, boss.user_id, full_name="Администратор Системы", position="",
                      roles=[Role.CURATOR], unit_id=None, is_active=True)
    with pytest.raises(ValidationError, match="последний администратор"):
        admin.update_user(other, second.id, full_name="Второй Администратор", position="",
                          roles=[Role.CURATOR], unit_id=None, is_active=True)


def test_a_deactivated_last_admin_is_refused_too(world: World, boss: Actor) -> None:
    second = admin.create_user(boss, login="admin2", full_name="Второй Администратор",
                               password="admin2-pass", roles=[Role.ADMIN])
    admin.update_user(boss, second.id, full_name="Второй Администратор", position="",
                      roles=[Role.ADMIN], unit_id=None, is_active=False)
    with pytest.raises(ValidationError, match="последний администратор"):
        admin.update_user(boss, boss.user_id, full_name="Администратор Системы", position="",
                          roles=[Role.CURATOR], unit_id=None, is_active=True)


def test_reset_password(world: World, boss: Actor) -> None:
    admin.reset_password(boss, world.ids["zhkh"], "new-password-1")
    assert users.authenticate("zhkh", "new-password-1").login == "zhkh"
    assert events("user.password")[-1].actor_id == boss.user_id
    with pytest.raises(ValidationError, match="не меньше 8 символов"):
        admin.reset_password(boss, world.ids["zhkh"], "short")
    with pytest.raises(NotFound):
        admin.reset_password(boss, 99999, "new-password-1")


# --- units --------------------------------------------------------------------------------


def test_units_create_rename_deactivate(world: World, boss: Actor) -> None:
    unit = admin.create_unit(boss, "Отдел культуры", UnitKind.DEPARTMENT, "Культура")
    assert unit.kind_label == "Отдел" and unit.user_count == 0 and unit.is_active
    renamed = admin.rename_unit(boss, unit.id, "Отдел культуры и спорта", "Культура и спорт")
    assert renamed.name == "Отдел культуры и спорта" and renamed.short_name == "Культура и спорт"
    off = admin.deactivate_unit(boss, unit.id)
    assert not off.is_active
    listed = {u.name: u for u in admin.list_units(boss)}
    assert not listed["Отдел культуры и спорта"].is_active
    assert listed["Отдел ЖКХ, благоустройства и транспорта"].user_count == 2
    assert "Отдел культуры и спорта" not in {u.name for u in admin.list_units(boss, include_inactive=False)}
    assert [e.action for e in AuditEvent.select().where(AuditEvent.entity == "unit").order_by(AuditEvent.id)] == [
        "unit.create", "unit.rename", "unit.deactivate"]
    with pytest.raises(ValidationError, match="уже есть в списке"):
        admin.rename_unit(boss, unit.id, "Отдел архитектуры и градостроительства")
    with pytest.raises(ValidationError, match="^Укажите название отдела или учреждения$"):
        admin.create_unit(boss, "   ")


# --- topics and locations -----------------------------------------------------------------


def test_topic_groups_and_topics(world: World, boss: Actor) -> None:
    group = admin.create_topic_group(boss, "Дороги")
    topic = admin.create_topic(boss, group.id, "Ямочный ремонт")
    assert topic.group_name == "Дороги"
    admin.rename_topic(boss, topic.id, "Ремонт дорог")
    admin.rename_topic_group(boss, group.id, "Дороги и транспорт")
    groups = {g.name: g for g in admin.list_topic_groups(boss)}
    assert groups["Дороги и транспорт"].topic_count == 1
    assert [t.name for t in admin.list_topics(boss, group.id)] == ["Ремонт дорог"]
    with pytest.raises(ValidationError, match="уже есть"):
        admin.create_topic(boss, group.id, "Ремонт дорог")
    with pytest.raises(ValidationError, match="Группа тем «Благоустройство» уже есть"):
        admin.create_topic_group(boss, "Благоустройство")
    hidden = admin.set_topic_active(boss, topic.id, False)
    assert not hidden.is_active
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity.in_(["topic", "topic_group"])).order_by(AuditEvent.id)]
    assert actions == ["topic_group.create", "topic.create", "topic.rename", "topic_group.rename", "topic.deactivate"]


def test_locations(world: World, boss: Actor) -> None:
    loc = admin.create_location(boss, "мкр. Северный", "district")
    assert loc.kind_label == "Микрорайон"
    assert [x.name for x in admin.list_locations(boss)] == ["мкр. Северный", "ул. Красная"]
    with pytest.raises(ValidationError, match="уже есть в списке мест"):
        admin.create_location(boss, "ул. Красная")
    assert len(events("location.create")) == 1


# --- absences -----------------------------------------------------------------------------


def test_absences_with_names_and_deletion(world: World, boss: Actor) -> None:
    added = admin.add_absence(boss, user_id=world.ids["zhkh"], deputy_id=world.ids["zhkh2"],
                              kind=AbsenceKind.VACATION, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 14))
    listed = admin.list_absences(boss)
    assert listed == [added]
    assert added.user_name == "Иваненко Олег Викторович" and added.deputy_name == "Пономаренко Алла Сергеевна"
    assert added.kind_label == "Отпуск"
    assert admin.list_absences(boss, since=date(2026, 12, 15)) == []
    admin.delete_absence(boss, added.id)
    assert admin.list_absences(boss) == []
    event = events("absence.delete")[-1]
    assert event.entity_id == added.id and "Иваненко" in event.comment
    with pytest.raises(NotFound, match="Замещение не найдено"):
        admin.delete_absence(boss, added.id)


def test_absence_refusals_come_from_the_absence_service(world: World, boss: Actor) -> None:
    with pytest.raises(ValidationError, match="дата окончания раньше даты начала"):
        admin.add_absence(boss, user_id=world.ids["zhkh"], deputy_id=world.ids["zhkh2"], kind="sick",
                          starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="не исполнитель"):
        admin.add_absence(boss, user_id=world.ids["zhkh"], deputy_id=world.ids["glava"], kind="sick",
                          starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 1))


# --- calendar, schedule, limits ----------------------------------------------------------


def test_calendar_import_edit_and_stored_years(world: World, boss: Actor) -> None:
    assert admin.list_calendar_years(boss) == []
    assert admin.import_calendar_csv(boss, FIXTURE_CSV.read_bytes()) == [2025, 2026]
    years = admin.list_calendar_years(boss)
    assert [(y.year, y.source_label) for y in years] == [(2025, "импорт из CSV"), (2026, "импорт из CSV")]
    cal = admin.set_calendar_day(boss, date(2025, 3, 12), "non_working")
    assert cal.working_days_count() == 246
    assert calendar_store.year_calendar(2025).day_kind(date(2025, 3, 12)) == "non_working"
    assert events("calendar.day")[-1].actor_id == boss.user_id
    with pytest.raises(ValidationError, match="Строка 2"):
        admin.import_calendar_csv(boss, FIXTURE_CSV.read_bytes().replace(b"2,3,9,10", b"2,3,9,99", 1))


def test_confirm_a_derived_year(world: World, boss: Actor) -> None:
    assert calendar_store.year_calendar(2031).needs_confirmation
    confirmed = admin.confirm_calendar_year(boss, 2031)
    assert not confirmed.needs_confirmation
    assert not calendar_store.year_calendar(2031).needs_confirmation
    assert [y.year for y in admin.list_calendar_years(boss)] == [2031]


def test_schedule_limits_and_time_zone(world: World, boss: Actor) -> None:
    day = [(time(8), time(12)), (time(13), time(17))]
    admin.set_work_schedule(boss, {d: day for d in range(5)})
    assert calendar_store.schedule().weekdays[0] == tuple(day)
    saved = admin.save_limits(boss, routing=45, final_answer_days=5)
    assert settings.limits() == saved and saved.routing == 45
    with pytest.raises(ValidationError, match="целое положительное число"):
        admin.save_limits(boss, routing=0)
    admin.set_timezone(boss, "Europe/Samara")
    assert settings.timezone_name() == "Europe/Samara"
    assert len(events("settings.change")) == 2


# --- connection check ---------------------------------------------------------------------


def test_check_connection_on_the_open_database(db) -> None:  # noqa: ANN001
    url = db.target.display()
    if db.target.backend == "sqlite":
        url = f"sqlite:///{db.target.path}"
    else:
        t = db.target
        url = f"postgresql://{t.user}@{t.host}:{t.port}/{t.name}"
    assert admin.check_connection(url) == f"Соединение установлено: схема {SCHEMA_VERSION}"


def test_check_connection_leaves_the_proxy_alone(db, tmp_path: Path) -> None:  # noqa: ANN001
    from app.models import db as proxy

    before = proxy.obj
    other = tmp_path / "other.sqlite3"
    assert "будет создан" in admin.check_connection(f"sqlite:///{other}")
    assert not other.exists()
    assert proxy.obj is before


def test_check_connection_failures_are_russian(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="^Не удаётся подключиться к серверу PostgreSQL 127.0.0.1:5999"):
        admin.check_connection("postgresql://postgres@127.0.0.1:5999/x")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all, just text" * 10)
    with pytest.raises(DatabaseUnavailable, match="не является базой данных SQLite"):
        admin.check_connection(f"sqlite:///{junk}")
    with pytest.raises(DatabaseUnavailable, match="Неизвестный тип базы данных"):
        admin.check_connection("mysql://x")


def test_check_connection_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    path.write_bytes(b"")
    assert "база данных пуста" in admin.check_connection(f"sqlite:///{path}")
