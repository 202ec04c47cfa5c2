"""Clause 15 of Appendix 1: the administration's pages are subscribed to the head's pages.

A matrix of the administration's active pages × the head's active pages; each cell records
whether the subscription is in place, who looked and when. A missing cell (never recorded) or a
recorded «не подписана» is flagged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models import OfficialPage, PageSubscription, db
from app.models.enums import PageOwner
from app.services import audit, clock
from app.services.errors import NotFound, ValidationError
from app.services.pages.access import page_for_edit, require_read
from app.services.permissions import Actor


@dataclass(frozen=True)
class Matrix:
    admin_pages: tuple[tuple[int, str], ...]  # rows
    head_pages: tuple[tuple[int, str], ...]   # columns
    #: (admin page, head page) → (subscribed, checked at); a pair never recorded is absent
    cells: dict[tuple[int, int], tuple[bool, datetime]]

    def missing(self) -> list[tuple[int, int]]:
        """Pairs not subscribed (or never checked)."""
        return [(a, h) for a, _ in self.admin_pages for h, _ in self.head_pages
                if not self.cells.get((a, h), (False, None))[0]]


def matrix(actor: Actor) -> Matrix:
    require_read(actor)
    return matrix_of_pages()


def matrix_of_pages() -> Matrix:
    pages = list(OfficialPage.select(OfficialPage.id, OfficialPage.name, OfficialPage.owner)
                 .where(OfficialPage.archived_at.is_null()).order_by(OfficialPage.network, OfficialPage.name).tuples())
    admin = tuple((i, n) for i, n, o in pages if o == PageOwner.ADMINISTRATION)
    head = tuple((i, n) for i, n, o in pages if o == PageOwner.HEAD)
    cells = {(a, h): (s, at) for a, h, s, at in PageSubscription.select(
        PageSubscription.page, PageSubscription.head_page, PageSubscription.subscribed, PageSubscription.checked_at
    ).tuples()}
    return Matrix(admin, head, cells)


def set_subscription(actor: Actor, page_id: int, head_page_id: int, subscribed: bool) -> None:
    """Record whether the administration page ``page_id`` is subscribed to the head's page."""
    page = page_for_edit(actor, page_id, "Подписка на страницу главы")
    head = OfficialPage.get_or_none(OfficialPage.id == head_page_id)
    if head is None:
        raise NotFound("Страница главы не найдена")
    if page.owner != PageOwner.ADMINISTRATION or head.owner != PageOwner.HEAD:
        raise ValidationError("Подписка (п. 15): страница администрации подписывается на страницу главы")
    with db.atomic():
        (PageSubscription.insert(page=page_id, head_page=head_page_id, subscribed=bool(subscribed),
                                 checked_at=clock.now(), checked_by=actor.user_id)
         .on_conflict(conflict_target=[PageSubscription.page, PageSubscription.head_page],
                      update={PageSubscription.subscribed: bool(subscribed), PageSubscription.checked_at: clock.now(),
                              PageSubscription.checked_by: actor.user_id}).execute())
        audit.record("page.subscription", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=f"{page.name} → {head.name}", payload={"head_page": head_page_id,
                                                                   "subscribed": bool(subscribed)})
