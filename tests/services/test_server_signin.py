"""Issue 15: signing in to the shared server as one's own role, on a cluster that checks passwords.

The cluster (``tests/helpers/scram_cluster.py``) is started for this module with SCRAM-SHA-256
authentication; its owner role may create databases and roles but is no superuser, like the
administrator's owner role on an office server (``docs/deploy.md``). No password is stored in
any address the program keeps: a PC knows the server, each person brings their own password.
"""
from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from app.cli import main
from app.models import User, db as proxy
from app.models.enums import Role
from app.services import admin, catalog, failures, users
from app.services.database import close_database, open_as_person, open_database, refused_role
from app.services.errors import AuthenticationError
from app.services.permissions import actor_for
from tests.helpers import databases, scram_cluster

pytestmark = pytest.mark.skipif(databases.backend() != "postgresql",
                                reason="вход под собственной ролью сервера проверяется в прогоне на PostgreSQL")

PASSWORDS = {"admin": "admin-пароль-2026", "kurator": "kurator-пароль-2026", "zhkh": "zhkh-пароль-2026"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[scram_cluster.ScramCluster]:
    if scram_cluster.find_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI: нет initdb/pg_ctl — вход по паролю на сервере не проверить")
        pytest.skip("нет initdb/pg_ctl: кластер со SCRAM не запустить")
    base = Path(tempfile.mkdtemp(prefix="incidents-scram-"))  # pytest's folders are closed to «postgres»
    try:
        started = scram_cluster.start(base)
        yield started
        scram_cluster.stop(started)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def shared(cluster: scram_cluster.ScramCluster) -> Iterator[str]:
    """A database made and set up by the owner: the rules, a unit, an administrator, a curator and an
    executor; returns the address the office PCs keep (no user, no password)."""
    name = f"incidents_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(cluster.owner_url())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    open_database(cluster.owner_url(name))
    unit = catalog.create_unit("Отдел ЖКХ, благоустройства и транспорта").id
    users.create_user("admin", "Администратор Системы", PASSWORDS["admin"], [Role.ADMIN])
    users.create_user("kurator", "Слепокурова Яна Евгеньевна", PASSWORDS["kurator"], [Role.CURATOR])
    users.create_user("zhkh", "Иваненко Олег Викторович", PASSWORDS["zhkh"], [Role.EXECUTOR], unit_id=unit)
    close_database()
    yield cluster.url(name)
    close_database()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        databases.drop_roles_of(cur, name)
    conn.close()


def test_a_person_signs_in_with_their_own_password_as_their_own_role(shared: str) -> None:
    opened, user_id = open_as_person(shared, "kurator", PASSWORDS["kurator"])
    assert User.get_by_id(user_id).login == "kurator"
    role = proxy.execute_sql("SELECT current_user").fetchone()[0]
    assert role == User.get_by_id(user_id).db_role and role.endswith("_u_kurator")
    assert opened.target.password == PASSWORDS["kurator"] and "kurator" not in shared  # the PC keeps no login
    with pytest.raises(Exception, match="permission denied"):  # a person, not the owner
        proxy.execute_sql("DELETE FROM audit_event")


@pytest.mark.parametrize("login, password", [("kurator", "не тот пароль"), ("nikto", "kurator-пароль-2026"),
                                             ("kurator", "")])
def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(shared: str, login: str, password: str) -> None:
    with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
        open_as_person(shared, login, password)


def test_switching_a_person_off_ends_their_session_and_their_sign_in(shared: str,
                                                                     cluster: scram_cluster.ScramCluster) -> None:
    open_as_person(shared, "zhkh", PASSWORDS["zhkh"])
    executor_session = proxy.obj
    zhkh = User.get(User.login == "zhkh")
    # the administrator, on another PC, switches the executor off
    admin_database, admin_id = _other_pc(shared, "admin")
    admin.update_user(actor_for(admin_id), zhkh.id, full_name=zhkh.full_name, position="", roles=["executor"],
                      unit_id=zhkh.unit_id, is_active=False)
    admin_database.database.close()
    proxy.initialize(executor_session)
    with pytest.raises(Exception) as lost:  # the executor's open program loses the server at the next action
        proxy.execute_sql("SELECT count(*) FROM incident").fetchone()
    # it connects again by itself, and the server refuses the switched-off role: said in Russian
    assert refused_role(lost.value)
    assert failures.message(lost.value).startswith("Сервер базы данных отклонил вход")
    with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
        open_as_person(shared, "zhkh", PASSWORDS["zhkh"])


def _other_pc(url: str, login: str):  # noqa: ANN202 - (opened database, user id) bound to the proxy
    return open_as_person(url, login, PASSWORDS[login])


def test_a_person_changes_their_own_password_and_an_administrator_resets_anothers(shared: str) -> None:
    _database, kurator_id = open_as_person(shared, "kurator", PASSWORDS["kurator"])
    users.set_password("kurator", "новый-пароль-2027", actor=User.get_by_id(kurator_id))
    close_database()
    with pytest.raises(AuthenticationError):
        open_as_person(shared, "kurator", PASSWORDS["kurator"])
    open_as_person(shared, "kurator", "новый-пароль-2027")
    with pytest.raises(Exception, match="permission denied|row-level security|only an administrator"):  # not someone else's
        users.set_password("zhkh", "чужой-пароль-2027", actor=User.get_by_id(kurator_id))
    close_database()
    _database, admin_id = open_as_person(shared, "admin", PASSWORDS["admin"])
    admin.reset_password(actor_for(admin_id), User.get(User.login == "zhkh").id, "сброшенный-пароль-2027")
    close_database()
    open_as_person(shared, "zhkh", "сброшенный-пароль-2027")


def _cli(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    close_database()
    return code, captured.out + captured.err


def test_the_command_line_acts_only_with_the_persons_own_password(shared: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "очередь.xlsx"
    code, text = _cli(["--db", shared, "export-queue", "--out", str(out)], "", monkeypatch, capsys)
    assert code != 0 and "--user" in text and not out.exists()
    code, text = _cli(["--db", shared, "--user", "kurator", "export-queue", "--out", str(out)], "угадал?\n",
                      monkeypatch, capsys)
    assert code != 0 and "Неверный логин или пароль" in text and not out.exists()
    code, text = _cli(["--db", shared, "--user", "kurator", "export-queue", "--out", str(out)],
                      PASSWORDS["kurator"] + "\n", monkeypatch, capsys)
    assert code == 0, text
    assert out.exists()
    code, text = _cli(["--db", shared, "--user", "zhkh", "user", "add", "--login", "novyi", "--name", "Новый Н. Н.",
                       "--roles", "admin", "--password-stdin"], PASSWORDS["zhkh"] + "\nnovyi-parol-2026\n",
                      monkeypatch, capsys)
    assert code != 0 and "администратор" in text


def test_checking_a_pc_s_address_says_the_server_answers_and_who_will_sign_in(shared: str) -> None:
    message = admin.check_connection(shared)
    assert "отвечает" in message and "под своей учётной записью" in message


def test_the_pause_after_wrong_passwords_holds_for_every_pc(shared: str) -> None:
    """Five wrong passwords from any PCs, then a pause of a minute for that login — even for the right
    password — while other people sign in as usual; a right sign-in after the pause forgets the count."""
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
            open_as_person(shared, "kurator", "угадываю")
    with pytest.raises(AuthenticationError, match="Слишком много неверных попыток. Повторите через"):
        open_as_person(shared, "kurator", PASSWORDS["kurator"])
    open_as_person(shared, "zhkh", PASSWORDS["zhkh"])  # another person is not paused
    close_database()
    for _ in range(6):  # an unknown login is counted and paused the same way
        try:
            open_as_person(shared, "nikto", "угадываю")
        except AuthenticationError as error:
            last = str(error)
    assert last.startswith("Слишком много неверных попыток")


def test_the_gate_role_counts_attempts_and_reads_nothing(shared: str) -> None:
    from urllib.parse import urlsplit

    from app.services.server import names

    parts = urlsplit(shared)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port, dbname=name, user=names.gate_role(name),
                            password=names.GATE_PASSWORD)
    conn.autocommit = True
    with conn.cursor() as cur:
        for statement in ("SELECT count(*) FROM incident", "SELECT * FROM signin_attempt", "SELECT * FROM \"user\"",
                          "SELECT inc_signin_ok()", "DELETE FROM signin_attempt"):
            with pytest.raises(psycopg2.Error, match="permission denied"):
                cur.execute(statement)
    conn.close()
