"""The weekly rule of clause 5: at least one publication a week on every page.

Weeks run Monday to Sunday in the administration's time zone. A week that crosses the end of a
month belongs to both months' views. For each active page and week the grid says:

* ``published`` — at least one publication that week;
* ``planned`` — nothing published yet, but the content plan has a publication for the week
  (amber: planned but not yet published);
* ``missing`` — the week has begun (or is over) with nothing published and nothing planned (red);
* ``future`` — a week to come with nothing planned yet;
* ``absent`` — the page was not in the registry that week (added later, or archived before it).

On the last working day of a week by the production calendar (the Thursday before a Friday
holiday, a working Saturday where there is one) the page's people — or the curator, for a page
without people — get one reminder for each page with nothing published that week, once each,
during working time.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from babel.dates import format_date

from app.models import ContentPlanItem, OfficialPage, PagePublication, PagePublisher
from app.models.enums import NETWORK_LABELS, PageOwner
from app.services import clock
from app.services.calendar_store import current_calendar
from app.services.notifications import is_working_time, record_shown
from app.services.pages.access import can_read, require_read
from app.services.permissions import Actor
from app.services.worktime import WorkCalendar

RULE = "п. 5 Приложения 1: не менее одной публикации в неделю"


class WeekState(StrEnum):
    PUBLISHED = "published"
    PLANNED = "planned"
    MISSING = "missing"
    FUTURE = "future"
    ABSENT = "absent"


WEEK_STATE_LABELS = {
    WeekState.PUBLISHED: "Опубликовано",
    WeekState.PLANNED: "Запланировано, не опубликовано",
    WeekState.MISSING: "Нет публикаций",
    WeekState.FUTURE: "Неделя впереди",
    WeekState.ABSENT: "Страницы не было в реестре",
}


def week_start(d: date) -> date:
    """The Monday of ``d``'s week."""
    return d - timedelta(days=d.weekday())


def parse_iso_week(text: str) -> date:
    """«2026-W48» → the Monday of that ISO week; ValueError with a Russian message otherwise."""
    try:
        year, week = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"Неделя «{text}»: нужна запись вида 2026-W48 (год и номер недели по ISO)") from None


