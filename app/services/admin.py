"""The administrator's actions: users, units, topics, locations, absences, calendar, limits.

Every call checks that the actor is an administrator, runs in one transaction and leaves an
audit event (the calendar and settings calls leave the event of ``calendar_store`` /
``settings``). Results are small frozen dataclasses, never peewee objects, so the UI can keep
them without touching the database. ``check_connection`` tests a database URL without binding
the application's model proxy.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from peewee import JOIN, PostgresqlDatabase, SqliteDatabase, fn

from app.models import Absence, CalendarYear, Location, Topic, TopicGroup, Unit, User, db
from app.models.enums import (
    ABSENCE_KIND_LABELS,
    ROLE_LABELS,
    UNIT_KIND_LABELS,
    AbsenceKind,
    CalendarDayKind,
    Role,
    UnitKind,
)
from app.models.migrations import SCHEMA_VERSION, SchemaInfo
from app.services import absences, audit, calendar_store, catalog, settings, users, validation
from app.services.errors import DatabaseUnavailable, NotFound, ValidationError
from app.services.permissions import Actor, require_admin
from app.services.server import people
from app.services.production_calendar import YearCalendar
from app.services.worktime import WorkSchedule

#: kinds of a location and their Russian names
LOCATION_KIND_LABELS: dict[str, str] = {
    "street": "Улица",
    "district": "Микрорайон",
    "settlement": "Населённый пункт",
    "object": "Объект",
}

#: where a stored calendar year came from, in Russian
CALENDAR_SOURCE_LABELS: dict[str, str] = {
    "bundled": "встроенный календарь",
    "imported": "импорт из CSV",
    "derived": "рассчитан автоматически",
    "edited": "изменён администратором",
}


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminUser:
    """A user account as the administrator's table shows it."""

    id: int
    login: str
    full_name: str
    position: str
    roles: frozenset[str]
    unit_id: int | None
    unit_name: str
    is_active: bool

    @property
    def roles_display(self) -> str:
        return ", ".join(ROLE_LABELS.get(r, r) for r in sorted(self.roles))  # type: ignore[call-overload]

    def has(self, role: Role) -> bool:
        return role.value in self.roles


@dataclass(frozen=True)
class AdminUnit:
    """A department or subordinate institution with the number of its active users."""

    id: int
    name: str
    short_name: str
    kind: str
    is_active: bool
    user_count: int = 0

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS.get(self.kind, self.kind)  # type: ignore[call-overload]


@dataclass(frozen=True)
class AdminTopicGroup:
    """A group of topics (clause 10) with the number of its topics."""

    id: int
    name: str
    topic_count: int = 0


@dataclass(frozen=True)
class AdminTopic:
    """A topic of an incident inside its group."""

    id: int
    group_id: int
    group_name: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class AdminLocation:
    """A street, micro-district or settlement an incident can be about."""

    id: int
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return LOCATION_KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class AdminAbsence:
    """An absence of a user and the deputy who acts for them meanwhile (clause 8)."""

    id: int
    user_id: int
    user_name: str
    deputy_id: int
    deputy_name: str
    kind: str
    starts_on: date
    ends_on: date
    comment: str

    @property
    def kind_label(self) -> str:
        return ABSENCE_KIND_LABELS.get(self.kind, self.kind)  # type: ignore[call-overload]


@dataclass(frozen=True)
class CalendarYearInfo:
    """A production-calendar year kept in the database."""

    year: int
    source: str
    needs_confirmation: bool
    updated_at: datetime

    @property
    def source_label(self) -> str:
        return CALENDAR_SOURCE_LABELS.get(self.source, self.source)


# --- helpers ------------------------------------------------------------------------------


def _actor_user(actor: Actor) -> User:
    user = User.get_or_none(User.id == actor.user_id)
    if user is None:
        raise NotFound("Ваша учётная запись не найдена")
    return user


