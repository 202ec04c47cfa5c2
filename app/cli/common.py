"""What every command module shares: printing, opening the database of ``--db``, the program's name."""
from __future__ import annotations

import argparse
import os
import sys

EXIT_BAD_INPUT = 2


def out(text: str = "") -> None:
    """One line of a command's output, flushed at once (the output may be a pipe)."""
    print(text, flush=True)


def open_db(args: argparse.Namespace, *, upgrade: bool = True, create: bool = True):  # noqa: ANN201
    """Open the database chosen by ``--db`` (or ``INCIDENTS_DB``, the saved setting, the default file)."""
    from app.services.database import open_database
    from app.services.local_config import resolve_database_url

    return open_database(resolve_database_url(args.db), upgrade=upgrade, create=create)


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
