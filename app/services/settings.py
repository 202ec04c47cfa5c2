"""Settings shared by every PC on the database: time zone, the regulation's limits and the
curator's policy on what the answer checks let through to approval.

Each value is JSON in the ``setting`` table; a missing key means the regulation's default.
Every change is an audit event, because the limits and the zone are inputs of every clock.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.models import Setting, User, db
from app.models.enums import Role
from app.services import audit, prepared
from app.services.errors import PermissionDenied, ValidationError
from app.services.permissions import Actor

TIMEZONE_KEY = "timezone"
LIMITS_KEY = "limits"
ANSWER_POLICY_KEY = "answer_policy"
DEFAULT_TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True)
class Limits:
    """The regulation's limits, in working minutes (``final_answer_days`` in working days)."""

    routing: int = 30               # clause 10
    competence_notice: int = 30     # clause 11, executor
    rerouting: int = 30             # clause 11, curator
    clarification: int = 60         # clause 13
    draft_before_deadline: int = 180  # clause 12: send no later than deadline − 3 h
    approval: int = 30              # clause 14
    revision: int = 60              # clause 15
    publication: int = 30           # clause 16
    answer: int = 480               # clause 9
    answer_high: int = 240          # clause 17
    contribution: int = 120         # clause 19
    final_answer_days: int = 7      # clause 18


LIMIT_LABELS = {
    "routing": "Направление инцидента исполнителю (п. 10), мин",
    "competence_notice": "Сообщение о некомпетентности (п. 11), мин",
    "rerouting": "Перенаправление после такого сообщения (п. 11), мин",
    "clarification": "Запрос (уточнение) автору — направить куратору (п. 13), мин",
    "draft_before_deadline": "Проект ответа — не позднее чем за … до срока (п. 12), мин",
    "approval": "Согласование ответа или запроса куратором (п. 14), мин",
    "revision": "Доработка ответа или запроса и повторное направление (п. 15), мин",
    "publication": "Размещение согласованного ответа или запроса (п. 16), мин",
    "answer": "Подготовка и размещение ответа (п. 9), мин",
    "answer_high": "То же для инцидента повышенной важности (п. 17), мин",
    "contribution": "Информация для сводного ответа (п. 19), мин",
    "final_answer_days": "Окончательный ответ после промежуточного (п. 18), рабочих дней",
}


class _Snapshot(threading.local):
    """The shared settings as read once for the current action (per thread)."""

    depth = 0
    database: object = None
    values: dict[str, str] | None = None


_snapshot = _Snapshot()


@contextmanager
def snapshot() -> Iterator[None]:
    """Read the shared settings at most once inside the block (one user action).

    Another PC may change the settings at any moment, so nothing is kept after the block; a
    change made through these services inside the block (``_store``, the calendar's revision)
    drops the snapshot at once. Blocks nest: the outermost one decides when it ends.
    """
    _snapshot.depth += 1
    try:
        yield
    finally:
        _snapshot.depth -= 1
        if _snapshot.depth == 0:
            _snapshot.values = None
            _snapshot.database = None


def forget_snapshot() -> None:
    """Drop the settings read in the current block: they have just been changed."""
    _snapshot.values = None
    _snapshot.database = None


def raw_values(*keys: str) -> dict[str, str]:
    """The stored JSON texts of ``keys`` (missing keys are left out), in one query.

    Inside ``snapshot()`` every setting is read once and kept until the block ends.
    """
    if _snapshot.depth:
        database = db.obj
        if _snapshot.values is None or _snapshot.database is not database:
            _snapshot.values = dict(prepared.rows("settings.all", lambda: Setting.select(Setting.key, Setting.value)
                                                  .tuples()))
            _snapshot.database = database
        values = _snapshot.values
        return {k: values[k] for k in keys if k in values}
    if len(keys) == 1:
        row = Setting.select(Setting.value).where(Setting.key == keys[0]).tuples().first()
        return {keys[0]: row[0]} if row else {}
    return dict(Setting.select(Setting.key, Setting.value).where(Setting.key.in_(list(keys))).tuples())


