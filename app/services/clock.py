"""The current moment for the services. Tests replace ``now`` to move time (as Vorta does)."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """Now, aware, in UTC, to the second (what the database keeps)."""
    return datetime.now(timezone.utc).replace(microsecond=0)
