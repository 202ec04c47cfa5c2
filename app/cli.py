"""The command line: the GUI by default, sub-commands for headless work."""
from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence

from app import __version__, cli_i18n
from app.logging_setup import setup_logging
from app.services.errors import DomainError

log = logging.getLogger(__name__)
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    print(text, flush=True)


def _open(args: argparse.Namespace, *, upgrade: bool = True, create: bool = True):  # noqa: ANN202
    from app.services.database import open_database
    from app.services.local_config import resolve_database_url

    return open_database(resolve_database_url(args.db), upgrade=upgrade, create=create)


# --- db -------------------------------------------------------------------------------------

def cmd_db_upgrade(args: argparse.Namespace) -> int:
    opened = _open(args)
    if opened.upgraded:
        _out(f"{opened.target.display()}: схема обновлена до версии {opened.schema_version} "
             f"(шаги {', '.join(map(str, opened.upgraded))})")
    else:
        _out(f"{opened.target.display()}: схема уже актуальна (версия {opened.schema_version})")
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    from app.services.dbinfo import summarize

    opened = _open(args, upgrade=False, create=False)
    summary = summarize()
    _out(f"База данных: {opened.target.display()}")
    _out(f"Версия схемы: {summary.schema_version}")
    width = max(len(label) for label, _ in summary.counts + summary.incidents_by_status)
    for label, count in summary.counts:
        _out(f"  {label:<{width}}  {count:>8}")
    _out("Инциденты по статусам:")
    for label, count in summary.incidents_by_status:
        _out(f"  {label:<{width}}  {count:>8}")
    return 0


# --- users ----------------------------------------------------------------------------------

