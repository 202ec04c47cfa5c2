"""«Официальные страницы»: Appendix 1 week by week: publications (clause 5), the special mark
(clauses 11–13), moderation and the black list (clause 14).

Two tables one below the other, each with the pages' names, so that each prints one page wide:
the weeks (clause 5), then the mark, moderation and the black list. The page's address (a link)
is the last column, for the screen.
"""
from __future__ import annotations

from typing import Any

from app.models.enums import PAGE_OWNER_LABELS, ModerationReason, PageOwner
from app.services.report.data import PageRow, ReportData, local, report_zone
from app.services.report.sheets.layout import Paper, Sheet, fit, header_height
from app.services.report.styles import BAD_FILL, GOOD_FILL, WRAP

TITLE = "Официальные страницы"
#: the moderation reasons as the columns «Удалено: …» name them (short words: the table prints one page wide)
REMOVED = {ModerationReason.LAW: "нарушение закона", ModerationReason.SPAM: "спам",
           ModerationReason.INSULT: "оскорбления", ModerationReason.OBSCENE: "нецензурные выражения"}
PAGE = "Страница"
RULES = [PAGE, "Специальная отметка (пп. 11–13)", "Отметка изменена", "Подписана на страницы главы (п. 15)",
         *(f"Удалено: {REMOVED[r]}" for r in ModerationReason),
         "В чёрный список за период", "Чёрный список, всего (п. 14)", "Адрес"]


def write(wb: Any, data: ReportData) -> None:
    """Add the sheet to the workbook."""
    s = Sheet(wb, data, TITLE)
    d = data
    today = local(d.generated_at, report_zone(d)).date()
    week_names = [f"{a:%d.%m} – {b:%d.%m}" + ("" if judged else " (идёт)" if a <= today else " (впереди)")
                  for (a, b), judged in zip(d.weeks, d.weeks_judged, strict=True)]
    weekly = [PAGE, "Соцсеть", "Чья", *week_names, "Публикаций за период", "Недель без публикаций"]

    def name(p: PageRow) -> Any:
        return s.text(p.name, line_breaks=False, border=True, align=WRAP)

    weeks_body = [[name(p), s.cell(p.network, border=True), s.cell(p.owner, border=True)]
                  + [s.cell("—" if gone else n, border=True, fill=BAD_FILL if n == 0 and judged and not gone else None)
                     for n, judged, gone in zip(p.weekly, d.weeks_judged, p.absent or [False] * len(p.weekly),
                                                strict=True)]
                  + [s.cell(p.in_period, border=True),
                     s.cell(p.weeks_without, border=True, fill=BAD_FILL if p.weeks_without else GOOD_FILL)]
                  for p in d.pages]
    # the address stands right of every printed column (a long period has many weeks), for the screen only
    printed = max(len(weekly), len(RULES) - 1)
    gap = [None] * (printed - (len(RULES) - 1))
    rules = [*RULES[:-1], *("" for _ in gap), RULES[-1]]
    rules_body = [[name(p), s.cell(p.verification, border=True, align=WRAP),
                   s.dt(p.verification_changed, border=True),
                   s.cell("—" if p.owner == PAGE_OWNER_LABELS[PageOwner.HEAD] else
                          "да" if p.subscribed_to_head else "нет", border=True)]
                  + [s.cell(p.moderation.get(r.value, 0), border=True) for r in ModerationReason]
                  + [s.cell(p.blacklisted_in_period, border=True), s.cell(p.blacklist_size, border=True), *gap,
                     s.link(p.url, border=True)]
                  for p in d.pages]
    fitted = [fit(weeks_body, weekly, maximum=[24, 13, 14] + [10] * (len(weekly) - 3),
                  minimum=[20, 10, 10] + [8] * (len(weekly) - 3)),
              fit(rules_body, rules, maximum=[24, 16, 17] + [12] * (len(rules) - 4) + [40],
                  minimum=[20, 14, 16] + [8] * (len(rules) - 3))]
    widths = [max(w[i] for w in fitted if i < len(w)) for i in range(max(map(len, fitted)))]
    s.frame("Приложение № 1: не менее одной публикации в неделю на каждой странице (п. 5; недели с понедельника по "
            "воскресенье, завершённые недели без публикаций выделены), специальная отметка (пп. 11–13), модерация "
            "и чёрный список (п. 14). Адреса страниц — в последнем столбце второй таблицы (в файле).",
            widths, header_row=4, header=weekly, paper=Paper(columns=printed, title_columns=1),
            wrapped=(0, 1))
    for values in weeks_body:
        s.add(values)
    s.filter(4, 4 + len(d.pages), len(weekly))
    s.add([])
    if not d.pages:
        s.note("Официальные страницы не заведены.")
        s.finish()
        return
    s.note("Неделя на границе периода учитывается целиком: публикация в её начале или конце вне периода тоже "
           "выполняет правило п. 5. Текущая неделя не оценивается.")
    s.add([])
    s.note("Специальная отметка, модерация и чёрный список", bold=True)
    s.add(s.header(rules), height=header_height(rules, widths))
    for values in rules_body:
        s.add(values)
    s.finish()
