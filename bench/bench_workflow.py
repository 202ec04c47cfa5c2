"""Benchmark of the incident workflow through the service layer (a script, not a test).

Runs N full lifecycles — register → route → save_draft → submit → (every 5th: return for
revision + save_and_resubmit) → approve → publish — on a fresh database and prints the rate
and the time of each step. The services read the time from ``app.services.clock.now``; the
script replaces it with a clock that moves in the administration's working time, so every
step happens on a working day within working hours, as in real use.

Incidents go in waves (``--wave``, default 10): a wave is registered, then routed, answered,
approved and published, the way a curator's day has several incidents in flight at once.

Run from the repository root:

    .venv/bin/python bench/bench_workflow.py                     # 10 000 on a temp SQLite file
    .venv/bin/python bench/bench_workflow.py --count 2000 --db postgresql://postgres@127.0.0.1/benchwf
    .venv/bin/python bench/bench_workflow.py --count 1000 --profile   # + cProfile hot spots
    .venv/bin/python bench/bench_workflow.py --count 1000 --sql-top 20  # + the costliest statements

Per step it prints calls, ms per call, SQL statements per call and the share of the call spent
executing statements («в СУБД»: the time of ``execute``, without COMMIT and row fetching).

``--db`` must name an empty database (or one the script has filled before: users, units and
links carry a per-run suffix so runs do not collide).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peewee import Database  # noqa: E402

from app.models.enums import IncidentStatus, ReturnReason, Role, UnitKind  # noqa: E402
from app.services import audit, calendar_store, catalog, clock, users, workflow  # noqa: E402
from app.services.database import close_database, open_database  # noqa: E402
from app.services.permissions import Actor, actor_for  # noqa: E402

T = TypeVar("T")
SAVEPOINT_NAME = re.compile(r'"s[0-9a-f]{32}"')  # peewee names every savepoint afresh
MSK = ZoneInfo("Europe/Moscow")
UTC = timezone.utc
START = datetime(2026, 1, 12, 9, 0, tzinfo=MSK)  # Monday after the New Year holidays

TEXT = ("На улице Красной третий день не горят фонари у дома {n}, вечером идти страшно. "
        "Когда починят? Звонили в управляющую компанию — там не знают.")
DRAFT = "Добрый день! Заявка передана в МКУ «Управление благоустройства», фонари у дома {n} проверят."
REVISED = ("Здравствуйте! Фонари у дома {n} на улице Красной починят сегодня до 18:00: "
           "бригада МКУ «Управление благоустройства» уже выехала. Спасибо, что сообщили.")
STEPS = ("register", "route", "save_draft", "submit", "return_for_revision", "save_and_resubmit",
         "approve", "publish")


class WorkingClock:
    """Stands in for ``app.services.clock.now``: a moment that moves in working minutes."""

    def __init__(self, start: datetime) -> None:
        self.moment = start
        self.calendar = calendar_store.current_calendar()  # fixed for the run: nobody edits it

    def now(self) -> datetime:
        return self.moment.astimezone(UTC).replace(microsecond=0)

    def work(self, minutes: float) -> None:
        self.moment = self.calendar.add_working_time(self.moment, timedelta(minutes=minutes))


class Timings:
    """Seconds spent in each service call and the SQL statements it sent, by step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.queries: dict[str, int] = defaultdict(int)
        self.in_db: dict[str, float] = defaultdict(float)
        self.statements = 0
        self.db_seconds = 0.0
        #: with --sql-top: statement text (parameters are placeholders) → [count, seconds]
        self.by_sql: dict[str, list[float]] | None = None

    def count_statements(self, database: Database) -> None:
        """Count every statement peewee sends through ``execute_sql`` (SAVEPOINTs too) and its time.

        The time is that of executing the statement (for SQLite up to its first row), not of
        fetching the rows, so «в СУБД» slightly understates the database's share.
        """
        original = database.execute_sql

        def counted(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
            self.statements += 1
            t0 = time.perf_counter()
            try:
                return original(sql, params, *args, **kwargs)
            finally:
                took = time.perf_counter() - t0
                self.db_seconds += took
                if self.by_sql is not None:
                    entry = self.by_sql.setdefault(SAVEPOINT_NAME.sub('"s…"', sql), [0, 0.0])
                    entry[0] += 1
                    entry[1] += took

        database.execute_sql = counted  # type: ignore[method-assign]

    def run(self, step: str, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        q0, d0 = self.statements, self.db_seconds
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        self.seconds[step] += time.perf_counter() - t0
        self.calls[step] += 1
        self.queries[step] += self.statements - q0
        self.in_db[step] += self.db_seconds - d0
        return result


def _fmt(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}".replace(",", " ")


def build_world(tag: str) -> tuple[int, list[tuple[int, int]], int, int]:
    """A curator, three units with one executor each, a topic and a location."""
    unit_names = [("Отдел ЖКХ, благоустройства и транспорта", UnitKind.DEPARTMENT, "zhkh"),
                  ("МКУ «Управление благоустройства»", UnitKind.INSTITUTION, "blago"),
                  ("МУП «Кореновский водоканал»", UnitKind.INSTITUTION, "vodokanal")]
    executors = []
    for name, kind, login in unit_names:
        unit = catalog.create_unit(f"{name} {tag}", kind).id
        user = users.create_user(f"bench-{login}-{tag}", f"Исполнитель {login}", "bench-password", [Role.EXECUTOR],
                                 unit_id=unit)
        executors.append((user.id, unit))
    curator = users.create_user(f"bench-kurator-{tag}", "Слепокурова Яна Евгеньевна", "bench-password",
                                [Role.CURATOR]).id
    topic = catalog.create_topic("Благоустройство", "Уличное освещение").id
    location = catalog.create_location("ул. Красная")
    return curator, executors, topic, location


def run(count: int, wave: int, tag: str, timings: Timings, progress: bool) -> float:
    """Drive ``count`` lifecycles; returns the wall seconds of the timed part."""
    wc = WorkingClock(START)
    clock.now = wc.now  # the services read the time from here
    curator_id, executors, topic_id, location_id = build_world(tag)
    actors: dict[int, Actor] = {}
    actors_day: date | None = None

    def actor(user_id: int) -> Actor:
        # the UI loads the signed-in user's deputy duties once a day, not per click
        nonlocal actors_day
        today = wc.moment.date()
        if today != actors_day:
            actors.clear()
            actors_day = today
        if user_id not in actors:
            actors[user_id] = timings.run("actor_for", actor_for, user_id, today)
        return actors[user_id]

    refs: dict[int, workflow.Ref] = {}  # lifecycle number → incident and its current version
    execs: dict[int, tuple[int, int]] = {}  # lifecycle number → (executor, unit)

    def publish_all(numbers: list[int]) -> None:
        for n in numbers:
            wc.work(0.5)
            r = refs[n]
            refs[n] = timings.run("publish", workflow.publish, actor(execs[n][0]), r.id, r.version,
                                  url=f"https://vk.com/wall-{tag}_{n}?reply={n + 1}")

    done = 0
    started = time.perf_counter()
    chunk_start, chunk_done = started, 0
    while done < count:
        batch = range(done, min(done + wave, count))
        refs.clear()
        execs.clear()
        execs.update({n: executors[n % len(executors)] for n in batch})
        for n in batch:
            wc.work(1)
            refs[n] = timings.run("register", workflow.register_incident, actor(curator_id),
                                  link=f"https://vk.com/wall-{tag}_{n}", author="Ирина Ковалёва",
                                  text=TEXT.format(n=n), detected_at=wc.moment - timedelta(minutes=2))
        wc.work(5)
        for n in batch:
            wc.work(0.5)
            r = refs[n]
            refs[n] = timings.run("route", workflow.route, actor(curator_id), r.id, r.version,
                                  unit_ids=[execs[n][1]], topic_id=topic_id, location_id=location_id)
        wc.work(30)
        for n in batch:
            wc.work(1)
            r = refs[n]
            r = timings.run("save_draft", workflow.save_draft, actor(execs[n][0]), r.id, r.version,
                            text=DRAFT.format(n=n))
            wc.work(0.5)
            refs[n] = timings.run("submit", workflow.submit_answer, actor(execs[n][0]), r.id, r.version)
        wc.work(10)
        # the curator reviews the drafts in order: every 5th goes back for revision (clause 14)
        for n in batch:
            wc.work(0.5)
            r = refs[n]
            if n % 5 == 4:
                refs[n] = timings.run("return_for_revision", workflow.return_for_revision, actor(curator_id),
                                      r.id, r.version, reasons=[ReturnReason.CLAUSE_20],
                                      comment="Канцелярит, напишите проще и назовите срок")
            else:
                refs[n] = timings.run("approve", workflow.approve, actor(curator_id), r.id, r.version)
        returned = [n for n in batch if n % 5 == 4]
        approved = [n for n in batch if n % 5 != 4]
        wc.work(5)
        publish_all(approved)
        if returned:
            wc.work(15)
            for n in returned:  # clause 15: the new version within an hour
                wc.work(2)
                r = refs[n]
                refs[n] = timings.run("save_and_resubmit", workflow.save_and_resubmit, actor(execs[n][0]),
                                      r.id, r.version, text=REVISED.format(n=n))
            wc.work(5)
            for n in returned:
                wc.work(0.5)
                r = refs[n]
                refs[n] = timings.run("approve", workflow.approve, actor(curator_id), r.id, r.version)
            wc.work(5)
            publish_all(returned)
        done += len(batch)
        chunk_done += len(batch)
        if progress and (done % 1000 < wave or done == count) and chunk_done:
            now = time.perf_counter()
            print(f"  … {_fmt(done)} циклов, последние {_fmt(chunk_done)}: "
                  f"{_fmt(chunk_done / (now - chunk_start))} циклов/с, часы сервиса: "
                  f"{wc.moment:%d.%m.%Y %H:%M}", flush=True)
            chunk_start, chunk_done = now, 0
    return time.perf_counter() - started


def report(count: int, seconds: float, timings: Timings) -> None:
    steps = [s for s in (*STEPS, "actor_for") if timings.calls.get(s)]
    in_services = sum(timings.seconds[s] for s in steps)
    print(f"{_fmt(count)} жизненных циклов за {seconds:.1f} с — {_fmt(count / seconds, 1)} циклов/с")
    print(f"{'шаг':<22}{'вызовов':>9}{'всего, с':>10}{'мс/вызов':>10}{'SQL/вызов':>11}{'в СУБД':>8}{'доля':>7}")
    for s in steps:
        calls, sec = timings.calls[s], timings.seconds[s]
        print(f"{s:<22}{_fmt(calls):>9}{sec:>10.2f}{sec / calls * 1000:>10.2f}"
              f"{timings.queries[s] / calls:>11.1f}{timings.in_db[s] / sec:>8.0%}{sec / seconds:>7.0%}")
    print(f"{'вне сервисов (часы)':<22}{'':>9}{seconds - in_services:>10.2f}{'':>10}{'':>11}{'':>8}"
          f"{(seconds - in_services) / seconds:>7.0%}")
    total_sql = sum(timings.queries[s] for s in STEPS)
    print(f"SQL-операторов на жизненный цикл: {total_sql / count:.0f}")


def check(count: int, tag: str) -> None:
    from app.models import AuditEvent, Incident

    answered = (Incident.select().where((Incident.status == IncidentStatus.ANSWERED)
                                        & Incident.link.startswith(f"https://vk.com/wall-{tag}_")).count())
    late = (AuditEvent.select().join(Incident).where(Incident.link.startswith(f"https://vk.com/wall-{tag}_")
                                                     & (AuditEvent.within_limit == False)).count())  # noqa: E712
    t0 = time.perf_counter()
    chain = audit.verify_chain()
    took = time.perf_counter() - t0
    print(f"Проверка: размещено ответов {_fmt(answered)} из {_fmt(count)}; шагов сверх лимита {_fmt(late)}; "
          f"цепочка журнала ({_fmt(chain.checked)} событий) {'цела' if chain.ok else 'НАРУШЕНА'}, "
          f"проверена за {took:.1f} с")
    if answered != count or not chain.ok:
        raise SystemExit(1)


def print_sql_top(timings: Timings, count: int, top: int) -> None:
    assert timings.by_sql is not None
    rows = sorted(timings.by_sql.items(), key=lambda kv: kv[1][1], reverse=True)[:top]
    print(f"\nSQL-операторы с наибольшим временем в СУБД (всего {timings.db_seconds:.1f} с):")
    print(f"{'с':>7}{'раз':>9}{'на цикл':>8}{'мс':>7}  оператор")
    for sql, (n, sec) in rows:
        text = " ".join(sql.split())
        print(f"{sec:>7.2f}{_fmt(n):>9}{n / count:>8.1f}{sec / n * 1000:>7.2f}  {text[:150]}")


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"app/services/", top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description="Скорость полного жизненного цикла инцидента через сервисы")
    parser.add_argument("--count", type=int, default=10_000, help="сколько жизненных циклов (по умолчанию 10 000)")
    parser.add_argument("--db", help="адрес базы (по умолчанию новый файл SQLite во временной папке)")
    parser.add_argument("--wave", type=int, default=10, help="инцидентов «в работе» одновременно (по умолчанию 10)")
    parser.add_argument("--profile", action="store_true", help="запустить под cProfile и показать горячие места")
    parser.add_argument("--top", type=int, default=25, help="сколько строк профиля показать")
    parser.add_argument("--sql-top", type=int, default=0, metavar="N",
                        help="показать N SQL-операторов с наибольшим временем в СУБД")
    parser.add_argument("--quiet", action="store_true", help="без промежуточных строк")
    args = parser.parse_args()
    if args.count <= 0 or args.wave <= 0:
        parser.error("--count и --wave должны быть положительными")

    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite3"
        opened = open_database(url)
        print(f"База: {opened.target.display()}; волна {args.wave}; старт часов сервиса "
              f"{START:%d.%m.%Y %H:%M} МСК", flush=True)
        tag = uuid.uuid4().hex[:8]
        timings = Timings()
        timings.count_statements(opened.database)
        if args.sql_top:
            timings.by_sql = {}
        original_now = clock.now
        profiler = cProfile.Profile() if args.profile else None
        try:
            if profiler:
                profiler.enable()
            seconds = run(args.count, args.wave, tag, timings, not args.quiet)
            if profiler:
                profiler.disable()
            report(args.count, seconds, timings)
            check(args.count, tag)
        finally:
            clock.now = original_now
            close_database()
        if args.sql_top:
            print_sql_top(timings, args.count, args.sql_top)
        if profiler:
            print_profile(profiler, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
