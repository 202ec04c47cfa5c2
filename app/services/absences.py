"""Absences of executors and their deputies (clause 8)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models import Absence, User, db
from app.models.enums import ABSENCE_KIND_LABELS, AbsenceKind, Role
from app.services import audit, validation
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.permissions import Actor


@dataclass(frozen=True)
class AbsenceInfo:
    id: int
    user_name: str
    deputy_name: str
    kind: str
    starts_on: date
    ends_on: date


def add_absence(actor: Actor, *, user_id: int, deputy_id: int, kind: AbsenceKind,
                starts_on: date, ends_on: date, comment: str = "") -> AbsenceInfo:
    """Record that ``user_id`` is away and ``deputy_id`` does their work meanwhile."""
    if not (actor.has(Role.ADMIN) or actor.is_curator):
        raise PermissionDenied("Замещение назначает администратор или куратор")
    try:
        kind = AbsenceKind(kind)
    except ValueError:
        raise ValidationError(f"Неизвестная причина отсутствия «{str(kind)[:40]}»") from None
    starts_on = validation.day(starts_on, "Период отсутствия: начало")
    ends_on = validation.day(ends_on, "Период отсутствия: окончание")
    comment = validation.text(comment, "Комментарий", limit=validation.MAX_COMMENT, required=False)
    if ends_on < starts_on:
        raise ValidationError("Период отсутствия: дата окончания раньше даты начала")
    if user_id == deputy_id:
        raise ValidationError("Сотрудник не может замещать сам себя")
    user = User.get_or_none(User.id == user_id)
    deputy = User.get_or_none(User.id == deputy_id)
    if user is None or deputy is None:
        raise NotFound("Сотрудник или заместитель не найден")
    if Role.EXECUTOR.value not in deputy.role_set:
        raise ValidationError(f"{deputy.full_name} не исполнитель и не может замещать исполнителя")
    with db.atomic():
        overlap = Absence.select().where((Absence.user == user_id) & (Absence.starts_on <= ends_on)
                                         & (Absence.ends_on >= starts_on)).exists()
        if overlap:
            raise ValidationError(f"У {user.full_name} уже есть отсутствие в эти дни")
        absence = Absence.create(user=user_id, deputy=deputy_id, kind=kind, starts_on=starts_on,
                                 ends_on=ends_on, comment=comment)
        audit.record("absence.add", actor=User.get_by_id(actor.user_id), entity="absence", entity_id=absence.id,
                     comment=f"{ABSENCE_KIND_LABELS[kind]}: {user.full_name} → {deputy.full_name}",
                     payload={"from": starts_on.isoformat(), "to": ends_on.isoformat()})
    return AbsenceInfo(absence.id, user.full_name, deputy.full_name, kind, starts_on, ends_on)
