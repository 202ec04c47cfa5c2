"""«По темам и соцсетям»: the period's incidents by topic group and by network, with two charts."""
from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, PieChart, Reference

from app.models.enums import NETWORK_LABELS
from app.services.report.data import NETWORK_ORDER, ReportData
from app.services.report.sheets.charts import data_labels
from app.services.report.sheets.layout import Sheet, fit, header_height
from app.services.report.styles import BOLD, PERCENT_FORMAT

TITLE = "По темам и соцсетям"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    nets = [NETWORK_LABELS[n] for n in NETWORK_ORDER]
    closures = ["Без ответа (п. 21)", "Не инцидент (п. 2)"]
    names = ["Группа тем", "Всего", *nets, "Ответ в срок", "С нарушением срока", *closures]
    body = [[s.text(r.label, border=True)]
            + [s.cell(v, border=True) for v in (r.total, *(r.by_network[n.value] for n in NETWORK_ORDER),
                                                     r.in_time, r.late, r.no_answer, r.not_incident)]
            for r in d.topics]
    body.append([s.cell(v, font=BOLD, border=True) for v in
                 ("Итого", sum(r.total for r in d.topics),
                  *(sum(r.by_network[n.value] for r in d.topics) for n in NETWORK_ORDER),
                  sum(r.in_time for r in d.topics), sum(r.late for r in d.topics),
                  sum(r.no_answer for r in d.topics), sum(r.not_incident for r in d.topics))])
    net_names = ["Социальная сеть", "Всего", "Доля", "Ответ в срок", "С нарушением срока", *closures]
    widths = fit(body, names, maximum=[50] + [14] * 8, minimum=[24] + [12] * 8)
    s.frame("Инциденты периода по группам тем (п. 10) и по социальным сетям; "
                   "«не инцидент (п. 2)» — закрыто как не касающееся деятельности администрации, это не "
                   "основание п. 21",
                   widths, header_row=4, header=names, one_page=True)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    for values in body:
        ws.append(values)
    topics_last = 4 + len(d.topics)
    s.filter(4, topics_last, len(names))
    ws.append([])
    net_header = topics_last + 3
    ws.row_dimensions[net_header].height = header_height(net_names, widths)
    ws.append(s.header(net_names))
    total = sum(r.total for r in d.networks)
    for r in d.networks:
        ws.append([s.cell(r.label, border=True), s.cell(r.total, border=True),
                   s.cell(r.total / total if total else None, fmt=PERCENT_FORMAT, border=True),
                   s.cell(r.in_time, border=True), s.cell(r.late, border=True),
                   s.cell(r.no_answer, border=True), s.cell(r.not_incident, border=True)])
    net_last = net_header + len(d.networks)
    if d.topics:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "Инциденты по группам тем"
        chart.legend = None
        chart.x_axis.scaling.orientation = "maxMin"
        chart.add_data(Reference(ws, min_col=2, min_row=5, max_row=topics_last), titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=topics_last))
        chart.height = max(6.0, 0.7 * len(d.topics) + 3)
        chart.width = 15
        chart.dataLabels = data_labels(value=True)
        ws.add_chart(chart, f"A{net_last + 3}")
    if total:
        pie = PieChart()
        pie.title = "Инциденты по соцсетям"
        pie.add_data(Reference(ws, min_col=2, min_row=net_header + 1, max_row=net_last), titles_from_data=False)
        pie.set_categories(Reference(ws, min_col=1, min_row=net_header + 1, max_row=net_last))
        pie.dataLabels = data_labels(percent=True)
        pie.height = 7.5
        pie.width = 11
        ws.add_chart(pie, f"E{net_last + 3}")
