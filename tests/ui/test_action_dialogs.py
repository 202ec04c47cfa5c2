"""The dialogs behind the card's buttons, on real incidents moved through the workflow services."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLabel, QMessageBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from app.models.enums import CLAUSE21_REASONS, NO_ANSWER_REASON_LABELS, AnswerKind, NoAnswerReason, Priority, \
    ReturnReason, Role
from app.services import deadlines, incident_view, users, workflow
from app.services.incident_view import IncidentCard
from app.services.permissions import actor_for
from app.ui import publish_dialog
from app.ui.actions import build_dialog, run_action
from app.ui.approval_dialog import ApprovalDialog
from app.ui.publish_dialog import AuthorReplyDialog, PublishDialog
from app.ui.triage_dialog import (
    CommentDialog, ConsolidatorDialog, NotCompetentDialog, PriorityDialog, StageLimitsDialog, TriageDialog,
    UnitChoiceModel, UnitFilterModel,
)
from tests.helpers.world import World, build_world
from tests.ui.helpers import drive_modal, type_text

POST = "https://vk.com/wall-123456_{}"
QUESTION = "На улице Красной третий день не горят фонари у дома 12, вечером идти страшно."
ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."
REQUEST = "Здравствуйте! Уточните, пожалуйста, у какого подъезда дома 12 не горят фонари?"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int = 1, text: str = QUESTION) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=POST.format(n), author="Ирина Ковалёва", text=text,
                                      detected_at=w.clock.moment)


def routed(w: World, *units: str, n: int = 1, comment: str = "") -> workflow.Ref:
    ref = register(w, n)
    w.clock.work(10)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units or ("zhkh",)],
                          topic_id=w.topic_id, location_id=w.location_id, comment=comment)


def submitted(w: World, n: int = 1) -> workflow.Ref:
    ref = routed(w, n=n)
    w.clock.work(30)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    return workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)


def approved(w: World, n: int = 1) -> workflow.Ref:
    ref = submitted(w, n)
    w.clock.work(10)
    return workflow.approve(w.actor("kurator"), ref.id, ref.version)


def request_approved(w: World, n: int = 1) -> workflow.Ref:
    """Clause 13–14: the executor's clarification request to the author, approved by the curator."""
    ref = routed(w, n=n)
    w.clock.work(10)
    ref = workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text=REQUEST)
    ref = workflow.submit_request(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(10)
    return workflow.approve(w.actor("kurator"), ref.id, ref.version)


def request_posted(w: World, n: int = 1) -> workflow.Ref:
    """Clause 16: the approved request posted under the author's message; the author's reply awaited."""
    ref = request_approved(w, n)
    w.clock.work(5)
    return workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=POST.format(n) + "?reply=7")


def card(w: World, login: str, incident_id: int) -> IncidentCard:
    return incident_view.load_card(w.actor(login), incident_id)


def click(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


# --- triage --------------------------------------------------------------------------------------

def test_curator_routes_an_incident_with_topic_and_unit_found_by_search(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "route"))
    assert isinstance(dlg, TriageDialog)
    assert dlg.ok_button.text() == "Направить"
    topic_edit = dlg.topic_combo.lineEdit()
    topic_edit.setFocus()
    type_text(topic_edit, "освещ")
    completer = dlg.topic_combo.completer()
    assert completer.completionCount() == 1 and completer.currentCompletion() == "Уличное освещение"
    dlg.units.filter_edit.setFocus()
    type_text(dlg.units.filter_edit, "водок")
    assert dlg.units.proxy.rowCount() == 1
    assert dlg.units.proxy.index(0, 0).data() == "МУП «Кореновский водоканал»"
    qtbot.keyClick(dlg.units.filter_edit, Qt.Key.Key_Return)  # ticks the only match, does not route
    assert dlg.isVisible()
    assert dlg.units.checked_ids() == [w.units["vodokanal"]]
    assert "Исполнитель: МУП «Кореновский водоканал»" in dlg.units.summary.text()
    location_edit = dlg.location_combo.lineEdit()
    location_edit.setFocus()
    type_text(location_edit, "красн")  # a part of the name is enough when only one place has it
    type_text(dlg.route_comment, "Проверьте опоры")
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.changed
    after = card(w, "kurator", ref.id)
    assert after.status_label == "В работе"
    assert after.topic == "Уличное освещение"
    assert after.location == "ул. Красная" and not after.no_location
    assert [a.unit_name for a in after.assignments] == ["МУП «Кореновский водоканал»"]


