"""«Просрочки»: every missed or overdue clock of the period's incidents, with its link and lateness."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.services.report.data import LateRow, ReportData, short_duration
from app.services.report.sheets.cells import stamp
from app.services.report.sheets.layout import Sheet, fit, sample

TITLE = "Просрочки"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    names = ["№", "Выявлен", "Ссылка", "Соцсеть", "Важность", "Статус", "Исполнители", "Нарушенный срок",
             "Пункт", "Чей шаг", "Срок", "Выполнено", "Состояние", "Опоздание", "Опоздание, рабочих мин"]
    rows = d.late
    widths = fit([[str(r.incident_id), "01.01.2026 00:00", r.link, r.network, r.priority, r.status, r.units,
                    r.clock_title, r.clause, r.subject, "01.01.2026 00:00", "01.01.2026 00:00", r.state,
                    short_duration(r.late_minutes), str(r.late_minutes)] for r in sample(rows)], names,
                  maximum=[8, 17, 42, 14, 20, 20, 36, 46, 7, 20, 17, 17, 12, 13, 11])
    s.frame(f"Все нарушенные и просроченные сроки по инцидентам периода: {len(rows)}; "
                   "опоздание — рабочее время сверх срока", widths, header_row=4, header=names)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    detected, due, ended = (s.datetime_column() for _ in range(3))
    link = s.link_column()

    def cells(r: LateRow) -> Iterator[Any]:  # pulled cell by cell: see the register sheet
        yield r.incident_id
        yield stamp(detected, r.detected)
        yield link(r.link)
        yield from (r.network, r.priority, r.status, r.units, r.clock_title, r.clause, r.subject or None)
        yield stamp(due, r.due)
        yield stamp(ended, r.ended)
        yield from (r.state, short_duration(r.late_minutes), r.late_minutes)

    for r in rows:
        ws.append(cells(r))
    s.filter(4, 4 + len(rows), len(names))