def _clean(text: str, what: str, max_length: int = 255) -> str:
    if text is not None and not isinstance(text, str):
        raise ValidationError(f"Укажите {what}")
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(f"Укажите {what}")
    if len(text) > max_length:
        raise ValidationError(f"Слишком длинное значение: {what} — не больше {max_length} символов")
    return validation.characters(text, what[:1].upper() + what[1:])


def _optional(text: str | None, what: str, max_length: int = 255) -> str:
    """An optional one-line value (a position, a short name): spaces collapsed, checked like any text."""
    text = " ".join(validation.text(text, what, limit=100_000, required=False).split())
    if len(text) > max_length:
        raise ValidationError(f"Слишком длинное значение: {what.lower()} — не больше {max_length} символов")
    return text


def _roles(roles: Iterable[Role | str]) -> list[Role]:
    items = [r.value if isinstance(r, Role) else str(r) for r in roles]
    return users.parse_roles(items)


def _admin_user(user: User) -> AdminUser:
    unit = user.unit if user.unit_id else None
    return AdminUser(user.id, user.login, user.full_name, user.position, user.role_set,
                     user.unit_id, unit.name if unit else "", user.is_active)


def _check_unit(unit_id: int | None) -> None:
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        raise NotFound(f"Отдел с номером {unit_id} не найден")


def ensure_admin(actor: Actor, what: str = "Администрирование") -> None:
    """Raise ``PermissionDenied`` (Russian message) unless the actor is an administrator."""
    require_admin(actor, what)


# --- users --------------------------------------------------------------------------------


def list_users(actor: Actor) -> list[AdminUser]:
    """Every account, active or not, ordered by full name."""
    require_admin(actor, "Список пользователей")
    query = User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).order_by(User.full_name, User.login)
    return [_admin_user(u) for u in query]


def create_user(actor: Actor, *, login: str, full_name: str, password: str,
                roles: Iterable[Role | str], unit_id: int | None = None, position: str = "") -> AdminUser:
    """Create an account (the password is checked and hashed by ``users.create_user``)."""
    require_admin(actor, "Создание пользователя")
    role_list = _roles(roles)
    position = _optional(position, "Должность")
    with db.atomic():
        info = users.create_user(login, full_name, password, role_list, unit_id=unit_id,
                                 position=position, actor=_actor_user(actor))
        return _admin_user(User.get_by_id(info.id))


def _other_active_admins(user_id: int) -> int:
    query = User.select(User.id, User.roles).where((User.is_active == True) & (User.id != user_id))  # noqa: E712
    if isinstance(db.obj, PostgresqlDatabase):
        # two administrators demoting each other at once must not leave none
        query = query.for_update()
    return sum(1 for u in query if Role.ADMIN.value in u.role_set)


def update_user(actor: Actor, user_id: int, *, full_name: str, position: str,
                roles: Iterable[Role | str], unit_id: int | None, is_active: bool) -> AdminUser:
    """Change a user's name, position, roles, unit and active flag.

    Refused: deactivating yourself, and leaving the database without an active administrator.
    """
    require_admin(actor, "Изменение пользователя")
    full_name = _clean(full_name, "фамилию, имя и отчество")
    position = _optional(position, "Должность")
    role_list = _roles(roles)
    if Role.EXECUTOR in role_list and unit_id is None:
        raise ValidationError("Исполнителю нужно указать отдел или учреждение")
    if user_id == actor.user_id and not is_active:
        raise ValidationError("Нельзя отключить собственную учётную запись")
    with db.atomic():
        user = User.get_or_none(User.id == user_id)
        if user is None:
            raise NotFound(f"Пользователь с номером {user_id} не найден")
        _check_unit(unit_id)
        new_roles = ",".join(sorted({r.value for r in role_list}))
        was_admin = user.is_active and Role.ADMIN.value in user.role_set
        stays_admin = is_active and Role.ADMIN in role_list
        if was_admin and not stays_admin and _other_active_admins(user_id) == 0:
            if not is_active:
                raise ValidationError(f"{user.full_name} — последний администратор: его нельзя отключить")
            raise ValidationError(f"{user.full_name} — последний администратор: роль администратора снять нельзя")
        before = {"full_name": user.full_name, "position": user.position, "roles": user.roles,
                  "unit": user.unit_id, "active": user.is_active}
        user.full_name = full_name
        user.position = position
        user.roles = new_roles
        user.unit = unit_id
        user.is_active = is_active
        user.save()
        people.sync(user)  # the shared mode: the role's groups; switched off — NOLOGIN, sessions ended
        after = {"full_name": full_name, "position": position, "roles": new_roles,
                 "unit": unit_id, "active": is_active}
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        audit.record("user.update", actor=_actor_user(actor), entity="user", entity_id=user.id,
                     from_state="active" if before["active"] else "inactive",
                     to_state="active" if is_active else "inactive",
                     comment=user.login, payload=changed)
        return _admin_user(User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).where(User.id == user_id).get())


