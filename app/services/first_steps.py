"""What a user can do next when their queue is empty because nothing has been registered yet.

The main window shows it instead of a bare «Очередь пуста»: the administrator adds units and
users, the curator imports from the monitoring platform or registers by hand, an executor waits
for the curator to route something to their unit.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models import Assignment, Incident, Unit, User
from app.services.permissions import Actor


@dataclass(frozen=True)
class FirstSteps:
    """How far the database is from a working day, as this user can see it."""

    #: any incident this user may see (an executor: routed to their units)
    has_incidents: bool
    #: active units (departments and institutions) to route incidents to
    units: int
    #: active users besides this one
    colleagues: int

    @property
    def needs_setup(self) -> bool:
        """No unit to route to or nobody else to work with: administration comes first."""
        return self.units == 0 or self.colleagues == 0


def first_steps(actor: Actor) -> FirstSteps:
    """Three small counting queries; run off the GUI thread like any query."""
    if actor.reads_everything:
        has_incidents = Incident.select(Incident.id).exists()
    else:
        units = list(actor.unit_ids)
        has_incidents = bool(units) and Assignment.select(Assignment.id).where(Assignment.unit.in_(units)).exists()
    active_units = Unit.select().where(Unit.is_active == True).count()  # noqa: E712
    colleagues = User.select().where((User.is_active == True) & (User.id != actor.user_id)).count()  # noqa: E712
    return FirstSteps(has_incidents, active_units, colleagues)
