"""Load test (issue 16): 20 simulated clients at a region's pace on one shared database.

A fresh database is made for the run (PostgreSQL by default; dropped at the end unless ``--keep``):
the schema and the server's rules through ``open_database`` as the owner, then units, topics, places
and people — curators, executors of several units, the head and the responsible official — each
with a server role and a password of their own. Every client is an OS process (``spawn``) that
signs in with ``open_as_person`` as its person, as the program on a PC of the administration does,
so every statement runs under that person's role and the server's row-level security.

The clients behave like people. They poll their queue (``queue.fetch_page`` without clocks, then
``queue.current_clocks`` of the page and ``queue.count``, as the queue window does), open the card
of an incident (``incident_view.load_card``), think, and act through ``app.services.workflow``:

- curators register the incidents as they arrive (1,000 in a working day by default, a Poisson
  stream spread over the day), route the new ones to a unit and decide on the drafts on approval
  (one in five goes back for revision once);
- executors (two per unit) write a draft and send it for approval, post the approved answer and
  revise a returned one (``save_and_resubmit``);
- the head and the responsible official read: queue pages of every tab, the next page, cards.

Time is accelerated: the services' clock (``app.services.clock.now``) of every client moves
through the administration's working time of the last working day ``--speed`` times faster than
the wall clock, from one common start; the arrivals and every think-time are counted in that time.
By default the speed makes ``--minutes`` of wall time cover one working day.

Each service call is timed (wall time around the call) and counted by kind: calls, calls a second,
p50/p95/p99/max in milliseconds, and errors — conflicts (``ConflictError``: another person was
first, normal), transient ones (``ActionFailed``: a lock not granted in time, the connection lost…)
and any other (which must not happen). At the end the audit chain is verified. The exit code is
not 0 when there was a transient or other error or the chain is broken.

    .venv/bin/python bench/bench_load.py                          # 3 min, 20 clients, PostgreSQL
    .venv/bin/python bench/bench_load.py --minutes 5 --clients 30
    .venv/bin/python bench/bench_load.py --backend sqlite         # one SQLite file, many processes
    .venv/bin/python bench/bench_load.py --sql-top 40             # + the statements with the most time
    .venv/bin/python bench/bench_load.py --profile /tmp/prof      # + each client's processor profile

The table also gives the processor time a call takes on average: of the client process and of its
server session (read from /proc, PostgreSQL on this machine only).

It is not part of ``python -m bench`` (it takes minutes); see docs/performance.md, «Нагрузка: 20
клиентов».
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import queue as queue_module
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T = TypeVar("T")
UTC = timezone.utc
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
GOAL_P95_MS = 50.0

#: units of the administration the incidents go to (two executors each by default)
UNITS = (("Отдел ЖКХ, благоустройства и транспорта", "zhkh"),
         ("МКУ «Управление благоустройства»", "blago"),
         ("МУП «Кореновский водоканал»", "vodokanal"),
         ("Отдел архитектуры и градостроительства", "arhit"),
         ("Отдел имущественных и земельных отношений", "imusch"),
         ("МКУ «Кореновский культурно-досуговый центр»", "kultura"),
         ("Отдел по физической культуре и спорту", "sport"),
         ("Отдел по делам молодёжи", "molod"))
TOPICS = (("Благоустройство", "Уличное освещение"), ("Благоустройство", "Уборка территории"),
          ("ЖКХ", "Водоснабжение"), ("ЖКХ", "Отопление"), ("Дороги", "Ямы на дорогах"),
          ("Транспорт", "Расписание автобусов"), ("Культура", "Мероприятия"), ("Спорт", "Спортивные площадки"))
STREETS = ("ул. Красная", "ул. Ленина", "ул. Мира", "ул. Северная", "ул. Пурыхина", "ул. Тимашевская",
           "ул. Княжеская", "ул. Выселковская")
SURNAMES = ("Иваненко", "Пономаренко", "Онищенко", "Сидоренко", "Белоус", "Коваленко", "Бондаренко", "Ткаченко",
            "Шевченко", "Кравченко", "Олейник", "Лысенко", "Мельник", "Гончаренко", "Руденко", "Павленко",
            "Марченко", "Литвиненко", "Савченко", "Тарасенко")
AUTHORS = ("Ирина Ковалёва", "Сергей Петренко", "Анна Морозова", "Олег Дьяченко", "Марина Гриценко",
           "Виктор Лукьяненко", "Наталья Зинченко", "Дмитрий Карпенко")
MESSAGES = ("На {street} третий день не горят фонари у дома {n}, вечером идти страшно. Когда починят?",
            "У дома {n} на {street} прорвало трубу, вода течёт по тротуару со вчерашнего вечера.",
            "На {street} напротив дома {n} огромная яма, машины объезжают по встречной. Сделайте что-нибудь!",
            "Почему на {street} не вывозят мусор? Контейнеры у дома {n} переполнены уже неделю.",
            "Автобус по {street} опять не пришёл по расписанию, ждали у остановки возле дома {n} сорок минут.",
            "Во дворе дома {n} на {street} сломаны качели на детской площадке, дети могут пораниться.")
DRAFT = "Добрый день! Обращение по дому {n} передано в работу: специалисты выедут на место в течение дня."
REVISED = ("Здравствуйте! Специалисты выедут к дому {n} сегодня до 17:00 и устранят неисправность. "
           "Спасибо, что сообщили.")

#: think-times in the simulated working time, seconds (min, max): what a person takes before acting
THINK = {
    "route": (4, 15),          # the curator reads the message and picks topic, place and unit
    "decide": (4, 15),         # the curator reads the draft
    "draft": (90, 300),        # the executor finds out and writes the answer
    "submit": (5, 30),         # reads it again and sends it for approval
    "revise": (60, 180),       # rewrites a returned draft
    "publish": (30, 120),      # posts the approved answer in the network and copies the link
    "read": (15, 60),          # the head or the responsible official looks at a page or a card
}
#: how often an idle person looks at their queue again (simulated seconds)
POLL = {"curator": 30, "executor": 120}
#: at most this many rows of one look at the queue are worked through before looking again
BATCH = 8
#: a curator takes the incidents «of their own half»; a colleague's ones too once they have waited this long
#: (simulated minutes since the curator first saw them in the queue)
HELP_AFTER_MIN = 20
#: a call slower than this (ms) is kept for the list of the slowest calls
SLOW_MS = 200.0

WRITE_KINDS = ("register_incident", "route", "save_draft", "submit_answer", "approve", "return_for_revision",
               "save_and_resubmit", "publish")
READ_KINDS = ("fetch_page", "current_clocks", "count", "load_card")
LABELS = {
    "register_incident": "регистрация", "route": "направление", "save_draft": "проект ответа",
    "submit_answer": "на согласование", "approve": "согласование", "return_for_revision": "возврат",
    "save_and_resubmit": "доработка", "publish": "размещение", "fetch_page": "очередь: строки",
    "current_clocks": "очередь: сроки", "count": "очередь: число", "load_card": "карточка",
}


# --- the plan of a client ------------------------------------------------------------------------

@dataclass(frozen=True)
class ClientPlan:
    """What one client process is told: who it is and how the simulated day runs."""

    url: str                      # the personal address (no user) on PostgreSQL; the file's on SQLite
    backend: str
    login: str
    password: str
    kind: str                     # "curator" | "executor" | "reader"
    index: int                    # its number among the clients of its kind
    peers: int                    # clients of its kind (curators) or colleagues of its unit (executors)
    seed: int
    unit_id: int | None
    unit_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    location_ids: tuple[int, ...]
    day_start: datetime           # the simulated working day's first moment (aware)
    speed: float                  # simulated seconds per wall second
    arrivals_per_s: float         # this curator's incidents per simulated working second
    seconds: float                # wall seconds of the run
    profile: str = ""             # a folder for this client's processor-time profile (``--profile``), or ""
    sql_top: bool = False         # time every statement by its text (``--sql-top``)


@dataclass
class ClientReport:
    """What a client process sends back at the end."""

    login: str
    kind: str
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    samples: list[tuple[str, str, str]] = field(default_factory=list)  # kind, class, message
    slow: list[tuple[float, str, float, str]] = field(default_factory=list)  # ms, kind, wall offset s, login
    program_log: Counter = field(default_factory=Counter)
    log_samples: list[str] = field(default_factory=list)
    failed: str = ""
    cpu_client_s: float = 0.0     # processor time of the client process during the run
    cpu_server_s: float = 0.0     # processor time of its server session (PostgreSQL on this machine)
    cpu_ms: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # kind → client CPU ms
    server_ms: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # kind → session CPU ms
    #: with --sql-top: (call kind, statement text with the numbers written «N») → [times, wall seconds]
    statements: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def plain(self) -> dict[str, Any]:
        """Picklable without lambdas."""
        return {"login": self.login, "kind": self.kind, "ms": dict(self.ms),
                "errors": {k: dict(v) for k, v in self.errors.items()}, "samples": self.samples,
                "slow": self.slow, "program_log": dict(self.program_log), "log_samples": self.log_samples,
                "failed": self.failed, "cpu_client_s": self.cpu_client_s, "cpu_server_s": self.cpu_server_s,
                "cpu_ms": dict(self.cpu_ms), "server_ms": dict(self.server_ms), "statements": self.statements}


# --- inside a client process ----------------------------------------------------------------------

class SimulatedClock:
    """The services' clock: the working time of the simulated day, ``speed`` times faster than the wall."""

    def __init__(self, calendar: Any, day_start: datetime, speed: float, wall_start: float) -> None:
        self.calendar = calendar
        self.day_start = day_start
        self.speed = speed
        self.wall_start = wall_start

    def elapsed(self) -> float:
        """Simulated working seconds since the day began."""
        return max(0.0, (time.time() - self.wall_start) * self.speed)

    def moment(self) -> datetime:
        return self.calendar.add_working_time(self.day_start, timedelta(seconds=self.elapsed()))

    def now(self) -> datetime:
        return self.moment().astimezone(UTC).replace(microsecond=0)


