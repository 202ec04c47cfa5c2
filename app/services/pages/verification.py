"""The special mark of an official page (Appendix 1, clauses 11–13).

Each page has a state — no mark; applied for through the administration's ESIA account
(clause 11); an application sent to the ESIA operator (clause 12); granted; removed; to be
confirmed again after the administration's name changed (clause 13) — with the date it took
effect and every change kept in its history.

For clause 12 the program produces the application from the settings: the administration's full
name, address, phone and e-mail and its head's phone and e-mail, and the pages it is for. The
screens print it to PDF (Qt's own printing); here it is only data.

Changing the administration's name in the settings removes the marks (clause 13): the change is
refused until the user confirms it, and then every page with a granted mark moves to «требует
повторного подтверждения» in the same transaction.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from babel.dates import format_date

from app.models import OfficialPage, User, VerificationEvent, db
from app.models.enums import NETWORK_LABELS, PAGE_OWNER_LABELS, VERIFICATION_STATE_LABELS, Role, VerificationState
from app.services import audit, clock, settings, validation
from app.services.calendar_store import current_calendar
from app.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from app.services.pages.access import page_for_edit, require_read
from app.services.permissions import Actor

S = VerificationState
#: state → the states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NONE: frozenset({S.ESIA, S.REQUESTED}),
    S.ESIA: frozenset({S.VERIFIED, S.NONE, S.REQUESTED}),
    S.REQUESTED: frozenset({S.VERIFIED, S.NONE}),
    S.VERIFIED: frozenset({S.REMOVED, S.RECONFIRM}),
    S.RECONFIRM: frozenset({S.VERIFIED, S.REMOVED}),
    S.REMOVED: frozenset({S.ESIA, S.REQUESTED}),
}
NAME_CHANGE_NOTE = ("Наименование администрации изменено в настройках: специальная отметка удаляется "
                    "до повторного выполнения условий п. 11 (п. 13 Приложения 1)")


@dataclass(frozen=True)
class HistoryRow:
    state: str
    label: str
    effective_on: date
    recorded_at: datetime
    by: str
    note: str


def set_state(actor: Actor, page_id: int, state: str, effective_on: date, note: str = "") -> None:
    """Record a new state of the page's mark, effective on ``effective_on``."""
    page = page_for_edit(actor, page_id, "Специальная отметка")
    try:
        new = VerificationState(state)
    except ValueError:
        raise ValidationError(f"Состояние отметки «{state}» неизвестно") from None
    effective_on = validation.day(effective_on, "Дата")
    if effective_on > clock.now().astimezone(current_calendar().tz).date():
        raise ValidationError("Дата: состояние отметки записывают, когда оно наступило, — дата ещё не наступила")
    note = validation.text(note, "Примечание", limit=500, required=False)
    with db.atomic():
        current = OfficialPage.select(OfficialPage.verification).where(OfficialPage.id == page_id).scalar()
        if new.value not in TRANSITIONS.get(current, frozenset()):
            raise InvalidTransition(f"Отметка страницы «{page.name}»: из состояния «{VERIFICATION_STATE_LABELS.get(current, current)}» "
                                    f"нельзя перейти в «{VERIFICATION_STATE_LABELS[new]}»")
        _move(actor, page_id, current, new, effective_on, note)


def _move(actor: Actor, page_id: int, current: str, new: VerificationState, effective_on: date, note: str) -> None:
    now = clock.now()
    OfficialPage.update(verification=new.value, verification_changed_at=now,
                        version=OfficialPage.version + 1).where(OfficialPage.id == page_id).execute()
    VerificationEvent.create(page=page_id, state=new.value, effective_on=effective_on, at=now, by=actor.user_id,
                             note=note)
    audit.record("page.verification", actor=actor.user_id, entity="official_page", entity_id=page_id,
                 from_state=current, to_state=new.value, comment=note,
                 payload={"effective_on": effective_on.isoformat()})


def history(actor: Actor, page_id: int) -> list[HistoryRow]:
    """The page's mark, newest change first."""
    require_read(actor)
    users = dict(User.select(User.id, User.full_name).tuples())
    return [HistoryRow(e.state, VERIFICATION_STATE_LABELS.get(e.state, e.state), e.effective_on, e.at,
                       users.get(e.by_id, "программа") if e.by_id else "программа", e.note)
            for e in VerificationEvent.select().where(VerificationEvent.page == page_id)
            .order_by(VerificationEvent.at.desc(), VerificationEvent.id.desc())]


