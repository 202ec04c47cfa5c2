"""The small services the «Страницы» screens and the dashboard need (Appendix 1): who may change at
least one page, how many pages have nothing published this week, and rows that name their page."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.services.pages import access, moderation, publications, registry, weeks
from tests.helpers.world import MSK, World, build_world


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch, datetime(2026, 11, 24, 10, 0, tzinfo=MSK))  # Tuesday


def add(w: World, url: str, name: str, owner: str = "administration", people: tuple[str, ...] = ()) -> int:
    network = "telegram" if "t.me" in url else "vk"
    return registry.create_page(w.actor("kurator"), registry.PageInput(
        network, owner, name, url, publisher_ids=[w.ids[p] for p in people]))


def test_who_changes_some_page(world: World) -> None:
    w = world
    assert access.edits_some_page(w.actor("kurator")) and access.edits_some_page(w.actor("admin"))
    assert not access.edits_some_page(w.actor("zhkh")) and not access.edits_some_page(w.actor("glava"))
    add(w, "https://vk.com/adm", "Администрация", people=("zhkh",))
    assert access.edits_some_page(w.actor("zhkh"))
    assert not access.edits_some_page(w.actor("glava"))  # the head reads


def test_pages_without_a_publication_this_week_for_the_dashboard(world: World) -> None:
    w = world
    assert weeks.unpublished_this_week(w.actor("kurator")) == 0
    vk = add(w, "https://vk.com/adm", "Администрация")
    tg = add(w, "https://t.me/glava", "Глава", owner="head")
    old = add(w, "https://vk.com/old", "Старая")
    registry.archive_page(w.actor("kurator"), old, "Закрыта")
    assert weeks.unpublished_this_week(w.actor("kurator")) == 2  # the archived page is not counted
    publications.plan_publication(w.actor("kurator"), tg, date(2026, 11, 26), "Эфир")
    assert weeks.unpublished_this_week(w.actor("glava")) == 2  # planned is not published
    publications.record_publication(w.actor("kurator"), vk, publications.PublicationInput(
        datetime(2026, 11, 23, 12, 0, tzinfo=MSK), "Итоги", "", ["text"]))
    assert weeks.unpublished_this_week(w.actor("kurator")) == 1
    assert weeks.unpublished_this_week(w.actor("kurator"), datetime(2026, 12, 1, 10, 0, tzinfo=MSK)) == 2
    assert weeks.unpublished_this_week(w.actor("zhkh")) is None  # named for no page: no line at all


def test_plan_publication_and_black_list_rows_name_their_page(world: World) -> None:
    w = world
    vk = add(w, "https://vk.com/adm", "Администрация")
    k = w.actor("kurator")
    publications.plan_publication(k, vk, date(2026, 11, 26), "Опрос")
    publications.record_publication(k, vk, publications.PublicationInput(
        datetime(2026, 11, 24, 9, 0, tzinfo=MSK), "Итоги", "", ["text"]))
    moderation.add_to_blacklist(k, vk, "Спамер", "https://vk.com/id1", "spam")
    assert [r.page_id for r in publications.plan(k, [date(2026, 11, 23)])] == [vk]
    assert [r.page_id for r in publications.publications(k)] == [vk]
    assert [r.page_id for r in moderation.blacklist(k)] == [vk]


def test_the_demo_fills_every_screen_of_the_pages_module(db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from app.models import Incident
    from app.models.enums import VerificationState
    from app.services import demo
    from app.services.pages import description, law_info, subscriptions
    from app.services.pages.weeks import WeekState
    from app.services.permissions import actor_for
    from app.services.users import list_users

    now = datetime(2026, 11, 26, 15, 0, tzinfo=MSK)  # Thursday
    monkeypatch.setattr("app.services.clock.now", lambda: now)
    demo.fill_demo(incidents=12, now=now)
    k = actor_for(next(u.id for u in list_users() if u.login == "kurator"), now.date())
    pages = registry.list_pages(k)
    assert len(pages) == 5 and len(registry.list_pages(k, archived=True)) == 6
    assert all(p.unit_name and p.publisher_names and p.access_handed_on for p in pages)
    grid = weeks.grid_for(k, [weeks.week_start(now.date()) - timedelta(weeks=n) for n in range(12, -1, -1)])
    states = {c.state for r in grid.rows for c in r.cells}
    assert {WeekState.PUBLISHED, WeekState.MISSING, WeekState.PLANNED} <= states
    assert weeks.unpublished_this_week(k, now) == 3
    monday = weeks.week_start(now.date())
    assert len(publications.plan(k, [monday, monday + timedelta(days=7)])) == 5
    assert any(s.flagged for p in pages for s in law_info.checklist(k, p.id))
    assert [s.differs for s in description.states(k)].count(True) == 1
    assert sorted(p.verification for p in pages).count(VerificationState.REQUESTED) == 1
    assert len(moderation.journal(k)) >= 9 and len(moderation.blacklist(k)) == 2
    assert len(subscriptions.matrix(k).missing()) == 1
    ids = [i for (i,) in Incident.select(Incident.id).tuples()]
    assert moderation.blacklisted_incidents(ids)  # a blacklisted author wrote to the administration
    assert Incident.select().where(Incident.page.is_null(False)).exists()  # the head's pages
