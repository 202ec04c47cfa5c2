"""`db`: the schema (`upgrade`, `info`), copies of the SQLite file (`backup`, `restore`) and its move to a server (`migrate-to`)."""
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


def cmd_db_migrate_to(args: argparse.Namespace) -> int:
    """`db migrate-to URL`: the SQLite database of ``--db`` moved to a new, empty PostgreSQL database."""
    from app.models.enums import ROLE_LABELS, Role
    from app.services import migrate_to
    from app.services.local_config import resolve_database_url

    def roles(codes: str) -> str:
        known = {r.value: r for r in Role}
        return ", ".join(ROLE_LABELS[known[c]].lower() if c in known else c for c in codes.split(",") if c)

    def copied(label: str, rows: int) -> None:
        out(f"  {label}: {rows}")

    source_url = resolve_database_url(args.db)
    out("Перенос базы на сервер PostgreSQL (файл SQLite только читается)…")
    result = migrate_to.migrate(source_url, args.url, progress=copied)
    seconds = f"{result.seconds:.1f}".replace(".", ",")
    out(f"Перенесено: {result.source.display()} → {result.target.display()}")
    out(f"  таблиц: {len(result.tables)}, записей: {result.rows} за {seconds} с; "
        "в каждой таблице на сервере столько же записей, сколько в файле")
    if result.chain_head is not None:
        out(f"  журнал цел: проверено событий — {result.events_checked}, последнее — № {result.chain_head[0]} "
            "(то же, что в файле)")
    else:
        out("  журнал цел: событий нет")
    if result.skipped:
        out(f"  не перенесены (на сервере для них нет таблиц): {', '.join(result.skipped)}")
    out(f"  роли сервера созданы для пользователей: {len(result.people)}; файл {result.source.path} не изменён")
    waiting = result.waiting_for_password
    if waiting:
        out("Пароли на сервер не переносятся: в файле хранятся только их хеши, а серверу нужен сам пароль. "
            f"Войти на сервер эти пользователи ({len(waiting)}) смогут только после того, как администратор "
            "задаст им новый пароль:")
        for person in waiting:
            again = " (роль уже была на сервере: прежний пароль роли, если он был, остался)" if person.role_existed else ""
            out(f"  {person.login} — {person.full_name} ({roles(person.roles)}){again}")
        target = result.target
        owner_url = f"postgresql://{target.user}@{target.host}:{target.port}/{target.name}"
        out(f"Как задать пароль: ./run --db {owner_url} --user АДМИНИСТРАТОР user passwd ЛОГИН — "
            "администратор входит своим прежним паролем программы, пароль владельца базы — в PGPASSWORD "
            "(docs/deploy.md, «Перенос базы с одного компьютера на сервер»)")
    switched_off = [p.login for p in result.people if not p.active]
    if switched_off:
        out(f"Отключённые пользователи (вход на сервер закрыт): {', '.join(switched_off)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `db upgrade`, `db info`, `db backup`, `db restore` and `db migrate-to` to the program's sub-commands."""
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
    migrate_p = db_sub.add_parser(
        "migrate-to", help="перенести базу SQLite (--db) в новую пустую базу на сервере PostgreSQL",
        description="Переносит базу одного компьютера (файл SQLite из --db, INCIDENTS_DB или настройки) в новую "
        "пустую базу PostgreSQL: создаёт схему и правила сервера, копирует все записи в одной транзакции, "
        "проверяет число записей и журнал, создаёт роли пользователей. Файл SQLite только читается.")
    migrate_p.add_argument("url", metavar="URL", help="postgresql://владелец@сервер:порт/база — адрес пустой базы "
                           "с именем её владельца (пароль владельца — в PGPASSWORD или ~/.pgpass)")
    migrate_p.set_defaults(func=cmd_db_migrate_to)
