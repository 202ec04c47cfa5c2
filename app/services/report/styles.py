"""The report's cell styles, shared by every sheet: borders, fills, fonts, alignments, number formats."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
BAD_FILL = PatternFill("solid", fgColor="F8CBAD")
WORST_FILL = PatternFill("solid", fgColor="FF9F9F")
GOOD_FILL = PatternFill("solid", fgColor="E2EFDA")

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
LINK_FONT = Font(color="0563C1", underline="single")

HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP = Alignment(vertical="top")
RIGHT = Alignment(horizontal="right", vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")

# «[$-419]» marks a format as Russian: a decimal comma wherever the file is opened
LOCAL_DT_FORMAT = "DD.MM.YYYY HH:MM"
PERCENT_FORMAT = "[$-419]0.0%"
COUNT_CHANGE_FORMAT = "+0;-0;0"
POINTS_CHANGE_FORMAT = '[$-419]+0.0" п. п.";-0.0" п. п.";0.0" п. п."'

