"""Where the application's bundled resources live (source tree or a PyInstaller bundle)."""
from __future__ import annotations

import sys
from pathlib import Path

#: The ``resources`` directory: inside the PyInstaller bundle when frozen, else the repository's.
RESOURCES_DIR: Path = (
    Path(getattr(sys, "_MEIPASS")) / "resources"
    if getattr(sys, "_MEIPASS", None)
    else Path(__file__).resolve().parents[1] / "resources"
)


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource, e.g. ``resource_path("calendar", "x.csv")``."""
    return RESOURCES_DIR.joinpath(*parts)
