"""Every benchmark of ``bench/`` on one database of 1,000,000 incidents, in one table.

    .venv/bin/python -m bench [--backend sqlite|postgresql] [--db FILE | --url URL] [--rebuild]

The database is built once (see :mod:`bench.dataset`: chunks of ``insert_many`` on SQLite,
``COPY`` on PostgreSQL) and reused. Each measure stands next to its bare baseline, measured by
the same run on the same database:

- start-up: a fresh process up to the first page of the queue painted (offscreen; the curator's
  window on the «Все» tab, 1,000,000 incidents urgent first) against a fresh process up to an
  empty ``QMainWindow`` painted;
- the urgent-first queue page (``queue.fetch_page``, its rows with their clocks) against the very
  SQL statements it sent, replayed through a bare ``sqlite3`` / ``psycopg2`` connection;
- the full-text search (the first page of a search) likewise against its own SQL, bare (FTS5 on
  SQLite, ``tsvector`` on PostgreSQL);
- the deadline computation: ``add_working_time`` calls a second (no baseline);
- the monthly report of 20,000 incidents (``build_monthly_report``, as in daily work: the clocks
  of finished incidents stored when they closed) against a bare openpyxl write-only dump of the
  rows of its two big sheets («Реестр» and «Просрочки»);
- the peak memory (RSS) of the application process of the start-up measure, with the queue of
  1,000,000 incidents open and scrolled three pages down.

Times are the best of ``--runs``; the table says for each goal whether it is met.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_report, bench_worktime, dataset  # noqa: E402

SEARCH = "Петренко"  # one author in eight (125,000 incidents): a common word, the hard case of a search


# --- helpers ------------------------------------------------------------------------------

def _best(action: Callable[[], Any], runs: int) -> float:
    """The shortest of ``runs`` timings of ``action`` (after one run to warm the caches)."""
    action()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


class _Statements(logging.Handler):
    """Collects the (SQL, parameters) peewee sends to the driver."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.seen.append(record.msg)


