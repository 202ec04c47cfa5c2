"""Sign-in to the shared server: how long a wrong password and an unknown login take to be refused.

Issue 15: the time of the answer must not tell which logins exist. The script starts a throwaway
PostgreSQL cluster with SCRAM-SHA-256 authentication (``tests/helpers/scram_cluster.py``; needs
``initdb``/``pg_ctl``; as root the cluster belongs to the ``postgres`` user), makes a database with one
person, and times 30 refusals of each kind and 30 right sign-ins through ``open_as_person``.

    .venv/bin/python bench/bench_signin.py
"""
import sys, time, tempfile, shutil, statistics
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from pathlib import Path
from tests.helpers import scram_cluster
import psycopg2
base = Path(tempfile.mkdtemp(prefix="incidents-scram-"))
c = scram_cluster.start(base)
try:
    conn = psycopg2.connect(c.owner_url()); conn.autocommit = True
    conn.cursor().execute('CREATE DATABASE t1')
    from app.services.database import open_database, open_as_person, close_database
    from app.services import users
    from app.models.enums import Role
    from app.services.errors import AuthenticationError
    open_database(c.owner_url("t1"))
    users.create_user("kurator", "К", "kurator-пароль-2026", [Role.CURATOR])
    close_database()
    url = c.url("t1")
    def t(login, pw):
        s = time.perf_counter()
        try: open_as_person(url, login, pw)
        except AuthenticationError: pass
        return (time.perf_counter() - s) * 1000
    for _ in range(3): t("kurator", "x"); t("nikto", "x")
    wrong = [t("kurator", "не тот") for _ in range(30)]
    unknown = [t("nikto", "не тот") for _ in range(30)]
    right = []
    for _ in range(30):
        right.append(t("kurator", "kurator-пароль-2026")); close_database()
    print(f"медиана отказа: неверный пароль {statistics.median(wrong):.1f} мс, неизвестный логин {statistics.median(unknown):.1f} мс; верный вход {statistics.median(right):.1f} мс (по 30 попыток)")
finally:
    scram_cluster.stop(c); shutil.rmtree(base, ignore_errors=True)
