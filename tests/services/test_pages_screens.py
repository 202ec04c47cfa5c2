"""The small services the «Страницы» screens and the dashboard need (Appendix 1): who may change at
least one page, how many pages have nothing published this week, and rows that name their page."""
from __future__ import annotations

from datetime import date, datetime

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
