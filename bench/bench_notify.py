"""How soon one program sees what another one did (issue 16): notification latency between two processes.

Program B (its own OS process, signed in as the responsible official) writes N comments
(``workflow.add_comment``), one after another with a short random pause. Program A (another process,
signed in as the curator) watches as the main window does: on the shared server a ``listener.Listener``
hears the server's NOTIFY on a connection of its own and A's ``live.Feed.look()`` then reads what changed;
on SQLite A looks at the file's change counter (``Feed.outside_change()``) every ``--poll`` seconds, as the
window does every ``live_updates.POLL_MS``, and looks when it moved. The latency of an action is the time
from B's ``add_comment`` returning (the transaction committed) to A's ``look()`` returning with the
action's incident among the changed ones (the trail read past the action's event) and its event among
the events heard — on the machine's monotonic clock, the same for both processes.

    .venv/bin/python bench/bench_notify.py                      # PostgreSQL at 127.0.0.1:5432, 200 comments
    .venv/bin/python bench/bench_notify.py --backend sqlite     # a temporary SQLite file, polled every second
    .venv/bin/python bench/bench_notify.py --actions 500 --admin-url postgresql://postgres@host:5432/postgres

On PostgreSQL the script creates a database of its own on the server (``--admin-url``: a role that may
create databases and roles) and drops it, with its people's roles, at the end. It prints the count, p50,
p95 and the longest latency in milliseconds and whether the goal (≤ 2 s) is met; the exit status is 1
when it is not (or when an action was never seen).
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: the goal of issue 16: another PC sees a change within two seconds
GOAL_S = 2.0
#: SQLite: how often the window looks at the file's change counter (``app.ui.live_updates.POLL_MS``)
POLL_S = 1.0
MARK = "Замер оповещения"
MARKED = re.compile(MARK + r" (\d+)")
WATCHER, ACTOR = "kurator", "otvetstv"
DEFAULT_ADMIN = os.environ.get("INCIDENTS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Result:
    """The latencies of one run, in milliseconds, in the order of the actions."""

    backend: str
    actions: int
    latencies_ms: list[float] = field(default_factory=list)
    #: SQLite: how often the watching program looked at the file
    poll_s: float = POLL_S

    @property
    def missing(self) -> int:
        """Actions the watching program never saw."""
        return self.actions - len(self.latencies_ms)

    def percentile(self, share: float) -> float:
        """The nearest-rank percentile (``share`` of 1) of the latencies seen."""
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.inf

    @property
    def longest_ms(self) -> float:
        return max(self.latencies_ms) if self.latencies_ms else math.inf

    @property
    def met(self) -> bool:
        return self.missing == 0 and self.longest_ms <= GOAL_S * 1000

    def lines(self) -> list[str]:
        how = ("PostgreSQL: уведомление сервера (LISTEN/NOTIFY) → Feed.look()" if self.backend == "postgresql" else
               f"SQLite: счётчик изменений файла (Feed.outside_change()) раз в {self.poll_s:g} с → Feed.look()")
        return [f"{how}",
                f"действий (комментариев) {self.actions}, увидено {len(self.latencies_ms)}, не увидено {self.missing}",
                f"задержка от фиксации действия в программе Б до look() в программе А: p50 {self.percentile(0.5):.0f} мс, "
                f"p95 {self.percentile(0.95):.0f} мс, max {self.longest_ms:.0f} мс",
                f"цель ≤ {GOAL_S:.0f} с: {'выполнена' if self.met else 'не выполнена'}"]


def _sign_in(url: str, login: str) -> int:
    """Open the database as the program would: on the shared server as the person's own role."""
    from app.models import User
    from app.services.database import open_as_person, open_database, personal

    if personal(url):
        return open_as_person(url, login, f"{login}-password")[1]
    open_database(url)
    return int(User.get(User.login == login).id)


