"""Every clickable link of the report is where its reader clicks: on its own sheet, in its own cell,
going to the address that cell shows.

The saved workbook is read back with openpyxl, which files a link under the sheet whose XML holds
it; so a link written for «Официальные страницы» but filed under «Реестр» shows up here as a
link on a «Реестр» cell — and as a missing link on the pages' sheet.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.services import report
from tests.services.test_report import LINKS, NOV, NOW, SHEETS, month, table  # noqa: F401 - ``month`` is a fixture

PAGES = {"Администрация Кореновского городского поселения": "https://vk.com/korenovsk_adm",
         "Глава Кореновска": "https://t.me/glava_korenovsk"}


def links_of(path: Path) -> dict[str, dict[str, str]]:
    """Every hyperlink of every sheet: sheet → cell → target."""
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink}
            for ws in wb}


def test_every_link_of_every_sheet_is_on_its_sheet_in_its_cell_with_its_target(
        month, tmp_path: Path) -> None:  # noqa: ANN001
    _, _, november = month
    path = tmp_path / "ноябрь.xlsx"
    report.build_monthly_report(*NOV, path, now=NOW)
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    expected: dict[str, dict[str, str]] = {name: {} for name in SHEETS}
    # «Просрочки»: every row links its incident's post, in the column «Ссылка»
    link_of = {s.id: LINKS[s.network].format(s.n) for s in november}
    header, body = table(wb["Просрочки"])
    column = get_column_letter(header.index("Ссылка") + 1)
    for i, row in enumerate(body):
        expected["Просрочки"][f"{column}{5 + i}"] = link_of[row[header.index("№")]]
    assert len(expected["Просрочки"]) == sum(len(s.late) for s in november) > 10
    # «Официальные страницы»: every page links its address, in the column «Адрес» of the second table
    ws = wb["Официальные страницы"]
    start = [c.row for c in ws["A"] if c.value == "Страница"][1]
    header, body = table(ws, start)
    column = get_column_letter(header.index("Адрес") + 1)
    for i, row in enumerate(body):
        expected["Официальные страницы"][f"{column}{start + 1 + i}"] = PAGES[row[header.index("Страница")]]
    assert len(expected["Официальные страницы"]) == 2
    assert links_of(path) == expected  # and no other sheet has a link at all
    for name, cells in expected.items():  # each link shows its own address, in the link style
        for coordinate, target in cells.items():
            cell = wb[name][coordinate]
            assert cell.value == target and cell.font.underline == "single", (name, coordinate)
