"""`audit verify`: check the chain of the event journal."""
from __future__ import annotations

import argparse
import json

from app.cli.common import open_db, out


#: how many changes made outside the program are listed (all are counted)
SHOWN_CHANGES = 20


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.services import audit
    from zoneinfo import ZoneInfo

    from app.services.formatting import moment

    anchor = audit.parse_anchor(args.anchor) if args.anchor else None
    open_db(args, upgrade=False, create=False, read_only=True)
    report = audit.verify_chain()
    failed = False
    if report.ok:
        out(f"Журнал цел: проверено событий — {report.checked}")
    else:
        failed = True
        out(f"Журнал нарушен: событие № {report.broken_at} — {report.reason} "
            f"(до него проверено событий: {report.checked})")
    if anchor is not None:
        problem = audit.check_anchor(anchor)
        if problem:
            failed = True
            out(f"Опорная точка {anchor.event_id}: {problem}")
        else:
            out(f"Опорная точка {anchor.event_id} совпадает: журнал до события № {anchor.event_id} не переписан")
    changes = audit.outside_changes(limit=100_000)
    if changes:
        failed = True
        out(f"Изменения вне программы (без события журнала в той же транзакции): {len(changes)}")
        for change in changes[:SHOWN_CHANGES]:
            what = ", ".join(f"{k} = {v}" for k, v in json.loads(change.changed).items())[:200]
            out(f"  {moment(change.at, ZoneInfo('Europe/Moscow'))} {change.db_role}: {TABLES.get(change.table_name, change.table_name)} "
                f"№ {change.row_id}, {OPERATIONS.get(change.operation, change.operation)}: {what}")
        if len(changes) > SHOWN_CHANGES:
            out(f"  … и ещё {len(changes) - SHOWN_CHANGES}")
    return 1 if failed else 0


TABLES = {"incident": "инцидент", "assignment": "назначение", "answer": "ответ", "user": "пользователь"}
OPERATIONS = {"INSERT": "создан", "UPDATE": "изменён", "DELETE": "удалён"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add `audit verify` to the program's sub-commands."""
    audit_p = sub.add_parser("audit", help="журнал событий")
    audit_sub = audit_p.add_subparsers(dest="audit_command", title="команды", metavar="КОМАНДА", required=True)
    verify = audit_sub.add_parser("verify", help="проверить целостность цепочки журнала и назвать первое "
                                  "нарушенное звено; в общей базе — и изменения, сделанные в обход программы")
    verify.add_argument("--anchor", metavar="N:ХЕШ",
                        help="опорная точка из отчёта за месяц (номер события и его хеш): доказывает, что журнал "
                             "до неё не переписан")
    verify.set_defaults(func=cmd_audit_verify)