def _watch(url: str, login: str, expected: int, poll_s: float, ready: Any, done: Any, out: Any) -> None:
    """Program A: looks whenever the server says something changed (or the file's counter moved) and
    notes each look: when it returned, how far into the trail it read, which of B's events it heard."""
    import threading

    from peewee import PostgresqlDatabase

    from app.models import db
    from app.services import live

    _sign_in(url, login)
    feed = live.Feed()
    woke = threading.Event()
    listener = None
    database = db.obj
    if not isinstance(database, PostgresqlDatabase):
        feed.outside_change()  # the file's counter as it is now
    else:  # the server says when to look
        from app.services.listener import Listener

        up = threading.Event()
        listener = Listener(dict(database.connect_params), database.database, woke.set,
                            lambda connected: connected and up.set())
        listener.start()
        if not up.wait(10):
            raise RuntimeError("программа А не подключилась для оповещений")
    looks: list[tuple[float, int, list[int]]] = []  # returned at, the trail read up to, B's actions heard
    heard: set[int] = set()
    trail: dict[int, int] = {}  # B's action -> the id of its trail event
    ready.put(True)
    finish_by = math.inf
    while time.monotonic() < finish_by:
        if listener is not None:
            if not woke.wait(0.5):
                finish_by = _finish_by(done, finish_by, poll_s)
                continue
            woke.clear()
        else:
            time.sleep(poll_s)
            if not feed.outside_change():
                finish_by = _finish_by(done, finish_by, poll_s)
                continue
        changes = feed.look()
        at = time.monotonic()
        marks = [int(found.group(1)) for found in (MARKED.search(e.message) for e in changes.events) if found]
        looks.append((at, feed.trail_id, marks))
        heard.update(marks)
        if len(heard) >= expected:  # every event heard: is every incident reported too?
            trail = trail or _trail_events()
            if trail and feed.trail_id >= max(trail.values()):
                break
        finish_by = _finish_by(done, finish_by, poll_s)
    trail = trail or _trail_events()
    if listener is not None:
        listener.stop()
    db.close()
    out.put({"looks": looks, "trail": trail})


def _trail_events() -> dict[int, int]:
    """B's actions and the ids of their trail events."""
    from app.models import AuditEvent

    rows = AuditEvent.select(AuditEvent.id, AuditEvent.comment).where(AuditEvent.comment.startswith(MARK)).tuples()
    return {int(found.group(1)): event_id for event_id, comment in rows if (found := MARKED.search(comment))}


def _finish_by(done: Any, finish_by: float, poll_s: float) -> float:
    """Once B has finished, A waits a little longer than the goal for what is still on its way."""
    if finish_by == math.inf and done.is_set():
        return time.monotonic() + GOAL_S + poll_s + 3.0
    return finish_by


def _act(url: str, login: str, incident_ids: list[int], actions: int, gap_s: float, go: Any, out: Any) -> None:
    """Program B: the comments, one after another; notes when each one's commit returned."""
    from app.models import db
    from app.services import workflow
    from app.services.permissions import actor_for

    user_id = _sign_in(url, login)
    actor = actor_for(user_id)
    out.put({"ready": True})
    go.wait(60)
    rng = random.Random(16)
    committed: dict[int, float] = {}
    for n in range(actions):
        time.sleep(rng.uniform(gap_s / 2, gap_s * 1.5))
        workflow.add_comment(actor, incident_ids[n % len(incident_ids)], text=f"{MARK} {n}")
        committed[n] = time.monotonic()
    db.close()
    out.put({"committed": committed})


def measure(url: str, incident_ids: list[int], actions: int, *, gap_s: float = 0.1, poll_s: float = POLL_S,
            watcher: str = WATCHER, actor: str = ACTOR) -> Result:
    """One run on a prepared database (people ``watcher`` and ``actor`` with the passwords of the tests'
    world, the incidents routed); ``url`` as the programs open it (on the server: without a user)."""
    context = multiprocessing.get_context("spawn")
    ready, done, go = context.Queue(), context.Event(), context.Event()
    seen_out, committed_out = context.Queue(), context.Queue()
    watching = context.Process(target=_watch, args=(url, watcher, actions, poll_s, ready, done, seen_out))
    acting = context.Process(target=_act, args=(url, actor, incident_ids, actions, gap_s, go, committed_out))
    watching.start()
    acting.start()
    try:
        ready.get(timeout=60)
        committed_out.get(timeout=60)  # B signed in
        go.set()
        committed = committed_out.get(timeout=60 + actions * (gap_s * 1.5 + 1.0))["committed"]
        done.set()
        seen = seen_out.get(timeout=GOAL_S + poll_s + 30)
    finally:
        for process in (watching, acting):
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    return Result(backend, actions, _latencies(committed, seen["looks"], seen["trail"]), poll_s)


