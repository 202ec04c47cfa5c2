"""Sub-commands about working time: `calendar YEAR` and `due START`."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Placeholder until the calendar commands land."""
