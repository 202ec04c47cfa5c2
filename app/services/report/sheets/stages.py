"""«По этапам»: every clock of the regulation, how often it was kept and where the chain loses time."""
from __future__ import annotations

from typing import Any

from app.services.report.data import ReportData, short_duration
from app.services.report.sheets.layout import Paper, Sheet, fit
from app.services.report.styles import BAD_FILL, BOLD, PERCENT_FORMAT, RIGHT, WORST_FILL, WRAP

TITLE = "По этапам"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    names = ["Этап", "Пункт", "Кто", "Всего", "Соблюдён", "Нарушен", "Идёт", "Просрочен (идёт)",
             "Окно не использовано", "Доля нарушений", "Медиана времени этапа", "Среднее время этапа",
             "Потеряно сверх срока", "Потеряно, мин"]
    body = []
    worst = None
    for r in d.stages:
        fill = WORST_FILL if r.worst else None
        if r.worst:
            worst = r
        body.append([
            s.cell(r.title, border=True, fill=fill, font=BOLD if r.worst else None, align=WRAP),
            s.cell(r.clause, border=True, fill=fill), s.cell(r.who, border=True, fill=fill, align=WRAP),
            s.cell(r.total, border=True, fill=fill), s.cell(r.met, border=True, fill=fill),
            s.cell(r.missed, border=True, fill=fill or (BAD_FILL if r.missed else None)),
            s.cell(r.running, border=True, fill=fill),
            s.cell(r.overdue, border=True, fill=fill or (BAD_FILL if r.overdue else None)),
            s.cell(r.unused, border=True, fill=fill),
            s.cell(r.missed_share, fmt=PERCENT_FORMAT, border=True, fill=fill),
            s.cell(short_duration(r.median_minutes) if r.median_minutes is not None else None, border=True,
                   fill=fill, align=RIGHT),
            s.cell(short_duration(r.average_minutes) if r.average_minutes is not None else None, border=True,
                   fill=fill, align=RIGHT),
            s.cell(short_duration(r.lost_minutes) if r.lost_minutes else "—", border=True, fill=fill, align=RIGHT),
            s.cell(r.lost_minutes, border=True, fill=fill),
        ])
    widths = fit(body, names, maximum=[30, 9, 13] + [11] * 11, minimum=[24, 7, 10] + [8] * 11)
    # on paper: everything but the lost minutes as a bare number (the column before says the same)
    s.frame("Каждый срок регламента по инцидентам периода: где цепочка теряет время. Согласование, доработка и "
            "размещение (пп. 14–16) — и проектов ответов, и запросов (уточнений) автору. Время этапа — рабочее "
            "время завершённых шагов; потери — рабочее время сверх срока.",
            widths, header_row=4, header=names, paper=Paper(columns=len(names) - 1), wrapped=(0, 2))
    for values in body:
        s.add(values)
    s.filter(4, 4 + len(d.stages), len(names))
    s.add([])
    if worst is not None:
        s.note(f"Больше всего рабочего времени сверх срока теряется на этапе «{worst.title}» ({worst.clause}): "
               f"{short_duration(worst.lost_minutes)}, нарушений — {worst.missed + worst.overdue}. Строка выделена.",
               bold=True)
    else:
        s.note("Сроки этапов в периоде не нарушались.", bold=True)
    s.finish()
