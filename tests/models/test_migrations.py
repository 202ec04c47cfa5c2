"""Schema versions: fresh creation, upgrade keeping data, refusal of newer or foreign databases."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from app.models import Incident, Unit, db
from app.models import migrations
from app.services.database import close_database, make_database, open_database, parse_url
from app.services.errors import DatabaseUnavailable


def _bind(url: str):  # noqa: ANN202
    database = make_database(parse_url(url))
    db.initialize(database)
    database.connect()
    return database


def test_fresh_database_gets_the_latest_schema(fresh_database_url: str) -> None:
    opened = open_database(fresh_database_url)
    assert opened.upgraded == sorted(migrations.STEPS)
    assert migrations.current_version() == migrations.SCHEMA_VERSION


def test_database_at_first_version_keeps_its_data_when_upgraded(fresh_database_url: str) -> None:
    database = _bind(fresh_database_url)
    assert migrations.upgrade(database, target=1) == [1]
    unit = Unit.create(name="Отдел ЖКХ")
    Incident.create(network="vk", link="https://vk.com/wall-1_1", author="Ирина Ковалёва",
                    text="На улице Красной не горят фонари",
                    detected_at=datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc))
    database.close()

    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(2, migrations.SCHEMA_VERSION + 1))
    assert Unit.get(Unit.id == unit.id).name == "Отдел ЖКХ"
    incident = Incident.get()
    assert incident.text == "На улице Красной не горят фонари"
    assert incident.detected_at == datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc)
    # the step-2 search structures cover rows written before the upgrade
    if isinstance(opened.database, SqliteDatabase):
        hits = db.execute_sql("SELECT rowid FROM incident_fts WHERE incident_fts MATCH 'фонари'").fetchall()
    else:
        hits = db.execute_sql(
            "SELECT id FROM incident WHERE to_tsvector('russian', text || ' ' || author) "
            "@@ plainto_tsquery('russian', 'фонарь')").fetchall()
    assert [h[0] for h in hits] == [incident.id]
    if isinstance(opened.database, SqliteDatabase):
        path = parse_url(fresh_database_url).path
        assert list(path.parent.glob(path.name + ".v1-*.bak")), "the file was not copied aside before the upgrade"


def test_a_schema_10_file_finds_its_old_messages_written_with_yo(fresh_database_url: str) -> None:
    """Step 11: the messages and authors stored before it with «ё» are found with «е» and «ё» alike, and
    the index follows the rows written, changed and deleted after it."""
    database = _bind(fresh_database_url)
    assert migrations.upgrade(database, target=10)[-1] == 10
    old = Incident.create(network="vk", link="https://vk.com/wall-1_1", author="Ирина Ковалёва",
                          text="Во дворе упала ёлка", detected_at=datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc))
    database.close()

    opened = open_database(fresh_database_url)
    assert opened.upgraded == [11]

    def found(word: str) -> list[int]:
        if isinstance(opened.database, SqliteDatabase):
            return [r[0] for r in db.execute_sql("SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?",
                                                 (f'"{word}"*',))]
        return [r[0] for r in db.execute_sql(
            "SELECT id FROM incident WHERE to_tsvector('russian', coalesce(text, '') || ' ' || coalesce(author, '')) "
            "@@ to_tsquery('russian', %s || ':*')", (word,))]

    assert found("ковалев") == found("елк") == [old.id]
    new = Incident.create(network="vk", link="https://vk.com/wall-1_2", author="Пётр Семёнов",
                          text="Ещё одна ёлка", detected_at=datetime(2026, 11, 3, 7, 0, tzinfo=timezone.utc))
    assert found("семенов") == [new.id]
    Incident.update(text="Скамья сломана").where(Incident.id == old.id).execute()
    assert found("елк") == [new.id] and found("скам") == [old.id]
    Incident.delete().where(Incident.id == new.id).execute()
    assert found("семенов") == [] and found("ковалев") == [old.id]


def test_database_from_a_newer_program_is_refused(fresh_database_url: str) -> None:
    open_database(fresh_database_url)
    migrations.SchemaInfo.update(version=migrations.SCHEMA_VERSION + 1).execute()
    close_database()
    with pytest.raises(DatabaseUnavailable, match="более новой версией программы"):
        open_database(fresh_database_url)


def test_database_with_foreign_tables_is_refused(fresh_database_url: str) -> None:
    database = _bind(fresh_database_url)
    database.execute_sql("CREATE TABLE customers (id integer primary key)")
    database.close()
    with pytest.raises(DatabaseUnavailable, match="не база программы"):
        open_database(fresh_database_url)


def test_reopening_an_up_to_date_database_changes_nothing(fresh_database_url: str) -> None:
    open_database(fresh_database_url)
    close_database()
    assert open_database(fresh_database_url).upgraded == []
    if fresh_database_url.startswith("sqlite"):
        path: Path = parse_url(fresh_database_url).path
        assert not list(path.parent.glob("*.bak"))


def test_a_database_of_schema_4_gets_the_table_of_stored_clocks(fresh_database_url: str) -> None:
    """A database written by the program before stored clocks (schema 4, no such table) gets the
    table, empty, on opening (it fills as incidents close and reports compute their clocks)."""
    from app.models import StoredClocks

    database = _bind(fresh_database_url)
    assert migrations.upgrade(database, target=4) == [1, 2, 3, 4]
    database.drop_tables([StoredClocks])  # step 1 of today's program creates every table
    assert StoredClocks._meta.table_name not in database.get_tables()
    database.close()

    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(5, migrations.SCHEMA_VERSION + 1))
    assert StoredClocks._meta.table_name in db.get_tables()
    assert StoredClocks.select().count() == 0


def test_an_upgrade_with_no_room_for_its_backup_stops_and_leaves_no_empty_copy(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Issue 16: the copy before the upgrade does not fit: one Russian line, no «.bak», the schema as it was."""
    import sqlite3

    import pytest

    from app.models import db as proxy
    from app.models import migrations
    from app.services.database import close_database, make_database, open_database, parse_url
    from app.services.errors import DatabaseUnavailable

    url = f"sqlite:///{tmp_path}/old.sqlite3"
    database = make_database(parse_url(url))
    proxy.initialize(database)
    database.connect()
    migrations.upgrade(database, target=8)
    database.close()

    real_connect = sqlite3.connect

    class FullDisk:  # the connection of the copy: its pages do not fit
        def __init__(self, path) -> None:  # noqa: ANN001
            open(path, "wb").close()  # SQLite has already created the file

        def __enter__(self) -> "FullDisk":
            raise sqlite3.OperationalError("database or disk is full")

        def __exit__(self, *args) -> None:  # noqa: ANN002
            return None

    def connect(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return FullDisk(path) if str(path).endswith(".bak") else real_connect(path, *args, **kwargs)

    monkeypatch.setattr(migrations.sqlite3, "connect", connect)
    with pytest.raises(DatabaseUnavailable, match="^Диск заполнен: нет места для копии базы перед обновлением"):
        open_database(url)
    close_database()
    monkeypatch.undo()
    assert not list(tmp_path.glob("*.bak"))
    look = sqlite3.connect(tmp_path / "old.sqlite3")
    assert look.execute("SELECT version FROM schema_info").fetchone()[0] == 8
    look.close()
