"""Benchmark of the monthly report on a region-sized database.

Builds (or reuses) /tmp/bench-report-1m.sqlite3: 1,000,000 incidents over 50 months, 20,000 a
month, each with a consistent history (assignment, draft versions, the curator's decisions with
clause-14 reasons, publication; some competence returns, consolidated answers with contributions,
interim answers with finals, clarification requests to the author posted and mostly answered
(clause 13), closures without an answer, a few still open) bulk-inserted with
``insert_many`` in chunks of 2,000. Then it times ``build_monthly_report`` for the last month and,
separately, a bare openpyxl write-only dump of the same rows, and prints both times and their
ratio (goal ≤ 1.3, issue 17). «The same rows» are the rows of the register and of the «Просрочки» sheet —
all but the few dozen rows of the five summary sheets; a dump of the register alone is printed too.

The report is timed twice: first with no clocks stored for the two months it reads (every clock
computed, and those of finished incidents stored), then as in daily work, where the workflow
stored each incident's clocks when it closed (``clock_store``); the second is repeated ``--runs``
times, interleaved with the dumps, and the best of each is compared.

    .venv/bin/python bench/bench_report.py [--rebuild] [--incidents N] [--month-size N]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.models import (  # noqa: E402
    Answer, ApprovalDecision, Assignment, AuthorReply, Incident, Location, Publication, Topic, TopicGroup, Unit, User,
    db,
)
from app.models.enums import (  # noqa: E402
    AnswerKind, AnswerState, AssignmentState, IncidentStatus, NoAnswerReason, Priority, ReturnReason, Role,
)
from app.services.calendar_store import current_calendar  # noqa: E402
from app.services.database import close_database, open_database  # noqa: E402

DB_PATH = Path("/tmp/bench-report-1m.sqlite3")
OUT = Path("/tmp/bench-report.xlsx")
DUMP = Path("/tmp/bench-report-bare.xlsx")
MSK = ZoneInfo("Europe/Moscow")
CHUNK = 2000
TARGET = (2026, 10)
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=MSK)

GROUPS = {"Дороги": ["Ямочный ремонт", "Тротуары"], "ЖКХ": ["Водоснабжение", "Вывоз мусора"],
          "Благоустройство": ["Уличное освещение", "Детские площадки"], "Транспорт": ["Остановки"],
          "Культура и спорт": ["Мероприятия"]}
UNITS = ["ЖКХ", "Архитектура", "Имущество", "Юридический", "МКУ Благоустройство", "Водоканал", "Центр культуры",
         "Спорткомплекс"]
AUTHORS = ["Ирина Ковалёва", "Сергей Петренко", "Наталья Бондаренко", "Андрей Шевченко", "Ольга Мельник",
           "Дмитрий Ткаченко", "=HYPERLINK(\"http://evil\",\"x\")", "+7 999 000-00-00"]
TEXT = "На улице {n} не горят фонари уже третий день, вечером идти страшно. Почините, пожалуйста."
ANSWER = "Здравствуйте! Бригада выехала, фонари починят сегодня до конца рабочего дня."


def _months(target: tuple[int, int], count: int) -> list[tuple[int, int]]:
    index = target[0] * 12 + target[1] - 1
    return [((i // 12), i % 12 + 1) for i in range(index - count + 1, index + 1)]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


class _Ids:
    def __init__(self) -> None:
        self.assignment = self.answer = self.decision = self.publication = self.reply = 0


def _reference_data() -> tuple[list[int], dict[int, int], list[tuple[int, int]], list[int], int]:
    units = [Unit.create(name=f"Отдел «{n}»", short_name=n).id for n in UNITS]
    curator = User.create(login="kurator", full_name="Слепокурова Яна Евгеньевна", password_hash="-",
                          roles=Role.CURATOR).id
    executors = {u: User.create(login=f"isp{u}", full_name=f"Исполнитель {u}", password_hash="-",
                                roles=Role.EXECUTOR, unit=u).id for u in units}
    topics = []
    for group, names in GROUPS.items():
        g = TopicGroup.create(name=group)
        topics += [(g.id, Topic.create(group=g, name=n).id) for n in names]
    locations = [Location.create(name=f"ул. Улица {i}").id for i in range(300)]
    return units, executors, topics, locations, curator


def generate(total: int, month_size: int):  # noqa: ANN201
    """The incidents and their histories, month by month: yields (year, month, rows of each table).

    The reference data (units, people, topics, locations) are written first, in the open database.
    """
    rnd = random.Random(2026)
    cal = current_calendar()
    units, executors, topics, locations, curator = _reference_data()
    ids = _Ids()
    months = _months(TARGET, max(1, total // month_size))
    incident_id = 0
    for month_index, (year, month) in enumerate(months):
        size = month_size if month_index < len(months) - 1 else total - month_size * (len(months) - 1)
        first = datetime(year, month, 1, tzinfo=MSK)
        nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=MSK)
        span = (nxt - first).total_seconds()
        rows: dict[str, list[tuple]] = {"incident": [], "assignment": [], "answer": [], "decision": [],
                                         "publication": [], "reply": []}
        moments = sorted(first + timedelta(seconds=rnd.random() * span) for _ in range(size))
        for detected in moments:
            incident_id += 1
            _history(rnd, cal, incident_id, detected, rows, ids, units, executors, topics, locations, curator)
        yield year, month, rows


def build_database(path: Path, total: int, month_size: int) -> None:
    """Write ``total`` incidents with histories, ``month_size`` of them in each month."""
    path.unlink(missing_ok=True)
    open_database(f"sqlite:///{path}")
    db.execute_sql("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    count = 0
    for year, month, rows in generate(total, month_size):
        with db.atomic():
            for model, key, fields in TABLES:
                data = rows[key]
                for start in range(0, len(data), CHUNK):
                    model.insert_many(data[start:start + CHUNK], fields=fields).execute()
        count += len(rows["incident"])
        if count % (month_size * 5) == month_size or count == total:
            print(f"  {year}-{month:02d}: {count} инцидентов, {time.perf_counter() - started:.0f} с", flush=True)
    db.execute_sql("ANALYZE")
    close_database()


INCIDENT_FIELDS = [Incident.id, Incident.network, Incident.link, Incident.author, Incident.text,
                   Incident.detected_at, Incident.registered_at, Incident.registered_by, Incident.kind,
                   Incident.priority, Incident.topic_group, Incident.topic, Incident.location, Incident.status,
                   Incident.due_at, Incident.routed_at, Incident.closed_at, Incident.no_answer_reason,
                   Incident.consolidating_unit, Incident.version, Incident.updated_at]
ASSIGNMENT_FIELDS = [Assignment.id, Assignment.incident, Assignment.unit, Assignment.state, Assignment.assigned_at,
                     Assignment.assigned_by, Assignment.executor, Assignment.is_consolidating,
                     Assignment.competence_reason, Assignment.closed_at]
ANSWER_FIELDS = [Answer.id, Answer.incident, Answer.assignment, Answer.kind, Answer.number, Answer.text,
                 Answer.state, Answer.author, Answer.created_at, Answer.submitted_at]
DECISION_FIELDS = [ApprovalDecision.id, ApprovalDecision.answer, ApprovalDecision.curator,
                   ApprovalDecision.decided_at, ApprovalDecision.approved, ApprovalDecision.reasons,
                   ApprovalDecision.comment]
PUBLICATION_FIELDS = [Publication.id, Publication.answer, Publication.incident, Publication.published_by,
                      Publication.published_at, Publication.url]
REPLY_FIELDS = [AuthorReply.id, AuthorReply.incident, AuthorReply.request, AuthorReply.text, AuthorReply.url,
                AuthorReply.replied_at, AuthorReply.recorded_by, AuthorReply.recorded_at]
QUESTION = "Здравствуйте! Уточните, пожалуйста, номер дома."
#: (model, key of the generated rows, fields) of every table :func:`generate` fills, in the order of writing
TABLES = ((Incident, "incident", INCIDENT_FIELDS), (Assignment, "assignment", ASSIGNMENT_FIELDS),
          (Answer, "answer", ANSWER_FIELDS), (ApprovalDecision, "decision", DECISION_FIELDS),
          (Publication, "publication", PUBLICATION_FIELDS), (AuthorReply, "reply", REPLY_FIELDS))


def _history(rnd, cal, n, detected, rows, ids, units, executors, topics,  # noqa: ANN001, C901, PLR0913, PLR0915
             locations, curator) -> None:  # noqa: ANN001
    """One incident and a consistent story: the same steps the workflow would have written."""
    def later(moment: datetime, lo: int, hi: int, limit: int | None = None) -> datetime:
        """lo..limit working minutes most of the time, limit..hi (late) in 7 % of the steps."""
        if limit is not None:
            lo, hi = (lo, limit) if rnd.random() < 0.93 else (limit + 1, hi)
        return cal.add_working_time(cal.next_working_moment(moment), timedelta(minutes=rnd.randint(lo, hi)))

    network = rnd.choice(["vk", "vk", "ok", "telegram"])
    link = {"vk": f"https://vk.com/wall-1_{n}", "ok": f"https://ok.ru/group/1/topic/{n}",
            "telegram": f"https://t.me/korenovsk_chat/{n}"}[network]
    priority = Priority.HIGH if rnd.random() < 0.15 else Priority.NORMAL
    group, topic = rnd.choice(topics)
    minutes = 240 if priority == Priority.HIGH else 480
    due = cal.add_working_time(cal.next_working_moment(detected), timedelta(minutes=minutes))
    now = NOW
    status = IncidentStatus.ANSWERED
    routed = closed = reason = consolidating = None
    story = rnd.random()
    t = later(detected, 3, 60, 30)

    def incident(status: str) -> tuple:
        return (n, network, link, rnd.choice(AUTHORS), TEXT.format(n=n % 97), _utc(detected), _utc(detected),
                curator, "incident", priority, group if routed else None, topic if routed else None,
                rnd.choice(locations) if routed else None, status, _utc(due), _utc(routed) if routed else None,
                _utc(closed) if closed else None, reason, consolidating, 5, _utc(closed or detected))

    if story < 0.05 or t > now:  # clause 21 or still new
        if t <= now:
            status, closed, reason = IncidentStatus.NO_ANSWER, t, rnd.choice(list(NoAnswerReason)).value
        else:
            status = IncidentStatus.NEW
        rows["incident"].append(incident(status))
        return
    routed = t
    unit = rnd.choice(units)
    if story < 0.08:  # clause 11: the first unit declines, the curator re-routes
        ids.assignment += 1
        notice = later(t, 5, 50, 30)
        rows["assignment"].append((ids.assignment, n, unit, AssignmentState.NOT_COMPETENT, _utc(t), curator,
                                   executors[unit], False, "Не наша компетенция", _utc(notice)))
        t = later(notice, 5, 60, 30)
        unit = rnd.choice([u for u in units if u != unit])
    several = 0.08 <= story < 0.13
    chosen = [unit] + ([rnd.choice([u for u in units if u != unit])] if several else [])
    consolidating = unit
    assignment_ids = {}
    for u in chosen:
        ids.assignment += 1
        assignment_ids[u] = ids.assignment
    number = 0
    if several:  # clause 19: the second unit sends its contribution
        ids.answer += 1
        number += 1
        contributed = later(t, 20, 200, 120)
        rows["answer"].append((ids.answer, n, assignment_ids[chosen[1]], AnswerKind.CONTRIBUTION, number,
                               "Сведения для сводного ответа", AnswerState.SUBMITTED, executors[chosen[1]],
                               _utc(contributed), _utc(contributed)))
    interim = 0.13 <= story < 0.18
    kind = AnswerKind.INTERIM if interim else (AnswerKind.CONSOLIDATED if several else AnswerKind.DRAFT)
    returns = rnd.choice([0, 0, 0, 0, 1, 1, 2])
    start = t
    if 0.18 <= story < 0.23:  # clause 13: a request to the author, approved, posted; the author mostly replies
        asked = later(t, 5, 120, 60)
        approved_at = later(asked, 3, 60, 30)
        posted = later(approved_at, 2, 60, 30)
        if posted <= now:
            ids.answer += 1
            number += 1
            rows["answer"].append((ids.answer, n, assignment_ids[unit], AnswerKind.REQUEST, number, QUESTION,
                                   AnswerState.PUBLISHED, executors[unit], _utc(asked), _utc(asked)))
            ids.decision += 1
            rows["decision"].append((ids.decision, ids.answer, curator, _utc(approved_at), True, "", ""))
            ids.publication += 1
            rows["publication"].append((ids.publication, ids.answer, n, executors[unit], _utc(posted),
                                        f"{link}?reply={number}"))
            start = posted
            replied = later(posted, 10, 900)
            if rnd.random() < 0.8 and replied <= now:
                ids.reply += 1
                rows["reply"].append((ids.reply, n, ids.answer, "Дом 12", "", _utc(replied), executors[unit],
                                      _utc(replied)))
                start = replied
    moment = later(start, 30, 400, 180 if priority == Priority.NORMAL else 40)
    final_state = AssignmentState.DONE
    published_at = None
    for attempt in range(returns + 1):
        if moment > now:
            status, final_state = IncidentStatus.ROUTED, AssignmentState.ASSIGNED
            break
        ids.answer += 1
        number += 1
        answer_id = ids.answer
        decided = later(moment, 3, 60, 30)
        if decided > now:
            rows["answer"].append((answer_id, n, assignment_ids[unit], kind, number, ANSWER, AnswerState.SUBMITTED,
                                   executors[unit], _utc(moment), _utc(moment)))
            status, final_state = IncidentStatus.ON_APPROVAL, AssignmentState.ON_APPROVAL
            break
        approved = attempt == returns
        ids.decision += 1
        reasons = "" if approved else ",".join(sorted({rnd.choice(list(ReturnReason)).value
                                                       for _ in range(rnd.choice([1, 1, 2]))}))
        rows["decision"].append((ids.decision, answer_id, curator, _utc(decided), approved, reasons, ""))
        if not approved:
            rows["answer"].append((answer_id, n, assignment_ids[unit], kind, number, ANSWER, AnswerState.RETURNED,
                                   executors[unit], _utc(moment), _utc(moment)))
            moment = later(decided, 10, 120, 60)
            continue
        published = later(decided, 2, 60, 30)
        if published > now:
            rows["answer"].append((answer_id, n, assignment_ids[unit], kind, number, ANSWER, AnswerState.APPROVED,
                                   executors[unit], _utc(moment), _utc(moment)))
            status, final_state = IncidentStatus.APPROVED, AssignmentState.APPROVED
            break
        rows["answer"].append((answer_id, n, assignment_ids[unit], kind, number, ANSWER, AnswerState.PUBLISHED,
                               executors[unit], _utc(moment), _utc(moment)))
        ids.publication += 1
        rows["publication"].append((ids.publication, answer_id, n, executors[unit], _utc(published),
                                    f"{link}?reply={number}"))
        published_at = published
    if published_at is not None and interim:  # clause 18: the final answer, usually within 7 working days
        due = cal.add_working_days(published_at, 7)
        moment = later(published_at, 60 * 8, 60 * 8 * 9, 60 * 8 * 6)
        decided = later(moment, 5, 60, 30)
        published = later(decided, 3, 60, 30)
        if published <= now:
            ids.answer += 1
            number += 1
            rows["answer"].append((ids.answer, n, assignment_ids[unit], AnswerKind.FINAL, number, ANSWER,
                                   AnswerState.PUBLISHED, executors[unit], _utc(moment), _utc(moment)))
            ids.decision += 1
            rows["decision"].append((ids.decision, ids.answer, curator, _utc(decided), True, "", ""))
            ids.publication += 1
            rows["publication"].append((ids.publication, ids.answer, n, executors[unit], _utc(published),
                                        f"{link}?reply={number}"))
            published_at = published
        else:
            status, final_state = IncidentStatus.INTERIM, AssignmentState.ASSIGNED
            published_at = None
    if published_at is not None:
        closed = published_at
    for u in chosen:
        rows["assignment"].append((assignment_ids[u], n, u, final_state, _utc(t), curator, executors[u],
                                   u == consolidating and several, None, _utc(closed) if closed else None))
    rows["incident"].append(incident(status))


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def bare_dump(rows: list[tuple], path: Path, late: list[tuple] | None = None) -> float:
    """What openpyxl alone needs to stream the register rows (and, given ``late``, the rows of the
    «Просрочки» sheet as a second sheet): the floor of the report's cost."""
    from openpyxl import Workbook

    from app.services.report import REGISTER_COLUMNS

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Реестр")
    ws.append([label for _, label in REGISTER_COLUMNS])
    for row in rows:
        ws.append(row)
    if late is not None:
        ws = wb.create_sheet("Просрочки")
        for row in late:
            ws.append(row)
    wb.save(path)
    return time.perf_counter() - started