def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise DomainError("Пароль не задан: укажите --password-stdin и передайте пароль на стандартный ввод")
    first = getpass.getpass("Пароль: ")
    second = getpass.getpass("Пароль ещё раз: ")
    if first != second:
        raise DomainError("Пароли не совпадают")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.services import users
    from app.services.catalog import find_unit

    _open(args)
    roles = users.parse_roles(args.roles)
    unit_id = find_unit(args.unit).id if args.unit else None
    info = users.create_user(args.login, args.name, _read_password(args), roles,
                             unit_id=unit_id, position=args.position or "")
    _out(f"Пользователь «{info.login}» создан: {info.full_name}, роли: {info.roles_display}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.services import users

    _open(args)
    rows = users.list_users()
    if not rows:
        _out("Пользователей нет. Создайте администратора: python main.py user add --login admin "
             "--name \"…\" --roles admin,curator")
        return 0
    for u in rows:
        state = "" if u.is_active else " (отключён)"
        unit = f"; {u.unit_name}" if u.unit_name else ""
        _out(f"{u.login:<16} {u.full_name} — {u.roles_display}{unit}{state}")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from app.services import users

    _open(args)
    users.set_password(args.login, _read_password(args))
    _out(f"Пароль пользователя «{args.login}» изменён")
    return 0


# --- demo and audit -------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    from app.services import demo

    opened = _open(args)
    result = demo.fill_demo(seed=args.seed, incidents=args.incidents)
    _out(f"Демонстрационные данные записаны в {opened.target.display()}:")
    _out(f"  инцидентов: {result.incidents}, отделов и учреждений: {result.units}, "
         f"пользователей: {len(result.users)}")
    _out("Демонстрационные пользователи (логин — пароль — роль):")
    for login, password, role in result.users:
        _out(f"  {login:<14} {password:<16} {role}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.services.audit import verify_chain

    _open(args)
    report = verify_chain()
    if report.ok:
        _out(f"Журнал цел: проверено событий — {report.checked}")
        return 0
    _out(f"Журнал нарушен: событие № {report.broken_at} — {report.reason} "
         f"(до него проверено событий: {report.checked})")
    return 1


# --- the parser -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    cli_i18n.install()
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="«Инциденты» — работа с сообщениями в социальных сетях. "
        "Без команды открывает окно программы.",
    )
    parser.add_argument("--db", metavar="URL",
                        help="база данных: sqlite:///путь/к/файлу или "
                        "postgresql://пользователь:пароль@сервер:порт/база "
                        "(иначе переменная INCIDENTS_DB, сохранённая настройка или файл по умолчанию)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="открыть главное окно на временной базе примерно на секунду и выйти (проверка сборки)")
    parser.add_argument("--version", action="version", version=f"Инциденты {__version__}",
                        help="показать версию программы и выйти")
    sub = parser.add_subparsers(dest="command", title="команды", metavar="КОМАНДА")

    db_p = sub.add_parser("db", help="база данных: обновление схемы, сведения")
    db_sub = db_p.add_subparsers(dest="db_command", title="команды", metavar="КОМАНДА", required=True)
    db_sub.add_parser("upgrade", help="создать или обновить схему базы данных "
                      "(файл SQLite перед обновлением копируется рядом)").set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser("info", help="версия схемы и количество записей каждого вида").set_defaults(func=cmd_db_info)

    user_p = sub.add_parser("user", help="пользователи: добавить, список, сменить пароль")
    user_sub = user_p.add_subparsers(dest="user_command", title="команды", metavar="КОМАНДА", required=True)
    add = user_sub.add_parser("add", help="добавить пользователя")
    add.add_argument("--login", required=True, help="логин (латиница, цифры, . _ -)")
    add.add_argument("--name", required=True, help="фамилия, имя, отчество")
    add.add_argument("--roles", required=True,
                     help="роли через запятую: curator, executor, responsible, head, admin")
    add.add_argument("--unit", help="отдел или учреждение исполнителя (название или номер)")
    add.add_argument("--position", help="должность")
    add.add_argument("--password-stdin", action="store_true", help="прочитать пароль со стандартного ввода")
    add.set_defaults(func=cmd_user_add)
    user_sub.add_parser("list", help="список пользователей").set_defaults(func=cmd_user_list)
    passwd = user_sub.add_parser("passwd", help="сменить пароль пользователя")
    passwd.add_argument("login", help="логин")
    passwd.add_argument("--password-stdin", action="store_true", help="прочитать пароль со стандартного ввода")
    passwd.set_defaults(func=cmd_user_passwd)

    demo_p = sub.add_parser("demo", help="заполнить базу демонстрационными данными (отделы, темы, "
                            "инциденты за три месяца, пользователи всех ролей)")
    demo_p.add_argument("--seed", type=int, default=2026, help="начальное значение генератора (по умолчанию 2026)")
    demo_p.add_argument("--incidents", type=int, default=320, help="сколько инцидентов создать (по умолчанию 320)")
    demo_p.set_defaults(func=cmd_demo)

    audit_p = sub.add_parser("audit", help="журнал событий")
    audit_sub = audit_p.add_subparsers(dest="audit_command", title="команды", metavar="КОМАНДА", required=True)
    audit_sub.add_parser("verify", help="проверить целостность цепочки журнала и назвать первое "
                         "нарушенное звено").set_defaults(func=cmd_audit_verify)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


#: modules that add their own sub-commands: each has ``register(subparsers)``
COMMAND_MODULES = ("app.cli_calendar", "app.cli_report", "app.cli_import", "app.cli_screens")


def _run_gui(args: argparse.Namespace) -> int:
    from app.services.local_config import resolve_database_url
    from app.ui.application import NO_DISPLAY_MESSAGE, display_available, run_gui

    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 3
    if args.smoke_test:
        from app.services import users
        from app.services.database import close_database, open_database
        from app.models.enums import Role

        with tempfile.TemporaryDirectory(prefix="incidents-smoke-") as tmp:
            url = f"sqlite:///{tmp}/smoke.sqlite3"
            open_database(url)
            users.create_user("smoke", "Проверка Сборки", "smoke-test-only", [Role.ADMIN, Role.CURATOR])
            close_database()
            return run_gui(url, smoke_test=True)
    return run_gui(resolve_database_url(args.db))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    try:
        if args.command is None:
            return _run_gui(args)
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
    finally:
        from app.services.database import close_database

        close_database()
