"""`audit verify`: check the chain of the event journal."""
from __future__ import annotations

import argparse

from app.cli.common import open_db, out


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.services.audit import verify_chain

    open_db(args, upgrade=False, create=False, read_only=True)
    report = verify_chain()
    if report.ok:
        out(f"Журнал цел: проверено событий — {report.checked}")
        return 0
    out(f"Журнал нарушен: событие № {report.broken_at} — {report.reason} "
        f"(до него проверено событий: {report.checked})")
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add `audit verify` to the program's sub-commands."""
    audit_p = sub.add_parser("audit", help="журнал событий")
    audit_sub = audit_p.add_subparsers(dest="audit_command", title="команды", metavar="КОМАНДА", required=True)
    audit_sub.add_parser("verify", help="проверить целостность цепочки журнала и назвать первое "
                         "нарушенное звено").set_defaults(func=cmd_audit_verify)
