"""Moderation of the official pages (Appendix 1, clause 14).

The journal keeps every comment or message removed from a page: the page, the author and their
link, the link of the removed comment, its text, the reason — a violation of the law of the
Russian Federation or of the Krasnodar region, spam, insults, obscene language — who removed it
and when. An author may be put on the page's black list (and taken off it later, with who and
when). A new incident from a blacklisted author says so on its card and in the queue. For the
reason, the incidents module's clause-21 detector suggests one (obscene, insult; a threat is a
violation of the law), and a simple spam test (links with a call to follow them) another.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from app.models import BlacklistEntry, Incident, ModerationEntry, OfficialPage, User, db
from app.models.enums import MODERATION_REASON_LABELS, ModerationAction, ModerationReason
from app.services import audit, clock, validation
from app.services.calendar_store import current_calendar
from app.services.clause21 import assess_incoming
from app.services.errors import ConflictError, NotFound, ValidationError
from app.services.links import NETWORK_HOSTS, host_of
from app.services.pages.access import page_for_edit, require_read
from app.services.permissions import Actor

_SPAM_CALL = re.compile(r"\b(заработ\w*|доход\w*|подпиш\w*|переход\w*|жми|кликай|скидк\w*|бесплатн\w*|казино|"
                        r"ставк\w*|кредит\w*|промокод\w*|пиши в лс|в личк\w*)\b", re.IGNORECASE)
_LINK = re.compile(r"(https?://|www\.|t\.me/|@\w{4,})", re.IGNORECASE)


def suggest_reason(text: str) -> ModerationReason | None:
    """The reason the detectors suggest for removing ``text`` (None: nothing found)."""
    found = assess_incoming(text)
    if "obscene" in found.reasons:
        return ModerationReason.OBSCENE
    if "insult" in found.reasons:
        return ModerationReason.INSULT
    if "threat" in found.reasons or "harm_intent" in found.reasons:
        return ModerationReason.LAW
    if _LINK.search(text) and _SPAM_CALL.search(text):
        return ModerationReason.SPAM
    return None


def author_key(author: str, author_link: str) -> str:
    """Who a network user is, for the black list: their profile link without scheme, «www.», «m.»,
    parameters and the trailing «/», in lower case; the name when there is no link."""
    link = (author_link or "").strip()
    if link:
        try:
            parts = urlsplit(link if "//" in link else "https://" + link)
            host = host_of(parts.hostname or "")
            network = NETWORK_HOSTS.get(host)
            where = network.value if network else host  # m.vk.com, vk.ru and vk.com are one network
            return f"{where}{parts.path.rstrip('/').lower()}"
        except ValueError:
            return link.lower()
    return "name:" + " ".join((author or "").lower().split())


def _reason(reason: str) -> ModerationReason:
    try:
        return ModerationReason(reason)
    except ValueError:
        raise ValidationError("Причина удаления: нарушение законодательства, спам, оскорбления или "
                              "нецензурные выражения (п. 14 Приложения 1)") from None


def record_removal(actor: Actor, page_id: int, *, author: str, text: str, reason: str, author_link: str = "",
                   link: str = "", at: datetime | None = None, blacklist: bool = False) -> int:
    """Record a removed comment or message (and, with ``blacklist``, put its author on the page's black list)."""
    page_for_edit(actor, page_id, "Модерация")
    cause = _reason(reason)
    author = validation.text(author, "Автор", limit=validation.MAX_LINE)
    text = validation.text(text, "Удалённый текст", limit=validation.MAX_COMMENT)
    author_link = validation.link(author_link, "Ссылка на автора", required=False)
    link = validation.link(link, "Ссылка на комментарий", required=False)
    moment = clock.now() if at is None else validation.moment(at, "Когда удалён", zone=current_calendar().tz,
                                                              now=clock.now())
    with db.atomic():
        entry = ModerationEntry.create(page=page_id, at=moment, action=ModerationAction.DELETED, reason=cause.value,
                                       author=author, author_link=author_link, link=link, excerpt=text,
                                       moderator=actor.user_id)
        audit.record("page.moderation", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=MODERATION_REASON_LABELS[cause],
                     payload={"entry": entry.id, "author": author, "link": link})
        if blacklist:
            _add_to_blacklist(actor, page_id, author, author_link, cause)
    return entry.id


def add_to_blacklist(actor: Actor, page_id: int, author: str, author_link: str, reason: str) -> int:
    """Put a network user on the page's black list; returns the entry's id."""
    page_for_edit(actor, page_id, "Чёрный список")
    author = validation.text(author, "Автор", limit=validation.MAX_LINE)
    author_link = validation.link(author_link, "Ссылка на автора", required=False)
    with db.atomic():
        return _add_to_blacklist(actor, page_id, author, author_link, _reason(reason))


def _add_to_blacklist(actor: Actor, page_id: int, author: str, author_link: str, cause: ModerationReason) -> int:
    key = author_key(author, author_link)
    for entry in BlacklistEntry.select().where((BlacklistEntry.page == page_id) & BlacklistEntry.removed_at.is_null()):
        if author_key(entry.author, entry.author_link) == key:
            raise ValidationError(f"«{author}» уже в чёрном списке этой страницы")
    entry = BlacklistEntry.create(page=page_id, author=author, author_link=author_link, reason=cause.value,
                                  added_at=clock.now(), added_by=actor.user_id)
    ModerationEntry.create(page=page_id, at=clock.now(), action=ModerationAction.BLACKLISTED, reason=cause.value,
                           author=author, author_link=author_link, excerpt="", moderator=actor.user_id)
    audit.record("page.blacklist_add", actor=actor.user_id, entity="official_page", entity_id=page_id,
                 comment=author, payload={"entry": entry.id, "author_link": author_link, "reason": cause.value})
    return entry.id


def remove_from_blacklist(actor: Actor, entry_id: int) -> None:
    """Take a user off the black list (the entry stays, marked with who and when)."""
    entry = BlacklistEntry.get_or_none(BlacklistEntry.id == entry_id)
    if entry is None:
        raise NotFound("Запись чёрного списка не найдена")
    page_for_edit(actor, entry.page_id, "Чёрный список")
    with db.atomic():
        changed = (BlacklistEntry.update(removed_at=clock.now(), removed_by=actor.user_id)
                   .where((BlacklistEntry.id == entry_id) & BlacklistEntry.removed_at.is_null()).execute())
        if not changed:
            raise ConflictError(f"«{entry.author}» уже исключён из чёрного списка")
        audit.record("page.blacklist_remove", actor=actor.user_id, entity="official_page", entity_id=entry.page_id,
                     comment=entry.author, payload={"entry": entry_id})


@dataclass(frozen=True)
class JournalRow:
    id: int
    page_name: str
    at: datetime
    action: str
    reason: str
    author: str
    author_link: str
    link: str
    text: str
    moderator: str


@dataclass(frozen=True)
class BlacklistRow:
    id: int
    page_id: int
    page_name: str
    author: str
    author_link: str
    reason: str
    added_at: datetime
    added_by: str
    removed_at: datetime | None


def journal(actor: Actor, *, page_id: int | None = None, since: datetime | None = None,
            until: datetime | None = None, limit: int = 1000) -> list[JournalRow]:
    """The moderation journal, newest first."""
    require_read(actor)
    users = dict(User.select(User.id, User.full_name).tuples())
    query = (ModerationEntry.select(ModerationEntry, OfficialPage.name).join(OfficialPage)
             .order_by(ModerationEntry.at.desc(), ModerationEntry.id.desc()).limit(limit))
    if page_id is not None:
        query = query.where(ModerationEntry.page == page_id)
    if since is not None:
        query = query.where(ModerationEntry.at >= since)
    if until is not None:
        query = query.where(ModerationEntry.at < until)
    return [JournalRow(e.id, e.page.name, e.at, "Удалён комментарий" if e.action == ModerationAction.DELETED
                       else "Внесён в чёрный список", MODERATION_REASON_LABELS.get(e.reason, e.reason), e.author,
                       e.author_link, e.link, e.excerpt, users.get(e.moderator_id, "") if e.moderator_id else "")
            for e in query]


def blacklist(actor: Actor, *, page_id: int | None = None, with_removed: bool = False) -> list[BlacklistRow]:
    require_read(actor)
    users = dict(User.select(User.id, User.full_name).tuples())
    query = (BlacklistEntry.select(BlacklistEntry, OfficialPage.id, OfficialPage.name).join(OfficialPage)
             .order_by(BlacklistEntry.added_at.desc(), BlacklistEntry.id.desc()))
    if page_id is not None:
        query = query.where(BlacklistEntry.page == page_id)
    if not with_removed:
        query = query.where(BlacklistEntry.removed_at.is_null())
    return [BlacklistRow(e.id, e.page_id, e.page.name, e.author, e.author_link,
                         MODERATION_REASON_LABELS.get(e.reason, e.reason), e.added_at,
                         users.get(e.added_by_id, "") if e.added_by_id else "", e.removed_at) for e in query]


def _active_keys() -> dict[str, list[str]]:
    """author key → the names of the pages whose black list holds them (the pages' names are read only
    when some list holds somebody: every queue page and card asks)."""
    listed = list(BlacklistEntry.select(BlacklistEntry.page, BlacklistEntry.author, BlacklistEntry.author_link)
                  .where(BlacklistEntry.removed_at.is_null()).tuples())
    if not listed:
        return {}
    names = dict(OfficialPage.select(OfficialPage.id, OfficialPage.name).tuples())
    keys: dict[str, list[str]] = {}
    for page_id, author, link in listed:
        keys.setdefault(author_key(author, link), []).append(names.get(page_id, ""))
    return keys


def blacklisted_incidents(incident_ids: Iterable[int]) -> dict[int, str]:
    """Incident id → «в чёрном списке страницы «…»» for the incidents whose author is blacklisted."""
    ids = list(incident_ids)
    if not ids:
        return {}
    keys = _active_keys()
    if not keys:
        return {}
    marks: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        for incident_id, author, link in (Incident.select(Incident.id, Incident.author, Incident.author_link)
                                          .where(Incident.id.in_(ids[start:start + 900])).tuples()):
            pages = keys.get(author_key(author, link)) or (keys.get(author_key(author, "")) if not link else None)
            if pages:
                listed = ", ".join(f"«{p}»" for p in sorted(set(pages)))
                marks[incident_id] = f"Автор в чёрном списке страниц{'ы' if len(set(pages)) == 1 else ''} {listed}"
    return marks