def _latencies(committed: dict[int, float], looks: list[tuple[float, int, list[int]]],
               trail: dict[int, int]) -> list[float]:
    """Per action of B, in ms: from its commit to the end of A's first look that both reported its incident
    (read the trail past its event) and heard its event — the two may come in successive looks, when B
    committed between the look's two reads. Actions A never saw are left out."""
    found: list[float] = []
    for n, at in sorted(committed.items()):
        event_id = trail.get(n)
        reported = next((t for t, read_to, _ in looks if event_id is not None and read_to >= event_id), None)
        heard = next((t for t, _, marks in looks if n in marks), None)
        if reported is not None and heard is not None:
            found.append((max(reported, heard) - at) * 1000)
    return found


def prepare(url: str, incidents: int = 3) -> list[int]:
    """A unit, the watcher and the actor, ``incidents`` incidents routed to the unit (as the owner)."""
    from datetime import timedelta

    from app.models.enums import Role
    from app.services import catalog, clock, users, workflow
    from app.services.database import close_database, open_database
    from app.services.permissions import actor_for

    open_database(url)
    unit = catalog.create_unit("Отдел ЖКХ, благоустройства и транспорта").id
    curator = users.create_user(WATCHER, "Слепокурова Яна Евгеньевна", f"{WATCHER}-password", [Role.CURATOR]).id
    users.create_user(ACTOR, "Козыренко Елена Петровна", f"{ACTOR}-password", [Role.RESPONSIBLE])
    topic = catalog.create_topic("Благоустройство", "Уличное освещение").id
    location = catalog.create_location("ул. Красная")
    ids = []
    for n in range(incidents):
        ref = workflow.register_incident(actor_for(curator), link=f"https://vk.com/wall-123456_{n + 1}",
                                         author="Ирина Ковалёва", text="Не горят фонари у дома 12.",
                                         detected_at=clock.now() - timedelta(minutes=5))
        ref = workflow.route(actor_for(curator), ref.id, ref.version, unit_ids=[unit], topic_id=topic,
                             location_id=location)
        ids.append(ref.id)
    close_database()
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench_notify.py", description="Задержка оповещений между двумя программами")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN,
                        help="сервер PostgreSQL: роль, которая может создавать базы и роли")
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.1, help="средняя пауза между действиями программы Б, с")
    parser.add_argument("--poll", type=float, default=POLL_S, help="SQLite: как часто программа А смотрит на файл, с")
    args = parser.parse_args()

    if args.backend == "sqlite":
        folder = tempfile.TemporaryDirectory(prefix="incidents-notify-")
        url = f"sqlite:///{folder.name}/incidents.sqlite3"
        ids = prepare(url)
        result = measure(url, ids, args.actions, gap_s=args.gap, poll_s=args.poll)
        folder.cleanup()
    else:
        import psycopg2

        from tests.helpers.databases import drop_roles_of

        parts = urlsplit(args.admin_url)
        name = f"incidents_bench_notify_{os.getpid()}"
        admin = psycopg2.connect(args.admin_url, connect_timeout=5)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        try:
            ids = prepare(urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")))
            host = parts.netloc.rsplit("@", 1)[-1]
            result = measure(urlunsplit((parts.scheme, host, f"/{name}", "", "")), ids, args.actions, gap_s=args.gap)
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                drop_roles_of(cur, name)
            admin.close()
    print(f"Оповещения между двумя программами (процессы А и Б на одном компьютере), {time.strftime('%d.%m.%Y %H:%M')}, "
          f"ядер: {os.cpu_count()}")
    for line in result.lines():
        print(line)
    return 0 if result.met else 1


if __name__ == "__main__":
    raise SystemExit(main())
