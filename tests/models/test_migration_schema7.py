"""Issue 13: schema 7 gives every incident the key of its message (``Incident.link_key``).

A schema-6 database is built the way the previous program built it (steps 1–6 on the models as they
were then, without the key) and holds what that program let through: the same VK post registered
twice under two spellings of its link. The upgrade fills the keys in batches, lets the earliest of
the two keep the key, builds the unique index, and from then on the same post written yet another
way is refused as a duplicate of the earliest incident.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from peewee import IntegrityError, SqliteDatabase

from app.models import Incident, User, db
from app.models import migrations
from app.models.enums import Role
from app.services import registration, workflow
from app.services.database import make_database, open_database, parse_url
from app.services.permissions import actor_for

MSK = ZoneInfo("Europe/Moscow")

#: the links the previous program registered, in this order (the key each one gets, None: a repeat)
LINKS = [
    ("https://vk.com/wall-123456_1", "vk:wall-123456_1"),
    ("http://m.vk.com/wall-123456_1/?utm_source=telegram", None),  # the same post: the later one keeps no key
    ("https://vk.com/wall-123456_1?reply=77", "vk:wall-123456_1:77"),  # a comment is a message of its own
    ("https://t.me/korenovsk/42", "tg:korenovsk/42"),
    ("https://ok.ru/group/70000000000001/topic/155000000000001", "ok:topic:155000000000001"),
    ("https://t.me/s/Korenovsk/42", None),  # the channel's web preview of the same Telegram post
    ("https://vk.com/club123456?w=wall-123456_2", "vk:wall-123456_2"),
    ("https://vk.com/wall-123456_3", "vk:wall-123456_3"),
]


@contextmanager
def schema_6() -> Iterator[None]:
    """The models as the previous program had them: no ``link_key``."""
    field = Incident._meta.fields["link_key"]
    Incident._meta.remove_field("link_key")
    try:
        yield
    finally:
        Incident._meta.add_field("link_key", field)


def build_schema_6(url: str) -> list[int]:
    """A schema-6 database with the incidents of :data:`LINKS`; returns their ids in that order."""
    database = make_database(parse_url(url))
    db.initialize(database)
    database.connect()
    with schema_6():
        assert migrations.upgrade(database, target=6) == [1, 2, 3, 4, 5, 6]
        assert "link_key" not in {c.name for c in database.get_columns("incident")}
        curator = User.create(login="kurator", full_name="Слепокурова Яна Евгеньевна", password_hash="x",
                              roles=Role.CURATOR.value)
        ids = [Incident.create(network=workflow.detect_network(link), link=link, author="Ирина Ковалёва",
                               text=f"Сообщение {n}", detected_at=datetime(2026, 11, 24, 9, n, tzinfo=MSK),
                               registered_by=curator).id
               for n, (link, _key) in enumerate(LINKS)]
    database.close()
    return ids


def test_a_schema_6_database_gets_the_keys_and_the_unique_index(fresh_database_url: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ids = build_schema_6(fresh_database_url)
    monkeypatch.setattr(migrations, "LINK_KEY_BATCH", 3)  # several batches over eight incidents
    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(7, migrations.SCHEMA_VERSION + 1))
    assert migrations.current_version() == migrations.SCHEMA_VERSION
    if isinstance(opened.database, SqliteDatabase):
        path = parse_url(fresh_database_url).path
        assert len(list(path.parent.glob(path.name + ".v6-*.bak"))) == 1

    # every incident is still there with its link as it was given; the repeats keep no key
    rows = {i.id: (i.link, i.link_key) for i in Incident.select()}
    assert rows == {incident_id: (link, key) for incident_id, (link, key) in zip(ids, LINKS)}

    # the key is unique in the database itself
    with pytest.raises(IntegrityError), db.atomic():
        Incident.create(network="vk", link="https://vk.com/wall-123456_1?from=feed", link_key="vk:wall-123456_1",
                        author="Кто-то", text="Повтор", detected_at=datetime(2026, 11, 24, 10, 0, tzinfo=MSK))

    # the same post written yet another way is the earliest incident, by hand and at the import
    k = actor_for(User.get(User.login == "kurator").id)
    for link in ("https://www.vk.ru/wall-123456_1#comments", LINKS[1][0]):
        with pytest.raises(workflow.DuplicateIncident) as caught:
            workflow.register_incident(k, link=link, author="Пётр Белый", text="Фонари",
                                       detected_at=datetime(2026, 11, 24, 10, 0, tzinfo=MSK))
        assert caught.value.existing_id == ids[0]
        assert "инцидент № " + str(ids[0]) in str(caught.value)
    found = registration.duplicate("http://m.vk.com/wall-123456_1")
    assert found is not None and found[0] == ids[0]
    assert found[1] == (f"Уже зарегистрирован: инцидент № {ids[0]} (то же сообщение, ссылка записана иначе: "
                        "https://vk.com/wall-123456_1)")

    # a new message still registers, with its key
    ref = workflow.register_incident(k, link="https://vk.com/wall-123456_1?reply=78", author="Пётр Белый",
                                     text="Фонари", detected_at=datetime(2026, 11, 24, 10, 0, tzinfo=MSK))
    assert Incident.get_by_id(ref.id).link_key == "vk:wall-123456_1:78"


def test_an_upgraded_database_is_not_upgraded_again(fresh_database_url: str) -> None:
    build_schema_6(fresh_database_url)
    open_database(fresh_database_url)
    assert migrations.upgrade() == []
    with pytest.raises(workflow.DuplicateIncident):  # the key still refuses the repeat
        workflow.register_incident(actor_for(User.get(User.login == "kurator").id), link="https://vk.com/wall-123456_3/",
                                   author="А", text="Б", detected_at=datetime(2026, 11, 24, 10, 0, tzinfo=MSK))
