"""Who may read and change the official pages and their records.

The organisational-personnel department (the curator) keeps the registry and may act on every
page; the administrator may keep the registry too; the people named for a page (and the page's
responsible person) keep its publications, plan, checks and moderation; the head of the
settlement and the responsible official read everything. Executors read the pages they are named
for.
"""
from __future__ import annotations

from app.models import OfficialPage, PagePublisher
from app.models.enums import Role
from app.services.errors import NotFound, PermissionDenied
from app.services.permissions import Actor


def keeps_registry(actor: Actor) -> bool:
    """The curator and the administrator add, edit, archive pages and name their people."""
    return actor.is_curator or actor.has(Role.ADMIN)


def require_registry(actor: Actor, what: str) -> None:
    if not keeps_registry(actor):
        raise PermissionDenied(f"{what}: реестр страниц ведут куратор (организационно-кадровый отдел) "
                               "и администратор")


def page_people(page_id: int) -> set[int]:
    """The users named for a page: its people and its responsible person."""
    people = {u for (u,) in PagePublisher.select(PagePublisher.user).where(PagePublisher.page == page_id).tuples()}
    responsible = OfficialPage.select(OfficialPage.responsible).where(OfficialPage.id == page_id).scalar()
    if responsible:
        people.add(responsible)
    return people


def can_edit(actor: Actor, page_id: int) -> bool:
    """The curator, the administrator, or one of the page's people."""
    return keeps_registry(actor) or actor.user_id in page_people(page_id)


def can_read(actor: Actor) -> bool:
    """Everyone who reads everything, and anyone named for at least one page."""
    if actor.reads_everything:
        return True
    return PagePublisher.select().where(PagePublisher.user == actor.user_id).exists() or (
        OfficialPage.select().where(OfficialPage.responsible == actor.user_id).exists())


def require_read(actor: Actor, what: str = "Официальные страницы") -> None:
    if not can_read(actor):
        raise PermissionDenied(f"{what}: доступно куратору, главе, ответственному должностному лицу и людям, "
                               "назначенным для страниц")


def page_for_edit(actor: Actor, page_id: int, what: str) -> OfficialPage:
    """The page, if the actor may change its records; a Russian refusal otherwise."""
    page = OfficialPage.get_or_none(OfficialPage.id == page_id)
    if page is None:
        raise NotFound("Страница не найдена — возможно, её удалили из реестра")
    if not can_edit(actor, page_id):
        raise PermissionDenied(f"{what}: это могут сделать куратор и люди, назначенные для страницы «{page.name}»")
    return page


def edits_some_page(actor: Actor) -> bool:
    """Whether the actor may change the records of at least one page (the screens turn their buttons on)."""
    return keeps_registry(actor) or PagePublisher.select().where(PagePublisher.user == actor.user_id).exists() or (
        OfficialPage.select().where(OfficialPage.responsible == actor.user_id).exists())
