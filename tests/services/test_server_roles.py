"""Issue 15: in the shared mode PostgreSQL itself keeps the rights and the trail.

Every person has their own server role. Here each role's forbidden statements are tried with plain
SQL over the role's own connection (the test server trusts local connections, so no password is
needed — passwords are tested on a SCRAM cluster of their own in ``test_server_signin``), and the
regulation's journeys run with every action under the role of the person who takes it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg2
import pytest

from app.models import AuditEvent, Incident, User, db as proxy
from app.models.enums import AbsenceKind
from app.services import absences, admin, audit, workflow
from app.services.errors import NotFound, PermissionDenied
from tests.helpers import databases
from tests.helpers.world import World, build_world
from tests.services import test_workflow as journeys

pytestmark = pytest.mark.skipif(databases.backend() != "postgresql",
                                reason="роли и права сервера есть только у общей базы PostgreSQL")


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


@contextmanager
def connected_as(world: World, login: str) -> Iterator[psycopg2.extensions.cursor]:
    """A connection of the person's own role to the program's database (plain SQL, no program)."""
    role = User.get_by_id(world.ids[login]).db_role
    parts = urlsplit(databases.pg_admin_url())
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=role,
                            dbname=proxy.obj.database, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def refused(cur: psycopg2.extensions.cursor, statement: str, *args: object) -> str:
    """The statement fails in the server; returns the server's message."""
    with pytest.raises(psycopg2.Error) as caught:
        cur.execute(statement, args or None)
    return str(caught.value)


def affected(cur: psycopg2.extensions.cursor, statement: str, *args: object) -> int:
    cur.execute(statement, args or None)
    return cur.rowcount


def two_incidents(w: World) -> tuple[workflow.Ref, workflow.Ref]:
    """One incident routed to the housing department (zhkh), one to architecture (arhit)."""
    mine = journeys.routed(w, "zhkh", n=1)
    other = journeys.routed(w, "arhit", n=2)
    return mine, other


def test_an_executor_sees_and_changes_only_the_incidents_of_their_unit(world: World) -> None:
    mine, other = two_incidents(world)
    with connected_as(world, "zhkh") as cur:
        cur.execute("SELECT id FROM incident ORDER BY id")
        assert [r[0] for r in cur.fetchall()] == [mine.id]
        cur.execute("SELECT DISTINCT incident_id FROM assignment")
        assert [r[0] for r in cur.fetchall()] == [mine.id]
        # another unit's incident is not there to change (row-level security), its own one is
        assert affected(cur, "UPDATE incident SET text = 'переписано' WHERE id = %s", other.id) == 0
        assert affected(cur, "UPDATE incident SET priority = priority WHERE id = %s", mine.id) == 1
        assert "permission denied" in refused(cur, "INSERT INTO incident (network, link, author, text, detected_at, "
                                                   "registered_at, kind, priority, status, version, updated_at, "
                                                   "no_location) VALUES ('vk', 'https://vk.com/wall-1_9', 'А', 'Т', "
                                                   "now(), now(), 'incident', 'normal', 'new', 1, now(), false)")
        assert "permission denied" in refused(cur, "DELETE FROM incident WHERE id = %s", mine.id)
        assert "permission denied" in refused(cur, "INSERT INTO approval_decision (answer_id, curator_id, decided_at, "
                                                   "approved, reasons, comment) VALUES (1, 1, now(), true, '', '')")
        assert "permission denied" in refused(cur, "UPDATE \"user\" SET roles = 'admin,curator'")
        assert "permission denied" in refused(cur, "SELECT password_hash FROM user_password")
        assert "permission denied" in refused(cur, "UPDATE unit SET name = 'Мой отдел'")
    assert Incident.get_by_id(other.id).text != "переписано"


