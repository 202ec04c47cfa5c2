"""Import of incidents from the monitoring platform's exports: CSV and XLSX files.

The flow is the same for the command line and the GUI wizard:

1. ``preview(path)`` reads the file, finds its header row, maps the columns to the fields of an
   incident by their names (Russian or English synonyms, or the mapping remembered for this
   source on this PC) and parses the first rows with their problems;
2. the user may change the ``ColumnMapping``;
3. ``import_file(actor, path, mapping)`` reads the WHOLE file first and only then registers the
   rows, one by one, through ``workflow.register_incident`` (one transaction and one audit event
   per incident).

What happens with a bad file:

* a file that cannot be read at all — not a spreadsheet, an unrecognised or damaged encoding,
  empty, no header, no data rows, a required column missing — imports nothing and raises a
  ``ValidationError`` with a Russian message; the database is left as it was;
* a readable file whose individual rows are bad: the good rows are imported, each bad row is
  refused with its reason and named as a spreadsheet shows the file — the row number (one row a
  record: a quoted CSV cell with line breaks stays in its row, so the text file's line numbers are
  not used) and the row's link or platform ID (``RowResult.place``); ``write_error_report`` saves
  the refused rows with their reasons and their original cells, so the corrected report can be
  imported again;
* a control character in a cell (a stray NUL byte…) is replaced by a space (``cell_text.clean``)
  and the row is imported with a warning naming the column; only a file that is binary data
  (:data:`BINARY_SHARE` of its bytes) is refused as a whole;
* a row whose message (or, when the file has an ID column, whose platform identifier) is already
  registered is skipped as a duplicate and names the existing incident: importing the same file
  twice adds nothing the second time. One message is recognised however its link is written
  (``https://vk.com/wall-1_2`` and ``http://m.vk.com/wall-1_2/?utm_source=x`` are one post:
  ``links.link_key``), in the database and within the file; the link is kept as the file gives it.

A source is identified by its header signature (the normalised column names); the mapping the
user confirmed for a source is remembered in this PC's settings (``local_config``).

Dates: ``28.11.2026 14:05``, ``28.11.2026 14:05:30``, ``28.11.2026``, ``28.11.26 14:05``, ISO
``2026-11-28T14:05`` (with or without an offset) and real date cells of XLSX. A time without an
offset is the administration's local time.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.models import Incident, User
from app.models.enums import NETWORK_LABELS, IncidentKind, Network, Priority
from app.services import audit, cell_text, clock, local_config, validation, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import DomainError, NotFound, ValidationError
from app.services.permissions import Actor, require_curator

log = logging.getLogger(__name__)

#: the largest file the importer reads (a monitoring export of a region-sized month is far less)
MAX_FILE_BYTES = 100 * 1024 * 1024
#: an XLSX whose unpacked parts are larger than this is refused (a «zip bomb» guard)
MAX_XLSX_UNPACKED = 1024 * 1024 * 1024
#: a CSV cell larger than this makes the whole file unreadable (the csv module's own guard)
CSV_FIELD_LIMIT = 32 * 1024 * 1024
#: a CSV is binary data, not a table, when more than this share of its bytes are NUL or other
#: control bytes (tab, CR and LF aside): a text table has next to none, a picture, an archive or a
#: UTF-16 file without its mark has a tenth to a half. Below it, each such character is a damaged
#: cell: replaced by a space (``cell_text.clean``) and the row is imported with a warning.
BINARY_SHARE = 0.01
#: … and never fewer than this many (a short file with one stray byte is still a table)
BINARY_ALLOWANCE = 8
#: how many non-empty rows at the top may precede the header row (a title line, a period…)
HEADER_SEARCH_ROWS = 10
#: cells longer than this are cut in previews and error reports (the full value is never kept)
SHOWN_CELL = 300
KEPT_CELL = 1000
MAX_LINK = 1024
MAX_EXTERNAL_ID = 128
EARLIEST_DETECTION = date(2000, 1, 1)
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=timezone.utc)
REMEMBERED_KEY = "import_mappings"
NO_DATA_ROWS = "в нём только строка заголовков и ни одной строки с данными"
MAX_REMEMBERED = 50

ProgressCallback = Callable[[int, int], "bool | None"]


# --- fields and their header synonyms ------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """A field of an incident that a column of the file can fill."""

    code: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("link", "Ссылка на сообщение", True, (
        "ссылка", "ссылка на сообщение", "ссылка на публикацию", "ссылка на пост", "ссылка на комментарий",
        "ссылка на инцидент", "url", "url сообщения", "url публикации", "link", "post url", "message url",
        "адрес сообщения", "адрес публикации")),
    Field("author", "Автор", True, (
        "автор", "автор сообщения", "автор публикации", "имя автора", "author", "author name", "пользователь",
        "отправитель")),
    Field("text", "Текст сообщения", True, (
        "текст", "сообщение", "текст сообщения", "текст публикации", "текст поста", "текст комментария",
        "содержание", "содержание сообщения", "text", "message", "content")),
    Field("detected_at", "Дата выявления", True, (
        "дата выявления", "время выявления", "дата и время выявления", "выявлено", "выявлен", "дата обнаружения",
        "обнаружено", "detected", "detected at", "detection date", "дата", "дата и время", "дата время",
        "date", "datetime", "дата создания", "created", "created at")),
    Field("network", "Соцсеть", False, (
        "соцсеть", "соц сеть", "социальная сеть", "сеть", "network", "social network", "платформа", "platform",
        "источник", "source")),
    Field("priority", "Важность", False, (
        "важность", "приоритет", "срочность", "priority", "importance")),
    Field("kind", "Тип", False, (
        "тип", "вид", "тип сообщения", "вид сообщения", "kind", "type")),
    Field("external_id", "Идентификатор на платформе", False, (
        "id", "идентификатор", "ид", "external id", "внешний id", "id инцидента", "id сообщения", "uid",
        "номер на платформе", "идентификатор инцидента", "идентификатор сообщения")),
    Field("author_link", "Ссылка на автора", False, (
        "ссылка на автора", "ссылка на профиль", "профиль автора", "профиль", "author link", "author url",
        "author profile")),
)
FIELDS_BY_CODE = {f.code: f for f in FIELDS}
REQUIRED_FIELDS = tuple(f.code for f in FIELDS if f.required)

_PRIORITY_WORDS = {
    Priority.HIGH: ("повышенная", "повышенный", "повышенной важности", "высокая", "высокий", "high", "срочно",
                    "срочная", "срочный", "важно", "важная", "повышенная важность"),
    Priority.NORMAL: ("обычная", "обычный", "normal", "нормальная", "средняя", "низкая", "low", "medium",
                      "стандартная", "нет"),
}
_KIND_WORDS = {
    IncidentKind.INCIDENT: ("инцидент", "incident", "сообщение", "комментарий", "жалоба", "обращение"),
    IncidentKind.PUBLICATION: ("публикация", "публикация в соцсетях", "publication", "пост", "post",
                               "собственный мониторинг"),
}
_NETWORK_WORDS = {
    Network.VK: ("вконтакте", "вк", "vk", "vkontakte", "vk com", "vk ru"),
    Network.OK: ("одноклассники", "ок", "ok", "odnoklassniki", "ok ru"),
    Network.TELEGRAM: ("telegram", "телеграм", "телеграмм", "тг", "tg", "t me"),
}


def _norm(text: object) -> str:
    """A header or a word as compared: lower case, ё → е, no brackets, no punctuation."""
    value = str(text or "").replace("ё", "е").replace("Ё", "Е").lower()
    value = re.sub(r"\(.*?\)|\[.*?\]", " ", value)
    value = re.sub(r"[^0-9a-zа-я]+", " ", value)
    return " ".join(value.split())


def _lookup(words: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {_norm(word): key for key, variants in words.items() for word in variants}


_PRIORITY_LOOKUP = _lookup(_PRIORITY_WORDS)
_KIND_LOOKUP = _lookup(_KIND_WORDS)
_NETWORK_LOOKUP = _lookup(_NETWORK_WORDS)


# --- the mapping ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnMapping:
    """Which column of the file (0-based) fills each field; a field not in ``columns`` is absent.

    Immutable: ``with_column`` returns a changed copy (the wizard's combo boxes use it).
    """

    columns: dict[str, int] = field(default_factory=dict)

    def column(self, field_code: str) -> int | None:
        return self.columns.get(field_code)

    def with_column(self, field_code: str, column: int | None) -> ColumnMapping:
        """The same mapping with ``field_code`` taken from ``column`` (None: not in the file)."""
        if field_code not in FIELDS_BY_CODE:
            raise ValidationError(f"Неизвестное поле «{field_code}»")
        columns = dict(self.columns)
        if column is None:
            columns.pop(field_code, None)
        else:
            columns[field_code] = int(column)
        return ColumnMapping(columns)

    def problems(self, headers: list[str]) -> list[str]:
        """Why this mapping cannot be used for a file with these headers (empty: it can)."""
        result = []
        missing = [FIELDS_BY_CODE[code].label for code in REQUIRED_FIELDS if code not in self.columns]
        if missing:
            result.append("Не выбраны столбцы для обязательных полей: " + ", ".join(f"«{m}»" for m in missing))
        used: dict[int, str] = {}
        for f in FIELDS:
            column = self.columns.get(f.code)
            if column is None:
                continue
            if not 0 <= column < len(headers):
                result.append(f"Поле «{f.label}»: в файле нет столбца № {column + 1}")
            elif column in used:
                result.append(f"Столбец «{headers[column]}» выбран и для поля «{used[column]}», "
                              f"и для поля «{f.label}»")
            else:
                used[column] = f.label
        return result

    def to_json(self) -> dict[str, int]:
        return dict(self.columns)

    @classmethod
    def from_json(cls, data: object, column_count: int) -> ColumnMapping | None:
        """A mapping saved by ``to_json``, or None when it does not fit the file."""
        if not isinstance(data, dict):
            return None
        columns = {}
        for code, column in data.items():
            if code not in FIELDS_BY_CODE or not isinstance(column, int) or not 0 <= column < column_count:
                return None
            columns[code] = column
        return cls(columns)


def auto_mapping(headers: list[str]) -> ColumnMapping:
    """The mapping guessed from the header names (the more specific synonym wins)."""
    normalised = [_norm(h) for h in headers]
    used: set[int] = set()
    columns: dict[str, int] = {}
    for f in FIELDS:
        for synonym in f.synonyms:
            target = _norm(synonym)
            found = next((i for i, h in enumerate(normalised) if h == target and i not in used), None)
            if found is not None:
                columns[f.code] = found
                used.add(found)
                break
    return ColumnMapping(columns)


def source_signature(headers: list[str]) -> str:
    """The identity of a source: a digest of its normalised column names."""
    joined = "\x1f".join(_norm(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


def remembered_mapping(signature: str, column_count: int) -> ColumnMapping | None:
    """The mapping the user confirmed for this source on this PC, if any and if it still fits."""
    saved = local_config.load().get(REMEMBERED_KEY)
    if not isinstance(saved, dict):
        return None
    entry = saved.get(signature)
    if not isinstance(entry, dict):
        return None
    return ColumnMapping.from_json(entry.get("columns"), column_count)


def remember_mapping(signature: str, mapping: ColumnMapping) -> None:
    """Keep the mapping for the next file of this source (this PC only; the oldest are dropped)."""
    saved = local_config.load().get(REMEMBERED_KEY)
    entries = dict(saved) if isinstance(saved, dict) else {}
    entries[signature] = {"columns": mapping.to_json(), "saved_at": clock.now().isoformat()}
    if len(entries) > MAX_REMEMBERED:
        def saved_at(item: tuple[str, Any]) -> str:
            return str(item[1].get("saved_at", "")) if isinstance(item[1], dict) else ""

        ordered = sorted(entries.items(), key=saved_at)
        entries = dict(ordered[-MAX_REMEMBERED:])
    try:
        local_config.save(**{REMEMBERED_KEY: entries})
    except OSError as exc:  # a read-only profile must not spoil an import
        log.warning("Сопоставление столбцов не сохранено: %s", exc)


# --- reading files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceInfo:
    """How the file was read: its format, encoding and delimiter (or sheet), its signature."""

    kind: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    signature: str = ""

    def describe(self) -> str:
        """«CSV, UTF-8, разделитель «;»» or «XLSX, лист «Выгрузка»»."""
        if self.kind == "xlsx":
            return f"XLSX, лист «{self.sheet}»"
        shown = {";": "«;»", ",": "«,»", "\t": "табуляция"}.get(self.delimiter, f"«{self.delimiter}»")
        return f"CSV, {self.encoding}, разделитель {shown}"


@dataclass
class _Table:
    """An opened file: its header and a way to walk its rows (each time from the start)."""

    info: SourceInfo
    headers: list[str]
    header_row: int
    records: Callable[[], Iterator[tuple[int, list[object]]]]
    close: Callable[[], None] = lambda: None

    def data_rows(self) -> Iterator[tuple[int, list[object], list[int]]]:
        """(row number, cells, the columns whose control characters were replaced by a space)."""
        for row_no, cells in self.records():
            if row_no > self.header_row:
                repaired = [n for n, cell in enumerate(cells) if isinstance(cell, str) and cell_text.has_control(cell)]
                for n in repaired:
                    cells[n] = cell_text.clean(str(cells[n]))
                yield row_no, cells, repaired


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGICS = {
    b"\x89PNG": "изображение PNG", b"\xff\xd8\xff": "изображение JPEG", b"GIF8": "изображение GIF",
    b"%PDF": "документ PDF", b"Rar!": "архив RAR", b"7z\xbc\xaf": "архив 7-Zip", b"\x1f\x8b": "архив GZip",
    b"MZ": "программа Windows",
}
_SUPPORTED = "Поддерживаются таблицы CSV (UTF-8 или Windows-1251, разделитель «;» или «,») и XLSX."


def _fail(path: Path, reason: str) -> ValidationError:
    return ValidationError(f"Файл «{path.name}» не импортирован: {reason}")


def _read_head(path: Path) -> bytes:
    try:
        if not path.exists():
            raise ValidationError(f"Файл «{path}» не найден")
        if path.is_dir():
            raise ValidationError(f"«{path}» — это папка, а не файл")
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ValidationError(f"Не удалось прочитать файл «{path.name}»: {exc.strerror or exc}") from None
    if size == 0:
        raise _fail(path, "файл пустой")
    if size > MAX_FILE_BYTES:
        raise _fail(path, f"файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ — разделите выгрузку на части")
    return head


@contextmanager
def _open_table(path: Path) -> Iterator[_Table]:
    """The table of the file (CSV or XLSX by content), or a ValidationError saying why not."""
    path = Path(path)
    head = _read_head(path)
    if head.startswith(_ZIP_MAGIC):
        table = _open_xlsx(path)
    elif head.startswith(_OLE_MAGIC):
        raise _fail(path, "это файл старого формата Microsoft Office (XLS, DOC); сохраните таблицу "
                          "в формате XLSX или CSV. " + _SUPPORTED)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise _fail(path, "это не книга Excel (XLSX): файл повреждён или имеет другой формат. " + _SUPPORTED)
    else:
        for magic, what in _BINARY_MAGICS.items():
            if head.startswith(magic):
                raise _fail(path, f"это {what}, а не таблица. " + _SUPPORTED)
        table = _open_csv(path)
    try:
        yield table
    finally:
        table.close()


def _line_of(path: Path, offset: int) -> int:
    """The 1-based line holding the byte at ``offset``."""
    line = 1
    done = 0
    with path.open("rb") as fh:
        while done < offset:
            chunk = fh.read(min(1 << 20, offset - done))
            if not chunk:
                break
            line += chunk.count(b"\n")
            done += len(chunk)
    return line


_UPPER_1251 = bytes(range(0xC0, 0xE0))  # А–Я in Windows-1251, а–я in KOI8-R
_LOWER_1251 = bytes(range(0xE0, 0x100))
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"


def _mostly_utf8(path: Path) -> bool:
    """A file that is not valid UTF-8 as a whole, but whose Cyrillic mostly is: damaged UTF-8."""
    valid = broken = 0
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            text = decoder.decode(chunk)
            broken += text.count("\ufffd")
            valid += sum(text.count(letter) for letter in _CYRILLIC)
    return valid >= 3 and valid >= broken


def _detect_encoding(path: Path) -> tuple[str, str]:
    """(Python codec, label) of a CSV file, by a streaming scan of all its bytes.

    UTF-8 with BOM, strict UTF-8, else Windows-1251. Refused: binary data (more than
    :data:`BINARY_SHARE` of the bytes are NUL or other control bytes), UTF-8 with
    damaged bytes (most Cyrillic is valid UTF-8 but some bytes are not), KOI8-R (decoded as
    Windows-1251 it turns into capital letters), undefined Windows-1251 bytes.
    """
    with path.open("rb") as fh:
        first = fh.read(4)
    if first.startswith(codecs.BOM_UTF8):
        codec, label = "utf-8-sig", "UTF-8 с BOM"
    elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _fail(path, "таблица в кодировке UTF-16 («Юникод-текст» Excel) не поддерживается; сохраните её "
                          "как «CSV UTF-8 (разделитель — запятая)» или в формате XLSX")
    else:
        codec, label = "utf-8", "UTF-8"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_error_at: int | None = None
    nul = controls = upper = lower = 0
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            nul += chunk.count(b"\x00")
            if utf8_error_at is None:
                try:
                    decoder.decode(chunk, final=False)
                except UnicodeDecodeError as exc:
                    utf8_error_at = offset + max(exc.start, 0)
            upper += len(chunk) - len(chunk.translate(None, _UPPER_1251))
            lower += len(chunk) - len(chunk.translate(None, _LOWER_1251))
            controls += len(chunk) - len(chunk.translate(None, _CONTROL_BYTES))
            offset += len(chunk)
    if utf8_error_at is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error_at = offset - 1
    if controls > max(BINARY_ALLOWANCE, offset * BINARY_SHARE):  # a few stray bytes are cleaned row by row
        if nul:
            raise _fail(path, "в нём двоичные данные, это не текстовая таблица. " + _SUPPORTED)
        raise _fail(path, "в нём много управляющих символов — это не текстовая таблица. " + _SUPPORTED)
    if utf8_error_at is None:
        return codec, label
    if codec == "utf-8-sig" or _mostly_utf8(path):
        line = _line_of(path, utf8_error_at)
        raise _fail(path, f"текст в кодировке UTF-8 повреждён (строка {line} содержит байты не в UTF-8 — "
                          "возможно, файл склеен из частей в разных кодировках); сохраните файл заново "
                          "в UTF-8 или Windows-1251")
    if upper + lower >= 50 and upper > 0.7 * (upper + lower):
        raise _fail(path, "кодировка не распознана (похоже на KOI8-R: русские буквы читаются как бессмыслица); "
                          "сохраните файл в UTF-8 или Windows-1251")
    try:
        with path.open("r", encoding="cp1251", errors="strict", newline="") as fh:
            while fh.read(1 << 20):
                pass
    except UnicodeDecodeError as exc:
        raise _fail(path, "кодировка не распознана (не UTF-8 и не Windows-1251, байт "
                          f"0x{exc.object[exc.start]:02X}); сохраните файл в UTF-8 или Windows-1251") from None
    return "cp1251", "Windows-1251"


def _sniff_delimiter(sample: str) -> str:
    """«;», «,» or tab: the one that splits the first lines into the same number (≥ 2) of cells."""
    best, best_score = ";", (0, 0, 0)
    lines = sample.splitlines()[:50]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end in the middle of a line
    for rank, delimiter in enumerate((";", ",", "\t")):
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        same = sum(1 for r in rows if len(r) == width)
        score = (same, width, -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_CSV_ERRORS = {
    "field larger than field limit": "ячейка больше допустимого размера",
    "new-line character seen in unquoted field": "перевод строки вне кавычек",
    "unexpected end of data": "файл оборвался внутри ячейки в кавычках",
    "line contains nul": "в строке нулевой байт",
}


def _row_and_line(row: int, line: int) -> str:
    """«строка 5», or «строка 5 таблицы (строка 9 текста файла)» when cells with line breaks came before."""
    return f"строка {row}" if row == line else f"строка {row} таблицы (строка {line} текста файла)"


def _open_csv(path: Path) -> _Table:
    codec, label = _detect_encoding(path)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)  # process-wide, only ever raised
    with path.open("r", encoding=codec, newline="") as fh:
        sample = fh.read(64 * 1024)
    delimiter = _sniff_delimiter(sample)

    def records() -> Iterator[tuple[int, list[object]]]:
        """Each record with its row number as a spreadsheet shows the file: one row a record (a quoted
        cell with line breaks stays in its row), blank lines counted as the empty rows they are."""
        with path.open("r", encoding=codec, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            row, start = 0, 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    text = str(exc).lower()
                    reason = next((ru for en, ru in _CSV_ERRORS.items() if en in text), f"ошибка формата CSV ({exc})")
                    raise _fail(path, f"{_row_and_line(row + 1, start)}: {reason}") from None
                row, start = row + 1, reader.line_num + 1
                if any(c.strip() for c in cells):
                    yield row, list(cells)

    headers, header_row = _find_header(path, records())
    info = SourceInfo("csv", label, delimiter, signature=source_signature(headers))
    return _Table(info, headers, header_row, records)


def _open_xlsx(path: Path) -> _Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _fail(path, "это повреждённый ZIP-архив, а не книга Excel. " + _SUPPORTED) from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise _fail(path, "таблицы OpenDocument (ODS) не поддерживаются; сохраните её в XLSX или CSV")
        raise _fail(path, "это ZIP-архив или документ, но не книга Excel (XLSX). " + _SUPPORTED)
    if unpacked > MAX_XLSX_UNPACKED:
        raise _fail(path, "книга Excel слишком велика в распакованном виде — разделите выгрузку на части")
    from openpyxl import load_workbook

    handle = path.open("rb")  # a file object: openpyxl would refuse a book named «….csv»
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything from KeyError to XML errors
        handle.close()
        log.info("XLSX не открылся: %r", exc)
        raise _fail(path, "книга Excel повреждена и не открывается. " + _SUPPORTED) from None

    def close() -> None:
        workbook.close()
        handle.close()

    try:
        sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheets = sheets or list(workbook.worksheets)
        if not sheets:
            raise _fail(path, "в книге нет ни одного листа")
        chosen: tuple[Any, list[str], int] | None = None
        for ws in sheets:
            ws.reset_dimensions()  # some programs write wrong dimensions; read what is there
            try:
                headers, header_row = _find_header(path, _xlsx_records(path, ws))
            except ValidationError:
                continue  # an empty sheet
            if not auto_mapping(headers).problems(headers):
                chosen = (ws, headers, header_row)
                break
            chosen = chosen or (ws, headers, header_row)
        if chosen is None:
            raise _fail(path, "в книге нет ни одной строки с данными")
    except BaseException:
        close()
        raise
    ws, headers, header_row = chosen
    info = SourceInfo("xlsx", sheet=ws.title, signature=source_signature(headers))
    return _Table(info, headers, header_row, lambda: _xlsx_records(path, ws), close)


def _xlsx_records(path: Path, ws: Any) -> Iterator[tuple[int, list[object]]]:
    try:
        for cells in ws.iter_rows():
            values = [getattr(c, "value", None) for c in cells]
            if any(v is not None and str(v).strip() for v in values):
                yield next(c.row for c in cells if getattr(c, "row", None)), values
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML
        log.info("Лист XLSX не читается: %r", exc)
        raise _fail(path, "лист книги Excel повреждён и не читается до конца") from None


def _find_header(path: Path, records: Iterator[tuple[int, list[object]]]) -> tuple[list[str], int]:
    """The header row: the first of the top rows that names two required fields, else the first row."""
    first: tuple[list[str], int] | None = None
    for index, (row_no, cells) in enumerate(records):
        if index >= HEADER_SEARCH_ROWS:
            break
        names = [cell_text.clean(_cell_text(c), line_breaks=False).strip() for c in cells]
        while names and not names[-1]:
            names.pop()
        names = [n or f"Столбец {i + 1}" for i, n in enumerate(names)]
        if first is None:
            first = (names, row_no)
        mapping = auto_mapping(names)
        if sum(1 for code in REQUIRED_FIELDS if mapping.column(code) is not None) >= 2:
            return names, row_no
    if first is None:
        raise _fail(path, "в нём нет ни одной строки с данными")
    return first


# --- cells ------------------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    """A cell as text, the way a user would read it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S" if value.second else "%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    total = f"{len(text):,}".replace(",", " ")
    return f"{text[:limit]}… [обрезано, всего {total} символов]"


_RU_MOMENT = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:\s*(?:,|\s|г\.?|в)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}.*)?")
DATE_HINT = "нужна дата вида 28.11.2026 14:05, 28.11.2026 или 2026-11-28T14:05"


