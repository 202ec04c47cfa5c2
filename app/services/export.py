"""Exports for Excel: the current queue view, and any table (the importer's error report uses it).

Two formats, chosen by the file name:

* ``.xlsx`` — openpyxl in write-only mode (constant memory), a bold Russian header row that
  stays frozen, an autofilter over the whole table, column widths, A4 landscape print fitted to
  the page width with the header repeated on every page; dates are real Excel dates; links are
  clickable (a hyperlink on the link's own cell of its own sheet);
* ``.csv`` — UTF-8 with BOM and the «;» separator, which Russian Excel opens by double-click.

A table may have a preamble above its header: a title and the moment it was taken («по состоянию
на …», which the queue's deadline column depends on) — rows above the header in XLSX, the first
lines of a CSV (one cell each, so that Excel shows them as the first rows of the sheet).

Text that came from social networks must never execute in Excel or LibreOffice. In XLSX every
string is written as a string cell (never a formula, never an error value such as «#N/A»);
a string that starts with ``= + - @`` (or their full-width forms) or a control character also
gets Excel's «quote prefix» style, so that even editing the cell keeps it text. In CSV such a
string is prefixed with an apostrophe (the OWASP rule), which Excel shows as text. Control
characters are replaced by a space in both formats, the way every file of the program does it
(:func:`app.services.cell_text.clean`).

The file is written to a temporary name beside the target and renamed at the end: an export
that fails never leaves a half-written file under the user's name.
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from app.models import Incident, TopicGroup, Unit
from app.models.enums import (
    NETWORK_LABELS, PRIORITY_LABELS, REQUEST_STATE_LABELS, STATUS_LABELS, IncidentStatus, Network, Priority,
    RequestState,
)
from app.services import cell_text, clock, formatting, queue
from app.services.calendar_store import current_calendar
from app.services.errors import ValidationError
from app.services.permissions import Actor
from app.services.queue import QueueFilter, QueueSort

#: first characters that make a spreadsheet treat a text as a formula
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
XLSX_CELL_LIMIT = 32_767
#: Excel keeps at most this many hyperlinks on a sheet; further links stay plain text
MAX_HYPERLINKS = 65_530
_WEB_LINK = re.compile(r"https?://\S+$", re.IGNORECASE)
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
DURATION_FORMAT = '[h]" ч "mm" мин"'  # working time: a number Excel shows as «3 ч 05 мин»
FORMATS = (".xlsx", ".csv")

ProgressCallback = Callable[[int, int], "bool | None"]


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take the text for a formula (or it starts with a control character)."""
    if not text:
        return False
    if ord(text[0]) < 0x20 or text[0] == "\x7f":
        return True
    stripped = text.lstrip(" \u00a0")
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def csv_safe(text: str) -> str:
    """The text as a CSV cell that Excel and LibreOffice show as text: «'=1+1» for «=1+1»."""
    return "'" + text if is_formula_like(text) else text


def _xlsx_text(text: str) -> str:
    text = cell_text.clean(text)
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - 1] + "…"
    return text