def test_triage_without_unit_shows_the_russian_message_inline(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, TriageDialog(None, w.actor("kurator"), card(w, "kurator", ref.id)))
    dlg.topic_combo.select_text("Уличное освещение")
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and not dlg.changed
    assert dlg.error_label.isVisible()
    assert dlg.error_label.text() == "Выберите хотя бы один отдел или учреждение"
    dlg.topic_combo.setEditText("такой темы нет")
    click(qtbot, dlg.ok_button)
    assert "нет в списке" in dlg.error_label.text()
    type_text(dlg.topic_combo.lineEdit(), "!")  # the curator corrects the field: the message goes at once
    assert not dlg.error_label.isVisible()
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.isVisible()
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.location_combo.select_text("ул. Красная")
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Выберите хотя бы один отдел или учреждение"
    dlg.units.model.setData(dlg.units.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert not dlg.error_label.isVisible()  # a unit ticked: the message about units is gone


def test_the_unit_list_has_room_between_the_names(qtbot: QtBot, world: World) -> None:
    dlg = shown(qtbot, TriageDialog(None, world.actor("kurator"), card(world, "kurator", register(world).id)))
    view = dlg.units.view
    rows = [view.visualRect(dlg.units.proxy.index(r, 0)) for r in range(2)]
    assert rows[0].height() >= view.fontMetrics().height() + 8
    assert view.alternatingRowColors()


def test_triage_groups_topics_and_can_route_to_a_whole_group_with_high_priority(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, TriageDialog(None, w.actor("kurator"), card(w, "kurator", ref.id)))
    model = dlg.topic_combo.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Благоустройство — вся группа тем", "Уличное освещение"]
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    dlg.topic_combo.setCurrentIndex(0)
    dlg.priority_combo.setCurrentIndex(dlg.priority_combo.findData(Priority.HIGH.value))
    for row in range(dlg.units.proxy.rowCount()):
        name = dlg.units.proxy.index(row, 0).data()
        if name in ("Отдел ЖКХ, благоустройства и транспорта", "МКУ «Управление благоустройства»"):
            dlg.units.proxy.setData(dlg.units.proxy.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert "сводный ответ (п. 19)" in dlg.units.summary.text()
    dlg.no_location_box.click()
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.priority == Priority.HIGH and after.topic == "" and after.topic_group == "Благоустройство"
    assert len(after.assignments) == 2


def test_a_threat_is_suggested_for_closing_without_answer_with_the_matched_words(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w, text="Если фонари не починят, я тебя найду и убью, урод.")
    c = card(w, "kurator", ref.id)
    assert c.clause21.suggest_no_answer
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), c, "route"))
    suggestion = dlg.findChild(QLabel, "clause21Suggestion")
    assert suggestion is not None and suggestion.isVisible()
    assert "«убью»" in suggestion.text() and "«урод»" in suggestion.text()
    dlg.tabs.setCurrentIndex(TriageDialog.NO_ANSWER_TAB)
    assert dlg.ok_button.text() == "Закрыть без ответа"
    assert dlg.selected_reason() == NoAnswerReason.THREAT  # the most serious ground found
    dlg.reason_buttons[NoAnswerReason.THREAT].setChecked(True)
    type_text(dlg.no_answer_comment, "Угроза должностному лицу")
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.status_label == "Без ответа"
    assert after.no_answer_reason.startswith("Угрозы жизни")


def radio_texts(box: QWidget) -> list[str]:
    return [b.text() for b in box.findChildren(QRadioButton)]


def test_close_no_answer_action_opens_the_second_page_and_needs_a_reason(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "close_no_answer"))
    assert dlg.tabs.currentIndex() == TriageDialog.NO_ANSWER_TAB
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == ("Выберите основание: одно из п. 21 или «не касается деятельности "
                                      "администрации» (п. 2)")
    dlg.reason_buttons[NoAnswerReason.NOT_ABOUT_ADMINISTRATION].click()
    assert dlg.ok_button.text() == "Закрыть: не инцидент"
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.no_answer_reason == "Не касается деятельности администрации — не инцидент (п. 2)"
    assert after.events[-1].label == "Закрыт: не касается деятельности администрации (п. 2)"


def test_closing_reasons_are_the_four_of_clause_21_and_apart_not_an_incident(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w, text="Если фонари не починят, я тебя найду и убью, урод.")
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "close_no_answer"))
    assert dlg.tabs.tabText(TriageDialog.NO_ANSWER_TAB) == "Закрыть без ответа (п. 21, п. 2)"
    assert dlg.clause21_box.title() == "Без ответа (п. 21)"
    assert [t.removesuffix(" — найдено в сообщении") for t in radio_texts(dlg.clause21_box)] == [
        NO_ANSWER_REASON_LABELS[r] for r in CLAUSE21_REASONS]
    assert len(CLAUSE21_REASONS) == 4
    assert dlg.not_ours_box.title() == "Не касается деятельности администрации (не инцидент, п. 2)"
    assert radio_texts(dlg.not_ours_box) == ["Не касается деятельности администрации — не инцидент (п. 2)"]
    # one choice among both groups, the most serious ground found preselected
    assert dlg.selected_reason() == NoAnswerReason.THREAT
    assert dlg.ok_button.text() == "Закрыть без ответа"
    dlg.reason_buttons[NoAnswerReason.NOT_ABOUT_ADMINISTRATION].click()
    assert not dlg.reason_buttons[NoAnswerReason.THREAT].isChecked()
    dlg.reason_buttons[NoAnswerReason.INSULT].click()
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.no_answer_reason == "Оскорбительные выражения (п. 21)"
    assert after.events[-1].label == "Закрыт без ответа (п. 21)"


