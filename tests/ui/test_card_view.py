"""The incident card: the source, clocks, units, answers with a word diff, history, and the buttons."""
from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from app.models.enums import Priority, ReturnReason
from app.services import incident_view, workflow
from app.services.database import OpenedDatabase
from app.services.incident_view import ACTIONS
from app.ui.card_view import DiffDialog, IncidentCardView, diff_html, primary_action
from tests.helpers.world import World, build_world

TEXT = "Не горят фонари на улице Красной у дома 12"
ANSWER = "Здравствуйте! Фонари на улице Красной починят завтра, бригада уже выехала."


@pytest.fixture
def world(db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    """The small administration on the chosen backend (SQLite, or PostgreSQL with INCIDENTS_TEST_BACKEND)."""
    return build_world(monkeypatch)


@pytest.fixture
def make_view(qtbot: QtBot) -> Iterator:
    made: list[IncidentCardView] = []

    def make(actor, incident_id: int | None = None) -> IncidentCardView:  # noqa: ANN001
        view = IncidentCardView(actor)
        qtbot.addWidget(view)
        view.resize(620, 800)
        view.show()
        made.append(view)
        if incident_id is not None:
            show(qtbot, view, incident_id)
        return view

    yield make
    for view in made:
        view.countdown_timer.stop()
        assert view.wait_idle()


def show(qtbot: QtBot, view: IncidentCardView, incident_id: int) -> None:
    view.show_incident(incident_id)
    qtbot.waitUntil(lambda: not view.loading and not view.runner.busy, timeout=15_000)


def routed(w: World, text: str = TEXT) -> workflow.Ref:
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_77", author="Ирина Ковалёва",
                                     text=text, detected_at=w.clock.moment, author_link="https://vk.com/id77")
    w.clock.work(10)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                          location_id=w.location_id)


@pytest.fixture
def fake_actions(monkeypatch: pytest.MonkeyPatch) -> list:
    """``app.ui.actions`` replaced: records the calls, returns what the test put in ``result``."""
    calls: list = []
    module = types.ModuleType("app.ui.actions")

    def run_action(parent, actor, card, action):  # noqa: ANN001, ANN202
        calls.append((parent, actor, card.id, action))
        effect = getattr(module, "effect", None)
        if effect is not None:
            effect(actor, card)
        return getattr(module, "result", False)

    module.run_action = run_action
    monkeypatch.setitem(sys.modules, "app.ui.actions", module)
    calls.append(module)
    return calls


