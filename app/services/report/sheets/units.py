"""«По исполнителям»: each unit's assignments, outcomes, returns, clause-11 notices and step times."""
from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

from app.models.enums import ReturnReason
from app.services.report.data import RETURN_REASON_SHORT, UNIT_STEPS, ReportData
from app.services.report.sheets.cells import duration
from app.services.report.sheets.layout import Sheet, fit
from app.services.report.styles import BAD_FILL, BOLD, DURATION_FORMAT

TITLE = "По исполнителям"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    names = (["Отдел / учреждение", "Поручений получено", "Работал над инцидентами", "Ответ в срок",
              "Ответ с нарушением срока", "Ответа нет, срок истёк", "Возвратов на доработку (п. 14)"]
             + [f"Возврат: {RETURN_REASON_SHORT[r]}" for r in ReturnReason]
             + ["Не в компетенции (п. 11)", "Нарушено сроков этапов"]
             + [f"Среднее время: {label}" for _, label in UNIT_STEPS])
    body: list[list[Any]] = []
    for u in d.units:
        values: list[Any] = [s.text(u.name, border=True), u.received, u.executed, u.in_time,
                             s.cell(u.late, border=True, fill=BAD_FILL if u.late else None),
                             s.cell(u.overdue, border=True, fill=BAD_FILL if u.overdue else None),
                             u.returns]
        values += [u.returns_by_reason.get(r.value, 0) for r in ReturnReason]
        values += [u.competence_returns, s.cell(u.missed_steps, border=True,
                                                   fill=BAD_FILL if u.missed_steps else None)]
        values += [s.cell(duration(u.step_minutes.get(code)), fmt=DURATION_FORMAT, border=True)
                   for code, _ in UNIT_STEPS]
        body.append([v if isinstance(v, Cell) else s.cell(v, border=True) for v in values])
    body.append([s.cell("Итого", font=BOLD, border=True)]
                + [s.cell(sum(getattr(u, f) for u in d.units), font=BOLD, border=True)
                   for f in ("received", "executed", "in_time", "late", "overdue", "returns")]
                + [s.cell(sum(u.returns_by_reason.get(r.value, 0) for u in d.units), font=BOLD, border=True)
                   for r in ReturnReason]
                + [s.cell(sum(u.competence_returns for u in d.units), font=BOLD, border=True),
                   s.cell(sum(u.missed_steps for u in d.units), font=BOLD, border=True)])
    widths = fit(body, names, maximum=[70] + [13] * (len(names) - 1), minimum=[30] + [10] * (len(names) - 1))
    s.frame("Поручения по инцидентам периода. «Ответ в срок» — по инцидентам, над "
                   "которыми работал отдел (кроме «не в компетенции» и отозванных); возвраты и этапы — проектов "
                   "ответов и запросов (уточнений) автору; нарушенная информация для сводного ответа (п. 19) "
                   "остаётся нарушением и у отдела, назначенного затем готовить сводный ответ; среднее время — "
                   "рабочее время завершённых шагов", widths, header_row=4, header=names)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    for values in body:
        ws.append(values)
    s.filter(4, 4 + len(d.units), len(names))