def reset_password(actor: Actor, user_id: int, password: str) -> None:
    """Give a user a new password (and lift a pause after wrong passwords)."""
    require_admin(actor, "Смена пароля")
    with db.atomic():
        user = User.get_or_none(User.id == user_id)
        if user is None:
            raise NotFound(f"Пользователь с номером {user_id} не найден")
        users.set_password(user.login, password, actor=_actor_user(actor))


# --- units --------------------------------------------------------------------------------


def list_units(actor: Actor, *, include_inactive: bool = True) -> list[AdminUnit]:
    """Departments and institutions with the number of their active users."""
    require_admin(actor, "Список отделов")
    counts = dict(
        User.select(User.unit, fn.COUNT(User.id))
        .where((User.unit.is_null(False)) & (User.is_active == True))  # noqa: E712
        .group_by(User.unit).tuples()
    )
    query = Unit.select().order_by(Unit.name)
    if not include_inactive:
        query = query.where(Unit.is_active == True)  # noqa: E712
    return [AdminUnit(u.id, u.name, u.short_name, u.kind, u.is_active, counts.get(u.id, 0)) for u in query]


def _unit(unit_id: int) -> AdminUnit:
    u = Unit.get_by_id(unit_id)
    count = User.select().where((User.unit == unit_id) & (User.is_active == True)).count()  # noqa: E712
    return AdminUnit(u.id, u.name, u.short_name, u.kind, u.is_active, count)


def create_unit(actor: Actor, name: str, kind: UnitKind | str = UnitKind.DEPARTMENT,
                short_name: str = "") -> AdminUnit:
    """Add a department or institution."""
    require_admin(actor, "Создание отдела")
    name = _clean(name, "название отдела или учреждения")
    try:
        kind = UnitKind(kind)
    except ValueError:
        raise ValidationError(f"Неизвестный вид подразделения «{kind}»") from None
    short_name = _optional(short_name, "Краткое название")[:64]
    with db.atomic():
        info = catalog.create_unit(name, kind, short_name)
        audit.record("unit.create", actor=_actor_user(actor), entity="unit", entity_id=info.id,
                     comment=name, payload={"kind": kind.value, "short_name": info.short_name})
        return _unit(info.id)


def rename_unit(actor: Actor, unit_id: int, name: str, short_name: str | None = None) -> AdminUnit:
    """Change the name (and, if given, the short name) of a unit."""
    require_admin(actor, "Переименование отдела")
    name = _clean(name, "название отдела или учреждения")
    with db.atomic():
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise NotFound(f"Отдел с номером {unit_id} не найден")
        if Unit.select().where((Unit.name == name) & (Unit.id != unit_id)).exists():
            raise ValidationError(f"«{name}» уже есть в списке")
        old = unit.name
        unit.name = name
        if short_name is not None:
            unit.short_name = _optional(short_name, "Краткое название")[:64] or name[:64]
        unit.save()
        audit.record("unit.rename", actor=_actor_user(actor), entity="unit", entity_id=unit.id,
                     comment=f"{old} → {name}", payload={"old": old, "new": name, "short_name": unit.short_name})
        return _unit(unit.id)


