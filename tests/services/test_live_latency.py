"""Issue 16: what one program does is seen by another one — a separate OS process — within two seconds.

A small run of ``bench/bench_notify.py`` on the backend under test: program B writes 20 comments, program
A (the server's NOTIFY heard by a ``Listener``; on SQLite the file's change counter looked at every second,
as the window does) reports each one's incident. The bound is loose: the figures of a real run are in
docs/performance.md («Оповещения между компьютерами»).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import bench_notify
from tests.helpers import databases
from tests.helpers.world import World, build_world
from tests.services.test_workflow import routed

ACTIONS = 20


@pytest.fixture
def programs_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The database both programs open, as they open it. On SQLite a file of this test's own: the tests'
    shared file has been reopened by every test of this process, and the check of its first bytes on each
    opening (a plain read of the file) lets go of the locks SQLite keeps on it for this process's older
    connections — another process closing its connection there would then take the WAL file away."""
    from app.services.database import close_database, open_database

    if databases.backend() == "postgresql":
        request.getfixturevalue("db")
        parts = urlsplit(database_url)  # each program signs in as its own person's role
        yield urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))
    else:
        url = f"sqlite:///{tmp_path}/programs.sqlite3"
        open_database(url)
        yield url
        close_database()


@pytest.fixture
def world(programs_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


def test_another_process_sees_each_action_within_two_seconds(world: World, programs_url: str) -> None:
    ids = [routed(world, "zhkh", n=n).id for n in range(1, 4)]
    result = bench_notify.measure(programs_url, ids, ACTIONS, gap_s=0.1)
    print("\n" + "\n".join(result.lines()))
    assert result.missing == 0, "every action is seen by the other program"
    assert result.longest_ms <= bench_notify.GOAL_S * 1000, result.lines()
    assert result.met
