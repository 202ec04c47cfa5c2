"""`user add`, `user list`, `user passwd`: accounts without the administrator's window."""
from __future__ import annotations

import argparse
import getpass
import sys

from app.cli.common import administrator_unless_empty, open_db, out, program_name, sign_in
from app.services.errors import DomainError


def _read_password(args: argparse.Namespace) -> str:
    """The new password: the next line of the standard input with --password-stdin, else asked twice."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise DomainError("Новый пароль не задан: передайте его строкой на стандартный ввод")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise DomainError("Пароль не задан: укажите --password-stdin и передайте пароль на стандартный ввод")
    first = getpass.getpass("Новый пароль: ")
    second = getpass.getpass("Новый пароль ещё раз: ")
    if first != second:
        raise DomainError("Пароли не совпадают")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from app.services import users
    from app.services.catalog import find_unit

    open_db(args)
    actor = administrator_unless_empty(args, "Новый пользователь")
    roles = users.parse_roles(args.roles)
    unit_id = find_unit(args.unit).id if args.unit else None
    from app.models import User

    info = users.create_user(args.login, args.name, _read_password(args), roles,
                             unit_id=unit_id, position=args.position or "",
                             actor=User.get_by_id(actor.user_id) if actor else None)
    out(f"Пользователь «{info.login}» создан: {info.full_name}, роли: {info.roles_display}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from app.models.enums import Role
    from app.services import users

    open_db(args)
    if users.has_users():
        actor = sign_in(args, "Список пользователей")
        if not (actor.has(Role.ADMIN) or actor.is_curator):
            raise DomainError("Список пользователей: доступен администратору и куратору")
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

    from app.models import User

    open_db(args)
    actor = sign_in(args, "Смена пароля")
    target = User.get_or_none(User.login == args.login)
    if target is None or target.id != actor.user_id:
        from app.services.permissions import require_admin

        require_admin(actor, f"Пароль пользователя «{args.login}»")
    users.set_password(args.login, _read_password(args), actor=User.get_by_id(actor.user_id))
    out(f"Пароль пользователя «{args.login}» изменён")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `user add`, `user list` and `user passwd` to the program's sub-commands."""
    user_p = sub.add_parser("user", help="пользователи: добавить, список, сменить пароль")
    user_sub = user_p.add_subparsers(dest="user_command", title="команды", metavar="КОМАНДА", required=True)
    add = user_sub.add_parser("add", help="добавить пользователя (администратор: --user ЛОГИН; первого — без входа)")
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
    passwd = user_sub.add_parser("passwd", help="сменить свой пароль (--user ЛОГИН) или, администратору, чужой")
    passwd.add_argument("login", help="логин")
    passwd.add_argument("--password-stdin", action="store_true", help="прочитать пароль со стандартного ввода")
    passwd.set_defaults(func=cmd_user_passwd)