def test_routing_needs_a_location_or_the_explicit_no_location_choice(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "route"))
    assert dlg.no_location_box.text() == "Без привязки к месту" and not dlg.no_location_box.isChecked()
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.units.proxy.setData(dlg.units.proxy.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    dlg.priority_combo.setCurrentIndex(dlg.priority_combo.findData(Priority.HIGH.value))
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and not dlg.changed  # nothing half done: the priority is not changed either
    assert dlg.error_label.text() == "Укажите локацию или отметьте «Без привязки к месту» (п. 10)"
    assert card(w, "kurator", ref.id).priority == Priority.NORMAL
    dlg.location_combo.select_text("ул. Красная")
    dlg.no_location_box.click()  # the explicit decision replaces the place typed
    assert not dlg.location_combo.isEnabled() and dlg.location_combo.currentText() == ""
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.no_location and after.location == "" and after.location_text == "без привязки к месту"
    # routing again starts from the decision made
    again = shown(qtbot, build_dialog(None, w.actor("kurator"), after, "route"))
    assert again.no_location_box.isChecked() and not again.location_combo.isEnabled()


def test_a_conflicting_edit_shows_who_changed_it_keeps_the_input_and_reloads(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, TriageDialog(None, w.actor("kurator"), card(w, "kurator", ref.id)))
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.units.filter_edit.setFocus()
    type_text(dlg.units.filter_edit, "архит")
    qtbot.keyClick(dlg.units.filter_edit, Qt.Key.Key_Return)
    type_text(dlg.route_comment, "Срочно, жалоба повторная")
    dlg.location_combo.select_text("ул. Красная")
    # another session changes the incident meanwhile
    workflow.change_priority(w.actor("kurator"), ref.id, ref.version, priority=Priority.HIGH)
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and not dlg.changed and dlg.stale
    assert dlg.conflict_box is not None
    assert dlg.conflict_box.text().startswith("Инцидент изменён пользователем Слепокурова Яна Евгеньевна в ")
    assert dlg.conflict_box.text().endswith("обновите карточку")
    assert "не потерян" in dlg.conflict_box.informativeText()
    assert "Инцидент изменён пользователем" in dlg.error_label.text()
    assert dlg.route_comment.text() == "Срочно, жалоба повторная"
    click(qtbot, dlg.conflict_reload_button)
    assert dlg.version == ref.version + 1
    assert dlg.info_label.isVisible() and "Карточка обновлена" in dlg.info_label.text()
    assert dlg.route_comment.text() == "Срочно, жалоба повторная"
    assert dlg.units.checked_ids() == [w.units["arhit"]]
    dlg.priority_combo.setCurrentIndex(dlg.priority_combo.findData(Priority.HIGH.value))
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert card(w, "kurator", ref.id).status_label == "В работе"


def test_unit_models_pass_the_model_tester(qtmodeltester, world: World) -> None:  # noqa: ANN001
    from app.services import catalog

    model = UnitChoiceModel(catalog.list_units(), {world.units["zhkh"]})
    qtmodeltester.check(model)
    assert model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert len(model.checked_ids()) == 2
    proxy = UnitFilterModel()
    proxy.setSourceModel(model)
    proxy.set_query("отдел")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 2
    proxy.set_query("КОРЕНОВСКИЙ водоКАНАЛ")
    assert proxy.rowCount() == 1
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None


# --- small dialogs -------------------------------------------------------------------------------

def test_priority_dialog_switches_to_high_importance(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "change_priority"))
    assert isinstance(dlg, PriorityDialog)
    assert dlg.priority_buttons[Priority.HIGH].isChecked()
    type_text(dlg.comment, "Социально значимый")
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.priority_label == "Повышенной важности"


def test_executor_declares_not_competent_with_the_clause_11_clock(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh")
    w.clock.work(10)
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref.id), "not_competent"))
    assert isinstance(dlg, NotCompetentDialog)
    assert "П. 11" in dlg.findChildren(QLabel)[1].text()
    assert dlg.clock_label.text().startswith("Можно сообщить о некомпетентности (п. 11): осталось 20 минут")
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Причина: текст пустой"
    type_text(dlg.text_edit, "Опоры освещения обслуживает МКУ «Управление благоустройства»")
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.status_label == "Новый"
    assert after.assignments[0].competence_reason.startswith("Опоры освещения")


def test_a_comment_is_a_plain_note_on_the_card_without_a_clock(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh")
    c = card(w, "zhkh", ref.id)
    assert "comment" in c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), c, "comment"))
    assert isinstance(dlg, CommentDialog)
    assert dlg.windowTitle() == f"Комментарий — инцидент № {ref.id}"
    assert "регламентного срока у него нет" in dlg.findChildren(QLabel)[1].text()
    assert not dlg.clock_label.isVisible()
    assert dlg.counter_label.text() == "0 / 4000"
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and dlg.error_label.text() == "Комментарий: текст пустой"
    type_text(dlg.text_edit, "Вопрос куратору: опоры на Красной наши или МКУ?")
    assert dlg.counter_label.text() == "47 / 4000"
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.changed
    after = card(w, "kurator", ref.id)
    assert after.version == ref.version  # a comment never conflicts with anyone's edit
    assert [(x.kind_label, x.author, x.text) for x in after.comments] == [
        ("Комментарий", "Иваненко Олег Викторович", "Вопрос куратору: опоры на Красной наши или МКУ?")]
    assert after.events[-1].label == "Комментарий"
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), after, "comment"))
    dlg.text_edit.setPlainText("ы" * 4001)
    assert "#c62828" in dlg.counter_label.styleSheet()
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and dlg.error_label.text() == "Комментарий: текст длиннее 4 000 символов (4 001)"


