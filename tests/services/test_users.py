"""Accounts: Argon2 hashes, sign-in, a pause after wrong passwords, audit of every change."""
from __future__ import annotations

import pytest

from app.models import AuditEvent, User, UserPassword
from app.models.enums import Role
from app.services import catalog, users
from app.services.errors import AuthenticationError, ValidationError


def test_password_is_stored_only_as_an_argon2_hash(db) -> None:  # noqa: ANN001
    users.create_user("admin", "Администратор Системы", "korenovsk-2026", [Role.ADMIN])
    user = User.get(User.login == "admin")
    stored = UserPassword.get(UserPassword.user == user.id).password_hash
    assert stored.startswith("$argon2")
    assert user.password_hash == ""  # the table every person reads holds no password check
    assert "korenovsk-2026" not in stored
    assert AuditEvent.select().where(AuditEvent.action == "user.create").count() == 1


def test_sign_in_with_the_right_password_gives_the_user_and_roles(db) -> None:  # noqa: ANN001
    users.create_user("kurator", "Слепокурова Яна Евгеньевна", "kurator-pass", [Role.CURATOR, Role.ADMIN])
    info = users.authenticate("kurator", "kurator-pass")
    assert info.full_name == "Слепокурова Яна Евгеньевна"
    assert info.has(Role.CURATOR) and info.has(Role.ADMIN) and not info.has(Role.EXECUTOR)
    assert info.roles_display == "Администратор, Куратор"


def test_wrong_password_and_unknown_login_give_the_same_message(db) -> None:  # noqa: ANN001
    users.create_user("kurator", "Куратор", "kurator-pass", [Role.CURATOR])
    with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
        users.authenticate("kurator", "wrong-pass")
    with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
        users.authenticate("nobody", "kurator-pass")


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(db) -> None:  # noqa: ANN001
    users.create_user("kurator", "Куратор", "kurator-pass", [Role.CURATOR])
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            users.authenticate("kurator", "wrong-pass")
    with pytest.raises(AuthenticationError, match="Слишком много неверных попыток"):
        users.authenticate("kurator", "kurator-pass")
    assert AuditEvent.select().where(AuditEvent.action == "user.locked").count() == 1


def test_executor_needs_a_unit_and_short_passwords_are_refused(db) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="Исполнителю нужно указать отдел"):
        users.create_user("zhkh", "Иваненко Олег", "zhkh-password", [Role.EXECUTOR])
    with pytest.raises(ValidationError, match="Пароль слишком короткий"):
        users.create_user("admin", "Администратор", "short", [Role.ADMIN])
    unit = catalog.create_unit("Отдел ЖКХ")
    info = users.create_user("zhkh", "Иваненко Олег", "zhkh-password", [Role.EXECUTOR], unit_id=unit.id)
    assert info.unit_name == "Отдел ЖКХ"


def test_duplicate_login_is_refused_and_nothing_is_written(db) -> None:  # noqa: ANN001
    users.create_user("admin", "Администратор", "admin-password", [Role.ADMIN])
    with pytest.raises(ValidationError, match="«admin» уже есть"):
        users.create_user("admin", "Другой", "admin-password", [Role.ADMIN])
    assert User.select().count() == 1


def test_changed_password_works_and_the_old_one_does_not(db) -> None:  # noqa: ANN001
    users.create_user("admin", "Администратор", "admin-password", [Role.ADMIN])
    users.set_password("admin", "new-admin-password")
    assert users.authenticate("admin", "new-admin-password").login == "admin"
    with pytest.raises(AuthenticationError):
        users.authenticate("admin", "admin-password")


def test_role_names_are_parsed_in_english_or_russian() -> None:
    assert users.parse_roles("curator, Администратор") == [Role.CURATOR, Role.ADMIN]
    with pytest.raises(ValidationError, match="Неизвестная роль «boss»"):
        users.parse_roles("boss")


class CountingHasher:
    """The real hasher, counting how many passwords it checked against which hashes."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real, self.checked = real, []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.real, name)

    def verify(self, stored: str, password: str) -> bool:
        self.checked.append(stored)
        return self.real.verify(stored, password)


def test_an_unknown_login_costs_one_password_check_like_a_wrong_password(db, monkeypatch) -> None:  # noqa: ANN001
    users.create_user("kurator", "Куратор", "kurator-pass", [Role.CURATOR])
    counting = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    for login in ("kurator", "nobody", "k\x00"):
        with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
            users.authenticate(login, "wrong-pass")
    assert len(counting.checked) == 3  # the same work whatever the login


def test_parallel_guessing_gets_no_more_tries_than_the_limit(db, monkeypatch) -> None:  # noqa: ANN001
    """Eight sign-in windows guessing at once share one count: at most five passwords are checked."""
    import threading

    from app.models import db as proxy

    users.create_user("kurator", "Куратор", "kurator-pass", [Role.CURATOR])
    real_hash = UserPassword.get(UserPassword.user == User.get(User.login == "kurator").id).password_hash
    counting = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    errors: list[str] = []

    def guess(n: int) -> None:
        try:
            for attempt in range(5):
                try:
                    users.authenticate("kurator", f"guess-{n}-{attempt}")
                except AuthenticationError as error:
                    errors.append(str(error))
        finally:
            proxy.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 40
    assert counting.checked.count(real_hash) <= users.MAX_FAILED_LOGINS
    assert sum("Слишком много неверных попыток" in e for e in errors) >= 40 - users.MAX_FAILED_LOGINS
    assert AuditEvent.select().where(AuditEvent.action == "user.locked").count() == 1


def test_a_failed_sign_in_keeps_the_administrators_concurrent_change(db, monkeypatch) -> None:  # noqa: ANN001
    users.create_user("kurator", "Куратор", "kurator-pass", [Role.CURATOR])
    counting = CountingHasher(users._hasher)

    def verify_while_admin_acts(stored: str, password: str) -> bool:
        User.update(is_active=False).where(User.login == "kurator").execute()  # another PC, meanwhile
        users.set_password("kurator", "new-password-2026")
        return counting.real.verify(stored, password)

    counting.verify = verify_while_admin_acts  # type: ignore[method-assign]
    monkeypatch.setattr(users, "_hasher", counting)
    with pytest.raises(AuthenticationError):
        users.authenticate("kurator", "wrong-pass")
    after = User.get(User.login == "kurator")
    assert not after.is_active  # the deactivation stays
    assert counting.real.verify(UserPassword.get(UserPassword.user == after.id).password_hash, "new-password-2026")  # and so does the new password
    # the right (old) password, also meanwhile replaced, does not let a switched-off user in
    monkeypatch.setattr(users, "_hasher", counting.real)
    User.update(is_active=True).where(User.login == "kurator").execute()
    assert users.authenticate("kurator", "new-password-2026").login == "kurator"
