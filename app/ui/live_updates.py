"""What other PCs do, on this window within seconds; who else is on the incident; the connection.

``LiveUpdates`` wakes when something changed elsewhere — on the shared server by the server's NOTIFY
(``services.listener`` on a thread of its own), on SQLite by the file's change counter, looked at every
``POLL_MS`` — and then asks the service (off the GUI thread) what changed since the previous look: the
changed incidents are re-read (``incidents_changed``) and the events other programs sent are handed to
the notifier (``remote_event``). It also keeps this program's presence (the card shown, the answer being
edited), refreshed every ``presence.HEARTBEAT_S`` seconds, and reports the others on the shown incident
(``others_changed``). When the server goes away ``connection_changed(False)`` is emitted; the listener
connects again by itself with growing pauses, and ``connection_changed(True)`` follows.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.services import live, presence
from app.services.database import drop_connection, ping
from app.ui.queue_model import TaskRunner

log = logging.getLogger(__name__)

#: SQLite: how often the file's change counter is looked at
POLL_MS = 1_000
#: without a listener: how soon, then at most how seldom, the server is asked whether it is back
FIRST_RETRY_MS = 1_000
LONGEST_RETRY_MS = 30_000

_current: LiveUpdates | None = None


def current() -> LiveUpdates | None:
    """The live updates of the open main window (None in tests without one)."""
    return _current


class LiveUpdates(QObject):
    """See the module's description."""

    incidents_changed = Signal(object)  # frozenset[int]; an empty set: everything may have changed
    remote_event = Signal(object)  # events.Event
    others_changed = Signal(int, object)  # incident id, presence.Others
    connection_changed = Signal(bool)
    #: still out of reach: the next try in this many milliseconds (the banner counts down to it)
    retrying = Signal(int)
    #: the server is there but refuses this person (account switched off, password changed)
    refused = Signal()
    _woke = Signal()
    _connection = Signal(bool)

    def __init__(self, user_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.user_id = user_id
        self.runner = TaskRunner(self)
        self.feed: live.Feed | None = None
        self.listener = None
        self.connected = True
        self.incident_id: int | None = None
        self.editing = False
        self._looking = False
        self._look_again = False
        self._retry_ms = FIRST_RETRY_MS
        self._woke.connect(self.look, Qt.ConnectionType.QueuedConnection)
        self._connection.connect(self._connection_seen, Qt.ConnectionType.QueuedConnection)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._poll)
        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(presence.HEARTBEAT_S * 1000)
        self.heartbeat_timer.timeout.connect(self._heartbeat)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self._try_again)

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Remember where the trail is now and start listening (server) or polling (SQLite)."""
        global _current
        _current = self
        from app.models import db
        from peewee import PostgresqlDatabase

        self.feed = live.Feed()
        database = db.obj
        if isinstance(database, PostgresqlDatabase):
            from app.services.listener import Listener

            self.listener = Listener(dict(database.connect_params), database.database,
                                     self._woke.emit, self._connection.emit)
            self.listener.start()
        else:
            self.feed.outside_change()  # the counter as it is now
            self.poll_timer.start()
        self.heartbeat_timer.start()
        self._heartbeat()

    def stop(self) -> None:
        """The window closes: stop listening, take this program's presence away."""
        global _current
        if _current is self:
            _current = None
        self.feed = None  # what is still under way when the window closes is dropped when it arrives
        self.poll_timer.stop()
        self.heartbeat_timer.stop()
        self.retry_timer.stop()
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        self.runner.wait()
        try:
            presence.leave(self.user_id)
        except Exception as exc:  # noqa: BLE001 - closing without a server: the row expires by itself
            log.info("Присутствие не снято: %s", exc)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        return self.runner.wait(timeout_s)

    # --- what changed --------------------------------------------------------------------------

    def _poll(self) -> None:
        """SQLite: one look at the file's change counter (a few microseconds)."""
        try:
            changed = self.feed is not None and self.feed.outside_change()
        except Exception as exc:  # noqa: BLE001 - a file that went away is reported by the next action
            log.warning("Счётчик изменений базы не прочитан: %s", exc)
            return
        if changed:
            self.look()

    def look(self) -> None:
        """Ask (off the GUI thread) what changed since the previous look; one look at a time."""
        if self.feed is None:
            return
        if self._looking:
            self._look_again = True
            return
        self._looking = True
        feed, incident_id, user_id = self.feed, self.incident_id, self.user_id

        def work() -> tuple[live.Changes, presence.Others | None]:
            changes = feed.look()
            others = presence.others(incident_id, user_id) if incident_id is not None else None
            return changes, others

        self.runner.run(work, lambda result: self._looked(incident_id, result), self._look_failed)

    def _looked(self, incident_id: int | None, result: tuple[live.Changes, presence.Others | None]) -> None:
        self._looking = False
        if self.feed is None:  # stopped meanwhile
            return
        changes, others = result
        if changes.everything:
            self.incidents_changed.emit(frozenset())
        elif changes.incident_ids:
            self.incidents_changed.emit(changes.incident_ids)
        for event in changes.events:
            self.remote_event.emit(event)
        if incident_id is not None and others is not None and incident_id == self.incident_id:
            self.others_changed.emit(incident_id, others)
        if self._look_again:
            self._look_again = False
            self.look()

    def _look_failed(self, exc: BaseException) -> None:
        self._looking = False
        log.warning("Изменения с других компьютеров не прочитаны: %s", exc)
        from app.services.database import connection_lost

        if connection_lost(exc):
            self.connection_lost()

    # --- presence ------------------------------------------------------------------------------

    def show_incident(self, incident_id: int | None) -> None:
        """The card now shows ``incident_id`` (None: no card): say so and look who else is there."""
        if incident_id != self.incident_id:
            self.incident_id, self.editing = incident_id, False
            self._heartbeat()

    def set_editing(self, incident_id: int, editing: bool) -> None:
        """The answer editor of ``incident_id`` opened (True) or closed."""
        self.incident_id, self.editing = incident_id, editing
        self._heartbeat()

    def _heartbeat(self) -> None:
        if self.feed is None:  # not started yet (``start`` says it), or stopped
            return
        user_id, incident_id, editing = self.user_id, self.incident_id, self.editing

        def work() -> presence.Others | None:
            presence.show(user_id, incident_id, editing=editing)
            return presence.others(incident_id, user_id) if incident_id is not None else None

        def done(others: presence.Others | None) -> None:
            if self.feed is None:  # stopped meanwhile
                return
            if incident_id is not None and others is not None and incident_id == self.incident_id:
                self.others_changed.emit(incident_id, others)

        self.runner.run(work, done, self._heartbeat_failed)

    def _heartbeat_failed(self, exc: BaseException) -> None:
        log.info("Присутствие не обновлено: %s", exc)
        from app.services.database import connection_lost

        if connection_lost(exc):
            self.connection_lost()

    # --- the connection ------------------------------------------------------------------------

    def connection_lost(self) -> None:
        """An action or a look found the server gone: say so and look for it again and again."""
        if self.feed is None:  # stopped: nobody to tell
            return
        if self.connected:
            self._connection_seen(False)
        if not self.retry_timer.isActive():
            self._schedule_retry()

    def _connection_seen(self, up: bool) -> None:
        if up == self.connected or self.feed is None:  # nothing new, or stopped
            return
        self.connected = up
        if up:
            self._retry_ms = FIRST_RETRY_MS
            self.retry_timer.stop()
            drop_connection()  # this thread's connection died with the server: the next call opens one
            self.look()
        elif not self.retry_timer.isActive():
            self._schedule_retry()
        self.connection_changed.emit(up)

    def _schedule_retry(self) -> None:
        if self.feed is None:
            return
        self.retry_timer.start(self._retry_ms)
        self.retrying.emit(self._retry_ms)

    def retry_in_ms(self) -> int:
        return self._retry_ms

    def _try_again(self) -> None:
        """Without a listener (or asked by the user): one round trip; on failure wait longer."""
        def failed(exc: BaseException) -> None:
            from app.services.database import refused_role

            if refused_role(exc):
                log.warning("Сервер отклонил вход при повторном подключении: %s", exc)
                self.refused.emit()
                return
            self._retry_ms = min(self._retry_ms * 2, LONGEST_RETRY_MS)
            log.info("Сервер всё ещё недоступен (%s): повтор через %d с", exc, self._retry_ms // 1000)
            if not self.connected:
                self._schedule_retry()

        self.runner.run(ping, lambda _r: self._connection_seen(True), failed)

    def try_now(self) -> None:
        """«Повторить сейчас» on the banner."""
        self._try_again()