def test_card_shows_the_source_units_and_history(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    ref = routed(world)
    view = make_view(world.actor("kurator"), ref.id)
    assert view.title_label.text() == f"Инцидент № {ref.id}"
    source = " ".join(label.text() for label in view.source_page.findChildren(type(view.title_label)))
    for expected in (TEXT, "https://vk.com/wall-1_77", "Ирина Ковалёва", "ВКонтакте", "24 ноября 2026 г., 09:30",
                     "В работе", "Обычный", "Благоустройство / Уличное освещение", "ул. Красная",
                     "Отдел ЖКХ, благоустройства и транспорта"):
        assert expected in source, expected
    assert view.tabs.tabText(3) == "История (2)"
    history = [label.text() for label in view.history_labels]
    assert "Направлен исполнителям (п. 10)" in history[1]
    assert "затрачено 10 минут при норме 30 минут" in history[1] and "в срок" in history[1]
    assert "Слепокурова Яна Евгеньевна" in history[1]


def test_clocks_are_listed_with_state_colours_and_explanations(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    ref = routed(w)
    view = make_view(w.actor("kurator"), ref.id)
    texts = [label.text() for label in view.clock_labels]
    assert any("Размещение ответа" in t and "осталось" in t for t in texts)
    routing = next(label for label in view.clock_labels if "Направление исполнителю" in label.text())
    assert "соблюдён" in routing.text() and routing.property("level") == "met"
    answer = next(label for label in view.clock_labels if "Размещение ответа" in label.text())
    assert answer.property("level") == "ok"
    assert "Срок: 25 ноября 2026 г., 09:30" in answer.toolTip()
    assert view.current_clock_label.isVisible()
    # time passes: the card's clocks count down without a reload
    w.clock.work(6 * 60 + 5)
    view.refresh_countdown()
    answer = next(label for label in view.clock_labels if "Размещение ответа" in label.text())
    assert answer.property("level") == "warning"
    w.clock.work(2 * 60)
    view.refresh_countdown()
    answer = next(label for label in view.clock_labels if "Размещение ответа" in label.text())
    assert answer.property("level") == "overdue" and "просрочено на" in answer.text()


def clock_label(view: IncidentCardView, title: str) -> QLabel:
    return next(label for label in view.clock_labels if f"<b>{title}</b>" in label.text())


def test_a_step_whose_window_is_gone_is_red_from_the_start_and_an_unused_window_is_not(
        qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_80", author="Олег", text=TEXT,
                                     detected_at=w.clock.moment)  # Tuesday 09:30: the answer is due Wednesday 09:30
    w.clock.work(5 * 60 + 30)  # 16:00 (lunch 13–14 is not working time)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id)
    view = make_view(w.actor("zhkh"), ref.id)
    # clause 12: the draft was due 3 working hours before the answer — Tuesday 15:30, before the routing
    draft = clock_label(view, "Проект ответа на согласование")
    assert draft.property("level") == "overdue"
    assert "просрочено на 30 минут" in draft.text() and "срок 24.11.2026 15:30" in draft.text()
    assert "#8a0f0f" in draft.styleSheet() and "#f7c6c6" in draft.styleSheet()  # red
    assert view.current_clock_label.property("level") == "overdue"
    assert view.current_clock_label.text().startswith("Проект ответа на согласование (п. 12): просрочено на")
    request = clock_label(view, "Можно подготовить запрос (уточнение) автору")
    assert "(по желанию)" in request.text() and request.property("level") == "ok"
    # 17:30: the optional clause-13 window (until 17:00) closed unused — grey, never red
    view.refresh_countdown(w.clock.work(90))
    request = clock_label(view, "Можно подготовить запрос (уточнение) автору")
    assert "не использован" in request.text() and request.property("level") == "none"
    assert "#8a0f0f" not in request.styleSheet()
    assert clock_label(view, "Проект ответа на согласование").property("level") == "overdue"


def test_the_clocks_of_a_request_have_their_own_titles(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = routed(w)
    ref = workflow.save_request(e, ref.id, ref.version, text="Уточните, пожалуйста, номер подъезда.")
    ref = workflow.submit_request(e, ref.id, ref.version)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(70)  # the revision of clause 15 (1 working hour) is late by 10 minutes
    view = make_view(e, ref.id)
    assert "соблюдён" in clock_label(view, "Запрос (уточнение) автору на согласование").text()
    assert clock_label(view, "Согласование запроса (уточнения), версия 1").property("level") == "met"
    revision = clock_label(view, "Доработка запроса, версия 1")
    assert revision.property("level") == "overdue" and "просрочено на 10 минут" in revision.text()
    assert view.tabs.tabText(1) == f"Сроки ({len(view.card.clocks)})"
    # what is to be revised is the request: it is the primary action (Ctrl+Enter), not the answer
    assert view.action_buttons["edit_request"].font().bold() and not view.action_buttons["edit_answer"].font().bold()


def test_the_primary_action_while_the_author_is_awaited() -> None:
    waiting = {"record_author_reply", "route", "comment", "change_priority", "close_no_answer"}
    assert primary_action(waiting) == "record_author_reply"  # the curator
    assert primary_action({"edit_answer", "record_author_reply", "not_competent", "comment"}) == "edit_answer"
    assert primary_action({"edit_answer", "edit_request", "comment"}, request_returned=True) == "edit_request"
    assert primary_action({"edit_answer", "edit_request", "comment"}) == "edit_answer"


def test_buttons_are_the_actions_of_the_card(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    ref = routed(world)
    curator = make_view(world.actor("kurator"), ref.id)
    assert set(curator.action_buttons) == {"route", "close_no_answer", "change_priority", "comment"}
    assert {b.text() for b in curator.action_buttons.values()} == {ACTIONS[a] for a in curator.action_buttons}
    assert curator.action_buttons["route"].font().bold()  # the primary action
    assert "Ctrl+Enter" in curator.action_buttons["route"].toolTip()
    executor = make_view(world.actor("zhkh"), ref.id)
    assert set(executor.action_buttons) == {"not_competent", "edit_request", "edit_answer", "comment"}
    assert executor.action_buttons["edit_request"].text() == "Запрос (уточнение) автору"
    assert "автору сообщения" in executor.action_buttons["edit_request"].toolTip()
    assert executor.action_buttons["comment"].text() == "Комментарий"
    head = make_view(world.actor("glava"), ref.id)
    assert head.action_buttons == {} and not head.actions_box.isVisible()


def test_a_button_runs_the_action_then_reloads_the_card(qtbot: QtBot, world: World, make_view,  # noqa: ANN001
                                                       fake_actions: list) -> None:
    w = world
    ref = routed(w)
    view = make_view(w.actor("kurator"), ref.id)
    module = fake_actions.pop()
    module.result = True
    module.effect = lambda actor, card: workflow.change_priority(actor, card.id, card.version, priority=Priority.HIGH,
                                                                 comment="Социально значимый вопрос")
    with qtbot.waitSignal(view.changed) as changed:
        qtbot.mouseClick(view.action_buttons["change_priority"], Qt.MouseButton.LeftButton)
    assert changed.args == [ref.id]
    assert fake_actions[0][1:] == (w.actor("kurator"), ref.id, "change_priority")
    assert fake_actions[0][0] is view
    qtbot.waitUntil(lambda: not view.loading and view.card.priority == Priority.HIGH, timeout=15_000)
    assert "Повышенной важности" in view.status_label.text()


def test_ctrl_enter_runs_the_primary_action(qtbot: QtBot, world: World, make_view, fake_actions: list) -> None:  # noqa: ANN001
    ref = routed(world)
    view = make_view(world.actor("zhkh"), ref.id)
    fake_actions.pop()
    assert primary_action(view.card.actions) == "edit_answer"
    view.activateWindow()
    view.action_buttons["edit_answer"].setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [call[3] for call in fake_actions] == ["edit_answer"]


def test_unchanged_incident_is_not_reloaded(qtbot: QtBot, world: World, make_view, fake_actions: list) -> None:  # noqa: ANN001
    ref = routed(world)
    view = make_view(world.actor("kurator"), ref.id)
    fake_actions.pop().result = False
    with qtbot.assertNotEmitted(view.changed):
        assert view.run_action("route") is False
    assert view.run_action("approve") is False  # not among the card's actions: nothing happens
    assert [call[3] for call in fake_actions] == ["route"]


def test_the_link_opens_in_the_browser(qtbot: QtBot, world: World, make_view,  # noqa: ANN001
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ref = routed(world)
    view = make_view(world.actor("kurator"), ref.id)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    view.link_label.linkActivated.emit("https://vk.com/wall-1_77")
    assert [u.toString() for u in opened] == ["https://vk.com/wall-1_77"]
    assert 'href="https://vk.com/wall-1_77"' in view.link_label.text()


def test_answer_versions_compare_with_the_previous_one(qtbot: QtBot, world: World, make_view,  # noqa: ANN001
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = routed(w)
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.OFF_QUESTION],
                                       comment="Уточните срок")
    ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER.replace("завтра", "сегодня до 18:00"))
    view = make_view(k, ref.id)
    assert view.tabs.tabText(2) == "Ответы (2)"
    answers = " ".join(label.text() for label in view.answers_page.findChildren(type(view.title_label)))
    assert "Несоответствие сути вопроса" in answers and "Уточните срок" in answers
    assert "Возвращён на доработку" in answers and "Черновик" in answers
    assert list(view.diff_buttons) == [2]
    assert view.diff_buttons[2].text() == "Сравнить с предыдущей"
    shown: list[DiffDialog] = []
    monkeypatch.setattr(DiffDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    qtbot.mouseClick(view.diff_buttons[2], Qt.MouseButton.LeftButton)
    (dialog,) = shown
    html = dialog.browser.toHtml()
    assert "line-through" in html and "завтра," in html and "сегодня до 18:00," in html
    assert dialog.windowTitle() == "Сравнение: версия 1 → версия 2"


def test_diff_html_strikes_deletions_and_colours_insertions() -> None:
    html = diff_html("Фонари починят завтра.", "Фонари починят сегодня.")
    assert html.startswith("Фонари починят ")
    assert '<span style="color:#b00020; text-decoration:line-through; background:#fde4e4;">завтра.</span>' in html
    assert '<span style="color:#17651b; background:#dcf3d9;">сегодня.</span>' in html
    assert "&lt;b&gt;" in diff_html("", "<b>")  # the text is escaped


def test_clause_21_note_is_shown_in_amber(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    ref = routed(world, "Глава, ты идиот, я тебя убью")
    view = make_view(world.actor("kurator"), ref.id)
    assert view.clause21_note.isVisible()
    assert view.clause21_note.text().startswith("Возможно, ответ не требуется (п. 21): оскорбительные выражения")
    assert "«идиот»" in view.clause21_note.text()
    assert "#fff1c7" in view.clause21_note.styleSheet()
    quiet = make_view(world.actor("kurator"))
    quiet.set_card(incident_view.load_card(world.actor("kurator"), routed_again(world).id))
    assert not quiet.clause21_note.isVisible()


def routed_again(w: World) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_78", author="Олег",
                                      text=TEXT, detected_at=w.clock.moment)


def page_text(view: IncidentCardView) -> str:
    """What the first tab shows now (the labels of the previous card, hidden and about to go, left out)."""
    QApplication.sendPostedEvents()  # the new labels are shown by a queued call of their layout
    return " ".join(label.text() for label in view.source_page.findChildren(QLabel) if label.isVisibleTo(view))


def test_requests_to_the_author_show_the_reply_links_and_how_long_the_incident_waited(
        qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = routed(w)  # 09:40
    ref = workflow.save_request(e, ref.id, ref.version, text="Уточните, пожалуйста, номер подъезда.")
    ref = workflow.submit_request(e, ref.id, ref.version)
    view = make_view(k, ref.id)
    assert "статус: <b>На согласовании</b> · запрос на согласовании" in view.status_label.text()
    assert view.requests_title is None and "Запросы автору" not in page_text(view)
    assert "Запрос (уточнение) автору" in " ".join(x.text() for x in view.answers_page.findChildren(QLabel))
    ref = workflow.approve(k, ref.id, ref.version)
    w.clock.work(5)
    ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_77?reply=3")  # 09:45
    w.clock.work(62)  # 10:47
    show(qtbot, view, ref.id)
    assert "статус: <b>Ждёт ответа автора</b>" in view.status_label.text()
    assert "ждёт ответа автора" not in view.status_label.text()  # said once
    text = page_text(view)
    assert "Запросы автору" in text and "Запросы (уточнения)" not in text
    assert "Запрос (уточнение), версия 1" in text and "Уточните, пожалуйста, номер подъезда." in text
    assert "24.11.2026 09:45" in text and 'href="https://vk.com/wall-1_77?reply=3"' in text
    assert "Автор ещё не ответил" in text
    assert "Инцидент ждёт автора уже 1 рабочий час 2 минуты" in text
    w.clock.work(3)  # 10:50
    ref = workflow.record_author_reply(e, ref.id, ref.version, text="Второй подъезд, со двора.",
                                       url="https://vk.com/wall-1_77?reply=4")
    show(qtbot, view, ref.id)
    assert view.status_label.text() == "Инцидент · статус: <b>В работе</b> · Обычный"
    text = page_text(view)
    assert "Ответ автора</b> — 24.11.2026 10:50, записал Иваненко Олег Викторович" in text
    assert "Второй подъезд, со двора." in text and 'href="https://vk.com/wall-1_77?reply=4"' in text
    assert "Инцидент ждал автора 1 рабочий час 5 минут" in text  # 09:45 → 10:50
    assert "Автор ещё не ответил" not in text
    history = [label.text() for label in view.history_labels]
    assert any("Записан ответ автора на запрос (п. 13)" in line for line in history)


def test_comments_are_listed_with_the_old_questions_to_the_curator(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    from app.models import Comment

    w = world
    ref = routed(w)
    # a database from before the update: the executor's question to the curator became a comment
    Comment.create(incident=ref.id, kind="legacy_question", author=w.ids["zhkh"], created_at=w.clock.moment,
                   text="О каком доме речь?")
    Comment.create(incident=ref.id, kind="legacy_reply", author=w.ids["kurator"], created_at=w.clock.moment,
                   text="Дом 12.")
    workflow.add_comment(w.actor("kurator"), ref.id, text="Проверьте и опоры у дома 14")
    view = make_view(w.actor("zhkh"), ref.id)
    texts = [label.text() for label in view.comment_labels]
    assert "Комментарии" in page_text(view)
    assert texts[0].startswith("<b>Вопрос куратору (до обновления программы)</b> — Иваненко Олег Викторович, ")
    assert "О каком доме речь?" in texts[0]
    assert texts[1].startswith("<b>Ответ куратора (до обновления программы)</b> — Слепокурова Яна Евгеньевна")
    assert texts[2].startswith("<b>Комментарий</b> — Слепокурова Яна Евгеньевна, 24.11.2026 09:40")
    assert "Проверьте и опоры у дома 14" in texts[2]
    assert "#6b6b6b" in view.comment_labels[0].styleSheet() and "#6b6b6b" not in view.comment_labels[2].styleSheet()


def test_the_place_is_the_curators_decision(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_79", author="Олег", text=TEXT,
                                     detected_at=w.clock.moment)
    view = make_view(w.actor("kurator"), ref.id)
    assert "не указано" in page_text(view)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         no_location=True)
    show(qtbot, view, ref.id)
    assert "без привязки к месту" in page_text(view)


def test_a_card_of_another_unit_shows_the_refusal(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    ref = routed(world)
    view = make_view(world.actor("arhit"), ref.id)
    assert view.card is None
    assert view.placeholder.text() == "Инцидент направлен не в ваш отдел"
    assert view.placeholder.isVisible()


def test_diff_dialog_explains_its_colours(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    dialog = DiffDialog(card.answers[0], card.answers[0])
    qtbot.addWidget(dialog)
    assert isinstance(dialog, QDialog)
    assert "удалено" in dialog.legend.text() and "добавлено" in dialog.legend.text()
    assert "line-through" not in dialog.browser.toHtml()  # the same text: nothing struck through


SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")


@pytest.mark.skipif(not SHOTS, reason="INCIDENTS_UI_SHOTS не задана: снимки экранов не нужны")
def test_render_the_card(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    """The card with a request awaiting its author, comments, and the clocks (one overdue)."""
    from app.models import Comment

    w = world
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = workflow.register_incident(k, link="https://vk.com/wall-1_77", author="Ирина Ковалёва", text=TEXT,
                                     detected_at=w.clock.moment, author_link="https://vk.com/id77")
    w.clock.work(5 * 60 + 30)  # routed late: the clause-12 window is gone before it starts
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    Comment.create(incident=ref.id, kind="legacy_question", author=w.ids["zhkh"], created_at=w.clock.moment,
                   text="О каком доме речь?")
    ref = workflow.save_request(e, ref.id, ref.version, text="Уточните, пожалуйста, номер подъезда.")
    ref = workflow.submit_request(e, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_77?reply=3")
    workflow.add_comment(k, ref.id, text="Проверьте и опоры у дома 14")
    w.clock.work(47)
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    view = make_view(e, ref.id)
    for size, suffix in (((620, 800), "pane"), ((1024, 700), "small"), ((1600, 1000), "large")):
        view.resize(*size)
        for tab, name in ((0, "source"), (1, "clocks"), (2, "answers")):
            view.tabs.setCurrentIndex(tab)
            qtbot.wait(60)
            assert view.grab().save(str(folder / f"card-{name}-{suffix}.png"))


def test_versions_are_newest_first_with_the_current_one_open(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    ref = routed(w)
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.OFF_QUESTION])
    ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER.replace("завтра", "сегодня"))
    view = make_view(k, ref.id)
    items = view.answer_items
    assert [answer.number for answer, _toggle, _body in items] == [2, 1]
    (current, current_toggle, current_body), (old, old_toggle, old_body) = items
    view.tabs.setCurrentIndex(2)
    assert current_toggle.isChecked() and current_body.isVisible()
    assert not old_toggle.isChecked() and not old_body.isVisible()  # folded to its header
    frames = view.answers_page.findChildren(QLabel)
    headers = [label.text() for label in frames if label.text().startswith("<b>Версия")]
    assert headers[0].startswith("<b>Версия 2") and headers[1].startswith("<b>Версия 1")
    qtbot.mouseClick(old_toggle, Qt.MouseButton.LeftButton)
    assert old_body.isVisible()
    assert view.tabs.tabToolTip(2).endswith("новые сверху")


def test_the_curators_routing_comment_is_on_the_executors_card(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_78", author="Ирина",
                                     text=TEXT, detected_at=w.clock.moment)
    w.clock.work(5)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id, comment="Это ваш участок: ответьте до обеда, уточните сроки")
    view = make_view(w.actor("zhkh"), ref.id)
    note = view.route_comment_label
    assert note is not None and note.isVisible()
    assert "Комментарий куратора при направлении (п. 10)" in note.text()
    assert "Слепокурова Яна Евгеньевна, 24.11.2026 09:35" in note.text()
    assert "Это ваш участок: ответьте до обеда, уточните сроки" in note.text()
    # the history says where the status went, never «— → Новый»
    history = [label.text() for label in view.history_labels]
    assert "статус «Новый»" in history[0] and "— →" not in history[0]
    assert "Новый → В работе" in history[1]


def test_a_card_without_a_routing_comment_shows_none(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    view = make_view(world.actor("zhkh"), routed(world).id)
    assert view.route_comment_label is None


def test_the_card_counts_a_long_clock_in_working_days(qtbot: QtBot, world: World, make_view) -> None:  # noqa: ANN001
    from app.models.enums import AnswerKind

    w = world
    e, k = w.actor("zhkh"), w.actor("kurator")
    ref = routed(w)
    ref = workflow.save_draft(e, ref.id, ref.version, kind=AnswerKind.INTERIM,
                              text="Здравствуйте! Проверка займёт неделю, о результатах сообщим дополнительно.")
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_77?reply=2")
    view = make_view(e, ref.id)
    final = next(label for label in view.clock_labels if "Окончательный ответ после промежуточного" in label.text())
    assert "осталось 7 рабочих дней" in final.text()
    assert "осталось 7 рабочих дней" in view.current_clock_label.text()