def parse_moment(value: object, tz: tzinfo) -> datetime:
    """A detection moment from a cell: Russian and ISO text, or an XLSX date; aware.

    A moment without an offset is local time of ``tz``; a date alone means 00:00.
    Raises ``ValidationError`` with a Russian message.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        moment = from_excel(value)  # a date cell of Excel written as a bare number
    else:
        raw = _cell_text(value).strip()
        problem = f"Дата выявления «{_shorten(raw, 60)}» не распознана: {DATE_HINT}"
        match = _RU_MOMENT.fullmatch(raw)
        try:
            if match:
                day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
                full_year = 2000 + int(year) if len(year) == 2 else int(year)
                moment = datetime(full_year, month, day, int(match.group(4) or 0), int(match.group(5) or 0),
                                  int(match.group(6) or 0))
            elif _ISO_START.fullmatch(raw):
                moment = datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
            else:
                raise ValidationError(problem)
        except ValueError:
            raise ValidationError(problem) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _choice(value: str, lookup: dict[str, Any]) -> Any:
    return lookup.get(_norm(value))


# --- rows -------------------------------------------------------------------------------------

class RowStatus(StrEnum):
    """What became of a row of the file."""

    IMPORTED = "imported"    # registered (in a dry run: would be)
    DUPLICATE = "duplicate"  # already registered: same link or same platform ID
    REFUSED = "refused"      # invalid: the reason says why


ROW_STATUS_LABELS = {
    RowStatus.IMPORTED: "Импортирована",
    RowStatus.DUPLICATE: "Дубликат",
    RowStatus.REFUSED: "Отклонена",
}


@dataclass
class _Values:
    """A valid row, ready for ``workflow.register_incident``."""

    link: str
    author: str
    text: str
    detected_at: datetime
    kind: IncidentKind
    priority: Priority
    author_link: str
    external_id: str | None
    network: Network


@dataclass
class _Parsed:
    """A row after validation: its cells as text, what the preview shows, its problems."""

    row: int
    cells: list[str]
    shown: dict[str, str]
    problems: list[str]
    values: _Values | None
    #: what names the row besides its number: its platform ID and link (:func:`row_label`)
    label: str = ""
    #: what was repaired in the row (it is still imported)
    warnings: list[str] = field(default_factory=list)


def row_label(link: str, external_id: str = "") -> str:
    """The row's link and platform ID as a user finds the row by them: «ID «A-1», https://vk.com/wall-1_2»."""
    parts = [f"ID «{_shorten(external_id, 40)}»"] if external_id else []
    if link:
        parts.append(_shorten(link, 100))
    return ", ".join(parts)


