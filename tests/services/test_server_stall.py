"""Issue 16: a program stalled inside a transaction does not stop the others for more than a few seconds.

On the shared server every action appends to the one audit chain under a transaction-level lock, so a
program that stops in the middle of an action holds up everybody's next action. The server ends such a
session once it has been idle in its transaction for ``IDLE_IN_TRANSACTION_TIMEOUT_MS`` (6 s): its
transaction is rolled back, the locks go, the others' actions — waiting meanwhile, each wait cut at
``LOCK_TIMEOUT_MS`` and tried again — go through. On SQLite nobody can end the writer holding the file:
the others are told in one Russian line that the base is busy, never «database is locked».
"""
from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from app.models import AuditEvent, Comment, Incident
from app.models import db as proxy
from app.services import audit, failures, workflow
from app.services.database import IDLE_IN_TRANSACTION_TIMEOUT_MS
from app.services.errors import ActionFailed
from tests.helpers import concurrency, databases
from tests.helpers.world import World, build_world
from tests.services import test_workflow as journeys

#: how long the stalled program stops (well beyond the server's idle-in-transaction timeout)
STALL_S = 10.0
#: the others work on for this long after the stall began
WATCH_S = 9.0
#: the loose bound on any other action's wait
LONGEST_BLOCK_S = 10.0
OTHERS = ("kurator", "otvetstv", "zhkh")
DRAFT_ACTIONS = ("answer.create", "answer.edit")
#: the server's count of the sessions it ended by an error of theirs (a timeout among them: FATAL) and of
#: those ended from outside (pg_terminate_backend) — nobody but the server's own timeout ends one here
ENDINGS = "SELECT sessions_fatal, sessions_killed FROM pg_stat_database WHERE datname = %s"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


@pytest.mark.skipif(databases.backend() != "postgresql",
                    reason="сеанс, зависший в транзакции, завершает только сервер PostgreSQL (общая база)")
def test_a_program_stalled_inside_an_action_holds_the_others_up_for_seconds_only(world: World,
                                                                                  database_url: str) -> None:
    refs = [journeys.routed(world, "zhkh", n=n) for n in range(1, 4)]
    ids = [r.id for r in refs]
    stalled_on = ids[0]
    start_versions = {i: Incident.get_by_id(i).version for i in ids}
    parts = urlsplit(database_url)
    personal = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))

    context = multiprocessing.get_context("spawn")
    stalls, reports = context.Queue(), context.Queue()
    go, stop = context.Event(), context.Event()
    others = [context.Process(target=concurrency.timed, args=(personal, login, ids, go, stop, reports))
              for login in OTHERS]
    for process in others:
        process.start()
    assert all("ready" in message for message in [reports.get(timeout=60) for _ in others])
    # the executor's colleague opens the incident, saves a draft and stalls with the chain's lock held
    staller = context.Process(target=concurrency.stall, args=(personal, "zhkh2", stalled_on, STALL_S, stalls))
    staller.start()
    stalled = stalls.get(timeout=60)
    assert stalled["hash"], "the stalled program's event is in the chain (uncommitted), the chain's lock held"
    began = time.monotonic()
    go.set()

    # the server ends the stalled session by itself: watched from the owner's side
    admin = psycopg2.connect(databases.pg_admin_url())
    admin.autocommit = True
    ended_after = None
    with admin.cursor() as cur:
        cur.execute(ENDINGS, (parts.path.lstrip("/"),))
        fatal_before, killed_before = cur.fetchone()
        while time.monotonic() - began < WATCH_S:
            cur.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (stalled["stalled"],))
            row = cur.fetchone()
            if ended_after is None and row is None:
                ended_after = time.monotonic() - began
            elif row is not None:
                assert row[0] == "idle in transaction", row
            time.sleep(0.05)
        cur.execute(ENDINGS, (parts.path.lstrip("/"),))
        fatal_after, killed_after = cur.fetchone()
    admin.close()
    stop.set()
    got = [reports.get(timeout=60) for _ in others]
    stalled_report = stalls.get(timeout=STALL_S + 60)
    for process in [*others, staller]:
        process.join(timeout=30)
        assert process.exitcode == 0

    actions = [a for r in got for a in r["actions"]]
    outcomes = Counter(outcome for *_rest, outcome in actions)
    longest = max(seconds for *_rest, seconds, _outcome in actions)
    first_done = min(start + seconds for *_rest, start, seconds, outcome in actions if outcome == "ok") - began
    print(f"\nзависшая программа остановилась на {STALL_S:.0f} с с блокировкой журнала; сервер завершил её сеанс "
          f"через {ended_after:.1f} с (idle_in_transaction_session_timeout {IDLE_IN_TRANSACTION_TIMEOUT_MS / 1000:.0f} с) "
          f"и сказал ей: «{'; '.join(stalled_report['server_said'])}»; её действие: {stalled_report['outcome']}. "
          f"Остальные {len(OTHERS)} программы: {len(actions)} действий {dict(outcomes)}, первое завершено через "
          f"{first_done:.1f} с, дольше всего ждало действие {longest:.1f} с")

    # the server ended the stalled session once it was idle in its transaction for its timeout
    timeout_s = IDLE_IN_TRANSACTION_TIMEOUT_MS / 1000
    assert ended_after is not None and ended_after <= timeout_s + 2.0, ended_after
    assert fatal_after - fatal_before == 1 and killed_after == killed_before, (fatal_before, fatal_after)
    assert any("closed" in said or "terminating connection" in said for said in stalled_report["server_said"])
    # its transaction was rolled back: its event is not in the trail, the chain goes on without it
    assert not AuditEvent.select().where(AuditEvent.hash == stalled["hash"]).exists()
    # the stalled program itself carried on when it woke up: the action ran again on a new connection
    # and either took effect or met the others' newer version (done by somebody else first)
    assert stalled_report["outcome"] in ("done", "conflict"), stalled_report
    assert stalled_report["recoveries"]["commit_lost_not_done"] + stalled_report["recoveries"]["retried"] >= 1
    assert stalled_report["same_database"]

    # the others were held up for seconds only, and every action of theirs took effect
    assert longest <= LONGEST_BLOCK_S, longest
    assert set(outcomes) <= {"ok", "conflict"}, outcomes
    assert outcomes["ok"] >= 3 * len(OTHERS)
    confirmed = [(kind, i, marker) for kind, i, marker, _s, _d, outcome in actions if outcome == "ok"]
    stored = Counter(c.text for c in Comment.select() if c.text.startswith("Комментарий "))
    assert stored == Counter(f"Комментарий {m}" for kind, _i, m in confirmed if kind == "comment")
    assert Counter(e.comment for e in AuditEvent.select().where(AuditEvent.action == "incident.comment")) == stored
    stalled_done = stalled_report["outcome"] == "done"
    for incident_id in ids:
        steps = Incident.get_by_id(incident_id).version - start_versions[incident_id]
        drafts = sum(1 for kind, i, _m in confirmed if kind == "draft" and i == incident_id)
        drafts += 1 if stalled_done and incident_id == stalled_on else 0
        events = AuditEvent.select().where((AuditEvent.incident == incident_id)
                                           & AuditEvent.action.in_(DRAFT_ACTIONS)).count()
        assert events == steps == drafts, (incident_id, events, steps, drafts)
    assert audit.verify_chain().ok
    assert audit.outside_changes() == []


