"""Benchmark of the working-time engine (a script, not a test).

Random starts across 2025–2026 (to the second) and random deltas from 30 min to 8 h, the
default calendar (bundled production calendar, 09:00–18:00 with lunch, Europe/Moscow), one core.
Run: ``.venv/bin/python bench/bench_worktime.py [число вызовов]``.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.worktime import WorkCalendar  # noqa: E402


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}".replace(",", " ")


def rates(n: int = 300_000) -> dict[str, float]:
    """Calls per second of add_working_time (forwards, backwards, aware UTC) and working_time_between."""
    rng = random.Random(20250101)
    first = datetime(2025, 1, 1)
    span = int((datetime(2027, 1, 1) - first).total_seconds())
    starts = [first + timedelta(seconds=rng.randrange(span)) for _ in range(n)]
    deltas = [timedelta(seconds=rng.randrange(30 * 60, 8 * 3600 + 1)) for _ in range(n)]
    ends = [s + timedelta(seconds=rng.randrange(0, 14 * 86400)) for s in starts]
    aware = [s.replace(tzinfo=timezone.utc) for s in starts[: n // 3]]

    wc = WorkCalendar.default()
    wc.add_working_time(starts[0], deltas[0])  # build the per-year intervals once
    add = wc.add_working_time
    between = wc.working_time_between

    t0 = time.perf_counter()
    for s, d in zip(starts, deltas):
        add(s, d)
    t_add = time.perf_counter() - t0

    t0 = time.perf_counter()
    for s, e in zip(starts, ends):
        between(s, e)
    t_between = time.perf_counter() - t0

    t0 = time.perf_counter()
    for s, d in zip(aware, deltas):
        add(s, d)
    t_aware = time.perf_counter() - t0

    neg = [-d for d in deltas]
    t0 = time.perf_counter()
    for s, d in zip(starts, neg):
        add(s, d)
    t_neg = time.perf_counter() - t0

    return {"add": n / t_add, "back": n / t_neg, "aware": len(aware) / t_aware, "between": n / t_between}


def main(n: int = 300_000) -> None:
    """Print calls per second of add_working_time and working_time_between."""
    r = rates(n)
    print(f"Вызовов в каждом замере: {n} (случайные моменты 2025–2026, сроки 30 мин – 8 ч)")
    print(f"add_working_time: {_rate(r['add'])} вызовов/с")
    print(f"add_working_time (назад, −дельта): {_rate(r['back'])} вызовов/с")
    print(f"add_working_time (aware UTC): {_rate(r['aware'])} вызовов/с")
    print(f"working_time_between: {_rate(r['between'])} вызовов/с")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
