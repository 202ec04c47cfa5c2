"""Import of monitoring-platform exports: encodings, delimiters, XLSX, header synonyms, dates,
broken files that import nothing, bad rows refused one by one, idempotency, the error report."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
import os
import tracemalloc
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.models import AuditEvent, Incident
from app.models.enums import IncidentKind, Network, Priority
from app.services import importer, workflow
from app.services.errors import PermissionDenied, ValidationError
from app.services.importer import ColumnMapping, RowStatus
from tests.helpers.world import MSK, World, build_world

HEADER = ["Ссылка", "Автор", "Текст", "Дата выявления", "Соцсеть", "Важность"]
GOOD = [
    ["https://vk.com/wall-123_1", "Мария Иванова", "На улице Красной не горят фонари, темно и страшно",
     "23.11.2026 14:05", "ВКонтакте", "повышенная"],
    ["https://ok.ru/group/55/topic/7", "Пётр Ёлкин", "Мусор не вывозят неделю; когда приедет машина?",
     "23.11.26 09:30", "Одноклассники", ""],
    ["https://t.me/korenovsk_chat/42", "Анна", "Ямы на дороге по ул. Мира, «машины ломаются»",
     "2026-11-22T18:45", "Telegram", "обычная"],
]


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)  # now: Tuesday 24.11.2026 09:30 MSK


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] | None = None, encoding: str = "utf-8",
              delimiter: str = ";") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(HEADER if header is None else header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, header: list[str] | None = None,
               title_rows: list[list[str]] = ()) -> Path:  # type: ignore[assignment]
    wb = Workbook()
    ws = wb.active
    ws.title = "Выгрузка"
    for row in title_rows:
        ws.append(row)
    ws.append(HEADER if header is None else header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def snapshot() -> tuple[int, int]:
    return Incident.select().count(), AuditEvent.select().count()


# --- encodings, delimiters, formats ---------------------------------------------------------------

@pytest.mark.parametrize("encoding,label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 с BOM"),
                                            ("cp1251", "Windows-1251")])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_in_each_encoding_and_delimiter(world: World, tmp_path: Path, encoding: str, label: str,
                                            delimiter: str) -> None:
    path = write_csv(tmp_path / "export.csv", GOOD, encoding=encoding, delimiter=delimiter)
    result = importer.import_file(world.actor("kurator"), path)
    assert result.summary() == "Импортировано: 3, дубликатов: 0, отклонено: 0"
    assert result.source.encoding == label and result.source.delimiter == delimiter
    assert [r.row for r in result.rows] == [2, 3, 4]
    first = Incident.get_by_id(result.rows[0].incident_id)
    assert first.text == GOOD[0][2] and first.author == "Мария Иванова"
    assert first.network == Network.VK and first.priority == Priority.HIGH
    assert first.detected_at == datetime(2026, 11, 23, 11, 5, tzinfo=timezone.utc)  # 14:05 MSK
    second = Incident.get_by_id(result.rows[1].incident_id)
    assert second.author == "Пётр Ёлкин" and second.priority == Priority.NORMAL
    assert second.detected_at == datetime(2026, 11, 23, 9, 30, tzinfo=MSK)
    third = Incident.get_by_id(result.rows[2].incident_id)
    assert third.text.endswith("«машины ломаются»") and third.network == Network.TELEGRAM
    assert third.detected_at == datetime(2026, 11, 22, 18, 45, tzinfo=MSK)
    # every incident went through the workflow: each has its registration event, plus one for the import
    assert AuditEvent.select().where(AuditEvent.action == "incident.register").count() == 3
    summary = AuditEvent.get(AuditEvent.action == "incident.import")
    assert "export.csv" in summary.comment and "Импортировано: 3" in summary.comment


def test_tab_separated_text_is_read_too(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.txt", GOOD, delimiter="\t")
    assert len(importer.import_file(world.actor("kurator"), path).imported) == 3


def test_xlsx_with_date_cells_a_title_line_and_numeric_ids(world: World, tmp_path: Path) -> None:
    header = ["ID", "URL", "Author", "Message", "Date", "Priority", "Type"]
    rows = [
        [1001, GOOD[0][0], "Мария", "Фонари не горят", datetime(2026, 11, 23, 14, 5), "high", "инцидент"],
        [1002, GOOD[1][0], "Пётр", "Мусор", date(2026, 11, 20), "", "публикация"],
        [1003, GOOD[2][0], "Анна", "Ямы", "22.11.2026 18:45", "высокая", ""],
    ]
    path = write_xlsx(tmp_path / "export.xlsx", rows, header=header,
                      title_rows=[["Выгрузка платформы мониторинга за ноябрь 2026 г."], []])
    preview = importer.preview(path)
    assert preview.source.kind == "xlsx" and preview.source.describe() == "XLSX, лист «Выгрузка»"
    assert preview.header_row == 3  # the title line and the blank row are skipped
    assert preview.mapping.columns == {"external_id": 0, "link": 1, "author": 2, "text": 3, "detected_at": 4,
                                       "priority": 5, "kind": 6}
    result = importer.import_file(world.actor("kurator"), path)
    assert [r.row for r in result.imported] == [4, 5, 6]
    first, second, third = (Incident.get_by_id(r.incident_id) for r in result.imported)
    assert first.external_id == "1001" and first.priority == Priority.HIGH
    assert first.detected_at == datetime(2026, 11, 23, 14, 5, tzinfo=MSK)
    assert second.kind == IncidentKind.PUBLICATION and second.detected_at == datetime(2026, 11, 20, tzinfo=MSK)
    assert third.priority == Priority.HIGH


def test_a_workbook_under_a_csv_name_is_read_as_a_workbook(world: World, tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "book.xlsx", GOOD)
    renamed = tmp_path / "выгрузка.csv"
    book.rename(renamed)
    result = importer.import_file(world.actor("kurator"), renamed)
    assert result.source.kind == "xlsx" and len(result.imported) == 3


@pytest.mark.parametrize("headers,expected", [
    (["Ссылка", "Автор", "Текст", "Дата выявления"], {"link": 0, "author": 1, "text": 2, "detected_at": 3}),
    (["URL", "author", "message", "date"], {"link": 0, "author": 1, "text": 2, "detected_at": 3}),
    (["link", "Автор сообщения", "Сообщение", "Выявлено"], {"link": 0, "author": 1, "text": 2, "detected_at": 3}),
    (["Дата", "Дата выявления (МСК)", "ССЫЛКА:", "Автор", "Текст сообщения"],
     {"detected_at": 1, "link": 2, "author": 3, "text": 4}),  # the more specific «Дата выявления» wins
    (["Идентификатор", "Ссылка", "Ссылка на автора", "Автор", "Текст", "Дата", "Социальная сеть", "Приоритет", "Тип"],
     {"external_id": 0, "link": 1, "author_link": 2, "author": 3, "text": 4, "detected_at": 5, "network": 6,
      "priority": 7, "kind": 8}),
])
def test_header_synonyms(headers: list[str], expected: dict[str, int]) -> None:
    assert importer.auto_mapping(headers).columns == expected


@pytest.mark.parametrize("text,expected", [
    ("28.11.2025 14:05", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("28.11.2025 14:05:30", datetime(2025, 11, 28, 14, 5, 30, tzinfo=MSK)),
    ("28.11.2025", datetime(2025, 11, 28, tzinfo=MSK)),
    ("28.11.25 14:05", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("1.2.2025 9:05", datetime(2025, 2, 1, 9, 5, tzinfo=MSK)),
    ("28.11.2025, 14:05", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("2025-11-28T14:05", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("2025-11-28 14:05:00", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("2025-11-28", datetime(2025, 11, 28, tzinfo=MSK)),
    ("2025-11-28T11:05:00Z", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
    ("2025-11-28T16:05+05:00", datetime(2025, 11, 28, 14, 5, tzinfo=MSK)),
])
def test_russian_and_iso_dates(text: str, expected: datetime) -> None:
    assert importer.parse_moment(text, MSK) == expected


@pytest.mark.parametrize("text", ["вчера", "31.02.2025 10:00", "28.13.2025", "2025-11-28T25:00", "28/11/2025",
                                  "14:05", "28.11.2025 14", "2025-02-30", "12345"])
def test_garbage_dates_are_explained(text: str) -> None:
    with pytest.raises(ValidationError, match="не распознана: нужна дата вида 28.11.2026 14:05"):
        importer.parse_moment(text, MSK)


# --- files that cannot be read: nothing is imported --------------------------------------------------

def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    return path


def _random(path: Path) -> Path:
    path.write_bytes(os.urandom(4096))
    return path


def _koi8(path: Path) -> Path:
    rows = [[cell.replace("«", '"').replace("»", '"') for cell in row] for row in GOOD * 3]
    return write_csv(path, rows, encoding="koi8_r")


def _mixed(path: Path) -> Path:
    good = write_csv(path, GOOD).read_bytes()
    path.write_bytes(good + "https://vk.com/wall-1_9;Иван;Текст в другой кодировке;23.11.2026 10:00;;\r\n"
                     .encode("cp1251"))
    return path


def _utf16(path: Path) -> Path:
    return write_csv(path, GOOD, encoding="utf-16", delimiter="\t")


def _utf16_without_bom(path: Path) -> Path:
    return write_csv(path, GOOD, encoding="utf-16-le")


def _no_date_column(path: Path) -> Path:
    return write_csv(path, [r[:3] for r in GOOD], header=HEADER[:3])


def _no_header(path: Path) -> Path:
    path.write_text("\n".join(";".join(r) for r in GOOD), encoding="utf-8")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _blank_lines(path: Path) -> Path:
    path.write_text("\r\n;;;\r\n   \r\n", encoding="utf-8")
    return path


def _header_only(path: Path) -> Path:
    return write_csv(path, [])


def _zip_not_xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "не таблица")
    return path


def _truncated_xlsx(path: Path) -> Path:
    full = write_xlsx(path.with_name("full.xlsx"), GOOD).read_bytes()
    path.write_bytes(full[: len(full) // 2])
    return path


def _ods(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def _xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1000))
    return path


BROKEN = [
    ("picture.csv", _png, "это изображение PNG, а не таблица"),
    ("random.xlsx", _random, "это не книга Excel (XLSX)"),
    ("random.csv", _random, "не текстовая таблица"),
    ("koi8.csv", _koi8, "кодировка не распознана"),
    ("mixed.csv", _mixed, "текст в кодировке UTF-8 повреждён (строка 5"),
    ("unicode.txt", _utf16, "UTF-16"),
    ("unicode-no-bom.csv", _utf16_without_bom, "двоичные данные"),
    ("no-date.csv", _no_date_column, "Не выбраны столбцы для обязательных полей: «Дата выявления»"),
    ("no-header.csv", _no_header, "нет строки заголовков"),
    ("empty.csv", _empty, "файл пустой"),
    ("blank.csv", _blank_lines, "нет ни одной строки с данными"),
    ("header-only.csv", _header_only, "ни одной строки с данными"),
    ("archive.xlsx", _zip_not_xlsx, "не книга Excel"),
    ("cut.xlsx", _truncated_xlsx, "повреждённый ZIP-архив"),
    ("sheet.ods", _ods, "OpenDocument"),
    ("old.xls", _xls, "старого формата"),
]


@pytest.mark.parametrize("name,make,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_an_unreadable_file_imports_nothing(world: World, tmp_path: Path, name: str,
                                            make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path / name)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        importer.import_file(world.actor("kurator"), path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"Файл «{name}» не импортирован")
    assert snapshot() == before
    if name in ("no-date.csv", "no-header.csv"):  # readable: the wizard lets the user choose the columns
        assert not importer.preview(path).can_import
    else:
        with pytest.raises(ValidationError):
            importer.preview(path)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_a_stray_nul_byte_is_a_repaired_row_not_a_binary_file(world: World, tmp_path: Path, encoding: str) -> None:
    rows = [GOOD[0], ["https://vk.com/wall-1_2", "Ир\x00ина", "Упр\x01символы и\x00\x00нули", "23.11.2026 10:00",
                      "", ""], GOOD[1]]
    path = write_csv(tmp_path / "x.csv", rows, encoding=encoding)
    preview = importer.preview(path)
    assert [r.status for r in preview.rows] == [RowStatus.IMPORTED] * 3
    assert preview.rows[1].warnings == ("Управляющие символы (например, нулевой байт) заменены пробелом в "
                                        "столбцах «Автор», «Текст»",)
    result = importer.import_file(world.actor("kurator"), path)
    assert result.summary() == "Импортировано: 3, дубликатов: 0, отклонено: 0; с исправлениями: 1"
    (warned,) = result.warned
    assert warned.place == "строка 3 (https://vk.com/wall-1_2)" and warned.warnings == preview.rows[1].warnings
    incident = Incident.get_by_id(warned.incident_id)
    assert (incident.author, incident.text) == ("Ир ина", "Упр символы и нули")


def test_a_mostly_binary_csv_is_still_refused_whole(world: World, tmp_path: Path) -> None:
    """The line: more than 1 % of the bytes NUL or other control bytes (tab, CR, LF aside)."""
    text = write_csv(tmp_path / "t.csv", GOOD).read_bytes()
    allowed = max(importer.BINARY_ALLOWANCE, int(len(text) * importer.BINARY_SHARE))
    damaged = tmp_path / "d.csv"
    for count, readable in ((allowed, True), (allowed + 1, False)):
        head, tail = text.split(b"\r\n", 1)
        damaged.write_bytes(head + b"\r\n" + tail.replace(b" ", b"\x00", count))
        assert tail.count(b" ") >= count
        if readable:
            assert len(importer.preview(damaged).rows) == 3
        else:
            before = snapshot()
            with pytest.raises(ValidationError, match="двоичные данные, это не текстовая таблица"):
                importer.import_file(world.actor("kurator"), damaged)
            assert snapshot() == before


def test_missing_file_and_folder(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="не найден"):
        importer.import_file(world.actor("kurator"), tmp_path / "нет.csv")
    with pytest.raises(ValidationError, match="это папка"):
        importer.import_file(world.actor("kurator"), tmp_path)


def test_missing_columns_still_preview_so_the_user_can_choose_them(world: World, tmp_path: Path) -> None:
    header = ["Ссылка", "Автор", "Текст", "Когда найдено"]
    path = write_csv(tmp_path / "odd.csv", [r[:4] for r in GOOD], header=header)
    preview = importer.preview(path)
    assert not preview.can_import
    assert preview.mapping_problems == ["Не выбраны столбцы для обязательных полей: «Дата выявления»"]
    assert all(r.problems == () for r in preview.rows)
    chosen = preview.mapping.with_column("detected_at", 3)
    assert importer.preview(path, chosen).can_import
    result = importer.import_file(world.actor("kurator"), path, chosen)
    assert len(result.imported) == 3
    # remembered for this source: the next file with the same columns needs no choosing
    again = importer.preview(write_csv(tmp_path / "odd-2.csv", [r[:4] for r in GOOD], header=header))
    assert again.mapping_origin == "remembered" and again.mapping == chosen


def test_a_column_chosen_twice_is_a_mapping_problem(tmp_path: Path, world: World) -> None:
    path = write_csv(tmp_path / "x.csv", GOOD)
    mapping = importer.preview(path).mapping.with_column("author", 0)
    assert "Столбец «Ссылка» выбран и для поля «Ссылка на сообщение», и для поля «Автор»" in mapping.problems(HEADER)
    with pytest.raises(ValidationError, match="выбран и для поля"):
        importer.import_file(world.actor("kurator"), path, mapping)


# --- bad rows: good ones land, bad ones are refused with the file's row number ---------------------

def test_bad_rows_are_refused_and_good_ones_imported(world: World, tmp_path: Path) -> None:
    """Rows are numbered as a spreadsheet shows the file: the multi-line message is one row (3), though
    it takes three lines of the text file, so the rows after it are not the text's line numbers."""
    rows = [
        GOOD[0],                                                                          # row 2
        ["https://vk.com/wall-1_2", "Иван", "Многострочный\nтекст\nсообщения", "23.11.2026 10:00", "", ""],  # 3
        ["https://facebook.com/post/1", "Иван", "Текст", "23.11.2026 10:00", "", ""],      # 4 (text line 6)
        ["https://vk.com/wall-1_3", "", "Текст", "23.11.2026 10:00", "", ""],              # 5
        ["https://vk.com/wall-1_4", "Иван", "Текст", "позавчера", "", ""],                 # 6
        ["https://vk.com/wall-1_5", "Иван", "Текст", "25.11.2026 10:00", "", ""],          # 7: tomorrow
        ["https://vk.com/wall-1_6", "Иван", "Текст", "23.11.2026 10:00", "", "срочно!!!"],  # 8: fine (срочно)
        ["https://vk.com/wall-1_7", "Иван", "Текст", "23.11.2026 10:00", "", "архиважно"],  # 9
        ["https://vk.com/wall-1_8", "Иван", "Текст", "23.11.2026 10:00", "Telegram", ""],  # 10: wrong network
        ["https://vk.com/", "Иван", "", "23.11.2026 10:00", "", ""],                       # 11: two problems
        ["https://vk.com/wall-1_9", "Иван", "Текст", "23.11.1999 10:00", "", ""],          # 12
        GOOD[2],                                                                          # 13
    ]
    path = write_csv(tmp_path / "mixed-rows.csv", rows)
    result = importer.import_file(world.actor("kurator"), path)
    assert result.summary() == "Импортировано: 4, дубликатов: 0, отклонено: 8"
    assert [r.row for r in result.imported] == [2, 3, 8, 13]
    reasons = {r.place: r.reason for r in result.refused}
    assert reasons == {
        "строка 4 (https://facebook.com/post/1)":
            "Ссылка ведёт на «facebook.com», а не во ВКонтакте, Одноклассники или Telegram",
        "строка 5 (https://vk.com/wall-1_3)": "Не указан автор сообщения",
        "строка 6 (https://vk.com/wall-1_4)": "Дата выявления «позавчера» не распознана: нужна дата вида "
                                              "28.11.2026 14:05, 28.11.2026 или 2026-11-28T14:05",
        "строка 7 (https://vk.com/wall-1_5)": "Дата выявления 25.11.2026 10:00 ещё не наступила",
        "строка 9 (https://vk.com/wall-1_7)": "Важность «архиважно» не распознана: укажите «обычная» или «повышенная» "
                                              "(также «высокая», «high»)",
        "строка 10 (https://vk.com/wall-1_8)": "Соцсеть «Telegram» не совпадает со ссылкой (она ведёт в ВКонтакте)",
        "строка 11 (https://vk.com/)": "Ссылка ведёт на главную страницу соцсети, а не на сообщение; "
                                       "Текст сообщения пустой",
        "строка 12 (https://vk.com/wall-1_9)": "Дата выявления 23.11.1999 10:00 раньше 2000 года — проверьте год",
    }
    assert Incident.select().count() == 4
    assert Incident.get_by_id(result.imported[1].incident_id).text == "Многострочный\nтекст\nсообщения"
    assert result.refused[0].cells == tuple(rows[2])