# --- clause 12: the application to the ESIA operator ---------------------------------------------

@dataclass(frozen=True)
class Application:
    """The application's content: the administration, its head, the pages, and what is missing."""

    title: str
    made_on: str
    details: tuple[tuple[str, str], ...]  # (label, value) in the order of clause 12
    pages: tuple[tuple[str, str, str, str], ...]  # (network, owner, name, link)
    missing: tuple[str, ...]


def application(actor: Actor, page_ids: Sequence[int]) -> Application:
    """The clause-12 application for the given pages, from the administration's details in the settings."""
    require_read(actor)
    if not page_ids:
        raise ValidationError("Заявка оператору ЕСИА: выберите хотя бы одну страницу")
    pages = list(OfficialPage.select().where(OfficialPage.id.in_(list(page_ids)))
                 .order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name))
    if len(pages) != len(set(page_ids)):
        raise NotFound("Страница не найдена")
    org = settings.organisation()
    details = tuple((settings.ORGANISATION_LABELS[f.name], str(getattr(org, f.name)).strip() or "не указано")
                    for f in fields(org))
    today = clock.now().astimezone(current_calendar().tz).date()
    return Application(
        title="Заявка на присвоение официальной странице специальной отметки",
        made_on=format_date(today, "d MMMM y 'г.'", locale="ru"),
        details=details,
        pages=tuple((NETWORK_LABELS.get(p.network, p.network), PAGE_OWNER_LABELS.get(p.owner, p.owner), p.name, p.url)
                    for p in pages),
        missing=tuple(org.missing()),
    )


# --- clause 13: the administration's name changes --------------------------------------------------

class MarksWillBeRemoved(ValidationError):
    """The new name removes the marks of these pages: the user must confirm the change."""

    def __init__(self, page_names: Sequence[str]) -> None:
        self.page_names = tuple(page_names)
        listed = ", ".join(f"«{n}»" for n in self.page_names)
        super().__init__(
            f"После изменения наименования администрации соцсети удаляют специальную отметку (п. 13 Приложения 1). "
            f"Страницы с отметкой ({len(self.page_names)}): {listed} — перейдут в состояние «требует повторного "
            "подтверждения». Сохранить новое наименование?")


def change_organisation(actor: Actor, details: settings.Organisation, *, confirm_marks: bool = False) -> list[int]:
    """Save the administration's details; a new name moves granted marks to «требует повторного
    подтверждения» (only with ``confirm_marks``). Returns the pages moved."""
    if not (actor.is_curator or actor.has(Role.ADMIN)):
        raise PermissionDenied("Сведения об администрации: их изменяют куратор или администратор")
    cleaned = settings.Organisation(**{
        f.name: validation.text(getattr(details, f.name), settings.ORGANISATION_LABELS[f.name],
                                limit=validation.MAX_LINE, required=f.name == "full_name")
        for f in fields(details)})
    if cleaned.email and "@" not in cleaned.email:
        raise ValidationError("Электронная почта администрации: нужен адрес вида name@example.ru")
    if cleaned.head_email and "@" not in cleaned.head_email:
        raise ValidationError("Электронная почта руководителя: нужен адрес вида name@example.ru")
    with db.atomic():
        old = settings.organisation()
        renamed = " ".join(old.full_name.split()) != " ".join(cleaned.full_name.split())
        marked = list(OfficialPage.select(OfficialPage.id, OfficialPage.name, OfficialPage.verification)
                      .where(OfficialPage.verification == S.VERIFIED).order_by(OfficialPage.name)) if renamed else []
        if marked and not confirm_marks:
            raise MarksWillBeRemoved([p.name for p in marked])
        settings.store_organisation(cleaned, actor)
        today = clock.now().astimezone(current_calendar().tz).date()
        for page in marked:
            _move(actor, page.id, page.verification, S.RECONFIRM, today, NAME_CHANGE_NOTE)
    return [p.id for p in marked]
