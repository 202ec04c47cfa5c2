"""«По темам и соцсетям»: the period's incidents by topic group and by network, with two charts."""
from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference

from app.models.enums import NETWORK_LABELS
from app.services.report.data import NETWORK_ORDER, ReportData
from app.services.report.sheets.charts import data_labels
from app.services.report.sheets.layout import Paper, Sheet, fit, header_height
from app.services.report.styles import BOLD, PERCENT_FORMAT, WRAP

TITLE = "По темам и соцсетям"
ROW_CM = 0.53  # the height of a table row, for placing the second chart below the first


def _bars(title: str, values: Reference, categories: Reference, count: int) -> BarChart:
    """Horizontal bars, one per category, each with its value beside it (no legend: one series)."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = title
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.majorGridlines = None
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(categories)
    chart.height = max(6.0, 0.8 * count + 3)
    chart.width = 16
    chart.dataLabels = data_labels(value=True)
    chart.dataLabels.position = "outEnd"
    return chart


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    nets = [NETWORK_LABELS[n] for n in NETWORK_ORDER]
    closures = ["Без ответа (п. 21)", "Не инцидент (п. 2)"]
    names = ["Группа тем", "Всего", *nets, "Ответ в срок", "С нарушением срока", *closures]
    body = [[s.text(r.label, line_breaks=False, border=True, align=WRAP)]
            + [s.cell(v, border=True) for v in (r.total, *(r.by_network[n.value] for n in NETWORK_ORDER),
                                                 r.in_time, r.late, r.no_answer, r.not_incident)]
            for r in d.topics]
    body.append([s.cell(v, font=BOLD, border=True) for v in
                 ("Итого", sum(r.total for r in d.topics),
                  *(sum(r.by_network[n.value] for r in d.topics) for n in NETWORK_ORDER),
                  sum(r.in_time for r in d.topics), sum(r.late for r in d.topics),
                  sum(r.no_answer for r in d.topics), sum(r.not_incident for r in d.topics))])
    net_names = ["Социальная сеть", "Всего", "Доля", "Ответ в срок", "С нарушением срока", *closures]
    widths = fit(body, names, maximum=[36] + [13] * 8, minimum=[24] + [11] * 8)
    s.frame("Инциденты периода по группам тем (п. 10) и по социальным сетям; «не инцидент (п. 2)» — закрыто как не "
            "касающееся деятельности администрации, это не основание п. 21.",
            widths, header_row=4, header=names, paper=Paper(), wrapped=(0,))
    for values in body:
        s.add(values)
    topics_last = 4 + len(d.topics)
    s.filter(4, topics_last, len(names))
    s.add([])
    net_header = s.row + 1
    s.add(s.header(net_names), height=header_height(net_names, widths))
    total = sum(r.total for r in d.networks)
    for r in d.networks:
        s.add([s.cell(r.label, border=True), s.cell(r.total, border=True),
               s.cell(r.total / total if total else None, fmt=PERCENT_FORMAT, border=True),
               s.cell(r.in_time, border=True), s.cell(r.late, border=True),
               s.cell(r.no_answer, border=True), s.cell(r.not_incident, border=True)])
    net_last = s.row
    s.add([])
    s.page_break()  # the charts on pages of their own, never cut in two
    anchor = s.row + 2
    if d.topics:
        chart = _bars("Инциденты по группам тем", Reference(s.ws, min_col=2, min_row=5, max_row=topics_last),
                      Reference(s.ws, min_col=1, min_row=5, max_row=topics_last), len(d.topics))
        s.ws.add_chart(chart, f"A{anchor}")
        anchor += int(chart.height / ROW_CM) + 2
    if total:
        chart = _bars("Инциденты по соцсетям", Reference(s.ws, min_col=2, min_row=net_header + 1, max_row=net_last),
                      Reference(s.ws, min_col=1, min_row=net_header + 1, max_row=net_last), len(d.networks))
        s.ws.add_chart(chart, f"A{anchor}")
