"""Fixtures shared by the service tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services import events


@pytest.fixture
def heard() -> Iterator[list[events.Event]]:
    """Every workflow event published during the test, in order."""
    got: list[events.Event] = []
    stop = events.subscribe(got.append)
    yield got
    stop()
