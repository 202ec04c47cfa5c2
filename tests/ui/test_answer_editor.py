"""The executor's answer editor: live checks, corrections, saving, autosave, the whole round trip."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.models.enums import AnswerKind, Priority, ReturnReason
from app.services import settings, templates, workflow
from app.services.answer_checks import Finding
from app.ui.actions import build_dialog
from app.ui.answer_editor import AUTOSAVE_MS, CHECK_DELAY_MS, AnswerEditor, FindingsModel, draft_path
from app.ui.approval_dialog import ApprovalDialog
from app.ui.publish_dialog import PublishDialog
from tests.helpers.world import World, build_world
from tests.ui.helpers import drive_modal, type_text
from tests.ui.test_action_dialogs import ANSWER, card, click, register, request_posted, routed, shown

TYPED = "Здравствуйте! Фонари на улице Красной починим сегодня, ремонд начнётся в 15:00."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def open_editor(qtbot: QtBot, w: World, incident_id: int, login: str = "zhkh", action: str = "edit_answer") -> AnswerEditor:
    editor = build_dialog(None, w.actor(login), card(w, login, incident_id), action)
    assert isinstance(editor, AnswerEditor)
    shown(qtbot, editor)
    return editor


def type_and_wait(qtbot: QtBot, editor: AnswerEditor, text: str) -> None:
    editor.editor.setFocus()
    with qtbot.waitSignal(editor.checks_updated, timeout=5000):
        type_text(editor.editor, text)


def formats_over(editor: AnswerEditor, start: int, end: int) -> list[QTextCharFormat]:
    """The highlighter's formats of the block that cover [start, end) of the document."""
    block = editor.editor.document().findBlock(start)
    found = []
    for r in block.layout().formats():
        a, b = block.position() + r.start, block.position() + r.start + r.length
        if a <= start and end <= b:
            found.append(QTextCharFormat(r.format))
    return found


def test_misspelt_word_is_underlined_corrected_from_the_menu_and_the_answer_goes_to_approval(
        qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    assert editor.question_view.toPlainText() == card(w, "zhkh", ref.id).text
    assert [editor.kind_combo.itemText(i) for i in range(editor.kind_combo.count())] == [
        "Проект ответа", "Промежуточный ответ"]
    type_and_wait(qtbot, editor, TYPED)
    start = TYPED.index("ремонд")
    marks = editor.editor.highlighter.marks("spelling")
    assert [(m.start, m.end, m.suggestions) for m in marks] == [(start, start + 6, ("ремонт",))]
    formats = formats_over(editor, start, start + 6)
    assert formats, "the misspelt word has no format"
    assert formats[0].underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert formats[0].underlineColor().name() == "#e00000"
    assert not formats_over(editor, 0, 5)  # «Здрав» is not underlined
    assert "Орфография: 1 слово подчёркнуто" in editor.spelling_label.text()
    assert editor.counter_label.text() == f"{len(TYPED)} / 4096"

    cursor = QTextCursor(editor.editor.document())
    cursor.setPosition(start + 2)
    point = editor.editor.cursorRect(cursor).center()
    menu = editor.editor.build_context_menu(point)
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "ремонт" and "Пропустить «ремонд»" in texts
    with qtbot.waitSignal(editor.checks_updated, timeout=5000):
        menu.actions()[0].trigger()
    assert editor.text() == TYPED.replace("ремонд", "ремонт")
    assert editor.editor.highlighter.marks("spelling") == []
    assert "ошибок не найдено" in editor.spelling_label.text()

    click(qtbot, editor.submit_button)
    assert editor.result() == QDialog.DialogCode.Accepted and editor.changed
    after = card(w, "kurator", ref.id)
    assert after.status_label == "На согласовании"
    assert after.submitted_answer is not None and after.submitted_answer.text == TYPED.replace("ремонд", "ремонт")


def test_round_trip_return_resubmit_approve_publish_through_the_dialogs(
        qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import publish_dialog

    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, TYPED)
    click(qtbot, editor.submit_button)

    w.clock.work(10)
    approval = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "return"))
    assert isinstance(approval, ApprovalDialog)
    assert any(f.kind == "spelling" for f in approval.findings_model.findings())
    approval.reason_boxes[ReturnReason.SPELLING].setChecked(True)
    type_text(approval.comment_edit, "Исправьте опечатку")
    click(qtbot, approval.return_button)
    assert card(w, "zhkh", ref.id).status_label == "На доработке"

    w.clock.work(10)
    editor = open_editor(qtbot, w, ref.id)
    assert editor.returned_label.isVisible()
    assert "Орфографические и пунктуационные ошибки" in editor.returned_label.text()
    assert "Исправьте опечатку" in editor.returned_label.text()
    assert editor.text() == TYPED  # the returned version to start from
    qtbot.waitUntil(lambda: bool(editor.editor.highlighter.marks("spelling")), timeout=5000)  # the first check
    mark = editor.editor.highlighter.marks("spelling")[0]
    editor.editor.replace_mark(mark, "ремонт")
    click(qtbot, editor.submit_button)
    assert card(w, "kurator", ref.id).status_label == "На согласовании"

    w.clock.work(10)
    approval = shown(qtbot, build_dialog(None, w.actor("kurator"), card(w, "kurator", ref.id), "approve"))
    assert approval.tabs.tabText(1) == "Изменения с версии 1"
    assert "ремонт" in approval.diff_view.toPlainText()
    click(qtbot, approval.approve_button)
    assert card(w, "zhkh", ref.id).status_label == "К размещению"

    monkeypatch.setattr(publish_dialog, "open_external", lambda url: True)
    w.clock.work(5)
    publish = shown(qtbot, build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref.id), "publish"))
    assert isinstance(publish, PublishDialog)
    click(qtbot, publish.copy_button)
    type_text(publish.url_edit, "https://vk.com/wall-123456_1?reply=101")
    click(qtbot, publish.ok_button)
    assert card(w, "kurator", ref.id).status_label == "Ответ размещён"


