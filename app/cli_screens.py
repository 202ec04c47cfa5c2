"""Sub-commands of this module are being built."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Nothing to add yet."""