def set_unit_active(actor: Actor, unit_id: int, active: bool) -> AdminUnit:
    """Switch a unit off (it disappears from routing lists) or back on."""
    require_admin(actor, "Отключение отдела" if not active else "Включение отдела")
    with db.atomic():
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise NotFound(f"Отдел с номером {unit_id} не найден")
        if unit.is_active != active:
            unit.is_active = active
            unit.save()
            audit.record("unit.activate" if active else "unit.deactivate", actor=_actor_user(actor),
                         entity="unit", entity_id=unit.id, comment=unit.name,
                         from_state="inactive" if active else "active",
                         to_state="active" if active else "inactive")
        return _unit(unit.id)


def deactivate_unit(actor: Actor, unit_id: int) -> AdminUnit:
    """Switch a unit off; its history stays."""
    return set_unit_active(actor, unit_id, False)


# --- topics and locations -----------------------------------------------------------------


def list_topic_groups(actor: Actor) -> list[AdminTopicGroup]:
    """Topic groups with the number of their active topics."""
    require_admin(actor, "Список групп тем")
    counts = dict(Topic.select(Topic.group, fn.COUNT(Topic.id))
                  .where(Topic.is_active == True).group_by(Topic.group).tuples())  # noqa: E712
    return [AdminTopicGroup(g.id, g.name, counts.get(g.id, 0)) for g in TopicGroup.select().order_by(TopicGroup.name)]


def _group_info(group_id: int) -> AdminTopicGroup:
    g = TopicGroup.get_by_id(group_id)
    return AdminTopicGroup(g.id, g.name, Topic.select().where((Topic.group == g.id) & (Topic.is_active == True)).count())  # noqa: E712


def create_topic_group(actor: Actor, name: str) -> AdminTopicGroup:
    """Add a topic group."""
    require_admin(actor, "Создание группы тем")
    name = _clean(name, "название группы тем")
    with db.atomic():
        if TopicGroup.select().where(TopicGroup.name == name).exists():
            raise ValidationError(f"Группа тем «{name}» уже есть")
        group = TopicGroup.create(name=name)
        audit.record("topic_group.create", actor=_actor_user(actor), entity="topic_group",
                     entity_id=group.id, comment=name)
        return _group_info(group.id)


def rename_topic_group(actor: Actor, group_id: int, name: str) -> AdminTopicGroup:
    """Rename a topic group."""
    require_admin(actor, "Переименование группы тем")
    name = _clean(name, "название группы тем")
    with db.atomic():
        group = TopicGroup.get_or_none(TopicGroup.id == group_id)
        if group is None:
            raise NotFound(f"Группа тем с номером {group_id} не найдена")
        if TopicGroup.select().where((TopicGroup.name == name) & (TopicGroup.id != group_id)).exists():
            raise ValidationError(f"Группа тем «{name}» уже есть")
        old = group.name
        group.name = name
        group.save()
        audit.record("topic_group.rename", actor=_actor_user(actor), entity="topic_group",
                     entity_id=group.id, comment=f"{old} → {name}", payload={"old": old, "new": name})
        return _group_info(group.id)


def _topic_info(topic_id: int) -> AdminTopic:
    t = Topic.select(Topic, TopicGroup).join(TopicGroup).where(Topic.id == topic_id).get()
    return AdminTopic(t.id, t.group.id, t.group.name, t.name, t.is_active)