class _ProgramLog(logging.Handler):
    """Counts what the program itself logs about its transactions and connections (retries, reconnects)."""

    def __init__(self, report: ClientReport) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        key = text.split("(")[0].split(":")[0].strip()[:70]
        self.report.program_log[key] += 1
        if len(self.report.log_samples) < 3:
            self.report.log_samples.append(f"{record.name}: {text}")


class Person:
    """One simulated person: signs in, then polls, reads, thinks and acts until the run ends."""

    def __init__(self, plan: ClientPlan, user_id: int, wall_start: float, report: ClientReport) -> None:
        from app.services import calendar_store
        from app.services.permissions import actor_for

        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.clock = SimulatedClock(calendar_store.current_calendar(), plan.day_start, plan.speed, wall_start)
        self.end = wall_start + plan.seconds
        self.report = report
        self.actor = actor_for(user_id, plan.day_start.date())  # once a day, as the window does
        self.kind = ""  # the kind of the call under way (for --sql-top)
        if plan.sql_top:
            self._time_statements()

    def _time_statements(self) -> None:
        """Time every statement the program sends, by the call it belongs to and its text."""
        from app.models import db

        database = db.obj
        original = database.execute_sql
        numbers = re.compile(r"\b\d+\b")
        lists = re.compile(r"\((?:N|%s)(?:, ?(?:N|%s))+\)")

        def timed(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return original(sql, params, *args, **kwargs)
            finally:
                key = (self.kind, lists.sub("(…)", numbers.sub("N", " ".join(sql.split()))))
                entry = self.report.statements.setdefault(key, [0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - started

        database.execute_sql = timed  # type: ignore[method-assign]

    # timing and errors

    def call(self, kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one service call, timed; None when it failed (the failure is counted by its class)."""
        from app.services import failures
        from app.services.errors import ActionFailed, ConflictError

        self.kind = kind
        started, cpu, session = time.perf_counter(), time.process_time(), _session_cpu(self.plan.backend, cached=True)
        outcome = ""
        result: T | None = None
        message = ""
        try:
            result = fn(*args, **kwargs)
        except ConflictError as error:
            outcome, message = "conflict", str(error)
        except ActionFailed as error:
            outcome, message = "transient", str(error)
        except Exception as error:  # noqa: BLE001 - anything else is counted and named, the person carries on
            outcome = "transient" if failures.retryable(error) else "other"
            message = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        ms = (time.perf_counter() - started) * 1000
        self.report.ms[kind].append(ms)
        self.report.cpu_ms[kind] += (time.process_time() - cpu) * 1000
        self.report.server_ms[kind] += max(0.0, _session_cpu(self.plan.backend, cached=True) - session) * 1000
        if ms >= SLOW_MS:
            self.report.slow.append((ms, kind, time.time() - self.clock.wall_start, self.plan.login))
        if outcome:
            self.report.errors[kind][outcome] += 1
            if outcome != "conflict" or len(self.report.samples) < 2:
                if len(self.report.samples) < 20:
                    self.report.samples.append((kind, outcome, message[:300]))
        return result

    def over(self) -> bool:
        return time.time() >= self.end

    def think(self, what: str) -> bool:
        """Wait a person's think-time for ``what``; False when the run ends meanwhile."""
        low, high = THINK[what]
        return self.wait(self.rng.uniform(low, high))

    def wait(self, simulated: float) -> bool:
        left = self.end - time.time()
        if left <= 0:
            return False
        time.sleep(min(simulated / self.plan.speed, left))
        return not self.over()

    def look(self, preset: str, offset: int = 0) -> list[Any]:
        """The queue window's look at a tab: its rows, then their clocks and the number of rows."""
        from app.services import queue

        f = queue.QueueFilter(preset=preset)
        page = self.call("fetch_page", queue.fetch_page, self.actor, f, queue.QueueSort(), offset,
                         with_clocks=False)
        if page is None:
            return []
        if page.rows:
            self.call("current_clocks", queue.current_clocks, [r.incident_id for r in page.rows])
        self.call("count", queue.count, self.actor, f)
        return list(page.rows)

    def card(self, incident_id: int) -> Any:
        from app.services import incident_view

        return self.call("load_card", incident_view.load_card, self.actor, incident_id)

    def run(self) -> None:
        raise NotImplementedError


class Curator(Person):
    """Registers the arriving incidents, routes the new ones, decides on the drafts."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.registered = 0
        self.next_arrival = self._gap()
        self.first_seen: dict[tuple[str, int], float] = {}  # (tab, incident) → simulated second first seen

    def _gap(self) -> float:
        return self.rng.expovariate(self.plan.arrivals_per_s) if self.plan.arrivals_per_s > 0 else float("inf")

    def arrivals(self) -> None:
        """Register the incidents that have arrived by now (the platform's export, the own search) — at most
        ``BATCH`` at a time, so that a curator who falls behind still routes and decides in between."""
        from app.models.enums import Priority
        from app.services import workflow

        for _ in range(BATCH):
            if self.over() or self.clock.elapsed() < self.next_arrival:
                return
            self.next_arrival += self._gap()
            self.registered += 1
            n = self.registered
            now = self.clock.moment()
            text = self.rng.choice(MESSAGES).format(street=self.rng.choice(STREETS), n=self.rng.randint(1, 150))
            self.call("register_incident", workflow.register_incident, self.actor,
                      link=f"https://vk.com/wall-{210000 + self.plan.index}_{n}", author=self.rng.choice(AUTHORS),
                      text=text, detected_at=now - timedelta(minutes=self.rng.uniform(1, 10)),
                      priority=Priority.HIGH if self.rng.random() < 0.1 else Priority.NORMAL)

    def take(self, tab: str) -> list[Any]:
        """A look at the tab: the curator's own half of its rows, and a colleague's one once it has waited
        ``HELP_AFTER_MIN`` simulated minutes since this curator first saw it there (the colleague is busy)."""
        rows = self.look(tab)
        peers = max(1, self.plan.peers)
        now = self.clock.elapsed()
        own, waiting = [], []
        for r in rows:
            seen = self.first_seen.setdefault((tab, r.incident_id), now)
            if r.incident_id % peers == self.plan.index % peers:
                own.append(r)
            elif now - seen >= HELP_AFTER_MIN * 60:
                waiting.append(r)
        return own + waiting

    def route_new(self) -> int:
        from app.services import workflow

        done = 0
        for row in self.take("new")[:BATCH]:
            self.arrivals()
            card = self.card(row.incident_id)
            if card is None or card.status != "new" or not self.think("route"):
                continue
            n = row.incident_id
            self.call("route", workflow.route, self.actor, n, card.version,
                      unit_ids=[self.plan.unit_ids[n % len(self.plan.unit_ids)]],
                      topic_id=self.plan.topic_ids[n % len(self.plan.topic_ids)],
                      location_id=self.plan.location_ids[n % len(self.plan.location_ids)])
            done += 1
        return done

    def decide(self) -> int:
        from app.models.enums import AnswerKind, ReturnReason
        from app.services import workflow

        done = 0
        for row in self.take("approval")[:BATCH]:
            self.arrivals()
            card = self.card(row.incident_id)
            if card is None or card.status != "on_approval" or not self.think("decide"):
                continue
            versions = [a for a in card.answers if a.kind != AnswerKind.REQUEST]
            if row.incident_id % 5 == 0 and len(versions) == 1:  # one in five goes back once (clause 14)
                self.call("return_for_revision", workflow.return_for_revision, self.actor, row.incident_id,
                          card.version, reasons=[ReturnReason.CLAUSE_20],
                          comment="Назовите срок и напишите проще")
            else:
                self.call("approve", workflow.approve, self.actor, row.incident_id, card.version)
            done += 1
        return done

    def run(self) -> None:
        while not self.over():
            self.arrivals()
            worked = self.route_new() + self.decide()
            if worked:
                continue
            idle_until = min(self.clock.elapsed() + POLL["curator"], self.next_arrival)
            if not self.wait(max(0.0, idle_until - self.clock.elapsed())):
                break


class Executor(Person):
    """Answers the incidents of their unit: draft and submit, revise when returned, post when approved."""

    ORDER = {"approved": 0, "returned": 1, "routed": 2}

    def mine(self, incident_id: int) -> bool:
        """Colleagues of a unit share its incidents: the curators route incident n to unit n mod units, so
        the unit's own sequence number of the incident decides whose it is."""
        return (incident_id // len(self.plan.unit_ids)) % max(1, self.plan.peers) == self.plan.index

    def run(self) -> None:
        from app.services import workflow

        while not self.over():
            rows = [r for r in self.look("mine") if r.status in self.ORDER and self.mine(r.incident_id)]
            if not rows:
                if not self.wait(POLL["executor"]):
                    break
                continue
            row = sorted(rows, key=lambda r: self.ORDER[r.status])[0]
            card = self.card(row.incident_id)
            if card is None:
                continue
            n = row.incident_id
            if card.status == "approved":
                if self.think("publish"):
                    self.call("publish", workflow.publish, self.actor, n, card.version,
                              url=f"{card.link}?reply={100000 + n}")
            elif card.status == "returned":
                if self.think("revise"):
                    self.call("save_and_resubmit", workflow.save_and_resubmit, self.actor, n, card.version,
                              text=REVISED.format(n=n))
            elif card.status == "routed":
                if not self.think("draft"):
                    break
                ref = self.call("save_draft", workflow.save_draft, self.actor, n, card.version, text=DRAFT.format(n=n))
                if ref is not None and self.think("submit"):
                    self.call("submit_answer", workflow.submit_answer, self.actor, n, ref.version)


class Reader(Person):
    """The head or the responsible official: looks at the tabs and opens cards."""

    def run(self) -> None:
        from app.services import queue

        tabs = [code for code, _label in queue.presets_for(self.actor)]
        while not self.over():
            tab = self.rng.choice(tabs)
            rows = self.look(tab)
            if len(rows) >= 200 and self.rng.random() < 0.3:
                rows = self.look(tab, offset=200) or rows  # scrolled to the next page
            for row in self.rng.sample(rows, min(len(rows), self.rng.randint(0, 2))):
                if not self.think("read"):
                    return
                self.card(row.incident_id)
            if not self.think("read"):
                return


PEOPLE = {"curator": Curator, "executor": Executor, "reader": Reader}


_backend_pid: list[int] = []


def _session_cpu(backend: str, cached: bool = False) -> float:
    """Processor seconds so far of this client's server session (its backend process on this machine;
    0 for SQLite, a remote server or a /proc that cannot be read). ``cached``: the session's process
    as last asked (around every call: asking the server would be a statement of its own); a new
    session after a reconnection is then counted from its own start."""
    if backend != "postgresql":
        return 0.0
    from app.models import db

    try:
        if not cached or not _backend_pid:
            _backend_pid[:] = [int(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])]
        with open(f"/proc/{_backend_pid[0]}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def client_main(plan: ClientPlan, go: Any, wall_start: Any, out: Any) -> None:
    """The body of one client process: sign in as the person, wait for the common start, work, report."""
    report = ClientReport(plan.login, plan.kind)
    handler = _ProgramLog(report)
    for name in ("app.services.transactions", "app.services.database"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        from app.services import clock
        from app.services.database import close_database, open_as_person, open_database

        if plan.backend == "postgresql":
            user_id = open_as_person(plan.url, plan.login, plan.password)[1]
        else:
            from app.services import users

            open_database(plan.url, create=False)
            user_id = users.authenticate(plan.login, plan.password).id
        out.put(("ready", plan.login))
        if not go.wait(timeout=900):
            raise TimeoutError("общий старт не дан")
        person = PEOPLE[plan.kind](plan, user_id, wall_start.value, report)
        clock.now = person.clock.now  # every service of this process reads the simulated time
        cpu = time.process_time()
        server_cpu = _session_cpu(plan.backend)
        if plan.profile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)  # processor time: what the client itself spends
            profiler.runcall(person.run)
            profiler.dump_stats(str(Path(plan.profile) / f"{plan.login}.pstats"))
        else:
            person.run()
        report.cpu_client_s = time.process_time() - cpu
        report.cpu_server_s = max(0.0, _session_cpu(plan.backend) - server_cpu)
        close_database()
    except BaseException as error:  # noqa: BLE001 - the parent must hear of it instead of waiting for ever
        report.failed = f"{type(error).__name__}: {error}"
    out.put(("done", report.plain()))


# --- the parent: the database, the people, the run, the table --------------------------------------

def _server_connection(dbname: str = "postgres") -> Any:
    import psycopg2

    conn = psycopg2.connect(f"{PG_SERVER}/{dbname}", connect_timeout=5)
    conn.autocommit = True
    return conn


def create_pg_database() -> str:
    """A new empty database on the server; returns the owner's URL."""
    name = f"incidents_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = _server_connection()
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"{PG_SERVER}/{name}"


def drop_pg_database(owner_url: str) -> None:
    """Drop the database and the cluster-wide roles made for it (people first, then the groups)."""
    from app.services.server import names

    name = urlsplit(owner_url).path.lstrip("/")
    conn = _server_connection()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pattern = names.role_prefix(name).replace("_", "\\_") + "%"
        cur.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname LIKE %s DESC",
                    (pattern, names.role_prefix(name).replace("_", "\\_") + "u\\_%"))
        for (role,) in cur.fetchall():
            cur.execute(f'DROP ROLE IF EXISTS "{role}"')
    conn.close()


def personal_url(owner_url: str) -> str:
    """The same database without a user: each person signs in as their own role."""
    parts = urlsplit(owner_url)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class World:
    unit_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    location_ids: tuple[int, ...]
    people: tuple[tuple[str, str, str, int | None], ...]  # login, password, kind, unit id
    day_start: datetime
    day_seconds: float


def _split(clients: int) -> tuple[int, int, int]:
    """(curators, executors, readers): 2 / 16 / 2 of 20, the same shares of another number."""
    curators = max(1, round(clients / 10))
    readers = max(1, round(clients / 10)) if clients >= 3 else 0
    return curators, max(1, clients - curators - readers), readers


def last_working_day(calendar: Any) -> date:
    """The last working day before today in the administration's zone (the simulated day)."""
    day = datetime.now(calendar.tz).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def build_world(clients: int) -> World:
    """Units, topics, places and the people of the run, in the database opened by the owner."""
    from app.models.enums import Role, UnitKind
    from app.services import calendar_store, catalog, users

    curators, executors, readers = _split(clients)
    units_used = UNITS[:max(1, min(len(UNITS), (executors + 1) // 2))]
    unit_ids = tuple(catalog.create_unit(name, UnitKind.INSTITUTION if name.startswith(("МКУ", "МУП"))
                                         else UnitKind.DEPARTMENT).id for name, _code in units_used)
    topic_ids = tuple(catalog.create_topic(group, name).id for group, name in TOPICS)
    location_ids = tuple(catalog.create_location(street) for street in STREETS)
    people: list[tuple[str, str, str, int | None]] = []
    names = iter(f"{s} {n}" for n in ("Анна Сергеевна", "Олег Викторович", "Елена Петровна", "Максим Юрьевич")
                 for s in SURNAMES)

    def person(login: str, roles: list[Role], kind: str, unit: int | None) -> None:
        password = f"{login}-load-2026"
        users.create_user(login, next(names), password, roles, unit_id=unit)
        people.append((login, password, kind, unit))

    for n in range(curators):
        person(f"kurator{n + 1}", [Role.CURATOR], "curator", None)
    for n in range(executors):
        unit = n % len(unit_ids)
        person(f"{units_used[unit][1]}{n // len(unit_ids) + 1}", [Role.EXECUTOR], "executor", unit_ids[unit])
    for n in range(readers):
        login, role = (("glava", Role.HEAD), ("otvetstv", Role.RESPONSIBLE))[n % 2]
        person(login if n < 2 else f"{login}{n + 1}", [role], "reader", None)
    calendar = calendar_store.current_calendar()
    day = last_working_day(calendar)
    intervals = calendar.working_intervals(day)
    seconds = sum((b - a).total_seconds() for a, b in intervals)
    return World(unit_ids, topic_ids, location_ids, tuple(people), intervals[0][0], seconds)


def plans(world: World, url: str, backend: str, speed: float, per_day: int, seconds: float,
          profile: str = "", sql_top: bool = False) -> list[ClientPlan]:
    curators = [p for p in world.people if p[2] == "curator"]
    colleagues = Counter(p[3] for p in world.people if p[2] == "executor")
    rate = per_day / world.day_seconds / max(1, len(curators))
    out, seen = [], Counter()
    for n, (login, password, kind, unit) in enumerate(world.people):
        key = unit if kind == "executor" else kind
        index = seen[key]
        seen[key] += 1
        out.append(ClientPlan(url, backend, login, password, kind, index,
                              colleagues[unit] if kind == "executor" else len(curators), 1600 + n, unit,
                              world.unit_ids, world.topic_ids, world.location_ids, world.day_start, speed,
                              rate if kind == "curator" else 0.0, seconds, profile, sql_top))
    return out


class ServerWatch:
    """Looks at the server's sessions of the run twice a second: how many are busy, and what they wait for."""

    def __init__(self, database_name: str) -> None:
        self.name = database_name
        self.samples = 0
        self.active = 0
        self.most_active = 0
        self.idle_in_transaction = 0
        self.waits: Counter = Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        conn = _server_connection()
        with conn.cursor() as cur:
            while not self.stop.wait(0.5):
                cur.execute("SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                            "WHERE datname = %s AND application_name = 'incidents'", (self.name,))
                rows = cur.fetchall()
                active = [r for r in rows if r[0] == "active"]
                self.samples += 1
                self.active += len(active)
                self.most_active = max(self.most_active, len(active))
                self.idle_in_transaction += sum(1 for r in rows if r[0] == "idle in transaction")
                for _state, kind, event in active:
                    if kind:
                        self.waits[f"{kind}:{event}"] += 1
        conn.close()


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all processors so far (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def percentile(sorted_ms: list[float], share: float) -> float:
    """The nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_ms:
        return 0.0
    rank = max(1, -(-int(share * 1000) * len(sorted_ms) // 1000))
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def _f(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") if value < 100 else f"{value:.0f}"


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def table(reports: list[dict[str, Any]], seconds: float) -> tuple[list[str], dict[str, Any]]:
    """The lines of the table and the overall figures (p95 of every call, errors by class); the two last
    columns are the processor time a call takes on average: of the client process and of its server
    session (the server's is counted in the kernel's ticks of 10 ms, exact only summed over many calls)."""
    ms: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, Counter] = defaultdict(Counter)
    cpu: Counter = Counter()
    server: Counter = Counter()
    for r in reports:
        cpu.update(r.get("cpu_ms", {}))
        server.update(r.get("server_ms", {}))
        for kind, values in r["ms"].items():
            ms[kind] += values
        for kind, counts in r["errors"].items():
            errors[kind].update(counts)
    head = (f"{'действие':<38}{'вызовов':>9}{'в сек':>8}{'p50, мс':>9}{'p95, мс':>9}{'p99, мс':>9}{'макс, мс':>10}"
            f"{'конфл.':>8}{'врем.':>7}{'прочие':>8}{'ЦП кл., мс':>12}{'ЦП серв., мс':>14}")
    lines = [head, "-" * len(head)]

    def line(title: str, kinds: tuple[str, ...]) -> tuple[str, float]:
        values = sorted(v for k in kinds for v in ms.get(k, []))
        errs = Counter()
        for k in kinds:
            errs.update(errors.get(k, {}))
        p95 = percentile(values, 0.95)
        calls = max(1, len(values))
        client_ms = sum(cpu.get(k, 0.0) for k in kinds) / calls
        server_ms = sum(server.get(k, 0.0) for k in kinds) / calls
        return (f"{title:<38}{_n(len(values)):>9}{_f(len(values) / seconds):>8}{_f(percentile(values, 0.5)):>9}"
                f"{_f(p95):>9}{_f(percentile(values, 0.99)):>9}{_f(values[-1] if values else 0):>10}"
                f"{errs['conflict']:>8}{errs['transient']:>7}{errs['other']:>8}{_f(client_ms):>12}"
                f"{_f(server_ms):>14}"), p95

    for kind in (*WRITE_KINDS, *READ_KINDS):
        if ms.get(kind):
            lines.append(line(f"{kind} ({LABELS[kind]})", (kind,))[0])
    lines.append("-" * len(head))
    writes, p95_writes = line("действия (записи)", WRITE_KINDS)
    reads, p95_reads = line("чтения (очередь, карточки)", READ_KINDS)
    total, p95 = line("всего", (*WRITE_KINDS, *READ_KINDS))
    lines += [writes, reads, total]
    totals = Counter()
    for counts in errors.values():
        totals.update(counts)
    return lines, {"p95": p95, "p95_writes": p95_writes, "p95_reads": p95_reads, "errors": totals,
                   "calls": sum(len(v) for v in ms.values())}


def print_sql_top(reports: list[dict[str, Any]], top: int) -> None:
    """The statements with the most wall time (``--sql-top``): per call kind, and the kinds' statement counts."""
    merged: dict[tuple[str, str], list[float]] = {}
    for r in reports:
        for key, (n, seconds) in r["statements"].items():
            entry = merged.setdefault(key, [0, 0.0])
            entry[0] += n
            entry[1] += seconds
    calls = Counter()
    for r in reports:
        calls.update({k: len(v) for k, v in r["ms"].items()})
    per_kind: Counter = Counter()
    for (kind, _sql), (n, _seconds) in merged.items():
        per_kind[kind] += n
    print()
    print("SQL-операторов на вызов: " + ", ".join(f"{k} {per_kind[k] / calls[k]:.1f}" for k in calls if calls[k]))
    print(f"SQL-операторы с наибольшим временем (настоящее время вокруг execute):")
    print(f"{'с':>7}{'раз':>8}{'мс':>7}  {'вызов':<18} оператор")
    for (kind, sql), (n, seconds) in sorted(merged.items(), key=lambda kv: kv[1][1], reverse=True)[:top]:
        print(f"{seconds:>7.2f}{n:>8}{seconds / n * 1000:>7.2f}  {kind:<18} {sql[:160]}")


def outcome(owner_url: str) -> dict[str, Any]:
    """After the run, as the owner: the incidents by status and the audit chain verified."""
    from peewee import fn

    from app.models import AuditEvent, Incident
    from app.services import audit
    from app.services.database import close_database, open_database

    open_database(owner_url)
    try:
        statuses = dict(Incident.select(Incident.status, fn.COUNT(Incident.id)).group_by(Incident.status).tuples())
        started = time.perf_counter()
        chain = audit.verify_chain()
        took = time.perf_counter() - started
        outside = audit.outside_changes()
        events = AuditEvent.select().count()
    finally:
        close_database()
    return {"statuses": statuses, "chain": chain, "chain_s": took, "outside": len(outside), "events": events}


def main() -> int:  # noqa: PLR0915 - one straight story: set up, run, report
    parser = argparse.ArgumentParser(
        prog="bench/bench_load.py",
        description="Нагрузка: одновременные клиенты (процессы ОС, каждый — под своей ролью сервера) в темпе "
                    "района — 1000 инцидентов в рабочий день, время ускорено; пропускная способность, "
                    "задержки p50/p95/p99, ошибки. Не входит в «python -m bench» (идёт минуты).")
    parser.add_argument("--minutes", type=float, default=3.0, help="длительность прогона, минут (по умолчанию 3)")
    parser.add_argument("--clients", type=int, default=20,
                        help="клиентов (по умолчанию 20: 2 куратора, 16 исполнителей, 2 читателя)")
    parser.add_argument("--speed", type=float, default=0.0,
                        help="во сколько раз ускорено время (по умолчанию — чтобы --minutes покрыли рабочий день)")
    parser.add_argument("--per-day", type=int, default=1000, help="инцидентов в рабочий день (по умолчанию 1000)")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--keep", action="store_true", help="не удалять базу после прогона")
    parser.add_argument("--sql-top", type=int, default=0, metavar="N",
                        help="напечатать N SQL-операторов с наибольшим временем (по видам вызовов)")
    parser.add_argument("--profile", metavar="ПАПКА", default="",
                        help="профиль процессорного времени каждого клиента (cProfile) в ПАПКА/<логин>.pstats")
    args = parser.parse_args()
    if args.minutes <= 0 or args.clients < 1 or args.per_day < 0:
        parser.error("--minutes, --clients и --per-day должны быть положительными")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, format="%(processName)s %(name)s: %(message)s")

    from app.services.database import close_database, open_database

    tmp: Path | None = None
    if args.backend == "postgresql":
        owner_url = create_pg_database()
        client_url = personal_url(owner_url)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="incidents-load-"))
        owner_url = client_url = f"sqlite:///{tmp / 'load.sqlite3'}"
    code = 0
    try:
        open_database(owner_url)
        world = build_world(args.clients)
        close_database()
        seconds = args.minutes * 60
        speed = args.speed or world.day_seconds / seconds
        curators, executors, readers = _split(args.clients)
        print(f"База: {args.backend} ({owner_url.rsplit('/', 1)[-1]}), новая; клиентов {args.clients}: кураторов "
              f"{curators}, исполнителей {executors} ({len(world.unit_ids)} отделов), читателей {readers} "
              f"(глава, ответственное лицо); каждый — отдельный процесс"
              + (", вход под своей ролью сервера (open_as_person)" if args.backend == "postgresql" else ""),
              flush=True)
        print(f"Моделируемый день: {world.day_start:%d.%m.%Y}, рабочее время {world.day_seconds / 3600:.0f} ч; "
              f"темп {args.per_day} инцидентов в день; ускорение ×{speed:.0f}: {args.minutes:g} мин прогона = "
              f"{seconds * speed / 3600:.1f} рабочих ч", flush=True)

        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        go = context.Event()
        wall_start = context.Value("d", 0.0)
        processes = [context.Process(target=client_main, args=(plan, go, wall_start, out), name=plan.login)
                     for plan in plans(world, client_url, args.backend, speed, args.per_day, seconds,
                                       str(Path(args.profile).resolve()) if args.profile else "",
                                       args.sql_top > 0)]
        for process in processes:
            process.start()
        ready, early = 0, []
        while ready < len(processes):
            message = out.get(timeout=180)
            if message[0] == "ready":
                ready += 1
            else:
                early.append(message[1])
                ready += 1
        if early:
            for r in early:
                print(f"Клиент {r['login']} не начал работу: {r['failed']}", file=sys.stderr)
            go.set()
            for process in processes:
                process.join(timeout=30)
            return 2
        watch = ServerWatch(owner_url.rsplit("/", 1)[-1]) if args.backend == "postgresql" else None
        cpu0 = _cpu_ticks()
        load0 = os.getloadavg()[0]
        wall_start.value = time.time() + 0.5
        go.set()
        print(f"Все {len(processes)} клиентов вошли; прогон {args.minutes:g} мин…", flush=True)
        if watch:
            watch.thread.start()
        reports = []
        try:
            while len(reports) < len(processes):
                message = out.get(timeout=seconds + 180)
                if message[0] == "done":
                    reports.append(message[1])
        except queue_module.Empty:
            print("Не все клиенты закончили работу вовремя", file=sys.stderr)
            code = 2
        elapsed = time.time() - wall_start.value
        cpu1 = _cpu_ticks()
        if watch:
            watch.stop.set()
            watch.thread.join()
        for process in processes:
            process.join(timeout=30)
        failed = [r for r in reports if r["failed"]]
        for r in failed:
            print(f"Клиент {r['login']} прервался: {r['failed']}", file=sys.stderr)
            code = 2

        result = outcome(owner_url)
        lines, overall = table(reports, elapsed)
        statuses = result["statuses"]
        registered = sum(statuses.values())
        expected = args.per_day * elapsed * speed / world.day_seconds
        cpu = (cpu1[0] - cpu0[0]) / max(1, cpu1[1] - cpu0[1])
        cores = os.cpu_count() or 1
        client_cpu = sum(r["cpu_client_s"] for r in reports)
        session_cpu = sum(r["cpu_server_s"] for r in reports)
        print()
        print(f"Прогон {elapsed:.0f} с ({datetime.now():%d.%m.%Y %H:%M}, ядер: {cores}; загрузка процессоров за "
              f"прогон {cpu:.0%}, load average до прогона {load0:.2f}); клиентов {len(reports)}")
        print(f"Процессорное время: клиенты {client_cpu:.0f} с, их сеансы на сервере {session_cpu:.0f} с — "
              f"{(client_cpu + session_cpu) / (elapsed * cores):.0%} от {elapsed * cores:.0f} с {cores} ядер "
              f"(остальное занятое — другие процессы машины)")
        print()
        for text in lines:
            print(text)
        print()
        order = ("new", "routed", "on_approval", "returned", "approved", "answered")
        shown = ", ".join(f"{s} {statuses.get(s, 0)}" for s in order if statuses.get(s))
        print(f"Инцидентов зарегистрировано {registered} (по темпу ожидалось ≈{expected:.0f}); по статусам: {shown}")
        errs = overall["errors"]
        print(f"Ошибки: конфликтов версий {errs['conflict']} (другой пользователь успел раньше — норма), "
              f"временных {errs['transient']}, прочих {errs['other']}")
        log_counts = Counter()
        for r in reports:
            log_counts.update(r["program_log"])
        if log_counts:
            print("Программа сама сообщила (журнал transactions/database): "
                  + "; ".join(f"«{k}» — {v}" for k, v in log_counts.most_common(5)))
        samples = [s for r in reports for s in r["samples"] if s[1] != "conflict"]
        for kind, cls, message in samples[:8]:
            print(f"  {cls}: {kind}: {message}")
        slow = sorted((s for r in reports for s in r["slow"]), reverse=True)
        if slow:
            longest = "; ".join(f"{kind} {ms:.0f} мс ({who}, {at:.0f} с от начала)" for ms, kind, at, who in slow[:5])
            print(f"Вызовов дольше {SLOW_MS:.0f} мс: {len(slow)}; самые долгие: {longest}")
        if watch and watch.samples:
            waits = ", ".join(f"{k} {v / watch.samples:.2f}" for k, v in watch.waits.most_common(5)) or "нет"
            print(f"Сервер (выборки pg_stat_activity дважды в секунду, {watch.samples}): занятых сеансов в среднем "
                  f"{watch.active / watch.samples:.2f}, наибольшее {watch.most_active}; «idle in transaction» "
                  f"в среднем {watch.idle_in_transaction / watch.samples:.2f}; ожидания (сеансов в среднем): {waits}")
        chain = result["chain"]
        print(f"Цепочка журнала: {result['events']} событий, проверено {chain.checked} — "
              f"{'цела' if chain.ok else 'НАРУШЕНА у события ' + str(chain.broken_at) + ': ' + chain.reason} "
              f"(проверка {result['chain_s']:.1f} с)"
              + (f"; изменений без события журнала: {result['outside']}" if args.backend == "postgresql" else ""))
        if args.sql_top:
            print_sql_top(reports, args.sql_top)
        met = overall["p95"] < GOAL_P95_MS
        print(f"цель p95 < {GOAL_P95_MS:.0f} мс: {'выполнена' if met else 'не выполнена'} "
              f"(p95 всех вызовов {_f(overall['p95'])} мс; действий {_f(overall['p95_writes'])} мс, "
              f"чтений {_f(overall['p95_reads'])} мс)")
        if errs["transient"] or errs["other"] or not chain.ok or result["outside"]:
            code = code or 1
    finally:
        close_database()
        if args.keep:
            print(f"База сохранена: {owner_url}")
        elif args.backend == "postgresql":
            drop_pg_database(owner_url)
        elif tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
