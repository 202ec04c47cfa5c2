"""«Официальные страницы»: Appendix 1 week by week: publications (clause 5), the special mark
(clauses 11–13), moderation and the black list (clause 14)."""
from __future__ import annotations

from typing import Any

from app.models.enums import ModerationReason
from app.services.report.data import MODERATION_REASON_LABELS, ReportData, local, report_zone
from app.services.report.sheets.layout import Sheet, fit
from app.services.report.styles import BAD_FILL, GOOD_FILL, NOTE_FONT

TITLE = "Официальные страницы"


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    today = local(d.generated_at, report_zone(d)).date()
    week_names = [f"{a:%d.%m} – {b:%d.%m}" + ("" if judged else " (идёт)" if a <= today else " (впереди)")
                  for (a, b), judged in zip(d.weeks, d.weeks_judged, strict=True)]
    names = (["Страница", "Соцсеть", "Чья", "Адрес"] + week_names
             + ["Публикаций за период", "Недель без публикаций", "Специальная отметка (пп. 11–13)",
                "Отметка изменена", "Подписана на страницы главы (п. 15)"]
             + [f"Удалено: {MODERATION_REASON_LABELS[r].lower()}" for r in ModerationReason]
             + ["В чёрный список за период", "Чёрный список, всего (п. 14)"])
    body = []
    for p in d.pages:
        body.append([s.text(p.name, border=True), s.cell(p.network, border=True),
                     s.cell(p.owner, border=True), s.link(p.url)]
                    + [s.cell(n, border=True, fill=BAD_FILL if n == 0 and judged else None)
                       for n, judged in zip(p.weekly, d.weeks_judged, strict=True)]
                    + [s.cell(p.in_period, border=True),
                       s.cell(p.weeks_without, border=True, fill=BAD_FILL if p.weeks_without else GOOD_FILL),
                       s.cell(p.verification, border=True), s.dt(p.verification_changed, border=True),
                       s.cell("да" if p.subscribed_to_head else "нет", border=True)]
                    + [s.cell(p.moderation.get(r.value, 0), border=True) for r in ModerationReason]
                    + [s.cell(p.blacklisted_in_period, border=True), s.cell(p.blacklist_size, border=True)])
    fixed = [50, 14, 14, 36]
    widths = fit(body, names, maximum=fixed + [11] * len(week_names) + [12, 12, 28, 17, 13]
                  + [14] * len(ModerationReason) + [12, 12],
                  minimum=[20, 10, 10, 16] + [9] * (len(names) - 4))
    s.frame("Приложение № 1: не менее одной публикации в неделю на каждой странице "
                   "(п. 5; недели с понедельника по воскресенье, завершённые недели без публикаций выделены), "
                   "специальная отметка (пп. 11–13), модерация и чёрный список (п. 14)", widths, header_row=4,
                   header=names)
    ws = s.ws
    ws.append([])
    ws.append(s.header(names))
    for values in body:
        ws.append(values)
    s.filter(4, 4 + len(d.pages), len(names))
    ws.append([])
    if not d.pages:
        ws.append([s.cell("Официальные страницы не заведены.", font=NOTE_FONT)])
    else:
        ws.append([s.cell("Неделя на границе периода учитывается целиком: публикация в её начале или конце "
                             "вне периода тоже выполняет правило п. 5. Текущая неделя не оценивается.",
                             font=NOTE_FONT)])