def test_rows_are_named_as_the_spreadsheet_shows_them_with_their_link_or_id(world: World, tmp_path: Path) -> None:
    """Several multi-line cells, a blank line and a title above the header: the rows are the rows Excel
    shows when it opens the file, and each refused row is named by its link and platform ID too."""
    path = tmp_path / "platform.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Выгрузка за ноябрь\r\n")                                                    # row 1
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["ID", *HEADER])                                                     # row 2
        writer.writerow(["A-1", *GOOD[0][:2], "Первая строка\r\nвторая\r\nтретья", *GOOD[0][3:]])  # row 3
        writer.writerow(["A-2", "https://vk.com/wall-1_2", "Иван", "Абзац\n\nещё абзац", "позавчера", "", ""])  # 4
        fh.write("\r\n")                                                                      # row 5: empty
        writer.writerow(["A-3", "https://vk.com/wall-1_3", "Иван", "Текст", "23.11.2026 10:00", "", "архиважно"])
    result = importer.import_file(world.actor("kurator"), path)
    assert [(r.row, r.status) for r in result.rows] == [(3, RowStatus.IMPORTED), (4, RowStatus.REFUSED),
                                                        (6, RowStatus.REFUSED)]
    assert [r.place for r in result.refused] == ["строка 4 (ID «A-2», https://vk.com/wall-1_2)",
                                                 "строка 6 (ID «A-3», https://vk.com/wall-1_3)"]
    preview = importer.preview(path)
    assert preview.header_row == 2 and [r.place for r in preview.rows] == [
        "строка 3 (ID «A-1», https://vk.com/wall-123_1)", "строка 4 (ID «A-2», https://vk.com/wall-1_2)",
        "строка 6 (ID «A-3», https://vk.com/wall-1_3)"]
    out = tmp_path / "ошибки.xlsx"
    importer.write_error_report(result, out)
    ws = load_workbook(out).active
    assert [(ws.cell(r, 1).value, ws.cell(r, 3).value) for r in (2, 3)] == [(4, "A-2"), (6, "A-3")]


