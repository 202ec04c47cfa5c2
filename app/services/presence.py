"""Who else has an incident open, and who is editing its answer (issue 16).

Each running program keeps one row (``live.SESSION``): the signed-in person, the incident whose card it
shows and whether its answer editor is open. The row is refreshed every ``HEARTBEAT_S`` seconds and
counts only while fresher than ``EXPIRES_S``: a program that crashed or lost its network disappears by
itself. Closing the card or the program removes the row at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from peewee import JOIN

from app.models import Presence, Unit, User, utcnow
from app.services import live

log = logging.getLogger(__name__)

HEARTBEAT_S = 15
EXPIRES_S = 45


@dataclass(frozen=True)
class Others:
    """The other people on an incident: names as «Иванова (ЖКХ)»."""

    viewing: tuple[str, ...] = ()
    editing: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.viewing or self.editing)


def show(user_id: int, incident_id: int | None, *, editing: bool = False) -> None:
    """This program shows ``incident_id`` (None: no card), its answer edited or not; also the heartbeat.

    An update of this program's row first (the heartbeat: the server wakes nobody for it unless the card
    or the editing changed), the row made when there is none yet."""
    moment = utcnow()
    updated = (Presence.update(incident_id=incident_id, editing=editing, seen_at=moment, user=user_id)
               .where(Presence.session == live.SESSION).execute())
    if not updated:
        Presence.insert(session=live.SESSION, user=user_id, incident_id=incident_id, editing=editing,
                        seen_at=moment).on_conflict(
            conflict_target=[Presence.session],
            update={Presence.incident_id: incident_id, Presence.editing: editing, Presence.seen_at: moment,
                    Presence.user: user_id}).execute()


def leave(user_id: int) -> None:
    """This program closes: its row goes, with any row of this person that a crashed program left."""
    stale = utcnow() - timedelta(seconds=EXPIRES_S)
    Presence.delete().where((Presence.session == live.SESSION)
                            | ((Presence.user == user_id) & (Presence.seen_at < stale))).execute()


def others(incident_id: int, user_id: int) -> Others:
    """The other people (not this person, not stale) who have ``incident_id`` open, and who edit its answer."""
    fresh = utcnow() - timedelta(seconds=EXPIRES_S)
    rows = (Presence.select(Presence.editing, User.full_name, Unit.short_name, Unit.name)
            .join(User, on=(Presence.user == User.id)).join(Unit, on=(User.unit == Unit.id), join_type=JOIN.LEFT_OUTER)
            .where((Presence.incident_id == incident_id) & (Presence.user != user_id) & (Presence.seen_at >= fresh))
            .order_by(User.full_name).tuples())
    viewing: list[str] = []
    editing: list[str] = []
    for is_editing, full_name, short_name, unit_name in rows:
        shown = _short(full_name, short_name or unit_name or "")
        target = editing if is_editing else viewing
        if shown not in target:
            target.append(shown)
    return Others(tuple(viewing), tuple(editing))


def _short(full_name: str, unit: str) -> str:
    surname = (full_name or "").split()[0] if (full_name or "").split() else full_name
    return f"{surname} ({unit})" if unit else surname
