"""The dialogs behind the card's buttons, on real incidents moved through the workflow services."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.models.enums import AnswerKind, NoAnswerReason, Priority, ReturnReason
from app.services import incident_view, workflow
from app.services.incident_view import IncidentCard
from app.ui import publish_dialog
from app.ui.actions import build_dialog, run_action
from app.ui.approval_dialog import ApprovalDialog
from app.ui.publish_dialog import PublishDialog
from app.ui.triage_dialog import (
    ConsolidatorDialog, NotCompetentDialog, PriorityDialog, ReplyClarificationDialog, StageLimitsDialog,
    TriageDialog, UnitChoiceModel, UnitFilterModel,
)
from tests.helpers.world import World, build_world
from tests.ui.helpers import type_text

POST = "https://vk.com/wall-123456_{}"
QUESTION = "На улице Красной третий день не горят фонари у дома 12, вечером идти страшно."
ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int = 1, text: str = QUESTION) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=POST.format(n), author="Ирина Ковалёва", text=text,
                                      detected_at=w.clock.moment)


def routed(w: World, *units: str, n: int = 1) -> workflow.Ref:
    ref = register(w, n)
    w.clock.work(10)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units or ("zhkh",)],
                          topic_id=w.topic_id, location_id=w.location_id)


def submitted(w: World, n: int = 1) -> workflow.Ref:
    ref = routed(w, n=n)
    w.clock.work(30)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    return workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)


def approved(w: World, n: int = 1) -> workflow.Ref:
    ref = submitted(w, n)
    w.clock.work(10)
    return workflow.approve(w.actor("kurator"), ref.id, ref.version)


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
    type_text(dlg.route_comment, "Проверьте опоры")
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.changed
    after = card(w, "kurator", ref.id)
    assert after.status_label == "В работе"
    assert after.topic == "Уличное освещение"
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


def test_close_no_answer_action_opens_the_second_page_and_needs_a_reason(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "close_no_answer"))
    assert dlg.tabs.currentIndex() == TriageDialog.NO_ANSWER_TAB
    click(qtbot, dlg.ok_button)
    assert dlg.error_label.text() == "Выберите основание, по которому ответ не даётся (п. 21)"
    dlg.reason_buttons[NoAnswerReason.NOT_ABOUT_ADMINISTRATION].setChecked(True)
    click(qtbot, dlg.ok_button)
    assert card(w, "kurator", ref.id).no_answer_reason == "Не касается деятельности администрации"


def test_a_conflicting_edit_shows_who_changed_it_keeps_the_input_and_reloads(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    dlg = shown(qtbot, TriageDialog(None, w.actor("kurator"), card(w, "kurator", ref.id)))
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.units.filter_edit.setFocus()
    type_text(dlg.units.filter_edit, "архит")
    qtbot.keyClick(dlg.units.filter_edit, Qt.Key.Key_Return)
    type_text(dlg.route_comment, "Срочно, жалоба повторная")
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


def test_clarification_is_asked_by_the_executor_and_answered_by_the_curator(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh")
    w.clock.work(5)
    ask = shown(qtbot, build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref.id), "ask_clarification"))
    assert "(п. 13): осталось 55 минут" in ask.clock_label.text()
    type_text(ask.text_edit, "О каком доме речь — 12 или 12/1?")
    click(qtbot, ask.ok_button)
    assert card(w, "kurator", ref.id).status_label == "Уточнение"
    w.clock.work(5)
    c = card(w, "kurator", ref.id)
    assert "reply_clarification" in c.actions
    reply = shown(qtbot, build_dialog(None, w.actor("kurator"), c, "reply_clarification"))
    assert isinstance(reply, ReplyClarificationDialog)
    assert "О каком доме речь — 12 или 12/1?" in reply.question_label.text()
    assert "Иваненко Олег Викторович" in reply.question_label.text()
    assert "осталось 25 минут" in reply.clock_label.text()
    type_text(reply.text_edit, "Дом 12, со стороны парка")
    click(qtbot, reply.ok_button)
    after = card(w, "zhkh", ref.id)
    assert after.status_label == "В работе"
    assert after.clarifications[-1].reply == "Дом 12, со стороны парка"


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
    assert set(dlg.spins) == set(workflow.STAGE_STEPS)
    assert dlg.spins["approval"].value() == 30 and dlg.spins["approval"].suffix() == " мин"
    dlg.spins["approval"].setValue(120)
    click(qtbot, dlg.ok_button)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert card(w, "kurator", ref.id).events[-1].action == "incident.stage_limits"


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


# --- pictures for a human ------------------------------------------------------------------------

SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")


@pytest.mark.skipif(not SHOTS, reason="INCIDENTS_UI_SHOTS не задана: снимки экранов не нужны")
def test_render_every_action_dialog(qtbot: QtBot, world: World, request: pytest.FixtureRequest) -> None:
    from app.services import templates
    from app.ui.answer_editor import AnswerEditor, draft_path
    from app.ui.application import install_russian_translator

    w = world
    translator = install_russian_translator(QApplication.instance())
    if translator is not None:
        request.addfinalizer(lambda: QApplication.instance().removeTranslator(translator))
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)

    def save(dialog: QDialog, name: str) -> None:
        shown(qtbot, dialog)
        qtbot.wait(80)
        assert dialog.grab().save(str(folder / f"ui2-{name}.png"))
        dialog.close()

    ref = register(w, 1)
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "route"), "01-triage")
    threat = register(w, 2, text="Если фонари не починят, я тебя найду и убью, урод. Сколько можно ждать?")
    dlg = build_dialog(None, w.actor("kurator"), card(w, "kurator", threat.id), "route")
    save(dlg, "02-triage-clause21")
    dlg = build_dialog(None, w.actor("kurator"), card(w, "kurator", threat.id), "close_no_answer")
    save(dlg, "03-no-answer")
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "change_priority"), "04-priority")
    r = routed(w, "zhkh", n=3)
    save(build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "not_competent"), "05-not-competent")
    save(build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r.id), "ask_clarification"), "06-ask")
    r = workflow.ask_clarification(w.actor("zhkh"), r.id, r.version, question="О каком доме речь — 12 или 12/1?")
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", r.id), "reply_clarification"), "07-reply")
    r2 = routed(w, "zhkh", "blago", n=4)
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", r2.id), "appoint_consolidator"), "08-consolidator")
    templates.create_template("Замена ламп", "Лампы заменят в течение трёх рабочих дней.", w.topic_id)
    r5 = routed(w, "zhkh", n=5)
    editor = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", r5.id), "edit_answer")
    assert isinstance(editor, AnswerEditor)
    editor.editor.setPlainText("Здравствуйте, Ирина! В соответствии с графиком ремонд фонарей на улице Красной "
                               "начнётся сегодня,бригада уже выехала. Согласно Федеральному закону № 131-ФЗ, "
                               "ЖК РФ и ГК РФ благоустройство — наша задача.")
    editor.check_now()
    shown(qtbot, editor)
    cursor = QTextCursor(editor.editor.document())
    cursor.setPosition(editor.text().index("ремонд") + 2)
    menu = editor.editor.build_context_menu(editor.editor.cursorRect(cursor).center())
    menu.show()
    qtbot.waitExposed(menu)
    assert menu.grab().save(str(folder / "ui2-09b-spelling-menu.png"))
    menu.close()
    save(editor, "09-answer-editor")
    ref6 = submitted(w, 6)
    ref6 = workflow.return_for_revision(w.actor("kurator"), ref6.id, ref6.version,
                                        reasons=[ReturnReason.SPELLING, ReturnReason.OFF_QUESTION],
                                        comment="Укажите, когда заменят лампы")
    draft_path(ref6.id).parent.mkdir(parents=True, exist_ok=True)
    draft_path(ref6.id).write_text(ANSWER + " Лампы заменят завтра.", encoding="utf-8")
    editor = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref6.id), "edit_answer")
    editor.check_now()
    save(editor, "10-answer-editor-returned")
    ref6 = workflow.save_and_resubmit(w.actor("zhkh"), ref6.id, ref6.version,
                                      text=ANSWER.replace("сегодня до 18:00", "в соответствии с графиком ремонд"))
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", ref6.id), "approve"), "11-approval")
    dlg = build_dialog(None, w.actor("kurator"), card(w, "kurator", ref6.id), "return")
    dlg.tabs.setCurrentIndex(1)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.return_button.click()
    save(dlg, "12-approval-diff-error")
    ref7 = approved(w, 7)
    save(build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref7.id), "publish"), "13-publish")
    r9 = routed(w, n=9)
    r9 = workflow.save_draft(w.actor("zhkh"), r9.id, r9.version, text=ANSWER, kind=AnswerKind.INTERIM)
    r9 = workflow.submit_answer(w.actor("zhkh"), r9.id, r9.version)
    r9 = workflow.approve(w.actor("kurator"), r9.id, r9.version)
    r9 = workflow.publish(w.actor("zhkh"), r9.id, r9.version, url="https://vk.com/wall-123456_9?reply=1")
    save(build_dialog(None, w.actor("kurator"), card(w, "kurator", r9.id), "set_stage_limits"), "15-stage-limits")
    dlg = TriageDialog(None, w.actor("kurator"), card(w, "kurator", register(w, 8).id))
    workflow.change_priority(w.actor("kurator"), dlg.card.id, dlg.card.version, priority=Priority.HIGH)
    dlg.topic_combo.select_text("Уличное освещение")
    dlg.units.model.setData(dlg.units.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    shown(qtbot, dlg)
    dlg.ok_button.click()
    save(dlg.conflict_box, "14-conflict")
