"""«Сводка»: the headline figures of the period against the period before, the time to answer, the
author's waits (clause 13) and a chart of the outcomes.

A line shows a count and its share of a base named in the last column, for both periods, and
the change: of the count as a count («+3»), of the share in percentage points («+10,1 п. п.»).
"""
from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, PatternFill

from app.models.enums import CLAUSE21_REASONS, INCIDENT_KIND_LABELS, NO_ANSWER_REASON_LABELS, IncidentKind, Priority
from app.services.deadlines import ClockState
from app.services.formatting import zone_words
from app.services.report.data import (
    FINAL_ROWS, IN_TIME_SHARE_BASE, IN_TIME_SHARE_LABEL, NOT_INCIDENT_LABEL, PRIORITY_BASE_LABELS,
    PRIORITY_ROW_LABELS, ReportData, local, report_zone, short_duration,
)
from app.services.report.periods import as_of_words
from app.services.report.sheets.charts import data_labels, series_title
from app.services.report.sheets.layout import Paper, Sheet, header_height
from app.services.report.styles import (
    BAD_FILL, BOLD, COUNT_CHANGE_FORMAT, GOOD_FILL, NOTE_FONT, PERCENT_FORMAT, POINTS_CHANGE_FORMAT, RIGHT,
    SECTION_FILL, WRAP,
)

TITLE = "Сводка"
WIDTHS = [59, 13, 8, 13, 8, 11, 12, 30]
CHANGE_OF_SHARE = "Изменение доли, п. п."


