"""User accounts: creation, passwords (Argon2), sign-in with a pause after wrong passwords."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from peewee import JOIN
from argon2.exceptions import InvalidHashError, VerificationError

from app.models import Unit, User, db
from app.models.enums import ROLE_LABELS, Role
from app.services import audit, clock, validation
from app.services.errors import AuthenticationError, NotFound, ValidationError

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
            password_hash=_hasher.hash(password),
            roles=",".join(sorted({r.value for r in roles})),
            unit=unit_id,
        )
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
        user.password_hash = _hasher.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        audit.record("user.password", actor=actor or user, entity="user", entity_id=user.id)
    log.info("Пароль пользователя %s изменён", login)


def authenticate(login: str, password: str) -> UserInfo:
    """Check the password; after several wrong ones the account pauses for a minute.

    The failure count is committed before the error is raised, so that it survives it.
    """
    failure: AuthenticationError | None = None
    try:
        validation.characters(login, "Логин")
        validation.characters(password, "Пароль")
    except ValidationError:  # no such login or password can exist (PostgreSQL would not even look)
        log.warning("Неудачный вход: недопустимые символы в логине или пароле")
        raise AuthenticationError("Неверный логин или пароль") from None
    with db.atomic():
        user = User.get_or_none(User.login == login.strip())
        if user is None or not user.is_active:
            log.warning("Неудачный вход: неизвестный или отключённый логин %r", login)
            raise AuthenticationError("Неверный логин или пароль")
        now = clock.now()
        if user.locked_until and user.locked_until > now:
            seconds = int((user.locked_until - now).total_seconds()) + 1
            raise AuthenticationError(f"Слишком много неверных попыток. Повторите через {seconds} с")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCK_PAUSE
                user.failed_logins = 0
                audit.record("user.locked", actor=user, entity="user", entity_id=user.id)
                log.warning("Вход пользователя %s приостановлен после неверных паролей", user.login)
            user.save()
            log.warning("Неудачный вход пользователя %s", user.login)
            failure = AuthenticationError("Неверный логин или пароль")
        else:
            if user.failed_logins or user.locked_until:
                user.failed_logins = 0
                user.locked_until = None
                user.save()
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
                user.save()
    if failure is not None:
        raise failure
    return _info(user)


def get_user(user_id: int) -> UserInfo:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"Пользователь с номером {user_id} не найден")
    return _info(user)
