"""The report file's properties: the program and its version as its creator and application, its
title and period — what Excel's «Сведения», a file manager and the PDF the reader makes show.

openpyxl names itself as the application of every file it writes; :func:`save` writes the
workbook through an archive that puts the program's name in that place instead.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import ARC_APP
from openpyxl.xml.functions import tostring

from app import __version__
from app.services.report.data import REPORT_TITLE, ReportData
from app.services.report.periods import as_of_words

PROGRAM = "Инциденты"


def describe(wb: Any, data: ReportData) -> None:
    """Title, subject (the period), creator and keywords of the workbook."""
    props = wb.properties
    props.title = data.title
    props.subject = f"Период: {data.period_start:%d.%m.%Y} — {data.period_end:%d.%m.%Y}" + (
        f", {as_of_words(data.as_of)}" if data.as_of else "")
    props.creator = props.lastModifiedBy = f"{PROGRAM} {__version__}"
    props.description = f"{REPORT_TITLE}: отчёт для главы поселения"
    props.keywords = "инциденты; социальные сети; отчёт"


class _Archive(ZipFile):
    """A zip archive that writes the program's own application properties."""

    def writestr(self, name: Any, data: Any, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        if name == ARC_APP:
            app = ExtendedProperties()
            app.Application = PROGRAM
            app.AppVersion = ".".join(__version__.split(".")[:2])
            data = tostring(app.to_tree())
        super().writestr(name, data, *args, **kwargs)


def save(wb: Any, path: Path) -> None:
    """Save the workbook to ``path`` as ``wb.save`` would, with the program as its application."""
    if not wb.worksheets:
        wb.create_sheet()
    with _Archive(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
