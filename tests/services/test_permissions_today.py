"""The day an actor's deputy duties are counted by is the administration's, not this PC's (issue 15:
the server's row rules count absences by the administration's day too)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.models.enums import AbsenceKind
from app.services import absences, clock, settings
from app.services.permissions import actor_for
from tests.helpers.world import build_world


def test_after_nine_in_the_evening_utc_moscow_is_already_on_the_next_day(db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    world = build_world(monkeypatch)
    absences.add_absence(world.actor("admin"), user_id=world.ids["zhkh"], deputy_id=world.ids["blago"],
                         kind=AbsenceKind.VACATION, starts_on=date(2026, 12, 6), ends_on=date(2026, 12, 6))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 21, 30, tzinfo=timezone.utc))  # 00:30 MSK
    assert settings.timezone_name() == "Europe/Moscow"
    assert actor_for(world.ids["blago"]).standing_in_for == ((world.ids["zhkh"], world.units["zhkh"]),)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 20, 30, tzinfo=timezone.utc))  # 23:30 MSK
    assert actor_for(world.ids["blago"]).standing_in_for == ()
