"""The publication log and the content plan of the official pages (clauses 5, 8, 10).

A publication is recorded with its date, title, text, formats (text, photo, infographic, video,
live stream, poll), link and author. Before it is recorded as published its text goes through the
same checks as an answer — spelling and punctuation, bureaucratese, more than two legal citations
— and the press-release check; findings are shown and the author decides: recording anyway
needs an explicit confirmation (``accept_findings``), and the audit event keeps what was
accepted.

The content plan lists publications planned for a week of a page and who prepares them; a planned
item becomes a publication when it is marked published (same checks), or is cancelled with a
reason. Edits carry a version: a stale edit is refused, never silently overwrites another PC's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.models import ContentPlanItem, OfficialPage, PagePublication, User, db
from app.models.enums import PUBLICATION_FORMAT_LABELS, PublicationFormat
from app.services import audit, clock, validation
from app.services.answer_checks import Finding
from app.services.calendar_store import current_calendar
from app.services.errors import ConflictError, NotFound, ValidationError
from app.services.pages.access import page_for_edit, require_read
from app.services.pages.weeks import week_start
from app.services.permissions import Actor
from app.services.press_release import check_publication


class PublicationFindings(ValidationError):
    """The text has findings; the user sees them and may record it anyway (``accept_findings``)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        listed = "\n".join(f"• {f.message}" for f in self.findings[:8])
        more = f"\n…и ещё {len(self.findings) - 8}" if len(self.findings) > 8 else ""
        super().__init__(f"Проверка текста публикации нашла замечания:\n{listed}{more}")


def formats_code(formats: Sequence[str]) -> str:
    """The formats as stored: known codes, in the order of the list, comma-separated."""
    chosen = set()
    for code in formats:
        try:
            chosen.add(PublicationFormat(code))
        except ValueError:
            raise ValidationError(f"Формат публикации «{code}» неизвестен") from None
    if not chosen:
        raise ValidationError("Формат публикации: отметьте хотя бы один (текст, фото, видео…)")
    return ",".join(f.value for f in PublicationFormat if f in chosen)


def formats_label(code: str) -> str:
    """«Текст, фото»."""
    labels = [PUBLICATION_FORMAT_LABELS.get(c, c) for c in code.split(",") if c]
    return ", ".join([labels[0]] + [x.lower() for x in labels[1:]]) if labels else ""


@dataclass(frozen=True)
class PublicationInput:
    published_at: datetime
    title: str
    text: str
    formats: Sequence[str]
    url: str = ""
    author_id: int | None = None


def _check(text: str, accept_findings: bool) -> list[Finding]:
    findings = check_publication(text) if text.strip() else []
    if findings and not accept_findings:
        raise PublicationFindings(findings)
    return findings


def record_publication(actor: Actor, page_id: int, data: PublicationInput, *, plan_item_id: int | None = None,
                       accept_findings: bool = False) -> int:
    """Record a publication made on the page (optionally the one a plan item planned); returns its id."""
    page = page_for_edit(actor, page_id, "Публикация")
    if page.archived_at is not None:
        raise ValidationError(f"Страница «{page.name}» в архиве — верните её из архива, чтобы отмечать публикации")
    cal = current_calendar()
    published_at = validation.moment(data.published_at, "Дата публикации", zone=cal.tz, now=clock.now())
    title = validation.text(data.title, "Заголовок публикации", limit=validation.MAX_LINE)
    text = validation.text(data.text, "Текст публикации", required=False)
    url = validation.link(data.url, "Ссылка на публикацию", required=False)
    formats = formats_code(data.formats)
    if data.author_id is not None and not User.select().where(User.id == data.author_id).exists():
        raise ValidationError("Автор публикации: пользователь не найден")
    findings = _check(text, accept_findings)
    with db.atomic():
        if url and PagePublication.select().where((PagePublication.page == page_id) & (PagePublication.url == url)).exists():
            raise ValidationError("Публикация с этой ссылкой уже записана в журнал страницы")
        item = None
        if plan_item_id is not None:
            item = ContentPlanItem.get_or_none((ContentPlanItem.id == plan_item_id) & (ContentPlanItem.page == page_id))
            if item is None:
                raise NotFound("Пункт плана не найден")
            if item.publication_id is not None or item.cancelled:
                raise ConflictError("Этот пункт плана уже отмечен опубликованным или отменён — обновите план")
        publication = PagePublication.create(
            page=page_id, published_at=published_at, title=title, text=text, url=url, formats=formats,
            format=formats.split(",")[0], author=data.author_id or actor.user_id, created_at=clock.now(),
            created_by=actor.user_id)
        if item is not None:
            changed = (ContentPlanItem.update(publication=publication.id, version=ContentPlanItem.version + 1)
                       .where((ContentPlanItem.id == item.id) & ContentPlanItem.publication.is_null()).execute())
            if not changed:
                raise ConflictError("Этот пункт плана только что отметили на другом компьютере — обновите план")
        audit.record("page.publication", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=title, payload={"publication": publication.id, "plan_item": plan_item_id,
                                             "formats": formats, "url": url,
                                             "accepted_findings": [f.message for f in findings]})
    return publication.id


