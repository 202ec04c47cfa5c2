"""`demo`: fill an empty database with the demonstration data."""
from __future__ import annotations

import argparse

from app.cli.common import administrator_unless_empty, open_db, out


def role_names(codes: str) -> str:
    """«admin, curator» → «администратор, куратор»: the roles as the window names them."""
    from app.models.enums import ROLE_LABELS, Role

    names = []
    for code in filter(None, (part.strip() for part in codes.split(","))):
        try:
            names.append(ROLE_LABELS[Role(code)].lower())
        except (ValueError, KeyError):
            names.append(code)
    return ", ".join(names)


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services import demo

    opened = open_db(args)
    # demo users have known passwords: into a database with accounts only an administrator adds them
    administrator_unless_empty(args, "Демонстрационные данные")
    result = demo.fill_demo(seed=args.seed, incidents=args.incidents)
    out(f"Демонстрационные данные записаны в {opened.target.display()}:")
    out(f"  инцидентов: {result.incidents}, отделов и учреждений: {result.units}, "
        f"пользователей: {len(result.users)}")
    out("Демонстрационные пользователи (логин — пароль — роль):")
    for login, password, roles in result.users:
        out(f"  {login:<14} {password:<16} {role_names(roles)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `demo` to the program's sub-commands."""
    demo_p = sub.add_parser("demo", help="заполнить базу демонстрационными данными (отделы, темы, "
                            "инциденты за три месяца, пользователи всех ролей)")
    demo_p.add_argument("--seed", type=int, default=2026, help="начальное значение генератора (по умолчанию 2026)")
    demo_p.add_argument("--incidents", type=int, default=320, help="сколько инцидентов создать (по умолчанию 320)")
    demo_p.set_defaults(func=cmd_demo)