def list_topics(actor: Actor, group_id: int | None = None, *, include_inactive: bool = True) -> list[AdminTopic]:
    """Topics, of one group or of all, ordered by group and name."""
    require_admin(actor, "Список тем")
    query = Topic.select(Topic, TopicGroup).join(TopicGroup).order_by(TopicGroup.name, Topic.name)
    if group_id is not None:
        query = query.where(Topic.group == group_id)
    if not include_inactive:
        query = query.where(Topic.is_active == True)  # noqa: E712
    return [AdminTopic(t.id, t.group.id, t.group.name, t.name, t.is_active) for t in query]


def create_topic(actor: Actor, group_id: int, name: str) -> AdminTopic:
    """Add a topic to a group."""
    require_admin(actor, "Создание темы")
    name = _clean(name, "название темы")
    with db.atomic():
        group = TopicGroup.get_or_none(TopicGroup.id == group_id)
        if group is None:
            raise NotFound(f"Группа тем с номером {group_id} не найдена")
        if Topic.select().where((Topic.group == group_id) & (Topic.name == name)).exists():
            raise ValidationError(f"Тема «{name}» уже есть в группе «{group.name}»")
        topic = Topic.create(group=group, name=name)
        audit.record("topic.create", actor=_actor_user(actor), entity="topic", entity_id=topic.id,
                     comment=f"{group.name}: {name}")
        return _topic_info(topic.id)


def rename_topic(actor: Actor, topic_id: int, name: str) -> AdminTopic:
    """Rename a topic within its group."""
    require_admin(actor, "Переименование темы")
    name = _clean(name, "название темы")
    with db.atomic():
        topic = Topic.get_or_none(Topic.id == topic_id)
        if topic is None:
            raise NotFound(f"Тема с номером {topic_id} не найдена")
        if Topic.select().where((Topic.group == topic.group_id) & (Topic.name == name)
                                & (Topic.id != topic_id)).exists():
            raise ValidationError(f"Тема «{name}» уже есть в этой группе")
        old = topic.name
        topic.name = name
        topic.save()
        audit.record("topic.rename", actor=_actor_user(actor), entity="topic", entity_id=topic.id,
                     comment=f"{old} → {name}", payload={"old": old, "new": name})
        return _topic_info(topic.id)


def set_topic_active(actor: Actor, topic_id: int, active: bool) -> AdminTopic:
    """Hide a topic from the curator's lists (or show it again); incidents keep it."""
    require_admin(actor, "Отключение темы" if not active else "Включение темы")
    with db.atomic():
        topic = Topic.get_or_none(Topic.id == topic_id)
        if topic is None:
            raise NotFound(f"Тема с номером {topic_id} не найдена")
        if topic.is_active != active:
            topic.is_active = active
            topic.save()
            audit.record("topic.activate" if active else "topic.deactivate", actor=_actor_user(actor),
                         entity="topic", entity_id=topic.id, comment=topic.name)
        return _topic_info(topic.id)


def list_locations(actor: Actor) -> list[AdminLocation]:
    """Streets, micro-districts and settlements, by name."""
    require_admin(actor, "Список мест")
    return [AdminLocation(loc.id, loc.name, loc.kind) for loc in Location.select().order_by(Location.name)]


def create_location(actor: Actor, name: str, kind: str = "street") -> AdminLocation:
    """Add a street, micro-district or settlement."""
    require_admin(actor, "Добавление места")
    name = _clean(name, "название улицы, микрорайона или населённого пункта")
    if kind not in LOCATION_KIND_LABELS:
        raise ValidationError(f"Неизвестный вид места «{kind}»")
    with db.atomic():
        if Location.select().where(Location.name == name).exists():
            raise ValidationError(f"«{name}» уже есть в списке мест")
        location = Location.create(name=name, kind=kind)
        audit.record("location.create", actor=_actor_user(actor), entity="location",
                     entity_id=location.id, comment=name, payload={"kind": kind})
        return AdminLocation(location.id, location.name, location.kind)


# --- absences (clause 8) ------------------------------------------------------------------


