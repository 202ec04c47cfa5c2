"""«Просрочки»: every missed or overdue clock of the period's incidents, with its link and lateness.

On paper: which incident, which deadline, whose step, when it was due and done, how late; the
incident's detection, network, priority, link and the lateness in bare minutes are for the screen.
"""
from __future__ import annotations

from typing import Any

from app.services.report.data import ReportData, short_duration
from app.services.report.sheets.layout import Paper, Sheet, fit, sample
from app.services.report.sheets.stream import Column
from app.services.report.styles import LINK_FONT, RIGHT, WRAP

TITLE = "Просрочки"
NAMES = ["№", "Нарушенный срок", "Пункт", "Чей шаг", "Срок", "Выполнено", "Состояние", "Опоздание", "Исполнители",
         "Статус", "Выявлен", "Соцсеть", "Важность", "Ссылка", "Опоздание, рабочих мин"]
PRINTED = NAMES.index("Статус") + 1
WRAPPED = (1, 3, 8, 9)


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    rows = data.late
    widths = fit([[str(r.incident_id), r.clock_title, r.clause, r.whose, "01.01.2026 00:00", "01.01.2026 00:00",
                   r.state, short_duration(r.late_minutes), r.units, r.status, "01.01.2026 00:00", r.network,
                   r.priority, r.link, str(r.late_minutes)] for r in sample(rows)], NAMES,
                 maximum=[8, 28, 9, 18, 17, 17, 12, 12, 16, 17, 17, 14, 20, 42, 11])
    s.frame(f"Все нарушенные и просроченные сроки по инцидентам периода: {len(rows)}; строки одного инцидента — "
            "в порядке сроков; опоздание — рабочее время сверх срока. «Чей шаг»: отдел — шаг исполнителя, "
            "«Куратор» — направление, перенаправление и согласование, «Все участники» — срок самого ответа.",
            widths, header_row=4, header=NAMES, paper=Paper(columns=PRINTED, title_columns=1), wrapped=WRAPPED)
    text, value = Column("text", WRAP), Column()
    table = s.table([value, text, value, text, Column("datetime"), Column("datetime"), value, Column(align=RIGHT),
                     text, text, Column("datetime"), value, value, Column("link", font=LINK_FONT), value])
    for r in rows:
        s.stream(table, (r.incident_id, r.clock_title, r.clause, r.whose, r.due, r.ended, r.state,
                         short_duration(r.late_minutes), r.units, r.status, r.detected, r.network, r.priority, r.link,
                         r.late_minutes))
    s.filter(4, 4 + len(rows), len(NAMES))
    s.finish()
