"""Issue 16: what one program does reaches the others — the events go with the action's transaction,
nothing of a rolled-back one; the changed incidents are named; presence; transient failures tried again."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.models import LiveEvent, Presence
from app.models import db as proxy
from app.services import live, presence, transactions, workflow
from app.services.errors import ActionFailed, ValidationError
from tests.helpers import databases
from tests.helpers.world import World, build_world
from tests.services.test_workflow import ANSWER, routed


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


@contextmanager
def listening() -> Iterator[threading.Event]:
    """A listener on the test's database, connected and quiet; the event is set when the server wakes it."""
    from app.services.listener import Listener

    woke, up = threading.Event(), threading.Event()
    database = proxy.obj
    listener = Listener(database.connect_params, database.database, woke.set, lambda ok: ok and up.set())
    listener.start()
    try:
        assert up.wait(5), "the listener connects"
        time.sleep(0.5)
        woke.clear()
        yield woke
    finally:
        listener.stop()


class ServerError(Exception):
    """A driver error as the server would name it (SQLSTATE in ``pgcode``)."""

    def __init__(self, text: str, pgcode: str) -> None:
        super().__init__(text)
        self.pgcode = pgcode


def test_another_program_learns_which_incident_changed_and_hears_its_events(world: World, monkeypatch) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    feed = live.Feed()  # the other program opens now
    assert not feed.look()
    monkeypatch.setattr(live, "SESSION", "another-program")  # the action is made by a different program
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    monkeypatch.undo()
    workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=["spelling"])
    changes = feed.look()
    assert changes.incident_ids == {ref.id}
    # the submission was another program's: its event is heard; this program's own return is not repeated
    kinds = [e.kind for e in changes.events]
    assert "submitted" in kinds and "returned" not in kinds
    assert not feed.look(), "a second look finds nothing new"


def test_a_rolled_back_action_sends_nothing(world: World, heard) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    feed = live.Feed()
    before = LiveEvent.select().count()
    with pytest.raises(ValidationError):
        workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[])
    heard.clear()

    def failing_send(sent: list) -> None:  # noqa: ANN001 - the transaction fails after the events were written
        live.LiveEvent.insert_many([{"origin": "x", "kind": e.kind, "incident_id": e.incident_id} for e in sent]).execute()
        raise RuntimeError("сбой после записи событий")

    real = live.send
    live.send = failing_send  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            workflow.add_comment(w.actor("kurator"), ref.id, text="Проверьте адрес")
    finally:
        live.send = real  # type: ignore[assignment]
    assert LiveEvent.select().count() == before, "the events of a rolled-back action are not kept"
    assert heard == [], "this program's listeners hear nothing of it either"
    assert not feed.look()


def test_a_transient_failure_is_tried_again_and_the_action_takes_effect_once(world: World, heard) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    heard.clear()
    calls = {"n": 0}
    real = workflow.audit.record

    def flaky_record(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 1:
            raise ServerError("could not serialize access", "40001")
        return real(*args, **kwargs)

    workflow.audit.record = flaky_record  # type: ignore[assignment]
    try:
        comment_id = workflow.add_comment(w.actor("kurator"), ref.id, text="Уточните номер дома")
    finally:
        workflow.audit.record = real  # type: ignore[assignment]
    assert calls["n"] == 2 and comment_id
    from app.models import AuditEvent, Comment

    assert Comment.select().where(Comment.incident == ref.id).count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "incident.comment").count() == 1
    assert [e.kind for e in heard] == ["comment"], "the event is heard once, after the commit"


def test_a_lock_held_too_long_ends_in_a_russian_line_after_a_few_tries(world: World, monkeypatch) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    monkeypatch.setattr(transactions, "FIRST_PAUSE_S", 0.001)

    def locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ServerError("canceling statement due to lock timeout", "55P03")

    monkeypatch.setattr(workflow.audit, "record", locked)
    with pytest.raises(ActionFailed, match="занят действием другого пользователя"):
        workflow.add_comment(w.actor("kurator"), ref.id, text="Уточните номер дома")


