"""A client of the shared server in its own OS process, signed in as one person's own role.

``act`` signs in once and carries out a planned number of actions on the given incidents — executors
save their drafts (each save claims the incident's next version), the curator and the responsible
official write comments — through the program's services only. It never signs in again and never
touches the connection: when the server ends its session, the program's own code must carry on with
the same database object (``ServerDatabase`` lets the dead connection go, ``transactions.run`` runs the
action again or finds out whether a commit cut short took effect).

Each planned action ends as the user would see it: done (confirmed), done by somebody else first (a
version conflict), or refused with a Russian line (``ActionFailed``: «повторите») — the user then repeats
the very same action, as the line asks. The report says which, and how the program recovered: the
connections it opened, the actions it ran again, the commits cut short it resolved.

``stall`` is a program that stops in the middle of an action with the chain's lock held; ``timed`` one
that works on meanwhile and times each action. ``CuttingProxy`` breaks connections exactly at a COMMIT.
"""
from __future__ import annotations

import logging
import random
import time
from typing import Any

#: a user repeats an action refused with «повторите» at most this many times
REPEATS = 5


class _Recoveries(logging.Handler):
    """Counts what the program's own reconnect logged (``transactions``, ``database``)."""

    SIGNS = {"Действие отменено сервером (связь)": "retried",
             "Действие отменено сервером (40001)": "serialization_retried",
             "действие не записано: выполняется снова": "commit_lost_not_done",
             "но действие записано": "commit_lost_done",
             "соединение открыто заново": "read_reopened"}

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__(logging.INFO)
        self.counts = counts
        self.recent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        self.recent.append(f"{record.name}: {text}")
        for sign, key in self.SIGNS.items():
            if sign in text:
                self.counts[key] += 1


def _causes(error: BaseException) -> str:
    """The error and what it came from, one line each (for a failing test's message)."""
    chain: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 6:
        chain.append(f"{type(seen).__name__}: {str(seen).strip()[:200]}")
        seen = seen.__cause__ or seen.__context__
    return " <- ".join(chain)


def act(url: str, login: str, incident_ids: list[int], planned: int, seed: int, out: Any,
        deadline_s: float = 120.0) -> None:
    """The body of one client process; puts its report on ``out`` (a multiprocessing queue)."""
    from app.models import Incident, db
    from app.services import workflow
    from app.services.database import open_as_person
    from app.services.errors import ActionFailed, ActionInDoubt, ConflictError
    from app.services.permissions import actor_for

    report: dict[str, Any] = {"login": login, "planned": planned, "ok": [], "conflicts": 0,
                              "repeated": [], "errors": [], "reconnects": 0, "same_database": False}
    counts = {key: 0 for key in _Recoveries.SIGNS.values()}
    report["recoveries"] = counts
    handler = _Recoveries(counts)
    for name in ("app.services.transactions", "app.services.database"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)

    user_id = open_as_person(url, login, f"{login}-password")[1]  # once: the program reconnects by itself
    database = db.obj
    connect = database._connect  # noqa: SLF001 - counted, not changed

    def counted_connect():  # type: ignore[no-untyped-def]
        report["reconnects"] += 1
        return connect()

    database._connect = counted_connect  # noqa: SLF001
    out.put({"ready": login})
    rng = random.Random(seed)
    writes_drafts = login.startswith("zhkh")
    kind = "draft" if writes_drafts else "comment"
    give_up = time.monotonic() + deadline_s
    done = 0
    for n in range(1, planned + 1):
        if time.monotonic() > give_up:
            break
        incident_id = rng.choice(incident_ids)
        marker = f"{login}-{n}"
        for _ in range(REPEATS):
            handler.recent = []
            version = None
            try:
                actor = actor_for(user_id)
                if writes_drafts:
                    version = Incident.select(Incident.version).where(Incident.id == incident_id).scalar()
                    workflow.save_draft(actor, incident_id, version, text=f"Проект ответа {marker}")
                else:
                    workflow.add_comment(actor, incident_id, text=f"Комментарий {marker}")
                report["ok"].append((kind, incident_id, marker, version))
                done += 1
            except ConflictError:
                report["conflicts"] += 1  # somebody else changed the incident first
                done += 1
            except ActionFailed as error:  # did not take effect: the user repeats it, as the line asks
                report["repeated"].append({"line": str(error), "why": _causes(error), "log": handler.recent})
                continue
            except ActionInDoubt as error:  # the server is up: the program must find out by itself
                report["errors"].append(f"ActionInDoubt: {error} ({_causes(error)})")
                done += 1
            except Exception as error:  # noqa: BLE001 - anything else escaping the program is a failure
                report["errors"].append(f"{type(error).__name__}: {error} ({_causes(error)})")
                done += 1
            break
    report["done"] = done
    report["same_database"] = db.obj is database
    database._connect = connect  # noqa: SLF001
    try:
        db.close()
    except Exception:  # noqa: BLE001 - the connection may just have been ended by the server
        pass
    out.put(report)


