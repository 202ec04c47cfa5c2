"""The big tables of the report («Реестр», «Просрочки») written straight as sheet XML.

openpyxl makes a cell object for every value, an XML element for every cell and serialises each
element on its own: for the 20 000 rows of a month's register that is most of the report's time.
A table here is described once, column by column (:class:`Column`: what its values are and how
they look), and every row becomes one piece of text: each column's cell style is registered with
the workbook once, and a cell is ``<c r="B5" s="3" …>`` with the value escaped — the same XML
openpyxl would write for the same styled cells.

The rows still go through openpyxl's write-only worksheet (its stream holds the rest of the sheet:
columns, frozen panes, filter, print set-up, the small rows above the table); only the row's own
text is made here. Should openpyxl stream through a writer that takes no text (lxml's), a row is
handed to openpyxl as ordinary cells instead, with the same values and styles.

Values are treated as in :mod:`.cells`: text is cleaned of control characters and written as an
inline string, never as a formula, with the «quote prefix» style where Excel or LibreOffice could
take it for one; a datetime is a number in the column's date format; None is no cell at all.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink

from app.services.report.sheets.cells import MAX_LINKS, clean_text, needs_text_guard
from app.services.report.styles import LOCAL_DT_FORMAT, TOP

#: Excel's day 0 (the Windows epoch openpyxl writes dates against)
_EPOCH = datetime(1899, 12, 30)
_SECONDS_A_DAY = 86_400.0


@dataclass(frozen=True)
class Column:
    """One column of a streamed table.

    ``kind``: ``"value"`` — our own numbers and labels; ``"text"`` — untrusted text that keeps its
    line breaks (a message, a status that wraps); ``"line"`` — untrusted one-line text (an author,
    a name); ``"datetime"`` — a naive local datetime; ``"link"`` — a web address, clickable where it
    can be (``links=True``) and shown in the link style.
    """

    kind: str = "value"
    align: Alignment = TOP
    font: Font | None = None
    links: bool = True


class RawRow(tuple):
    """What :meth:`Table.row` appends: (the table, the row's values, its height or None)."""

    __slots__ = ()


class StreamingWorksheet(WriteOnlyWorksheet):
    """A write-only worksheet that also takes the rows of a :class:`Table` as text."""

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _Writer(self)
            self._writer.write_top()

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        if isinstance(values, RawRow):
            return values
        return super()._values_to_row(values, row_idx)


def create_sheet(wb: Any, title: str) -> StreamingWorksheet:
    """A new last sheet of the write-only workbook ``wb``, able to stream tables."""
    ws = StreamingWorksheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


class _Writer(WorksheetWriter):
    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        if not isinstance(row, RawRow):
            super().write_row(xf, row, row_idx)
            return
        table, values, height = row
        write = getattr(xf, "_file", None)  # the text stream of openpyxl's own XML writer
        if write is None:
            if height is not None:
                self.ws.row_dimensions[row_idx].height = height
            super().write_row(xf, table.cells(values, row_idx), row_idx)
            return
        write(table.xml(values, row_idx, height))


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class Table:
    """The rows of one table of a :class:`StreamingWorksheet`, all cells styled by their column."""

    def __init__(self, ws: StreamingWorksheet, columns: Sequence[Column], first_column: int = 1) -> None:
        self.ws = ws
        self.columns = list(columns)
        self.links = 0
        self._styles: list[tuple[Cell, Cell]] = []   # (plain, quote-prefixed) prototype of each column
        self._cells: list[Callable[[Any, int], str]] = []
        for index, column in enumerate(self.columns, first_column):
            plain, guarded = self._prototype(column), self._prototype(column)
            guarded.quotePrefix = True
            self._styles.append((plain, guarded))
            self._cells.append(self._maker(column, get_column_letter(index), plain.style_id, guarded.style_id))

    def _prototype(self, column: Column) -> Cell:
        c = WriteOnlyCell(self.ws)
        c.alignment = column.align
        if column.font is not None:
            c.font = column.font
        if column.kind == "datetime":
            c.number_format = LOCAL_DT_FORMAT
        return c

    def _maker(self, column: Column, letter: str, style: int, guarded: int) -> Callable[[Any, int], str]:
        """The function that writes one cell of the column: (value, row) → its XML ("" for no cell)."""
        number = f'<c r="{letter}{{}}" s="{style}" t="n"><v>{{}}</v></c>'
        flag = f'<c r="{letter}{{}}" s="{style}" t="b"><v>{{}}</v></c>'
        text = f'<c r="{letter}{{}}" s="{style}" t="inlineStr"><is><t>{{}}</t></is></c>'
        spaced = f'<c r="{letter}{{}}" s="{guarded}" t="inlineStr"><is><t xml:space="preserve">{{}}</t></is></c>'
        quoted = f'<c r="{letter}{{}}" s="{guarded}" t="inlineStr"><is><t>{{}}</t></is></c>'
        line_breaks = column.kind != "line" and column.kind != "link"

        def cleaned(value: str, row: int) -> str:
            if needs_text_guard(value):
                return (spaced if value != value.strip() else quoted).format(row, _escape(value))
            return text.format(row, _escape(value))

        def string(value: Any, row: int) -> str:
            value = clean_text(value, line_breaks=line_breaks)
            return cleaned(value, row) if value else ""

        if column.kind == "datetime":
            def moment(value: Any, row: int) -> str:
                if value is None:
                    return ""
                if value.tzinfo is not None:
                    raise TypeError("В отчёт пишется местное время без часового пояса")
                delta = value - _EPOCH
                serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / _SECONDS_A_DAY
                return number.format(row, "%.16g" % serial)
            return moment
        if column.kind == "link":
            def link(value: Any, row: int) -> str:
                url = clean_text(value, line_breaks=False)
                if not url:
                    return ""
                if column.links and self._linkable(url):
                    self.links += 1
                    self.ws._hyperlinks.append(Hyperlink(ref=f"{letter}{row}", target=url))
                return cleaned(url, row)
            return link
        if column.kind == "value":
            def value_cell(value: Any, row: int) -> str:
                if value is None:
                    return ""
                if value is True or value is False:
                    return flag.format(row, int(value))
                if isinstance(value, int | float):
                    return number.format(row, value if isinstance(value, int) else "%.16g" % value)
                return string(value, row)
            return value_cell
        return string

    def _linkable(self, url: str) -> bool:
        return url.lower().startswith(("https://", "http://")) and len(url) < 2000 and self.links < MAX_LINKS

    def xml(self, values: Sequence[Any], row: int, height: float | None) -> str:
        """The row as sheet XML."""
        cells = "".join([make(value, row) for make, value in zip(self._cells, values, strict=True)])
        if height is None:
            return f'<row r="{row}">{cells}</row>'
        return f'<row r="{row}" ht="{height:g}" customHeight="1">{cells}</row>'

    def cells(self, values: Sequence[Any], row: int) -> list[Cell]:
        """The row as openpyxl cells (for an XML writer that takes no text): the same values and styles."""
        made: list[Cell] = []
        for index, (column, (plain, guarded), value) in enumerate(zip(self.columns, self._styles, values,
                                                                          strict=True), 1):
            if value is None:
                continue
            if column.kind != "datetime" and not isinstance(value, int | float):
                value = clean_text(value, line_breaks=column.kind not in ("line", "link"))
                if not value:
                    continue
            c = WriteOnlyCell(self.ws)
            c._style = (guarded if isinstance(value, str) and needs_text_guard(value) else plain)._style
            if isinstance(value, str):
                c._value, c.data_type = value, "s"
            else:
                c.value = value
            c.column, c.row = index, row
            if column.kind == "link" and column.links and self._linkable(value):
                self.links += 1
                c.hyperlink = value
            made.append(c)
        return made
