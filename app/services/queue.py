"""The incident queue: presets per role, filters, Russian full-text search, sorting and paging.

Every page is a fixed number of indexed queries plus the clocks of its own rows, so the queue
of a region-sized database opens as fast as a small one.
"""
from __future__ import annotations

import os
import re
import threading
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from peewee import Case, Expression, JOIN, NodeList, PostgresqlDatabase, SQL, fn

from app.models import Assignment, Incident, OfficialPage, Topic, TopicGroup, Unit, db
from app.models.enums import OPEN_STATUSES, STATUS_LABELS, IncidentStatus, PageOwner, Priority, Role
from app.services import clock, settings
from app.services.calendar_store import current_calendar
from app.services.deadlines import Clock, author_wait_total, author_waits_for_many, current_clocks_of
from app.services.pages import moderation
from app.services.permissions import Actor
from app.services.workflow import ACTIVE_ASSIGNMENT, awaiting_responsible_official

CURATOR_PRESETS = [("new", "Новые"), ("approval", "На согласовании"), ("clarification", "Уточнения"),
                   ("overdue", "Просроченные"), ("all", "Все")]
EXECUTOR_PRESETS = [("mine", "Мои"), ("returned", "На доработке"), ("to_publish", "К размещению"),
                    ("unit_all", "Все моего отдела")]
READER_PRESETS = [("open", "В работе"), ("overdue", "Просроченные"), ("all", "Все")]
#: the responsible official decides on texts the curator wrote (clauses 8, 14)
RESPONSIBLE_PRESETS = [("to_decide", "Согласовать (п. 8, 14)")]

SORT_COLUMNS = ("urgent", "number", "detected", "network", "author", "topic", "status", "due", "priority")


@dataclass(frozen=True)
class QueueFilter:
    """What the user chose above the queue. Empty tuples mean «any»."""

    preset: str = "all"
    statuses: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    topic_group_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    priority: str | None = None
    detected_from: date | None = None
    detected_to: date | None = None
    search: str = ""
    #: only messages written on the head's pages (Appendix 1, clause 16)
    head_pages: bool = False