def stall(url: str, login: str, incident_id: int, stall_s: float, out: Any) -> None:
    """A program that stalls in the middle of an action: it saves a draft, and right after the action's
    trail event is put in the chain — the incident's row and the chain's lock held, the transaction open,
    the commit not yet sent: the worst moment to stop — it stops for ``stall_s`` seconds (a frozen PC, a debugger, a sleeping laptop), then carries on as the
    program would. Reports the stalled event's hash and session, what the server said when the program
    woke up, and how the action ended."""
    from app.models import Incident, db
    from app.services import audit, workflow
    from app.services.database import open_as_person
    from app.services.errors import ActionFailed, ConflictError
    from app.services.permissions import actor_for

    user_id = open_as_person(url, login, f"{login}-password")[1]
    database = db.obj
    report: dict[str, Any] = {"login": login, "server_said": [], "recoveries": {}}
    counts = {key: 0 for key in _Recoveries.SIGNS.values()}
    report["recoveries"] = counts
    handler = _Recoveries(counts)
    logging.getLogger("app.services.transactions").addHandler(handler)
    logging.getLogger("app.services.transactions").setLevel(logging.INFO)
    real_append, real_execute, real_commit = audit.append_to_chain, database.execute_sql, database.commit

    def stalling_append(events: list) -> None:
        real_append(events)
        if "stalled_hash" not in report:
            pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            report["stalled_hash"] = events[-1].hash
            out.put({"stalled": pid, "hash": events[-1].hash})
            time.sleep(stall_s)

    def heard(call: Any) -> Any:
        """What the server says to the program when it wakes up (recorded, passed on unchanged)."""
        def watched(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except Exception as error:
                text = str(error).strip()
                report["server_said"].append(text.splitlines()[0] if text else repr(error))
                raise
        return watched

    audit.append_to_chain = stalling_append  # type: ignore[assignment]
    database.execute_sql = heard(real_execute)  # type: ignore[method-assign]
    database.commit = heard(real_commit)  # type: ignore[method-assign]
    version = Incident.select(Incident.version).where(Incident.id == incident_id).scalar()
    try:
        workflow.save_draft(actor_for(user_id), incident_id, version, text="Проект ответа зависшей программы")
        report["outcome"] = "done"
    except ConflictError:
        report["outcome"] = "conflict"
    except ActionFailed as error:
        report["outcome"] = f"refused: {error}"
    except Exception as error:  # noqa: BLE001 - reported, the test fails on it
        report["outcome"] = f"error: {type(error).__name__}: {error}"
    audit.append_to_chain = real_append  # type: ignore[assignment]
    database.execute_sql, database.commit = real_execute, real_commit  # type: ignore[method-assign]
    report["same_database"] = db.obj is database
    try:
        db.close()
    except Exception:  # noqa: BLE001 - the connection may just have been ended by the server
        pass
    out.put(report)


def timed(url: str, login: str, incident_ids: list[int], go: Any, stop: Any, out: Any) -> None:
    """A program working on while another one stalls: from ``go`` until ``stop`` it saves drafts (an
    executor) or writes comments, one after another, and reports each action's start and duration (on
    the machine's monotonic clock, comparable between processes) and how it ended."""
    from app.models import Incident, db
    from app.services import workflow
    from app.services.database import open_as_person
    from app.services.errors import ActionFailed, ConflictError
    from app.services.permissions import actor_for

    user_id = open_as_person(url, login, f"{login}-password")[1]
    actor_for(user_id)
    out.put({"ready": login})
    go.wait(60)
    rng = random.Random(login)
    actions: list[tuple[str, int, str, float, float, str]] = []  # kind, incident, marker, start, seconds, outcome
    n = 0
    while not stop.is_set():
        n += 1
        incident_id = rng.choice(incident_ids)
        marker = f"{login}-{n}"
        kind = "draft" if login.startswith("zhkh") else "comment"
        started = time.monotonic()
        try:
            actor = actor_for(user_id)
            if kind == "draft":
                version = Incident.select(Incident.version).where(Incident.id == incident_id).scalar()
                workflow.save_draft(actor, incident_id, version, text=f"Проект ответа {marker}")
            else:
                workflow.add_comment(actor, incident_id, text=f"Комментарий {marker}")
            outcome = "ok"
        except ConflictError:
            outcome = "conflict"
        except ActionFailed as error:
            outcome = f"refused: {error}"
        except Exception as error:  # noqa: BLE001 - reported, the test fails on it
            outcome = f"error: {type(error).__name__}: {error}"
        actions.append((kind, incident_id, marker, started, time.monotonic() - started, outcome))
        time.sleep(0.05)
    try:
        db.close()
    except Exception:  # noqa: BLE001
        pass
    out.put({"login": login, "actions": actions})


class CuttingProxy:
    """A TCP relay between the clients and the server that now and then breaks a connection exactly at
    a COMMIT: either before passing it on (the server rolls the transaction back) or after the server
    committed it but before its answer reaches the client — the one moment ``pg_terminate_backend``
    cannot hit, when the program cannot know whether its action took effect.

    Every ``before_every``-th COMMIT through the relay is cut before, every ``after_every``-th after.
    The relay runs in a process of its own (not to share the test's interpreter lock) and answers a
    request for encryption itself with «no», so it reads the plain protocol.
    """

    def __init__(self, host: str, port: int, before_every: int = 13, after_every: int = 11) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._counts = context.Array("i", 3)  # commits, cut before, cut after
        self._stop = context.Event()
        ports = context.Queue()
        self._process = context.Process(target=_relay, args=((host, port), before_every, after_every, self._counts,
                                                              self._stop, ports), daemon=True)
        self._process.start()
        self.port = int(ports.get(timeout=30))

    @property
    def commits(self) -> int:
        return int(self._counts[0])

    @property
    def cut_before(self) -> int:
        return int(self._counts[1])

    @property
    def cut_after(self) -> int:
        return int(self._counts[2])

    def stop(self) -> None:
        self._stop.set()
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)


COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"
ENCRYPTION_REQUESTS = (b"\x00\x00\x00\x08\x04\xd2\x16\x2f", b"\x00\x00\x00\x08\x04\xd2\x16\x30")  # SSL, GSS


def _relay(target: tuple[str, int], before_every: int, after_every: int, counts: Any, stop: Any, ports: Any) -> None:
    """The body of the relay's process: a pair of threads per connection until ``stop`` is set."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    ports.put(listener.getsockname()[1])

    def cut_at_commit() -> str:
        with counts.get_lock():
            counts[0] += 1
            if counts[0] % after_every == 0:
                counts[2] += 1
                return "after"
            if counts[0] % before_every == 0:
                counts[1] += 1
                return "before"
            return ""

    def up(client: socket.socket, server: socket.socket, state: dict[str, bool]) -> None:
        """Client to server: answer «no» to encryption, cut at a COMMIT now and then."""
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if data in ENCRYPTION_REQUESTS:
                    client.sendall(b"N")
                    continue
                cut = cut_at_commit() if data.endswith(COMMIT) else ""
                if cut == "before":
                    break
                if cut == "after":
                    state["cut_on_reply"] = True
                server.sendall(data)
        except OSError:
            pass
        _close(client, server)

    def down(server: socket.socket, client: socket.socket, state: dict[str, bool]) -> None:
        """Server to client: the answer to a COMMIT marked for cutting is swallowed with the connection."""
        try:
            while True:
                data = server.recv(65536)
                if not data or state["cut_on_reply"]:
                    break
                client.sendall(data)
        except OSError:
            pass
        _close(client, server)

    while not stop.is_set():
        try:
            client, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            break
        client.settimeout(None)
        try:
            server = socket.create_connection(target)
        except OSError:
            client.close()
            continue
        state = {"cut_on_reply": False}
        threading.Thread(target=up, args=(client, server, state), daemon=True).start()
        threading.Thread(target=down, args=(server, client, state), daemon=True).start()
    listener.close()


def _close(*sockets: Any) -> None:
    import socket

    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
