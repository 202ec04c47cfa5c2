"""Issue 11: every text, link and moment a service accepts is checked the same way on SQLite and
PostgreSQL — a NUL character, a lone surrogate, an over-long link, a year-1 or year-1900 date, a
megabyte of comment — and refused with a Russian ValidationError that names the field, with nothing
written (PostgreSQL used to answer with raw driver errors, SQLite stored them)."""
from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from app.models import (
    Absence, AnswerTemplate, AuditEvent, CalendarDay, Incident, Location, Topic, TopicGroup, Unit, User, UserPassword,
)
from app.models.enums import AbsenceKind, CalendarDayKind, NoAnswerReason, Priority, ReturnReason, Role
from app.services import absences, admin, catalog, importer, templates, users, workflow
from app.services.errors import AuthenticationError, ValidationError
from tests.helpers.world import MSK, World, build_world
from tests.services.fidelity_helpers import LINK, draft, register, request, route, snapshot

NUL = "Фонари\x00не горят"
SURROGATE = "Фонари \ud800 не горят"
LONG_LINK = LINK.format(1) + "?reply=1&x=" + "a" * 1100
MEGABYTE = "я" * 1_000_000
YEAR_1 = datetime(1, 1, 1, 10, 0)
YEAR_1900 = datetime(1900, 1, 1, 10, 0, tzinfo=MSK)
RUSSIAN = r"[А-Яа-яЁё]"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def _everything(incident_id: int | None) -> tuple:
    counts = tuple(m.select().count() for m in (AuditEvent, User, Unit, Topic, TopicGroup, Location, Absence,
                                                AnswerTemplate, CalendarDay, Incident))
    users_seen = [(u.full_name, u.position, u.password_hash) for u in User.select().order_by(User.id)]
    users_seen += [(p.user_id, p.password_hash) for p in UserPassword.select().order_by(UserPassword.user)]
    return snapshot(incident_id) if incident_id else None, counts, users_seen


def refused(call: Callable[[], object], field: str, incident_id: int | None = None) -> str:
    """The call raises a Russian ValidationError naming ``field`` and writes nothing."""
    before = _everything(incident_id)
    with pytest.raises(ValidationError) as error:
        call()
    message = str(error.value)
    assert field in message, message
    assert not any(ch in message for ch in ("\x00", "\ud800")), "the bad character is echoed back"
    assert re.search(RUSSIAN, message)
    assert _everything(incident_id) == before
    return message


def test_registration_refuses_bad_texts_links_and_dates(world: World) -> None:
    w = world
    k = w.actor("kurator")

    def reg(**changes: object) -> Callable[[], object]:
        values = {"link": LINK.format(1), "author": "Ирина", "text": "Не горят фонари", "detected_at": w.clock.moment}
        values.update(changes)
        return lambda: workflow.register_incident(k, **values)

    refused(reg(text=NUL), "Сообщение")
    refused(reg(text=SURROGATE), "Сообщение")
    refused(reg(text="я" * 100_001), "Сообщение")
    refused(reg(author=NUL), "Автор")
    refused(reg(author=SURROGATE), "Автор")
    refused(reg(author="Я" * 256), "Автор")
    refused(reg(link=LINK.format(1) + "\x00"), "Ссылка на сообщение")
    refused(reg(link=LINK.format(1) + "\ud800"), "Ссылка на сообщение")
    refused(reg(link=LONG_LINK), "Ссылка на сообщение")
    refused(reg(author_link="https://vk.com/id1" + "1" * 1100), "Ссылка на автора")
    refused(reg(external_id="A\x00B"), "Номер в платформе мониторинга")
    assert "слишком ранняя" in refused(reg(detected_at=YEAR_1), "Время выявления")
    assert "слишком ранняя" in refused(reg(detected_at=YEAR_1900), "Время выявления")
    refused(reg(priority="срочно"), "Важность")
    assert workflow.register_incident(k, link=LINK.format(1), author="Ирина", text="Не горят фонари",
                                      detected_at=w.clock.moment).id


