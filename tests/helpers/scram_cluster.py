"""A throwaway PostgreSQL cluster that checks passwords (SCRAM-SHA-256), for the sign-in tests.

The shared test server trusts local connections, so it cannot tell a right password from a wrong
one. This cluster is made with ``initdb --auth=scram-sha-256`` in a temporary folder, started on a
free port, and removed afterwards. ``initdb`` refuses to run as root: as root the cluster belongs to
the ``postgres`` system user.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

OWNER = "incidents_owner"
OWNER_PASSWORD = "owner-пароль-2026"


def find_bin() -> Path | None:
    for version in ("17", "16", "15", "14"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ScramCluster:
    folder: Path
    port: int
    bin: Path

    def url(self, database: str, user: str = "", password: str = "") -> str:
        from urllib.parse import quote

        who = f"{quote(user, safe='')}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
        return f"postgresql://{who}127.0.0.1:{self.port}/{database}"

    def owner_url(self, database: str = "postgres") -> str:
        return self.url(database, OWNER, OWNER_PASSWORD)


def _as_cluster_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def start(base: Path) -> ScramCluster:
    """Create and start the cluster; the owner may create databases and roles (not a superuser)."""
    binary = find_bin()
    if binary is None:
        raise RuntimeError("initdb не найден")
    folder = base / "cluster"
    folder.mkdir(parents=True)
    secret = base / "pw"
    secret.write_text("bootstrap-пароль\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(folder, "postgres")
        shutil.chown(secret, "postgres")
    subprocess.run(_as_cluster_user([str(binary / "initdb"), "-D", str(folder), "--auth=scram-sha-256",
                                     "-U", "bootstrap", f"--pwfile={secret}", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_cluster_user([str(binary / "pg_ctl"), "-D", str(folder), "-o", options, "-w", "-l",
                                     str(base / "log"), "start"]), check=True, capture_output=True)
    cluster = ScramCluster(folder, port, binary)
    import psycopg2

    for _ in range(50):
        try:
            conn = psycopg2.connect(host="127.0.0.1", port=port, user="bootstrap", password="bootstrap-пароль",
                                    dbname="postgres", connect_timeout=3)
            break
        except psycopg2.OperationalError:
            time.sleep(0.2)
    else:
        raise RuntimeError("кластер PostgreSQL не запустился")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE ROLE {OWNER} LOGIN CREATEDB CREATEROLE PASSWORD %s", (OWNER_PASSWORD,))
        cur.execute(f"GRANT pg_signal_backend TO {OWNER}")
    conn.close()
    return cluster


def stop(cluster: ScramCluster) -> None:
    subprocess.run(_as_cluster_user([str(cluster.bin / "pg_ctl"), "-D", str(cluster.folder), "-m", "immediate",
                                     "stop"]), check=False, capture_output=True)
