"""Issue 13: a control character becomes a space, the same way in every file the program writes."""
from __future__ import annotations

import pytest

from app.services.cell_text import clean


@pytest.mark.parametrize("text,expected", [
    ("Упр\x01символы", "Упр символы"),                 # never glued words, never «�»
    ("Упр\x00\x1b[0mсимволы", "Упр [0mсимволы"),       # a run of them is one space (ESC of a colour code)
    ("Упр \x07 символы", "Упр символы"),              # no double space around it
    ("Упр\x0b\x0cсимволы", "Упр символы"),             # vertical tab, form feed
    ("Упр\x7fсим\x85волы", "Упр сим волы"),            # DEL and the C1 controls
    ("Упр\ud800символы", "Упр символы"),               # a lone surrogate XML cannot store
    ("Упр\ufffeсимволы\uffff", "Упр символы"),
    ("\x02в начале", "в начале"),                      # at the edges: simply gone
    ("в конце\x03", "в конце"),
    ("\x01", ""),
    ("", ""),
    ("обычный текст, «кавычки» — тире", "обычный текст, «кавычки» — тире"),
    ("два  пробела  остаются", "два  пробела  остаются"),  # only control characters are touched
    ("эмодзи 🙂 остаются", "эмодзи 🙂 остаются"),
])
def test_control_characters_become_one_space_between_words(text: str, expected: str) -> None:
    assert clean(text) == expected
    assert clean(text, line_breaks=False) == expected


def test_a_message_keeps_its_line_breaks_and_tabs_written_one_way() -> None:
    assert clean("первая\r\nвторая\rтретья\nчетвёртая") == "первая\nвторая\nтретья\nчетвёртая"
    assert clean("столбец\tтаб") == "столбец\tтаб"
    assert clean("строка\x01\nследующая") == "строка\nследующая"  # at a line's end: gone
    assert clean("строка\n\x01следующая") == "строка\nследующая"  # at a line's start: gone
    assert clean("\n\nабзацы\n\n") == "\n\nабзацы\n\n"


def test_a_single_line_cell_gets_spaces_for_line_breaks_and_tabs() -> None:
    assert clean("Очередь\r\nинцидентов", line_breaks=False) == "Очередь инцидентов"
    assert clean("Очередь \n\t инцидентов\x01", line_breaks=False) == "Очередь инцидентов"
    assert clean("Заголовок\u2028второй", line_breaks=False) == "Заголовок второй"
    assert clean("\nОчередь\n", line_breaks=False) == "Очередь"


def test_cleaning_twice_changes_nothing() -> None:
    for text in ("Упр\x01символы", "a\r\n\x00b", " \x02 x \x03 ", "a\tb\x0b\n c"):
        once = clean(text)
        assert clean(once) == once and "\r" not in once
