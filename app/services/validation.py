"""Checks of every text, link and moment a service accepts, the same on SQLite and PostgreSQL.

SQLite stores almost anything; PostgreSQL refuses a NUL character, a text longer than its column
and a string that is not valid UTF-8, each with a raw driver error. So every value is checked
here first and refused with one Russian line that names the field, whichever database is open.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

from app.services.errors import ValidationError

MAX_TEXT = 100_000    # an answer, a message, a request
MAX_COMMENT = 4_000   # a comment, a reason, a decision's remark
MAX_LINE = 255        # a name, an author
MAX_LINK = 1_024      # the link columns
#: no social network (and no incident) is older than this; a moment before it is a typing error
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
#: a moment «now» on a PC whose clock runs a little ahead is still accepted
CLOCK_SKEW = timedelta(minutes=5)


def _characters(value: str, what: str) -> None:
    if "\x00" in value:
        raise ValidationError(f"{what}: текст содержит недопустимый символ с кодом 0 — удалите его")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{what}: текст содержит повреждённые символы (непарные суррогаты) — "
                              "вставьте его заново из источника") from None


def characters(value: str, what: str) -> str:
    """``value`` as it is (not stripped: a password), refused if it has a character no database keeps."""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: ожидается текст")
    _characters(value, what)
    return value


def day(value: date, what: str) -> date:
    """A calendar date no earlier than :data:`EARLIEST` (a year 1 or 1900 is a typing error)."""
    if not isinstance(value, date):
        raise ValidationError(f"{what}: ожидается дата")
    if isinstance(value, datetime):
        value = value.date()
    if value < EARLIEST.date():
        raise ValidationError(f"{what}: дата {_day_text(value)} слишком ранняя — проверьте год")
    return value


def _day_text(value: date) -> str:
    """«01.01.0001»: strftime writes the year 1 as «1»."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def text(value: str | None, what: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    """A stripped text of at most ``limit`` characters; empty only when not ``required``."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{what}: ожидается текст")
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(f"{what}: текст пустой")
        return ""
    _characters(value, what)
    if len(value) > limit:
        raise ValidationError(f"{what}: текст длиннее {limit:,} символов ({len(value):,})".replace(",", " "))
    return value


def link(value: str | None, what: str, *, required: bool = True) -> str:
    """An http(s) link of at most :data:`MAX_LINK` characters, without spaces."""
    value = text(value, what, limit=MAX_LINK, required=required)
    if not value:
        return ""
    if any(ch.isspace() for ch in value):
        raise ValidationError(f"{what}: в ссылке не должно быть пробелов")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise ValidationError(f"{what}: ссылка повреждена — нужна ссылка вида https://…") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValidationError(f"{what}: нужна ссылка вида https://…")
    return value


def moment(value: datetime, what: str, *, zone: tzinfo, now: datetime | None = None,
           not_before: datetime | None = None, not_before_what: str = "") -> datetime:
    """An aware moment between :data:`EARLIEST` (or ``not_before``) and ``now`` (plus a little skew).

    A naive value is the administration's local time (``zone``).
    """
    if not isinstance(value, datetime):
        raise ValidationError(f"{what}: ожидается дата и время")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    if value < EARLIEST:
        raise ValidationError(f"{what}: дата {_day_text(value.astimezone(zone))} слишком ранняя — проверьте год")
    if now is not None and value > now + CLOCK_SKEW:
        raise ValidationError(f"{what}: {value.astimezone(zone):%H:%M %d.%m.%Y} ещё не наступило")
    if not_before is not None and value < not_before:
        raise ValidationError(f"{what}: {value.astimezone(zone):%H:%M %d.%m.%Y} — раньше, чем "
                              f"{not_before_what} ({not_before.astimezone(zone):%H:%M %d.%m.%Y})")
    return value.astimezone(timezone.utc)