def _raw(key: str) -> Any:
    text = raw_values(key).get(key)
    return json.loads(text) if text is not None else None


def _store(key: str, value: Any, actor: User | int | None, comment: str = "", *, moves_clocks: bool = True) -> None:
    forget_snapshot()
    with db.atomic():
        old = _raw(key)
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        Setting.insert(key=key, value=text).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: text}
        ).execute()
        forget_snapshot()
        audit.record("settings.change", actor=actor, entity="setting", comment=comment or key,
                     payload={"key": key, "old": old, "new": value})
        if not moves_clocks:
            return
        from app.services import due_index  # the limits and the zone move every open clock

        due_index.refresh_open()


def timezone_name() -> str:
    return _raw(TIMEZONE_KEY) or DEFAULT_TIMEZONE


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # the system's own aliases, not zones: «localtime» is whatever this PC is set to
    return frozenset(available_timezones()) - {"localtime", "posixrules", "Factory", "posix", "right"}


def set_timezone(name: str, actor: User | None) -> None:
    """Set the administration's zone: an IANA name such as Europe/Moscow.

    «localtime» and similar aliases of one PC's own clock are refused: every PC on a shared
    database must compute the same deadlines.
    """
    if not isinstance(name, str) or name not in _known_zones():
        raise ValidationError(f"Неизвестный часовой пояс «{name}» (пример: Europe/Moscow)")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Неизвестный часовой пояс «{name}» (пример: Europe/Moscow)") from None
    _store(TIMEZONE_KEY, name, actor, "Часовой пояс администрации")


def limits() -> Limits:
    stored = _raw(LIMITS_KEY) or {}
    known = {f.name for f in fields(Limits)}
    return Limits(**{k: int(v) for k, v in stored.items() if k in known})


def set_limits(actor: User | None, **changes: int) -> Limits:
    current = asdict(limits())
    for key, value in changes.items():
        if key not in current:
            raise ValidationError(f"Неизвестный срок «{key}»")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValidationError(f"{LIMIT_LABELS[key]}: нужно целое положительное число")
    current.update(changes)
    _store(LIMITS_KEY, current, actor, "Сроки регламента")
    return Limits(**current)


# --- what the answer checks let through (the curator's policy) -----------------------------

#: a finding the network cannot take: the text is not sent for approval
BLOCKING = "blocking"
#: a finding the curator is likely to return the text for: sent only after the user confirms
CONFIRM = "confirm"
#: a hint shown in the editor (spelling, punctuation, bureaucratese): the decision is the writer's
HINT = "hint"

#: how much each kind of finding of ``answer_checks`` weighs when a text is sent for approval
FINDING_SEVERITY: dict[str, str] = {
    "empty": BLOCKING,        # nothing to post
    "length": BLOCKING,       # the network refuses a longer comment (unless the policy allows it)
    "off_topic": CONFIRM,     # clause 14: «несоответствие сути вопроса» (an answer; a request asks, it need not match)
    "citations": CONFIRM,     # clause 20: more than two legal acts cited
    "spelling": HINT,
    "punctuation": HINT,
    "bureaucratese": HINT,
}

ANSWER_POLICY_TITLE = "Проверка ответов перед согласованием"
ANSWER_POLICY_LABELS = {
    "allow_over_length": "Разрешать направлять на согласование текст длиннее лимита соцсети",
}


@dataclass(frozen=True)
class AnswerPolicy:
    """The curator's decision on what the answer checks let through to approval (clauses 14, 20)."""

    #: a text over the network's length limit may be sent (after a confirmation) instead of refused
    allow_over_length: bool = False

    def severity(self, kind: str, *, request: bool = False) -> str:
        """``BLOCKING``, ``CONFIRM`` or ``HINT`` for a finding of this kind in an answer (or, with
        ``request``, in a clarification request to the author); unknown kinds are hints."""
        if kind == "length" and self.allow_over_length:
            return CONFIRM
        if kind == "off_topic" and request:
            return HINT  # a question to the author need not repeat the words of the message
        return FINDING_SEVERITY.get(kind, HINT)