def test_every_action_on_an_incident_refuses_bad_input_and_writes_nothing(world: World) -> None:
    w = world
    k, e = w.actor("kurator"), w.actor("zhkh")
    new = register(w, 1)
    refused(lambda: workflow.route(k, new.id, new.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                                   no_location=True, comment=MEGABYTE), "Комментарий", new.id)
    refused(lambda: workflow.change_priority(k, new.id, new.version, priority=Priority.HIGH, comment=NUL),
            "Комментарий", new.id)
    refused(lambda: workflow.close_without_answer(k, new.id, new.version, reason=NoAnswerReason.INSULT,
                                                  comment=MEGABYTE), "Комментарий", new.id)
    refused(lambda: workflow.add_comment(k, new.id, text=NUL), "Комментарий", new.id)
    refused(lambda: workflow.add_comment(k, new.id, text=SURROGATE), "Комментарий", new.id)
    refused(lambda: workflow.add_comment(k, new.id, text=MEGABYTE), "Комментарий", new.id)

    ref = route(w, new)
    refused(lambda: workflow.declare_not_competent(e, ref.id, ref.version, reason=SURROGATE), "Причина", ref.id)
    refused(lambda: workflow.save_draft(e, ref.id, ref.version, text=NUL), "Ответ", ref.id)
    refused(lambda: workflow.save_request(e, ref.id, ref.version, text=SURROGATE), "Запрос", ref.id)
    refused(lambda: workflow.save_draft(e, ref.id, ref.version, text="Текст", kind="памятка"), "Вид текста", ref.id)
    ref = workflow.save_draft(e, ref.id, ref.version, text="Здравствуйте! Фонари починят сегодня.")
    refused(lambda: workflow.add_attachment(e, ref.id, ref.version, filename="фото\x00.jpg", data=b"jpeg"),
            "Имя файла", ref.id)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    refused(lambda: workflow.approve(k, ref.id, ref.version, comment=MEGABYTE), "Комментарий", ref.id)
    refused(lambda: workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.SPELLING],
                                                 comment=NUL), "Комментарий", ref.id)
    refused(lambda: workflow.return_for_revision(k, ref.id, ref.version, reasons=["typo"]), "Причина возврата",
            ref.id)
    ref = workflow.approve(k, ref.id, ref.version)
    refused(lambda: workflow.publish(e, ref.id, ref.version, url=LONG_LINK), "Ссылка на размещённый ответ", ref.id)
    refused(lambda: workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=\x00"),
            "Ссылка на размещённый ответ", ref.id)
    refused(lambda: workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=1",
                                     published_at=YEAR_1900), "Время размещения", ref.id)
    refused(lambda: workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=1",
                                     published_at=YEAR_1), "Время размещения", ref.id)


def test_the_authors_reply_and_the_stage_limits_refuse_bad_input(world: World) -> None:
    w = world
    k, e = w.actor("kurator"), w.actor("zhkh")
    ref = request(w, route(w, register(w)))
    ref = workflow.approve(k, ref.id, ref.version)
    ref = workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    refused(lambda: workflow.record_author_reply(k, ref.id, ref.version, text=NUL), "Ответ автора", ref.id)
    refused(lambda: workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12", url=LONG_LINK),
            "Ссылка на ответ автора", ref.id)
    refused(lambda: workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12",
                                                 url=LINK.format(1) + "?reply=\ud800"), "Ссылка на ответ автора",
            ref.id)
    refused(lambda: workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12", replied_at=YEAR_1),
            "Время ответа автора", ref.id)
    ref = workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12")
    ref = draft(w, ref, kind="interim")
    ref = workflow.approve(k, ref.id, ref.version)
    ref = workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=2")
    refused(lambda: workflow.set_stage_limits(k, ref.id, ref.version, limits={"approval": 60}, comment=NUL),
            "Комментарий", ref.id)
    refused(lambda: workflow.set_stage_limits(k, ref.id, ref.version, limits={"approval": True}), "Срок этапа",
            ref.id)


def test_people_units_and_reference_lists_refuse_bad_input(world: World) -> None:
    w = world
    a = w.actor("admin")
    refused(lambda: users.create_user("ivanov", NUL, "password-1", [Role.CURATOR]), "ФИО")
    refused(lambda: users.create_user("ivanov", "Иванов Иван", "password-1", [Role.CURATOR], position=SURROGATE),
            "Должность")
    refused(lambda: users.create_user("ivanov", "Иванов Иван", "pass\ud800word-1", [Role.CURATOR]), "Пароль")
    refused(lambda: users.set_password("zhkh", "pass\x00word-1"), "Пароль")
    refused(lambda: admin.create_user(a, login="ivanov", full_name="Иванов " + "И" * 300, password="password-1",
                                      roles=[Role.CURATOR]), "ФИО")
    refused(lambda: admin.create_user(a, login="ivanov", full_name="Иванов", password="password-1",
                                      roles=[Role.CURATOR], position=NUL), "Должность")
    refused(lambda: admin.update_user(a, w.ids["zhkh"], full_name="Иваненко", position=NUL,
                                      roles=[Role.EXECUTOR], unit_id=w.units["zhkh"], is_active=True), "Должность")
    refused(lambda: admin.reset_password(a, w.ids["zhkh"], "pass\x00word-1"), "Пароль")
    refused(lambda: catalog.create_unit(NUL), "Название отдела или учреждения")
    refused(lambda: catalog.create_unit("Отдел", short_name=SURROGATE), "Краткое название")
    refused(lambda: catalog.create_topic(NUL, "Тема"), "Группа тем")
    refused(lambda: catalog.create_topic("Группа", SURROGATE), "Тема")
    refused(lambda: catalog.create_location("ул. \x00Мира"), "Место")
    refused(lambda: catalog.find_unit(NUL), "Отдел или учреждение")
    refused(lambda: admin.create_unit(a, SURROGATE), "Название отдела или учреждения")
    refused(lambda: admin.rename_unit(a, w.units["zhkh"], "Отдел ЖКХ", short_name=NUL), "Краткое название")
    refused(lambda: admin.create_topic_group(a, NUL), "Название группы тем")
    refused(lambda: admin.rename_topic(a, w.topic_id, SURROGATE), "Название темы")
    refused(lambda: admin.create_location(a, "ул. " + "М" * 300), "название улицы")
    refused(lambda: absences.add_absence(a, user_id=w.ids["zhkh"], deputy_id=w.ids["zhkh2"],
                                         kind=AbsenceKind.VACATION, starts_on=date(2026, 12, 1),
                                         ends_on=date(2026, 12, 5), comment=NUL), "Комментарий")
    refused(lambda: admin.add_absence(a, user_id=w.ids["zhkh"], deputy_id=w.ids["zhkh2"], kind=AbsenceKind.SICK,
                                      starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 5), comment=MEGABYTE),
            "Комментарий")
    refused(lambda: absences.add_absence(a, user_id=w.ids["zhkh"], deputy_id=w.ids["zhkh2"],
                                         kind=AbsenceKind.VACATION, starts_on=date(1, 1, 1),
                                         ends_on=date(1, 1, 5)), "Период отсутствия: начало: дата 01.01.0001")
    refused(lambda: templates.create_template("Шаблон", NUL), "Текст шаблона")
    refused(lambda: templates.create_template(SURROGATE, "Текст"), "Название шаблона")
    refused(lambda: admin.set_calendar_day(a, date(2026, 12, 30), CalendarDayKind.SHORTENED, comment=NUL),
            "Комментарий")
    # signing in with such a login or password is simply a wrong login or password
    for login, password in (("zh\x00kh", "zhkh-password"), ("zhkh", "zhkh-pass\ud800"), ("zhkh\ud800", "x")):
        with pytest.raises(AuthenticationError, match="Неверный логин или пароль"):
            users.authenticate(login, password)


