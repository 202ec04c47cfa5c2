"""Chart pieces shared by the sheets that draw charts («Сводка», «По темам и соцсетям»)."""
from __future__ import annotations

from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel


def data_labels(*, value: bool = False, percent: bool = False) -> DataLabelList:
    """Data labels with only the value (or the percentage): LibreOffice shows every unset part."""
    return DataLabelList(showVal=value, showPercent=percent, showCatName=False, showSerName=False,
                         showLegendKey=False, showLeaderLines=False)


def series_title(text: str) -> SeriesLabel:
    """A series name given as text (not a cell reference)."""
    return SeriesLabel(v=text)
