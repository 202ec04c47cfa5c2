"""«Сводка»: the headline figures of the period against the period before, the time to answer, the
author's waits (clause 13) and a chart of the outcomes."""
from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, PatternFill

from app.models.enums import CLAUSE21_REASONS, INCIDENT_KIND_LABELS, NO_ANSWER_REASON_LABELS, IncidentKind, Priority
from app.services.deadlines import ClockState
from app.services.report.data import (
    FINAL_ROWS, NOT_INCIDENT_LABEL, PRIORITY_BASE_LABELS, PRIORITY_ROW_LABELS, ReportData, local, report_zone,
    short_duration,
)
from app.services.report.sheets.cells import duration
from app.services.report.sheets.charts import data_labels, series_title
from app.services.report.sheets.layout import Sheet, header_height
from app.services.report.styles import (
    BAD_FILL, BOLD, DURATION_FORMAT, GOOD_FILL, NOTE_FONT, PERCENT_FORMAT, RIGHT, SECTION_FILL,
)

TITLE = "Сводка"


def _round(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    cur, prev = d.current, d.previous
    names = ["Показатель", cur.label, "Доля", prev.label, "Доля", "Изменение", "Изменение, %",
             "Доля считается от"]
    widths = [80, 15, 9, 15, 9, 12, 12, 60]
    s.frame(f"Инциденты, выявленные за период; сравнение с периодом «{prev.label}» "
                   f"({prev.start:%d.%m.%Y} — {prev.end:%d.%m.%Y}). Сроки — в рабочем времени администрации, "
                   f"состояние на {local(d.generated_at, report_zone(d)):%d.%m.%Y %H:%M}",
                   widths, header_row=4, header=names, one_page=True)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    row = 4

    def line(label: str, now_value: int, base_now: int | None, was: int, base_was: int | None,
             base_label: str = "", bold: bool = False, fill: PatternFill | None = None) -> None:
        nonlocal row
        font = BOLD if bold else None
        share_now = now_value / base_now if base_now else None
        share_was = was / base_was if base_was else None
        change = now_value - was
        relative = change / was if was else None
        ws.append([
            s.cell(label, font=font, border=True, fill=fill, align=Alignment(indent=0 if bold else 1)),
            s.cell(now_value, font=font, border=True, fill=fill),
            s.cell(share_now, fmt=PERCENT_FORMAT, border=True, fill=fill),
            s.cell(was, border=True, fill=fill),
            s.cell(share_was, fmt=PERCENT_FORMAT, border=True, fill=fill),
            s.cell(change, fmt="+0;-0;0", border=True, fill=fill),
            s.cell(relative, fmt="+0.0%;-0.0%;0.0%", border=True, fill=fill),
            s.cell(base_label, font=NOTE_FONT, border=True, fill=fill),
        ])
        row += 1

    def section(label: str) -> None:
        nonlocal row
        ws.append([s.cell(label, font=BOLD, fill=SECTION_FILL, border=True)]
                  + [s.cell(None, fill=SECTION_FILL, border=True) for _ in range(7)])
        row += 1

    received = "поступивших"
    section("Поступило")
    line("Поступило всего", cur.received, cur.received, prev.received, prev.received, received, bold=True)
    for kind in IncidentKind:
        line(INCIDENT_KIND_LABELS[kind], cur.by_kind.get(kind, 0), cur.received, prev.by_kind.get(kind, 0),
             prev.received, received)
    for priority in Priority:
        line(PRIORITY_ROW_LABELS[priority], cur.by_priority.get(priority, 0), cur.received,
             prev.by_priority.get(priority, 0), prev.received, received)
    section("Итог по каждому инциденту (в сумме — все поступившие)")
    outcome_first = row + 1
    overdue_now, overdue_was = cur.answer_count(ClockState.OVERDUE), prev.answer_count(ClockState.OVERDUE)
    line("Ответ размещён в срок (п. 9, 17)", cur.in_time, cur.received, prev.in_time, prev.received, received,
         fill=GOOD_FILL)
    line("Ответ размещён с нарушением срока", cur.late, cur.received, prev.late, prev.received, received,
         fill=BAD_FILL if cur.late else None)
    line("Ответ не размещён, срок истёк", overdue_now, cur.received, overdue_was, prev.received, received,
         fill=BAD_FILL if overdue_now else None)
    line("Ответ готовится, срок не истёк", cur.answer_count(ClockState.RUNNING), cur.received,
         prev.answer_count(ClockState.RUNNING), prev.received, received)
    line("Без ответа (п. 21)", cur.clause21_total, cur.received, prev.clause21_total, prev.received, received)
    line(NOT_INCIDENT_LABEL, cur.not_incident, cur.received, prev.not_incident, prev.received, received)
    outcome_last = row
    section("Сроки ответа по важности")
    for priority, hours, clause in ((Priority.NORMAL, 8, "п. 9"), (Priority.HIGH, 4, "п. 17")):
        base = f"{PRIORITY_BASE_LABELS[priority]}, кроме закрытых без ответа (пп. 2, 21)"
        n_now, n_was = cur.with_answer_clock(priority), prev.with_answer_clock(priority)
        line(f"Ответ в течение {hours} рабочих часов ({clause})", cur.answer_count(ClockState.MET, priority),
             n_now, prev.answer_count(ClockState.MET, priority), n_was, base)
        line(f"Срок {hours} рабочих часов нарушен ({clause})", cur.answer_count(ClockState.MISSED, priority),
             n_now, prev.answer_count(ClockState.MISSED, priority), n_was, base)
    section("Без ответа — по основаниям п. 21")
    for reason in CLAUSE21_REASONS:
        line(NO_ANSWER_REASON_LABELS[reason], cur.no_answer.get(reason, 0), cur.clause21_total,
             prev.no_answer.get(reason, 0), prev.clause21_total, "закрытых без ответа по п. 21")
    section("Запросы (уточнения) автору (п. 13)")
    line("Размещён запрос (уточнение) автору", cur.requested, cur.received, prev.requested, prev.received,
         received)
    asked = "с размещённым запросом"
    line("Автор ответил на запрос", cur.author_replied, cur.requested, prev.author_replied, prev.requested,
         asked)
    line("Ответа автора ждут сейчас", cur.author_waiting, cur.requested, prev.author_waiting, prev.requested,
         asked)
    line("Автор не ответил до закрытия инцидента", cur.author_unanswered, cur.requested,
         prev.author_unanswered, prev.requested, asked)
    section("Состояние на момент отчёта")
    line("Не закрыто (в работе)", cur.still_open, cur.received, prev.still_open, prev.received, received)
    section("Промежуточные и окончательные ответы (п. 18)")
    line("Дан промежуточный ответ", cur.interim, cur.received, prev.interim, prev.received, received)
    interim = "давших промежуточный ответ"
    for state, label in FINAL_ROWS:
        line(label, cur.final_states.get(state, 0), cur.interim, prev.final_states.get(state, 0), prev.interim,
             interim)
    ws.append([])
    time_names = ["Время до ответа (рабочее время от выявления до первого размещения)", cur.label, "мин",
                  prev.label, "мин", "Изменение, мин"]
    ws.row_dimensions[row + 2].height = header_height(time_names, widths)
    ws.append(s.header(time_names))
    row += 2
    count_now, count_was = len(cur.answer_minutes), len(prev.answer_minutes)
    ws.append([s.cell("Ответов размещено", border=True), s.cell(count_now, border=True),
               s.cell(None, border=True), s.cell(count_was, border=True), s.cell(None, border=True),
               s.cell(count_now - count_was, fmt="+0;-0;0", border=True)])
    row += 1
    for label, now_value, was in (("Среднее время до ответа", cur.average_minutes, prev.average_minutes),
                                  ("Медиана времени до ответа", cur.median_minutes, prev.median_minutes)):
        ws.append([s.cell(label, border=True),
                   s.cell(short_duration(now_value), border=True, align=RIGHT),
                   s.cell(_round(now_value), fmt="0", border=True),
                   s.cell(short_duration(was), border=True, align=RIGHT),
                   s.cell(_round(was), fmt="0", border=True),
                   s.cell(_round(now_value - was) if now_value is not None and was is not None else None,
                             fmt="+0;-0;0", border=True)])
        row += 1
    ws.append([])
    wait_names = ["Ожидание ответа автора на запрос (рабочее время от размещения запроса до ответа автора, "
                  "закрытия инцидента или момента отчёта)", cur.label, "мин", prev.label, "мин", "Изменение, мин"]
    ws.row_dimensions[row + 2].height = header_height(wait_names, widths)
    ws.append(s.header(wait_names))
    row += 2
    for label, now_value, was in (
            ("Всего по инцидентам с размещённым запросом", cur.author_wait_total if cur.requested else None,
             prev.author_wait_total if prev.requested else None),
            ("В среднем на инцидент с размещённым запросом", cur.author_wait_average, prev.author_wait_average)):
        ws.append([s.cell(label, border=True),
                   s.cell(duration(now_value), fmt=DURATION_FORMAT, border=True),
                   s.cell(_round(now_value), fmt="0", border=True),
                   s.cell(duration(was), fmt=DURATION_FORMAT, border=True),
                   s.cell(_round(was), fmt="0", border=True),
                   s.cell(_round(now_value - was) if now_value is not None and was is not None else None,
                             fmt="+0;-0;0", border=True)])
        row += 1
    ws.append([])
    ws.append([s.cell("Доля — от базы в последнем столбце; изменение — разница с предыдущим периодом той же "
                         "длины. Сроки — в рабочем времени по производственному календарю (пп. 9–19 Порядка).",
                         font=NOTE_FONT)])
    ws.append([s.cell("Ожидание ответа автора не останавливает срок ответа (Порядок паузы не "
                         "предусматривает): оно показано, чтобы было видно, почему ответ задержался. Ответил ли "
                         "автор — по последнему размещённому запросу инцидента.", font=NOTE_FONT)])
    row += 3
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Итог по инцидентам периода"
    chart.y_axis.title = "Инцидентов"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"
    chart.height = 10  # a label for each of the six outcomes
    chart.width = 24
    for col in (2, 4):
        chart.add_data(Reference(ws, min_col=col, min_row=outcome_first, max_row=outcome_last),
                       titles_from_data=False)
    chart.series[0].tx = series_title(cur.label)
    chart.series[1].tx = series_title(prev.label)
    chart.set_categories(Reference(ws, min_col=1, min_row=outcome_first, max_row=outcome_last))
    chart.dataLabels = data_labels(value=True)
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{row + 2}")
    s.filter(4, outcome_last, 8)
