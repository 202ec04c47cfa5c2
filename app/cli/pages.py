"""`pages status`: every active official page and whether the week's rule holds (Appendix 1, cl. 5)."""
from __future__ import annotations

import argparse

from app.cli.common import open_db, out


def cmd_pages_status(args: argparse.Namespace) -> int:
    from babel.dates import format_date

    from app.services import clock, formatting
    from app.services.calendar_store import current_calendar
    from app.services.errors import ValidationError
    from app.services.pages import weeks

    if args.week:
        try:
            monday = weeks.parse_iso_week(args.week)
        except ValueError as error:
            raise ValidationError(str(error)) from None
    else:
        monday = None
    open_db(args, create=False, read_only=True)
    cal = current_calendar()
    today = clock.now().astimezone(cal.tz).date()
    monday = monday or weeks.week_start(today)
    grid = weeks.grid([monday], today=today)
    year, number, _ = monday.isocalendar()
    last = weeks.last_working_day(cal, monday)
    last_text = (f"последний рабочий день — {format_date(last, 'EEEE, d MMMM', locale='ru')}" if last
                 else "рабочих дней нет")
    out(f"Неделя {year}-W{number:02d}: {weeks.week_label(monday)} ({last_text}). {weeks.RULE}")
    if not grid.rows:
        out("В реестре нет действующих страниц.")
        return 0
    held = 0
    for row in grid.rows:
        cell = row.cells[0]
        titles = ", ".join(f"«{t}»" for t in cell.titles[:3]) + (" …" if len(cell.titles) > 3 else "")
        if cell.state is weeks.WeekState.PUBLISHED:
            held += 1
            state = f"выполнено — {formatting.plural(cell.published, PUBLICATIONS)}: {titles}"
        elif cell.state is weeks.WeekState.ABSENT:
            held += 1
            state = "страницы не было в реестре"
        elif cell.state is weeks.WeekState.PLANNED:
            state = f"НЕТ ПУБЛИКАЦИЙ — в плане: {titles}"
        elif cell.state is weeks.WeekState.FUTURE:
            state = "неделя ещё не началась"
        else:
            state = "НЕТ ПУБЛИКАЦИЙ"
        owner = " (глава)" if row.owner == "head" else ""
        out(f"  {row.network_label} · {row.name}{owner}: {state}")
    out(f"Правило выполнено на {held} из {formatting.plural(len(grid.rows), PAGES)}.")
    return 0


PUBLICATIONS = ("публикация", "публикации", "публикаций")
PAGES = ("страницы", "страниц", "страниц")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `pages status` to the program's sub-commands."""
    pages_p = sub.add_parser("pages", help="официальные страницы (Приложение 1)")
    pages_sub = pages_p.add_subparsers(dest="pages_command", title="команды", metavar="КОМАНДА", required=True)
    status = pages_sub.add_parser("status", help="каждая действующая страница и выполнено ли правило «не менее "
                                  "одной публикации в неделю» (п. 5); код возврата 0")
    status.add_argument("--week", metavar="ГГГГ-WНН",
                        help="неделя по ISO, например 2026-W48 (по умолчанию — текущая)")
    status.set_defaults(func=cmd_pages_status)


