"""Russian texts for argparse's own messages (usage, errors, the help option)."""
from __future__ import annotations

import argparse

_RU = {
    "usage: ": "использование: ",
    "positional arguments": "команды и аргументы",
    "options": "параметры",
    "optional arguments": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "the following arguments are required: %s": "не указаны обязательные аргументы: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "недопустимое значение: %(value)r (возможны: %(choices)s)",
    "unrecognized arguments: %s": "неизвестные аргументы: %s",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "expected one argument": "ожидается одно значение",
    "invalid %(type)s value: %(value)r": "недопустимое значение (%(type)s): %(value)r",
    "not allowed with argument %s": "нельзя вместе с аргументом %s",
    "one of the arguments %s is required": "нужен один из аргументов: %s",
}


def _translate(message: str) -> str:
    return _RU.get(message, message)


def install() -> None:
    """argparse looks its messages up through a module-level ``_`` at call time."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: _translate(singular if n == 1 else plural)  # type: ignore[attr-defined]
