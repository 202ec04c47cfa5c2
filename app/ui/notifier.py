"""Desktop notifications: deadline warnings and workflow events, in the tray or in a banner.

The deadline timers follow Vorta's scheduler: one single-shot ``QTimer`` for the nearest
moment a visible clock reaches 75 % or its due moment, a periodic re-sync every five minutes
(other PCs change things too), and a clock-jump check every minute — after a sleep or a clock
change the wall time runs away from the monotonic time, and the notifier re-syncs at once.

Which alerts and events concern the user, and whether it is working time, is decided by
``app.services.notifications``; this module only shows them. Workflow events may be
published on a worker thread: they reach the GUI thread through a queued signal.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

from app.services import clock as clock_source
from app.services import events, local_config, notifications
from app.services.pages import weeks
from app.services.permissions import Actor
from app.ui.queue_model import TaskRunner

log = logging.getLogger(__name__)

APP_TITLE = "Инциденты"
RESYNC_MS = 5 * 60_000
#: after a change on another PC, the clocks are looked at this much later (changes come in bursts)
SOON_MS = 3_000
JUMP_CHECK_MS = 60_000
JUMP_TOLERANCE_S = 120
#: the deadline timer fires a little after the threshold, so the clock is surely past it
THRESHOLD_MARGIN_MS = 1_000
#: a region-sized database has a threshold every few seconds: look at most twice a minute
MIN_CHECK_GAP_MS = 30_000
#: the same event (kind, incident, text) is not shown again within this many seconds
EVENT_REPEAT_S = 600

LEVEL_TITLES = {"warning": "Срок подходит к концу", "overdue": "Срок нарушен", "event": "Инциденты",
                "page": "Официальные страницы: публикация недели"}
#: the longest the weekly-reminder timer sleeps before it looks again (a calendar may change meanwhile)
PAGE_CHECK_MAX_MS = 6 * 3600_000
LEVEL_STYLES = {
    "warning": "background: #fff1c7; color: #4d3500; border: 1px solid #e0b84a;",
    "overdue": "background: #fde0e0; color: #7a0c0c; border: 1px solid #e08a8a;",
    "event": "background: #e4efff; color: #0d3566; border: 1px solid #94b8e8;",
    "page": "background: #fff1c7; color: #4d3500; border: 1px solid #e0b84a;",
}


def preferences() -> dict[str, bool]:
    """This PC's notification settings («Настройки…»): tray messages (default on) and sound (off)."""
    saved = local_config.load().get("notifications")
    saved = saved if isinstance(saved, dict) else {}
    return {"tray": bool(saved.get("tray", True)), "sound": bool(saved.get("sound", False))}