def row_place(row: int, label: str) -> str:
    """«строка 5 (https://vk.com/wall-1_2)»: the row as a spreadsheet shows the file, and its link/ID."""
    return f"строка {row} ({label})" if label else f"строка {row}"


def _parse_record(table: _Table, row_no: int, raw: list[object], repaired: list[int], mapping: ColumnMapping,
                  tz: tzinfo, now: datetime) -> _Parsed:
    """A data row of the file checked, with a warning when its control characters were replaced."""
    parsed = _parse_row(row_no, raw, mapping, tz, now)
    if repaired:
        names = ", ".join(f"«{_shorten(table.headers[n], 40) if n < len(table.headers) else f'Столбец {n + 1}'}»"
                          for n in repaired)
        parsed.warnings.append(("Управляющие символы (например, нулевой байт) заменены пробелом в столбце "
                                if len(repaired) == 1 else
                                "Управляющие символы (например, нулевой байт) заменены пробелом в столбцах ") + names)
    return parsed


def _parse_row(row_no: int, raw: list[object], mapping: ColumnMapping, tz: tzinfo, now: datetime) -> _Parsed:
    """Validate one row against the mapping; every problem of the row is listed."""
    cells = [_cell_text(c) for c in raw]
    problems: list[str] = []
    shown: dict[str, str] = {}

    def get(code: str) -> object:
        column = mapping.column(code)
        if column is None or column >= len(raw):
            return None
        return raw[column]

    def text_of(code: str) -> str:
        value = _cell_text(get(code)).strip()
        shown[code] = _shorten(value, SHOWN_CELL)
        return value

    def checked(code: str, what: str) -> str | None:
        """The cell's text, or None with the problem listed when it has a character no database keeps."""
        try:
            return validation.characters(text_of(code), what)
        except ValidationError as exc:
            problems.append(str(exc))
            return None

    link = text_of("link")
    network: Network | None = None
    if not link:
        problems.append("Не заполнена ссылка на сообщение")
    elif len(link) > MAX_LINK:
        problems.append(f"Ссылка длиннее {MAX_LINK} символов")
    else:
        try:
            network = workflow.detect_network(link)
        except ValidationError as exc:
            problems.append(str(exc))
    if mapping.column("network") is not None:
        said = text_of("network")
        if said:
            claimed = _choice(said, _NETWORK_LOOKUP)
            if claimed is None:
                problems.append(f"Соцсеть «{_shorten(said, 40)}» не поддерживается: нужны ВКонтакте, "
                                "Одноклассники или Telegram")
            elif network is not None and claimed != network:
                problems.append(f"Соцсеть «{said}» не совпадает со ссылкой (она ведёт в "
                                f"{NETWORK_LABELS[network]})")
    author = checked("author", "Автор сообщения")
    if author == "":
        problems.append("Не указан автор сообщения")
    elif author is not None and len(author) > validation.MAX_LINE:
        problems.append(f"Автор сообщения длиннее {validation.MAX_LINE} символов")
    author = author or ""
    text = checked("text", "Текст сообщения")
    if text == "":
        problems.append("Текст сообщения пустой")
    elif text is None:
        text = ""
    elif len(text) > workflow.MAX_TEXT:
        problems.append(f"Текст сообщения длиннее {workflow.MAX_TEXT:,} символов (в ячейке {len(text):,}) — "
                        "это не похоже на сообщение из соцсети".replace(",", " "))
        text = ""  # not kept: a huge cell must not stay in memory
    detected_at: datetime | None = None
    raw_moment = get("detected_at")
    shown["detected_at"] = _shorten(_cell_text(raw_moment).strip(), SHOWN_CELL)
    if raw_moment is None or not _cell_text(raw_moment).strip():
        problems.append("Не указана дата выявления")
    else:
        try:
            detected_at = parse_moment(raw_moment, tz)
        except ValidationError as exc:
            problems.append(str(exc))
        else:
            shown["detected_at"] = detected_at.astimezone(tz).strftime("%d.%m.%Y %H:%M")
            if detected_at > now + timedelta(minutes=5):
                problems.append(f"Дата выявления {shown['detected_at']} ещё не наступила")
                detected_at = None
            elif detected_at.astimezone(tz).date() < EARLIEST_DETECTION:
                problems.append(f"Дата выявления {shown['detected_at']} раньше "
                                f"{EARLIEST_DETECTION:%Y} года — проверьте год")
                detected_at = None
    priority = Priority.NORMAL
    if mapping.column("priority") is not None:
        said = text_of("priority")
        if said:
            chosen = _choice(said, _PRIORITY_LOOKUP)
            if chosen is None:
                problems.append(f"Важность «{_shorten(said, 40)}» не распознана: укажите «обычная» или "
                                "«повышенная» (также «высокая», «high»)")
            else:
                priority = chosen
    kind = IncidentKind.INCIDENT
    if mapping.column("kind") is not None:
        said = text_of("kind")
        if said:
            chosen = _choice(said, _KIND_LOOKUP)
            if chosen is None:
                problems.append(f"Тип «{_shorten(said, 40)}» не распознан: укажите «инцидент» или «публикация»")
            else:
                kind = chosen
    external_id = (checked("external_id", "Идентификатор") if mapping.column("external_id") is not None else "") or ""
    if len(external_id) > MAX_EXTERNAL_ID:
        problems.append(f"Идентификатор длиннее {MAX_EXTERNAL_ID} символов")
    author_link = (checked("author_link", "Ссылка на автора") if mapping.column("author_link") is not None
                   else "") or ""
    if author_link and not re.match(r"https?://\S+$", author_link, re.IGNORECASE):
        problems.append(f"Ссылка на автора «{_shorten(author_link, 60)}» не похожа на адрес (нужно https://…)")
    elif len(author_link) > MAX_LINK:
        problems.append(f"Ссылка на автора длиннее {MAX_LINK} символов")

    values = None
    if not problems and network is not None and detected_at is not None:
        values = _Values(link, author, text, detected_at, kind, priority, author_link, external_id or None, network)
    label = row_label(shown.get("link", ""), shown.get("external_id", ""))
    return _Parsed(row_no, [_shorten(c, KEPT_CELL) if len(c) > workflow.MAX_TEXT else c for c in cells],
                   shown, problems, values, label)