def test_author_reply_is_recorded_with_its_link_and_time(qtbot: QtBot, world: World) -> None:
    w = world
    ref = request_posted(w)
    w.clock.work(40)
    c = card(w, "zhkh", ref.id)
    assert c.status_label == "Ждёт ответа автора" and "record_author_reply" in c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), c, "record_author_reply"))
    assert isinstance(dlg, AuthorReplyDialog)
    assert dlg.windowTitle() == f"Ответ автора на запрос — инцидент № {ref.id}"
    assert REQUEST in dlg.request_label.text()
    assert "Ожидание автора — 40 минут" in dlg.request_label.text()
    assert dlg.time_edit.dateTime().toString("dd.MM.yyyy HH:mm") == "24.11.2026 10:45"  # now
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Ответ автора: вставьте текст ответа"
    type_text(dlg.text_edit, "У второго подъезда, там и опора наклонилась.")
    dlg.url_edit.setText("https://ok.ru/group/1/topic/2")
    click(qtbot, dlg.ok_button)
    assert "Одноклассники" in dlg.error_label.text() and dlg.isVisible()
    dlg.url_edit.setText(POST.format(1) + "?reply=8")
    dlg.time_edit.setDateTime(dlg.time_edit.dateTime().addSecs(-10 * 60))  # the author wrote at 10:35
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.status_label == "В работе" and after.request_state_label == ""
    (posted,) = after.requests
    assert posted.reply == "У второго подъезда, там и опора наклонилась."
    assert posted.reply_url.endswith("reply=8")
    assert posted.wait is not None and posted.wait.worked == timedelta(minutes=30)  # posted 10:05 → 10:35
    assert after.events[-1].label == "Записан ответ автора на запрос (п. 13)"


def test_a_dialog_counts_its_clock_from_now_not_from_when_the_card_was_loaded(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh")  # 09:40: the clause-11 window runs to 10:10
    stale = card(w, "zhkh", ref.id)
    w.clock.work(25)  # 10:05
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), stale, "not_competent"))
    assert dlg.clock_label.text().startswith("Можно сообщить о некомпетентности (п. 11): осталось 5 минут")
    dlg.reject()
    w.clock.work(10)  # 10:15: the optional window closed unused — nothing to count, nothing red
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), stale, "not_competent"))
    assert dlg.clock_label.isHidden()
    dlg.reject()
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, stale.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)  # 10:15: to be decided by 10:45
    submitted_card = card(w, "kurator", ref.id)
    w.clock.work(40)  # 10:55
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), submitted_card, "approve"))
    assert dlg.clock_label.text().startswith("Согласование версии 1 (п. 14): просрочено на 10 минут")
    assert "#b00020" in dlg.clock_label.styleSheet()


def test_consolidator_is_chosen_among_the_assigned_units(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh", "blago")
    c = card(w, "kurator", ref.id)
    assert "appoint_consolidator" in c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), c, "appoint_consolidator"))
    assert isinstance(dlg, ConsolidatorDialog)
    assert set(dlg.unit_buttons) == {w.units["zhkh"], w.units["blago"]}
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Выберите отдел, который подготовит сводный ответ"
    dlg.unit_buttons[w.units["blago"]].setChecked(True)
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert [a.unit_id for a in after.assignments if a.is_consolidating] == [w.units["blago"]]


def form_labels(dialog: QDialog) -> list[str]:
    form = dialog.findChild(QFormLayout)
    return [form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text() for row in range(form.rowCount())]


def test_stage_limits_are_set_in_minutes_after_an_interim_answer(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text="Здравствуйте! Фонари на улице Красной "
                              "заменим после поставки ламп, напишем вам о сроках.", kind=AnswerKind.INTERIM)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    w.clock.work(5)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=5")
    c = card(w, "kurator", ref.id)
    assert "set_stage_limits" in c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), c, "set_stage_limits"))
    assert isinstance(dlg, StageLimitsDialog)
    assert list(dlg.spins) == list(deadlines.STAGE_STEPS)
    assert form_labels(dlg) == [deadlines.STAGE_STEP_LABELS[s] + ":" for s in deadlines.STAGE_STEPS]
    assert "Окончательный ответ на согласование (п. 12):" in form_labels(dlg)
    assert dlg.spins["approval"].value() == 30 and dlg.spins["approval"].suffix() == " мин"
    assert dlg.spins["clarification"].value() == 60
    # the final draft has no minutes of its own until the curator gives them (clause 12 / 18)
    assert dlg.spins["final_draft"].text() == "за 3 рабочих часа до срока п. 18"
    assert dlg.limits().keys() == set(deadlines.STAGE_STEPS) - {"final_draft"}
    dlg.spins["approval"].setValue(120)
    assert dlg.spins["approval"].toolTip() == "2 рабочих часа"
    dlg.spins["final_draft"].setValue(240)
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.events[-1].action == "incident.stage_limits"
    assert dict(after.stage_limits)["approval"] == 120 and dict(after.stage_limits)["final_draft"] == 240
    final_draft = next(x for x in after.clocks if x.code == "final_draft")
    assert final_draft.title == "Окончательный ответ на согласование" and final_draft.limit_text == "4 рабочих часа"
    again = shown(qtbot, build_dialog(None, w.actor("kurator"), after, "set_stage_limits"))
    assert again.spins["approval"].value() == 120 and again.spins["final_draft"].value() == 240


# --- approval and publication ---------------------------------------------------------------------

