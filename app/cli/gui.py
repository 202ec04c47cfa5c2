"""The window: what ``main.py`` does without a sub-command, and ``--smoke-test``."""
from __future__ import annotations

import argparse
import sys
import tempfile

from app import __version__
from app.cli.common import out, program_name

EXIT_NO_DISPLAY = 3


def smoke_test_passed_line() -> str:
    """The one line ``--smoke-test`` prints when the window opened and closed cleanly."""
    from PySide6 import __version__ as pyside_version

    return (f"Проверка запуска пройдена: главное окно «Инциденты» {__version__} открылось на временной "
            f"базе и закрылось без ошибок (PySide6 {pyside_version})")


def run_window(args: argparse.Namespace) -> int:
    """Open the window on the database of ``--db``; with ``--smoke-test``, on a throwaway one for a second."""
    from app.services.local_config import resolve_database_url
    from app.ui.application import NO_DISPLAY_MESSAGE, display_available, run_gui

    if not display_available():
        # the message names ./run; the console script or a Linux bundle is started by its own name
        print(NO_DISPLAY_MESSAGE.replace("./run", program_name()), file=sys.stderr)
        return EXIT_NO_DISPLAY
    if args.smoke_test:
        from app.models.enums import Role
        from app.services import users
        from app.services.database import close_database, open_database

        with tempfile.TemporaryDirectory(prefix="incidents-smoke-") as tmp:
            url = f"sqlite:///{tmp}/smoke.sqlite3"
            open_database(url)
            users.create_user("smoke", "Проверка Сборки", "smoke-test-only", [Role.ADMIN, Role.CURATOR])
            close_database()
            code = run_gui(url, smoke_test=True)
        if code == 0:
            out(smoke_test_passed_line())
        else:
            from app.services.user_dirs import log_dir

            print(f"Проверка запуска не пройдена (код выхода {code}): подробности — в журнале программы, "
                  f"{log_dir()}", file=sys.stderr)
        return code
    return run_gui(resolve_database_url(args.db))