def _existing(values: _Values) -> tuple[int, str] | None:
    """The incident this row repeats, and how it was recognised: the same platform ID, the same
    link, or the same message with its link written another way (``links.link_key``)."""
    if values.external_id:
        found = (Incident.select(Incident.id).where(Incident.external_id == values.external_id)
                 .order_by(Incident.id).first())
        if found is not None:
            return found.id, f"тот же идентификатор «{values.external_id}»"
    existing = workflow.registered_message(values.link)
    if existing is not None:
        return existing.id, same_message(existing.link, values.link)
    return None


def same_message(existing_link: str, link: str) -> str:
    """How a duplicate link was recognised: «та же ссылка», or «то же сообщение, ссылка записана иначе:
    https://vk.com/wall-1_2»."""
    if existing_link.strip() == link.strip():
        return "та же ссылка"
    return f"то же сообщение, ссылка записана иначе: {_shorten(existing_link, 120)}"


def _duplicate_reason(incident_id: int, how: str) -> str:
    return f"Уже зарегистрирован: инцидент № {incident_id} ({how})"


def check_cells(cells: dict[str, object], *, now: datetime | None = None) -> list[str]:
    """The import's checks of one row given as field code → cell value, in Russian; empty when the
    row would be imported (duplicates aside: :func:`registered_as`). A hand-registered incident is
    checked by the very same rules (``app.services.registration``)."""
    codes = [code for code in cells if code in FIELDS_BY_CODE]
    mapping = ColumnMapping({code: n for n, code in enumerate(codes)})
    parsed = _parse_row(0, [cells[code] for code in codes], mapping, current_calendar().tz, now or clock.now())
    return list(parsed.problems)