def test_return_needs_a_reason_then_goes_back_with_reason_and_comment(qtbot: QtBot, world: World) -> None:
    w = world
    ref = submitted(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "return"))
    assert isinstance(dlg, ApprovalDialog)
    assert dlg.draft_view.toPlainText() == ANSWER
    assert dlg.question_view.toPlainText() == QUESTION
    assert dlg.tabs.tabText(1) == "Изменения: первая версия"
    click(qtbot, dlg.return_button)
    assert dlg.error_label.isVisible()
    assert dlg.error_label.text() == "Отметьте хотя бы одну причину возврата (п. 14)"
    dlg.reason_boxes[ReturnReason.OFF_QUESTION].setChecked(True)
    click(qtbot, dlg.approve_button)
    assert "снимите отметки" in dlg.error_label.text()
    dlg.reason_boxes[ReturnReason.SPELLING].click()  # any change by the curator takes the old message away
    assert not dlg.error_label.isVisible()
    dlg.reason_boxes[ReturnReason.SPELLING].click()
    type_text(dlg.comment_edit, "Укажите, когда заменят лампы")
    click(qtbot, dlg.return_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    answer = card(w, "zhkh", ref.id).answers[-1]
    assert answer.state_label == "Возвращён на доработку"
    assert answer.decisions[-1].reasons == ("Несоответствие сути вопроса, содержащегося в инциденте",)
    assert answer.decisions[-1].comment == "Укажите, когда заменят лампы"


def test_approval_shows_the_checks_and_the_changes_since_the_returned_version(qtbot: QtBot, world: World) -> None:
    w = world
    ref = submitted(w)
    ref = workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    ref = workflow.save_and_resubmit(w.actor("zhkh"), ref.id, ref.version,
                                     text=ANSWER.replace("сегодня до 18:00", "в соответствии с графиком ремонд"))
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "approve"))
    kinds = [f.kind for f in dlg.findings_model.findings()]
    assert "spelling" in kinds and "bureaucratese" in kinds
    assert dlg.tabs.tabText(1) == "Изменения с версии 1"
    html = dlg.diff_view.toHtml()
    assert "line-through" in html and "сегодня" in html and "ремонд" in html
    click(qtbot, dlg.approve_button)
    assert card(w, "kurator", ref.id).status_label == "К размещению"


def test_executor_copies_the_approved_text_opens_the_post_and_records_the_link(
        qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = approved(w)
    opened: list[str] = []
    monkeypatch.setattr(publish_dialog, "open_external", lambda url: opened.append(url) or True)
    w.clock.work(5)
    c = card(w, "zhkh", ref.id)
    assert "publish" in c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), c, "publish"))
    assert isinstance(dlg, PublishDialog)
    assert dlg.text_view.toPlainText() == ANSWER
    assert "осталось 25 минут" in dlg.clock_label.text()
    click(qtbot, dlg.copy_button)
    assert QGuiApplication.clipboard().text() == ANSWER
    assert opened == [POST.format(1)]
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Вставьте ссылку на размещённый ответ (п. 16)"
    type_text(dlg.url_edit, "vk.com/reply")
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Ссылка на размещённый ответ: нужна ссылка вида https://…"
    dlg.url_edit.setText("https://vk.com/wall-123456_1?reply=88")
    click(qtbot, dlg.ok_button)
    after = card(w, "kurator", ref.id)
    assert after.status_label == "Ответ размещён"
    assert after.answers[-1].publication_url.endswith("reply=88")


def test_a_clarification_request_is_approved_or_returned_in_the_same_dialog_as_a_request(
        qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    w.clock.work(10)
    ref = workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text=REQUEST.replace("подъезда", "подезда"))
    ref = workflow.submit_request(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(5)
    c = card(w, "kurator", ref.id)
    assert {"approve", "return"} <= c.actions and c.request_state_label == "запрос на согласовании"
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), c, "return"))
    assert isinstance(dlg, ApprovalDialog)
    assert dlg.windowTitle() == f"Согласование запроса (уточнения) — инцидент № {ref.id}"
    assert dlg.request_note.isVisible()
    assert dlg.request_note.text().startswith("Это запрос (уточнение) автору сообщения, а не ответ")
    assert dlg.draft_title.text().startswith("<b>Запрос (уточнение) автору, версия 1</b>")
    assert dlg.clock_label.text().startswith("Согласование запроса (уточнения), версия 1 (п. 14): осталось 25 минут")
    assert dlg.reasons_box.title() == "Вернуть на доработку — причины отказа в согласовании запроса (п. 14)"
    assert [b.text() for b in dlg.reason_boxes.values()] == [
        "Несоответствие сути вопроса, содержащегося в инциденте", "Несоответствие условиям пункта 20 Порядка",
        "Переадресация в другое подведомственное учреждение", "Орфографические и пунктуационные ошибки"]
    assert any(f.kind == "spelling" for f in dlg.findings_model.findings())  # the same checks as for an answer
    assert dlg.diff_view.toPlainText() == "Это первая версия запроса."
    assert not dlg.approver_label.isVisible()
    dlg.reason_boxes[ReturnReason.SPELLING].setChecked(True)
    type_text(dlg.comment_edit, "Опечатка: «подъезда»")
    click(qtbot, dlg.return_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    after = card(w, "zhkh", ref.id)
    assert after.status_label == "На доработке" and after.request_state_label == "запрос на доработке"
    assert after.events[-1].label == "Запрос (уточнение) возвращён на доработку (п. 14)"
    # clause 15: revised and sent again; the curator sees what changed and approves
    w.clock.work(10)
    ref = workflow.save_request(w.actor("zhkh"), ref.id, after.version, text=REQUEST)
    ref = workflow.submit_request(w.actor("zhkh"), ref.id, ref.version)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "approve"))
    assert dlg.tabs.tabText(1) == "Изменения с версии 1"
    assert "подъезда" in dlg.diff_view.toPlainText()
    click(qtbot, dlg.approve_button)
    after = card(w, "zhkh", ref.id)
    assert after.status_label == "К размещению" and after.request_state_label == "запрос к размещению"
    assert "publish" in after.actions


