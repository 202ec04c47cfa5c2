"""What every command module shares: printing, opening the database of ``--db``, the program's name."""
from __future__ import annotations

import argparse
import os
import sys

EXIT_BAD_INPUT = 2


def out(text: str = "") -> None:
    """One line of a command's output, flushed at once (the output may be a pipe)."""
    print(text, flush=True)


def open_db(args: argparse.Namespace, *, upgrade: bool = True, create: bool = True,  # noqa: ANN201
            read_only: bool = False):
    """Open the database chosen by ``--db`` (or ``INCIDENTS_DB``, the saved setting, the default file);
    ``read_only``: a command that only reads also works on a copy it may not write."""
    from app.services.database import open_as_person, open_database, personal
    from app.services.local_config import resolve_database_url

    url = resolve_database_url(args.db)
    if personal(url):
        # the shared server: the person signs in as their own role before anything is read
        login = _login(args, "Общая база PostgreSQL")
        password = read_secret(f"Пароль пользователя {login}: ", f"Пароль пользователя «{login}»",
                           from_stdin=bool(getattr(args, "sign_in_password_stdin", False)))
        opened, user_id = open_as_person(url, login, password)
        args.signed_in_user_id = user_id
        return opened
    return open_database(url, upgrade=upgrade, create=create, read_only=read_only)


def _login(args: argparse.Namespace, what: str) -> str:
    from app.services.errors import DomainError

    login = getattr(args, "user", None) or getattr(args, "as_login", None)
    if not login:
        raise DomainError(f"{what}: укажите, кто выполняет команду, — --user ЛОГИН (пароль будет запрошен; "
                          "без терминала — первая строка стандартного ввода)")
    return str(login)


def read_secret(prompt: str, what: str = "Пароль", *, from_stdin: bool = False) -> str:
    """A password: asked on the terminal without echo, or, without a terminal, the next line of the
    standard input (so a script can pass it without putting it in the command line)."""
    import getpass

    if not from_stdin and sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        from app.services.errors import DomainError

        raise DomainError(f"{what} не задан: введите его в терминале или передайте строкой на стандартный ввод")
    return line.rstrip("\r\n")


def sign_in(args: argparse.Namespace, what: str):  # noqa: ANN201 - an Actor (imported on use)
    """The person who runs the command, signed in with their own password (``--user ЛОГИН``).

    The password is asked on the terminal or read as the first line of the standard input; a wrong
    one is refused as in the window, with the same pause after several attempts. On a shared server
    opened without a user in its address the person has already signed in as their own role.
    """
    from app.services import users
    from app.services.permissions import actor_for

    if getattr(args, "signed_in_user_id", None):  # signed in to the shared server as their own role
        return actor_for(args.signed_in_user_id)
    login = _login(args, what)
    password = read_secret(f"Пароль пользователя {login}: ", f"Пароль пользователя «{login}»",
                           from_stdin=bool(getattr(args, "sign_in_password_stdin", False)))
    info = users.authenticate(login, password)
    return actor_for(info.id)


def administrator_unless_empty(args: argparse.Namespace, what: str):  # noqa: ANN201 - an Actor or None
    """The signed-in administrator — or nobody while the database has no users yet (setting it up:
    the first account, the calendar, the demo data)."""
    from app.services import users
    from app.services.permissions import require_admin

    if not users.has_users():
        return None
    actor = sign_in(args, what)
    require_admin(actor, what)
    return actor


def program_name() -> str:
    """The program as its user starts it, for usage lines and hints.

    The bundle built by PyInstaller is started by its own name («Incidents.exe»); the console
    script installed by pip by its name («incidents»); from a source checkout the program is
    started with ``./run`` (which runs ``main.py``), so ``main.py`` is shown as ``./run``.
    """
    if getattr(sys, "frozen", False):
        return os.path.basename(sys.executable)
    called = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if not called or called in ("main.py", "-c", "__main__.py") or called.startswith("python"):
        return "./run"
    return called