@dataclass(frozen=True)
class QueueSort:
    column: str = "urgent"
    descending: bool = False


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue as the table shows it."""

    incident_id: int
    version: int
    detected_at: datetime
    network: str
    author: str
    first_line: str
    topic: str
    units: str
    status: str
    status_label: str
    priority: str
    due_at: datetime | None
    clock: Clock | None = field(compare=False)
    #: where the clarification request of clause 13 is («ждёт ответа автора»…), "" without one
    request_state: str = ""
    #: working time the incident has waited for its author so far (None: no request was posted)
    author_wait: timedelta | None = field(default=None, compare=False)
    #: the head's page the message was written on (Appendix 1, clause 16), "" elsewhere
    head_page: str = ""
    #: «Автор в чёрном списке страницы «…»» (Appendix 1, clause 14), "" if not
    blacklisted: str = field(default="", compare=False)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    offset: int
    has_more: bool


def presets_for(actor: Actor) -> list[tuple[str, str]]:
    """The tabs this user sees, in order: (code, Russian label)."""
    presets: list[tuple[str, str]] = []
    if actor.is_curator:
        presets += CURATOR_PRESETS
    if actor.has(Role.EXECUTOR):
        presets += EXECUTOR_PRESETS
    if not presets:
        presets = list(READER_PRESETS)
    if actor.has(Role.RESPONSIBLE):
        presets = RESPONSIBLE_PRESETS + presets
    return presets


# --- Russian word forms in search ---------------------------------------------------------------

_morph_lock = threading.Lock()


@lru_cache(maxsize=1)
def _morph():  # noqa: ANN202
    import pymorphy3

    with _morph_lock:
        return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    """The prefix shared by every form of the word: «фонарь», «фонарей» → «фонар»."""
    if not re.search("[а-яё]", word):
        return word
    forms = {f.word.replace("ё", "е") for f in _morph().parse(word)[0].lexeme} | {word}
    prefix = os.path.commonprefix(sorted(forms))
    return prefix if len(prefix) >= 2 else word


def _search_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[0-9a-zа-яё]+", text.lower().replace("ё", "е")) if len(w) > 1 or w.isdigit()][:8]


def _fts_match(text: str) -> str | None:
    """The SQLite FTS5 query of the search text: every word, in any of its forms."""
    words = _search_words(text)
    return " AND ".join(f'"{_stem(w)}"*' for w in words) if words else None


#: SQLite: how many incidents a search matches, per database and query, for a short while
_MATCHES_TTL_S = 60.0
_matches_lock = threading.Lock()
_matches: dict[tuple[int, str], tuple[float, int, int]] = {}


def _match_counts(match: str) -> tuple[int, int]:
    """(incidents matching ``match``, incidents in the database), from the search index alone.

    Both come without reading a single incident row: FTS5 counts its own document lists, and
    the largest id stands in for the size of the table. Kept a minute: they only steer the plan.
    """
    key = (id(db.obj), match)
    now = _time.monotonic()
    with _matches_lock:
        cached = _matches.get(key)
    if cached and now - cached[0] < _MATCHES_TTL_S:
        return cached[1], cached[2]
    found = db.execute_sql("SELECT count(*) FROM incident_fts WHERE incident_fts MATCH ?", (match,)).fetchone()[0]
    size = db.execute_sql("SELECT max(id) FROM incident").fetchone()[0] or 0
    with _matches_lock:
        if len(_matches) > 256:
            _matches.clear()
        _matches[key] = (now, found, size)
    return found, size


#: a search that matches more than this many incidents (or this share of them) is read in the
#: order of the queue's index, checking each row against the matches, instead of looking up
#: every match: the first 200 are met long before the end of the index
_MANY_MATCHES = 5_000
_MANY_MATCHES_SHARE = 50  # one incident in 50


def _common_search(match: str) -> bool:
    found, size = _match_counts(match)
    return found > max(_MANY_MATCHES, size // _MANY_MATCHES_SHARE)


def _search_condition(text: str, by_index: bool = False) -> Expression | None:
    """The search as a condition; SQLite: ``by_index`` keeps the planner from starting at the matches.

    By default SQLite takes every match from the search index and looks its incident up, then
    sorts them: cheap for a rare word, but a common one («фонари»: 4 % of a million) costs tens of
    thousands of row look-ups for one page. With ``by_index`` the id is wrapped in a unary plus,
    so the matches only serve as a lookup list and the rows come in the order of an index.
    """
    if isinstance(db.obj, PostgresqlDatabase):
        words = _search_words(text)
        if not words:
            return None
        vector = fn.to_tsvector(SQL("'russian'"), fn.coalesce(Incident.text, "").concat(" ").concat(fn.coalesce(Incident.author, "")))
        return Expression(vector, "@@", fn.plainto_tsquery(SQL("'russian'"), " ".join(words)))
    match = _fts_match(text)
    if match is None:
        return None
    column = NodeList((SQL("+"), Incident.id), glue="") if by_index else Incident.id
    return column.in_(SQL("(SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?)", [match]))


# --- the query ---------------------------------------------------------------------------------

def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=current_calendar().tz)


def _visible(actor: Actor, query):  # noqa: ANN001, ANN202
    if actor.reads_everything:
        return query
    units = list(actor.unit_ids)
    if not units:
        return query.where(SQL("1 = 0"))
    return query.where(Incident.id.in_(Assignment.select(Assignment.incident).where(Assignment.unit.in_(units))))


def _mine(actor: Actor, states: tuple[str, ...] | None = None):  # noqa: ANN202
    cond = Assignment.unit.in_(list(actor.unit_ids) or [-1])
    if states:
        cond &= Assignment.state.in_(states)
    return Incident.id.in_(Assignment.select(Assignment.incident).where(cond))


def _filtered(actor: Actor, f: QueueFilter, search_by_index: bool = False):  # noqa: ANN202
    query = _visible(actor, Incident.select())
    now = clock.now()
    preset = f.preset
    open_statuses = [s.value for s in OPEN_STATUSES]
    if preset == "new":
        query = query.where(Incident.status == IncidentStatus.NEW)
    elif preset == "approval":
        query = query.where(Incident.status == IncidentStatus.ON_APPROVAL)
    elif preset == "clarification":
        # a clarification request on its way (on approval, returned, to be posted) or awaiting the author
        query = query.where(Incident.request_state.is_null(False))
    elif preset == "overdue":
        # one definition everywhere: some open clock of the incident has passed its due moment
        query = query.where(Incident.next_due_at < now)
    elif preset == "to_decide":
        query = query.where(awaiting_responsible_official())
    elif preset == "open":
        query = query.where(Incident.status.in_(open_statuses))
    elif preset == "mine":
        query = query.where(Incident.status.in_(open_statuses) & _mine(actor, ACTIVE_ASSIGNMENT))
    elif preset == "returned":
        query = query.where((Incident.status == IncidentStatus.RETURNED) & _mine(actor, ACTIVE_ASSIGNMENT))
    elif preset == "to_publish":
        query = query.where((Incident.status == IncidentStatus.APPROVED) & _mine(actor, ACTIVE_ASSIGNMENT))
    elif preset == "unit_all":
        query = query.where(_mine(actor))
    if f.statuses:
        query = query.where(Incident.status.in_(list(f.statuses)))
    if f.networks:
        query = query.where(Incident.network.in_(list(f.networks)))
    if f.head_pages:
        query = query.where(Incident.page.in_(
            OfficialPage.select(OfficialPage.id).where(OfficialPage.owner == PageOwner.HEAD)))
    if f.topic_group_ids:
        query = query.where(Incident.topic_group.in_(list(f.topic_group_ids)))
    if f.unit_ids:
        query = query.where(Incident.id.in_(
            Assignment.select(Assignment.incident).where(Assignment.unit.in_(list(f.unit_ids)))))
    if f.priority:
        query = query.where(Incident.priority == f.priority)
    if f.detected_from:
        query = query.where(Incident.detected_at >= _local_day_start(f.detected_from))
    if f.detected_to:
        query = query.where(Incident.detected_at < _local_day_start(f.detected_to + timedelta(days=1)))
    condition = _search_condition(f.search, search_by_index) if f.search.strip() else None
    if condition is not None:
        query = query.where(condition)
    return query


def _only_search(actor: Actor, f: QueueFilter) -> bool:
    """The filter is the search alone, over every incident the actor may read."""
    return (actor.reads_everything and f.preset == "all"
            and f == QueueFilter(preset="all", search=f.search))


def _ordering(sort: QueueSort, preset: str, few: bool = False) -> list:
    """The ORDER BY of the queue. ``few``: the filter keeps a thin slice (open incidents only), so on
    SQLite the sort column is wrapped in a unary plus — its index cannot lead, the filter's index
    does, and the few matching rows are sorted (instead of walking a million-row index)."""
    column = sort.column if sort.column in SORT_COLUMNS else "urgent"
    if column == "urgent":
        if preset in ("all", "unit_all"):
            # closed incidents go last; among the open ones the step due first (closed ones have none:
            # their answer deadline orders them)
            closed_last = Case(None, [(Incident.status.in_([IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER]), 1)], 0)
            return [closed_last, fn.COALESCE(Incident.next_due_at, Incident.due_at).asc(nulls="LAST"),
                    Incident.id.desc()]
        return [fn.COALESCE(Incident.next_due_at, Incident.due_at).asc(nulls="LAST"), Incident.id]
    expr = {
        "number": Incident.id, "detected": Incident.detected_at, "network": Incident.network,
        "author": Incident.author, "topic": Topic.name, "status": Incident.status, "due": Incident.due_at,
        "priority": Case(None, [(Incident.priority == Priority.HIGH, 0)], 1),
    }[column]
    tie: Any = Incident.id
    if few and column != "topic" and not isinstance(db.obj, PostgresqlDatabase):
        expr, tie = _unindexed(expr), _unindexed(Incident.id)
    # incidents without a topic go after every topic (before them when descending), on both databases
    nulls = {"nulls": "FIRST" if sort.descending else "LAST"} if column == "topic" else {}
    primary = expr.desc(**nulls) if sort.descending else expr.asc(**nulls)
    return [primary, tie.desc() if sort.descending else tie.asc()]


def _unindexed(expr: Any) -> Any:
    """``+expr``: the same value, but SQLite will not read it from an index."""
    return NodeList((SQL("+"), expr), glue="")


def _few(condition: Expression) -> Expression:
    """Tell SQLite's planner that few rows match (its statistics only know averages per value).

    Open incidents are a thin slice of a big database, but «status IN (seven values)» looks like
    most of the table to SQLite, which would then start from a filter index of another column and
    sort a quarter of a million rows. PostgreSQL keeps real statistics and needs no hint.
    """
    if isinstance(db.obj, PostgresqlDatabase):
        return condition
    return fn.likelihood(condition, SQL("0.001"))  # a literal: SQLite refuses a bound parameter here


#: the condition of the parts of incidents without a deadline (one node: ``_page_raw`` knows them by it)
_UNDATED = Incident.due_at.is_null(True)


def _segments(sort: QueueSort, preset: str, undated: bool = True, few: bool = False,
              searching: bool = False) -> list[tuple[list[Expression], list]]:
    """``_ordering`` as consecutive parts, each with an ORDER BY an index can deliver.

    «Closed ones last» and «high priority first» (CASE expressions) and «NULLS LAST» make a
    database sort every matching row before it can return the first 200; split into parts (open /
    closed, with / without a deadline; high / other priority) each part is read straight from an
    index. The concatenation is exactly the order of ``_ordering``. ``undated=False`` leaves out
    the parts of incidents without a deadline (there are none when the database says so).
    """
    column = sort.column if sort.column in SORT_COLUMNS else "urgent"
    if column == "urgent" and preset == "overdue":
        # the step that ran out first comes first (every row of this tab has a next-due moment)
        return [([], [Incident.next_due_at.asc(), Incident.id.asc()])]
    if column != "urgent" and few:
        return [([], _ordering(sort, preset, few=True))]
    if column == "topic" and not searching:
        return _topic_segments(sort)
    if column == "priority":
        high = Incident.priority == Priority.HIGH
        other = (Incident.priority != Priority.HIGH) | Incident.priority.is_null()
        tie = Incident.id.desc() if sort.descending else Incident.id.asc()
        return [([other], [tie]), ([high], [tie])] if sort.descending else [([high], [tie]), ([other], [tie])]
    if column != "urgent":
        return [([], _ordering(sort, preset))]
    closed = [IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER]
    if preset in ("all", "unit_all"):
        groups = [([_few(Incident.status.in_([s.value for s in OPEN_STATUSES]))], False),
                  ([Incident.status.in_(closed)], True)]
        tie = Incident.id.desc()
    else:
        groups = [([], False)]
        tie = Incident.id.asc()
    parts: list[tuple[list[Expression], list]] = []
    for conditions, by_index in groups:
        # Only the closed incidents (nearly all of a big database) are read in deadline order from
        # the deadline index. Open ones are few and scattered along it: COALESCE keeps the planner
        # on the status index and a small sort instead of a walk past every closed incident.
        # Open incidents come in the order of the clock their row shows (the step due first, as the
        # «Осталось» column and the red rows), closed ones by their answer deadline.
        deadline = Incident.due_at if by_index else fn.COALESCE(Incident.next_due_at, Incident.due_at)
        parts.append((conditions + [Incident.due_at.is_null(False)], [deadline.asc(), tie]))
        if undated:
            parts.append((conditions + [_UNDATED], [tie]))
    return parts


def _topic_segments(sort: QueueSort) -> list[tuple[list[Expression], list]]:
    """The sort by topic name as one part per name, each read from the ``(topic_id, id)`` index.

    Sorting a million incidents by the name of a joined topic means sorting them all before the
    first row; topics are few, so the queue reads the incidents of the first topic in name order,
    then of the next one, until the page is full. Incidents without a topic come last (first when
    descending), as in ``_ordering``.
    """
    by_name: dict[str, list[int]] = {}
    for topic_id, name in Topic.select(Topic.id, Topic.name).order_by(Topic.name, Topic.id).tuples():
        by_name.setdefault(name, []).append(topic_id)
    tie = Incident.id.desc() if sort.descending else Incident.id.asc()
    parts: list[tuple[list[Expression], list]] = [
        ([Incident.topic == ids[0]] if len(ids) == 1 else [Incident.topic.in_(ids)], [tie])
        for ids in by_name.values()]
    parts.append(([Incident.topic.is_null(True)], [tie]))
    return parts[::-1] if sort.descending else parts


def _few_rows(f: QueueFilter) -> bool:
    """The tab or the status filter keeps only open incidents (a thin slice of a big database)."""
    open_values = {s.value for s in OPEN_STATUSES}
    return f.preset not in ("all", "unit_all") or (bool(f.statuses) and set(f.statuses) <= open_values)


def count(actor: Actor, f: QueueFilter) -> int:
    if f.preset == "unit_all" and f == QueueFilter(preset="unit_all") and actor.unit_ids:
        # «Все моего отдела» with no filter: the incidents routed to the units are counted on the
        # assignments alone (one index range, no incident rows; on the server also no per-row rule)
        return (Assignment.select(fn.COUNT(Assignment.incident.distinct()))
                .where(Assignment.unit.in_(list(actor.unit_ids))).scalar() or 0)
    if f.search.strip() and not isinstance(db.obj, PostgresqlDatabase) and _only_search(actor, f):
        match = _fts_match(f.search)
        if match is not None:  # the search index counts its matches without reading incidents
            return db.execute_sql("SELECT count(*) FROM incident_fts WHERE incident_fts MATCH ?",
                                  (match,)).fetchone()[0]
    return _filtered(actor, f, _search_by_index(f, None)).count()


def _narrowed_to_open(f: QueueFilter) -> bool:
    """The tab or the status filter keeps only some statuses (open incidents are a thin slice)."""
    return f.preset not in ("all", "unit_all") or bool(f.statuses)


def _search_by_index(f: QueueFilter, sort: QueueSort | None) -> bool:
    """Whether a search should let an index, not the list of matches, lead the query (SQLite).

    Only a common search gains: its matches cost a row look-up each. Then the status index leads
    when the tab or filter keeps a few statuses (``sort`` None: the count, or the queue in urgent
    or status order); otherwise the index of the sort column, read until the page is full. A
    rare search, the topic sort and narrow filters in another order keep the list of matches.
    """
    if not f.search.strip() or isinstance(db.obj, PostgresqlDatabase):
        return False
    if sort is None:
        wanted = _narrowed_to_open(f)
    else:
        column = sort.column if sort.column in SORT_COLUMNS else "urgent"
        wanted = column in ("urgent", "status") or (column != "topic" and (_few_rows(f) or not _narrowed_to_open(f)))
        # the overdue tab is a thin range of the next-due index (open incidents only): it leads, whatever the sort
        wanted = wanted or f.preset == "overdue"
    match = _fts_match(f.search)
    return wanted and match is not None and _common_search(match)


def _page_raw(actor: Actor, f: QueueFilter, sort: QueueSort, offset: int, limit: int,
              columns: list, with_topics: bool = True) -> tuple[list[dict], bool]:
    """The selected ``columns`` of rows ``offset`` … ``offset + limit`` of the queue in its order, and
    whether more follow (one segment after another: see :func:`_segments`)."""
    base = _filtered(actor, f, _search_by_index(f, sort))
    raw: list[dict] = []
    skip, need = offset, limit + 1
    undated: bool | None = None  # whether any incident lacks a deadline: asked only when a page reaches such a part
    for conditions, order in _segments(sort, f.preset, True, few=_few_rows(f), searching=bool(f.search.strip())):
        if need <= 0:
            break
        if any(c is _UNDATED for c in conditions):
            if undated is None:
                undated = Incident.select(Incident.id).where(_UNDATED).exists()
            if not undated:
                continue
        part = base.where(*conditions) if conditions else base
        query = part.select(*columns)
        if with_topics or sort.column == "topic":  # the row's «Тема», or the topic order
            query = _with_topics(query)
        rows = list(query.order_by(*order).offset(skip).limit(need).dicts())
        if not rows and skip:
            skip = max(0, skip - part.count())  # the whole part lies before the page: only now count it
            continue
        skip = 0
        raw += rows
        need -= len(rows)
    return raw[:limit], len(raw) > limit


def _with_topics(query):  # noqa: ANN001, ANN202
    """The query joined with the incident's topic and topic group (the row's «Тема», the topic order)."""
    return (query.join(Topic, JOIN.LEFT_OUTER, on=(Incident.topic == Topic.id)).switch(Incident)
            .join(TopicGroup, JOIN.LEFT_OUTER, on=(Incident.topic_group == TopicGroup.id)))


def _row_columns() -> list:
    return [Incident.id, Incident.version, Incident.detected_at, Incident.network, Incident.author,
            Incident.text, Incident.status, Incident.priority, Incident.due_at, Incident.request_state,
            Incident.page, Topic.name.alias("topic_name"), TopicGroup.name.alias("group_name")]


def _rows_from(raw: list[dict], with_clocks: bool) -> list[QueueRow]:
    """Queue rows of the incidents read by :func:`_page_raw` (their units, waits, pages, marks)."""
    ids = [r["id"] for r in raw]
    units: dict[int, list[str]] = {}
    if ids:
        for incident_id, name in (Assignment.select(Assignment.incident, Unit.short_name).join(Unit)
                                  .where(Assignment.incident.in_(ids) & Assignment.state.in_(
                                      list(ACTIVE_ASSIGNMENT) + ["done"]))
                                  .order_by(Assignment.id).tuples()):
            units.setdefault(incident_id, []).append(name)
    clocks = current_clocks_of(ids) if ids and with_clocks else {}
    waits = author_waits_for_many(ids) if ids else {}
    page_ids = {r["page"] for r in raw if r["page"]}
    head_pages = dict(OfficialPage.select(OfficialPage.id, OfficialPage.name).where(
        OfficialPage.id.in_(list(page_ids)) & (OfficialPage.owner == PageOwner.HEAD)).tuples()) if page_ids else {}
    blacklisted = moderation.blacklisted_incidents(ids)
    rows = []
    for r in raw:
        text = (r["text"] or "").strip()
        first_line = text.splitlines()[0][:200] if text else ""
        topic = r["topic_name"] or r["group_name"] or ""
        rows.append(QueueRow(
            r["id"], r["version"], _aware(r["detected_at"]), r["network"], r["author"], first_line, topic,
            ", ".join(units.get(r["id"], [])), r["status"], STATUS_LABELS[IncidentStatus(r["status"])],
            r["priority"], _aware(r["due_at"]) if r["due_at"] else None, clocks.get(r["id"]),
            r["request_state"] or "", author_wait_total(waits[r["id"]]) if r["id"] in waits else None,
            head_pages.get(r["page"], ""), blacklisted.get(r["id"], ""),
        ))
    return rows


def fetch_page(actor: Actor, f: QueueFilter, sort: QueueSort = QueueSort(), offset: int = 0,
               limit: int = 200, *, with_clocks: bool = True) -> QueuePage:
    """One page of the queue (``limit`` rows from ``offset``) with each row's current clock.

    ``with_clocks=False`` leaves ``clock`` empty: the rows come back in a few milliseconds and the
    caller asks ``current_clocks`` for the page's clocks afterwards (they cost most of the time).
    """
    with settings.snapshot():  # the zone, the calendar's revision and the limits read once for the page
        raw, has_more = _page_raw(actor, f, sort, offset, limit, _row_columns())
        return QueuePage(_rows_from(raw, with_clocks), offset, has_more)


def page_ids(actor: Actor, f: QueueFilter, sort: QueueSort = QueueSort(), offset: int = 0,
             limit: int = 200) -> tuple[list[int], dict[int, int], bool]:
    """The incidents of a page in the queue's order, each with its version, and whether more follow —
    without building rows: what a quiet refresh compares with the rows it has."""
    raw, has_more = _page_raw(actor, f, sort, offset, limit, [Incident.id, Incident.version], with_topics=False)
    return [r["id"] for r in raw], {r["id"]: r["version"] for r in raw}, has_more


def rows_of(incident_ids: list[int]) -> dict[int, QueueRow]:
    """The queue rows of these incidents (without clocks), whatever the filter: the rows a quiet
    refresh builds anew because they changed or came into the page."""
    if not incident_ids:
        return {}
    raw = list(_with_topics(Incident.select(*_row_columns())).where(Incident.id.in_(list(incident_ids))).dicts())
    return {row.incident_id: row for row in _rows_from(raw, with_clocks=False)}


def current_clocks(incident_ids: list[int], now: datetime | None = None, *,
                   explanations: bool = True) -> dict[int, Clock | None]:
    """The clock that matters now (or at ``now``) for each incident (what ``fetch_page`` puts in
    ``QueueRow.clock``); ``explanations=False``: without the Russian account of each due moment."""
    with settings.snapshot():
        clocks = current_clocks_of(incident_ids, now, explanations=explanations) if incident_ids else {}
    return {incident_id: clocks.get(incident_id) for incident_id in incident_ids}


def _aware(value):  # noqa: ANN001, ANN202 - .dicts() skips the field's python_value on some backends
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