def test_a_text_the_curator_wrote_is_approved_by_the_responsible_official(qtbot: QtBot, world: World) -> None:
    w = world
    # the department itself is the executor: the curator writes the draft (clauses 8, 14)
    writer = users.create_user("kurator2", "Гончаренко Ирина Павловна", "kurator2-password",
                               [Role.CURATOR, Role.EXECUTOR], unit_id=w.units["zhkh"])
    writer_actor = actor_for(writer.id, w.clock.moment.date())
    ref = routed(w)
    ref = workflow.save_draft(writer_actor, ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(writer_actor, ref.id, ref.version)
    own = incident_view.load_card(writer_actor, ref.id)
    assert not {"approve", "return"} & own.actions
    dlg = shown(qtbot, build_dialog(None, writer_actor, own, "approve"))
    assert dlg.approver_label.isVisible()
    assert dlg.approver_label.text() == own.approver_note
    assert "Козыренко Елена Петровна" in dlg.approver_label.text()
    assert dlg.approve_button.isHidden() and dlg.return_button.isHidden()
    assert dlg.info_label.text().startswith("Решение по этому тексту принимаете не вы")
    dlg.reject()
    c = card(w, "otvetstv", ref.id)
    assert {"approve", "return"} <= c.actions
    dlg = shown(qtbot, build_dialog(None, w.actor("otvetstv"), c, "approve"))
    assert dlg.approver_label.isVisible() and "п. 8, 14" in dlg.approver_label.text()
    assert dlg.approve_button.isVisible() and dlg.return_button.isVisible()
    click(qtbot, dlg.approve_button)
    after = card(w, "kurator", ref.id)
    assert after.status_label == "К размещению"
    assert after.answers[-1].decisions[-1].curator == "Козыренко Елена Петровна"


def test_publishing_refuses_another_network_and_asks_before_another_post(
        qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = request_approved(w)
    w.clock.work(5)
    monkeypatch.setattr(publish_dialog, "open_external", lambda url: True)
    dlg = shown(qtbot, build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref.id), "publish"))
    assert isinstance(dlg, PublishDialog)
    assert dlg.windowTitle() == f"Размещение запроса (уточнения) — инцидент № {ref.id}"
    assert dlg.hint.text().startswith("П. 13, 16: согласованный запрос (уточнение)")
    assert dlg.answer_title.text() == "<b>Согласованный текст</b> — запрос (уточнение) автору, версия 1:"
    assert dlg.text_view.toPlainText() == REQUEST
    assert dlg.clock_label.text().startswith(
        "Размещение согласованного запроса (уточнения) (п. 16): осталось 25 минут")
    assert dlg.ok_button.text() == "Отметить размещение запроса"
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Вставьте ссылку на размещённый запрос (п. 16)"
    # another network: refused by the service, said in Russian
    dlg.url_edit.setText("https://ok.ru/group/54/topic/77")
    click(qtbot, dlg.ok_button)
    assert dlg.isVisible() and not dlg.changed
    assert dlg.error_label.text() == ("Ссылка на размещённый запрос: ссылка ведёт в Одноклассники, а инцидент "
                                      "размещён в ВКонтакте — по п. 16 текст размещается в той же соцсети, "
                                      "где размещён инцидент")
    # another post of the same network: asked, and «no» keeps the dialog open
    other = "https://vk.com/wall-123456_500"
    dlg.url_edit.setText(other)
    questions: list[str] = []

    def answer(choice: str) -> Callable[[QMessageBox], None]:
        def act(box: QMessageBox) -> None:
            questions.append(box.text() + "\n" + box.informativeText())
            assert box.icon() == QMessageBox.Icon.Question
            assert [b.text() for b in box.buttons()] == [publish_dialog.CONFIRM_YES, publish_dialog.CONFIRM_NO]
            assert box.defaultButton().text() == publish_dialog.CONFIRM_NO
            next(b for b in box.buttons() if b.text() == choice).click()
        return act

    drive_modal(QMessageBox, answer(publish_dialog.CONFIRM_NO), lambda: click(qtbot, dlg.ok_button))
    assert questions[0].startswith("Ссылка на размещённый запрос: ссылка ведёт на другую запись ВКонтакте")
    assert "это будет отмечено в истории" in questions[0]
    assert dlg.isVisible() and not dlg.changed and "другую запись" in dlg.error_label.text()
    assert card(w, "zhkh", ref.id).status_label == "К размещению"
    drive_modal(QMessageBox, answer(publish_dialog.CONFIRM_YES), lambda: click(qtbot, dlg.ok_button))
    assert dlg.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.status_label == "Ждёт ответа автора" and after.request_state_label == "ждёт ответа автора"
    assert after.requests[-1].posted_url == other
    assert after.events[-1].label == "Запрос (уточнение) размещён в соцсети (п. 16)"
    assert after.events[-1].comment == "Размещено в другой записи той же соцсети (подтверждено)"


def test_run_action_returns_whether_the_incident_changed(qtbot: QtBot, world: World,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = register(w)

    def fake_exec(self: QDialog) -> int:
        self.priority_buttons[Priority.HIGH].setChecked(True)
        self.try_perform()
        return self.result()

    monkeypatch.setattr(PriorityDialog, "exec", fake_exec)
    assert run_action(None, w.actor("kurator"), card(w, "kurator", ref.id), "change_priority") is True
    monkeypatch.setattr(PriorityDialog, "exec", lambda self: self.reject() or 0)
    assert run_action(None, w.actor("kurator"), card(w, "kurator", ref.id), "change_priority") is False
    with pytest.raises(ValueError):
        build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "no_such_action")


