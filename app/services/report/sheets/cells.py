"""The cells of one sheet: numbers, dates, untrusted text and links, each made for the sheet it goes on.

openpyxl files a cell's hyperlink under the sheet the cell was created for, so a :class:`Cells`
is bound to its worksheet and every cell of that sheet is made through it.

Text that came from social networks or from users (authors, messages, links, comments) is
always written as an inline string, never as a formula: openpyxl would turn a value that
begins with «=» into a formula, so such values are written as cells whose type is forced to
text and which carry the «quote prefix» attribute (Excel's and LibreOffice's own marker for
«this is text even if it looks like a formula»). Control characters become a space, as in every
file the program writes (:func:`app.services.cell_text.clean`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font, PatternFill

from app.services.cell_text import clean
from app.services.report.styles import BOLD, BORDER, HEADER_ALIGN, HEADER_FILL, LINK_FONT, LOCAL_DT_FORMAT, TOP

MAX_CELL_TEXT = 32_767
MAX_LINKS = 65_000  # Excel keeps at most 65 530 hyperlinks a sheet; the rest stay plain text

_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str | None, *, line_breaks: bool = True) -> str:
    """Text as a cell may hold it: control characters replaced by a space (line breaks kept only with
    ``line_breaks``), cut to Excel's limit of a cell."""
    if not value:
        return ""
    return clean(str(value), line_breaks=line_breaks)[:MAX_CELL_TEXT]


def needs_text_guard(value: str) -> bool:
    """True if Excel or LibreOffice could take the value for a formula, an error or a number sign."""
    return bool(value) and (value.startswith(_UNSAFE_START) or ord(value[0]) < 32 or value in ERROR_CODES
                            or value != value.strip())


class Cells:
    """Makes the cells of one write-only worksheet."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.links = 0

    def cell(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
             fmt: str | None = None, align: Alignment | None = None, border: bool = False) -> Cell:
        c = WriteOnlyCell(self.ws, value=value)
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if fmt is not None:
            c.number_format = fmt
        if align is not None:
            c.alignment = align
        if border:
            c.border = BORDER
            if align is None:
                c.alignment = TOP  # a table's cells start at the top of a row made tall by wrapped text
        return c

    def text(self, value: str | None, *, line_breaks: bool = True, **style: Any) -> Any:
        """Untrusted text: always a string cell, never a formula (an empty one is no cell at all);
        ``line_breaks=False`` for a one-line value (a name, an author, a link)."""
        value = clean_text(value, line_breaks=line_breaks)
        style = {key: item for key, item in style.items() if item is not None and item is not False}
        if not value and not style:
            return None
        if not needs_text_guard(value) and not style:
            return value
        c = WriteOnlyCell(self.ws)
        c._value = value
        c.data_type = "s"
        if needs_text_guard(value):
            c.quotePrefix = True
        for key, item in style.items():
            if key == "font":
                c.font = item
            elif key == "fill":
                c.fill = item
            elif key == "border":
                c.border = BORDER
                if "align" not in style:
                    c.alignment = TOP
            elif key == "align":
                c.alignment = item
        return c

    def link(self, url: str | None, label: str | None = None, **style: Any) -> Any:
        """A clickable link in the link style (plain text when it cannot be a link)."""
        url = clean_text(url, line_breaks=False)
        if not url:
            return None
        c = self.text(label if label is not None else url, line_breaks=False, font=LINK_FONT, **style)
        if self._linkable(url):
            c.hyperlink = url
            self.links += 1
        return c

    def _linkable(self, url: str) -> bool:
        return url.lower().startswith(("https://", "http://")) and len(url) < 2000 and self.links < MAX_LINKS

    def dt(self, value: datetime | None, **style: Any) -> Any:
        if value is None:
            return None
        return self.cell(value, fmt=LOCAL_DT_FORMAT, **style)

    def header(self, names: Sequence[str]) -> list[Cell]:
        """The header row of a table: bold, filled, wrapped, bordered."""
        return [self.cell(n, font=BOLD, fill=HEADER_FILL, align=HEADER_ALIGN, border=True) for n in names]

