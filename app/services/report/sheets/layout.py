"""A sheet's frame: its title rows, column widths, frozen header, filter and print set-up.

Every sheet of the report is made the same way: :func:`open_sheet` creates the worksheet (so
that the cells made for it belong to it), the sheet's module builds its rows, measures them
with :func:`fit`, and :meth:`Sheet.frame` writes the frame before the first row.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.services.report.data import ReportData, local, report_zone
from app.services.report.sheets.cells import Cells
from app.services.report.styles import NOTE_FONT, TITLE_FONT


class Sheet(Cells):
    """One worksheet of the report and the cells made for it."""

    def __init__(self, wb: Any, data: ReportData, title: str) -> None:
        super().__init__(wb.create_sheet(title))
        self.data = data
        self.title = title

    def frame(self, subtitle: str, widths: Sequence[float], header_row: int, header: Sequence[str] = (),
              one_page: bool = False) -> None:
        """Widths, frozen header, A4 landscape print set-up, page header and footer, the two title rows."""
        ws, d = self.ws, self.data
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if header:
            ws.row_dimensions[header_row].height = header_height(header, widths)
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0  # a sheet with a chart prints on one page
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddHeader.left.text = _hf(d.title)
        ws.oddHeader.left.size = 9
        ws.oddHeader.right.text = _hf(f"Период: {d.period_start:%d.%m.%Y} — {d.period_end:%d.%m.%Y}")
        ws.oddHeader.right.size = 9
        ws.oddFooter.left.text = _hf(self.title)
        ws.oddFooter.left.size = 8
        ws.oddFooter.center.text = "Страница &P из &N"
        ws.oddFooter.center.size = 8
        ws.oddFooter.right.text = _hf(f"Сформирован {local(d.generated_at, report_zone(d)):%d.%m.%Y %H:%M}")
        ws.oddFooter.right.size = 8
        ws.append([self.cell(f"{self.title}: {d.title}", font=TITLE_FONT)])
        ws.append([self.cell(subtitle, font=NOTE_FONT)])

    def filter(self, first_row: int, last_row: int, columns: int) -> None:
        self.ws.auto_filter.ref = f"A{first_row}:{get_column_letter(columns)}{max(first_row, last_row)}"


def _hf(text: str) -> str:
    """Header/footer text: «&» is a control character there."""
    return text.replace("&", "&&")


def header_height(names: Sequence[str], widths: Sequence[float]) -> float:
    """Enough height for wrapped bold header text in columns of these widths (points)."""
    lines = 1
    for name, width in zip(names, widths, strict=False):
        usable = max(1.0, width - 1.5)
        words = name.split()
        count, current = 1, 0.0
        for word in words:
            size = len(word) * 1.15
            if current and current + 1 + size > usable:
                count += 1
                current = size
            else:
                current = current + (1 if current else 0) + size
        lines = max(lines, count)
    return 15.0 * lines + 3


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
    words = [max(6.0, max((len(w) for w in n.split()), default=4) * 1.15 + 2) for n in names]
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