# --- the dialogs on a small screen, and pictures for a human ----------------------------------------

SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")
#: a 1024×700 screen less the window frame, the title bar and a task bar
ROOM = (1024 - 16, 700 - 60)


def gallery(qtbot: QtBot, w: World) -> Iterator[tuple[str, QDialog]]:
    """Every action dialog in a telling state: (file name, dialog not yet shown)."""
    from app.services import templates
    from app.ui.answer_editor import AnswerEditor, draft_path

    ref = register(w, 1)
    yield "01-triage", build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "route")
    threat = register(w, 2, text="Если фонари не починят, я тебя найду и убью, урод. Сколько можно ждать?")
    yield "02-triage-clause21", build_dialog(None, w.actor("kurator"), card(w, "kurator", threat.id), "route")
    yield "03-no-answer", build_dialog(None, w.actor("kurator"), card(w, "kurator", threat.id), "close_no_answer")
    yield "04-priority", build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "change_priority")
    r = routed(w, "zhkh", n=3)
    yield "05-not-competent", build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "not_competent")
    comment = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "comment")
    comment.text_edit.setPlainText("Вопрос куратору: опоры на Красной обслуживаем мы или МКУ?")
    yield "06-comment", comment
    request = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "edit_request")
    assert isinstance(request, AnswerEditor)
    request.editor.setPlainText("Здравствуйте, Ирина! Уточните, пожалуйста, у какого падъезда дома 12 не горят "
                                "фонари?")
    request.check_now()
    yield "07-request-editor", request
    r = workflow.save_request(w.actor("zhkh"), r.id, r.version, text=REQUEST.replace("подъезда", "подезда"))
    r = workflow.submit_request(w.actor("zhkh"), r.id, r.version)
    yield "07b-request-approval", build_dialog(None, w.actor("kurator"), card(w, "kurator", r.id), "return")
    r = workflow.return_for_revision(w.actor("kurator"), r.id, r.version, reasons=[ReturnReason.SPELLING],
                                     comment="Опечатка в слове «подъезда»")
    returned = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "edit_request")
    returned.check_now()
    yield "07c-request-returned", returned
    r = workflow.save_request(w.actor("zhkh"), r.id, r.version, text=REQUEST)
    r = workflow.submit_request(w.actor("zhkh"), r.id, r.version)
    r = workflow.approve(w.actor("kurator"), r.id, r.version)
    yield "07d-request-publish", build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "publish")
    r = workflow.publish(w.actor("zhkh"), r.id, r.version, url=POST.format(3) + "?reply=40")
    w.clock.work(25)
    reply = build_dialog(None, w.actor("kurator"), card(w, "kurator", r.id), "record_author_reply")
    reply.text_edit.setPlainText("У второго подъезда, со двора. Уже неделю темно.")
    reply.url_edit.setText(POST.format(3) + "?reply=41")
    yield "07e-author-reply", reply
    r2 = routed(w, "zhkh", "blago", n=4)
    yield "08-consolidator", build_dialog(None, w.actor("kurator"), card(w, "kurator", r2.id), "appoint_consolidator")
    templates.create_template("Замена ламп", "Лампы заменят в течение трёх рабочих дней.", w.topic_id)
    r5 = routed(w, "zhkh", n=5, comment="Проверьте опоры у дома 12 и напишите, когда заменят лампы")
    editor = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r5.id), "edit_answer")
    editor.editor.setPlainText("Здравствуйте, Ирина! В соответствии с графиком ремонд фонарей на улице Красной "
                               "начнётся сегодня,бригада уже выехала. Согласно Федеральному закону № 131-ФЗ, "
                               "ЖК РФ и ГК РФ благоустройство — наша задача.")
    editor.check_now()
    yield "09-answer-editor", editor
    from app.services import settings as shared

    long_one = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", routed(w, n=11).id), "edit_answer")
    long_one.editor.setPlainText((ANSWER + " ") * 52)
    long_one.check_now()
    yield "09c-answer-editor-over-length", long_one
    shared.set_answer_policy(w.actor("kurator"), True)
    allowed = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", routed(w, n=12).id), "edit_answer")
    allowed.editor.setPlainText((ANSWER + " ") * 52)
    allowed.check_now()
    yield "09d-answer-editor-over-length-allowed", allowed
    shared.set_answer_policy(w.actor("kurator"), False)
    ref6 = submitted(w, 6)
    ref6 = workflow.return_for_revision(w.actor("kurator"), ref6.id, ref6.version,
                                        reasons=[ReturnReason.SPELLING, ReturnReason.OFF_QUESTION],
                                        comment="Укажите, когда заменят лампы")
    draft_path(ref6.id).parent.mkdir(parents=True, exist_ok=True)
    draft_path(ref6.id).write_text(ANSWER + " Лампы заменят завтра.", encoding="utf-8")
    editor = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref6.id), "edit_answer")
    editor.check_now()
    yield "10-answer-editor-returned", editor
    ref6 = workflow.save_and_resubmit(w.actor("zhkh"), ref6.id, ref6.version,
                                      text=ANSWER.replace("сегодня до 18:00", "в соответствии с графиком ремонд"))
    yield "11-approval", build_dialog(None, w.actor("kurator"), card(w, "kurator", ref6.id), "approve")
    dlg = build_dialog(None, w.actor("kurator"), card(w, "kurator", ref6.id), "return")
    dlg.tabs.setCurrentIndex(1)
    dlg.return_button.click()
    yield "12-approval-diff-error", dlg
    writer = users.create_user("kurator2", "Гончаренко Ирина Павловна", "kurator2-password",
                               [Role.CURATOR, Role.EXECUTOR], unit_id=w.units["zhkh"])
    writer_actor = actor_for(writer.id, w.clock.moment.date())
    r10 = routed(w, n=10)
    r10 = workflow.save_draft(writer_actor, r10.id, r10.version, text=ANSWER)
    r10 = workflow.submit_answer(writer_actor, r10.id, r10.version)
    yield "12b-approval-by-responsible", build_dialog(None, w.actor("otvetstv"), card(w, "otvetstv", r10.id),
                                                      "approve")
    ref7 = approved(w, 7)
    publish = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref7.id), "publish")
    publish.url_edit.setText("https://ok.ru/group/54/topic/77")
    publish.ok_button.click()  # another network: refused
    yield "13-publish-other-network", publish
    r9 = routed(w, n=9)
    r9 = workflow.save_draft(w.actor("zhkh"), r9.id, r9.version, text=ANSWER, kind=AnswerKind.INTERIM)
    r9 = workflow.submit_answer(w.actor("zhkh"), r9.id, r9.version)
    r9 = workflow.approve(w.actor("kurator"), r9.id, r9.version)
    r9 = workflow.publish(w.actor("zhkh"), r9.id, r9.version, url="https://vk.com/wall-123456_9?reply=1")
    yield "15-stage-limits", build_dialog(None, w.actor("kurator"), card(w, "kurator", r9.id), "set_stage_limits")


