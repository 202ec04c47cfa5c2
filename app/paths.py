"""Where the application's bundled resources and documentation live (source tree or a PyInstaller
bundle)."""
from __future__ import annotations

import sys
from pathlib import Path

#: The ``resources`` directory: inside the PyInstaller bundle when frozen, else the repository's.
RESOURCES_DIR: Path = (
    Path(getattr(sys, "_MEIPASS")) / "resources"
    if getattr(sys, "_MEIPASS", None)
    else Path(__file__).resolve().parents[1] / "resources"
)

#: The ``docs`` directory (the user guide and its screenshots): ``docs`` inside the PyInstaller
#: bundle when frozen (``installer.spec`` puts ``docs/user-guide.md`` and ``docs/screenshots`` there),
#: else the repository's.
DOCS_DIR: Path = (
    Path(getattr(sys, "_MEIPASS")) / "docs"
    if getattr(sys, "_MEIPASS", None)
    else Path(__file__).resolve().parents[1] / "docs"
)
#: The user guide, in Russian Markdown; its images are relative to ``DOCS_DIR``.
USER_GUIDE: Path = DOCS_DIR / "user-guide.md"


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource, e.g. ``resource_path("calendar", "x.csv")``."""
    return RESOURCES_DIR.joinpath(*parts)
