"""Work schedule and production-calendar days stored so every PC computes the same clocks."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateField, IntegerField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow


class CalendarYear(BaseModel):
    """Where a year of the production calendar comes from (bundled, imported, derived, edited)."""

    year = IntegerField(unique=True)
    source = CharField(max_length=16)
    needs_confirmation = BooleanField(default=False)
    updated_at = UtcDateTimeField(default=utcnow)


class CalendarDay(BaseModel):
    """A day whose kind differs from the plain weekday rule: holiday, transfer, shortened day."""

    day = DateField(unique=True)
    kind = CharField(max_length=16)  # CalendarDayKind
    comment = TextField(default="")


class WorkPeriod(BaseModel):
    """One working period of a weekday (0 = Monday), in the administration's local time."""

    weekday = IntegerField()
    starts = CharField(max_length=5)  # "09:00"
    ends = CharField(max_length=5)    # "13:00"

    class Meta:
        indexes = ((("weekday", "starts"), True),)