@pytest.mark.skipif(databases.backend() != "sqlite", reason="блокировка файла на запись есть только у SQLite")
def test_a_writer_holding_the_sqlite_file_is_named_in_russian_and_nothing_is_half_written(world: World) -> None:
    """Another program on this PC holds the file's write lock (its transaction open): the action waits
    for the busy timeout, then stops with the Russian line — and once the file is free, it goes through."""
    ref = journeys.routed(world, "zhkh")
    path = proxy.obj.database
    before = Comment.select().count(), AuditEvent.select().count()
    proxy.execute_sql("PRAGMA busy_timeout = 500")  # the program waits 10 s; half a second keeps the test short
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE setting SET value = value WHERE 0")
    try:
        started = time.monotonic()
        with pytest.raises(ActionFailed) as caught:
            workflow.add_comment(world.actor("kurator"), ref.id, text="Уточните номер дома")
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert str(caught.value) == failures.SQLITE_BUSY
    assert "locked" not in str(caught.value)
    assert 0.4 <= waited < 5.0, waited
    assert (Comment.select().count(), AuditEvent.select().count()) == before
    workflow.add_comment(world.actor("kurator"), ref.id, text="Уточните номер дома")  # the file is free again
    assert Comment.select().count() == before[0] + 1
    assert audit.verify_chain().ok


@pytest.mark.skipif(databases.backend() != "postgresql",
                    reason="действия разных программ идут одновременно только на общей базе PostgreSQL")
def test_an_action_holds_the_chain_only_at_its_end(world: World) -> None:
    """The trail events of an action go into the chain when its work is done, just before its commit: a
    program slow in the middle of an action (a big attachment, a slow PC) holds up nobody else's action."""
    w = world
    slow_ref, other_ref = journeys.routed(w, "zhkh", n=1), journeys.routed(w, "zhkh", n=2)
    inside, release = threading.Event(), threading.Event()
    real = workflow.audit.record
    outcome: dict[str, object] = {}

    def slow_record(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        event = real(*args, **kwargs)
        if kwargs.get("comment") == "медленно":
            inside.set()
            release.wait(20)  # the rest of the action's work is slow
        return event

    def slow_program() -> None:
        try:
            outcome["id"] = workflow.add_comment(w.actor("kurator"), slow_ref.id, text="медленно")
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error
        finally:
            proxy.close()

    workflow.audit.record = slow_record  # type: ignore[assignment]
    try:
        thread = threading.Thread(target=slow_program)
        thread.start()
        assert inside.wait(20)
        started = time.monotonic()
        workflow.add_comment(w.actor("otvetstv"), other_ref.id, text="быстро")
        took = time.monotonic() - started
        release.set()
        thread.join(30)
    finally:
        release.set()
        workflow.audit.record = real  # type: ignore[assignment]
    assert "error" not in outcome, outcome
    assert took < 1.0, f"the other action waited {took:.1f} s for the slow one"
    comments = [e.comment for e in AuditEvent.select().where(AuditEvent.action == "incident.comment")
                .order_by(AuditEvent.id)]
    assert comments == ["быстро", "медленно"], "the quick action is in the chain first: it committed first"
    assert audit.verify_chain().ok