def list_absences(actor: Actor, *, since: date | None = None) -> list[AdminAbsence]:
    """Absences with the names of the absent user and of the deputy, newest first.

    With ``since``, only absences that end on that day or later.
    """
    require_admin(actor, "Список замещений")
    absent = User.alias()
    deputy = User.alias()
    query = (Absence.select(Absence.id, Absence.user, absent.full_name, Absence.deputy, deputy.full_name,
                            Absence.kind, Absence.starts_on, Absence.ends_on, Absence.comment)
             .join(absent, on=(Absence.user == absent.id))
             .switch(Absence).join(deputy, on=(Absence.deputy == deputy.id))
             .order_by(Absence.starts_on.desc(), Absence.id.desc()))
    if since is not None:
        query = query.where(Absence.ends_on >= since)
    return [AdminAbsence(*row) for row in query.tuples()]


def add_absence(actor: Actor, *, user_id: int, deputy_id: int, kind: AbsenceKind | str,
                starts_on: date, ends_on: date, comment: str = "") -> AdminAbsence:
    """Record an absence and its deputy (the checks are those of ``absences.add_absence``)."""
    require_admin(actor, "Назначение замещения")
    try:
        kind = AbsenceKind(kind)
    except ValueError:
        raise ValidationError(f"Неизвестная причина отсутствия «{kind}»") from None
    with db.atomic():
        info = absences.add_absence(actor, user_id=user_id, deputy_id=deputy_id, kind=kind,
                                    starts_on=starts_on, ends_on=ends_on, comment=comment)
        return next(a for a in list_absences(actor) if a.id == info.id)


def delete_absence(actor: Actor, absence_id: int) -> None:
    """Delete an absence (entered by mistake or cancelled)."""
    require_admin(actor, "Удаление замещения")
    with db.atomic():
        absence = Absence.get_or_none(Absence.id == absence_id)
        if absence is None:
            raise NotFound("Замещение не найдено: возможно, его уже удалили")
        user_name = User.get_by_id(absence.user_id).full_name
        deputy_name = User.get_by_id(absence.deputy_id).full_name
        payload = {"user": absence.user_id, "deputy": absence.deputy_id, "kind": absence.kind,
                   "from": absence.starts_on.isoformat(), "to": absence.ends_on.isoformat()}
        absence.delete_instance()
        audit.record("absence.delete", actor=_actor_user(actor), entity="absence", entity_id=absence_id,
                     comment=f"{user_name} → {deputy_name}", payload=payload)


# --- calendar, schedule, limits, time zone ------------------------------------------------


def list_calendar_years(actor: Actor) -> list[CalendarYearInfo]:
    """Production-calendar years stored in the database (imported, edited or confirmed)."""
    require_admin(actor, "Список лет календаря")
    return [CalendarYearInfo(y.year, y.source, y.needs_confirmation, y.updated_at)
            for y in CalendarYear.select().order_by(CalendarYear.year)]


def set_calendar_day(actor: Actor, day: date, kind: CalendarDayKind | str, comment: str = "") -> YearCalendar:
    """Make one day working, shortened or non-working (``calendar_store.set_day``)."""
    require_admin(actor, "Изменение производственного календаря")
    with db.atomic():
        return calendar_store.set_day(day, kind, _actor_user(actor), comment)


def confirm_calendar_year(actor: Actor, year: int) -> YearCalendar:
    """Mark a derived or unchecked year as checked (``calendar_store.confirm_year``)."""
    require_admin(actor, "Подтверждение производственного календаря")
    with db.atomic():
        return calendar_store.confirm_year(year, _actor_user(actor))


def import_calendar_csv(actor: Actor, data: bytes) -> list[int]:
    """Import the official CSV (all years or none); returns the years imported.

    Safe to call from a worker thread: a connection opened here for this thread is closed again.
    """
    opened_here = db.is_closed()
    try:
        require_admin(actor, "Импорт производственного календаря")
        with db.atomic():
            return calendar_store.import_official_csv(data, _actor_user(actor))
    finally:
        if opened_here and not db.is_closed():
            db.close()