def registered_as(link: str, external_id: str | None = None) -> tuple[int, str] | None:
    """The incident already registered with this link (or platform ID), and how it was recognised —
    the import's duplicate check."""
    values = _Values(link.strip(), "", "", EARLIEST_MOMENT, IncidentKind.INCIDENT, Priority.NORMAL, "",
                     external_id or None, Network.VK)
    return _existing(values)


def duplicate_reason(incident_id: int, how: str) -> str:
    """«Уже зарегистрирован: инцидент № 12 (та же ссылка)»."""
    return _duplicate_reason(incident_id, how)


# --- preview ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewRow:
    """One parsed row of the preview: what would happen with it and why."""

    row: int
    status: RowStatus
    values: dict[str, str]  # field code → the value as the user should check it
    problems: tuple[str, ...]
    duplicate_of: int | None = None
    label: str = ""  # the row's platform ID and link (:func:`row_label`)
    warnings: tuple[str, ...] = ()  # what was repaired in the row

    @property
    def place(self) -> str:
        """«строка 5 (https://vk.com/wall-1_2)»."""
        return row_place(self.row, self.label)


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as they would be imported with ``mapping``."""

    file_name: str
    source: SourceInfo
    headers: list[str]
    header_row: int
    mapping: ColumnMapping
    mapping_origin: str  # "auto" | "remembered" | "given"
    rows: list[PreviewRow]
    has_more: bool

    @property
    def mapping_problems(self) -> list[str]:
        return self.mapping.problems(self.headers)

    @property
    def can_import(self) -> bool:
        return not self.mapping_problems


def _choose_mapping(table: _Table, mapping: ColumnMapping | None) -> tuple[ColumnMapping, str]:
    if mapping is not None:
        return mapping, "given"
    remembered = remembered_mapping(table.info.signature, len(table.headers))
    if remembered is not None:
        return remembered, "remembered"
    return auto_mapping(table.headers), "auto"


def preview(path: str | Path, mapping: ColumnMapping | None = None, rows: int = 20) -> Preview:
    """Headers, the mapping (given, remembered for this source, or guessed), the first rows parsed.

    Raises ``ValidationError`` when the file cannot be read at all; a mapping that misses a
    required field is NOT an error here (``Preview.mapping_problems`` says what to choose).
    """
    path = Path(path)
    tz = current_calendar().tz
    now = clock.now()
    with _open_table(path) as table:
        chosen, origin = _choose_mapping(table, mapping)
        usable = not chosen.problems(table.headers)
        result: list[PreviewRow] = []
        seen = _Seen()
        has_more = False
        for row_no, raw, repaired in table.data_rows():
            if len(result) >= rows:
                has_more = True
                break
            parsed = _parse_record(table, row_no, raw, repaired, chosen, tz, now)
            problems = parsed.problems if usable else []
            status = RowStatus.REFUSED if problems else RowStatus.IMPORTED
            duplicate_of = None
            if usable and parsed.values is not None:
                key = workflow.link_key(parsed.values.link)
                earlier = seen.earlier(parsed.values, key)
                found = _existing(parsed.values) if earlier is None else None
                if earlier is not None:
                    status, problems = RowStatus.DUPLICATE, [earlier.reason]
                elif found is not None:
                    status, duplicate_of = RowStatus.DUPLICATE, found[0]
                    problems = [_duplicate_reason(*found)]
                else:
                    seen.add(row_no, parsed.values, key, None)
            result.append(PreviewRow(row_no, status, parsed.shown, tuple(problems), duplicate_of, parsed.label,
                                     tuple(parsed.warnings)))
        if not result:
            raise _fail(path, NO_DATA_ROWS)
        return Preview(path.name, table.info, list(table.headers), table.header_row, chosen, origin, result, has_more)


# --- import -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowResult:
    """What the import did with one row of the file."""

    row: int  # the row as a spreadsheet shows the file (the header is row 1 when it is the first)
    status: RowStatus
    incident_id: int | None = None  # the new incident, or the existing one for a duplicate
    reason: str = ""
    cells: tuple[str, ...] = ()  # the row as in the file (kept for refused rows only)
    label: str = ""  # the row's platform ID and link (:func:`row_label`)
    warnings: tuple[str, ...] = ()  # what was repaired in a row that was still imported

    @property
    def place(self) -> str:
        """«строка 5 (https://vk.com/wall-1_2)»."""
        return row_place(self.row, self.label)


@dataclass
class ImportResult:
    """The outcome of one import, row by row."""

    file_name: str
    source: SourceInfo
    headers: list[str]
    mapping: ColumnMapping
    rows: list[RowResult]
    dry_run: bool = False
    cancelled: bool = False
    unprocessed: int = 0

    @property
    def imported(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == RowStatus.IMPORTED]

    @property
    def duplicates(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == RowStatus.DUPLICATE]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == RowStatus.REFUSED]

    @property
    def warned(self) -> list[RowResult]:
        """Rows imported (or to be) after a repair: each says what was repaired."""
        return [r for r in self.rows if r.warnings and r.status == RowStatus.IMPORTED]

    def summary(self) -> str:
        """«Импортировано: 12, дубликатов: 3, отклонено: 2» (and what was not done, if anything)."""
        counts = f"дубликатов: {len(self.duplicates)}, отклонено: {len(self.refused)}"
        if self.dry_run:
            text = f"Проверка без записи — можно импортировать: {len(self.imported)}, {counts}"
        else:
            text = f"Импортировано: {len(self.imported)}, {counts}"
        if self.warned:
            text += f"; с исправлениями: {len(self.warned)}"
        if self.cancelled:
            text += f"; импорт прерван, не обработано строк: {self.unprocessed}"
        return text


