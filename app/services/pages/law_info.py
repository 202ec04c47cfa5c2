"""The information of 8-FZ art. 13 part 1 on every page (Appendix 1, clause 6).

Clause 6 wants the information listed in part 1 of article 13 of Federal Law 8-FZ «Об
обеспечении доступа к информации о деятельности государственных органов и органов местного
самоуправления» published on the pages and kept current. The checklist below names the items of
that part that a page carries; for each page and item the program keeps every check (who, when,
current or not, a note) and flags an item whose last check is older than the configured period
(90 days by default) or which was found out of date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.models import LawInfoCheck, OfficialPage, User, db
from app.services import audit, clock, settings, validation
from app.services.calendar_store import current_calendar
from app.services.errors import PermissionDenied, ValidationError
from app.services.pages.access import page_for_edit, require_read
from app.services.permissions import Actor

#: code → the item of 8-FZ art. 13 part 1 (the sub-item in brackets)
ITEMS: dict[str, str] = {
    "full_name": "Полное и сокращённое наименование администрации (п. 1 «а»)",
    "structure": "Структура администрации (п. 1 «а»)",
    "address": "Почтовый адрес (п. 1 «а»)",
    "email": "Адрес электронной почты (п. 1 «а»)",
    "phones": "Телефоны справочных служб (п. 1 «а»)",
    "competence": "Полномочия, задачи и функции (п. 1 «б»)",
    "subordinate": "Подведомственные организации, их адреса и телефоны (п. 1 «в»)",
    "head": "Сведения о главе поселения и руководителях (п. 1 «г»)",
    "pages": "Сведения об официальных страницах в соцсетях (п. 1 «ж»)",
    "law_making": "Муниципальные правовые акты (п. 2)",
    "appeals": "Порядок работы с обращениями граждан и график приёма (п. 9)",
}
MAX_PERIOD_DAYS = 3650


@dataclass(frozen=True)
class ItemState:
    code: str
    label: str
    checked_at: datetime | None
    checked_by: str
    current: bool
    note: str
    #: never checked, found out of date, or last checked too long ago
    flagged: bool
    reason: str


def record_check(actor: Actor, page_id: int, item: str, *, current: bool = True, note: str = "",
                 at: datetime | None = None) -> None:
    """Record that ``item`` was checked on the page now (or at ``at``), current or found out of date."""
    page_for_edit(actor, page_id, "Проверка сведений по 8-ФЗ")
    if item not in ITEMS:
        raise ValidationError(f"Пункт «{item}» не входит в перечень ч. 1 ст. 13 8-ФЗ")
    note = validation.text(note, "Примечание", limit=500, required=not current)
    moment = clock.now() if at is None else validation.moment(at, "Дата проверки", zone=current_calendar().tz,
                                                              now=clock.now())
    with db.atomic():
        LawInfoCheck.create(page=page_id, item=item, checked_at=moment, checked_by=actor.user_id,
                            current=current, note=note)
        audit.record("page.law_check", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=ITEMS[item], payload={"item": item, "current": current, "note": note})


def checklist(actor: Actor, page_id: int, today: date | None = None) -> list[ItemState]:
    """Every item of the checklist on one page with its last check and whether it is flagged."""
    require_read(actor)
    return checklist_of(page_id, today)


def checklist_of(page_id: int, today: date | None = None) -> list[ItemState]:
    cal = current_calendar()
    today = today or clock.now().astimezone(cal.tz).date()
    limit = settings.page_settings().law_check_days
    users = dict(User.select(User.id, User.full_name).tuples())
    last: dict[str, LawInfoCheck] = {}
    for check in (LawInfoCheck.select().where(LawInfoCheck.page == page_id)
                  .order_by(LawInfoCheck.checked_at, LawInfoCheck.id)):
        last[check.item] = check
    states = []
    for code, label in ITEMS.items():
        check = last.get(code)
        if check is None:
            states.append(ItemState(code, label, None, "", False, "", True, "не проверялось"))
            continue
        age = (today - check.checked_at.astimezone(cal.tz).date()).days
        if not check.current:
            flagged, reason = True, "устарело или отсутствует"
        elif age > limit:
            flagged, reason = True, f"не проверялось {age} дн. (дольше {limit} дн.)"
        else:
            flagged, reason = False, ""
        states.append(ItemState(code, label, check.checked_at, users.get(check.checked_by_id, ""), check.current,
                                check.note, flagged, reason))
    return states


def flagged_counts(today: date | None = None) -> dict[int, int]:
    """Active page id → how many items are flagged."""
    ids = [i for (i,) in OfficialPage.select(OfficialPage.id).where(OfficialPage.archived_at.is_null()).tuples()]
    return {page_id: sum(s.flagged for s in checklist_of(page_id, today)) for page_id in ids}


def set_period(actor: Actor, days: int) -> None:
    """The curator sets after how many days an unchecked item is flagged."""
    if not actor.is_curator:
        raise PermissionDenied("Срок проверки сведений: это может изменить только куратор")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_PERIOD_DAYS:
        raise ValidationError(f"Срок проверки сведений: целое число дней от 1 до {MAX_PERIOD_DAYS}")
    current = settings.page_settings()
    with db.atomic():
        settings.store_page_settings(settings.PageSettings(current.approved_description, days), actor,
                                     "Срок проверки сведений по 8-ФЗ на страницах")