def test_a_busy_or_full_sqlite_file_is_named_in_russian() -> None:
    from app.services import failures

    assert failures.message(Exception("database is locked")) == failures.SQLITE_BUSY
    assert failures.message(Exception("database or disk is full")).startswith("Диск заполнен")
    assert failures.message(Exception("cannot rollback - no transaction is active")).startswith("Диск заполнен")
    assert failures.message(ValueError("что-то другое")) is None


def test_presence_names_the_others_on_the_incident_and_expires_by_itself(world: World, monkeypatch) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    me = w.ids["kurator"]
    presence.show(me, ref.id)
    assert not presence.others(ref.id, me), "oneself is not «also»"
    monkeypatch.setattr(live, "SESSION", "ivanenko-pc")
    presence.show(w.ids["zhkh"], ref.id, editing=True)
    monkeypatch.setattr(live, "SESSION", "ponomarenko-pc")
    presence.show(w.ids["zhkh2"], ref.id)
    others = presence.others(ref.id, me)
    assert others.editing == ("Иваненко (Отдел ЖКХ, благоустройства и транспорта)",) or \
        others.editing[0].startswith("Иваненко (")
    assert len(others.viewing) == 1 and others.viewing[0].startswith("Пономаренко (")
    # a program that died stops counting once its row is older than EXPIRES_S
    stale = presence.utcnow().replace(year=2020)
    Presence.update(seen_at=stale).where(Presence.session == "ivanenko-pc").execute()
    assert presence.others(ref.id, me).editing == ()
    presence.leave(w.ids["zhkh2"])
    assert not presence.others(ref.id, me)


@pytest.mark.skipif(databases.backend() != "postgresql", reason="оповещения NOTIFY есть только у общей базы PostgreSQL")
def test_the_server_wakes_a_listener_when_an_action_commits_and_not_for_a_rolled_back_one(world: World) -> None:
    w = world
    ref = routed(w, "zhkh")
    with listening() as woke:
        with pytest.raises(ValidationError):
            workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[])
        assert not woke.wait(1.0), "a refused action wakes nobody"
        started = time.monotonic()
        workflow.add_comment(w.actor("kurator"), ref.id, text="Проверьте адрес")
        assert woke.wait(2.0), "the committed action wakes the listener within two seconds"
        assert time.monotonic() - started < 2.0


@pytest.mark.skipif(databases.backend() != "sqlite", reason="файл базы на диске есть только у SQLite")
def test_a_full_disk_stops_the_action_with_one_russian_line_and_loses_nothing(world: World) -> None:
    """SQLite's page limit of the connection stands in for a full disk: the same SQLITE_FULL error."""
    from app.models import Comment

    w = world
    ref = routed(w, "zhkh")
    before = Comment.select().count()
    proxy.execute_sql("VACUUM")  # no free pages left inside the file: the next write must grow it
    pages = proxy.execute_sql("PRAGMA page_count").fetchone()[0]
    proxy.execute_sql(f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(ActionFailed) as caught:
            workflow.add_comment(w.actor("kurator"), ref.id, text="Длинный комментарий. " * 180)
    finally:
        proxy.execute_sql("PRAGMA max_page_count = 1073741823")
    assert str(caught.value).startswith("Диск заполнен")
    assert "rollback" not in str(caught.value) and "full" not in str(caught.value)
    assert Comment.select().count() == before
    workflow.add_comment(w.actor("kurator"), ref.id, text="Место освободилось")  # and work goes on
    assert Comment.select().count() == before + 1


@pytest.mark.skipif(databases.backend() != "postgresql", reason="оповещения NOTIFY есть только у общей базы PostgreSQL")
def test_a_heartbeat_wakes_nobody_but_opening_another_card_does(world: World) -> None:
    w = world
    first, second = routed(w, "zhkh", n=1), routed(w, "zhkh", n=2)
    me = w.ids["zhkh"]
    presence.show(me, first.id)
    with listening() as woke:
        presence.show(me, first.id)  # the same card again: a heartbeat
        assert not woke.wait(1.0), "a heartbeat wakes nobody"
        presence.show(me, second.id)
        assert woke.wait(2.0), "another card wakes the others"
        woke.clear()
        presence.show(me, second.id, editing=True)
        assert woke.wait(2.0), "opening the answer editor wakes the others"