def test_a_broken_csv_names_the_row_and_the_text_line(world: World, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, ["https://vk.com/wall-1_1", "Иван", "один\nдва\nтри",
                                                          "23.11.2026 10:00", "", ""],
                                                 ["https://vk.com/wall-1_2", "Иван", "я" * 5000, "23.11.2026", "", ""]])
    monkeypatch.setattr(importer, "CSV_FIELD_LIMIT", 4000)
    previous = csv.field_size_limit(4000)  # the guard against a runaway cell, made small for the test
    try:
        with pytest.raises(ValidationError) as caught:
            importer.import_file(world.actor("kurator"), path)
    finally:
        csv.field_size_limit(previous)
    assert str(caught.value) == ("Файл «big.csv» не импортирован: строка 3 таблицы (строка 5 текста файла): ячейка "
                                 "больше допустимого размера")


def test_xlsx_rows_are_the_sheets_rows(world: World, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.cell(3, 1, "Ссылка"), ws.cell(3, 2, "Автор"), ws.cell(3, 3, "Текст"), ws.cell(3, 4, "Дата выявления")
    for row, (link, text, moment) in {5: ("https://vk.com/wall-1_5", "Первая\nвторая\nтретья", "23.11.2026 10:00"),
                                      6: ("https://vk.com/wall-1_6", "Текст", "вчера"),
                                      9: ("https://vk.com/wall-1_9", "Текст", "завтра")}.items():
        ws.cell(row, 1, link), ws.cell(row, 2, "Иван"), ws.cell(row, 3, text), ws.cell(row, 4, moment)
    wb.save(tmp_path / "x.xlsx")
    result = importer.import_file(world.actor("kurator"), tmp_path / "x.xlsx")
    assert [r.row for r in result.imported] == [5]
    assert [r.place for r in result.refused] == ["строка 6 (https://vk.com/wall-1_6)", "строка 9 (https://vk.com/wall-1_9)"]


def test_a_megabyte_text_cell_is_refused_without_eating_memory(world: World, tmp_path: Path) -> None:
    huge = "Очень длинный текст. " * 50_000  # ~1 MB
    rows = [GOOD[0], ["https://vk.com/wall-1_77", "Спамер", huge, "23.11.2026 10:00", "", ""], GOOD[1]]
    path = write_csv(tmp_path / "huge.csv", rows)
    assert path.stat().st_size > 1_000_000
    tracemalloc.start()
    try:
        result = importer.import_file(world.actor("kurator"), path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 25 * 1024 * 1024, peak  # a few copies of the one cell (the csv module keeps 4 bytes a char)
    assert [r.row for r in result.imported] == [2, 4]
    (refused,) = result.refused
    assert refused.row == 3
    assert refused.reason.startswith("Текст сообщения длиннее 100 000 символов (в ячейке 1 049 999)")
    assert len(refused.cells[2]) < 2000 and "обрезано, всего 1 050 000 символов" in refused.cells[2]
    preview = importer.preview(path)
    assert len(preview.rows[1].values["text"]) < 400


def test_a_megabyte_text_cell_in_xlsx_is_refused(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "huge.xlsx", [GOOD[0], ["https://vk.com/wall-1_77", "Спамер", "x",
                                                        "23.11.2026 10:00", "", ""]])
    # Excel stops at 32 767 characters a cell, other programs do not: put a 1 MB string in by hand
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(3, 3)._value = "я" * 1_048_576  # bypass openpyxl's own truncation
    wb.save(path)
    result = importer.import_file(world.actor("kurator"), path)
    assert len(result.imported) == 1
    assert result.refused[0].row == 3 and "длиннее 100 000 символов (в ячейке 1 048 576)" in result.refused[0].reason


# --- duplicates and idempotency -----------------------------------------------------------------------

def test_the_same_file_twice_adds_nothing(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", GOOD)
    first = importer.import_file(world.actor("kurator"), path)
    count = Incident.select().count()
    registrations = AuditEvent.select().where(AuditEvent.action == "incident.register").count()
    second = importer.import_file(world.actor("kurator"), path)
    assert second.summary() == "Импортировано: 0, дубликатов: 3, отклонено: 0"
    assert [r.incident_id for r in second.duplicates] == [r.incident_id for r in first.imported]
    existing = first.imported[0].incident_id
    assert second.duplicates[0].reason == f"Уже зарегистрирован: инцидент № {existing} (та же ссылка)"
    assert Incident.select().count() == count
    assert AuditEvent.select().where(AuditEvent.action == "incident.register").count() == registrations


def test_platform_id_recognises_a_repeat_even_with_another_link(world: World, tmp_path: Path) -> None:
    header = ["ID", *HEADER]
    path = write_csv(tmp_path / "a.csv", [["A-1", *GOOD[0]]], header=header)
    first = importer.import_file(world.actor("kurator"), path)
    moved = ["A-1", "https://m.vk.com/wall-123_1", *GOOD[0][1:]]
    second = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "b.csv", [moved], header=header))
    assert second.duplicates[0].incident_id == first.imported[0].incident_id
    assert "тот же идентификатор «A-1»" in second.duplicates[0].reason


def test_a_link_repeated_inside_the_file_is_a_duplicate_of_the_first_row(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [GOOD[0], GOOD[1], GOOD[0]])
    result = importer.import_file(world.actor("kurator"), path)
    assert result.rows[2].status == RowStatus.DUPLICATE
    assert result.rows[2].incident_id == result.rows[0].incident_id


def test_a_link_registered_by_hand_is_a_duplicate(world: World, tmp_path: Path) -> None:
    ref = workflow.register_incident(world.actor("kurator"), link=GOOD[1][0], author="Пётр", text="Мусор",
                                     detected_at=world.clock.moment)
    result = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "x.csv", GOOD))
    assert [(r.row, r.status) for r in result.rows] == [(2, RowStatus.IMPORTED), (3, RowStatus.DUPLICATE),
                                                        (4, RowStatus.IMPORTED)]
    assert result.rows[1].incident_id == ref.id


