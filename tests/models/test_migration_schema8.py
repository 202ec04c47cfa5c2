"""Issue 14: schema 8 brings the official pages module to a database of the previous program.

A schema-7 database is built with the models as they were (no page columns of Appendix 1, none of
the new tables) and holds what that program kept: two pages with a responsible person, a mark and
the «subscribed to the head» flag, a publication, and an incident written on the head's page.
After the upgrade nothing is lost and each old fact has its new home.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app import models
from app.models import (
    Incident, OfficialPage, PagePublication, PagePublisher, PageSubscription, User, VerificationEvent, db, migrations,
)
from app.models.enums import PageOwner, Role, VerificationState
from app.services.database import make_database, open_database, parse_url
from tests.helpers.old_schema import models_before

MSK = ZoneInfo("Europe/Moscow")
NEW_TABLES = {"PagePublisher", "ContentPlanItem", "LawInfoCheck", "VerificationEvent", "PageSubscription"}
NEW_FIELDS = {
    OfficialPage: ("unit", "network_id", "access_handed_on", "access_handed_by", "access_received_by", "description",
                   "description_checked_on", "archived_at", "archive_reason", "created_at", "version"),
    PagePublication: ("text", "formats", "created_at", "created_by"),
    Incident: ("page",),
    models.ModerationEntry: ("link", "author_link"),
    models.BlacklistEntry: ("removed_at", "removed_by"),
}


def schema_7(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a context manager
    """The models as the previous program had them."""
    return models_before(monkeypatch, NEW_FIELDS, NEW_TABLES)


def test_a_schema_7_database_gets_the_pages_module(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = make_database(parse_url(fresh_database_url))
    db.initialize(database)
    database.connect()
    changed = datetime(2026, 10, 20, 12, 0, tzinfo=timezone.utc)
    with schema_7(monkeypatch):
        assert migrations.upgrade(database, target=7) == [1, 2, 3, 4, 5, 6, 7]
        assert "page_publisher" not in database.get_tables()
        assert "page_id" not in {c.name for c in database.get_columns("incident")}
        editor = User.create(login="kurator", full_name="Слепокурова Яна Евгеньевна", password_hash="x",
                             roles=Role.CURATOR.value)
        admin_page = OfficialPage.create(network="vk", name="Администрация", url="https://vk.com/korenovsk_adm",
                                         responsible=editor, verification=VerificationState.VERIFIED,
                                         verification_changed_at=changed, subscribed_to_head=True)
        head_page = OfficialPage.create(network="telegram", name="Глава", url="https://t.me/glava_korenovsk",
                                        owner=PageOwner.HEAD)
        PagePublication.create(page=admin_page, published_at=changed, title="Итоги недели", format="video")
        on_head = Incident.create(network="telegram", link="https://t.me/glava_korenovsk/15", author="Анна",
                                  text="Спасибо", detected_at=changed, link_key="tg:glava_korenovsk/15")
        elsewhere = Incident.create(network="vk", link="https://vk.com/wall-1_1", author="Борис", text="Вопрос",
                                    detected_at=changed, link_key="vk:wall-1_1")
    database.close()

    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(8, migrations.SCHEMA_VERSION + 1)) and migrations.current_version() == migrations.SCHEMA_VERSION
    page = OfficialPage.get_by_id(admin_page.id)
    assert (page.name, page.version, page.description, page.archived_at) == ("Администрация", 1, "", None)
    assert [p.user_id for p in PagePublisher.select().where(PagePublisher.page == admin_page.id)] == [editor.id]
    (subscription,) = PageSubscription.select()
    assert (subscription.page_id, subscription.head_page_id, subscription.subscribed) == (
        admin_page.id, head_page.id, True)
    (event,) = VerificationEvent.select()
    assert (event.page_id, event.state, str(event.effective_on)) == (admin_page.id, "verified", "2026-10-20")
    (publication,) = PagePublication.select()
    assert (publication.formats, publication.format, publication.text) == ("video", "video", "")
    assert Incident.get_by_id(on_head.id).page_id == head_page.id
    assert Incident.get_by_id(elsewhere.id).page_id is None