def test_a_conflicting_edit_keeps_the_typed_answer_and_offers_to_reload(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, ANSWER)
    # another session: the curator raises the priority while the executor types
    workflow.change_priority(w.actor("kurator"), ref.id, ref.version, priority=Priority.HIGH)
    click(qtbot, editor.save_button)
    assert editor.isVisible() and not editor.changed
    assert editor.conflict_box is not None
    assert editor.conflict_box.text().startswith("Инцидент изменён пользователем Слепокурова Яна Евгеньевна в ")
    assert editor.conflict_box.text().endswith("; обновите карточку")
    assert editor.text() == ANSWER
    click(qtbot, editor.conflict_reload_button)
    assert editor.text() == ANSWER
    assert editor.version == ref.version + 1
    click(qtbot, editor.save_button)
    assert editor.isVisible() and editor.changed  # «Сохранить» keeps the editor open
    assert editor.info_label.text().startswith("Сохранено в ")
    assert card(w, "zhkh", ref.id).editing_answer.text == ANSWER


def test_autosave_writes_a_local_file_and_offers_to_restore_it(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    assert editor._autosave_timer.interval() == AUTOSAVE_MS == 5000
    assert editor._check_timer.interval() == CHECK_DELAY_MS
    type_and_wait(qtbot, editor, ANSWER)
    path = draft_path(ref.id)
    assert not path.exists()
    editor.autosave()  # what the 5-second timer does
    assert path.read_text(encoding="utf-8") == ANSWER
    assert not list(path.parent.glob("*.tmp"))
    editor.reject()  # closed without saving: the file stays

    editor = open_editor(qtbot, w, ref.id)
    assert editor.text() == ""
    assert editor.restore_banner.isVisible()
    label = editor.restore_label.text()
    assert label.startswith("Восстановить несохранённый текст от ") and label.endswith("?")
    assert len(label.removeprefix("Восстановить несохранённый текст от ").rstrip("?")) == 5  # «14:05» today
    click(qtbot, editor.restore_button)
    assert editor.text() == ANSWER and not editor.restore_banner.isVisible()
    click(qtbot, editor.save_button)
    assert not path.exists()  # removed after a successful save
    editor.reject()

    editor = open_editor(qtbot, w, ref.id)
    assert editor.text() == ANSWER and not editor.restore_banner.isVisible()


def test_the_same_autosaved_text_as_the_saved_version_is_not_offered(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    draft_path(ref.id).parent.mkdir(parents=True, exist_ok=True)
    draft_path(ref.id).write_text(ANSWER + "\n", encoding="utf-8")
    editor = open_editor(qtbot, w, ref.id)
    assert not editor.restore_banner.isVisible()
    click(qtbot, editor.discard_button)  # harmless even when hidden
    assert not draft_path(ref.id).exists()


def test_counter_turns_red_over_the_network_limit(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    with qtbot.waitSignal(editor.checks_updated, timeout=5000):
        editor.editor.setPlainText("Фонари " * 600)
    assert editor.counter_label.text() == f"{len(('Фонари ' * 600).strip())} / 4096"
    assert "#c62828" in editor.counter_label.styleSheet()
    assert any(f.kind == "length" for f in editor.findings_model.findings())
    with qtbot.waitSignal(editor.checks_updated, timeout=5000):
        editor.editor.setPlainText("Фонари починят 😀 сегодня, ремонд завтра.")
    assert editor.counter_label.text() == "41 / 4096"  # the emoji counts as two
    assert "#c62828" not in editor.counter_label.styleSheet()
    mark = editor.editor.highlighter.marks("spelling")[0]
    text = "Фонари починят 😀 сегодня, ремонд завтра."
    assert mark.start == text.index("ремонд") + 1  # UTF-16 position after the emoji


def test_side_panel_lists_bureaucratese_and_citations_live(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, "В соответствии с графиком фонари на улице Красной починят. Согласно "
                                 "Федеральному закону № 131-ФЗ, ЖК РФ и ГК РФ.")
    kinds = [f.kind for f in editor.findings_model.findings()]
    assert "bureaucratese" in kinds and "citations" in kinds and "spelling" not in kinds
    row = kinds.index("bureaucratese")
    text = editor.findings_model.index(row, 0).data()
    assert text.startswith("Канцеляризм «В соответствии с»") and "«по»" in text
    editor.findings_view.clicked.emit(editor.findings_model.index(row, 0))
    assert editor.editor.textCursor().selectedText() == "В соответствии с"
    dotted = formats_over(editor, 0, 16)
    assert dotted and dotted[0].underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    menu = editor.editor.build_context_menu(editor.editor.cursorRect(QTextCursor(editor.editor.document())).center())
    assert [a.text() for a in menu.actions()][:2] == ["по", "согласно"]


def test_off_topic_answer_is_flagged(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, "Спасибо, хорошего дня!")
    assert [f.kind for f in editor.findings_model.findings()] == ["off_topic"]


def test_kinds_are_limited_to_what_the_card_allows(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w, "zhkh", "blago")
    editor = open_editor(qtbot, w, ref.id, login="blago")
    assert [editor.kind_combo.itemText(i) for i in range(editor.kind_combo.count())] == [
        "Информация для сводного ответа"]
    assert not editor.kind_combo.isEnabled()
    type_and_wait(qtbot, editor, "Опоры освещения на улице Красной исправны, дело в кабеле.")
    click(qtbot, editor.submit_button)
    answer = card(w, "kurator", ref.id).answers[-1]
    assert answer.kind == AnswerKind.CONTRIBUTION and answer.state_label == "Направлен на согласование"


def test_templates_phrases_and_attachments(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    w = world
    templates.create_template("Общий: ожидание", "Мы уже занимаемся вашим вопросом.")
    templates.create_template("Замена ламп", "Лампы заменят в течение трёх рабочих дней.", w.topic_id)
    assert [t for t, _ in templates.list_templates(w.topic_id)] == ["Замена ламп", "Общий: ожидание"]
    assert [t for t, _ in templates.list_templates(None)] == ["Общий: ожидание"]
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    titles = [a.text() for a in editor.template_menu.actions()]
    assert "Здравствуйте, Ирина!" in titles and "Замена ламп" in titles and "Общий: ожидание" in titles
    with qtbot.waitSignal(editor.checks_updated, timeout=5000):
        next(a for a in editor.template_menu.actions() if a.text() == "Здравствуйте, Ирина!").trigger()
        next(a for a in editor.template_menu.actions() if a.text() == "Замена ламп").trigger()
    assert editor.text() == "Здравствуйте, Ирина!\nЛампы заменят в течение трёх рабочих дней."
    photo = tmp_path / "опора.jpg"
    photo.write_bytes(b"\xff\xd8\xff fake jpeg")
    editor.add_files([photo])
    assert editor.attachments_list.item(0).text() == "опора.jpg — будет приложен при сохранении"
    click(qtbot, editor.save_button)
    assert editor.error_label.isHidden(), editor.error_label.text()
    saved = card(w, "zhkh", ref.id).editing_answer
    assert [name for _id, name, _size in saved.attachments] == ["опора.jpg"]
    assert editor.attachments_list.item(0).text().startswith("опора.jpg (1 КБ) — приложен")
    assert editor.pending_files == []


def test_an_unreadable_attachment_is_explained_and_the_text_is_still_saved(qtbot: QtBot, world: World,
                                                                          tmp_path: Path) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, ANSWER)
    editor.add_files([tmp_path / "нет-такого.mp4"])
    click(qtbot, editor.save_button)
    assert editor.error_label.text().startswith("Не удалось прочитать файл «нет-такого.mp4»")
    assert editor.changed and card(w, "zhkh", ref.id).editing_answer.text == ANSWER


def test_findings_model_passes_the_model_tester(qtmodeltester) -> None:  # noqa: ANN001
    model = FindingsModel()
    qtmodeltester.check(model)
    model.set_findings([Finding("bureaucratese", "Канцеляризм «данный»", 0, 6, ("этот",)),
                        Finding("off_topic", "Ответ не по существу")])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).endswith("Варианты: этот")


def test_submit_action_opens_the_editor_with_submit_as_default(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    editor = open_editor(qtbot, w, ref.id, action="submit")
    assert editor.submit_button.isDefault()
    assert editor.text() == ANSWER
    click(qtbot, editor.submit_button)
    assert card(w, "kurator", ref.id).status_label == "На согласовании"


def test_while_the_author_is_awaited_the_answer_is_written_and_sent(qtbot: QtBot, world: World) -> None:
    w = world
    ref = request_posted(w)
    c = card(w, "zhkh", ref.id)
    assert c.status_label == "Ждёт ответа автора" and "edit_answer" in c.actions
    editor = open_editor(qtbot, w, ref.id)
    assert "ждёт ответа автора" not in editor.header_label.text().split("«Ждёт ответа автора»")[1]  # said once
    assert editor.submit_button.isEnabled() and editor.submit_button.toolTip() == ""
    assert editor.text() == ""  # the request is not the answer
    type_and_wait(qtbot, editor, ANSWER)
    click(qtbot, editor.submit_button)
    after = card(w, "kurator", ref.id)
    assert after.status_label == "На согласовании" and after.request_state_label == "ждёт ответа автора"
    assert after.submitted_answer.kind == AnswerKind.DRAFT and after.submitted_answer.text == ANSWER


# --- the clarification request to the author (clause 13) ----------------------------------------

def test_the_request_to_the_author_is_written_with_the_same_checks_and_sent_to_the_curator(
        qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    w.clock.work(5)
    c = card(w, "zhkh", ref.id)
    assert {"edit_request", "edit_answer"} <= c.actions and "submit_request" not in c.actions
    editor = open_editor(qtbot, w, ref.id, action="edit_request")
    assert editor.request
    assert editor.windowTitle() == f"Запрос (уточнение) автору — инцидент № {ref.id}"
    assert editor.text_title.text() == "<b>Запрос (уточнение) автору</b>:"
    assert editor.request_hint.isVisible() and editor.request_hint.text().startswith("П. 13:")
    assert not editor.kind_combo.isVisible() and not editor.attach_button.isVisible()
    assert editor.submit_button.text() == "Направить куратору на согласование"
    assert "Можно подготовить запрос (уточнение) автору (п. 13): осталось 55 минут" in editor.header_label.text()
    assert [a.text() for a in editor.template_menu.actions() if not a.isSeparator()][-1] == (
        "Спасибо, ждём вашего ответа")
    typed = "Здравствуйте! Уточните, пожалуйста, у какого падъезда не горят фонари?"
    type_and_wait(qtbot, editor, typed)
    start = typed.index("падъезда")
    assert [(m.start, m.end) for m in editor.editor.highlighter.marks("spelling")] == [(start, start + 8)]
    assert "Орфография: 1 слово подчёркнуто" in editor.spelling_label.text()
    assert editor.counter_label.text() == f"{len(typed)} / 4096"
    click(qtbot, editor.save_button)
    assert editor.isVisible() and editor.info_label.text().startswith("Сохранено в ")
    saved = card(w, "zhkh", ref.id)
    assert saved.editing_request.text == typed and saved.editing_answer is None
    assert "submit_request" in saved.actions
    editor.editor.replace_mark(editor.editor.highlighter.marks("spelling")[0], "подъезда")
    click(qtbot, editor.submit_button)
    assert editor.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.status_label == "На согласовании" and after.request_state_label == "запрос на согласовании"
    assert after.submitted_answer.kind == AnswerKind.REQUEST
    assert after.submitted_answer.text == typed.replace("падъезда", "подъезда")
    assert after.events[-1].label == "Запрос (уточнение) автору направлен на согласование (п. 13)"
    assert after.events[-1].within_limit is True


def test_a_returned_request_is_revised_in_the_request_editor_and_not_in_the_answer_one(
        qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)  # an answer begun meanwhile
    ref = workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text="Какой дом?")
    ref = workflow.submit_request(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(10)
    ref = workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.CLAUSE_20],
                                       comment="Поздоровайтесь и напишите вежливо")
    w.clock.work(10)
    c = card(w, "zhkh", ref.id)
    assert "edit_request" in c.actions
    answer_editor = open_editor(qtbot, w, ref.id)
    assert answer_editor.text() == ANSWER and not answer_editor.returned_label.isVisible()
    answer_editor.reject()
    editor = open_editor(qtbot, w, ref.id, action="edit_request")
    assert editor.text() == "Какой дом?"  # the returned request to start from
    assert editor.returned_label.isVisible()
    assert "Несоответствие условиям пункта 20 Порядка" in editor.returned_label.text()
    assert "Поздоровайтесь и напишите вежливо" in editor.returned_label.text()
    assert "Доработка запроса, версия 2 (п. 15): осталось 50 минут" in editor.header_label.text()
    editor.editor.selectAll()
    type_and_wait(qtbot, editor, "Здравствуйте! Подскажите, пожалуйста, номер дома?")
    click(qtbot, editor.submit_button)
    after = card(w, "kurator", ref.id)
    assert after.request_state_label == "запрос на согласовании"
    assert after.submitted_answer.number == 3 and after.editing_answer.text == ANSWER


def test_the_request_autosaves_apart_from_the_answer(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id, action="edit_request")
    type_and_wait(qtbot, editor, "Уточните адрес")
    editor.autosave()
    assert editor.autosave_path == draft_path(ref.id, request=True) != draft_path(ref.id)
    assert draft_path(ref.id, request=True).read_text(encoding="utf-8") == "Уточните адрес"
    assert not draft_path(ref.id).exists()
    editor.reject()
    answer = open_editor(qtbot, w, ref.id)
    assert not answer.restore_banner.isVisible()
    answer.reject()
    request = open_editor(qtbot, w, ref.id, action="edit_request")
    assert request.restore_banner.isVisible()


def test_submit_request_action_opens_the_request_editor_with_submit_as_default(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text="Здравствуйте! Уточните адрес, пожалуйста.")
    editor = open_editor(qtbot, w, ref.id, action="submit_request")
    assert editor.request and editor.submit_button.isDefault()
    assert editor.text() == "Здравствуйте! Уточните адрес, пожалуйста."
    click(qtbot, editor.submit_button)
    assert card(w, "kurator", ref.id).request_state_label == "запрос на согласовании"
    # one request at a time: while it is on its way the request editor only reads
    editor = build_dialog(None, w.actor("zhkh"), card(w, "zhkh", ref.id), "edit_request")
    shown(qtbot, editor)
    assert not editor.submit_button.isEnabled() and not editor.save_button.isEnabled()
    assert "новый можно подготовить после ответа автора" in editor.submit_button.toolTip()


# --- before sending: what the network cannot take, what the curator would return (issue 12) ----------

LONG = (ANSWER + " " + "Бригада работает до вечера, фонари заменят по всей улице. " * 75).strip()


def answer_box(qtbot: QtBot, editor: AnswerEditor, button: str) -> dict[str, object]:
    """Press «Сохранить и направить…», read the question that appears and click ``button`` in it."""
    seen: dict[str, object] = {}

    def act(box: QMessageBox) -> None:
        seen.update(text=box.text(), details=box.informativeText(), buttons=[b.text() for b in box.buttons()],
                    default=box.defaultButton().text())
        next(b for b in box.buttons() if b.text() == button).click()

    drive_modal(QMessageBox, act, lambda: click(qtbot, editor.submit_button))
    return seen


def test_an_answer_over_the_networks_limit_is_not_sent_and_the_message_says_why(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    editor.editor.setPlainText(LONG + "\n")  # a trailing line break is not counted: the text is stored without it
    editor.check_now()
    assert len(LONG) > 4096
    assert editor.counter_label.text() == f"{len(LONG)} / 4096"
    (length,) = [f for f in editor.findings if f.kind == "length"]
    assert f"ВКонтакте: {len(LONG)} " in length.message  # the same count as the counter
    assert "на согласование он не уйдёт" in editor.findings_status.text()

    seen = answer_box(qtbot, editor, "Понятно")
    assert seen["text"] == "Ответ нельзя направить на согласование"
    assert length.message in str(seen["details"])
    assert "Разрешить направлять длинные тексты может куратор" in str(seen["details"])
    assert seen["buttons"] == ["Понятно"]
    assert editor.isVisible() and editor.text() == LONG + "\n"
    assert editor.error_label.isVisible() and editor.error_label.text().startswith("Не направлено: Ответ длиннее")
    after = card(w, "zhkh", ref.id)
    assert after.status_label == "В работе" and after.answers == ()  # nothing saved, nothing sent


def test_when_the_curator_allows_long_texts_the_executor_confirms_and_no_keeps_it_unsent(
        qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    settings.set_answer_policy(w.actor("kurator"), True)
    editor = open_editor(qtbot, w, ref.id)
    editor.editor.setPlainText(LONG)
    editor.check_now()
    assert "куратор разрешил такие тексты" in editor.findings_status.text()

    seen = answer_box(qtbot, editor, "Нет, доработать")
    assert seen["text"] == "Направить ответ на согласование с замечаниями?"
    (length,) = [f for f in editor.findings if f.kind == "length"]
    assert f"• {length.message}" in str(seen["details"])
    assert "разместят несколькими комментариями" in str(seen["details"])
    assert sorted(seen["buttons"]) == ["Да, направить", "Нет, доработать"] and seen["default"] == "Нет, доработать"
    assert editor.isVisible() and card(w, "zhkh", ref.id).status_label == "В работе"
    assert card(w, "zhkh", ref.id).answers == ()

    answer_box(qtbot, editor, "Да, направить")
    assert editor.result() == QDialog.DialogCode.Accepted
    after = card(w, "kurator", ref.id)
    assert after.status_label == "На согласовании" and after.submitted_answer.text == LONG


def test_too_many_legal_acts_ask_before_sending_and_an_empty_answer_is_refused(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    seen = answer_box(qtbot, editor, "Понятно")
    assert seen["text"] == "Ответ нельзя направить на согласование" and "Ответ пустой" in str(seen["details"])
    cited = ("Здравствуйте! Фонари на улице Красной заменят сегодня. Согласно Федеральному закону № 131-ФЗ, "
             "ЖК РФ и ГК РФ благоустройство — наша задача.")
    editor.editor.setPlainText(cited)
    seen = answer_box(qtbot, editor, "Нет, доработать")
    citations = [f for f in editor.findings if f.kind == "citations"]
    assert citations and citations[0].message in str(seen["details"])
    assert "куратор может вернуть текст на доработку (п. 14)" in str(seen["details"])
    assert card(w, "zhkh", ref.id).answers == ()


def test_the_curators_routing_comment_is_shown_like_a_return_comment(qtbot: QtBot, world: World) -> None:
    w = world
    ref = register(w)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id, comment="Проверьте опоры у дома 12")
    editor = open_editor(qtbot, w, ref.id)
    assert editor.routing_label.isVisible()
    assert editor.routing_label.text().startswith("<b>Комментарий куратора при направлении</b> "
                                                  "(Слепокурова Яна Евгеньевна, ")
    assert editor.routing_label.text().endswith("Проверьте опоры у дома 12")
    request = open_editor(qtbot, w, ref.id, action="edit_request")
    assert request.routing_label.isVisible()
    # re-routed after a clause-11 notice: the new comment, and it says so
    ref = workflow.declare_not_competent(w.actor("zhkh"), ref.id, ref.version, reason="Опоры обслуживает МКУ")
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id,
                         location_id=w.location_id, comment="Опоры ваши, ответьте автору")
    editor = open_editor(qtbot, w, ref.id, login="blago")
    assert "при перенаправлении" in editor.routing_label.text()
    assert "Опоры ваши, ответьте автору" in editor.routing_label.text()
    plain = open_editor(qtbot, w, routed(w, n=2).id)
    assert not plain.routing_label.isVisible()


# --- closing with text not saved in the card -------------------------------------------------------

def test_closing_with_unsaved_text_asks_and_says_the_autosave_keeps_it(qtbot: QtBot, world: World) -> None:
    w = world
    ref = routed(w)
    editor = open_editor(qtbot, w, ref.id)
    editor.reject()  # nothing typed: closes at once
    assert not editor.isVisible() and editor.close_question is None

    editor = open_editor(qtbot, w, ref.id)
    type_and_wait(qtbot, editor, TYPED)
    click(qtbot, editor.close_button)
    box = editor.close_question
    assert box is not None and box.isVisible() and editor.isVisible()
    assert box.text() == "Текст не сохранён в карточке инцидента."
    assert "редактор предложит его восстановить" in box.informativeText()
    assert sorted(b.text() for b in box.buttons()) == ["Закрыть", "Не закрывать", "Сохранить и закрыть"]
    next(b for b in box.buttons() if b.text() == "Не закрывать").click()
    qtbot.waitUntil(lambda: editor.close_question is None)
    assert editor.isVisible()

    editor.reject()
    next(b for b in editor.close_question.buttons() if b.text() == "Закрыть").click()
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert editor.result() == QDialog.DialogCode.Rejected
    assert draft_path(ref.id).read_text(encoding="utf-8") == TYPED  # what the message promised
    assert card(w, "zhkh", ref.id).answers == ()

    editor = open_editor(qtbot, w, ref.id)
    assert editor.restore_banner.isVisible()
    editor.restore_autosaved()
    editor.reject()
    next(b for b in editor.close_question.buttons() if b.text() == "Сохранить и закрыть").click()
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert editor.result() == QDialog.DialogCode.Accepted and editor.changed
    assert card(w, "zhkh", ref.id).editing_answer.text == TYPED
    assert not draft_path(ref.id).exists()
    editor = open_editor(qtbot, w, ref.id)  # the saved text, unchanged: nothing to ask
    editor.reject()
    assert not editor.isVisible()
