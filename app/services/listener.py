"""The shared server's NOTIFY, heard on a thread of its own (issue 16).

A ``Listener`` keeps one extra connection to the server (the same role as the program's) that only
LISTENs on ``policy.LIVE_CHANNEL``; the server notifies it when a transaction that changed the trail, the
sent events or the presence commits. It calls ``on_change`` (on its own thread: the caller hands it over)
at most once per ``COALESCE_S``, and ``on_connection(False/True)`` when the server goes away and comes
back; it connects again by itself, after 1, 2, 4… up to 30 seconds.
"""
from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable

from app.services.server.policy import LIVE_CHANNEL

log = logging.getLogger(__name__)

#: notifications arriving closer together than this are answered by one look
COALESCE_S = 0.15
FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 30.0
#: how often the thread wakes to see whether it should stop (and to check the connection)
WAKE_S = 1.0
#: on a quiet line, ask the server every this many wakes whether it is still there
PING_EVERY = 10


class Listener:
    """LISTEN on a connection of its own, on a daemon thread, until ``stop``."""

    def __init__(self, connect_params: dict[str, object], database: str,
                 on_change: Callable[[], None], on_connection: Callable[[bool], None] | None = None) -> None:
        self._params = {k: v for k, v in connect_params.items() if k not in ("options",)}
        self._database = database
        self._on_change = on_change
        self._on_connection = on_connection or (lambda _up: None)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="incidents-listener", daemon=True)
        self.connected = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        self._stopping.set()
        self._thread.join(timeout_s)

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg2

        conn = psycopg2.connect(dbname=self._database, **self._params)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"LISTEN {LIVE_CHANNEL}")
        return conn

    def _run(self) -> None:
        retry = FIRST_RETRY_S
        while not self._stopping.is_set():
            try:
                conn = self._connect()
            except Exception as exc:  # noqa: BLE001 - the server is away: try again later
                self._set_connected(False)
                log.info("Сервер не принимает подключение для оповещений (%s): повтор через %.0f с",
                         str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, retry)
                if self._stopping.wait(retry):
                    return
                retry = min(retry * 2, LONGEST_RETRY_S)
                continue
            retry = FIRST_RETRY_S
            was_down = not self.connected
            self._set_connected(True)
            if was_down:
                self._on_change()  # whatever happened while nobody listened
            try:
                self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - the connection broke: connect again
                log.info("Оповещения с сервера прервались: %s", str(exc).strip().splitlines()[0] if str(exc).strip()
                         else type(exc).__name__)
                self._set_connected(False)
            finally:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001, S110 - closing a dead connection
                    pass

    def _listen(self, conn) -> None:  # type: ignore[no-untyped-def]
        quiet = 0
        while not self._stopping.is_set():
            ready, _, _ = select.select([conn], [], [], WAKE_S)
            if not ready:
                quiet += 1
                if quiet % PING_EVERY == 0:
                    with conn.cursor() as cur:  # a quiet line: make sure the server is still there
                        cur.execute("SELECT 1")
                continue
            conn.poll()
            if conn.notifies:
                conn.notifies.clear()
                time.sleep(COALESCE_S)  # the rest of a burst arrives meanwhile
                conn.poll()
                conn.notifies.clear()
                self._on_change()

    def _set_connected(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            try:
                self._on_connection(up)
            except Exception:  # noqa: BLE001 - the listener outlives a broken handler
                log.exception("Обработчик состояния связи завершился с ошибкой")