def import_file(
    actor: Actor,
    path: str | Path,
    mapping: ColumnMapping | None = None,
    *,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import every row of the file; the result says per row what happened.

    The file is read and validated to its end before anything is written: an unreadable file
    raises ``ValidationError`` and imports nothing. Then each good row is registered in its own
    transaction; duplicates (same link, or same platform ID when the file has that column) are
    skipped. ``progress(done, total)`` is called after each row; returning False stops the
    import after that row (the rows done stay imported). ``dry_run`` validates and looks for
    duplicates without writing anything.
    """
    require_curator(actor, "Импорт инцидентов")
    path = Path(path)
    tz = current_calendar().tz
    now = clock.now()
    with _open_table(path) as table:
        chosen, origin = _choose_mapping(table, mapping)
        problems = chosen.problems(table.headers)
        if problems:
            raise _fail(path, _missing_columns_message(table.headers, problems))
        parsed = [_parse_record(table, row_no, raw, repaired, chosen, tz, now)
                  for row_no, raw, repaired in table.data_rows()]
        info, headers = table.info, list(table.headers)
    if not parsed:
        raise _fail(path, NO_DATA_ROWS)

    result = ImportResult(path.name, info, headers, chosen, [], dry_run=dry_run)
    seen = _Seen()
    total = len(parsed)
    for done, row in enumerate(parsed, start=1):
        result.rows.append(_import_row(actor, row, dry_run, seen))
        row.values = None  # the text is no longer needed
        if progress is not None and progress(done, total) is False and done < total:
            result.cancelled, result.unprocessed = True, total - done
            break
    if not dry_run:
        if origin == "given":
            remember_mapping(info.signature, chosen)
        _audit_import(actor, result)
    return result


@dataclass
class _Seen:
    """The rows of this file imported so far: by the message's key and by platform ID → (row, link,
    the new incident or None in a dry run)."""

    keys: dict[str, tuple[int, str, int | None]] = field(default_factory=dict)
    ids: dict[str, tuple[int, str, int | None]] = field(default_factory=dict)

    def earlier(self, values: _Values, key: str) -> RowResult | None:
        """The row this one repeats within the file, as a duplicate's result (the row number is set later)."""
        if values.external_id and values.external_id in self.ids:
            row, _link, incident_id = self.ids[values.external_id]
            how = f"тот же идентификатор «{values.external_id}»"
        elif key in self.keys:
            row, link, incident_id = self.keys[key]
            how = "та же ссылка" if link == values.link else "то же сообщение, ссылка записана иначе"
        else:
            return None
        return RowResult(0, RowStatus.DUPLICATE, incident_id, f"Повторяет строку {row} этого файла ({how})")

    def add(self, row: int, values: _Values, key: str, incident_id: int | None) -> None:
        self.keys.setdefault(key, (row, values.link, incident_id))
        if values.external_id:
            self.ids.setdefault(values.external_id, (row, values.link, incident_id))