def _round(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def comparison_words(data: ReportData) -> str:
    """What the period is compared with, said once: «с периодом «октябрь 2026 г.»», «с теми же днями …»."""
    prev = data.previous
    dates = f"{prev.start:%d.%m.%Y} — {prev.end:%d.%m.%Y}"
    if data.as_of is not None:
        return f"с теми же днями предыдущего периода: «{prev.label}»" + (
            "" if prev.label in (dates, f"{prev.start:%d.%m.%Y}") else f" ({dates})")
    if prev.label == dates:
        return f"с предыдущим периодом той же длины: {dates}"
    return f"с периодом «{prev.label}» ({dates})"


def write(wb: Any, data: ReportData) -> None:  # noqa: PLR0915
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    cur, prev = d.current, d.previous
    tz = report_zone(d)
    names = ["Показатель", cur.label, "Доля", prev.label, "Доля", "Изменение", CHANGE_OF_SHARE, "Доля считается от"]
    running = f" Период не закончен: данные {as_of_words(d.as_of)}." if d.as_of else ""
    s.frame(f"Инциденты, выявленные за период; сравнение {comparison_words(d)}.{running} Сроки — в рабочем "
            f"времени администрации, состояние на {local(d.generated_at, tz):%d.%m.%Y %H:%M} ({zone_words(tz)}).",
            WIDTHS, header_row=4, header=names, paper=Paper(), wrapped=(0, 7))

    def line(label: str, now_value: int, base_now: int | None, was: int, base_was: int | None,
             base_label: str = "", bold: bool = False, fill: PatternFill | None = None) -> None:
        font = BOLD if bold else None
        share_now = now_value / base_now if base_now else None
        share_was = was / base_was if base_was else None
        # percentage points, to the tenth the cell shows (no «−0,0» for a change of a few hundredths)
        points = round((share_now - share_was) * 100, 1) + 0.0 if share_now is not None and share_was is not None \
            else None
        s.add([
            s.cell(label, font=font, border=True, fill=fill,
                   align=Alignment(indent=0 if bold else 1, wrap_text=True, vertical="top")),
            s.cell(now_value, font=font, border=True, fill=fill),
            s.cell(share_now, fmt=PERCENT_FORMAT, border=True, fill=fill),
            s.cell(was, border=True, fill=fill),
            s.cell(share_was, fmt=PERCENT_FORMAT, border=True, fill=fill),
            s.cell(now_value - was, fmt=COUNT_CHANGE_FORMAT, border=True, fill=fill),
            s.cell(points, fmt=POINTS_CHANGE_FORMAT, border=True, fill=fill),
            s.cell(base_label, font=NOTE_FONT, border=True, fill=fill, align=WRAP),
        ])

    def section(label: str) -> None:
        s.add([s.cell(label, font=BOLD, fill=SECTION_FILL, border=True)]
              + [s.cell(None, fill=SECTION_FILL, border=True) for _ in range(7)])

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
    outcome_first = s.row + 1
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
    outcome_last = s.row
    section("Сроки ответа")
    line(IN_TIME_SHARE_LABEL, cur.in_time, cur.answered, prev.in_time, prev.answered, IN_TIME_SHARE_BASE, bold=True)
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

    def durations(title: str, rows: list[tuple[str, float | None, float | None]], count: int | None = None,
                  count_was: int | None = None) -> None:
        """A small table of working times: each as «2 ч 4 мин» and in minutes, for both periods."""
        s.add([])
        header = [title, cur.label, "мин", prev.label, "мин", "Изменение, мин"]
        s.add(s.header(header), height=header_height(header, WIDTHS))
        if count is not None and count_was is not None:
            s.add([s.cell("Ответов размещено", border=True), s.cell(count, border=True), s.cell(None, border=True),
                   s.cell(count_was, border=True), s.cell(None, border=True),
                   s.cell(count - count_was, fmt=COUNT_CHANGE_FORMAT, border=True)])
        for label, now_value, was in rows:
            s.add([s.cell(label, border=True),
                   s.cell(short_duration(now_value), border=True, align=RIGHT),
                   s.cell(_round(now_value), fmt="0", border=True),
                   s.cell(short_duration(was), border=True, align=RIGHT),
                   s.cell(_round(was), fmt="0", border=True),
                   s.cell(_round(now_value - was) if now_value is not None and was is not None else None,
                          fmt=COUNT_CHANGE_FORMAT, border=True)])

    durations("Время до ответа (рабочее время от выявления до первого размещения)",
              [("Среднее время до ответа", cur.average_minutes, prev.average_minutes),
               ("Медиана времени до ответа", cur.median_minutes, prev.median_minutes)],
              len(cur.answer_minutes), len(prev.answer_minutes))
    durations("Ожидание ответа автора на запрос (рабочее время от размещения запроса до ответа автора, закрытия "
              "инцидента или момента отчёта)",
              [("Всего по инцидентам с размещённым запросом", cur.author_wait_total if cur.requested else None,
                prev.author_wait_total if prev.requested else None),
               ("В среднем на инцидент с размещённым запросом", cur.author_wait_average, prev.author_wait_average)])
    s.add([])
    s.note("Доля — от базы в последнем столбце. «Изменение» — на сколько больше или меньше, чем в сравниваемом "
           f"периоде; «{CHANGE_OF_SHARE}» — изменение доли в процентных пунктах (было 70,0 %, стало 80,1 % — "
           "+10,1 п. п.). Сроки — в рабочем времени по производственному календарю (пп. 9–19 Порядка).")
    s.note(f"«{IN_TIME_SHARE_LABEL}» — доля ответов, размещённых в срок, среди всех размещённых ответов; та же "
           "доля в сообщении программы после отчёта. Доли строк «Итог по каждому инциденту» — от всех поступивших.")
    s.note("Ожидание ответа автора не останавливает срок ответа (Порядок паузы не предусматривает): оно показано, "
           "чтобы было видно, почему ответ задержался. Ответил ли автор — по последнему размещённому запросу "
           "инцидента.")
    if d.anchor is not None:
        s.note(f"Опорная точка журнала событий на момент отчёта: событие № {d.anchor.event_id}, хеш "
               f"{d.anchor.hash}. Сохраните отчёт: команда «audit verify --anchor {d.anchor.event_id}:"
               f"{d.anchor.hash[:16]}» докажет, что журнал до этого события не переписан.")
    s.page_break()  # the chart on a page of its own, never cut in two
    chart = BarChart()
    chart.type = "col"
    chart.style = 10
    chart.title = "Итог по инцидентам периода"
    chart.y_axis.title = "Инцидентов"
    chart.y_axis.majorGridlines = None
    chart.gapWidth = 80
    chart.overlap = -10  # a little air between a category's two bars: their labels stand apart
    chart.height = 11
    chart.width = 25
    for col, label in ((4, prev.label), (2, cur.label)):  # the earlier period first: the legend reads in time order
        chart.add_data(Reference(s.ws, min_col=col, min_row=outcome_first, max_row=outcome_last),
                       titles_from_data=False)
        chart.series[-1].tx = series_title(label)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=outcome_first, max_row=outcome_last))
    chart.dataLabels = data_labels(value=True)
    chart.dataLabels.position = "outEnd"
    chart.legend.position = "b"
    s.ws.add_chart(chart, f"A{s.row + 2}")
