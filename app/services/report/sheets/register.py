"""«Реестр»: every incident of the period, one row each, streamed row by row."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl.cell import WriteOnlyCell

from app.services.report.data import REGISTER_COLUMNS, REGISTER_DATETIMES, REGISTER_WAIT, ReportData
from app.services.report.sheets.cells import stamp
from app.services.report.sheets.layout import Sheet, fit, sample
from app.services.report.styles import DURATION_FORMAT

TITLE = "Реестр"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    names = [label for _, label in REGISTER_COLUMNS]
    rows = d.register
    widths = fit([["" if v is None else ("01.01.2026 00:00" if i in REGISTER_DATETIMES else v)
                    for i, v in enumerate(r)] for r in sample(rows)], names,
                  maximum=[8, 17, 17, 17, 17, 17, 17, 20, 22, 20, 14, 26, 20, 26, 22, 30, 16, 11, 12, 13, 40, 60])
    s.frame(f"Все инциденты, выявленные за период: {len(rows)}; время — местное "
                   f"({d.tz_name}); ожидание ответа автора — рабочее время от размещения запроса (уточнения) "
                   "до ответа автора, закрытия инцидента или момента отчёта", widths, header_row=4, header=names)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    append = ws.append
    text = s.text
    # One styled prototype cell per datetime column, refilled for every row: openpyxl pulls a
    # row generator one cell at a time and writes each cell before asking for the next, so
    # the prototype is never changed before it is written. This spares creating and styling
    # a cell object per timestamp (six per row). The link is plain text here (the «Просрочки»
    # sheet has the clickable ones): Excel allows at most 65 530 hyperlinks a sheet.
    prototypes = [s.datetime_column() for _ in range(6)]
    wait = WriteOnlyCell(ws)
    wait.number_format = DURATION_FORMAT

    def cells(row: tuple[Any, ...]) -> Iterator[Any]:
        yield row[0]
        for c, value in zip(prototypes, row[1:7], strict=True):
            yield stamp(c, value)
        yield from row[7:11]
        yield text(row[11])
        yield from row[12:19]
        if row[REGISTER_WAIT] is None:
            yield None
        else:
            wait.value = row[REGISTER_WAIT]  # a duration: a number Excel shows as «3 ч 05 мин»
            yield wait
        yield text(row[20])
        yield text(row[21])

    for row in rows:
        append(cells(row))
    s.filter(4, 4 + len(rows), len(names))