def test_the_same_post_written_another_way_is_a_duplicate_and_a_comment_is_not(world: World,
                                                                                  tmp_path: Path) -> None:
    k = world.actor("kurator")
    ref = workflow.register_incident(k, link="https://vk.com/wall-123_1", author="Мария", text="Фонари",
                                     detected_at=world.clock.moment)
    rows = [
        ["http://m.vk.com/wall-123_1/?utm_source=telegram", "Мария Иванова", "Фонари", "23.11.2026 14:05", "", ""],
        ["https://vk.com/wall-123_1?reply=5", "Олег", "Поддерживаю, темно", "23.11.2026 14:10", "", ""],
        ["https://t.me/korenovsk/42", "Анна", "Ямы", "23.11.2026 15:00", "", ""],
        ["https://t.me/s/Korenovsk/42/", "Анна", "Ямы", "23.11.2026 15:00", "", ""],
        ["https://vk.ru/wall-123_1?reply=5", "Олег", "Поддерживаю, темно", "23.11.2026 14:10", "", ""],
    ]
    path = write_csv(tmp_path / "x.csv", rows)
    for dry_run in (True, False):
        result = importer.import_file(k, path, dry_run=dry_run)
        assert [(r.row, r.status) for r in result.rows] == [
            (2, RowStatus.DUPLICATE), (3, RowStatus.IMPORTED), (4, RowStatus.IMPORTED), (5, RowStatus.DUPLICATE),
            (6, RowStatus.DUPLICATE)]
        assert result.rows[0].incident_id == ref.id
        assert result.rows[0].reason == (f"Уже зарегистрирован: инцидент № {ref.id} (то же сообщение, ссылка "
                                         "записана иначе: https://vk.com/wall-123_1)")
        assert result.rows[3].reason == "Повторяет строку 4 этого файла (то же сообщение, ссылка записана иначе)"
        assert result.rows[4].reason == "Повторяет строку 3 этого файла (то же сообщение, ссылка записана иначе)"
    comment, channel = (Incident.get_by_id(r.incident_id) for r in result.imported)
    assert (comment.link, channel.link) == (rows[1][0], rows[2][0])  # kept as the file gives them
    assert [r.incident_id for r in result.rows[3:]] == [channel.id, comment.id]
    preview = importer.preview(write_csv(tmp_path / "y.csv", [rows[2], rows[3]]))
    assert [(r.status, r.problems) for r in preview.rows] == [
        (RowStatus.DUPLICATE, (f"Уже зарегистрирован: инцидент № {channel.id} (та же ссылка)",)),
        (RowStatus.DUPLICATE, (f"Уже зарегистрирован: инцидент № {channel.id} (то же сообщение, ссылка записана "
                               "иначе: https://t.me/korenovsk/42)",))]
    fresh = importer.preview(write_csv(tmp_path / "z.csv", [["https://t.me/korenovsk/50", "А", "Б", "23.11.2026"],
                                                            ["https://t.me/s/korenovsk/50", "А", "Б", "23.11.2026"]],
                                       header=HEADER[:4]))
    assert [r.problems for r in fresh.rows] == [
        (), ("Повторяет строку 2 этого файла (то же сообщение, ссылка записана иначе)",)]