def test_every_dialog_fits_a_1024_by_700_screen(qtbot: QtBot, world: World) -> None:
    too_big = []
    for name, dialog in gallery(qtbot, world):
        shown(qtbot, dialog)
        hint = dialog.minimumSizeHint()
        if hint.width() > ROOM[0] or hint.height() > ROOM[1]:
            too_big.append(f"{name}: {hint.width()}×{hint.height()}")
        # the offscreen screen is 800×800: the dialog opens within it, whatever size it prefers
        screen = dialog.screen().availableGeometry()
        assert dialog.width() <= max(screen.width(), hint.width()) and dialog.height() <= max(screen.height(),
                                                                                               hint.height()), name
        dialog.resize(*ROOM)
        assert (dialog.width(), dialog.height()) == ROOM, name
        dialog.done(0)  # not close(): an editor with typed text would ask first
    assert not too_big, "не помещаются на экран 1024×700: " + ", ".join(too_big)


@pytest.mark.skipif(not SHOTS, reason="INCIDENTS_UI_SHOTS не задана: снимки экранов не нужны")
def test_render_every_action_dialog(qtbot: QtBot, world: World, request: pytest.FixtureRequest) -> None:
    from app.ui.application import install_russian_translator

    w = world
    translator = install_russian_translator(QApplication.instance())
    if translator is not None:
        request.addfinalizer(lambda: QApplication.instance().removeTranslator(translator))
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)

    def save(widget: QWidget, name: str) -> None:
        for size, suffix in (((1024, 700), "small"), ((1600, 1000), "large")):
            widget.resize(*size)
            qtbot.wait(60)
            assert widget.grab().save(str(folder / f"ui2-{name}-{suffix}.png"))

    for name, dialog in gallery(qtbot, w):
        shown(qtbot, dialog)
        save(dialog, name)
        if name.startswith("09c") or name.startswith("09d"):
            def grab_send(box: QMessageBox, name: str = name) -> None:
                assert box.grab().save(str(folder / f"ui2-{name}-question.png"))
                box.buttons()[-1].click()

            dialog.resize(1024 - 16, 700 - 60)
            drive_modal(QMessageBox, grab_send, dialog.save_and_submit)
        if name == "09-answer-editor":
            dialog.resize(1024 - 16, 700 - 60)
            dialog.reject()  # typed and not saved: the editor asks
            assert dialog.close_question is not None
            qtbot.waitExposed(dialog.close_question)
            assert dialog.close_question.grab().save(str(folder / "ui2-09-answer-editor-close-question.png"))
            assert dialog.grab().save(str(folder / "ui2-09-answer-editor-close-question-window.png"))
            dialog.close_question.done(0)
        if name == "07d-request-publish":
            def grab_question(box: QMessageBox) -> None:
                assert box.grab().save(str(folder / "ui2-07f-other-post-question.png"))
                box.buttons()[-1].click()

            drive_modal(QMessageBox, grab_question, lambda d=dialog: d.confirm_other_post(
                "Ссылка на размещённый запрос: ссылка ведёт на другую запись ВКонтакте, а не на сообщение автора. "
                "Подтвердите, что текст размещён там намеренно — это будет отмечено в истории"))
        dialog.done(0)
    dlg = TriageDialog(None, w.actor("kurator"), card(w, "kurator", register(w, 8).id))
    workflow.change_priority(w.actor("kurator"), dlg.card.id, dlg.card.version, priority=Priority.HIGH)
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.location_combo.select_text("ул. Красная")
    dlg.units.model.setData(dlg.units.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    shown(qtbot, dlg)
    dlg.ok_button.click()
    assert dlg.conflict_box.grab().save(str(folder / "ui2-14-conflict.png"))
