"""User accounts: creation, passwords (Argon2), sign-in with a pause after wrong passwords."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from peewee import JOIN, SqliteDatabase
from argon2.exceptions import InvalidHashError, VerificationError

from app.models import Unit, User, UserPassword, db
from app.models.enums import ROLE_LABELS, Role
from app.services import audit, clock, validation
from app.services.errors import AuthenticationError, NotFound, ValidationError
from app.services.server import people

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5
LOCK_PAUSE = timedelta(minutes=1)
LOGIN_RE = re.compile(r"^[A-Za-z0-9._-]{2,64}$")


@dataclass(frozen=True)
class UserInfo:
    """What screens and commands show about a user."""

    id: int
    login: str
    full_name: str
    roles: frozenset[str]
    unit_id: int | None
    unit_name: str
    is_active: bool

    @property
    def roles_display(self) -> str:
        return ", ".join(ROLE_LABELS[Role(r)] for r in sorted(self.roles))

    def has(self, role: Role) -> bool:
        return role.value in self.roles


def _info(user: User) -> UserInfo:
    unit = user.unit if user.unit_id else None
    return UserInfo(user.id, user.login, user.full_name, user.role_set, user.unit_id,
                    unit.name if unit else "", user.is_active)


def has_users() -> bool:
    return User.select().exists()


def _check_password(password: str) -> None:
    validation.characters(password, "Пароль")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD_LENGTH} символов")


def parse_roles(text: str | list[str] | tuple[str, ...]) -> list[Role]:
    items = text.split(",") if isinstance(text, str) else list(text)
    roles = []
    known = {r.value: r for r in Role} | {label.lower(): r for r, label in ROLE_LABELS.items()}
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if item not in known:
            raise ValidationError(
                f"Неизвестная роль «{item}»: допустимы {', '.join(r.value for r in Role)}"
            )
        roles.append(known[item])
    if not roles:
        raise ValidationError("Не указана ни одна роль")
    return roles


def create_user(
    login: str,
    full_name: str,
    password: str,
    roles: list[Role],
    *,
    unit_id: int | None = None,
    position: str = "",
    actor: User | None = None,
) -> UserInfo:
    login = validation.text(login, "Логин", limit=64, required=False)
    if not LOGIN_RE.match(login):
        raise ValidationError("Логин: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний")
    if not isinstance(full_name, str) or not full_name.strip():
        raise ValidationError("Укажите фамилию, имя и отчество")
    full_name = validation.text(full_name, "ФИО", limit=validation.MAX_LINE)
    position = validation.text(position, "Должность", limit=validation.MAX_LINE, required=False)
    _check_password(password)
    if Role.EXECUTOR in roles and unit_id is None:
        raise ValidationError("Исполнителю нужно указать отдел или учреждение")
    with db.atomic():
        if User.select().where(User.login == login).exists():
            raise ValidationError(f"Пользователь «{login}» уже есть")
        if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
            raise NotFound(f"Отдел с номером {unit_id} не найден")
        user = User.create(
            login=login,
            full_name=full_name,
            position=position,
            roles=",".join(sorted({r.value for r in roles})),
            unit=unit_id,
        )
        UserPassword.create(user=user, password_hash=_hasher.hash(password))
        people.sync(user, password=password)  # the shared mode: the person's own server role
        audit.record("user.create", actor=actor or user, entity="user", entity_id=user.id,
                     payload={"login": login, "roles": user.roles})
    log.info("Создан пользователь %s", login)
    return _info(user)


def list_users() -> list[UserInfo]:
    query = User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).order_by(User.login)
    return [_info(u) for u in query]


def set_password(login: str, password: str, *, actor: User | None = None) -> None:
    _check_password(password)
    with db.atomic():
        user = User.get_or_none(User.login == login)
        if user is None:
            raise NotFound(f"Пользователь «{login}» не найден")
        # only the password and the counters: a change of the same user made meanwhile stays
        _store_hash(user.id, _hasher.hash(password))
        if not people.person_session():  # the shared server counts nobody's attempts in this table
            User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        people.sync(user, password=password)
        audit.record("user.password", actor=actor or user, entity="user", entity_id=user.id)
    log.info("Пароль пользователя %s изменён", login)


def _store_hash(user_id: int, password_hash: str) -> None:
    if not UserPassword.update(password_hash=password_hash).where(UserPassword.user == user_id).execute():
        UserPassword.insert(user=user_id, password_hash=password_hash).execute()


_dummy_hashes: dict[int, str] = {}


def _spend_like_a_check(password: str) -> None:
    """Verify ``password`` against a hash of nothing, with the hasher's own cost: a login that does
    not exist (or is switched off) takes as long to refuse as a wrong password, so the time of the
    answer does not tell which logins exist."""
    dummy = _dummy_hashes.get(id(_hasher))
    if dummy is None:
        dummy = _dummy_hashes[id(_hasher)] = _hasher.hash("нет такого пользователя")
    try:
        _hasher.verify(dummy, password)
    except (VerificationError, InvalidHashError):
        pass


def _reserve_attempt(user_id: int) -> tuple[int, datetime | None]:
    """Count this sign-in attempt before the password is checked; returns (attempts, paused until).

    One short transaction that touches only the counters: whichever process asks, the count is
    shared (the row is locked for the update), and an administrator's change of the same user made
    meanwhile (switched off, a new password) is never overwritten. When the attempts are used up
    the account pauses; an attempt during the pause is refused without checking the password.
    """
    now = clock.now()
    if _read_only():
        return 0, None  # a read-only copy: nothing can be changed in it, and nothing can be counted
    with db.atomic():
        reserved = (User.update(failed_logins=User.failed_logins + 1)
                    .where((User.id == user_id) & (User.locked_until.is_null() | (User.locked_until <= now)))
                    .execute())
        row = User.select(User.failed_logins, User.locked_until).where(User.id == user_id).tuples().first()
        if row is None:
            return 0, None
        attempts, until = row
        if not reserved:
            return attempts, until
        if attempts > MAX_FAILED_LOGINS:  # more attempts in flight than allowed: pause now
            until = _pause(user_id, now)
        return attempts, until


def _pause(user_id: int, now: datetime) -> datetime:
    """Pause the account (once, whichever process gets here first); returns until when."""
    until = now + LOCK_PAUSE
    paused = (User.update(locked_until=until, failed_logins=0)
              .where((User.id == user_id) & (User.locked_until.is_null() | (User.locked_until <= now)))
              .execute())
    if paused:
        audit.record("user.locked", actor=user_id, entity="user", entity_id=user_id)
        log.warning("Вход пользователя № %s приостановлен после неверных паролей", user_id)
        return until
    return User.select(User.locked_until).where(User.id == user_id).scalar() or until


def _read_only() -> bool:
    """The open database is a read-only SQLite copy (``db info``, ``audit verify``, ``report`` on it)."""
    database = db.obj
    return isinstance(database, SqliteDatabase) and "mode=ro" in str(database.database) or \
        "immutable=1" in str(getattr(database, "database", ""))


def _paused_message(until: datetime) -> str:
    seconds = max(1, int((until - clock.now()).total_seconds()) + 1)
    return f"Слишком много неверных попыток. Повторите через {seconds} с"


def authenticate(login: str, password: str) -> UserInfo:
    """Check the password; after several wrong ones the account pauses for a minute.

    The attempts are counted in the database before each check (``_reserve_attempt``), so the
    pause holds for every process and PC that asks, and at most :data:`MAX_FAILED_LOGINS` passwords
    are tried per pause. Only the counters are written: a concurrent administrator's change of the
    user stays. An unknown or switched-off login is refused after the same work as a wrong password.
    """
    try:
        validation.characters(login, "Логин")
        validation.characters(password, "Пароль")
    except ValidationError:  # no such login or password can exist (PostgreSQL would not even look)
        log.warning("Неудачный вход: недопустимые символы в логине или пароле")
        _spend_like_a_check("")
        raise AuthenticationError("Неверный логин или пароль") from None
    found = (User.select(User.id, UserPassword.password_hash, User.is_active)
             .join(UserPassword, on=(UserPassword.user == User.id))
             .where(User.login == login.strip()).tuples().first())
    if found is None or not found[2]:
        log.warning("Неудачный вход: неизвестный или отключённый логин %r", login)
        _spend_like_a_check(password)
        raise AuthenticationError("Неверный логин или пароль")
    user_id, stored_hash, _active = found
    attempts, until = _reserve_attempt(user_id)
    if until is not None and until > clock.now():
        _spend_like_a_check(password)
        raise AuthenticationError(_paused_message(until))
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        log.warning("Неудачный вход пользователя %s", login)
        if attempts >= MAX_FAILED_LOGINS:
            with db.atomic():
                _pause(user_id, clock.now())
        raise AuthenticationError("Неверный логин или пароль") from None
    if _read_only():
        user = User.get_or_none((User.id == user_id) & User.is_active)
        if user is None:
            raise AuthenticationError("Неверный логин или пароль")
        return _info(user)
    with db.atomic():
        # the attempt succeeded: forget the count; a switched-off account (meanwhile) is refused
        User.update(failed_logins=0, locked_until=None).where(User.id == user_id).execute()
        user = User.get_or_none((User.id == user_id) & User.is_active)
        current = UserPassword.select(UserPassword.password_hash).where(UserPassword.user == user_id).scalar()
        if user is None or current != stored_hash:
            raise AuthenticationError("Неверный логин или пароль")
        if _hasher.check_needs_rehash(stored_hash):
            (UserPassword.update(password_hash=_hasher.hash(password))
             .where((UserPassword.user == user_id) & (UserPassword.password_hash == stored_hash)).execute())
    return _info(user)


def get_user(user_id: int) -> UserInfo:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"Пользователь с номером {user_id} не найден")
    return _info(user)
