"""«По исполнителям»: each unit's assignments, outcomes, returns, clause-11 notices and step times.

Three tables one below the other, each with the units' names, so that each prints one page wide:
the counts, the returns by reason, the average time of each step.

In «Итого» an incident several units worked on (a consolidated answer, clause 19) counts once,
so the outcome columns' total is the number of incidents, not the sum of the rows; the sheet
says so under the table.
"""
from __future__ import annotations

from typing import Any

from app.models.enums import ReturnReason
from app.services.report.data import RETURN_REASON_SHORT, UNIT_STEPS, ReportData, UnitRow, short_duration
from app.services.report.sheets.layout import Paper, Sheet, fit, header_height
from app.services.report.styles import BAD_FILL, BOLD, RIGHT, WRAP

TITLE = "По исполнителям"
UNIT = "Отдел / учреждение"
#: the columns whose total counts incidents (once each), not assignments
INCIDENT_COLUMNS = ("Работал над инцидентами", "Ответ в срок", "Ответ с нарушением срока", "Ответа нет, срок истёк")
COUNTS = [UNIT, "Поручений получено", *INCIDENT_COLUMNS, "Не в компетенции (п. 11)", "Нарушено сроков этапов",
          "Возвратов на доработку (п. 14)"]
RETURNS = [UNIT, *(f"Возврат: {RETURN_REASON_SHORT[r]}" for r in ReturnReason)]
STEPS = [UNIT, *(f"Среднее время: {label}" for _, label in UNIT_STEPS)]


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data

    def name(u: UnitRow) -> Any:
        return s.text(u.name, line_breaks=False, border=True, align=WRAP)

    def counts(u: UnitRow, font: Any = None) -> list[Any]:
        return ([s.cell(v, font=font, border=True) for v in (u.received, u.executed, u.in_time)]
                + [s.cell(u.late, font=font, border=True, fill=BAD_FILL if u.late else None),
                   s.cell(u.overdue, font=font, border=True, fill=BAD_FILL if u.overdue else None),
                   s.cell(u.competence_returns, font=font, border=True),
                   s.cell(u.missed_steps, font=font, border=True, fill=BAD_FILL if u.missed_steps else None),
                   s.cell(u.returns, font=font, border=True)])

    def reasons(u: UnitRow, font: Any = None) -> list[Any]:
        return [s.cell(u.returns_by_reason.get(r.value, 0), font=font, border=True) for r in ReturnReason]

    total = d.unit_total if d.units else None
    tables: list[tuple[list[str], list[list[Any]]]] = [
        (COUNTS, [[name(u), *counts(u)] for u in d.units]),
        (RETURNS, [[name(u), *reasons(u)] for u in d.units]),
        (STEPS, [[name(u)] + [s.cell(short_duration(u.step_minutes[code]) if code in u.step_minutes else None,
                                     border=True, align=RIGHT) for code, _ in UNIT_STEPS] for u in d.units]),
    ]
    if total is not None:
        tables[0][1].append([s.cell("Итого", font=BOLD, border=True), *counts(total, BOLD)])
        tables[1][1].append([s.cell("Итого", font=BOLD, border=True), *reasons(total, BOLD)])
    fitted = [fit(body, names, maximum=[34] + [13] * (len(names) - 1), minimum=[24] + [9] * (len(names) - 1))
              for names, body in tables]
    widths = [max(w[i] for w in fitted if i < len(w)) for i in range(max(map(len, fitted)))]
    s.frame("Поручения по инцидентам периода. «Ответ в срок» — по инцидентам, над которыми работал отдел (кроме "
            "«не в компетенции» и отозванных); возвраты и этапы — проектов ответов и запросов (уточнений) автору; "
            "нарушенная информация для сводного ответа (п. 19) остаётся нарушением и у отдела, назначенного затем "
            "готовить сводный ответ; среднее время — рабочее время завершённых шагов.",
            widths, header_row=4, header=COUNTS, paper=Paper(title_columns=1), wrapped=(0,))
    for values in tables[0][1]:
        s.add(values)
    s.filter(4, 4 + len(d.units), len(COUNTS))
    s.add([])
    columns = ", ".join(f"«{column}»" for column in INCIDENT_COLUMNS)
    s.note(f"В строке «Итого» столбцов {columns} каждый инцидент считается один раз, даже если над ним работали "
           "несколько отделов (сводный ответ, п. 19): поэтому там итог может быть меньше суммы строк. Поручения, "
           "возвраты, сообщения о некомпетентности и сроки этапов — сумма по отделам.")
    for heading, (names, body) in zip(("Возвраты на доработку по причинам (п. 14)",
                                       "Среднее рабочее время завершённых шагов"), tables[1:], strict=True):
        s.add([])
        s.note(heading, bold=True)
        s.add(s.header(names), height=header_height(names, widths))
        for values in body:
            s.add(values)
    s.finish()
