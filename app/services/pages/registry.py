"""The registry of official pages (Appendix 1, clauses 1–3).

A page has a network, an owner (the administration or the head), a name, a link, the service
phone it is bound to, the unit that runs it, its people (who may publish and keep its records)
and the record of the access handed to the department: when, by whom, to whom. Logins and
passwords are never asked for and never stored.

Pages are archived, never deleted: their publications, checks, moderation and history stay, and
an archived page leaves the weekly rule from the day it was archived. Every change is an audit
event; an edit made from a stale copy (another PC changed the page meanwhile) is refused instead
of overwriting the other change.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from app.models import OfficialPage, PagePublisher, Unit, User, db
from app.models.enums import NETWORK_LABELS, PAGE_OWNER_LABELS, Network, PageOwner
from app.services import audit, clock, validation
from app.services.errors import ConflictError, NotFound, ValidationError
from app.services.links import NETWORK_HOSTS, host_of
from app.services.pages.access import require_read, require_registry
from app.services.pages.linking import relink_incidents
from app.services.permissions import Actor

_PHONE = re.compile(r"^[0-9+()\-\s]{5,32}$")


@dataclass(frozen=True)
class PageInput:
    """What the registry form sends for a new page or an edit."""

    network: str
    owner: str
    name: str
    url: str
    phone: str = ""
    unit_id: int | None = None
    network_id: str = ""
    responsible_id: int | None = None
    access_handed_on: date | None = None
    access_handed_by: str = ""
    access_received_by_id: int | None = None
    publisher_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class PageRow:
    """One page as the registry table shows it."""

    id: int
    network: str
    network_label: str
    owner: str
    owner_label: str
    name: str
    url: str
    phone: str
    unit_name: str
    responsible_name: str
    publisher_names: tuple[str, ...]
    access_handed_on: date | None
    access_handed_by: str
    access_received_by_name: str
    verification: str
    archived: bool
    archived_at: datetime | None
    archive_reason: str
    network_id: str
    version: int


def _clean(data: PageInput) -> dict[str, object]:
    try:
        network = Network(data.network)
    except ValueError:
        raise ValidationError("Соцсеть: выберите ВКонтакте, Одноклассники или Telegram") from None
    try:
        owner = PageOwner(data.owner)
    except ValueError:
        raise ValidationError("Владелец страницы: администрация или глава") from None
    url = validation.link(data.url, "Ссылка на страницу")
    host = host_of(urlsplit(url).hostname or "")
    if NETWORK_HOSTS.get(host) not in (None, network):
        raise ValidationError(f"Ссылка на страницу ведёт в другую соцсеть ({host}), а выбрана "
                              f"«{NETWORK_LABELS[network]}»")
    phone = validation.text(data.phone, "Служебный телефон", limit=32, required=False)
    if phone and not _PHONE.match(phone):
        raise ValidationError("Служебный телефон: только цифры, пробелы, скобки, дефисы и «+»")
    for user_id, what in ((data.responsible_id, "Ответственный"), (data.access_received_by_id, "Кому передан доступ"),
                          *((u, "Кто ведёт страницу") for u in data.publisher_ids)):
        if user_id is not None and not User.select().where(User.id == user_id).exists():
            raise ValidationError(f"{what}: пользователь не найден")
    if data.unit_id is not None and not Unit.select().where(Unit.id == data.unit_id).exists():
        raise ValidationError("Отдел, который ведёт страницу: не найден")
    handed_on = validation.day(data.access_handed_on, "Дата передачи доступа") if data.access_handed_on else None
    if handed_on and handed_on > clock.now().date():
        raise ValidationError("Дата передачи доступа: дата ещё не наступила")
    return {
        "network": network.value, "owner": owner.value,
        "name": validation.text(data.name, "Название страницы", limit=validation.MAX_LINE),
        "url": url, "phone": phone, "unit": data.unit_id,
        "network_id": validation.text(data.network_id, "Идентификатор в соцсети", limit=128, required=False),
        "responsible": data.responsible_id, "access_handed_on": handed_on,
        "access_handed_by": validation.text(data.access_handed_by, "Кто передал доступ",
                                            limit=validation.MAX_LINE, required=False),
        "access_received_by": data.access_received_by_id,
    }


def _same_url(url: str, except_id: int | None) -> OfficialPage | None:
    query = OfficialPage.select(OfficialPage.id, OfficialPage.name).where(
        OfficialPage.url == url)
    if except_id is not None:
        query = query.where(OfficialPage.id != except_id)
    return query.first()


def _set_people(page_id: int, user_ids: Iterable[int]) -> tuple[list[int], list[int]]:
    wanted = set(user_ids)
    present = {u for (u,) in PagePublisher.select(PagePublisher.user).where(PagePublisher.page == page_id).tuples()}
    added, removed = sorted(wanted - present), sorted(present - wanted)
    if removed:
        PagePublisher.delete().where((PagePublisher.page == page_id) & PagePublisher.user.in_(removed)).execute()
    for user_id in added:
        PagePublisher.create(page=page_id, user=user_id)
    return added, removed


def create_page(actor: Actor, data: PageInput) -> int:
    """Add a page to the registry; returns its id."""
    require_registry(actor, "Новая страница")
    values = _clean(data)
    with db.atomic():
        other = _same_url(str(values["url"]), None)
        if other is not None:
            raise ValidationError(f"Страница с этой ссылкой уже есть в реестре: «{other.name}»")
        page = OfficialPage.create(**values, created_at=clock.now())
        _set_people(page.id, data.publisher_ids)
        relink_incidents(db.obj)
        audit.record("page.create", actor=actor.user_id, entity="official_page", entity_id=page.id,
                     comment=page.name, payload=_payload(values, data.publisher_ids))
    return page.id


def update_page(actor: Actor, page_id: int, version: int, data: PageInput) -> int:
    """Save an edit made from version ``version``; returns the new version.

    If another PC saved the page in between, nothing is saved and ``ConflictError`` says so.
    """
    require_registry(actor, "Изменение страницы")
    values = _clean(data)
    with db.atomic():
        page = OfficialPage.get_or_none(OfficialPage.id == page_id)
        if page is None:
            raise NotFound("Страница не найдена")
        other = _same_url(str(values["url"]), page_id)
        if other is not None:
            raise ValidationError(f"Страница с этой ссылкой уже есть в реестре: «{other.name}»")
        changed = (OfficialPage.update(**values, version=OfficialPage.version + 1)
                   .where((OfficialPage.id == page_id) & (OfficialPage.version == version)).execute())
        if not changed:
            raise ConflictError("Страницу только что изменили на другом компьютере. Ваши изменения не сохранены: "
                                "обновите карточку страницы и внесите их снова")
        added, removed = _set_people(page_id, data.publisher_ids)
        if (page.url, page.network, page.network_id) != (values["url"], values["network"], values["network_id"]):
            relink_incidents(db.obj)
        audit.record("page.edit", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=str(values["name"]),
                     payload={**_payload(values, data.publisher_ids), "people_added": added, "people_removed": removed})
    return version + 1


def archive_page(actor: Actor, page_id: int, reason: str) -> None:
    """Move a page to the archive: it stays with its history, and leaves the weekly rule."""
    require_registry(actor, "Архивирование страницы")
    reason = validation.text(reason, "Причина архивирования", limit=validation.MAX_LINE)
    with db.atomic():
        page = OfficialPage.get_or_none(OfficialPage.id == page_id)
        if page is None:
            raise NotFound("Страница не найдена")
        if page.archived_at is not None:
            raise ValidationError(f"Страница «{page.name}» уже в архиве")
        OfficialPage.update(archived_at=clock.now(), archive_reason=reason, is_active=False,
                            version=OfficialPage.version + 1).where(OfficialPage.id == page_id).execute()
        audit.record("page.archive", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=reason, payload={"name": page.name})


def restore_page(actor: Actor, page_id: int) -> None:
    """Bring an archived page back to work."""
    require_registry(actor, "Возврат страницы из архива")
    with db.atomic():
        page = OfficialPage.get_or_none(OfficialPage.id == page_id)
        if page is None:
            raise NotFound("Страница не найдена")
        if page.archived_at is None:
            raise ValidationError(f"Страница «{page.name}» не в архиве")
        OfficialPage.update(archived_at=None, archive_reason="", is_active=True,
                            version=OfficialPage.version + 1).where(OfficialPage.id == page_id).execute()
        audit.record("page.restore", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=page.name)


def _payload(values: dict[str, object], people: Sequence[int]) -> dict[str, object]:
    return {**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
            "people": sorted(set(people))}


def list_pages(actor: Actor, *, archived: bool = False) -> list[PageRow]:
    """The registry: active pages (or every page with ``archived``), administration first, then the head's."""
    require_read(actor)
    query = OfficialPage.select().order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name)
    if not archived:
        query = query.where(OfficialPage.archived_at.is_null())
    pages = list(query)
    users = dict(User.select(User.id, User.full_name).tuples())
    units = {i: short or name for i, name, short in Unit.select(Unit.id, Unit.name, Unit.short_name).tuples()}
    people: dict[int, list[str]] = {}
    for page_id, user_id in PagePublisher.select(PagePublisher.page, PagePublisher.user).tuples():
        people.setdefault(page_id, []).append(users.get(user_id, "—"))
    return [PageRow(
        id=p.id, network=p.network, network_label=NETWORK_LABELS.get(p.network, p.network), owner=p.owner,
        owner_label=PAGE_OWNER_LABELS.get(p.owner, p.owner), name=p.name, url=p.url, phone=p.phone,
        unit_name=units.get(p.unit_id, "") if p.unit_id else "",
        responsible_name=users.get(p.responsible_id, "") if p.responsible_id else "",
        publisher_names=tuple(sorted(people.get(p.id, []))), access_handed_on=p.access_handed_on,
        access_handed_by=p.access_handed_by,
        access_received_by_name=users.get(p.access_received_by_id, "") if p.access_received_by_id else "",
        verification=p.verification, archived=p.archived_at is not None, archived_at=p.archived_at,
        archive_reason=p.archive_reason, network_id=p.network_id, version=p.version,
    ) for p in pages]


def page_input(page_id: int) -> tuple[PageInput, int]:
    """The page as the edit form fills it, and its version."""
    page = OfficialPage.get_or_none(OfficialPage.id == page_id)
    if page is None:
        raise NotFound("Страница не найдена")
    people = tuple(u for (u,) in PagePublisher.select(PagePublisher.user).where(PagePublisher.page == page_id)
                   .order_by(PagePublisher.user).tuples())
    return PageInput(page.network, page.owner, page.name, page.url, page.phone, page.unit_id, page.network_id,
                     page.responsible_id, page.access_handed_on, page.access_handed_by, page.access_received_by_id,
                     people), page.version


def head_page_ids() -> list[int]:
    """The pages of the head (clause 16: incidents found there are marked in the queue)."""
    return [i for (i,) in OfficialPage.select(OfficialPage.id).where(OfficialPage.owner == PageOwner.HEAD).tuples()]
