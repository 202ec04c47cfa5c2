"""The one database every benchmark of ``python -m bench`` runs on: 1,000,000 incidents with histories.

The incidents are :func:`bench_report.generate`'s: 20,000 a month over 50 months up to October
2026, each with a consistent story (assignment, drafts, the curator's decisions, publication,
clarification requests, consolidated and interim answers…). SQLite gets them through
``insert_many`` in chunks (the full-text triggers fill the search index); PostgreSQL through
``COPY``, one month a statement, with the secondary indexes dropped while copying and built
again after. The database is built once and reused while it holds the incidents asked for.
"""
from __future__ import annotations

import io
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import bench_report

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/incidents_bench"
SQLITE_DEFAULT = Path("/tmp/incidents-bench-runner-1m.sqlite3")


def _n(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def count_incidents(url: str) -> int:
    """Incidents in the database at ``url`` (0 when it does not exist or is not ours yet)."""
    from app.models import Incident
    from app.services.database import close_database, open_database

    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return 0
    if url.startswith("postgresql") and not _pg_exists(url):
        return 0
    open_database(url)
    try:
        return Incident.select().count()
    finally:
        close_database()


def ensure(url: str, total: int, month_size: int, rebuild: bool = False) -> None:
    """Reuse the database at ``url`` if it holds ``total`` incidents; otherwise build it anew."""
    found = 0 if rebuild else count_incidents(url)
    if found == total:
        print(f"База {url}: {_n(found)} инцидентов, строится не заново", flush=True)
        return
    print(f"Строится база {url}: {_n(total)} инцидентов по {_n(month_size)} в месяц…", flush=True)
    started = time.perf_counter()
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        bench_report.build_database(path, total, month_size)
    else:
        _build_postgresql(url, total, month_size)
    _after_build(url)
    print(f"База построена за {time.perf_counter() - started:.0f} с", flush=True)


def _after_build(url: str) -> None:
    """The next-due columns of open incidents (the overdue tab and the queue's order read them) and, on
    the server, each incident's units (the executors' row rule reads them)."""
    from app.models import db
    from app.services import due_index
    from app.services.database import close_database, open_database

    opened = open_database(url)
    due_index.refresh_open()
    if opened.target.backend == "postgresql":
        from app.services.server import policy

        policy.refresh_incident_units(opened.database)  # COPY ran without the triggers that keep them
    db.execute_sql("ANALYZE")
    close_database()


# --- PostgreSQL ----------------------------------------------------------------------------

def _pg_admin(url: str) -> tuple[Any, str]:
    """A connection to the server's «postgres» database (autocommit) and the name of ours."""
    import psycopg2

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    return conn, name


def _pg_exists(url: str) -> bool:
    conn, name = _pg_admin(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def _copy_value(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _build_postgresql(url: str, total: int, month_size: int) -> None:
    from app.models import db
    from app.services.database import close_database, open_database

    conn, name = _pg_admin(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    open_database(url)
    raw = db.connection()
    tables = [model._meta.table_name for model, _key, _fields in bench_report.TABLES]
    with raw.cursor() as cur:
        # secondary indexes are built once at the end, not row by row; no triggers while copying
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)", (tables,))
        indexes = cur.fetchall()
        for index, _definition in indexes:
            cur.execute(f'DROP INDEX "{index}"')
        cur.execute("SET session_replication_role = replica")
    raw.commit()
    started = time.perf_counter()
    count = 0
    for year, month, rows in bench_report.generate(total, month_size):
        with raw.cursor() as cur:
            for model, key, fields in bench_report.TABLES:
                data = rows[key]
                if not data:
                    continue
                # the fields left out get their defaults, as insert_many gives them
                given = {f.name for f in fields}
                extra = [f for f in model._meta.sorted_fields if f.name not in given and f.default is not None]
                defaults = "".join("\t" + _copy_value(f.db_value(f.default() if callable(f.default) else f.default))
                                   for f in extra)
                convert = [f.db_value for f in fields]
                buffer = io.StringIO()
                for row in data:
                    buffer.write("\t".join(_copy_value(c(v)) for c, v in zip(convert, row, strict=True)))
                    buffer.write(defaults + "\n")
                buffer.seek(0)
                columns = ", ".join(f'"{f.column_name}"' for f in [*fields, *extra])
                cur.copy_expert(f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN', buffer)
        raw.commit()
        count += len(rows["incident"])
        if count % (month_size * 5) == month_size or count == total:
            print(f"  {year}-{month:02d}: {count} инцидентов, {time.perf_counter() - started:.0f} с", flush=True)
    with raw.cursor() as cur:
        cur.execute("SET session_replication_role = DEFAULT")
        print(f"  индексы ({len(indexes)})…", flush=True)
        for _index, definition in indexes:
            cur.execute(definition)
        for table in tables:  # the ids were given: the sequences go on after them
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f"COALESCE((SELECT max(id) FROM \"{table}\"), 0) + 1, false)")
    raw.commit()
    close_database()
