"""What an empty queue suggests: whether anything is registered, and whether units and people exist."""
from __future__ import annotations

import pytest

from app.models.enums import Role
from app.services import users, workflow
from app.services.first_steps import first_steps
from app.services.permissions import actor_for
from tests.helpers.world import World, build_world


def test_a_fresh_database_needs_units_and_users_first(db) -> None:  # noqa: ANN001
    admin = users.create_user("admin", "Администратор", "пароль-пароль", [Role.ADMIN, Role.CURATOR])
    steps = first_steps(actor_for(admin.id))
    assert (steps.has_incidents, steps.units, steps.colleagues, steps.needs_setup) == (False, 0, 0, True)


def test_an_executor_sees_incidents_only_once_one_is_routed_to_the_unit(db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    w: World = build_world(monkeypatch)
    assert not first_steps(w.actor("zhkh")).needs_setup
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_1", author="А", text="Яма",
                                     detected_at=w.clock.moment)
    assert first_steps(w.actor("kurator")).has_incidents
    assert not first_steps(w.actor("zhkh")).has_incidents
    workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    assert first_steps(w.actor("zhkh")).has_incidents
    assert not first_steps(w.actor("blago")).has_incidents
