"""Sign-in to the shared server: how long a wrong password and an unknown login take to be refused.

Issue 15: the time of the answer must not tell which logins exist. The script starts a throwaway
PostgreSQL cluster with SCRAM-SHA-256 authentication (``tests/helpers/scram_cluster.py``; needs
``initdb``/``pg_ctl``; as root the cluster belongs to the ``postgres`` user), makes a database with one
person, and times 30 refusals of each kind and 30 right sign-ins through ``open_as_person``. Each
wrong password is followed by a right sign-in, and each unknown login is a new one, so that the pause
after five wrong passwords (the server's attempt counter) never answers in the password check's place.

    .venv/bin/python bench/bench_signin.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg2  # noqa: E402

from app.models.enums import Role  # noqa: E402
from app.services import users  # noqa: E402
from app.services.database import close_database, open_as_person, open_database  # noqa: E402
from app.services.errors import AuthenticationError  # noqa: E402
from tests.helpers import scram_cluster  # noqa: E402

RUNS = 30
PASSWORD = "kurator-пароль-2026"


def _sign_in(url: str, login: str, password: str) -> float:
    """Milliseconds of one sign-in, refused or not."""
    start = time.perf_counter()
    try:
        open_as_person(url, login, password)
    except AuthenticationError:
        pass
    elapsed = (time.perf_counter() - start) * 1000
    close_database()
    return elapsed


def main() -> int:
    base = Path(tempfile.mkdtemp(prefix="incidents-scram-"))
    cluster = scram_cluster.start(base)
    try:
        conn = psycopg2.connect(cluster.owner_url())
        conn.autocommit = True
        conn.cursor().execute("CREATE DATABASE signin_bench")
        conn.close()
        open_database(cluster.owner_url("signin_bench"))
        users.create_user("kurator", "Слепокурова Яна Евгеньевна", PASSWORD, [Role.CURATOR])
        close_database()
        url = cluster.url("signin_bench")
        wrong, unknown, right = [], [], []
        for n in range(RUNS + 3):  # the first three warm the connections up
            w = _sign_in(url, "kurator", "не тот пароль")
            r = _sign_in(url, "kurator", PASSWORD)  # and forgets the wrong attempt
            u = _sign_in(url, f"nikto{n}", "не тот пароль")
            if n >= 3:
                wrong.append(w)
                right.append(r)
                unknown.append(u)
        print(f"медиана отказа: неверный пароль {statistics.median(wrong):.1f} мс, неизвестный логин "
              f"{statistics.median(unknown):.1f} мс; верный вход {statistics.median(right):.1f} мс "
              f"(по {RUNS} попыток)")
    finally:
        scram_cluster.stop(cluster)
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