def test_dry_run_writes_nothing_and_predicts_the_result(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [GOOD[0], GOOD[0], ["bad", "x", "y", "23.11.2026", "", ""]])
    before = snapshot()
    result = importer.import_file(world.actor("kurator"), path, dry_run=True)
    assert result.summary() == "Проверка без записи — можно импортировать: 1, дубликатов: 1, отклонено: 1"
    assert result.rows[1].reason == "Повторяет строку 2 этого файла (та же ссылка)"
    assert snapshot() == before


def test_only_a_curator_imports(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", GOOD)
    with pytest.raises(PermissionDenied, match="только куратор"):
        importer.import_file(world.actor("zhkh"), path)
    assert Incident.select().count() == 0


def test_progress_is_reported_and_can_stop_the_import(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", GOOD)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 2

    result = importer.import_file(world.actor("kurator"), path, progress=progress)
    assert seen == [(1, 3), (2, 3)]
    assert result.cancelled and result.unprocessed == 1 and len(result.imported) == 2
    assert result.summary() == "Импортировано: 2, дубликатов: 0, отклонено: 0; импорт прерван, не обработано строк: 1"


# --- preview ------------------------------------------------------------------------------------------

def test_preview_shows_the_first_rows_with_their_problems(world: World, tmp_path: Path) -> None:
    workflow.register_incident(world.actor("kurator"), link=GOOD[1][0], author="Пётр", text="Мусор",
                               detected_at=world.clock.moment)
    rows = [GOOD[0], GOOD[1], ["https://vk.com/wall-1_5", "Иван", "Текст", "когда-то", "", ""]] * 10
    preview = importer.preview(write_csv(tmp_path / "x.csv", rows), rows=5)
    assert preview.mapping_origin == "auto" and preview.has_more and len(preview.rows) == 5
    assert [r.status for r in preview.rows[:3]] == [RowStatus.IMPORTED, RowStatus.DUPLICATE, RowStatus.REFUSED]
    assert preview.rows[0].values["detected_at"] == "23.11.2026 14:05"
    assert preview.rows[1].duplicate_of is not None
    assert preview.rows[2].problems[0].startswith("Дата выявления «когда-то» не распознана")
    assert Incident.select().count() == 1  # preview writes nothing


def test_mapping_json_round_trip_and_stale_mappings() -> None:
    mapping = ColumnMapping({"link": 0, "text": 2})
    assert ColumnMapping.from_json(mapping.to_json(), 3) == mapping
    assert ColumnMapping.from_json(mapping.to_json(), 2) is None  # the file has fewer columns now
    assert ColumnMapping.from_json({"nonsense": 1}, 3) is None
    assert mapping.with_column("text", None).columns == {"link": 0}
    with pytest.raises(ValidationError):
        mapping.with_column("colour", 1)


# --- the error report ----------------------------------------------------------------------------------

def _report_rows() -> list[list[str]]:
    return [
        GOOD[0],
        ["https://vk.com/wall-1_2", "=HYPERLINK(\"http://evil\",\"жми\")", "+7 900 000-00-00", "вчера", "", ""],
        ["ftp://vk.com/x", "Иван", "@SUM(1+1)", "23.11.2026 10:00", "", ""],
    ]


def test_error_report_csv_lists_refused_rows_and_can_be_imported_again(world: World, tmp_path: Path) -> None:
    result = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "x.csv", _report_rows()))
    out = tmp_path / "ошибки.csv"
    assert importer.write_error_report(result, out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Строка файла", "Причина отказа", *HEADER]
    assert table[1][:2] == ["3", "Дата выявления «вчера» не распознана: нужна дата вида 28.11.2026 14:05, "
                                 "28.11.2026 или 2026-11-28T14:05"]
    assert table[1][3] == "'=HYPERLINK(\"http://evil\",\"жми\")" and table[1][4] == "'+7 900 000-00-00"
    assert table[2][0] == "4" and "нужна ссылка вида https://" in table[2][1] and table[2][4] == "'@SUM(1+1)"
    # the user corrects the date in the report and imports the report itself
    table[1][5] = "23.11.2026 11:00"
    table[1][3] = table[1][3].lstrip("'")
    fixed = tmp_path / "исправлено.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(table[:2])
    again = importer.import_file(world.actor("kurator"), fixed)
    assert len(again.imported) == 1
    assert Incident.get_by_id(again.imported[0].incident_id).author.startswith("=HYPERLINK")


def test_error_report_xlsx_has_no_formulas(world: World, tmp_path: Path) -> None:
    result = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "x.csv", _report_rows()))
    out = tmp_path / "ошибки.xlsx"
    importer.write_error_report(result, out)
    ws = load_workbook(out).active
    assert ws.title == "Отклонённые строки" and ws.freeze_panes == "A2"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["Строка файла", "Причина отказа", *HEADER]
    assert values[1][0] == 3 and values[1][3] == "=HYPERLINK(\"http://evil\",\"жми\")"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws.cell(2, 4).quotePrefix


def test_error_report_shows_control_characters_as_a_space(world: World, tmp_path: Path) -> None:
    rows = [["https://vk.com/wall-1_2", "Ир\x00ина", "Упр\x01символы", "вчера", "", ""]]
    result = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "x.csv", rows))
    importer.write_error_report(result, tmp_path / "ошибки.xlsx")
    importer.write_error_report(result, tmp_path / "ошибки.csv")
    ws = load_workbook(tmp_path / "ошибки.xlsx").active
    assert [ws.cell(2, n).value for n in (1, 4, 5)] == [2, "Ир ина", "Упр символы"]
    table = list(csv.reader(io.StringIO((tmp_path / "ошибки.csv").read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert [table[1][n] for n in (0, 3, 4)] == ["2", "Ир ина", "Упр символы"]


def test_error_report_refuses_other_formats(world: World, tmp_path: Path) -> None:
    result = importer.import_file(world.actor("kurator"), write_csv(tmp_path / "x.csv", _report_rows()))
    with pytest.raises(ValidationError, match="только в .xlsx или .csv"):
        importer.write_error_report(result, tmp_path / "ошибки.pdf")
