"""The report as its reader prints it: rendered by LibreOffice to PDF, every word measured.

Printed text must be at least 7 pt. The test does not guess how tall a 7-pt word comes out of
``pdftotext -bbox``: that depends on the font LibreOffice substitutes for Calibri on this
machine (DejaVu Sans here: a word's box is about 1.3 times its size, not the 1.1 of narrower
fonts). So the same LibreOffice also renders a one-cell workbook whose text is Calibri 7 pt at
100 %, and that word's box is the yardstick: every word of the report must be at least as tall
(2 % allowed for rounding). Words of the report's charts are measured the same way.

Skipped, with the reason, where LibreOffice or poppler's pdftotext is not installed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from app.services import report, workflow
from tests.services.test_report import NOV, NOW, SHEETS, World, at, month  # noqa: F401 - ``month`` is a fixture

SOFFICE, PDFTOTEXT, PDFINFO = (shutil.which(name) for name in ("soffice", "pdftotext", "pdfinfo"))
pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or PDFINFO is None,
    reason="LibreOffice не установлен (нет soffice) или нет pdftotext/pdfinfo (poppler-utils): печать отчёта "
           "не проверить")

LONG_TEXT = ("Здравствуйте! Пишу уже третий раз: на улице Красной у домов 10, 12 и 14 не горят фонари, "
             "вечером дети идут из школы в полной темноте. ") * 8  # 960 characters: the register shows 500


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def words(pdf: Path) -> list[Word]:
    html = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    found = []
    for page, chunk in enumerate(re.split(r"<page ", html)[1:], 1):
        for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', chunk):
            found.append(Word(page, text, float(x0), float(y0), float(x1), float(y1)))
    return found


def render(tmp_path: Path, *books: Path) -> list[Path]:
    """PDFs of the workbooks, made by LibreOffice with a profile of this test's own (runs in parallel)."""
    out = tmp_path / "pdf"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), *map(str, books)], capture_output=True, check=True, timeout=300)
    pdfs = [out / f"{book.stem}.pdf" for book in books]
    assert all(pdf.is_file() for pdf in pdfs), list(out.iterdir())
    return pdfs


def test_every_printed_word_is_at_least_7_pt_and_the_message_stays_in_its_column(
        month, tmp_path: Path) -> None:  # noqa: ANN001
    w: World = month[0]
    w.clock.set(at(11, 30, 11, 55))  # a long message, as social networks bring them
    long = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-777_500", author="Житель",
                                      text=LONG_TEXT, detected_at=w.clock.moment)
    path = tmp_path / "ноябрь.xlsx"
    report.build_monthly_report(*NOV, path, now=NOW)
    yardstick = tmp_path / "seven.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Семь"
    wb.active["A1"].font = Font(name="Calibri", size=7)
    wb.save(yardstick)
    pdf, seven_pdf = render(tmp_path, path, yardstick)

    seven = [word for word in words(seven_pdf) if word.text == "Семь"]
    assert len(seven) == 1
    least = seven[0].height * 0.98
    printed = words(pdf)
    pages: dict[int, list[Word]] = {}
    for word in printed:
        pages.setdefault(word.page, []).append(word)
    # each page's sheet: its name is the footer's first words
    sheet_of = {}
    for page, found in pages.items():
        bottom = max(word.y0 for word in found)
        footer = " ".join(word.text for word in sorted(found, key=lambda wd: wd.x0) if word.y0 > bottom - 3)
        sheet_of[page] = next(name for name in sorted(SHEETS, key=len, reverse=True) if footer.startswith(name))
    assert set(sheet_of.values()) == set(SHEETS)  # every sheet prints
    smallest = {name: min(word.height for page, found in pages.items() if sheet_of[page] == name for word in found)
                for name in SHEETS}
    too_small = [(sheet_of[word.page], word.text, round(word.height / seven[0].height * 7, 1))
                 for word in printed if word.height < least]
    assert too_small == [], f"меньше 7 пт: {too_small[:20]}; наименьшее по листам (пт): " + str(
        {name: round(height / seven[0].height * 7, 1) for name, height in smallest.items()})

    # «Текст сообщения» wraps inside its column: every word of the message lies between the column's edges
    register = [page for page, name in sheet_of.items() if name == "Реестр"]
    first = pages[register[0]]
    pairs = [(a, b) for a, b in zip(first, first[1:], strict=False) if (a.text, b.text) == ("Текст", "сообщения")]
    title, word2 = max(pairs, key=lambda pair: pair[0].y0)  # the header row is below the subtitle that names it
    center = (title.x0 + word2.x1) / 2
    message = {"Здравствуйте!", "Пишу", "уже", "вечером", "дети", "школы", "полной", "темноте.", "Красной", "фонари,"}
    body = [word for page in register for word in pages[page] if word.text in message and word.y0 > title.y1]
    assert body
    left = min(word.x0 for word in body)
    right = 2 * center - left  # the header is centred in the column, the message starts at its left edge
    assert max(word.x1 for word in body) <= right + 2
    page_width = 841.9
    assert all(word.x1 <= page_width - 20 for word in printed)  # nothing runs off the paper either
    # the message is cut at 500 characters and says so: «…» at its end
    assert any(word.text.endswith("…") for page in register for word in pages[page])
    assert long.id

    # the PDF carries the report's title and its maker, as the workbook's properties give them
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "Работа с сообщениями в социальных сетях за ноябрь 2026 г. (по состоянию на 30 ноября)" in info
    assert "Инциденты 0.1.0" in info
