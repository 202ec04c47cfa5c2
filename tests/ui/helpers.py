"""Helpers and constants shared by the UI tests."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.models import Incident
from app.models.enums import ReturnReason
from app.services import workflow
from tests.helpers.world import World

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "секретный-пароль"
ADMIN_NAME = "Петрова Анна Сергеевна"

D = TypeVar("D", bound=QDialog)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key, Cyrillic included (``qtbot.keyClicks`` accepts ASCII only)."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                           Qt.KeyboardModifier.NoModifier)


def drive_modal(kind: type[D], act: Callable[[D], None], open_it: Callable[[], object],
                timeout_ms: int = 15_000) -> None:
    """Call ``open_it`` (which runs a dialog of ``kind`` modally) and do ``act`` inside the dialog.

    ``act`` runs from the dialog's own event loop, as a user's clicks would, and must close it.
    A failure inside ``act`` (or a dialog that stays open after it) closes the dialog, so the
    modal loop never hangs the test, and is raised here once ``open_it`` has returned.
    """
    errors: list[BaseException] = []
    state = {"acted": False, "returned": False}
    deadline = time.monotonic() + timeout_ms / 1000

    def find() -> D | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)

    def poll() -> None:
        if state["returned"]:
            return
        dialog = find()
        if dialog is None:
            if time.monotonic() < deadline:
                QTimer.singleShot(10, poll)
            return
        state["acted"] = True
        try:
            act(dialog)
        except BaseException as error:  # noqa: BLE001 - handed back to the test below
            errors.append(error)
        if dialog.isVisible():
            if not errors:
                errors.append(AssertionError(f"{kind.__name__} осталось открытым после действий теста"))
            dialog.reject()

    QTimer.singleShot(0, poll)
    open_it()
    state["returned"] = True
    if errors:
        raise errors[0]
    assert state["acted"], f"{kind.__name__} не открылось"


# --- workflow steps the queue tests set up ---------------------------------------------------------

REQUEST_TEXT = "Здравствуйте! Подскажите, пожалуйста, номер дома или ближайший ориентир, где не горят фонари?"
REQUEST_STAGES = ("submitted", "returned", "approved", "waiting", "replied")


def route(w: World, ref: workflow.Ref, *units: str, no_location: bool = False) -> workflow.Ref:
    """The curator sends the incident to ``units`` (ЖКХ by default) with the topic and the street (п. 10);
    ``no_location``: the explicit «без привязки к месту» instead of the street."""
    place = {"no_location": True} if no_location else {"location_id": w.location_id}
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units or ("zhkh",)],
                          topic_id=w.topic_id, **place)


def request_to_author(w: World, ref: workflow.Ref, stage: str, *, login: str = "zhkh",
                      work_minutes: int = 0) -> workflow.Ref:
    """Take the routed incident's clarification request (п. 13–16) up to ``stage``.

    submitted: written and sent to the curator; returned: returned with a clause-14 reason;
    approved: approved, to be posted; waiting: posted under the incident, the author is awaited;
    replied: the author's reply is recorded. ``work_minutes`` of working time pass before each step.
    """
    assert stage in REQUEST_STAGES, stage
    executor, curator = w.actor(login), w.actor("kurator")

    def later() -> None:
        if work_minutes:
            w.clock.work(work_minutes)

    later()
    ref = workflow.save_request(executor, ref.id, ref.version, text=REQUEST_TEXT)
    ref = workflow.submit_request(executor, ref.id, ref.version)
    if stage == "submitted":
        return ref
    later()
    if stage == "returned":
        return workflow.return_for_revision(curator, ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    ref = workflow.approve(curator, ref.id, ref.version)
    if stage == "approved":
        return ref
    later()
    post = Incident.get_by_id(ref.id).link  # posted under the incident's own message (п. 16)
    ref = workflow.publish(executor, ref.id, ref.version, url=f"{post}?reply=1")
    if stage == "waiting":
        return ref
    later()
    return workflow.record_author_reply(executor, ref.id, ref.version, text="Дом 12, у второго подъезда.")


def overdue_mix(w: World) -> dict[str, workflow.Ref]:
    """Incidents of Tuesday 24.11.2026 whose clocks run out at known moments (working time, п. 9–17).

    At 09:30: ``new_late`` is registered and left unrouted (п. 10: due 10:00); ``approval_late``
    is routed and its clarification request sent to the curator (п. 14: decide by 10:00);
    ``publication_late`` has its request approved (п. 16: post by 10:00); ``high`` (high priority,
    4 h → answer due 14:30 after the lunch hour) is routed, its draft due 3 working hours earlier
    (п. 12, 17: 14:30 − 30 min − lunch − 2 h 30 min = 10:30); ``closed`` is closed without an
    answer (п. 21). At 10:45: ``new_fresh`` is registered
    (п. 10: due 11:15), ``routed_fresh`` routed (draft due 16:45), ``waiting`` routed and its request
    posted (the author is awaited; its draft is due 16:45 too). The clock is left at 10:45.
    """
    from datetime import datetime

    from app.models.enums import NoAnswerReason, Priority
    from tests.helpers.world import MSK

    k = w.actor("kurator")
    refs: dict[str, workflow.Ref] = {}

    def register(name: str, priority: Priority = Priority.NORMAL) -> workflow.Ref:
        n = len(refs) + 1
        refs[name] = workflow.register_incident(k, link=f"https://vk.com/wall-1_{n}", author=f"Автор {n}",
                                                text=f"Не горят фонари на улице Красной, дом {n}",
                                                detected_at=w.clock.moment, priority=priority)
        return refs[name]

    w.clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=MSK))
    register("new_late")
    refs["approval_late"] = request_to_author(w, route(w, register("approval_late")), "submitted")
    refs["publication_late"] = request_to_author(w, route(w, register("publication_late")), "approved")
    refs["high"] = route(w, register("high", Priority.HIGH))
    closed = register("closed")
    refs["closed"] = workflow.close_without_answer(k, closed.id, closed.version, reason=NoAnswerReason.INSULT)
    w.clock.set(datetime(2026, 11, 24, 10, 45, tzinfo=MSK))
    register("new_fresh")
    refs["routed_fresh"] = route(w, register("routed_fresh"), no_location=True)
    refs["waiting"] = request_to_author(w, route(w, register("waiting")), "waiting")
    return refs
