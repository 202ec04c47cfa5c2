"""One rule for the characters a spreadsheet cell must not get: control characters become a space.

Messages from social networks sometimes carry invisible control characters (a stray NUL byte, an
escape sequence, a «vertical tab» pasted from another program). A spreadsheet cannot show them:
XLSX (XML 1.0) cannot store most of them at all, and CSV opened in Excel shows them as boxes or
breaks the row. Every file the program writes — the queue export, the import's error report, the
monthly report — and the importer's repair of a damaged CSV row put the text through
:func:`clean`, so a control character looks the same everywhere: a space between the words it
separated («Упр\\x01символы» → «Упр символы»), never glued words and never «�».

What is replaced: the C0 controls (U+0000–U+001F) except, in a cell that keeps its line breaks,
the tab and the line breaks; DEL and the C1 controls (U+007F–U+009F); and what XML 1.0 cannot
store — lone surrogates (U+D800–U+DFFF), U+FFFE and U+FFFF. A run of such characters (with the
spaces around it) becomes one space; at the start or the end of the text or of a line, and next
to a tab, it simply goes (no space is added where there already is a gap). Line breaks are
written the one way a cell keeps them, ``\\n`` (``\\r\\n`` and a lone ``\\r`` become ``\\n``); in a
single-line cell they become spaces too.

No Qt and no database here: the report, the export and the importer all use it.
"""
from __future__ import annotations

import re

#: characters replaced in every cell (line breaks and tabs are not among them)
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
#: a run of control characters with the spaces around it
CONTROL_RUN = re.compile(f" *[{_CONTROL}](?:[ {_CONTROL}]*[{_CONTROL}])? *")
#: the same in a single-line cell: tabs and line breaks are replaced as well
_SINGLE_LINE_RUN = re.compile(f"[ \t\r\n\u2028\u2029]*[{_CONTROL}\t\r\n\u2028\u2029](?:[ \t\r\n\u2028\u2029{_CONTROL}]*"
                              f"[{_CONTROL}\t\r\n\u2028\u2029])?[ \t\r\n\u2028\u2029]*")
_LINE_BREAK = re.compile(r"\r\n?")


def _gap(match: re.Match[str]) -> str:
    """One space between two words; nothing at the edge of the text, of a line, or next to a tab."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text) or text[start - 1].isspace() or text[end].isspace():
        return ""
    return " "


def has_control(text: str) -> bool:
    """Whether :func:`clean` would replace anything in ``text`` besides its line breaks."""
    return CONTROL_RUN.search(text) is not None


def clean(text: str, *, line_breaks: bool = True) -> str:
    """``text`` as a spreadsheet cell may hold it: every control character replaced by a space.

    ``line_breaks`` — the cell keeps its line breaks and tabs (a message's text); False — a
    single-line cell (a title, a name), where they become spaces as well.
    """
    if line_breaks:
        if "\r" in text:
            text = _LINE_BREAK.sub("\n", text)
        return CONTROL_RUN.sub(_gap, text) if CONTROL_RUN.search(text) else text
    return _SINGLE_LINE_RUN.sub(_gap, text)
