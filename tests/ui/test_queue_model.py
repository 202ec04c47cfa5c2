"""The queue table model: pages from the queue service off the GUI thread, Russian cells, live clocks."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QEventLoop, QModelIndex, Qt, QTimer
from pytestqt.qtbot import QtBot

from app.models import db
from app.models.enums import Priority
from app.services import queue, workflow
from app.services.database import OpenedDatabase
from app.services.errors import PermissionDenied
from app.services.queue import QueueFilter, QueueSort
from app.ui import queue_model
from app.ui.queue_model import INCIDENT_ID_ROLE, LEVEL_ROLE, Column, QueueRow, QueueTableModel, short_duration
from tests.helpers.world import MSK, World, build_world
from tests.ui.helpers import REQUEST_STAGES, request_to_author, route

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."

HEADERS = ["№", "Выявлен", "Соцсеть", "Автор", "Текст", "Тема", "Исполнители", "Статус", "Осталось", "Приоритет"]


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


def register(w: World, n: int, *, text: str = "Не горят фонари на улице Красной\nуже неделю",
             network: str = "vk", priority: Priority = Priority.NORMAL) -> workflow.Ref:
    link = {"vk": f"https://vk.com/wall-1_{n}", "telegram": f"https://t.me/korenovsk_chat/{n}",
            "ok": f"https://ok.ru/group/1/topic/{n}"}[network]
    return workflow.register_incident(w.actor("kurator"), link=link, author=f"Автор {n:03d}", text=text,
                                      detected_at=w.clock.moment, priority=priority)


@pytest.fixture
def make_model(qtbot: QtBot) -> Iterator:
    made: list[QueueTableModel] = []

    def make(actor, **kwargs) -> QueueTableModel:  # noqa: ANN001
        model = QueueTableModel(actor, **kwargs)
        made.append(model)
        model.reload()
        wait(qtbot, model)
        return model

    yield make
    for model in made:
        model.countdown_timer.stop()
        assert model.wait_idle()


def wait(qtbot: QtBot, model: QueueTableModel) -> None:
    qtbot.waitUntil(lambda: not model.loading and not model.runner.busy, timeout=15_000)


def cell(model: QueueTableModel, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
    return model.data(model.index(row, column), role)


def test_model_contract_with_real_rows(qtmodeltester, world: World, make_model) -> None:  # noqa: ANN001
    for n in range(3):
        register(world, n)
    model = make_model(world.actor("kurator"), filter_=QueueFilter(preset="all"))
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_empty_model_contract(qtmodeltester, world: World, make_model) -> None:  # noqa: ANN001
    model = make_model(world.actor("kurator"))
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_russian_headers(world: World, make_model) -> None:  # noqa: ANN001
    model = make_model(world.actor("kurator"))
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == HEADERS
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert "сортирует" in model.headerData(Column.AUTHOR, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_first_page_comes_from_a_worker_thread_with_russian_cells(
    qtbot: QtBot, world: World, make_model, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    w = world
    ref = register(w, 1, network="telegram", priority=Priority.HIGH)
    workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    threads: list[str] = []
    real = queue.fetch_page

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(queue, "fetch_page", spy)
    model = QueueTableModel(w.actor("kurator"), filter_=QueueFilter(preset="all"))
    with qtbot.waitSignal(model.loading_changed) as started:
        model.reload()
    assert started.args == [True] and model.loading
    wait(qtbot, model)
    assert threads and threading.main_thread().name not in threads
    assert model.rowCount() == 1
    assert cell(model, 0, Column.NUMBER) == str(ref.id)
    assert cell(model, 0, Column.DETECTED) == "24.11.2026 09:30"
    assert cell(model, 0, Column.NETWORK) == "ТГ"  # every abbreviation in Cyrillic, as «ВК», «ОК»
    assert cell(model, 0, Column.NETWORK, Qt.ItemDataRole.ToolTipRole) == "Telegram"
    assert not cell(model, 0, Column.NETWORK, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(model, 0, Column.AUTHOR) == "Автор 001"
    assert cell(model, 0, Column.TEXT) == "Не горят фонари на улице Красной"
    assert cell(model, 0, Column.TOPIC) == "Уличное освещение"
    assert cell(model, 0, Column.EXECUTORS) == "Отдел ЖКХ, благоустройства и транспорта"
    assert cell(model, 0, Column.STATUS) == "В работе"
    assert cell(model, 0, Column.PRIORITY) == "повышенный"
    assert cell(model, 0, Column.PRIORITY, Qt.ItemDataRole.ToolTipRole) == "Повышенной важности"
    assert cell(model, 0, Column.NUMBER, INCIDENT_ID_ROLE) == ref.id
    # the draft is due 3 working hours before the 4-hour answer deadline: 1 hour from 09:30
    assert cell(model, 0, Column.REMAINING) == "осталось 1 ч"
    tip = cell(model, 0, Column.REMAINING, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Проект ответа на согласование (п. 12)") and "24 ноября 2026 г., 10:30" in tip
    model.countdown_timer.stop()
    assert model.wait_idle()


def test_countdown_turns_amber_at_75_percent_and_red_when_overdue_without_a_query(
    qtbot: QtBot, world: World, make_model, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    w = world
    register(w, 1)
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="new"))
    assert cell(model, 0, Column.REMAINING) == "осталось 30 мин"
    assert cell(model, 0, Column.REMAINING, LEVEL_ROLE) == "ok"
    green = cell(model, 0, Column.REMAINING, Qt.ItemDataRole.BackgroundRole).color().name()

    monkeypatch.setattr(queue, "fetch_page", lambda *a, **k: pytest.fail("the countdown must not query"))
    w.clock.work(23)
    with qtbot.waitSignal(model.thresholds_crossed):
        model.refresh_countdown()
    assert cell(model, 0, Column.REMAINING) == "осталось 7 мин"
    assert cell(model, 0, Column.REMAINING, LEVEL_ROLE) == "warning"
    amber = cell(model, 0, Column.REMAINING, Qt.ItemDataRole.BackgroundRole).color().name()
    w.clock.work(10)
    with qtbot.waitSignal(model.dataChanged):
        model.refresh_countdown()
    assert cell(model, 0, Column.REMAINING) == "просрочено на 3 мин"
    assert cell(model, 0, Column.REMAINING, LEVEL_ROLE) == "overdue"
    red = cell(model, 0, Column.REMAINING, Qt.ItemDataRole.BackgroundRole).color().name()
    assert cell(model, 0, Column.REMAINING, Qt.ItemDataRole.FontRole).bold()
    assert len({green, amber, red}) == 3
    assert "просрочено на 3 минуты" in cell(model, 0, Column.REMAINING, Qt.ItemDataRole.ToolTipRole)


def test_the_countdown_timer_ticks_every_30_seconds(world: World, make_model) -> None:  # noqa: ANN001
    model = make_model(world.actor("kurator"))
    assert model.countdown_timer.isActive() and model.countdown_timer.interval() == 30_000


def test_lazy_fetch_loads_200_rows_at_a_time(qtbot: QtBot, world: World, make_model) -> None:  # noqa: ANN001
    w = world
    with db.atomic():
        for n in range(470):
            register(w, n)
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="all"), sort=QueueSort("number"))
    assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
        assert not model.canFetchMore(QModelIndex())  # one page at a time
    assert inserted.args[1:] == [200, 399]
    wait(qtbot, model)
    model.fetchMore(QModelIndex())
    wait(qtbot, model)
    assert model.rowCount() == 470 and not model.canFetchMore(QModelIndex())
    ids = [cell(model, r, Column.NUMBER, INCIDENT_ID_ROLE) for r in range(470)]
    assert ids == sorted(ids) and len(set(ids)) == 470
    qtbot.waitUntil(lambda: model.total == 470)


def test_a_header_sort_is_done_by_the_service(qtbot: QtBot, world: World, make_model) -> None:  # noqa: ANN001
    for n in (2, 3, 1):
        register(world, n)
    model = make_model(world.actor("kurator"), filter_=QueueFilter(preset="all"))
    model.sort(Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    assert model.sort_order == QueueSort("author", descending=True)
    wait(qtbot, model)
    assert [cell(model, r, Column.AUTHOR) for r in range(3)] == ["Автор 003", "Автор 002", "Автор 001"]
    assert model.sort_column() == Column.AUTHOR
    model.sort(Column.TEXT, Qt.SortOrder.AscendingOrder)  # not sortable: back to the most urgent first
    assert model.sort_order == QueueSort() and model.sort_column() == -1


def test_filters_reload_from_the_first_page(qtbot: QtBot, world: World, make_model) -> None:  # noqa: ANN001
    w = world
    first = register(w, 1)
    register(w, 2, network="ok")
    workflow.route(w.actor("kurator"), first.id, first.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="all"))
    assert model.rowCount() == 2
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(QueueFilter(preset="new"))
    assert [cell(model, r, Column.NETWORK) for r in range(model.rowCount())] == ["ОК"]
    model.set_filter(QueueFilter(preset="all", search="фонари", networks=("vk",)))
    wait(qtbot, model)
    assert [cell(model, r, Column.NUMBER, INCIDENT_ID_ROLE) for r in range(model.rowCount())] == [first.id]


def test_quiet_refresh_keeps_the_rows_when_nothing_moved(qtbot: QtBot, world: World, make_model) -> None:  # noqa: ANN001
    register(world, 1)
    register(world, 2)
    model = make_model(world.actor("kurator"), filter_=QueueFilter(preset="all"))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.reload(keep_rows=True)
        wait(qtbot, model)
    assert model.rowCount() == 2


def test_a_change_elsewhere_reads_again_only_the_changed_incident(qtbot: QtBot, world: World, make_model,  # noqa: ANN001
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    refs = [register(w, n) for n in range(5)]
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="all"))
    qtbot.waitUntil(lambda: not model._pending, timeout=15_000)
    before = {model.row_at(r).incident_id: model.row_at(r) for r in range(model.rowCount())}
    changed = refs[2]
    route(w, changed)  # as another PC would: the service, not this window
    built, clocked = [], []
    rows_of, current_clocks = queue.rows_of, queue.current_clocks
    monkeypatch.setattr(queue, "rows_of", lambda ids: built.append(sorted(ids)) or rows_of(ids))
    monkeypatch.setattr(queue, "current_clocks", lambda ids, *a, **k: clocked.append(sorted(ids)) or current_clocks(ids, *a, **k))
    with qtbot.waitSignal(model.clocks_loaded, timeout=15_000):
        model.refresh_changed({changed.id})
    wait(qtbot, model)
    assert built == [[changed.id]] and clocked == [[changed.id]]
    row = model.row_of(changed.id)
    assert cell(model, row, Column.STATUS) == "В работе"
    assert "ЖКХ" in cell(model, row, Column.EXECUTORS)
    # the others are the very rows the window had: nothing about them was read or computed again
    assert all(model.row_at(r) is before[model.row_at(r).incident_id]
               for r in range(model.rowCount()) if model.row_at(r).incident_id != changed.id)
    assert [model.row_at(r).incident_id for r in range(model.rowCount())] == \
        [r.incident_id for r in queue.fetch_page(w.actor("kurator"), QueueFilter(preset="all")).rows]


def test_a_changed_incident_leaves_the_tab_and_a_new_one_comes_into_it(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                        make_model) -> None:
    w = world
    refs = [register(w, n) for n in range(3)]
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="new"))
    assert model.rowCount() == 3
    route(w, refs[0])  # no longer new
    fresh = register(w, 9, network="telegram")
    with qtbot.waitSignal(model.total_changed, timeout=15_000) as counted:
        model.refresh_changed({refs[0].id, fresh.id})
    wait(qtbot, model)
    shown = [model.row_at(r).incident_id for r in range(model.rowCount())]
    assert refs[0].id not in shown and fresh.id in shown and counted.args == [3]
    assert shown == [r.incident_id for r in queue.fetch_page(w.actor("kurator"), QueueFilter(preset="new")).rows]
    assert cell(model, model.row_of(fresh.id), Column.NETWORK) == "ТГ"


def test_a_refused_query_is_reported_in_russian(qtbot: QtBot, world: World, make_model,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    model = make_model(world.actor("kurator"))

    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionDenied("Нет доступа к очереди")

    monkeypatch.setattr(queue, "fetch_page", refuse)
    with qtbot.waitSignal(model.load_failed) as failed:
        model.reload()
    assert failed.args == ["Нет доступа к очереди"]
    assert not model.loading


def test_closed_incidents_show_the_outcome_of_their_answer_clock(world: World, make_model) -> None:  # noqa: ANN001
    from app.models.enums import NoAnswerReason

    w = world
    ref = register(w, 1)
    workflow.close_without_answer(w.actor("kurator"), ref.id, ref.version, reason=NoAnswerReason.INSULT)
    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="all"))
    assert cell(model, 0, Column.STATUS) == "Без ответа"
    assert cell(model, 0, Column.REMAINING) == "—"  # no answer clock runs for it (п. 21)


@pytest.mark.parametrize("minutes,text", [(0, "0 мин"), (45, "45 мин"), (60, "1 ч"), (135, "2 ч 15 мин"),
                                          (-40, "40 мин")])
def test_short_duration(minutes: int, text: str) -> None:
    assert short_duration(timedelta(minutes=minutes)) == text


def test_remaining_after_the_working_day_says_the_deadline_passed(world: World) -> None:
    from app.services.calendar_store import current_calendar
    from app.services.deadlines import clocks_for

    w = world
    ref = register(w, 1)
    routing = next(c for c in clocks_for(ref.id) if c.code == "routing")
    cal = current_calendar()
    late = queue_model.remaining_for(routing, datetime(2026, 11, 24, 10, 40, tzinfo=MSK), cal)
    assert (late.text, late.level) == ("просрочено на 40 мин", "overdue")
    evening = queue_model.remaining_for(routing, datetime(2026, 11, 24, 20, 0, tzinfo=MSK), cal)
    assert evening.text.startswith("просрочено на") and evening.level == "overdue"


# --- the clarification request to the author (п. 13–16) in the «Статус» cell ------------------------

def test_the_status_cell_says_where_the_request_to_the_author_is_and_how_long_the_author_is_awaited(
        qtbot: QtBot, world: World, make_model, qtmodeltester) -> None:  # noqa: ANN001
    w = world
    made = {stage: register(w, n) for n, stage in enumerate(REQUEST_STAGES + ("answering", "plain"), 1)}
    refs = {stage: route(w, ref) for stage, ref in made.items()}
    # the request posted at 09:30 (Tuesday) and not answered; then the executor sends the answer for
    # approval while the author is still silent
    waiting = request_to_author(w, refs["waiting"], "waiting")
    answering = request_to_author(w, refs["answering"], "waiting")
    answering = workflow.save_draft(w.actor("zhkh"), answering.id, answering.version, text=ANSWER)
    workflow.submit_answer(w.actor("zhkh"), answering.id, answering.version)
    # posted 09:50, the author replied at 10:10: 20 working minutes
    w.clock.work(20)
    replied = request_to_author(w, refs["replied"], "replied", work_minutes=20)
    for stage in ("submitted", "returned", "approved"):
        request_to_author(w, refs[stage], stage)
    # 09:30 → 14:45: 3 h 30 min before lunch and 45 min after it
    w.clock.set(datetime(2026, 11, 24, 14, 45, tzinfo=MSK))

    model = make_model(w.actor("kurator"), filter_=QueueFilter(preset="clarification"))
    qtmodeltester.check(model)
    shown = {cell(model, r, Column.NUMBER, INCIDENT_ID_ROLE): cell(model, r, Column.STATUS)
             for r in range(model.rowCount())}
    assert shown == {
        refs["submitted"].id: "Запрос на согласовании",
        refs["returned"].id: "Запрос на доработке",
        refs["approved"].id: "Запрос к размещению",
        waiting.id: "Ждёт ответа автора · 4 ч 15 мин",
        answering.id: "На согласовании · ждёт ответа автора 4 ч 15 мин",
    }  # the replied one and the one without a request are not in the tab

    def tip(incident_id: int) -> str:
        return cell(model, model.row_of(incident_id), Column.STATUS, Qt.ItemDataRole.ToolTipRole)

    assert tip(waiting.id).splitlines() == [
        "Статус: Ждёт ответа автора",
        "Запрос (уточнение) автору (п. 13): ждёт ответа автора",
        "Ожидание ответа автора: 4 рабочих часа 15 минут — автор ещё не ответил",
        "Рабочее время с размещения запроса; срок ответа на инцидент при этом не останавливается (п. 9, 17)",
    ]
    assert tip(refs["returned"].id).splitlines() == [
        "Статус: На доработке", "Запрос (уточнение) автору (п. 13): запрос на доработке"]
    waiting_row = model.row_of(waiting.id)
    assert cell(model, waiting_row, Column.STATUS, Qt.ItemDataRole.ForegroundRole).color().name() == "#8a5a00"
    assert cell(model, model.row_of(refs["submitted"].id), Column.STATUS, Qt.ItemDataRole.ForegroundRole) is None
    assert "сколько рабочего времени ждём ответа автора" in model.headerData(
        Column.STATUS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)

    # in «Все» the incident whose author replied tells how long it waited
    model.set_filter(QueueFilter(preset="all"))
    wait(qtbot, model)
    row = model.row_of(replied.id)
    assert cell(model, row, Column.STATUS) == "В работе"
    assert cell(model, row, Column.STATUS, Qt.ItemDataRole.ToolTipRole).splitlines()[:2] == [
        "Статус: В работе", "Ожидание ответа автора: 20 минут"]
    plain = model.row_of(refs["plain"].id)
    assert cell(model, plain, Column.STATUS, Qt.ItemDataRole.ToolTipRole) == "Статус: В работе"


@pytest.mark.parametrize("state,status,wait_minutes,text", [
    ("", "routed", None, "В работе"),
    ("submitted", "on_approval", None, "Запрос на согласовании"),
    ("returned", "returned", None, "Запрос на доработке"),
    ("approved", "approved", None, "Запрос к размещению"),
    ("waiting", "clarification", 351, "Ждёт ответа автора · 5 ч 51 мин"),
    ("waiting", "clarification", None, "Ждёт ответа автора"),
    ("waiting", "approved", 60, "К размещению · ждёт ответа автора 1 ч"),
    ("returned", "on_approval", None, "На согласовании · запрос на доработке"),
])
def test_status_text(state: str, status: str, wait_minutes: int | None, text: str) -> None:
    from app.models.enums import STATUS_LABELS, IncidentStatus

    row = QueueRow(1, 1, datetime(2026, 11, 24, 6, 30), "vk", "Автор", "Текст", "", "", status,
                   STATUS_LABELS[IncidentStatus(status)], "normal", None, None, state,
                   timedelta(minutes=wait_minutes) if wait_minutes is not None else None)
    assert queue_model.status_text(row) == text


def test_normal_priority_stays_in_the_background(world: World, make_model) -> None:  # noqa: ANN001
    register(world, 1)
    register(world, 2, priority=Priority.HIGH)
    model = make_model(world.actor("kurator"), filter_=QueueFilter(preset="all"))
    colours = {cell(model, r, Column.PRIORITY): cell(model, r, Column.PRIORITY, Qt.ItemDataRole.ForegroundRole)
               .color().name() for r in range(2)}
    assert colours == {"обычный": "#6b6b6b", "повышенный": "#b00020"}


def test_a_clock_that_ran_out_at_lunch_says_so_in_the_cell_and_its_tooltip(world: World) -> None:  # noqa: ANN001
    """Due at 13:00, seen at 13:30: no working time has passed since, yet it is not «осталось 0 минут»."""
    from app.services.calendar_store import current_calendar
    from app.services.deadlines import clocks_for

    w = world
    w.clock.set(datetime(2026, 11, 24, 12, 30, tzinfo=MSK))
    ref = register(w, 1)
    routing = next(c for c in clocks_for(ref.id) if c.code == "routing")
    cell_ = queue_model.remaining_for(routing, datetime(2026, 11, 24, 13, 30, tzinfo=MSK), current_calendar())
    assert (cell_.text, cell_.level) == ("срок истёк", "overdue")
    assert "осталось" not in cell_.tooltip and cell_.tooltip.splitlines()[0].endswith(": срок истёк")


def test_a_clock_of_working_days_counts_days_not_hours(world: World) -> None:  # noqa: ANN001
    """Clause 18: seven working days after an interim answer — «осталось 7 рабочих дней», not «56 ч»."""
    from app.models.enums import AnswerKind
    from app.services.calendar_store import current_calendar
    from app.services.deadlines import clocks_for

    w = world
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = route(w, register(w, 1))
    ref = workflow.save_draft(e, ref.id, ref.version, kind=AnswerKind.INTERIM,
                              text="Здравствуйте! Проверка займёт неделю, о результатах сообщим дополнительно.")
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_1?reply=2")
    final = next(c for c in clocks_for(ref.id) if c.code == "final_answer")
    cal = current_calendar()

    def text(day: int, hour: int = 10) -> str:
        return queue_model.remaining_for(final, datetime(2026, 11 if day > 20 else 12, day, hour, tzinfo=MSK), cal).text

    assert text(24) == "осталось 7 рабочих дней"  # 25, 26, 27, 30 November, 1, 2, 3 December
    assert text(1) == "осталось 2 рабочих дня"
    assert text(2) == "осталось 1 рабочий день"
    assert text(3) == "осталось 7 ч"  # the last day counts in hours (10:00 → 18:00 less the lunch hour)
    assert "осталось 7 рабочих дней" in queue_model.remaining_for(
        final, datetime(2026, 11, 24, 10, tzinfo=MSK), cal).tooltip


def test_every_network_is_abbreviated_in_cyrillic() -> None:
    assert set(queue_model.NETWORK_SHORT.values()) == {"ВК", "ОК", "ТГ"}