def plan_publication(actor: Actor, page_id: int, week: date, title: str, *, text: str = "",
                     formats: Sequence[str] = (PublicationFormat.TEXT,), preparer_id: int | None = None) -> int:
    """Plan a publication for the week of ``week`` (any day of it); returns the plan item's id."""
    page = page_for_edit(actor, page_id, "План публикаций")
    if page.archived_at is not None:
        raise ValidationError(f"Страница «{page.name}» в архиве")
    monday = week_start(validation.day(week, "Неделя плана"))
    today = clock.now().astimezone(current_calendar().tz).date()
    if monday < week_start(today):
        raise ValidationError("Неделя плана уже прошла — планировать можно текущую и будущие недели")
    title = validation.text(title, "Что публикуем", limit=validation.MAX_LINE)
    text = validation.text(text, "Текст (черновик)", required=False)
    code = formats_code(formats)
    if preparer_id is not None and not User.select().where(User.id == preparer_id).exists():
        raise ValidationError("Кто готовит: пользователь не найден")
    with db.atomic():
        item = ContentPlanItem.create(page=page_id, week=monday, title=title, text=text, formats=code,
                                      preparer=preparer_id, created_by=actor.user_id, created_at=clock.now())
        audit.record("page.plan", actor=actor.user_id, entity="official_page", entity_id=page_id, comment=title,
                     payload={"plan_item": item.id, "week": monday.isoformat(), "preparer": preparer_id})
    return item.id


def cancel_plan_item(actor: Actor, item_id: int, version: int, reason: str) -> None:
    """Take a planned publication off the plan (kept, marked cancelled with the reason in the trail)."""
    item = ContentPlanItem.get_or_none(ContentPlanItem.id == item_id)
    if item is None:
        raise NotFound("Пункт плана не найден")
    page_for_edit(actor, item.page_id, "План публикаций")
    reason = validation.text(reason, "Причина отмены", limit=validation.MAX_COMMENT)
    with db.atomic():
        changed = (ContentPlanItem.update(cancelled=True, version=ContentPlanItem.version + 1)
                   .where((ContentPlanItem.id == item_id) & (ContentPlanItem.version == version)
                          & ContentPlanItem.publication.is_null() & ~ContentPlanItem.cancelled).execute())
        if not changed:
            raise ConflictError("Пункт плана уже изменили (опубликован, отменён или отредактирован на другом "
                                "компьютере) — обновите план")
        audit.record("page.plan_cancel", actor=actor.user_id, entity="official_page", entity_id=item.page_id,
                     comment=reason, payload={"plan_item": item_id, "title": item.title})


@dataclass(frozen=True)
class PublicationRow:
    id: int
    page_id: int
    page_name: str
    published_at: datetime
    title: str
    text: str
    formats: str
    url: str
    author_name: str


@dataclass(frozen=True)
class PlanRow:
    id: int
    page_id: int
    page_name: str
    week: date
    title: str
    text: str
    formats: str
    preparer_name: str
    published: bool
    cancelled: bool
    version: int


def publications(actor: Actor, *, page_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None, limit: int = 500) -> list[PublicationRow]:
    """The publication log, newest first."""
    require_read(actor)
    users = dict(User.select(User.id, User.full_name).tuples())
    query = (PagePublication.select(PagePublication, OfficialPage.id, OfficialPage.name).join(OfficialPage)
             .order_by(PagePublication.published_at.desc(), PagePublication.id.desc()).limit(limit))
    if page_id is not None:
        query = query.where(PagePublication.page == page_id)
    if since is not None:
        query = query.where(PagePublication.published_at >= since)
    if until is not None:
        query = query.where(PagePublication.published_at < until)
    return [PublicationRow(p.id, p.page_id, p.page.name, p.published_at, p.title, p.text, formats_label(p.formats),
                           p.url, users.get(p.author_id, "") if p.author_id else "") for p in query]


def plan(actor: Actor, weeks: Sequence[date], *, page_id: int | None = None) -> list[PlanRow]:
    """The content plan of the given weeks (their Mondays), by week and page."""
    require_read(actor)
    users = dict(User.select(User.id, User.full_name).tuples())
    query = (ContentPlanItem.select(ContentPlanItem, OfficialPage.id, OfficialPage.name).join(OfficialPage)
             .where(ContentPlanItem.week.in_(list(weeks)))
             .order_by(ContentPlanItem.week, OfficialPage.name, ContentPlanItem.id))
    if page_id is not None:
        query = query.where(ContentPlanItem.page == page_id)
    return [PlanRow(i.id, i.page_id, i.page.name, i.week, i.title, i.text, formats_label(i.formats),
                    users.get(i.preparer_id, "") if i.preparer_id else "", i.publication_id is not None,
                    i.cancelled, i.version) for i in query]
