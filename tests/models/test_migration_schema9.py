"""Issue 15: schema 9 — the password check leaves the table every person reads, the trail gets the
server's columns, and (on PostgreSQL) the owner's upgrade puts the server's rules in place and gives
every existing account its own role.

A schema-8 database is built with the models as they were and holds a user with a password and a
few events; after the upgrade the same password signs in, the old chain still verifies, and nothing
readable by everyone holds a password hash.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.models import AuditEvent, User, UserPassword, db, migrations
from app.models.enums import Role
from app.services import audit, users
from app.services.database import make_database, open_database, parse_url
from tests.helpers.old_schema import models_before

NEW_FIELDS = {User: ("db_role",), AuditEvent: ("db_role", "txid")}
NEW_TABLES = {"RowChange", "UserPassword"}


def schema_8(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a context manager
    """The models as the previous program had them."""
    return models_before(monkeypatch, NEW_FIELDS, NEW_TABLES)


def _old_event(database, prev: str, action: str, actor_id: int) -> str:  # noqa: ANN001
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    event = AuditEvent(at=at, actor=actor_id, action=action, entity="user", entity_id=actor_id, comment="",
                       payload="{}", prev_hash=prev, db_role="")
    digest = audit._digest(event)
    p = database.param
    database.execute_sql(
        f"INSERT INTO audit_event (at, actor_id, action, entity, entity_id, comment, payload, prev_hash, hash) "
        f"VALUES ({p}, {p}, {p}, 'user', {p}, '', '{{}}', {p}, {p})",
        (at.replace(tzinfo=None), actor_id, action, actor_id, prev, digest))
    return digest


def test_a_schema_8_database_keeps_its_passwords_and_its_chain(fresh_database_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    database = make_database(parse_url(fresh_database_url))
    db.initialize(database)
    database.connect()
    with schema_8(monkeypatch):
        assert migrations.upgrade(database, target=8) == [1, 2, 3, 4, 5, 6, 7, 8]
        assert "user_password" not in database.get_tables()
        hashed = users._hasher.hash("kurator-pass-2026")
        with database.atomic():
            kurator = User.create(login="kurator", full_name="Слепокурова Яна Евгеньевна", password_hash=hashed,
                                  roles="curator,admin")
            prev = ""
            for action in ("user.create", "user.update"):  # as the previous program appended them
                prev = _old_event(database, prev, action, kurator.id)
    database.close()

    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(9, migrations.SCHEMA_VERSION + 1)) and migrations.current_version() == migrations.SCHEMA_VERSION
    assert audit.verify_chain().ok and audit.verify_chain().checked >= 2  # the old events did not move
    assert {u.password_hash for u in User.select()} == {""}  # nothing every person reads holds a hash
    assert UserPassword.get(UserPassword.user == kurator.id).password_hash == hashed
    info = users.authenticate("kurator", "kurator-pass-2026")
    assert info.has(Role.CURATOR)
    with pytest.raises(Exception, match="Неверный логин или пароль"):
        users.authenticate("kurator", "kurator-pass-2025")
    if opened.target.backend == "postgresql":
        # the owner's upgrade put the rules in place and gave the existing account its own role
        role = User.get(User.login == "kurator").db_role
        assert role and role.endswith("_u_kurator")
        groups = {r for (r,) in db.execute_sql(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles p ON p.oid = m.member WHERE p.rolname = %s", (role,)).fetchall()}
        assert {g.rsplit("_", 1)[1] for g in groups} == {"member", "curator", "admin"}
