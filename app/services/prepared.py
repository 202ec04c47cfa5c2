"""SELECTs whose SQL is written once per process and kind of database, then run with new values.

Peewee writes a query's SQL anew each time it runs it: walking the query's tree costs a quarter of a
millisecond for an ordinary SELECT of the card — more than the server takes to answer it, and the
card runs a dozen of them. A query of a fixed shape (one incident's assignments, its answers, …)
is built here once with marker values in place of the caller's, its SQL and values kept; each run
puts the caller's values where the markers stood and hands the server the same SQL.

Only the values of ``where`` comparisons are replaced, and only integers (ids): a marker is an
integer no row has, and the query is refused if a marker does not come out as a value of its own.
The rows come back exactly as from the query itself (model objects, tuples, dicts — as it asks).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from app.models import db

#: stand-ins for the caller's values while the query is built once (ids no table ever gives out)
MARKS = tuple(-7_391_204_561 - n for n in range(8))

_lock = threading.Lock()
_built: dict[tuple[str, type], tuple[Any, str, tuple[Any, ...], tuple[tuple[int, int], ...]]] = {}


def statement(name: str, build: Callable[..., Any], *values: int) -> tuple[Any, str, list[Any]]:
    """The query built once for ``name`` (with markers), its SQL and the values of this run.
    ``name`` names the call site: one shape of query per name; ``build`` is called once per process
    and kind of database, with markers for ``values``."""
    key = (name, type(db.obj))
    entry = _built.get(key)
    if entry is None:
        query = build(*MARKS[:len(values)])
        sql, params = query.sql()
        slots = tuple((i, MARKS.index(p)) for i, p in enumerate(params) if isinstance(p, int) and p in MARKS)
        if sorted({m for _, m in slots}) != list(range(len(values))):
            raise ValueError(f"{name}: every value must come out as a value of its own in the query's SQL")
        entry = (query, sql, tuple(params), slots)
        with _lock:
            _built[key] = entry
    query, sql, params, slots = entry
    actual = list(params)
    for position, mark in slots:
        actual[position] = int(values[mark])
    return query, sql, actual


def rows(name: str, build: Callable[..., Any], *values: int) -> Iterable[Any]:
    """The rows of ``build(*values)`` as the query itself returns them (see :func:`statement`)."""
    query, sql, actual = statement(name, build, *values)
    return query._get_cursor_wrapper(db.execute_sql(sql, actual))  # noqa: SLF001 - the query's own reading of rows


def first(name: str, build: Callable[..., Any], *values: int) -> Any | None:
    """The first row of ``build(*values)`` (which should ask for one row: ``.limit(1)``), or None."""
    return next(iter(rows(name, build, *values)), None)