def _import_row(actor: Actor, row: _Parsed, dry_run: bool, seen: _Seen) -> RowResult:
    result = _row_result(actor, row, dry_run, seen)
    return replace(result, label=row.label, warnings=tuple(row.warnings))


def _row_result(actor: Actor, row: _Parsed, dry_run: bool, seen: _Seen) -> RowResult:
    if row.values is None:
        return RowResult(row.row, RowStatus.REFUSED, reason="; ".join(row.problems), cells=tuple(row.cells))
    values = row.values
    key = workflow.link_key(values.link)
    earlier = seen.earlier(values, key)
    if earlier is not None:
        return RowResult(row.row, earlier.status, earlier.incident_id, earlier.reason)
    found = _existing(values)
    if found is not None:
        return RowResult(row.row, RowStatus.DUPLICATE, found[0], _duplicate_reason(*found))
    if dry_run:
        seen.add(row.row, values, key, None)
        return RowResult(row.row, RowStatus.IMPORTED)
    try:
        ref = workflow.register_incident(
            actor, link=values.link, author=values.author, text=values.text, detected_at=values.detected_at,
            kind=values.kind, priority=values.priority, author_link=values.author_link,
            external_id=values.external_id,
        )
    except workflow.DuplicateIncident as exc:  # registered on another PC a moment ago
        return RowResult(row.row, RowStatus.DUPLICATE, exc.existing_id,
                         _duplicate_reason(exc.existing_id, same_message(exc.existing_link or values.link,
                                                                         values.link)))
    except DomainError as exc:
        return RowResult(row.row, RowStatus.REFUSED, reason=str(exc), cells=tuple(row.cells))
    seen.add(row.row, values, key, ref.id)
    return RowResult(row.row, RowStatus.IMPORTED, ref.id)


