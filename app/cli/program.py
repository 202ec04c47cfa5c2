"""The parser and ``main``: the window by default, a sub-command of one of the command modules otherwise."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from app import __version__
from app.cli import (
    argparse_ru,
    audit,
    calendar,
    db,
    demo,
    gui,
    import_export,
    pages,
    report,
    screenshots,
    users,
)
from app.cli.common import EXIT_BAD_INPUT, program_name
from app.logging_setup import setup_logging
from app.services.errors import DomainError

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]

#: the command groups in the order ``--help`` lists them; each has ``register(subparsers)``
COMMAND_MODULES = (db, users, demo, audit, calendar, report, import_export, pages, screenshots)


def build_parser() -> argparse.ArgumentParser:
    argparse_ru.install()
    parser = argparse.ArgumentParser(
        prog=program_name(),
        description="«Инциденты» — работа с сообщениями в социальных сетях. "
        "Без команды открывает окно программы.",
    )
    parser.add_argument("--db", metavar="URL",
                        help="база данных: sqlite:///путь/к/файлу или "
                        "postgresql://сервер:порт/база (общая база: каждый входит под своей учётной записью) "
                        "(иначе переменная INCIDENTS_DB, сохранённая настройка или файл по умолчанию)")
    parser.add_argument("--user", metavar="ЛОГИН",
                        help="кто выполняет команду (пароль запрашивается; без терминала — первая строка "
                        "стандартного ввода); нужен для команд, которые меняют данные или выдают их")
    parser.add_argument("--password-stdin", dest="sign_in_password_stdin", action="store_true",
                        help="пароль для --user — первая строка стандартного ввода, даже при запуске из терминала "
                        "(для скриптов; в командной строке пароль не пишется)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="открыть главное окно на временной базе примерно на секунду, "
                        "напечатать «Проверка запуска пройдена…» и выйти (проверка сборки)")
    parser.add_argument("--version", action="version", version=f"Инциденты {__version__}",
                        help="показать версию программы и выйти")
    sub = parser.add_subparsers(dest="command", title="команды", metavar="КОМАНДА")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    try:
        if args.command is None:
            return gui.run_window(args)
        return args.func(args)
    except DomainError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Прервано", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (``… | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        from app.services import failures

        text = failures.message(exc)  # the database itself failed: one Russian line, not a traceback
        if text is None:
            raise
        logging.getLogger(__name__).error("Сбой базы данных: %s", exc)
        print(f"Ошибка: {text}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        from app.services.database import close_database

        close_database()
