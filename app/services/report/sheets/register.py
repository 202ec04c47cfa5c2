"""«Реестр»: every incident of the period, one row each, streamed row by row.

A month may hold tens of thousands of incidents, so the rows are streamed as sheet XML, each
cell styled by its column (:mod:`.stream`). The link is plain text here (the «Просрочки» sheet has the clickable ones): Excel
allows at most 65 530 hyperlinks a sheet.
"""
from __future__ import annotations

from typing import Any

from app.services.formatting import zone_words
from app.services.report.data import (
    MAX_TEXT_IN_REGISTER, REGISTER_COLUMNS, REGISTER_PRINTED, TEXT_CUT, ReportData, report_zone,
)
from app.services.report.sheets.layout import Paper, Sheet, fit, sample
from app.services.report.sheets.stream import Column
from app.services.report.styles import WRAP

TITLE = "Реестр"
KEYS = [key for key, _ in REGISTER_COLUMNS]
DATETIMES = frozenset(KEYS.index(k) for k in ("detected", "routed", "submitted", "approved", "published", "closed"))
WRAPPED = tuple(KEYS.index(k) for k in ("status", "priority", "topic", "units", "answer_state", "text"))
SINGLE_LINE = frozenset(KEYS.index(k) for k in ("author", "link"))
MAXIMUM = {"id": 7, "detected": 16, "status": 16, "priority": 12, "network": 14, "topic": 16, "units": 16,
           "answer_state": 14, "text": 44, "author": 26, "kind": 22, "topic_group": 20, "location": 22,
           "answer_minutes": 11, "requests": 12, "author_wait": 12, "link": 40}


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    names = [label for _, label in REGISTER_COLUMNS]
    rows = data.register
    widths = fit([["" if v is None else ("01.01.2026 00:00" if i in DATETIMES else v) for i, v in enumerate(r)]
                  for r in sample(rows)], names, maximum=[MAXIMUM.get(k, 17) for k in KEYS])
    widths[KEYS.index("text")] = MAXIMUM["text"]  # the message wraps in a column of its own width
    s.frame(f"Все инциденты, выявленные за период: {len(rows)}. Время — {zone_words(report_zone(data))}; ожидание "
            "ответа автора — рабочее время от размещения запроса (уточнения) до ответа автора, закрытия инцидента "
            f"или момента отчёта. Текст сообщения — первые {MAX_TEXT_IN_REGISTER} знаков: где он длиннее, в конце "
            f"стоит «{TEXT_CUT}» (полностью — в карточке инцидента). На печать выводятся столбцы от «№» до «Текст "
            "сообщения»; остальные — в файле.",
            widths, header_row=4, header=names, paper=Paper(columns=REGISTER_PRINTED, title_columns=2),
            wrapped=WRAPPED)
    table = s.table([Column("datetime") if i in DATETIMES else Column("text", WRAP) if i in WRAPPED
                     else Column("line") if i in SINGLE_LINE else Column() for i in range(len(KEYS))])
    for row in rows:
        s.stream(table, row)
    s.filter(4, 4 + len(rows), len(names))
    s.finish()