def late_values(data) -> list[tuple]:  # noqa: ANN001
    """The values of the «Просрочки» sheet, one tuple per row, as the report writes them."""
    from app.services.report import short_duration

    return [(r.incident_id, r.clock_title, r.clause, r.whose, r.due, r.ended, r.state, short_duration(r.late_minutes),
             r.units, r.status, r.detected, r.network, r.priority, r.link, r.late_minutes)
            for r in data.late]


def _clear_stored(first: date, last: date) -> int:
    """Forget the stored clocks of the incidents detected in the period (as if none had closed yet)."""
    from app.models import StoredClocks

    start = datetime.combine(first, datetime.min.time(), tzinfo=MSK)
    after = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=MSK)
    ids = Incident.select(Incident.id).where((Incident.detected_at >= start) & (Incident.detected_at < after))
    return StoredClocks.delete().where(StoredClocks.incident.in_(ids)).execute()


def _remember(first: date, last: date) -> tuple[int, float]:
    """Store the clocks of the period's finished incidents, as the workflow does when each closes."""
    from app.services import clock_store

    start = datetime.combine(first, datetime.min.time(), tzinfo=MSK)
    after = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=MSK)
    ids = [i for (i,) in Incident.select(Incident.id).where((Incident.detected_at >= start)
                                                             & (Incident.detected_at < after)).tuples()]
    started = time.perf_counter()
    count = sum(clock_store.remember(ids[i:i + 2000], NOW) for i in range(0, len(ids), 2000))
    return count, time.perf_counter() - started