def test_an_import_refuses_bad_files_and_rows_in_russian_and_imports_the_rest(world: World, tmp_path: Path) -> None:
    k = world.actor("kurator")
    header = ["Ссылка", "Автор", "Текст", "Дата выявления", "ID"]
    binary = tmp_path / "двоичный.csv"
    with binary.open("wb") as fh:
        fh.write(";".join(header).encode() + b"\r\n" + bytes(range(256)) * 4)
    with pytest.raises(ValidationError, match="двоичные данные"):
        importer.import_file(k, binary)
    assert Incident.select().count() == 0
    stray = tmp_path / "нулевой байт.csv"  # one stray NUL byte: the cell is repaired, the row imported
    with stray.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, [LINK.format(9), "Ир\x00ина", "Текст", "24.11.2026 09:00", "9"]])
    (row,) = importer.import_file(k, stray).rows
    assert row.status == "imported" and Incident.get_by_id(row.incident_id).author == "Ир ина"
    path = tmp_path / "выгрузка.csv"
    rows = [header,
            [LINK.format(1), "Ирина", "Не горят фонари", "24.11.2026 09:00", "1"],
            [LINK.format(5), "Ирина", "Не горят фонари", "01.01.0001 10:00", "5"],
            [LINK.format(6), "Ирина", "Не горят фонари", "01.01.1900 10:00", "6"],
            [LINK.format(7) + "?" + "a" * 1100, "Ирина", "Не горят фонари", "24.11.2026 09:00", "7"],
            [LINK.format(8), "И" * 300, "Не горят фонари", "24.11.2026 09:00", "8"]]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    preview = importer.preview(path)
    assert [r.status for r in preview.rows] == ["imported"] + ["refused"] * 4
    result = importer.import_file(k, path)
    assert len(result.imported) == 1 and [r.row for r in result.refused] == [3, 4, 5, 6]
    reasons = [r.reason for r in result.refused]
    assert "раньше 2000 года" in reasons[0] and "раньше 2000 года" in reasons[1]
    assert "длиннее 1024" in reasons[2] and "Автор сообщения длиннее 255" in reasons[3]
    assert Incident.select().count() == 2  # the repaired row and the good one


def test_an_imported_cell_with_a_character_no_database_keeps_is_a_refused_row() -> None:
    """Files decoded strictly never carry such characters; the row check stays as a second guard."""
    mapping = importer.ColumnMapping({"link": 0, "author": 1, "text": 2, "detected_at": 3, "external_id": 4})
    now = datetime(2026, 11, 24, 12, 0, tzinfo=MSK)
    for cells, field in (([LINK.format(1), "Ир\x00ина", "Текст", "24.11.2026 09:00", "1"], "Автор сообщения"),
                         ([LINK.format(1), "Ирина", "Те\ud800кст", "24.11.2026 09:00", "1"], "Текст сообщения"),
                         ([LINK.format(1), "Ирина", "Текст", "24.11.2026 09:00", "1\x00"], "Идентификатор")):
        parsed = importer._parse_row(2, cells, mapping, MSK, now)
        assert parsed.values is None and len(parsed.problems) == 1 and parsed.problems[0].startswith(field)