def _missing_columns_message(headers: list[str], problems: list[str]) -> str:
    shown = ", ".join(f"«{_shorten(h, 40)}»" for h in headers[:15]) + (" …" if len(headers) > 15 else "")
    text = "; ".join(problems) + f". Столбцы файла: {shown}."
    if any(re.match(r"https?://|\d{1,2}\.\d{1,2}\.\d{2,4}", h) for h in headers):
        text += " Похоже, в файле нет строки заголовков: первая строка содержит данные."
    return text + " Переименуйте столбцы или выберите их вручную в мастере импорта."


def _audit_import(actor: Actor, result: ImportResult) -> None:
    audit.record(
        "incident.import", actor=User.get_by_id(actor.user_id), entity="import",
        comment=f"Импорт из файла «{result.file_name}»: {result.summary()}",
        payload={"file": result.file_name, "source": result.source.signature, "imported": len(result.imported),
                 "duplicates": len(result.duplicates), "refused": len(result.refused),
                 "cancelled": result.cancelled},
    )


def write_error_report(result: ImportResult, path: str | Path) -> int:
    """Save the refused rows (.csv or .xlsx by the name): row number, reason, the row's cells.

    The original columns keep their headers, so the report, once corrected, can be imported
    again. Returns the number of rows written.
    """
    from app.services.export import write_table

    headers = ["Строка файла", "Причина отказа", *result.headers]
    width = len(result.headers)
    rows = ([r.row, r.reason, *(list(r.cells[:width]) + [""] * (width - len(r.cells)))] for r in result.refused)
    widths = [12, 60] + [24] * width
    return write_table(path, headers, rows, widths=widths, sheet_title="Отклонённые строки")

