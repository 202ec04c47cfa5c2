"""The `report` sub-command: the Excel report for a month, a quarter or any period.

    ./run report --month 2026-11 --out ноябрь.xlsx
    ./run report --quarter 2026-4 --out IV-квартал.xlsx
    ./run report --from 2026-10-01 --to 2026-10-15 --out полмесяца.xlsx

The database is the one of ``--db`` (opened through ``app.cli.common.open_db``, never created here).
Every error — a bad month or date, an unwritable path, a missing database — is one Russian
line and exit code 2 (``DomainError`` handled by ``app.cli.program.main``); the workbook is written to
a temporary file beside the target and moved into place only when complete.
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from app.cli.common import open_db, out, sign_in
from app.services.errors import DomainError

__all__ = ["cmd_report", "parse_day", "register"]


def parse_day(text: str, what: str) -> date:
    """«2026-10-01» or «01.10.2026»; a Russian error otherwise."""
    raw = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise DomainError(f"{what}: «{text}» — нужна дата вида 2026-10-01 или 01.10.2026")


def _period(args: argparse.Namespace) -> tuple[date, date]:
    from app.services.periods import quarter_period
    from app.services.report import month_period

    chosen = sum(x is not None for x in (args.month, args.quarter)) + (
        args.date_from is not None or args.date_to is not None)
    if chosen > 1:
        raise DomainError("Укажите что-то одно: либо --month, либо --quarter, либо --from и --to")
    if args.month is not None:
        return month_period(args.month)
    if args.quarter is not None:
        return quarter_period(args.quarter)
    if args.date_from is None or args.date_to is None:
        raise DomainError("Укажите период: --month ГГГГ-ММ, --quarter ГГГГ-К или --from ДАТА --to ДАТА")
    start = parse_day(args.date_from, "Начало периода")
    end = parse_day(args.date_to, "Конец периода")
    if end < start:
        raise DomainError(f"Начало периода {start:%d.%m.%Y} позже его конца {end:%d.%m.%Y}")
    return start, end


def _target(text: str) -> Path:
    path = Path(text).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"Файл отчёта «{path}» должен иметь расширение .xlsx")
    if path.is_dir():
        raise DomainError(f"«{path}» — это папка, укажите имя файла .xlsx")
    folder = path.parent
    if not folder.is_dir():
        raise DomainError(f"Папка «{folder}» не существует: отчёт некуда записать")
    return path


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}".replace(".", ",") + " %"


def cmd_report(args: argparse.Namespace) -> int:
    """`report`: write the workbook and print where it went and the headline figures."""
    from app.services.report import IN_TIME_SHARE_BASE, IN_TIME_SHARE_LABEL, build_monthly_report, short_duration

    start, end = _period(args)
    path = _target(args.out)
    open_db(args, create=False, read_only=True)
    from app.services.permissions import require_reads_everything

    require_reads_everything(sign_in(args, "Отчёт"), "Отчёт")

    def progress(percent: int, stage: str) -> None:
        if args.progress:
            print(f"{percent:3d} % {stage}", file=sys.stderr, flush=True)

    summary = build_monthly_report(start, end, path, progress=progress)
    out(f"Отчёт за {summary.period_label} записан: {summary.path.resolve()}")
    out(f"  поступило: {summary.received}")
    out(f"  ответ в срок: {summary.in_time}, с нарушением срока: {summary.late}")
    # the share as «Сводка» names and counts it: of the answers posted
    out(f"  {IN_TIME_SHARE_LABEL.lower()} — от {IN_TIME_SHARE_BASE}: {_percent(summary.in_time_share)}")
    out(f"  ответ не дан, срок истёк: {summary.overdue}; не закрыто: {summary.still_open}")
    out(f"  без ответа (п. 21): {summary.no_answer}; "
         f"не касается деятельности администрации (не инцидент, п. 2): {summary.not_incident}")
    out(f"  размещён запрос (уточнение) автору (п. 13): {summary.requested}")
    out(f"  медиана времени до ответа: {short_duration(summary.median_minutes)}")
    out(f"  строк реестра: {summary.register_rows}, нарушенных сроков: {summary.late_rows}; "
         f"сформирован за {summary.seconds:.1f} с".replace(".", ",", 1))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `report` to the program's sub-commands."""
    rep = sub.add_parser(
        "report",
        help="отчёт для главы в Excel за месяц, квартал или любой период",
        description="Отчёт «Работа с сообщениями в социальных сетях» (.xlsx): сводка, исполнители, этапы, "
        "темы и соцсети, просрочки, реестр и официальные страницы. Учитываются инциденты, выявленные в "
        "периоде (даты — местные, администрации).",
    )
    period = rep.add_argument_group("период")
    period.add_argument("--month", metavar="ГГГГ-ММ", help="месяц, например 2026-11")
    period.add_argument("--quarter", metavar="ГГГГ-К", help="квартал, например 2026-4")
    period.add_argument("--from", dest="date_from", metavar="ДАТА", help="начало периода: 2026-10-01 или 01.10.2026")
    period.add_argument("--to", dest="date_to", metavar="ДАТА", help="конец периода (включительно)")
    rep.add_argument("--out", required=True, metavar="ФАЙЛ.xlsx", help="куда записать отчёт")
    rep.add_argument("--progress", action="store_true", help="показывать ход работы (в поток ошибок)")
    rep.set_defaults(func=cmd_report)