def statements_of(action: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements ``action`` sends through peewee, in order."""
    logger = logging.getLogger("peewee")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        action()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return handler.seen


def bare_connection(url: str) -> Any:
    """A driver connection of our own to the same database, without peewee or the application."""
    if url.startswith("sqlite:///"):
        import sqlite3

        from app.services.database import SQLITE_PRAGMAS

        conn = sqlite3.connect(url[len("sqlite:///"):])
        for name, value in SQLITE_PRAGMAS.items():
            if name not in ("journal_mode", "foreign_keys"):
                conn.execute(f"PRAGMA {name} = {value}")
        return conn
    import psycopg2

    return psycopg2.connect(url)


def replay(conn: Any, statements: list[tuple[str, Any]]) -> None:
    """Run the statements on the bare connection and fetch every row."""
    cur = conn.cursor()
    for sql, params in statements:
        cur.execute(sql, params or ())
        if cur.description is not None:
            cur.fetchall()
    conn.rollback()


# --- the measures -------------------------------------------------------------------------

def measure_startup(url: str, runs: int) -> tuple[float, float, float, int]:
    """(app start-up s, empty window s, peak RSS MB of the app, rows shown) — fresh processes."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    def start(*args: str) -> dict[str, float]:
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bench.startup", "--t0", repr(t0), *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"запуск не удался: {done.stderr[-2000:]}")
        return json.loads(lines[-1])

    apps = [start("--mode", "app", "--url", url) for _ in range(runs)]
    empties = [start("--mode", "empty") for _ in range(runs)]
    return (min(a["painted"] for a in apps), min(e["painted"] for e in empties),
            max(a["peak_rss_mb"] for a in apps), int(apps[-1]["rows"]))


def measure_queue(url: str, runs: int, search: str = "", clocks: bool = True) -> tuple[float, float, int, int]:
    """(service s, the same SQL bare s, rows on the page, statements) for the first urgent-first page;
    ``clocks=False``: its rows alone, as the window shows them first (the clocks follow)."""
    from app.models import User
    from app.services import queue
    from app.services.permissions import actor_for

    actor = actor_for(User.get(User.login == "kurator").id)
    f = queue.QueueFilter(preset="all", search=search)
    page = queue.fetch_page(actor, f, with_clocks=clocks)
    service = _best(lambda: queue.fetch_page(actor, f, with_clocks=clocks), runs)
    statements = statements_of(lambda: queue.fetch_page(actor, f, with_clocks=clocks))
    conn = bare_connection(url)
    try:
        bare = _best(lambda: replay(conn, statements), runs)
    finally:
        conn.close()
    return service, bare, len(page.rows), len(statements)


def measure_report(runs: int) -> tuple[float, float, int, int]:
    """(report s, bare dump s, register rows, «Просрочки» rows) for the month of 20,000 incidents."""
    from app.services import report

    first, last = bench_report._month_bounds(*bench_report.TARGET)
    prev_first, prev_last = report.previous_period(first, last)
    # as in daily work: the workflow stored each finished incident's clocks when it closed (the
    # first report stores those of its own month, _remember those of the month before)
    report.build_monthly_report(first, last, bench_report.OUT, now=bench_report.NOW)
    bench_report._remember(prev_first, prev_last)
    data = report.collect(first, last, bench_report.NOW)
    late = bench_report.late_values(data)
    reports, dumps = [], []
    for _ in range(runs):  # interleaved: a slow spell of the machine hits both
        started = time.perf_counter()
        report.build_monthly_report(first, last, bench_report.OUT, now=bench_report.NOW)
        reports.append(time.perf_counter() - started)
        dumps.append(bench_report.bare_dump(data.register, bench_report.DUMP, late))
    return min(reports), min(dumps), len(data.register), len(late)


# --- the table ----------------------------------------------------------------------------

def _s(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} мс".replace(".", ",")
    return f"{seconds * 1000:.0f} мс" if seconds < 1 else f"{seconds:.2f} с".replace(".", ",")


def _x(ratio: float) -> str:
    return f"{ratio:.2f}".replace(".", ",")


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _verdict(met: bool, why: str = "") -> str:
    return "да" if met else f"**нет**{': ' + why if why else ''}"


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="Все замеры скорости на одной базе в 1 000 000 инцидентов")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--db", type=Path, default=dataset.SQLITE_DEFAULT, help="файл SQLite")
    parser.add_argument("--url", default=dataset.PG_DEFAULT, help="база PostgreSQL (создаётся заново при сборке)")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--month-size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="повторы каждого замера (берётся лучший)")
    parser.add_argument("--rebuild", action="store_true", help="построить базу заново")
    args = parser.parse_args()
    url = f"sqlite:///{args.db}" if args.backend == "sqlite" else args.url
    dataset.ensure(url, args.incidents, args.month_size, args.rebuild)

    print("Запуск программы (отдельные процессы, offscreen)…", flush=True)
    startup, empty, rss, shown = measure_startup(url, args.runs)
    from app.services.database import close_database, open_database

    open_database(url)
    print("Очередь и поиск…", flush=True)
    rows, rows_bare, rows_rows, rows_sql = measure_queue(url, max(5, args.runs), clocks=False)
    page, page_bare, page_rows, page_sql = measure_queue(url, max(5, args.runs))
    found, found_bare, found_rows, found_sql = measure_queue(url, max(5, args.runs), SEARCH, clocks=False)
    print("Расчёт сроков…", flush=True)
    rate = bench_worktime.rates(300_000)["add"]
    print("Отчёт за месяц…", flush=True)
    made, dump, register_rows, late_rows = measure_report(args.runs)
    close_database()

    bare = "sqlite3" if args.backend == "sqlite" else "psycopg2"
    fts = "FTS5" if args.backend == "sqlite" else "tsvector"
    table = [
        ("Запуск до первой страницы очереди на экране", _s(startup), f"пустое QMainWindow: {_s(empty)}",
         _x(startup / empty), "≤ 1,0 с", _verdict(startup <= 1.0)),
        (f"Страница очереди «по срочности», строки без сроков ({rows_rows}; окно показывает их первыми)",
         _s(rows), f"те же {rows_sql} SQL-запросов через {bare}: {_s(rows_bare)}", _x(rows / rows_bare), "≤ 2",
         _verdict(rows / rows_bare <= 2)),
        (f"Та же страница со сроками ({page_rows} строк)", _s(page),
         f"те же {page_sql} SQL-запросов через {bare}: {_s(page_bare)}", _x(page / page_bare), "≤ 2",
         _verdict(page / page_bare <= 2)),
        (f"Поиск «{SEARCH}», первая страница ({found_rows} строк без сроков)", _s(found),
         f"те же {found_sql} SQL-запросов ({fts}) через {bare}: {_s(found_bare)}", _x(found / found_bare), "≤ 2",
         _verdict(found / found_bare <= 2)),
        ("Расчёт сроков (add_working_time)", f"{_n(rate)} в секунду", "—", "—", "≥ 200 000 в секунду",
         _verdict(rate >= 200_000)),
        (f"Отчёт за месяц (20 000 инцидентов; реестр {register_rows} строк, «Просрочки» {late_rows})", _s(made),
         f"openpyxl write-only, те же строки: {_s(dump)}", _x(made / dump), "≤ 1,3", _verdict(made / dump <= 1.3)),
        (f"Пиковая память программы с открытой очередью (1 000 000, прокручено до {shown} строк)",
         f"{_n(rss)} МБ", "—", "—", "≤ 300 МБ", _verdict(rss <= 300)),
    ]
    print()
    print(f"База: {args.backend}, {_n(args.incidents)} инцидентов; лучший из {args.runs} "
          f"(очередь и поиск — из {max(5, args.runs)}); {datetime.now():%d.%m.%Y %H:%M}, ядер: {os.cpu_count()}")
    print()
    print("| Замер | Программа | Голый базовый замер | Отношение | Цель | Цель достигнута |")
    print("|---|---|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # as bench_queue: PySide6 on Python 3.11 may abort in the final collection
