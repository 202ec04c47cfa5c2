"""A sheet's frame: its title rows, column widths, row heights, frozen header, filter and print set-up.

Every sheet of the report is made the same way: a :class:`Sheet` creates the worksheet (so that
the cells made for it belong to it), the sheet's module builds its rows, measures them with
:func:`fit`, calls :meth:`Sheet.frame` and then adds the rows with :meth:`Sheet.add`.

Paper. A sheet prints on A4 landscape, and its text must stay readable there: at least 7 pt.
The cells' text is 11 pt, so a page may be shrunk to :data:`MIN_SCALE` (70 %, 7.7 pt) and no
further. A sheet says in its :class:`Paper` which of its columns matter on paper (the first
ones; the others stay on the screen, outside the print area) and which key columns are repeated
on every page across when the printed columns need more than one page's width; the header row is
repeated on every page down. Column widths are measured in Excel's units (the width of a digit);
LibreOffice, which substitutes a wider font for Calibri on many machines, fits about
:data:`PAGE_WIDTH` of them across the page at 100 %, Excel more: the layout is planned for the
wider of the two. Wrapped text gets rows tall enough for its lines (neither Excel nor
LibreOffice fits a row to streamed text by itself), so it stays inside its column and row.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.services.report.data import ReportData, local, report_zone
from app.services.report.sheets.cells import Cells, clean_text
from app.services.report.sheets.stream import Column, RawRow, Table, create_sheet
from app.services.report.styles import BOLD, NOTE_FONT, TITLE_FONT, WRAP

#: column-width units (Excel's: the width of a digit) that fit across the printable width of
#: A4 landscape with 0.3″ margins at 100 %, as LibreOffice lays them out with a substitute font
#: (7 pt a unit: 798 pt of paper hold 114 units; Excel's units are narrower)
PAGE_WIDTH = 112
#: the smallest print scale, %: 11-pt cell text prints at 7.7 pt
MIN_SCALE = 70
#: text printed smaller than this (points) is too small to read
MIN_PRINTED_POINTS = 7.2
LINE_HEIGHT = 15.0        # points a line of 11-pt text takes in a row
CHARS_PER_UNIT = 1.0      # characters of Cyrillic text per unit of column width (the wider font's)


@dataclass(frozen=True)
class Paper:
    """What of a sheet goes on paper.

    ``columns`` — the first so many columns are printed (None: all); ``title_columns`` — the first
    so many are repeated on every page across, should the printed columns need more than one
    page's width (printed at a scale of one's own, say).
    """

    columns: int | None = None
    title_columns: int = 0


class Sheet(Cells):
    """One worksheet of the report and the cells made for it."""

    def __init__(self, wb: Any, data: ReportData, title: str) -> None:
        super().__init__(create_sheet(wb, title))
        self.data = data
        self.title = title
        self.widths: list[float] = []
        self.wrapped: frozenset[int] = frozenset()
        self.row = 0                                  # the last row written
        self.printed_columns = 0
        self.note_columns = 1                         # the leading columns that surely fit on one page

    # ---- the frame ---------------------------------------------------------------------
    def frame(self, subtitle: str, widths: Sequence[float], header_row: int, header: Sequence[str] = (),
              paper: Paper = Paper(), wrapped: Collection[int] = ()) -> None:
        """Widths, frozen header, print set-up, page header and footer, the title rows (the subtitle
        wraps across the printed width) and, with ``header``, an empty row and the header row.
        ``wrapped`` — 0-based columns whose text wraps (the rows grow to hold it)."""
        ws, d = self.ws, self.data
        self.widths = list(widths)
        self.wrapped = frozenset(wrapped)
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = f"A{header_row + 1}"
        scale = self._print_setup(paper, header_row)
        page = PAGE_WIDTH * 100 / scale
        self.note_columns = max(1, sum(1 for i in range(self.printed_columns) if sum(self.widths[:i + 1]) <= page))
        size = max(9, math.ceil(MIN_PRINTED_POINTS * 100 / scale))  # the page header and footer shrink too
        ws.oddHeader.left.text = _hf(d.title)
        ws.oddHeader.right.text = _hf(f"Период: {d.period_start:%d.%m.%Y} — {d.period_end:%d.%m.%Y}")
        ws.oddFooter.left.text = _hf(self.title)
        ws.oddFooter.center.text = "Страница &P из &N"
        ws.oddFooter.right.text = _hf(f"Сформирован {local(d.generated_at, report_zone(d)):%d.%m.%Y %H:%M}")
        for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.left, ws.oddFooter.center,
                     ws.oddFooter.right):
            part.size = size
        self.add([self.cell(f"{self.title}: {d.title}", font=TITLE_FONT)], height=24)
        self.note(subtitle)
        if header:
            self.add([])
            ws.row_dimensions[header_row].height = header_height(header, widths)
            ws.append(self.header(header))
            self.row += 1

    def _print_setup(self, paper: Paper, header_row: int) -> float:
        """A4 landscape, the header row on every page; the scale (%) the printed columns need."""
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.3
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_title_rows = f"{header_row}:{header_row}"
        printed = self.widths[:paper.columns] if paper.columns else self.widths
        self.printed_columns = len(printed)
        if paper.title_columns:
            ws.print_title_cols = f"A:{get_column_letter(paper.title_columns)}"
            ws.page_setup.pageOrder = "overThenDown"  # a row's pages across one after another
        widest = sum(printed)
        if widest * MIN_SCALE / 100 <= PAGE_WIDTH:
            # one page wide: each program fits the columns to the width (Excel's columns are narrower)
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            return min(100.0, PAGE_WIDTH * 100 / widest) if widest else 100.0
        ws.page_setup.scale = MIN_SCALE  # wider than a page at the smallest scale: pages across
        return MIN_SCALE

    def finish(self) -> None:
        """After the last row: the print area — the printed columns of every row — when not all columns print."""
        if self.printed_columns < len(self.widths):
            self.ws.print_area = f"A1:{get_column_letter(self.printed_columns)}{max(1, self.row)}"

    # ---- rows --------------------------------------------------------------------------
    def add(self, values: Iterable[Any], *, height: float | None = None) -> None:
        """Append a row; a row with wrapped text in the ``wrapped`` columns is made tall enough for it."""
        values = values if isinstance(values, list) else list(values)
        self.row += 1
        if height is None and self.wrapped:
            height = self.height_of({i: v for i, v in enumerate(values) if i in self.wrapped})
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(values)

    def table(self, columns: Sequence[Column]) -> Table:
        """A big table of the sheet, its rows added with :meth:`stream` (see :mod:`.stream`)."""
        return Table(self.ws, columns)

    def stream(self, table: Table, values: Sequence[Any]) -> None:
        """Append a row of ``table`` (one value a column), as tall as its wrapped text needs."""
        self.row += 1
        height = None
        if self.wrapped:
            lines = 1
            widths = self.widths
            for index in self.wrapped:
                value = values[index]
                if isinstance(value, str) and index < len(widths):
                    lines = max(lines, text_lines(clean_text(value), widths[index]))
            if lines > 1:
                height = LINE_HEIGHT * lines + 2
        self.ws.append(RawRow((table, values, height)))

    def height_of(self, texts: dict[int, Any]) -> float | None:
        """The height (points) a row needs for the text of these columns, None for one line."""
        lines = 1
        for index, value in texts.items():
            if isinstance(value, Cell):
                value = value.value
            if isinstance(value, str) and index < len(self.widths):
                lines = max(lines, text_lines(value, self.widths[index]))
        return LINE_HEIGHT * lines + 2 if lines > 1 else None

    def note(self, text: str, *, bold: bool = False) -> None:
        """A paragraph of explanation across the columns of the first page (merged), wrapped into as many
        lines as it needs."""
        columns = self.note_columns if self.widths else 1
        width = sum(self.widths[:columns]) or 100.0
        self.row += 1
        if columns > 1:
            self.ws.merged_cells.add(f"A{self.row}:{get_column_letter(columns)}{self.row}")
        self.ws.row_dimensions[self.row].height = LINE_HEIGHT * text_lines(text, width, bold=bold) + 2
        self.ws.append([self.cell(text, font=BOLD if bold else NOTE_FONT, align=WRAP)])

    def page_break(self) -> None:
        """What follows starts on a new page (a chart that must not be cut in two)."""
        self.ws.row_breaks.append(Break(id=self.row))

    def filter(self, first_row: int, last_row: int, columns: int) -> None:
        self.ws.auto_filter.ref = f"A{first_row}:{get_column_letter(columns)}{max(first_row, last_row)}"


def _hf(text: str) -> str:
    """Header/footer text: «&» is a control character there."""
    return text.replace("&", "&&")


def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` wraps into in a column ``width`` units wide (by words, as a cell wraps)."""
    usable = max(1.0, (width - 1) * CHARS_PER_UNIT / (1.1 if bold else 1.0))
    if len(text) <= usable and "\n" not in text:
        return 1  # the words and the single spaces between them fit on a line
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        current = 0.0
        for word in paragraph.split():
            size = len(word)
            if current and current + 1 + size > usable:
                count += 1 + int((size - 1) // usable)
                current = size % usable or usable
            elif not current and size > usable:
                count += int((size - 1) // usable)
                current = size % usable or usable
            else:
                current += (1 if current else 0) + size
    return max(1, count)


def header_height(names: Sequence[str], widths: Sequence[float]) -> float:
    """Enough height for wrapped bold header text in columns of these widths (points)."""
    lines = max((text_lines(name, width, bold=True) for name, width in zip(names, widths, strict=False)), default=1)
    return LINE_HEIGHT * lines + 3


def sample(rows: Sequence[Any], limit: int = 2000) -> Sequence[Any]:
    """At most ``limit`` rows spread over the table: enough to measure column widths."""
    if len(rows) <= limit:
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def fit(rows: Iterable[Sequence[Any]], names: Sequence[str], maximum: Sequence[float],
        minimum: Sequence[float] | None = None) -> list[float]:
    """Column widths that fit the content (up to ``maximum``); headers wrap by words, and a column is
    never narrower than the longest word of its header (a word is not broken in the middle)."""
    words = [max(6.0, max((len(w) for w in n.split()), default=4) * 1.1 + 1.5) for n in names]
    widths = list(words)
    if minimum is not None:
        widths = [max(w, m) for w, m in zip(widths, minimum, strict=False)]
    for row in rows:
        for i, value in enumerate(row):
            if i >= len(widths):
                break
            if isinstance(value, Cell):
                value = value.value
            if value is None:
                continue
            if isinstance(value, timedelta):
                width = 13.0
            elif isinstance(value, datetime):
                width = 17.0
            elif isinstance(value, float):
                width = 9.0
            else:
                width = len(str(value)) + 2.0
            if width > widths[i]:
                widths[i] = width
    return [min(w, max(m, word)) for w, m, word in zip(widths, maximum, words, strict=False)]