class TableWriter:
    """Writes one table with a Russian header row to .xlsx or .csv, safe against formula injection.

    Use as a context manager: the file appears under its name only when the block ends without
    an error. Values: str, int, float, datetime/date (naive, already in local time), timedelta (a
    duration, whole minutes: a number in .xlsx, «3 ч 05 мин» in .csv), None.

    ``preamble``: lines above the header (the first one is the title, bold in .xlsx).
    ``link_columns``: 0-based columns whose http(s) links are clickable in .xlsx (each link gets a
    hyperlink on its own cell; a sheet keeps at most :data:`MAX_HYPERLINKS` of them, as Excel does).
    """

    def __init__(self, path: str | Path, headers: Sequence[str], *, widths: Sequence[float] | None = None,
                 sheet_title: str = "Лист1", preamble: Sequence[str] = (), link_columns: Sequence[int] = ()) -> None:
        self.path = Path(path)
        self.format = self.path.suffix.lower()
        if self.format not in FORMATS:
            raise ValidationError(f"Файл «{self.path.name}»: можно сохранить только в .xlsx или .csv")
        if not self.path.parent.is_dir():
            raise ValidationError(f"Папка «{self.path.parent}» не найдена")
        self.headers = list(headers)
        self.preamble = [cell_text.clean(line, line_breaks=False) for line in preamble]
        #: the row of the header in the sheet (1-based); data rows follow it
        self.header_row = len(self.preamble) + 1
        self.link_columns = frozenset(link_columns)
        self.hyperlinks = 0
        self.rows = 0
        self._finished = False
        try:
            fd, tmp = tempfile.mkstemp(prefix=".~", suffix=self.format, dir=self.path.parent)
        except OSError as exc:
            raise ValidationError(f"Не удалось записать в папку «{self.path.parent}»: {exc.strerror or exc}") from None
        os.close(fd)
        self._tmp = Path(tmp)
        if self.format == ".csv":
            self._fh = self._tmp.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            for line in self.preamble:
                self._csv.writerow([csv_safe(line)])
            self._csv.writerow([csv_safe(cell_text.clean(h)) for h in self.headers])
        else:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.styles import Alignment, Font
            from openpyxl.utils import get_column_letter

            self._cell_class = WriteOnlyCell
            self._link_font = Font(color="0563C1", underline="single")
            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet(sheet_title[:31])
            self._ws.freeze_panes = f"A{self.header_row + 1}"
            for index, width in enumerate(widths or [], start=1):
                self._ws.column_dimensions[get_column_letter(index)].width = width
            self._ws.page_setup.orientation = "landscape"
            self._ws.page_setup.paperSize = 9  # A4
            self._ws.page_setup.fitToWidth = 1  # every column on the page, as many pages down as needed
            self._ws.page_setup.fitToHeight = 0
            self._ws.sheet_properties.pageSetUpPr.fitToPage = True
            self._ws.print_title_rows = f"{self.header_row}:{self.header_row}"
            for number, line in enumerate(self.preamble):
                cell = self._text_cell(line)
                cell.font = Font(bold=True, size=13) if number == 0 else Font(italic=True)
                self._ws.append([cell])
            bold, wrap = Font(bold=True), Alignment(vertical="top", wrap_text=True)
            header_cells = []
            for title in self.headers:
                cell = self._text_cell(title)
                cell.font, cell.alignment = bold, wrap
                header_cells.append(cell)
            self._ws.append(header_cells)

    def _text_cell(self, text: str) -> Any:
        shown = _xlsx_text(text)
        cell = self._cell_class(self._ws, shown)
        cell.data_type = "s"  # never a formula or an error value, whatever the text says
        if is_formula_like(shown):
            cell.quotePrefix = True
        return cell

    def _link_cell(self, value: object) -> Any:
        """A clickable link: the text as any other, and a hyperlink to it on this very cell."""
        cell = self._xlsx_value(value)
        text = cell_text.clean(str(value)).strip()
        if self.hyperlinks < MAX_HYPERLINKS and _WEB_LINK.match(text) and len(text) < 2000:
            cell.hyperlink = text  # openpyxl sets the reference when the row is written
            cell.font = self._link_font
            self.hyperlinks += 1
        return cell

    def _xlsx_value(self, value: object) -> object:
        if value is None or isinstance(value, bool):
            return None if value is None else ("да" if value else "нет")
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, timedelta):
            cell = self._cell_class(self._ws, _whole_minutes(value))
            cell.number_format = DURATION_FORMAT
            return cell
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(current_calendar().tz).replace(tzinfo=None)
            cell = self._cell_class(self._ws, value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = self._cell_class(self._ws, value)
            cell.number_format = DATE_FORMAT
            return cell
        return self._text_cell(str(value))

    @staticmethod
    def _csv_value(value: object) -> object:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "да" if value else "нет"
        if isinstance(value, (int, float)):
            return str(value).replace(".", ",")  # Russian Excel reads «1,5»
        if isinstance(value, timedelta):
            hours, minutes = divmod(int(_whole_minutes(value) // timedelta(minutes=1)), 60)
            return f"{hours} ч {minutes:02d} мин"
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(current_calendar().tz)
            return value.strftime("%d.%m.%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        return csv_safe(cell_text.clean(str(value)))

    def append(self, values: Sequence[object]) -> None:
        if self.format == ".csv":
            self._csv.writerow([self._csv_value(v) for v in values])
        else:
            self._ws.append([self._link_cell(v) if n in self.link_columns and isinstance(v, str) and v
                             else self._xlsx_value(v) for n, v in enumerate(values)])
        self.rows += 1

    def close(self) -> int:
        """Finish the file and put it under its name; returns the number of data rows."""
        if self._finished:
            return self.rows
        self._finished = True
        try:
            if self.format == ".csv":
                self._fh.close()
            else:
                from openpyxl.utils import get_column_letter

                last = get_column_letter(max(1, len(self.headers)))
                self._ws.auto_filter.ref = f"A{self.header_row}:{last}{self.header_row + self.rows}"
                self._wb.save(self._tmp)
            os.replace(self._tmp, self.path)
        except PermissionError:
            self.discard()
            raise ValidationError(f"Файл «{self.path.name}» занят другой программой или защищён от записи: "
                                  "закройте его (например, в Excel) и повторите") from None
        except OSError as exc:
            self.discard()
            raise ValidationError(f"Не удалось сохранить файл «{self.path.name}»: {exc.strerror or exc}") from None
        return self.rows

    def discard(self) -> None:
        """Drop the temporary file (after an error, or when the user cancelled)."""
        self._finished = True
        if self.format == ".csv":
            if not self._fh.closed:
                self._fh.close()
        elif not self._ws.closed:
            try:  # finish openpyxl's own temporary sheet file and remove it
                self._ws.close()
                self._ws._writer.cleanup()
            except Exception:  # noqa: BLE001 - only tidying up after an earlier failure
                pass
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


def _whole_minutes(value: timedelta) -> timedelta:
    return timedelta(minutes=value // timedelta(minutes=1))


def write_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[object]], *,
                widths: Sequence[float] | None = None, sheet_title: str = "Лист1", preamble: Sequence[str] = (),
                link_columns: Sequence[int] = ()) -> int:
    """Write a whole table at once; returns the number of data rows."""
    with TableWriter(path, headers, widths=widths, sheet_title=sheet_title, preamble=preamble,
                     link_columns=link_columns) as writer:
        for row in rows:
            writer.append(row)
    return writer.rows


# --- the queue ---------------------------------------------------------------------------------

QUEUE_HEADERS = ("№", "Выявлен", "Соцсеть", "Ссылка", "Автор", "Текст", "Тема", "Исполнители", "Статус",
                 "Важность", "Срок ответа", "Текущий срок", "Запрос (уточнение) автору (п. 13)",
                 "Ожидание ответа автора, рабочее время")
QUEUE_WIDTHS = (8, 17, 16, 42, 26, 70, 28, 32, 20, 22, 17, 60, 24, 16)
EXPORT_PAGE = 500


def _label(labels: dict[Any, str], enum: Any, code: str) -> str:
    try:
        return labels[enum(code)]
    except (ValueError, KeyError):
        return code


def queue_title(actor: Actor, queue_filter: QueueFilter) -> str:
    """«Очередь инцидентов — «Просроченные»; соцсеть: ВКонтакте; поиск: «фонари»»: the tab and the filters."""
    presets = dict(queue.presets_for(actor))
    parts = [f"Очередь инцидентов — «{presets.get(queue_filter.preset, queue_filter.preset)}»"]
    f = queue_filter
    if f.statuses:
        parts.append("статус: " + ", ".join(_label(STATUS_LABELS, IncidentStatus, s) for s in f.statuses))
    if f.networks:
        parts.append(("соцсеть: " if len(f.networks) == 1 else "соцсети: ")
                     + ", ".join(_label(NETWORK_LABELS, Network, n) for n in f.networks))
    if f.topic_group_ids:
        names = [n for (n,) in TopicGroup.select(TopicGroup.name).where(TopicGroup.id.in_(list(f.topic_group_ids)))
                 .order_by(TopicGroup.name).tuples()]
        parts.append("темы: " + ", ".join(names))
    if f.unit_ids:
        names = [short or name for name, short in Unit.select(Unit.name, Unit.short_name)
                 .where(Unit.id.in_(list(f.unit_ids))).order_by(Unit.name).tuples()]
        parts.append("исполнители: " + ", ".join(names))
    if f.priority:
        parts.append("важность: " + _label(PRIORITY_LABELS, Priority, f.priority).lower())
    if f.detected_from or f.detected_to:
        since = f" с {f.detected_from:%d.%m.%Y}" if f.detected_from else ""
        until = f" по {f.detected_to:%d.%m.%Y}" if f.detected_to else ""
        parts.append("выявлены" + since + until)
    if f.head_pages:
        parts.append("на страницах главы (п. 16 Приложения 1)")
    if f.search.strip():
        parts.append(f"поиск: «{f.search.strip()}»")
    return "; ".join(parts)


def export_queue(actor: Actor, queue_filter: QueueFilter, sort: QueueSort, path: str | Path, *,
                 progress: ProgressCallback | None = None) -> int:
    """Every row of the queue view (the user's filter and sort) to .xlsx or .csv; returns the count.

    Above the table: the title (the tab and its filters) and the moment the export was taken —
    «по состоянию на …»: every row's «Текущий срок» is computed for that one moment, whatever the
    time the export takes. The links are clickable in .xlsx.

    Pages through ``queue.fetch_page`` so that memory does not grow with the queue; adds each
    incident's link and full text. ``progress(done, total)`` after each page; False cancels
    (nothing is saved then, and 0 is returned).
    """
    path = Path(path)
    tz = current_calendar().tz
    moment = clock.now()
    total = queue.count(actor, queue_filter)
    preamble = [queue_title(actor, queue_filter),
                f"По состоянию на {formatting.short_moment(moment, tz)} ({formatting.zone_words(tz)}) — "
                f"{formatting.plural(total, formatting.INCIDENTS)}; «Текущий срок» рассчитан на этот момент"]
    if total > MAX_HYPERLINKS:
        preamble.append(f"Ссылки открываются щелчком в первых {MAX_HYPERLINKS:,} строках "
                        "(больше Excel на одном листе не хранит)".replace(",", " "))
    with TableWriter(path, QUEUE_HEADERS, widths=QUEUE_WIDTHS, sheet_title="Очередь", preamble=preamble,
                     link_columns=[QUEUE_HEADERS.index("Ссылка")]) as writer:
        offset = 0
        while True:
            page = queue.fetch_page(actor, queue_filter, sort, offset, EXPORT_PAGE, with_clocks=False)
            ids = [r.incident_id for r in page.rows]
            details = {i: (link, text) for i, link, text in
                       Incident.select(Incident.id, Incident.link, Incident.text)
                       .where(Incident.id.in_(ids)).tuples()} if ids else {}
            clocks = queue.current_clocks(ids, moment, explanations=False)
            for row in page.rows:
                link, text = details.get(row.incident_id, ("", row.first_line))
                current = clocks.get(row.incident_id)
                writer.append([
                    row.incident_id,
                    row.detected_at.astimezone(tz).replace(tzinfo=None),
                    _label(NETWORK_LABELS, Network, row.network),
                    link,
                    row.author,
                    text,
                    row.topic,
                    row.units,
                    row.status_label,
                    _label(PRIORITY_LABELS, Priority, row.priority),
                    row.due_at.astimezone(tz).replace(tzinfo=None) if row.due_at else None,
                    current.summary() if current else "",
                    _label(REQUEST_STATE_LABELS, RequestState, row.request_state) if row.request_state else "",
                    row.author_wait,
                ])
            offset += len(page.rows)
            if progress is not None and progress(min(offset, total), max(total, offset)) is False:
                writer.discard()
                return 0
            if not page.has_more or not page.rows:
                break
    return writer.rows