def test_the_head_reads_everything_and_changes_nothing(world: World) -> None:
    mine, other = two_incidents(world)
    with connected_as(world, "glava") as cur:
        cur.execute("SELECT count(*) FROM incident")
        assert cur.fetchone()[0] == 2
        for statement in ("UPDATE incident SET status = 'answered'", "DELETE FROM assignment",
                          "UPDATE answer SET text = 'x'", "INSERT INTO comment (incident_id, kind, created_at, text) "
                          f"VALUES ({mine.id}, 'comment', now(), 'x')", "UPDATE setting SET value = '{}'"):
            assert "permission denied" in refused(cur, statement), statement


def test_only_an_administrator_manages_people_and_the_reference_lists(world: World) -> None:
    with connected_as(world, "kurator") as cur:
        assert "permission denied" in refused(cur, "UPDATE \"user\" SET is_active = false")
        assert "permission denied" in refused(cur, "UPDATE unit SET is_active = false")
        assert "permission denied" in refused(cur, "SELECT inc_person_sync(%s, NULL, ARRAY[]::text[], true)",
                                              User.get_by_id(world.ids["kurator"]).db_role)
        assert "permission denied" in refused(cur, "CREATE TABLE mine (x int)")
    with connected_as(world, "admin") as cur:
        assert affected(cur, "UPDATE unit SET short_name = 'ЖКХ' WHERE id = %s", world.units["zhkh"]) == 1
        assert "permission denied" in refused(cur, "UPDATE incident SET status = 'answered'")


def test_nobody_but_the_owner_rewrites_the_trail_and_nobody_writes_in_anothers_name(world: World) -> None:
    mine, _other = two_incidents(world)
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    for login in ("kurator", "admin", "zhkh", "glava"):
        with connected_as(world, login) as cur:
            assert "permission denied" in refused(cur, "UPDATE audit_event SET comment = 'исправлено'")
            assert "permission denied" in refused(cur, "DELETE FROM audit_event WHERE id = %s", last.id)
            assert "permission denied" in refused(cur, "TRUNCATE audit_event")
            assert "permission denied" in refused(cur, "DELETE FROM row_change")
    role = User.get_by_id(world.ids["zhkh"]).db_role
    forged = ("INSERT INTO audit_event (at, actor_id, action, entity, comment, payload, prev_hash, hash, db_role) "
              "VALUES (now(), %s, 'answer.approve', '', '', '{}', %s, 'x', %s)")
    with connected_as(world, "zhkh") as cur:
        # in the curator's name, or under another role's name: the server refuses
        assert "signed-in person" in refused(cur, forged, world.ids["kurator"], last.hash, role)
        assert "own session" in refused(cur, forged, world.ids["zhkh"], last.hash, "postgres")
        # an event that does not follow the newest one (a fork of the chain) is refused
        assert "does not follow" in refused(cur, forged, world.ids["zhkh"], "0" * 64, role)
    assert audit.verify_chain().ok


def test_a_change_made_outside_the_program_is_found_by_audit_verify(world: World) -> None:
    mine, _other = two_incidents(world)
    assert audit.outside_changes() == []
    # the owner (who may do anything) changes a status with plain SQL, leaving no event
    proxy.execute_sql("UPDATE incident SET status = 'answered' WHERE id = %s", (mine.id,))
    found = audit.outside_changes()
    assert len(found) == 1
    change = found[0]
    assert (change.table_name, change.row_id, change.operation) == ("incident", mine.id, "UPDATE")
    assert "answered" in change.changed and change.db_role == "postgres"
    assert audit.verify_chain().ok  # the chain itself is intact: the change is what is found


def test_a_deactivated_persons_sessions_end_and_the_role_cannot_sign_in(world: World) -> None:
    parts = urlsplit(databases.pg_admin_url())
    role = User.get_by_id(world.ids["zhkh"]).db_role
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=role, dbname=proxy.obj.database)
    conn.autocommit = True
    admin.update_user(world.actor("admin"), world.ids["zhkh"], full_name="Иваненко Олег Викторович", position="",
                      roles=["executor"], unit_id=world.units["zhkh"], is_active=False)
    with pytest.raises(psycopg2.Error):  # the open session is gone
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
    conn.close()
    with pytest.raises(psycopg2.OperationalError, match="not permitted to log in"):
        psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=role, dbname=proxy.obj.database)


