"""The report's small print: how it names its period, what it compares with, its file's properties,
its chart, the register's subtitle and long messages — each as the reader sees it in the workbook."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from app import __version__
from app.services import report, workflow
from app.services.report.periods import comparison_period, period_phrase, span_label
from tests.services.test_report import MSK, NOV, NOW, at, month, rows_of, table  # noqa: F401 - ``month`` is a fixture

LONG = "Фонари не горят. " * 40  # 680 characters


def test_periods_are_named_once_and_a_running_one_is_compared_with_the_same_days() -> None:
    assert period_phrase(date(2026, 11, 1), date(2026, 11, 30)) == "ноябрь 2026 г."
    assert period_phrase(date(2026, 11, 1), date(2026, 11, 15)) == "период с 01.11.2026 по 15.11.2026"
    assert span_label(date(2026, 12, 1), date(2026, 12, 5)) == "1–5 декабря 2026 г."
    assert span_label(date(2026, 11, 1), date(2026, 11, 30)) == "ноябрь 2026 г."
    # on 5 December: December so far against 1–5 November; a finished month against the whole month before
    today = date(2026, 12, 5)
    assert comparison_period(date(2026, 12, 1), date(2026, 12, 31), today) == (date(2026, 11, 1), date(2026, 11, 5))
    assert comparison_period(date(2026, 11, 1), date(2026, 11, 30), today) == (date(2026, 10, 1), date(2026, 10, 31))
    # 31 March against February: its last day; a running quarter against the same part of the one before
    assert comparison_period(date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 31)) == (
        date(2026, 2, 1), date(2026, 2, 28))
    assert comparison_period(date(2026, 10, 1), date(2026, 12, 31), date(2026, 11, 15)) == (
        date(2026, 7, 1), date(2026, 8, 15))


def test_a_custom_period_does_not_repeat_itself(month, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "полмесяца.xlsx"
    summary = report.build_monthly_report(date(2026, 11, 1), date(2026, 11, 15), path, now=NOW)
    assert summary.period_label == "период с 01.11.2026 по 15.11.2026"
    wb = load_workbook(path)
    ws = wb["Сводка"]
    title, subtitle = ws["A1"].value, ws["A2"].value
    assert title == "Сводка: Работа с сообщениями в социальных сетях за период с 01.11.2026 по 15.11.2026"
    assert ws.oddHeader.left.text == "Работа с сообщениями в социальных сетях за период с 01.11.2026 по 15.11.2026"
    assert "с предыдущим периодом той же длины: 17.10.2026 — 31.10.2026." in subtitle
    for text in (title, subtitle):
        assert text.count("01.11.2026") <= 1 and text.count("17.10.2026") <= 1 and "— 01.11" not in text
    assert [c.value for c in ws[4]][1:4] == ["01.11.2026 — 15.11.2026", "Доля", "17.10.2026 — 31.10.2026"]


def test_a_running_month_says_so_and_compares_with_the_same_days(month, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ноябрь-по-20.xlsx"
    now = datetime(2026, 11, 20, 12, 0, tzinfo=MSK)
    summary = report.build_monthly_report(*NOV, path, now=now)
    assert summary.period_label == "ноябрь 2026 г. (по состоянию на 20 ноября)"
    ws = load_workbook(path)["Сводка"]
    assert ws["A1"].value == ("Сводка: Работа с сообщениями в социальных сетях за ноябрь 2026 г. "
                              "(по состоянию на 20 ноября)")
    assert "Период не закончен: данные по состоянию на 20 ноября." in ws["A2"].value
    assert "с теми же днями предыдущего периода: «1–20 октября 2026 г.»" in ws["A2"].value
    header = [c.value for c in ws[4]]
    assert header[1:4] == ["1–20 ноября 2026 г.", "Доля", "1–20 октября 2026 г."]
    rows = {r[0]: r for r in rows_of(ws) if isinstance(r[0], str)}
    # the test's October stories begin on the 22nd: none of them is among 1–20 October
    assert rows["Поступило всего"][3] == 0 and rows["Поступило всего"][1] > 0


def test_file_properties_name_the_program_its_version_title_and_period(month, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ноябрь.xlsx"
    report.build_monthly_report(*NOV, path, now=datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    props = load_workbook(path).properties
    assert props.creator == f"Инциденты {__version__}"
    assert props.title == "Работа с сообщениями в социальных сетях за ноябрь 2026 г."
    assert props.subject == "Период: 01.11.2026 — 30.11.2026"
    from zipfile import ZipFile

    with ZipFile(path) as archive:
        app = archive.read("docProps/app.xml").decode()
    assert "<Application>Инциденты</Application>" in app and "openpyxl" not in app.lower()


def test_chart_legend_in_time_order_and_labels_beside_their_bars(month, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ноябрь.xlsx"
    report.build_monthly_report(*NOV, path, now=datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    # openpyxl does not read charts back: the chart's XML in the file is what Excel and LibreOffice draw
    from zipfile import ZipFile

    with ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        summary = archive.read(names[0]).decode()
    titles = [summary.index(label) for label in ("октябрь 2026 г.", "ноябрь 2026 г.")]
    assert titles == sorted(titles)  # the earlier period is the first series: the legend reads in time order
    assert 'dLblPos val="outEnd"' in summary  # each value outside the end of its own bar
    assert 'showCatName val="0"' in summary and 'showSerName val="0"' in summary


def test_register_speaks_of_moscow_time_cuts_long_messages_with_an_ellipsis_and_cleans_control_characters(
        month, tmp_path: Path) -> None:  # noqa: ANN001
    w = month[0]
    w.clock.set(at(11, 30, 11, 55))
    long = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-777_501", author="Жи\x01тель",
                                      text=LONG, detected_at=w.clock.moment)
    glued = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-777_502", author="Автор",
                                       text="Упр\x01символы\x1b[31m и\x0bвсё", detected_at=w.clock.moment)
    path = tmp_path / "ноябрь.xlsx"
    report.build_monthly_report(*NOV, path, now=NOW)
    ws = load_workbook(path)["Реестр"]
    subtitle = ws["A2"].value
    assert "Время — московское время;" in subtitle and "Europe/Moscow" not in subtitle
    assert "первые 500 знаков" in subtitle and "«…»" in subtitle
    header, body = table(ws)
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert rows[long.id]["Текст сообщения"] == LONG[:500] + "…"
    assert rows[long.id]["Автор"] == "Жи тель"
    assert rows[glued.id]["Текст сообщения"] == "Упр символы [31m и всё"
    short = next(row for row in body if row[0] not in (long.id, glued.id))
    assert not short[header.index("Текст сообщения")].endswith("…")
    # the message wraps in its column, and its row is tall enough for the lines
    cell = ws.cell(row=5 + [row[0] for row in body].index(long.id), column=header.index("Текст сообщения") + 1)
    assert cell.alignment.wrap_text and ws.row_dimensions[cell.row].height >= 15 * 10
