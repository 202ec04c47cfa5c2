"""Logging to a rotating file in the user's log folder (and warnings to stderr)."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.services.user_dirs import log_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Returns the log file's path, or None when the log folder cannot be written."""
    root = logging.getLogger()
    if any(getattr(h, "_incidents", False) for h in root.handlers):
        return None
    root.setLevel(level)
    path: Path | None = log_dir() / "incidents.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        path = None
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._incidents = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