def answer_policy() -> AnswerPolicy:
    stored = _raw(ANSWER_POLICY_KEY) or {}
    known = {f.name for f in fields(AnswerPolicy)}
    return AnswerPolicy(**{k: bool(v) for k, v in stored.items() if k in known})


def set_answer_policy(actor: Actor, allow_over_length: bool) -> AnswerPolicy:
    """The curator (or the administrator) decides whether an over-length text may go to approval.

    One transaction: the setting and its audit event, like every other shared setting.
    """
    if not (actor.has(Role.CURATOR) or actor.has(Role.ADMIN)):
        raise PermissionDenied(f"{ANSWER_POLICY_TITLE}: это может изменить только куратор или администратор")
    if not isinstance(allow_over_length, bool):
        raise ValidationError(f"{ANSWER_POLICY_LABELS['allow_over_length']}: ожидается «да» или «нет»")
    policy = AnswerPolicy(allow_over_length=allow_over_length)
    with db.atomic():
        _store(ANSWER_POLICY_KEY, asdict(policy), actor.user_id, ANSWER_POLICY_TITLE, moves_clocks=False)
    return policy


# --- Appendix 1: the administration's details and the pages' shared settings -----------------

ORGANISATION_KEY = "organisation"
PAGES_KEY = "pages"
#: clause 12: what the application to the ESIA operator says about the administration and its head
ORGANISATION_LABELS = {
    "full_name": "Полное наименование администрации",
    "address": "Место нахождения и почтовый адрес",
    "phone": "Телефон администрации",
    "email": "Электронная почта администрации",
    "head_name": "Руководитель (глава поселения), ФИО",
    "head_phone": "Телефон руководителя",
    "head_email": "Электронная почта руководителя",
}
DEFAULT_ORGANISATION_NAME = "Администрация Кореновского городского поселения Кореновского района"


@dataclass(frozen=True)
class Organisation:
    """The administration's details as the settings keep them (Appendix 1, clauses 12–13)."""

    full_name: str = DEFAULT_ORGANISATION_NAME
    address: str = ""
    phone: str = ""
    email: str = ""
    head_name: str = ""
    head_phone: str = ""
    head_email: str = ""

    def missing(self) -> list[str]:
        """The labels of the details clause 12 needs that are empty."""
        return [ORGANISATION_LABELS[f.name] for f in fields(self) if not str(getattr(self, f.name)).strip()]


def organisation() -> Organisation:
    stored = _raw(ORGANISATION_KEY) or {}
    known = {f.name for f in fields(Organisation)}
    return Organisation(**{k: str(v) for k, v in stored.items() if k in known})


def store_organisation(details: Organisation, actor: Actor) -> None:
    """Save the details (the caller checks rights and the clause-13 consequences of a new name)."""
    _store(ORGANISATION_KEY, asdict(details), actor.user_id, "Сведения об администрации", moves_clocks=False)


@dataclass(frozen=True)
class PageSettings:
    """Settings of the official pages module."""

    #: clause 9: the one approved description of every page
    approved_description: str = ""
    #: clause 6: an 8-FZ item not checked for longer than this many days is flagged
    law_check_days: int = 90


def page_settings() -> PageSettings:
    stored = _raw(PAGES_KEY) or {}
    defaults = PageSettings()
    return PageSettings(approved_description=str(stored.get("approved_description", defaults.approved_description)),
                        law_check_days=int(stored.get("law_check_days", defaults.law_check_days)))


def store_page_settings(value: PageSettings, actor: Actor, comment: str) -> None:
    _store(PAGES_KEY, asdict(value), actor.user_id, comment, moves_clocks=False)