def test_a_demoted_person_loses_the_right_at_the_next_statement(world: World) -> None:
    mine, _other = two_incidents(world)
    with connected_as(world, "kurator") as cur:
        cur.execute("SELECT count(*) FROM incident")
        assert cur.fetchone()[0] == 2
        admin.update_user(world.actor("admin"), world.ids["kurator"], full_name="Слепокурова Яна Евгеньевна",
                          position="", roles=["head"], unit_id=None, is_active=True)
        assert "permission denied" in refused(cur, "DELETE FROM comment")
        assert affected(cur, "SELECT 1") == 1  # still signed in: a head reads


# --- the regulation's journeys with every action under the role of the person who takes it -------------

def _under_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every workflow action runs with ``SET ROLE`` to the acting person's own role."""
    def wrap(fn: Callable[..., object]) -> Callable[..., object]:
        def run(actor, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            role = User.get_by_id(actor.user_id).db_role
            proxy.execute_sql(f'SET ROLE "{role}"')
            try:
                return fn(actor, *args, **kwargs)
            finally:
                proxy.execute_sql("RESET ROLE")
        return run

    for name in ("register_incident", "route", "save_draft", "submit_answer", "approve", "publish",
                 "return_for_revision", "save_and_resubmit", "declare_not_competent", "appoint_consolidator",
                 "set_stage_limits", "close_without_answer", "change_priority"):
        monkeypatch.setattr(workflow, name, wrap(getattr(workflow, name)))
    monkeypatch.setattr(absences, "add_absence", wrap(absences.add_absence))


@pytest.mark.parametrize("journey", [
    journeys.test_simple_answer_goes_from_registration_to_publication_within_every_limit,
    journeys.test_competence_return_sends_it_back_to_the_curator_who_reroutes_on_the_rerouting_clock,
    journeys.test_two_returns_with_reasons_then_approval_keep_three_versions,
    journeys.test_interim_answer_opens_a_seven_working_day_final_stage_with_curator_limits,
    journeys.test_three_units_contribute_and_the_appointed_one_writes_the_consolidated_answer,
    journeys.test_clause_21_closes_without_answer_and_cancels_assignments,
], ids=lambda f: f.__name__.removeprefix("test_")[:40])
def test_the_journeys_work_under_each_persons_own_role(world: World, heard, journey,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _under_roles(monkeypatch)
    if "heard" in journey.__code__.co_varnames[:journey.__code__.co_argcount]:
        journey(world, heard)
    else:
        journey(world)
    roles = {e.db_role for e in AuditEvent.select()}
    assert any(r.endswith("_u_kurator") for r in roles)  # the events carry the persons' own roles
    assert audit.verify_chain().ok and audit.outside_changes() == []


def test_a_deputy_works_under_their_own_role_while_the_absence_lasts(world: World,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _under_roles(monkeypatch)
    ref = journeys.routed(world, "zhkh")
    # the day the server's rule counts absences by: today in the administration's zone (the test's
    # program clock stands in November, the server's runs)
    today = proxy.execute_sql("SELECT inc_today()").fetchone()[0]
    with pytest.raises((PermissionDenied, NotFound)):  # the server does not even show another unit's incident
        workflow.save_draft(world.actor("blago", today), ref.id, ref.version, text=journeys.ANSWER)
    absences.add_absence(world.actor("admin"), user_id=world.ids["zhkh"], deputy_id=world.ids["blago"],
                         kind=AbsenceKind.VACATION, starts_on=today, ends_on=today)
    ref = workflow.save_draft(world.actor("blago", today), ref.id, ref.version, text=journeys.ANSWER)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.actor_id == world.ids["blago"] and event.db_role.endswith("_u_blago")


def test_audit_verify_names_a_change_made_outside_the_program_and_an_anchor_proves_a_rewrite(
        world: World, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    mine, _other = two_incidents(world)
    anchor = audit.chain_head()
    assert anchor is not None
    assert main(["--db", database_url, "audit", "verify", "--anchor", str(anchor)]) == 0
    assert "Опорная точка" in capsys.readouterr().out
    # the owner deletes an approval-like early event and re-hashes the rest with the program's own
    # digest: the chain is consistent again — but the anchor printed on last month's report is not
    first = AuditEvent.select().order_by(AuditEvent.id).first()
    proxy.execute_sql("DELETE FROM audit_event WHERE id = %s", (first.id,))
    prev = ""
    for event in AuditEvent.select().order_by(AuditEvent.id):
        event.prev_hash = prev
        event.hash = audit._digest(event)
        proxy.execute_sql("UPDATE audit_event SET prev_hash = %s, hash = %s WHERE id = %s",
                          (event.prev_hash, event.hash, event.id))
        prev = event.hash
    assert audit.verify_chain().ok
    assert main(["--db", database_url, "audit", "verify", "--anchor", f"{anchor.event_id}:{anchor.hash[:16]}"]) == 1
    out = capsys.readouterr().out
    assert f"Опорная точка {anchor.event_id}: у события № {anchor.event_id} другой хеш" in out
    # and a status changed with plain SQL is named with who did it
    proxy.execute_sql("UPDATE incident SET status = 'answered' WHERE id = %s", (mine.id,))
    assert main(["--db", database_url, "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "Изменения вне программы" in out and f"инцидент № {mine.id}, изменён: status = answered" in out
    assert "postgres" in out


def test_a_wrong_user_name_in_the_address_is_not_called_an_unreachable_server(db) -> None:  # noqa: ANN001
    from app.services.database import open_database
    from app.services.errors import DatabaseUnavailable

    parts = urlsplit(databases.pg_admin_url())
    url = f"postgresql://nikto_takoi@{parts.hostname}:{parts.port or 5432}/{proxy.obj.database}"
    with pytest.raises(DatabaseUnavailable, match="не знает пользователя «nikto_takoi»"):
        open_database(url)


def test_re_applying_the_rules_keeps_the_owners_tables_closed(world: World) -> None:
    """A newer program's upgrade applies the rules again: what only the owner reads stays closed."""
    from app.services.server import policy

    with proxy.atomic():
        policy.apply(proxy.obj)
    with connected_as(world, "zhkh") as cur:
        for table in ("user_password", "row_change", "signin_attempt"):
            assert "permission denied" in refused(cur, f"SELECT * FROM {table}"), table
        cur.execute("SELECT count(*) FROM unit")  # and what every person reads is still read
        assert cur.fetchone()[0] == len(world.units)


def test_an_executor_reads_the_trail_of_their_own_incidents_only_and_still_appends_after_the_newest(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    mine, other = two_incidents(w)
    workflow.add_comment(w.actor("kurator"), other.id, text="Только для архитектуры: заявитель — депутат")
    with connected_as(w, "zhkh") as cur:
        cur.execute("SELECT DISTINCT incident_id FROM audit_event WHERE incident_id IS NOT NULL")
        assert [r[0] for r in cur.fetchall()] == [mine.id]
        cur.execute("SELECT count(*) FROM audit_event WHERE comment LIKE '%%депутат%%'")
        assert cur.fetchone()[0] == 0, "another unit's comment is not readable"
    # the newest event of the chain is on an incident this executor does not see: the append follows it
    _under_roles(monkeypatch)
    ref = Incident.get_by_id(mine.id)
    workflow.save_draft(w.actor("zhkh"), mine.id, ref.version, text=journeys.ANSWER)
    newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert newest.db_role.endswith("_u_zhkh")
    assert audit.verify_chain().ok


def test_an_incidents_units_follow_its_assignments_and_so_does_the_executors_sight(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The incident's row rule reads the units kept on the incident (``inc_units``): an assignment added,
    moved to another unit or deleted — by a person under their own role — moves the incident in and out
    of each unit's sight at once; a copy made with the triggers off is put right by the owner's refresh."""
    from app.services.server import policy

    w = world
    _under_roles(monkeypatch)
    ref = journeys.routed(w, "zhkh")  # the curator routes under their own role: the trigger writes as the owner

    def units_of(incident_id: int) -> list[int]:
        return sorted(proxy.execute_sql("SELECT inc_units FROM incident WHERE id = %s", (incident_id,)).fetchone()[0])

    def seen_by(login: str) -> tuple[list[int], list[int]]:
        with connected_as(w, login) as cur:
            cur.execute("SELECT id FROM incident ORDER BY id")
            incidents = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT DISTINCT incident_id FROM assignment ORDER BY 1")
            return incidents, [r[0] for r in cur.fetchall()]

    zhkh, arhit, blago = w.units["zhkh"], w.units["arhit"], w.units["blago"]
    assert units_of(ref.id) == [zhkh]
    assert seen_by("zhkh") == ([ref.id], [ref.id]) and seen_by("arhit") == ([], [])
    # a consolidated answer: a second unit is added by the program; both see the incident and each other's rows
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[zhkh, arhit],
                         topic_id=w.topic_id, location_id=w.location_id)
    assert units_of(ref.id) == sorted([zhkh, arhit])
    with connected_as(w, "arhit") as cur:
        cur.execute("SELECT unit_id FROM assignment WHERE incident_id = %s ORDER BY unit_id", (ref.id,))
        assert [r[0] for r in cur.fetchall()] == sorted([zhkh, arhit])
    with connected_as(w, "kurator") as cur:
        # re-routed row by row under the curator's role: the housing department's assignment goes to improvement
        assert affected(cur, "UPDATE assignment SET unit_id = %s WHERE incident_id = %s AND unit_id = %s",
                        blago, ref.id, zhkh) == 1
    assert units_of(ref.id) == sorted([arhit, blago])
    assert seen_by("zhkh") == ([], []) and seen_by("blago") == ([ref.id], [ref.id])
    with connected_as(w, "zhkh") as cur:  # and nothing of it is left to change
        assert affected(cur, "UPDATE incident SET priority = priority WHERE id = %s", ref.id) == 0
        assert affected(cur, "UPDATE assignment SET state = state WHERE incident_id = %s", ref.id) == 0
    with connected_as(w, "blago") as cur:  # nor does a person who may change the incident write its units
        assert "follow its assignments" in refused(cur, "UPDATE incident SET inc_units = inc_units || %s "
                                                        "WHERE id = %s", zhkh, ref.id)
        assert "follow its assignments" in refused(cur, "UPDATE incident SET inc_units = %s WHERE id = %s",
                                                   [blago], ref.id)
    with connected_as(w, "kurator") as cur:
        assert "follow its assignments" in refused(cur, "UPDATE incident SET inc_units = '{}' WHERE id = %s", ref.id)
    with connected_as(w, "kurator") as cur:  # a deleted assignment takes its unit's sight with it
        assert affected(cur, "DELETE FROM assignment WHERE incident_id = %s AND unit_id = %s", ref.id, arhit) == 1
    assert units_of(ref.id) == [blago]
    assert seen_by("arhit") == ([], []) and seen_by("blago") == ([ref.id], [ref.id])
    # the column is the server's own bookkeeping: its changes are no change of the incident in the record
    assert {c.table_name for c in audit.outside_changes()} == {"assignment"}
    # rows copied with the triggers off (``db migrate-to``) leave the arrays behind; the owner's refresh
    # puts them right, and a second one has nothing to do
    proxy.execute_sql("UPDATE incident SET inc_units = '{}'")
    assert seen_by("blago")[0] == []  # (its own unit's assignment row is still its own)
    assert policy.refresh_incident_units(proxy.obj) == 1
    assert units_of(ref.id) == [blago] and seen_by("blago") == ([ref.id], [ref.id])
    assert policy.refresh_incident_units(proxy.obj) == 0
