"""Plain Python events for whoever listens (the UI turns them into notifications).

Services collect events during an action and publish them only after its transaction
committed, so a listener never hears about a change that was rolled back.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something a user should learn about.

    ``kind``: registered, assigned, returned, approved, submitted, author_replied, comment,
    not_competent, contribution, published, closed, clock_warning, clock_overdue.
    """

    kind: str
    incident_id: int
    message: str
    unit_ids: frozenset[int] = field(default_factory=frozenset)  # executors of these units
    to_curators: bool = False
    to_responsible: bool = False  # the responsible official: a curator's own text to approve (cl. 8, 14)


Listener = Callable[[Event], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Start listening; returns the function that stops it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def publish(events: list[Event]) -> None:
    with _lock:
        listeners = list(_listeners)
    for event in events:
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not undo a committed action
                log.exception("Обработчик события %s завершился с ошибкой", event.kind)
