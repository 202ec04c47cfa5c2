"""Notifications: deadline alerts on timers (Vorta-style), workflow events from any thread, once only."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.services import events, workflow
from app.services.database import OpenedDatabase
from app.ui.notifier import JUMP_CHECK_MS, MIN_CHECK_GAP_MS, RESYNC_MS, NotificationBanner, Notice, Notifier
from tests.helpers.world import MSK, World, build_world


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


@pytest.fixture
def make_notifier(qtbot: QtBot) -> Iterator:
    made: list[Notifier] = []
    hosts: list[QWidget] = []

    def make(actor, *, start: bool = True, use_tray: bool = False) -> tuple[Notifier, NotificationBanner]:  # noqa: ANN001
        host = QWidget()  # the banner lives inside a window, as in the main window
        banner = NotificationBanner(host)
        QVBoxLayout(host).addWidget(banner)
        qtbot.addWidget(host)
        host.show()
        hosts.append(host)
        notifier = Notifier(actor, banner, use_tray=use_tray)
        made.append(notifier)
        if start:
            notifier.start()
            settle(qtbot, notifier)
        return notifier, banner

    yield make
    for notifier in made:
        notifier.stop()


def settle(qtbot: QtBot, notifier: Notifier) -> None:
    qtbot.waitUntil(lambda: not notifier.runner.busy, timeout=15_000)


def register(w: World, n: int = 1) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author="Ирина Ковалёва",
                                      text="Не горят фонари на улице Красной", detected_at=w.clock.moment)


def test_timers_follow_vorta(world: World, make_notifier) -> None:  # noqa: ANN001
    register(world)
    notifier, _banner = make_notifier(world.actor("kurator"))
    assert notifier.resync_timer.isActive() and notifier.resync_timer.interval() == RESYNC_MS == 5 * 60_000
    assert notifier.jump_timer.isActive() and notifier.jump_timer.interval() == JUMP_CHECK_MS == 60_000
    # one single-shot timer for the nearest threshold: 75 % of the 30-minute routing clock, 09:52:30
    assert notifier.next_at == datetime(2026, 11, 24, 9, 52, 30, tzinfo=MSK)
    assert notifier.deadline_timer.isSingleShot() and notifier.deadline_timer.isActive()
    assert notifier.deadline_timer.interval() == RESYNC_MS  # 22.5 minutes away: the re-sync comes first


def test_the_deadline_timer_shows_the_warning_once(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    w = world
    ref = register(w)
    notifier, banner = make_notifier(w.actor("kurator"))
    assert not banner.isVisible()
    w.clock.set(datetime(2026, 11, 24, 9, 52, 31, tzinfo=MSK))
    notifier.resync()
    settle(qtbot, notifier)
    assert notifier.next_at == datetime(2026, 11, 24, 10, 0, tzinfo=MSK)
    # 7.5 minutes away: the 5-minute re-sync comes first; never sooner than 30 s after a check
    # (a region-sized database has a threshold every few seconds)
    assert notifier.deadline_timer.interval() == RESYNC_MS
    notifier._schedule(datetime(2026, 11, 24, 9, 52, 40, tzinfo=MSK))  # noqa: SLF001 - nine seconds away
    assert notifier.deadline_timer.interval() == MIN_CHECK_GAP_MS
    assert banner.isVisible() and banner.current.incident_id == ref.id
    assert banner.text_label.text().startswith("<b>Срок подходит к концу.</b>")
    assert "Направление исполнителю (п. 10): осталось 7 минут" in banner.text_label.text()
    w.clock.set(datetime(2026, 11, 24, 10, 0, 1, tzinfo=MSK))
    with qtbot.waitSignal(notifier.deadline_reached), qtbot.waitSignal(notifier.shown) as shown:
        notifier.deadline_timer.timeout.emit()
    assert shown.args[0].level == "overdue"
    assert "Срок нарушен" in banner.text_label.text() and banner.more_label.text() == "ещё 1"
    settle(qtbot, notifier)
    with qtbot.assertNotEmitted(notifier.shown, wait=100):
        notifier.resync()
        settle(qtbot, notifier)


def test_a_clock_jump_resyncs_at_once(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    w = world
    register(w)
    notifier, banner = make_notifier(w.actor("kurator"))
    assert notifier.check_clock_jump() is False
    w.clock.set(w.clock.moment + timedelta(minutes=40))  # the PC slept: wall time jumped
    with qtbot.waitSignal(notifier.deadline_reached), qtbot.waitSignal(notifier.shown):
        assert notifier.check_clock_jump() is True
    assert banner.current.level == "overdue"


def test_events_from_a_worker_thread_reach_the_gui_thread_once(qtbot: QtBot, world: World,  # noqa: ANN001
                                                              make_notifier) -> None:
    w = world
    notifier, banner = make_notifier(w.actor("zhkh"))
    handled_in: list[str] = []
    notifier.shown.connect(lambda _notice: handled_in.append(threading.current_thread().name))
    event = events.Event("assigned", 42, "Новое поручение по инциденту № 42", frozenset({w.units["zhkh"]}))

    def publish_twice() -> None:
        events.publish([event])
        events.publish([event])

    with qtbot.waitSignal(notifier.incident_event):
        worker = threading.Thread(target=publish_twice, name="worker")
        worker.start()
        worker.join()
    qtbot.wait(50)
    assert handled_in == [threading.main_thread().name]
    assert banner.current == Notice(42, "event", "Новое поручение по инциденту № 42")
    assert banner.waiting == 0


def test_events_of_other_units_and_outside_working_hours_are_not_shown(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                      make_notifier) -> None:
    w = world
    notifier, banner = make_notifier(w.actor("blago"))
    with qtbot.assertNotEmitted(notifier.shown, wait=100):
        events.publish([events.Event("assigned", 1, "Поручение ЖКХ", frozenset({w.units["zhkh"]}))])
    w.clock.set(datetime(2026, 11, 24, 20, 0, tzinfo=MSK))
    with qtbot.waitSignal(notifier.incident_event), qtbot.assertNotEmitted(notifier.shown, wait=100):
        events.publish([events.Event("assigned", 2, "Поручение вечером", frozenset({w.units["blago"]}))])
    assert not banner.isVisible()


def test_a_real_workflow_action_notifies_the_unit(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    w = world
    notifier, banner = make_notifier(w.actor("zhkh"))
    ref = register(w)
    with qtbot.waitSignal(notifier.shown) as shown:
        workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                       location_id=w.location_id)
    assert shown.args[0].incident_id == ref.id and f"№ {ref.id}" in shown.args[0].message


def test_clicking_the_banner_opens_the_incident(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    notifier, banner = make_notifier(world.actor("kurator"), start=False)
    notifier.notify(Notice(5, "warning", "Инцидент № 5. Размещение ответа (п. 9): осталось 1 час"))
    notifier.notify(Notice(6, "overdue", "Инцидент № 6. Размещение ответа (п. 9): просрочено на 5 минут"))
    assert banner.current.incident_id == 6 and banner.more_label.text() == "ещё 1"
    with qtbot.waitSignal(notifier.open_incident) as opened:
        qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [6]
    assert banner.current.incident_id == 5  # the next one takes its place
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_tray_messages_when_the_system_has_a_tray(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    notifier, banner = make_notifier(world.actor("kurator"), start=False, use_tray=True)
    assert notifier.tray is not None
    sent: list[tuple] = []
    notifier.tray.showMessage = lambda *args: sent.append(args)
    notifier.notify(Notice(9, "overdue", "Инцидент № 9: срок нарушен"))
    assert sent and sent[0][:2] == ("Срок нарушен", "Инцидент № 9: срок нарушен")
    assert not banner.isVisible()
    with qtbot.waitSignal(notifier.open_incident) as opened:
        notifier.tray.messageClicked.emit()
    assert opened.args == [9]
    notifier.set_preferences(tray=False, sound=False)
    assert notifier.tray is None


def test_stop_stops_listening(qtbot: QtBot, world: World, make_notifier) -> None:  # noqa: ANN001
    w = world
    notifier, _banner = make_notifier(w.actor("zhkh"))
    notifier.stop()
    assert not notifier.resync_timer.isActive() and not notifier.jump_timer.isActive()
    with qtbot.assertNotEmitted(notifier.incident_event, wait=100):
        events.publish([events.Event("assigned", 3, "Поручение", frozenset({w.units["zhkh"]}))])


def test_the_clarification_request_notifies_each_side_in_turn(qtbot: QtBot, world: World,  # noqa: ANN001
                                                             make_notifier) -> None:
    """п. 13–16: the request goes to the curator, back to the unit approved, and the author's reply
    reaches both the unit and the curator."""
    from tests.ui.helpers import REQUEST_TEXT, route

    w = world
    curator, _ = make_notifier(w.actor("kurator"))
    unit, _ = make_notifier(w.actor("zhkh"))
    ref = route(w, register(w))
    qtbot.wait(50)  # the «направлен» event of the routing reaches the unit first
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = workflow.save_request(e, ref.id, ref.version, text=REQUEST_TEXT)
    with qtbot.waitSignal(curator.shown) as shown:
        ref = workflow.submit_request(e, ref.id, ref.version)
    assert shown.args[0] == Notice(ref.id, "event", f"Запрос (уточнение) по инциденту № {ref.id} ждёт согласования")
    with qtbot.waitSignal(unit.shown) as shown:
        ref = workflow.approve(k, ref.id, ref.version)
    assert shown.args[0].message == (f"Запрос (уточнение) по инциденту № {ref.id} согласован — "
                                     "разместите в течение 30 мин")
    with qtbot.waitSignal(curator.shown) as shown:
        ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_1?reply=3")
    assert shown.args[0].message == f"Запрос (уточнение) по инциденту № {ref.id} размещён — ждём ответа автора"
    with qtbot.waitSignal(unit.shown) as to_unit, qtbot.waitSignal(curator.shown) as to_curator:
        workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12, у второго подъезда")
    assert to_unit.args[0].message == to_curator.args[0].message == f"Автор ответил на запрос по инциденту № {ref.id}"