def month_weeks(year: int, month: int) -> list[date]:
    """The Mondays of every week that has at least one day in the month (crossing weeks included)."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    monday, weeks = week_start(first), []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def week_label(monday: date) -> str:
    """«30 ноября — 6 декабря 2026»."""
    sunday = monday + timedelta(days=6)
    first = format_date(monday, "d MMMM" if monday.year == sunday.year else "d MMMM y", locale="ru")
    return f"{first} — {format_date(sunday, 'd MMMM y', locale='ru')}"


def last_working_day(cal: WorkCalendar, monday: date) -> date | None:
    """The last working day of the week by the production calendar (None: a week without one)."""
    for offset in range(6, -1, -1):
        d = monday + timedelta(days=offset)
        if cal.is_working_day(d):
            return d
    return None


@dataclass(frozen=True)
class WeekCell:
    state: WeekState
    published: int
    planned: int
    titles: tuple[str, ...]  # what was published (or, for a planned week, what is planned)


@dataclass(frozen=True)
class GridRow:
    page_id: int
    name: str
    network_label: str
    owner: str
    cells: tuple[WeekCell, ...]

    @property
    def gaps(self) -> int:
        return sum(c.state is WeekState.MISSING for c in self.cells)


@dataclass(frozen=True)
class WeekGrid:
    weeks: tuple[date, ...]
    rows: tuple[GridRow, ...]
    today: date


def _local_day(moment: datetime, cal: WorkCalendar) -> date:
    return moment.astimezone(cal.tz).date()


def _start_of(d: date, cal: WorkCalendar) -> datetime:
    return datetime.combine(d, time.min, tzinfo=cal.tz)


def grid(weeks: list[date], *, today: date | None = None, page_ids: list[int] | None = None,
         with_archived: bool = False) -> WeekGrid:
    """The state of each page in each of ``weeks`` (their Mondays); pages in registry order.

    No permission check: the report and the command line call it; the screens go through
    :func:`grid_for`.
    """
    cal = current_calendar()
    today = today or _local_day(clock.now(), cal)
    weeks = sorted(set(weeks))
    query = OfficialPage.select().order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name)
    if page_ids is not None:
        query = query.where(OfficialPage.id.in_(page_ids))
    pages = list(query)
    if not weeks or not pages:
        return WeekGrid(tuple(weeks), (), today)
    ids = [p.id for p in pages]
    first, after = _start_of(weeks[0], cal), _start_of(weeks[-1] + timedelta(days=7), cal)
    published: dict[tuple[int, date], list[str]] = defaultdict(list)
    for page_id, at, title in (PagePublication.select(PagePublication.page, PagePublication.published_at,
                                                      PagePublication.title)
                               .where(PagePublication.page.in_(ids) & (PagePublication.published_at >= first)
                                      & (PagePublication.published_at < after))
                               .order_by(PagePublication.published_at).tuples()):
        published[(page_id, week_start(_local_day(at, cal)))].append(title or "(без заголовка)")
    planned: dict[tuple[int, date], list[str]] = defaultdict(list)
    for page_id, week, title in (ContentPlanItem.select(ContentPlanItem.page, ContentPlanItem.week,
                                                        ContentPlanItem.title)
                                 .where(ContentPlanItem.page.in_(ids) & (ContentPlanItem.week >= weeks[0])
                                        & (ContentPlanItem.week <= weeks[-1]) & ~ContentPlanItem.cancelled
                                        & ContentPlanItem.publication.is_null())
                                 .order_by(ContentPlanItem.id).tuples()):
        planned[(page_id, week)].append(title)
    rows = []
    current = week_start(today)
    for page in pages:
        created = _local_day(page.created_at, cal) if page.created_at else None
        archived = _local_day(page.archived_at, cal) if page.archived_at else None
        if archived and not with_archived and archived < weeks[0]:
            continue
        cells = []
        for monday in weeks:
            done, plan = published.get((page.id, monday), []), planned.get((page.id, monday), [])
            sunday = monday + timedelta(days=6)
            if done:
                state = WeekState.PUBLISHED
            elif (created and created > sunday) or (archived and archived <= monday):
                state = WeekState.ABSENT
            elif plan:
                state = WeekState.PLANNED
            elif monday > current:
                state = WeekState.FUTURE
            else:
                state = WeekState.MISSING
            cells.append(WeekCell(state, len(done), len(plan), tuple(done or plan)))
        rows.append(GridRow(page.id, page.name, NETWORK_LABELS.get(page.network, page.network), page.owner,
                            tuple(cells)))
    return WeekGrid(tuple(weeks), tuple(rows), today)


def grid_for(actor: Actor, weeks: list[date], *, today: date | None = None) -> WeekGrid:
    """The grid as a user sees it (everyone who reads the pages sees every page)."""
    require_read(actor)
    return grid(weeks, today=today)


def pages_without_publication(monday: date, today: date | None = None) -> list[GridRow]:
    """Active pages with nothing published in the week of ``monday`` (planned ones included)."""
    week = grid([monday], today=today)
    return [r for r in week.rows if r.cells[0].state in (WeekState.MISSING, WeekState.PLANNED)]


def unpublished_this_week(actor: Actor, now: datetime | None = None) -> int | None:
    """How many active pages have nothing published yet this week, for the dashboard; None when the
    user does not read the pages."""
    if not can_read(actor):
        return None
    today = _local_day(now or clock.now(), current_calendar())
    active = {i for (i,) in OfficialPage.select(OfficialPage.id).where(OfficialPage.archived_at.is_null()).tuples()}
    return sum(r.page_id in active for r in pages_without_publication(week_start(today), today))


# --- the reminder on the last working day -------------------------------------------------------

@dataclass(frozen=True)
class PageReminder:
    page_id: int
    message: str
    key: str


def _recipients(page_ids: list[int]) -> dict[int, set[int]]:
    people: dict[int, set[int]] = defaultdict(set)
    for page_id, user_id in PagePublisher.select(PagePublisher.page, PagePublisher.user).where(
            PagePublisher.page.in_(page_ids)).tuples():
        people[page_id].add(user_id)
    for page_id, user_id in OfficialPage.select(OfficialPage.id, OfficialPage.responsible).where(
            OfficialPage.id.in_(page_ids) & OfficialPage.responsible.is_null(False)).tuples():
        people[page_id].add(user_id)
    return people


def reminders_due(actor: Actor, now: datetime | None = None, *, record: bool = True) -> list[PageReminder]:
    """Reminders for this user today: only on the week's last working day, during working time.

    Each (page, week) is told once per user, on every PC (recorded like deadline alerts).
    """
    now = now or clock.now()
    cal = current_calendar()
    today = _local_day(now, cal)
    monday = week_start(today)
    if last_working_day(cal, monday) != today or not is_working_time(now, cal):
        return []
    rows = pages_without_publication(monday, today)
    if not rows:
        return []
    people = _recipients([r.page_id for r in rows])
    mine = [r for r in rows if actor.user_id in people.get(r.page_id, set())
            or (not people.get(r.page_id) and actor.is_curator)]
    reminders = []
    for row in mine:
        cell = row.cells[0]
        planned = f" В плане: «{cell.titles[0]}» — отметьте её как опубликованную." if cell.planned else ""
        owner = " (страница главы)" if row.owner == PageOwner.HEAD else ""
        reminders.append(PageReminder(
            row.page_id,
            f"«{row.name}» ({row.network_label}){owner}: на этой неделе ({week_label(monday)}) нет ни одной "
            f"публикации, а сегодня последний рабочий день недели ({RULE}).{planned}",
            f"page-week:{row.page_id}:{monday.isoformat()}"))
    if not record:
        return reminders
    fresh = record_shown(actor, [r.key for r in reminders])
    return [r for r in reminders if r.key in fresh]


def next_reminder_moment(now: datetime | None = None) -> datetime | None:
    """When the next reminder can fall due: the start of this week's last working day (or the next week's)."""
    now = now or clock.now()
    cal = current_calendar()
    monday = week_start(_local_day(now, cal))
    for week in (monday, monday + timedelta(days=7)):
        day = last_working_day(cal, week)
        if day is None:
            continue
        start = cal.next_working_moment(_start_of(day, cal))
        if start > now:
            return start
    return None
