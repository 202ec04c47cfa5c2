"""`user add`, `user list`, `user passwd`: accounts without the administrator's window."""
from __future__ import annotations

import argparse
import getpass
import sys

from app.cli.common import open_db, out, program_name
from app.services.errors import DomainError


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

    open_db(args)
    roles = users.parse_roles(args.roles)
    unit_id = find_unit(args.unit).id if args.unit else None
    info = users.create_user(args.login, args.name, _read_password(args), roles,
                             unit_id=unit_id, position=args.position or "")
    out(f"Пользователь «{info.login}» создан: {info.full_name}, роли: {info.roles_display}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.services import users

    open_db(args)
    rows = users.list_users()
    if not rows:
        out(f"Пользователей нет. Создайте администратора: {program_name()} user add --login admin "
            "--name \"…\" --roles admin,curator")
        return 0
    for u in rows:
        state = "" if u.is_active else " (отключён)"
        unit = f"; {u.unit_name}" if u.unit_name else ""
        out(f"{u.login:<16} {u.full_name} — {u.roles_display}{unit}{state}")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from app.services import users

    open_db(args)
    users.set_password(args.login, _read_password(args))
    out(f"Пароль пользователя «{args.login}» изменён")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `user add`, `user list` and `user passwd` to the program's sub-commands."""
    user_p = sub.add_parser("user", help="пользователи: добавить, список, сменить пароль")
    user_sub = user_p.add_subparsers(dest="user_command", title="команды", metavar="КОМАНДА", required=True)
    add = user_sub.add_parser("add", help="добавить пользователя")
    add.add_argument("--login", required=True, help="логин (латиница, цифры, . _ -)")
    add.add_argument("--name", required=True, help="фамилия, имя, отчество")
    add.add_argument("--roles", required=True,
                     help="роли через запятую: curator (куратор), executor (исполнитель), "
                     "responsible (ответственное должностное лицо), head (глава), admin (администратор)")
    add.add_argument("--unit", help="отдел или учреждение исполнителя (название или номер)")
    add.add_argument("--position", help="должность")
    add.add_argument("--password-stdin", action="store_true", help="прочитать пароль со стандартного ввода")
    add.set_defaults(func=cmd_user_add)
    user_sub.add_parser("list", help="список пользователей").set_defaults(func=cmd_user_list)
    passwd = user_sub.add_parser("passwd", help="сменить пароль пользователя")
    passwd.add_argument("login", help="логин")
    passwd.add_argument("--password-stdin", action="store_true", help="прочитать пароль со стандартного ввода")
    passwd.set_defaults(func=cmd_user_passwd)