def _small_sheet_rows(path: Path, big: tuple[str, ...]) -> dict[str, int]:
    """Rows of each sheet of the report but the ``big`` ones (counted by reading them back)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: sum(1 for _ in ws.iter_rows()) for ws in wb.worksheets if ws.title not in big}
    finally:
        wb.close()


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description="Замер времени месячного отчёта на базе в 1 000 000 инцидентов")
    parser.add_argument("--rebuild", action="store_true", help="пересоздать базу")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--month-size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="сколько раз повторить отчёт и дамп (берётся лучший)")
    parser.add_argument("--db", type=Path, default=DB_PATH)
    args = parser.parse_args()
    if args.rebuild or not args.db.exists():
        print(f"Создаётся база {args.db}: {args.incidents} инцидентов по {args.month_size} в месяц…", flush=True)
        started = time.perf_counter()
        build_database(args.db, args.incidents, args.month_size)
        print(f"База создана за {time.perf_counter() - started:.0f} с", flush=True)
    from app.services import report

    open_database(f"sqlite:///{args.db}")
    first, last = _month_bounds(*TARGET)
    prev_first, prev_last = report.previous_period(first, last)
    print(f"В базе инцидентов: {Incident.select().count()}")

    # 1. Nothing stored yet (a database filled before this version, or after a change of the
    #    calendar or the limits): the report computes every clock and stores those of finished incidents.
    for period in ((prev_first, prev_last), (first, last)):  # the page cache, as any later run finds it
        start, after = (datetime.combine(d, datetime.min.time(), tzinfo=MSK)
                        for d in (period[0], period[1] + timedelta(days=1)))
        within = (Incident.detected_at >= start) & (Incident.detected_at < after)
        for query in (Incident.select(), Assignment.select().join(Incident), Answer.select().join(Incident),
                      ApprovalDecision.select().join(Answer).join(Incident), Publication.select().join(Incident)):
            list(query.where(within).tuples())
    _clear_stored(prev_first, last)
    started = time.perf_counter()
    cold = report.build_monthly_report(first, last, OUT, now=NOW)
    cold_time = time.perf_counter() - started
    print(f"Отчёт за {cold.period_label}, сроки ещё не сохранены (все рассчитываются и сохраняются): "
          f"{cold_time:.2f} с; этапы, с: " + ", ".join(f"{k} {v:.2f}" for k, v in cold.timings.items()))

    # 2. As in daily work: the workflow stored each incident's clocks when it closed — here done
    #    at once for the previous month (the report above stored the month itself).
    count, spent = _remember(prev_first, prev_last)
    print(f"Сохранение сроков {count} завершённых инцидентов за {prev_first:%m.%Y} (так делает workflow при "
          f"закрытии каждого): {spent:.2f} с, {spent / max(1, count) * 1000:.2f} мс на инцидент")

    data = report.collect(first, last, NOW)
    late = late_values(data)
    reports: list[float] = []
    dumps: list[float] = []
    both: list[float] = []
    summary = cold
    for _ in range(max(1, args.runs)):  # interleaved, so that a slow spell of the machine hits all three
        started = time.perf_counter()
        summary = report.build_monthly_report(first, last, OUT, now=NOW)
        reports.append(time.perf_counter() - started)
        dumps.append(bare_dump(data.register, DUMP))
        both.append(bare_dump(data.register, DUMP, late))
    report_time, dump_time, both_time = min(reports), min(dumps), min(both)
    rows = _small_sheet_rows(OUT, ("Реестр", "Просрочки"))
    small = sum(rows.values())
    t = summary.timings
    print(f"Отчёт за {summary.period_label}: {summary.received} инцидентов, строк реестра {summary.register_rows}, "
          f"нарушенных сроков {summary.late_rows}; строк на остальных листах: "
          + ", ".join(f"«{title}» {n}" for title, n in rows.items()))
    print("Этапы отчёта (последний прогон), с: " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()))
    print(f"Прогоны, с: отчёт {' / '.join(f'{x:.2f}' for x in reports)}; дамп реестра "
          f"{' / '.join(f'{x:.2f}' for x in dumps)}; дамп реестра и «Просрочек» {' / '.join(f'{x:.2f}' for x in both)}")
    print(f"build_monthly_report (лучший из {len(reports)}): {report_time:.2f} с")
    print(f"openpyxl write-only, строки реестра ({len(data.register)}) и «Просрочек» ({len(late)}) — все большие "
          f"листы отчёта, {len(data.register) + len(late)} из {len(data.register) + len(late) + small} его строк: "
          f"{both_time:.2f} с")
    print(f"Отношение: {report_time / both_time:.2f} (цель ≤ 1,3)")
    print(f"openpyxl write-only, только строки реестра: {dump_time:.2f} с; отношение {report_time / dump_time:.2f}")
    compute = sum(v for k, v in t.items() if k != "write")
    print(f"  из отчёта: расчёт {compute:.2f} с = {compute / both_time:.2f} дампа; запись семи листов "
          f"{t.get('write', 0):.2f} с = {t.get('write', 0) / both_time:.2f} дампа")
    _clock_analysis(data.register)
    close_database()
    return 0


def _clock_analysis(register: list[tuple]) -> None:
    """Where the time of the clocks goes: ``clocks_for_many`` as the incident card calls it (with the
    Russian explanation of each due moment) and as the report calls it (``explanations=False``)."""
    from app.services import deadlines

    ids = [row[0] for row in register]

    def timed(explanations: bool) -> float:
        started = time.perf_counter()
        for start in range(0, len(ids), 2000):
            deadlines.clocks_for_many(ids[start:start + 2000], NOW, explanations=explanations)
        return time.perf_counter() - started

    full = timed(True)
    quiet = timed(False)
    print(f"clocks_for_many для {len(ids)} инцидентов: с пояснениями {full:.2f} с; без пояснений "
          f"(как в отчёте) {quiet:.2f} с")


if __name__ == "__main__":
    raise SystemExit(main())