def app_icon() -> QIcon:
    """The program's icon, drawn (no image files needed): a red badge with «И»."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#c62828"))
    painter.drawRoundedRect(2, 2, 60, 60, 12, 12)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(40)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "И")
    painter.end()
    return QIcon(pixmap)


@dataclass(frozen=True)
class Notice:
    """One notification as shown: about ``incident_id``, of ``level`` warning/overdue/event."""

    incident_id: int
    level: str
    message: str
    #: a page's weekly reminder (``level`` «page»): the page, not an incident
    page_id: int | None = None


class NotificationBanner(QFrame):
    """A strip at the top of the main window for notifications when there is no system tray.

    Shows the newest notice with «Открыть» and «×»; closing it shows the next one waiting.
    """

    open_requested = Signal(int)
    #: «Открыть» on a page's weekly reminder: the page's id
    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBanner")
        self._notices: list[Notice] = []
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.more_label = QLabel()
        self.open_button = QPushButton("Открыть")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self._open)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Скрыть уведомление")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.more_label)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.setVisible(False)

    @property
    def current(self) -> Notice | None:
        return self._notices[0] if self._notices else None

    @property
    def waiting(self) -> int:
        return max(0, len(self._notices) - 1)

    def show_notice(self, notice: Notice) -> None:
        """Put ``notice`` on top (the most recent is shown first)."""
        self._notices.insert(0, notice)
        self._render()

    def dismiss(self) -> None:
        """Hide the shown notice; the next waiting one, if any, takes its place."""
        if self._notices:
            self._notices.pop(0)
        self._render()

    def _open(self) -> None:
        notice = self.current
        if notice is not None:
            self.dismiss()
            if notice.page_id is not None:
                self.page_requested.emit(notice.page_id)
            else:
                self.open_requested.emit(notice.incident_id)

    def mousePressEvent(self, event) -> None:  # noqa: ANN001, N802 - a click anywhere opens it
        if event.button() == Qt.MouseButton.LeftButton and self.current is not None:
            self._open()
            return
        super().mousePressEvent(event)

    def _render(self) -> None:
        notice = self.current
        if notice is None:
            self.setVisible(False)
            return
        title = LEVEL_TITLES.get(notice.level, APP_TITLE)
        self.text_label.setText(f"<b>{title}.</b> {notice.message}")
        self.more_label.setText(f"ещё {self.waiting}" if self.waiting else "")
        self.setStyleSheet(f"QFrame#notificationBanner {{ {LEVEL_STYLES.get(notice.level, '')} border-radius: 4px; }}"
                           " QFrame#notificationBanner QLabel { border: none; background: transparent; }")
        self.setVisible(True)


class Notifier(QObject):
    """Watches the user's clocks and workflow events and shows what concerns them."""

    #: the user clicked a notification of this incident
    open_incident = Signal(int)
    #: a clock reached 75 % or its due moment: the queue should refresh
    deadline_reached = Signal()
    #: a workflow event about this incident arrived (whether shown or not)
    incident_event = Signal(int)
    #: the user clicked a page's weekly reminder (the page's id)
    open_page = Signal(int)
    #: a notice was shown (for the status bar and tests)
    shown = Signal(object)
    _event_arrived = Signal(object)

    def __init__(self, actor: Actor, banner: NotificationBanner | None = None, parent: QObject | None = None,
                 *, use_tray: bool | None = None, sound: bool = False) -> None:
        super().__init__(parent)
        self.actor = actor
        self.banner = banner
        self.sound = sound
        self.next_at: datetime | None = None
        self._seen: dict[tuple[str, int, str], float] = {}
        self._tray_incident: int | None = None
        self._tray_page: int | None = None
        self.page_check_at: datetime | None = None
        self._unsubscribe = None
        self._checking = False
        self._check_again = False
        self.runner = TaskRunner(self)
        self.tray: QSystemTrayIcon | None = None
        self._started = False
        self.set_preferences(QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray, sound)
        if banner is not None:
            banner.open_requested.connect(self.open_incident)
            banner.page_requested.connect(self.open_page)

        self.deadline_timer = QTimer(self)
        self.deadline_timer.setSingleShot(True)
        self.deadline_timer.timeout.connect(self._deadline)
        self.resync_timer = QTimer(self)
        self.resync_timer.setInterval(RESYNC_MS)
        self.resync_timer.timeout.connect(self.resync)
        self.jump_timer = QTimer(self)
        self.jump_timer.setInterval(JUMP_CHECK_MS)
        self.jump_timer.timeout.connect(self.check_clock_jump)
        #: changes from other PCs: their clocks are looked at once they stop coming for a moment
        self.soon_timer = QTimer(self)
        self.soon_timer.setSingleShot(True)
        self.soon_timer.setInterval(SOON_MS)
        self.soon_timer.timeout.connect(self.resync)
        self.page_timer = QTimer(self)
        self.page_timer.setSingleShot(True)
        self.page_timer.timeout.connect(self.check_pages)
        self._event_arrived.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self._mark_time()

    # --- life cycle --------------------------------------------------------------------------

    def set_preferences(self, tray: bool, sound: bool) -> None:
        """Tray messages (when the system has a tray) or the banner; a beep or silence."""
        self.sound = sound
        if tray and self.tray is None:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(APP_TITLE)
            self.tray.messageClicked.connect(self._tray_clicked)
            if self._started:
                self.tray.show()
        elif not tray and self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None

    def start(self) -> None:
        """Listen to events, start the timers and look at the clocks now."""
        if self._unsubscribe is None:
            self._unsubscribe = events.subscribe(self._listener)
        self._started = True
        if self.tray is not None:
            self.tray.show()
        self.resync_timer.start()
        self.jump_timer.start()
        self._mark_time()
        self.resync()

    def stop(self) -> None:
        """Stop listening and wait for a running check to end (the window closes)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for timer in (self.deadline_timer, self.resync_timer, self.jump_timer, self.page_timer, self.soon_timer):
            timer.stop()
        if self.tray is not None:
            self.tray.hide()
        self.runner.wait()

    # --- deadlines -----------------------------------------------------------------------------

    def resync(self) -> None:
        """Ask the service (off the GUI thread) for new alerts and the next threshold.

        While a check runs, another request waits for it and runs once after it.
        """
        if self._checking:
            self._check_again = True
            return
        self._checking = True
        actor = self.actor
        self.runner.run(lambda: notifications.check(actor), self._checked, self._check_failed)
        self.check_pages()

    def resync_soon(self) -> None:
        """Another PC changed something: look at the clocks in a few seconds (one look for a burst)."""
        if self._started and not self.soon_timer.isActive():
            self.soon_timer.start()

    def _checked(self, check: notifications.Check) -> None:
        self._checking = False
        for alert in check.alerts:
            self.notify(Notice(alert.incident_id, alert.level, alert.message))
        self._schedule(check.next_at)
        self._after_check()

    def _check_failed(self, exc: BaseException) -> None:
        self._checking = False
        log.warning("Проверка сроков не выполнена: %s", exc)
        self._after_check()

    def _after_check(self) -> None:
        if self._check_again:
            self._check_again = False
            self.resync()

    def _schedule(self, next_at: datetime | None) -> None:
        """One single-shot timer for the nearest threshold; the periodic re-sync covers the rest."""
        self.next_at = next_at
        if next_at is None:
            self.deadline_timer.stop()
            return
        ms = int((next_at - clock_source.now()).total_seconds() * 1000) + THRESHOLD_MARGIN_MS
        self.deadline_timer.start(max(MIN_CHECK_GAP_MS, min(ms, RESYNC_MS)))

    def _deadline(self) -> None:
        self.deadline_reached.emit()
        self.resync()

    def _mark_time(self) -> None:
        self._wall = clock_source.now()
        self._mono = time.monotonic()

    def check_clock_jump(self) -> bool:
        """Compare wall time with monotonic time; on a jump of over 2 minutes re-sync at once."""
        wall, mono = clock_source.now(), time.monotonic()
        drift = (wall - self._wall).total_seconds() - (mono - self._mono)
        self._wall, self._mono = wall, mono
        if abs(drift) > JUMP_TOLERANCE_S:
            log.info("Часы компьютера сдвинулись на %d с: сроки пересчитываются", int(drift))
            self.deadline_reached.emit()
            self.resync()
            return True
        return False

    # --- the weekly reminder of the official pages (Appendix 1, clause 5) ------------------------

    def check_pages(self) -> None:
        """Ask (off the GUI thread) for this user's weekly page reminders, each shown once, and when
        to look again: the start of the week's last working day by the production calendar."""
        actor = self.actor

        def work() -> tuple[list[weeks.PageReminder], datetime | None]:
            return weeks.reminders_due(actor), weeks.next_reminder_moment()

        self.runner.run(work, self._pages_checked, self._pages_failed)

    def _pages_checked(self, result: tuple[list[weeks.PageReminder], datetime | None]) -> None:
        reminders, next_at = result
        for reminder in reminders:
            self.notify(Notice(0, "page", reminder.message, page_id=reminder.page_id))
        self.page_check_at = next_at
        if next_at is None:
            self.page_timer.stop()
            return
        ms = int((next_at - clock_source.now()).total_seconds() * 1000) + THRESHOLD_MARGIN_MS
        self.page_timer.start(max(MIN_CHECK_GAP_MS, min(ms, PAGE_CHECK_MAX_MS)))

    def _pages_failed(self, exc: BaseException) -> None:
        log.warning("Напоминания о публикациях не проверены: %s", exc)

    # --- workflow events -----------------------------------------------------------------------

    def hear(self, event: events.Event) -> None:
        """An event another PC sent (``LiveUpdates``): handled as this program's own."""
        self._on_event(event)

    def _listener(self, event: events.Event) -> None:
        # any thread: hand over to the GUI thread
        self._event_arrived.emit(event)

    def _on_event(self, event: events.Event) -> None:
        self.incident_event.emit(event.incident_id)
        message = notifications.for_event(self.actor, event)
        if message is None or not notifications.is_working_time():
            return
        key = (event.kind, event.incident_id, message)
        now = time.monotonic()
        if now - self._seen.get(key, -EVENT_REPEAT_S - 1) <= EVENT_REPEAT_S:
            return
        self._seen[key] = now
        self.notify(Notice(event.incident_id, "event", message))

    # --- showing -------------------------------------------------------------------------------

    def notify(self, notice: Notice) -> None:
        """Show a notice in the tray or the banner."""
        if self.tray is not None:
            icon = (QSystemTrayIcon.MessageIcon.Warning if notice.level in ("warning", "overdue")
                    else QSystemTrayIcon.MessageIcon.Information)
            self._tray_incident = notice.incident_id if notice.page_id is None else None
            self._tray_page = notice.page_id
            self.tray.showMessage(LEVEL_TITLES.get(notice.level, APP_TITLE), notice.message, icon, 15_000)
        elif self.banner is not None:
            self.banner.show_notice(notice)
        if self.sound:
            QApplication.beep()
        self.shown.emit(notice)

    def _tray_clicked(self) -> None:
        if self._tray_page is not None:
            self.open_page.emit(self._tray_page)
        elif self._tray_incident is not None:
            self.open_incident.emit(self._tray_incident)
