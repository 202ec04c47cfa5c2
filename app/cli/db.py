"""`db upgrade` and `db info`: the schema of the database and what it holds."""
from __future__ import annotations

import argparse

from app.cli.common import administrator_unless_empty, open_db, out


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


def _sqlite_file(args: argparse.Namespace, what: str):  # noqa: ANN202 - a Path
    from app.services.database import parse_url
    from app.services.errors import DomainError
    from app.services.local_config import resolve_database_url

    target = parse_url(resolve_database_url(args.db))
    if target.backend != "sqlite":
        raise DomainError(f"{what}: команда для базы SQLite; общую базу PostgreSQL копирует pg_dump "
                          "(см. docs/deploy.md, «Резервные копии»)")
    return target.path


def cmd_db_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.services import backup

    path = _sqlite_file(args, "Резервная копия")
    open_db(args, upgrade=False, create=False, read_only=True)  # it is our database, of a known schema
    copy = backup.backup(path, Path(args.file).absolute())
    out(f"Копия записана: {copy.path} (схема {copy.schema_version}, инцидентов {copy.incidents}, "
        f"событий журнала {copy.events}; целостность проверена)")
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.services import backup

    from app.services.database import close_database

    path = _sqlite_file(args, "Восстановление")
    if path.exists():  # a database in use: only its administrator replaces it
        open_db(args, upgrade=False, create=False)
        administrator_unless_empty(args, "Восстановление базы из копии")
        close_database()
    copy = backup.restore(path, Path(args.file).absolute())
    out(f"База {path} восстановлена из копии {args.file} (инцидентов {copy.incidents}, событий журнала "
        f"{copy.events})" + (f"; прежняя база сохранена: {copy.kept_aside}" if copy.kept_aside else ""))
    open_db(args)  # an older copy's schema is brought up to date at once
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `db upgrade` and `db info` to the program's sub-commands."""
    db_p = sub.add_parser("db", help="база данных: обновление схемы, сведения")
    db_sub = db_p.add_subparsers(dest="db_command", title="команды", metavar="КОМАНДА", required=True)
    db_sub.add_parser("upgrade", help="создать или обновить схему базы данных "
                      "(файл SQLite перед обновлением копируется рядом)").set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser("info", help="версия схемы и количество записей каждого вида").set_defaults(func=cmd_db_info)
    backup_p = db_sub.add_parser("backup", help="копия базы SQLite (можно во время работы программы)")
    backup_p.add_argument("file", metavar="ФАЙЛ", help="куда записать копию (новый файл)")
    backup_p.set_defaults(func=cmd_db_backup)
    restore_p = db_sub.add_parser("restore", help="восстановить базу SQLite из копии (прежняя база сохраняется рядом; "
                                  "администратор)")
    restore_p.add_argument("file", metavar="ФАЙЛ", help="файл копии")
    restore_p.set_defaults(func=cmd_db_restore)
