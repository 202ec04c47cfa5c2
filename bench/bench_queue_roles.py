"""The executor's queue on the shared server under their own role, with row-level security on.

Issue 15: in the shared mode every query of an executor runs under their own PostgreSQL role, and
the server adds its row rule (the incidents routed to their units) to every read of incidents and
assignments. This script measures the executor's queue — the first page of each tab, the tab
counts, the next page, a search — on a region-sized database, once as the owner (no row rule, the
program's own filter only) and once under the executor's role (``SET ROLE``: the program's filter
and the server's rule), and prints both, their ratio and the queue's goals (first page ≤ 1 s, each
further step ≤ 100 ms). Each further step is measured as a whole (its rows with their clocks, as
``queue.fetch_page`` returns them) and as the window shows it first (the rows alone: the window fills in
their «Осталось» right after, from ``queue.current_clocks``).

    .venv/bin/python bench/bench_queue_roles.py --url postgresql://postgres@127.0.0.1:5432/incidents_bench

The database is the one ``python -m bench --backend postgresql`` builds (1,000,000 incidents); the
owner's session applies the server's rules to it if they are missing, and recomputes the incidents'
units the executor's row rule reads (``policy.refresh_incident_units``) when they are behind the
assignments — the build copies its rows with the triggers off, as ``db migrate-to`` does. The executor
is the one of the unit with the most incidents (an account and its role are made for the run if that
unit has none).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.models import Assignment, Unit, User, db  # noqa: E402
from app.models.enums import Role  # noqa: E402
from app.services import queue, users  # noqa: E402
from app.services.database import open_database  # noqa: E402
from app.services.permissions import actor_for  # noqa: E402
from app.services.server import policy  # noqa: E402

FIRST_PAGE_GOAL_S = 1.0
STEP_GOAL_S = 0.1


def _timed(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median of ``runs`` timings (the first, cold one included in the list) and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _units_behind() -> bool:
    """Some assignment's unit is missing from its incident's ``inc_units`` (rows copied with the triggers off)."""
    row = db.execute_sql("SELECT EXISTS (SELECT 1 FROM assignment a JOIN incident i ON i.id = a.incident_id "
                         "WHERE NOT (a.unit_id = ANY(i.inc_units)))").fetchone()
    return bool(row[0])


def _catch_up() -> None:
    """The incidents' units as the assignments say, then the planner's statistics and the visibility map."""
    if not _units_behind():
        return
    print("Отделы инцидентов отстают от назначений (база собрана без триггеров): пересчёт…")
    started = time.perf_counter()
    with db.atomic():
        changed = policy.refresh_incident_units(db.obj)
    db.execute_sql("VACUUM ANALYZE incident")
    print(f"  пересчитано {changed:,} инцидентов за {time.perf_counter() - started:.0f} с".replace(",", " "))


def _busiest_unit() -> int:
    row = db.execute_sql("SELECT unit_id, count(*) FROM assignment GROUP BY unit_id ORDER BY 2 DESC LIMIT 1").fetchone()
    return int(row[0])


def _executor_of(unit_id: int) -> int:
    found = (User.select(User.id).where(User.unit == unit_id, User.roles.contains(Role.EXECUTOR.value),
                                        User.is_active, User.db_role.is_null(False)).first())
    if found:
        return found.id
    info = users.create_user(f"bench-isp-{unit_id}", "Исполнитель для замера", "bench-password-2026",
                             [Role.EXECUTOR], unit_id=unit_id)
    return info.id


def main() -> int:
    parser = argparse.ArgumentParser(description="Очередь исполнителя под его собственной ролью сервера")
    parser.add_argument("--url", required=True, help="адрес базы PostgreSQL от имени владельца")
    parser.add_argument("--runs", type=int, default=5, help="повторов каждого замера (медиана)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each line as soon as it is measured
    open_database(args.url)
    _catch_up()
    unit_id = _busiest_unit()
    user_id = _executor_of(unit_id)
    role = User.get_by_id(user_id).db_role
    actor = actor_for(user_id)
    total = db.execute_sql("SELECT count(*) FROM incident").fetchone()[0]
    routed = Assignment.select().where(Assignment.unit == unit_id).count()
    print(f"База: {total:,} инцидентов; исполнитель отдела «{Unit.get_by_id(unit_id).name}» "
          f"({routed:,} назначений), роль {role}".replace(",", " "))

    measures: list[tuple[str, Callable[[], Any], float]] = []
    for preset, label in queue.EXECUTOR_PRESETS:
        f = queue.QueueFilter(preset=preset)
        measures.append((f"первая страница «{label}»", lambda f=f: queue.fetch_page(actor, f), FIRST_PAGE_GOAL_S))
        measures.append((f"число строк «{label}»", lambda f=f: queue.count(actor, f), STEP_GOAL_S))
    everything = queue.QueueFilter(preset="unit_all")
    measures.append(("следующая страница «Все моего отдела»",
                     lambda: queue.fetch_page(actor, everything, offset=100), STEP_GOAL_S))
    measures.append(("сортировка по номеру", lambda: queue.fetch_page(actor, everything,
                                                                    queue.QueueSort("number", True)), STEP_GOAL_S))
    searching = queue.QueueFilter(preset="unit_all", search="фонари")
    measures.append(("поиск «фонари»", lambda: queue.fetch_page(actor, searching), STEP_GOAL_S))
    # what the window shows first: the rows of the step, their «Осталось» filled in right after
    for label, step in (("следующая страница", lambda: queue.fetch_page(actor, everything, offset=100,
                                                                          with_clocks=False)),
                        ("сортировка по номеру", lambda: queue.fetch_page(actor, everything, queue.QueueSort("number", True),
                                                                            with_clocks=False)),
                        ("поиск «фонари»", lambda: queue.fetch_page(actor, searching, with_clocks=False))):
        measures.append((f"  {label}: строки без сроков", step, STEP_GOAL_S))

    print(f"{'замер':44} {'владелец':>10} {'роль+RLS':>10} {'×':>6}  цель")
    worst = True
    for label, action, goal in measures:
        owner, owner_result = _timed(action, args.runs)
        db.execute_sql(f'SET ROLE "{role}"')
        try:
            person, person_result = _timed(action, args.runs)
        finally:
            db.execute_sql("RESET ROLE")
        same = _rows(owner_result) == _rows(person_result)
        met = person <= goal
        worst &= met and same
        print(f"{label:44} {owner * 1000:8.1f} мс {person * 1000:8.1f} мс {person / owner if owner else 0:6.2f}  "
              f"≤ {goal * 1000:.0f} мс {'да' if met else 'НЕТ'}{'' if same else ' (другие строки!)'}")
    print("Все цели достигнуты, строки те же" if worst else "Есть недостигнутые цели — см. таблицу")
    return 0 if worst else 1


def _rows(result: Any) -> Any:
    if isinstance(result, int):
        return result
    return [getattr(r, "id", r) for r in getattr(result, "rows", [])]


if __name__ == "__main__":
    raise SystemExit(main())
