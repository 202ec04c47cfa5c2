"""Who may do what: the acting user, their roles, and whom they stand in for (clause 8)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from app.models import Absence, User
from app.models.enums import Role
from app.services import prepared
from app.services.errors import NotFound, PermissionDenied

READ_ALL_ROLES = frozenset({Role.CURATOR, Role.HEAD, Role.RESPONSIBLE, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the services see them for one action."""

    user_id: int
    full_name: str
    roles: frozenset[str]
    unit_id: int | None
    #: (absent user id, their unit id) for everyone this user stands in for today
    standing_in_for: tuple[tuple[int, int | None], ...] = ()
    #: read from the database for the action under way (``current``): its checks need not read it again
    checked: bool = field(default=False, compare=False, repr=False)

    def has(self, role: Role) -> bool:
        return role.value in self.roles

    @property
    def is_curator(self) -> bool:
        return self.has(Role.CURATOR)

    @property
    def reads_everything(self) -> bool:
        return any(self.has(r) for r in READ_ALL_ROLES)

    @property
    def unit_ids(self) -> frozenset[int]:
        """Units whose incidents this user works on: their own and their absent colleagues'."""
        if not self.has(Role.EXECUTOR):
            return frozenset()
        ids = {self.unit_id} if self.unit_id is not None else set()
        ids |= {unit for _, unit in self.standing_in_for if unit is not None}
        return frozenset(ids)

    def acting_for(self, unit_id: int) -> int | None:
        """The absent user in whose place this user acts on ``unit_id``'s work (None: own unit)."""
        if unit_id == self.unit_id:
            return None
        for user_id, unit in self.standing_in_for:
            if unit == unit_id:
                return user_id
        return None


def _administration_today() -> date:
    """Today in the administration's time zone — the day the server's row rules count absences by too
    (``inc_my_units``), whatever the zone of this PC."""
    from zoneinfo import ZoneInfo

    from app.services import clock, settings

    return clock.now().astimezone(ZoneInfo(settings.timezone_name())).date()


def actor_for(user_id: int, today: date | None = None) -> Actor:
    """Load the actor with today's deputy duties (absences where they are the deputy)."""
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.is_active:
        raise NotFound("Пользователь не найден или отключён")
    today = today or _administration_today()
    absent = (
        Absence.select(Absence.user, User.unit)
        .join(User, on=(Absence.user == User.id))
        .where((Absence.deputy == user_id) & (Absence.starts_on <= today) & (Absence.ends_on >= today))
        .tuples()
    )
    return Actor(user.id, user.full_name, user.role_set, user.unit_id, tuple(absent))


DEACTIVATED = ("Ваша учётная запись отключена администратором: действие не выполнено. "
               "Обратитесь к администратору")


def current(actor: Actor) -> Actor:
    """The actor with the roles and unit the administrator gave them by now — checked at every action,
    so a user switched off or demoted meanwhile loses the right at once, not when the program restarts
    (the deputy duties stay those of the day the actor was loaded for). The actor returned is marked
    as checked, so the rights checks inside one action read the account once."""
    if actor.checked:
        return actor
    row = prepared.first("permissions.current", lambda user_id: User.select(User.roles, User.unit, User.is_active)
                         .where(User.id == user_id).tuples().limit(1), actor.user_id)
    if row is None or not row[2]:
        raise PermissionDenied(DEACTIVATED)
    roles = frozenset(r for r in (row[0] or "").split(",") if r)
    return replace(actor, roles=roles, unit_id=row[1], checked=True)


def require_curator(actor: Actor, what: str) -> None:
    actor = current(actor)
    if not actor.is_curator:
        raise PermissionDenied(f"{what}: это может сделать только куратор")


def require_admin(actor: Actor, what: str) -> None:
    actor = current(actor)
    if not actor.has(Role.ADMIN):
        raise PermissionDenied(f"{what}: это может сделать только администратор")


def require_executor_of(actor: Actor, unit_id: int, what: str) -> int | None:
    """Check that the actor executes for the unit; returns whom they act for (or None)."""
    actor = current(actor)
    if not actor.has(Role.EXECUTOR) or unit_id not in actor.unit_ids:
        raise PermissionDenied(f"{what}: инцидент направлен не в ваш отдел")
    return actor.acting_for(unit_id)


def require_reads_everything(actor: Actor, what: str) -> None:
    """Reports and exports over every unit: curator, head, responsible official, administrator."""
    actor = current(actor)
    if not actor.reads_everything:
        raise PermissionDenied(f"{what}: доступно куратору, главе, ответственному должностному лицу "
                               "и администратору")