def set_work_schedule(actor: Actor, periods: Mapping[int, Sequence[tuple[time, time]]]) -> WorkSchedule:
    """Replace the weekly schedule, 0 = Monday (``calendar_store.set_schedule``)."""
    require_admin(actor, "Изменение графика работы")
    with db.atomic():
        return calendar_store.set_schedule(periods, _actor_user(actor))


def save_limits(actor: Actor, **changes: int) -> settings.Limits:
    """Change the regulation's limits (``settings.set_limits``)."""
    require_admin(actor, "Изменение сроков регламента")
    with db.atomic():
        return settings.set_limits(_actor_user(actor), **changes)


def set_timezone(actor: Actor, name: str) -> None:
    """Change the administration's time zone (``settings.set_timezone``)."""
    require_admin(actor, "Изменение часового пояса")
    with db.atomic():
        settings.set_timezone(name, _actor_user(actor))


# --- connection check ---------------------------------------------------------------------


def check_connection(url: str) -> str:
    """Connect to the database named by ``url`` and read its schema version; Russian result.

    The application's model proxy is not touched: a separate connection is opened, read with
    plain SQL and closed, so this may run in a worker thread while the program works on its
    own database. Nothing is written, and a missing SQLite file is not created. Failures raise
    ``DatabaseUnavailable`` with a Russian message.
    """
    # the helpers of app.services.database give the same messages as the program's start-up
    from app.services.database import check_sqlite_file, connection_message, make_database, parse_url, refused_role

    target = parse_url(url)
    if target.backend == "sqlite":
        assert target.path is not None
        if not target.path.exists():
            check_sqlite_file(target.path, create=True)
            return (f"Файла базы данных «{target.path}» пока нет: папка доступна, "
                    "файл будет создан при следующем запуске программы")
        check_sqlite_file(target.path, create=False)
        # no pragmas and no writes: the file is only read; as the last connection to close it,
        # SQLite tidies its -wal/-shm files away (a read-only one would leave them behind)
        database = SqliteDatabase(str(target.path), timeout=5)
    else:
        database = make_database(target)
    try:
        database.connect()
    except Exception as exc:  # psycopg2 and sqlite3 raise their own errors
        if target.backend == "postgresql" and not target.user and refused_role(exc):
            # the shared mode: the server answers and asks who signs in — each person will, at start-up
            return (f"Сервер PostgreSQL {target.host}:{target.port} отвечает. Каждый пользователь войдёт в базу "
                    f"«{target.name}» под своей учётной записью: логин и пароль программа спросит при запуске")
        raise DatabaseUnavailable(connection_message(target, exc)) from None
    try:
        tables = set(database.get_tables())
        table = SchemaInfo._meta.table_name
        if table not in tables:
            if tables - {"sqlite_sequence"}:
                raise DatabaseUnavailable(
                    f"База данных {target.display()} содержит чужие таблицы: это не база программы «Инциденты»")
            return "Соединение установлено: база данных пуста, таблицы будут созданы при запуске программы"
        row = database.execute_sql(f'SELECT version FROM "{table}" ORDER BY id DESC LIMIT 1').fetchone()
        version = int(row[0]) if row else 0
    except DatabaseUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken file or a server error, said in Russian
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "not a database" in text:
            raise DatabaseUnavailable(f"Файл «{target.path}» не является базой данных SQLite") from None
        raise DatabaseUnavailable(f"Соединение установлено, но прочитать базу данных не удалось: {text}") from None
    finally:
        database.close()
    if version > SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"База данных создана более новой версией программы (схема {version}, эта программа "
            f"знает схему до {SCHEMA_VERSION}): обновите программу")
    if version < SCHEMA_VERSION:
        return (f"Соединение установлено: схема {version}, при запуске программа обновит её "
                f"до версии {SCHEMA_VERSION}")
    return f"Соединение установлено: схема {version}"
