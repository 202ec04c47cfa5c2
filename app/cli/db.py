"""`db upgrade` and `db info`: the schema of the database and what it holds."""
from __future__ import annotations

import argparse

from app.cli.common import open_db, out


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    opened = open_db(args)
    if opened.upgraded:
        out(f"{opened.target.display()}: схема обновлена до версии {opened.schema_version} "
            f"(шаги {', '.join(map(str, opened.upgraded))})")
    else:
        out(f"{opened.target.display()}: схема уже актуальна (версия {opened.schema_version})")
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    from app.services.dbinfo import summarize

    opened = open_db(args, upgrade=False, create=False, read_only=True)
    summary = summarize()
    out(f"База данных: {opened.target.display()}")
    out(f"Версия схемы: {summary.schema_version}")
    width = max(len(label) for label, _ in summary.counts + summary.incidents_by_status)
    for label, count in summary.counts:
        out(f"  {label:<{width}}  {count:>8}")
    out("Инциденты по статусам:")
    for label, count in summary.incidents_by_status:
        out(f"  {label:<{width}}  {count:>8}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `db upgrade` and `db info` to the program's sub-commands."""
    db_p = sub.add_parser("db", help="база данных: обновление схемы, сведения")
    db_sub = db_p.add_subparsers(dest="db_command", title="команды", metavar="КОМАНДА", required=True)
    db_sub.add_parser("upgrade", help="создать или обновить схему базы данных "
                      "(файл SQLite перед обновлением копируется рядом)").set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser("info", help="версия схемы и количество записей каждого вида").set_defaults(func=cmd_db_info)
