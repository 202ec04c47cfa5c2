"""Queries whose SQL is written once (``app.services.prepared``): the same rows as the query itself."""
from __future__ import annotations

import pytest

from app.models import Assignment, AuditEvent, Incident
from app.services import prepared, workflow
from tests.helpers.world import World, build_world


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def _incident(w: World, n: int, *units: str) -> int:
    ref = workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-123456_{n}", author="Ирина",
                                     text=f"Не горят фонари у дома {n}", detected_at=w.clock.moment)
    w.clock.work(5)
    workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units],
                   topic_id=w.topic_id, location_id=w.location_id)
    return ref.id


def test_the_rows_are_those_of_the_query_itself_for_each_value_and_the_sql_is_written_once(world: World) -> None:
    w = world
    first, second = _incident(w, 1, "zhkh"), _incident(w, 2, "zhkh", "blago")
    built = []

    def assignments(incident_id: int):  # noqa: ANN202
        built.append(incident_id)
        return Assignment.select().where(Assignment.incident == incident_id).order_by(Assignment.id)

    for incident_id in (first, second, first, 10_000):
        got = list(prepared.rows("test.assignments", assignments, incident_id))
        expected = list(Assignment.select().where(Assignment.incident == incident_id).order_by(Assignment.id))
        assert [(a.id, a.unit_id, a.state, a.assigned_at) for a in got] == \
               [(a.id, a.unit_id, a.state, a.assigned_at) for a in expected]
    assert len(built) == 1  # written once, run four times
    assert [len(list(prepared.rows("test.assignments", assignments, i))) for i in (first, second)] == [1, 2]
    row = prepared.first("test.incident", lambda i: Incident.select().where(Incident.id == i).limit(1), second)
    assert row.id == second and row.link.endswith("_2") and row.detected_at.tzinfo is not None
    assert prepared.first("test.incident", lambda i: Incident.select().where(Incident.id == i).limit(1), 0) is None
    events = list(prepared.rows("test.events", lambda i: AuditEvent.select(AuditEvent.action).where(
        AuditEvent.incident == i).order_by(AuditEvent.id).tuples(), first))
    assert events == [("incident.register",), ("incident.route",)]


def test_a_query_that_does_not_use_its_value_as_a_value_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="value of its own"):
        list(prepared.rows("test.ignored", lambda i: Incident.select().where(Incident.id == 5), 7))
