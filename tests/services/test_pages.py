"""Appendix 1: the official pages module — registry, weekly rule and reminders, publications and
the content plan, 8-FZ checklist, one description, the special mark, moderation, subscriptions,
the head's pages in the queue. Dates are checked against the production calendar by hand in the
comments.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.models import AuditEvent, Incident, OfficialPage, PagePublication, VerificationEvent
from app.models.enums import PageOwner, VerificationState
from app.services import settings, workflow
from app.services.errors import ConflictError, InvalidTransition, PermissionDenied, ValidationError
from app.services.pages import (
    description, law_info, moderation, publications, registry, subscriptions, verification, weeks,
)
from app.services.pages.weeks import WeekState
from tests.helpers.world import MSK, World, build_world

ADM_VK = "https://vk.com/korenovsk_adm"
HEAD_TG = "https://t.me/glava_korenovsk"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch, datetime(2026, 11, 24, 10, 0, tzinfo=MSK))  # Tuesday


def add_page(w: World, url: str = ADM_VK, *, network: str = "vk", owner: str = PageOwner.ADMINISTRATION,
             name: str = "Администрация Кореновского ГП", people: tuple[str, ...] = ("zhkh",),
             network_id: str = "") -> int:
    return registry.create_page(w.actor("kurator"), registry.PageInput(
        network=network, owner=owner, name=name, url=url, phone="+7 (86142) 4-00-00", unit_id=w.units["zhkh"],
        network_id=network_id, access_handed_on=w.clock.moment.date() - timedelta(days=30), access_handed_by="Петренко И. И., МКУ «ЦИТ»",
        access_received_by_id=w.ids["kurator"], publisher_ids=[w.ids[p] for p in people]))


def publish(w: World, page_id: int, at: datetime, title: str = "Итоги недели", **extra: object) -> int:
    return publications.record_publication(w.actor("zhkh"), page_id, publications.PublicationInput(
        published_at=at, title=title, text=str(extra.get("text", "")), formats=["text", "photo"],
        url=str(extra.get("url", ""))), accept_findings=bool(extra.get("accept", False)))


def audit_actions(page_id: int) -> list[str]:
    return [a for (a,) in AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "official_page") & (AuditEvent.entity_id == page_id)).order_by(AuditEvent.id).tuples()]


# --- registry (clauses 1–3) --------------------------------------------------------------------

def test_registry_keeps_access_records_not_passwords_and_archives_instead_of_deleting(world: World) -> None:
    w = world
    page_id = add_page(w)
    (row,) = registry.list_pages(w.actor("glava"))
    assert (row.name, row.network_label, row.owner_label, row.unit_name) == (
        "Администрация Кореновского ГП", "ВКонтакте", "Администрация", "Отдел ЖКХ, благоустройства и транспорта")
    assert (row.access_handed_on, row.access_handed_by, row.access_received_by_name) == (
        date(2026, 10, 25), "Петренко И. И., МКУ «ЦИТ»", "Слепокурова Яна Евгеньевна")
    assert row.publisher_names == ("Иваненко Олег Викторович",)
    assert not any("парол" in f or "login" in f for f in OfficialPage._meta.fields)
    # only the curator and the administrator keep the registry; the head reads
    with pytest.raises(PermissionDenied, match="реестр страниц ведут куратор"):
        add_page_as(w, "glava")
    with pytest.raises(ValidationError, match="уже есть в реестре"):
        add_page(w)
    with pytest.raises(ValidationError, match="другую соцсеть"):
        add_page(w, "https://ok.ru/korenovsk", network="vk")
    # an edit from a stale copy is refused, the other PC's change stays
    data, version = registry.page_input(page_id)
    registry.update_page(w.actor("kurator"), page_id, version, registry.PageInput(**{**data.__dict__, "name": "Новое"}))
    with pytest.raises(ConflictError, match="изменили на другом компьютере"):
        registry.update_page(w.actor("admin"), page_id, version, registry.PageInput(**{**data.__dict__, "name": "Старое"}))
    assert OfficialPage.get_by_id(page_id).name == "Новое"
    publish(w, page_id, datetime(2026, 11, 23, 12, 0, tzinfo=MSK))
    registry.archive_page(w.actor("kurator"), page_id, "Страница закрыта соцсетью")
    assert registry.list_pages(w.actor("kurator")) == []
    (archived,) = registry.list_pages(w.actor("kurator"), archived=True)
    assert archived.archived and archived.archive_reason == "Страница закрыта соцсетью"
    assert PagePublication.select().where(PagePublication.page == page_id).count() == 1  # history stays
    registry.restore_page(w.actor("kurator"), page_id)
    assert audit_actions(page_id)[:1] == ["page.create"]
    assert {"page.edit", "page.archive", "page.restore", "page.publication"} <= set(audit_actions(page_id))


def add_page_as(w: World, login: str) -> int:
    return registry.create_page(w.actor(login), registry.PageInput("vk", "head", "Глава", "https://vk.com/glava"))


# --- the weekly rule (clause 5) ------------------------------------------------------------------

def test_a_week_crossing_the_month_end_belongs_to_both_months(world: World) -> None:
    w = world
    page_id = add_page(w)
    november, december = weeks.month_weeks(2026, 11), weeks.month_weeks(2026, 12)
    crossing = date(2026, 11, 30)  # Monday 30.11 — Sunday 06.12
    assert november[0] == date(2026, 10, 26) and november[-1] == crossing and december[0] == crossing
    w.clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=MSK))
    publish(w, page_id, datetime(2026, 12, 2, 11, 0, tzinfo=MSK))
    for month in (november, december):
        (row,) = weeks.grid(month).rows
        assert row.cells[month.index(crossing)].state is WeekState.PUBLISHED
    (row,) = weeks.grid(november).rows
    # 23.11–29.11 had nothing: a gap; the weeks before the page was registered (24.11) — all of them gaps too,
    # except those that ended before it existed
    assert row.cells[november.index(date(2026, 11, 23))].state is WeekState.MISSING
    assert row.cells[november.index(date(2026, 11, 16))].state is WeekState.ABSENT
    assert weeks.week_label(crossing) == "30 ноября — 6 декабря 2026"


def test_a_publication_late_on_sunday_counts_for_its_local_week(world: World) -> None:
    w = world
    page_id = add_page(w)
    w.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    publish(w, page_id, datetime(2026, 11, 29, 23, 30, tzinfo=MSK))  # Sunday night in Moscow, Sunday 20:30 UTC
    row, = weeks.grid([date(2026, 11, 23), date(2026, 11, 30)]).rows
    assert [c.state for c in row.cells] == [WeekState.PUBLISHED, WeekState.MISSING]


def test_planned_but_not_published_is_amber_and_becomes_published_when_marked(world: World) -> None:
    w = world
    page_id = add_page(w)
    item = publications.plan_publication(w.actor("kurator"), page_id, date(2026, 11, 26), "Праздник в парке",
                                         preparer_id=w.ids["zhkh"])
    future = publications.plan_publication(w.actor("zhkh"), page_id, date(2026, 12, 9), "Ёлка на площади")
    grid = weeks.grid([date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)])
    assert [c.state for c in grid.rows[0].cells] == [WeekState.PLANNED, WeekState.FUTURE, WeekState.PLANNED]
    assert grid.rows[0].cells[0].titles == ("Праздник в парке",)
    with pytest.raises(ValidationError, match="Неделя плана уже прошла"):
        publications.plan_publication(w.actor("zhkh"), page_id, date(2026, 11, 16), "Поздно")
    publications.record_publication(w.actor("zhkh"), page_id, publications.PublicationInput(
        datetime(2026, 11, 24, 9, 0, tzinfo=MSK), "Праздник в парке", "Приходите в субботу в парк!", ["photo"]),
        plan_item_id=item)
    grid = weeks.grid([date(2026, 11, 23)])
    assert grid.rows[0].cells[0].state is WeekState.PUBLISHED
    with pytest.raises(ConflictError, match="уже отмечен опубликованным"):
        publications.record_publication(w.actor("zhkh"), page_id, publications.PublicationInput(
            datetime(2026, 11, 24, 9, 30, tzinfo=MSK), "Ещё раз", "", ["text"]), plan_item_id=item)
    (plan_row,) = [r for r in publications.plan(w.actor("glava"), [date(2026, 12, 7)])]
    publications.cancel_plan_item(w.actor("kurator"), future, plan_row.version, "Мероприятие перенесено")
    assert weeks.grid([date(2026, 12, 7)]).rows[0].cells[0].state is WeekState.FUTURE


def test_reminder_on_thursday_when_friday_is_a_holiday(world: World) -> None:
    w = world
    w.clock.set(datetime(2026, 6, 1, 10, 0, tzinfo=MSK))
    page_id = add_page(w)
    # 12.06.2026 is a Friday and a holiday (Russia Day): Thursday 11.06 is the week's last working day
    assert weeks.last_working_day(_calendar(), date(2026, 6, 8)) == date(2026, 6, 11)
    zhkh, kurator = w.actor("zhkh", date(2026, 6, 10)), w.actor("kurator", date(2026, 6, 10))
    assert weeks.reminders_due(zhkh, datetime(2026, 6, 10, 11, 0, tzinfo=MSK)) == []   # Wednesday: not yet
    (reminder,) = weeks.reminders_due(zhkh, datetime(2026, 6, 11, 9, 0, tzinfo=MSK))
    assert reminder.page_id == page_id
    assert "нет ни одной публикации" in reminder.message and "8 июня — 14 июня 2026" in reminder.message
    assert weeks.reminders_due(zhkh, datetime(2026, 6, 11, 14, 0, tzinfo=MSK)) == []   # once
    assert weeks.reminders_due(kurator, datetime(2026, 6, 11, 14, 0, tzinfo=MSK)) == []  # the page has its people
    assert weeks.reminders_due(zhkh, datetime(2026, 6, 12, 11, 0, tzinfo=MSK)) == []   # the holiday
    assert weeks.next_reminder_moment(datetime(2026, 6, 10, 11, 0, tzinfo=MSK)) == datetime(
        2026, 6, 11, 9, 0, tzinfo=MSK)  # the working day starts at 9:00


def test_reminder_on_a_working_saturday_and_none_for_a_page_with_a_publication(world: World) -> None:
    w = world
    w.clock.set(datetime(2025, 10, 20, 10, 0, tzinfo=MSK))
    quiet = add_page(w)
    busy = add_page(w, "https://vk.com/korenovsk_news", name="Новости Кореновска", people=())
    w.clock.set(datetime(2025, 10, 29, 10, 0, tzinfo=MSK))
    publications.record_publication(w.actor("kurator"), busy, publications.PublicationInput(
        datetime(2025, 10, 28, 10, 0, tzinfo=MSK), "Субботник", "", ["text"]))
    # Saturday 01.11.2025 is a working day (moved from 03.11): it, not Friday 31.10, ends the week
    assert weeks.last_working_day(_calendar(), date(2025, 10, 27)) == date(2025, 11, 1)
    friday, saturday = datetime(2025, 10, 31, 11, 0, tzinfo=MSK), datetime(2025, 11, 1, 11, 0, tzinfo=MSK)
    assert weeks.reminders_due(w.actor("zhkh", friday.date()), friday) == []
    assert [r.page_id for r in weeks.reminders_due(w.actor("zhkh", saturday.date()), saturday)] == [quiet]
    assert weeks.reminders_due(w.actor("kurator", saturday.date()), saturday) == []  # busy published; quiet has people


def _calendar():  # noqa: ANN202
    from app.services.calendar_store import current_calendar

    return current_calendar()


# --- publication checks (clauses 8, 10) ----------------------------------------------------------

def test_a_publication_text_gets_the_answer_checks_and_the_press_release_check(world: World) -> None:
    w = world
    page_id = add_page(w)
    text = ("Администрация Кореновского городского поселения информирует, что в соответствии с "
            "постановлением № 1 и постановлением № 2 и постановлением № 3 проводится ремонт.")
    with pytest.raises(publications.PublicationFindings) as refused:
        publish(w, page_id, datetime(2026, 11, 24, 9, 0, tzinfo=MSK), text=text)
    kinds = {f.kind for f in refused.value.findings}
    assert {"press_release", "citations"} <= kinds
    assert PagePublication.select().count() == 0
    publish(w, page_id, datetime(2026, 11, 24, 9, 0, tzinfo=MSK), text=text, accept=True)
    (event,) = AuditEvent.select().where(AuditEvent.action == "page.publication")
    assert "пресс-релиз" in event.payload
    # a plain, friendly text passes
    publish(w, page_id, datetime(2026, 11, 24, 9, 30, tzinfo=MSK), "Ярмарка",
            text="Друзья, в субботу приходите на ярмарку в парк! Будут мёд, овощи и горячий чай.")
    with pytest.raises(PermissionDenied, match="люди, назначенные для страницы"):
        publications.record_publication(w.actor("blago"), page_id, publications.PublicationInput(
            datetime(2026, 11, 24, 9, 0, tzinfo=MSK), "Чужая", "", ["text"]))


# --- 8-FZ checklist (clause 6) -------------------------------------------------------------------

def test_law_info_items_age_after_the_configured_period(world: World) -> None:
    w = world
    page_id = add_page(w)
    first = law_info.checklist(w.actor("glava"), page_id)
    assert all(s.flagged and s.reason == "не проверялось" for s in first) and len(first) == len(law_info.ITEMS)
    law_info.record_check(w.actor("zhkh"), page_id, "address")
    law_info.record_check(w.actor("zhkh"), page_id, "phones", current=False, note="Сменился номер приёмной")
    with pytest.raises(ValidationError, match="Примечание"):
        law_info.record_check(w.actor("zhkh"), page_id, "email", current=False)
    states = {s.code: s for s in law_info.checklist_of(page_id, date(2026, 11, 24))}
    assert not states["address"].flagged and states["address"].checked_by == "Иваненко Олег Викторович"
    assert states["phones"].flagged and states["phones"].reason == "устарело или отсутствует"
    # 90 days by default: on day 90 still fine, on day 91 flagged
    assert not {s.code: s for s in law_info.checklist_of(page_id, date(2026, 11, 24) + timedelta(days=90))}[
        "address"].flagged
    aged = {s.code: s for s in law_info.checklist_of(page_id, date(2026, 11, 24) + timedelta(days=91))}["address"]
    assert aged.flagged and aged.reason == "не проверялось 91 дн. (дольше 90 дн.)"
    law_info.set_period(w.actor("kurator"), 30)
    assert {s.code: s for s in law_info.checklist_of(page_id, date(2026, 12, 25))}["address"].flagged
    with pytest.raises(PermissionDenied):
        law_info.set_period(w.actor("zhkh"), 10)


# --- one description (clause 9) ------------------------------------------------------------------

def test_a_page_whose_description_differs_is_flagged_with_the_words(world: World) -> None:
    w = world
    same, other = add_page(w), add_page(w, "https://ok.ru/korenovsk", network="ok", name="ОК Кореновск")
    description.set_approved(w.actor("kurator"), "Официальная страница администрации Кореновского городского поселения")
    description.record_page_description(w.actor("zhkh"), same,
                                        "Официальная  страница администрации\nКореновского городского поселения")
    description.record_page_description(w.actor("zhkh"), other, "Страница администрации города Кореновска")
    states = {s.page_id: s for s in description.states(w.actor("glava"))}
    assert not states[same].differs  # spacing and line breaks are not differences
    assert states[other].differs
    assert [(p.kind, p.text) for p in states[other].parts] == [
        ("missing", "Официальная страница"), ("extra", "Страница"), ("same", "администрации"),
        ("missing", "Кореновского городского поселения"), ("extra", "города Кореновска")]
    with pytest.raises(PermissionDenied):
        description.set_approved(w.actor("zhkh"), "Другое")


# --- the special mark (clauses 11–13) ------------------------------------------------------------

def test_mark_history_application_and_the_name_change_that_removes_the_marks(world: World) -> None:
    w = world
    marked, waiting = add_page(w), add_page(w, HEAD_TG, network="telegram", owner="head", name="Глава в Telegram")
    k = w.actor("kurator")
    verification.set_state(k, marked, VerificationState.ESIA, date(2026, 10, 1))
    verification.set_state(k, marked, VerificationState.VERIFIED, date(2026, 10, 20), "Отметка появилась")
    verification.set_state(k, waiting, VerificationState.REQUESTED, date(2026, 11, 2), "Заявка № 15")
    with pytest.raises(InvalidTransition, match="нельзя перейти"):
        verification.set_state(k, waiting, VerificationState.REMOVED, date(2026, 11, 3))
    assert [h.label for h in verification.history(w.actor("glava"), marked)] == [
        "Отметка присвоена (п. 11)", "Подана через ЕСИА (п. 11)"]
    settings_before = settings.organisation()
    doc = verification.application(k, [waiting])
    assert doc.pages == (("Telegram", "Глава", "Глава в Telegram", HEAD_TG),)
    assert ("Полное наименование администрации", settings_before.full_name) in doc.details
    assert "Электронная почта руководителя" in doc.missing
    new = settings.Organisation(full_name="Администрация Кореновского городского поселения",
                                address="353180, г. Кореновск, ул. Красная, 41", phone="+7 (86142) 4-00-00",
                                email="adm@korenovsk.ru", head_name="Шутылев М. О.", head_phone="+7 (86142) 4-00-01",
                                head_email="glava@korenovsk.ru")
    with pytest.raises(verification.MarksWillBeRemoved, match="«Администрация Кореновского ГП»"):
        verification.change_organisation(k, new)
    assert settings.organisation() == settings_before  # nothing saved without the confirmation
    assert verification.change_organisation(k, new, confirm_marks=True) == [marked]
    assert OfficialPage.get_by_id(marked).verification == VerificationState.RECONFIRM
    assert OfficialPage.get_by_id(waiting).verification == VerificationState.REQUESTED
    (latest, *_) = verification.history(k, marked)
    assert latest.label == "Требует повторного подтверждения (п. 13)" and "п. 13" in latest.note
    assert verification.application(k, [marked]).missing == ()
    # the same name with other contacts removes nothing
    assert verification.change_organisation(k, settings.Organisation(**{**new.__dict__, "phone": "+7 1"})) == []
    assert VerificationEvent.select().count() == 4


# --- moderation and the black list (clause 14) ---------------------------------------------------

def test_moderation_journal_blacklist_and_the_blacklisted_authors_new_incident(world: World) -> None:
    w = world
    page_id = add_page(w)
    z = w.actor("zhkh")
    assert moderation.suggest_reason("Заработок без вложений! Переходи по ссылке https://spam.example") == "spam"
    assert moderation.suggest_reason("Спасибо за ремонт дороги") is None
    moderation.record_removal(z, page_id, author="Спамер Иван", author_link="https://vk.com/id777",
                              link="https://vk.com/wall-1_2?reply=3", text="Заработок без вложений", reason="spam",
                              blacklist=True)
    with pytest.raises(ValidationError, match="уже в чёрном списке"):
        moderation.add_to_blacklist(z, page_id, "Спамер", "http://m.vk.com/id777/", "spam")
    with pytest.raises(ValidationError, match="Причина удаления"):
        moderation.record_removal(z, page_id, author="А", text="Текст", reason="boring")
    rows = moderation.journal(w.actor("glava"))
    assert [(r.action, r.reason, r.author) for r in rows] == [
        ("Внесён в чёрный список", "Спам-рассылка", "Спамер Иван"),
        ("Удалён комментарий", "Спам-рассылка", "Спамер Иван")] or [(r.action) for r in rows] == [
        "Удалён комментарий", "Внесён в чёрный список"]
    k = w.actor("kurator")
    ref = workflow.register_incident(k, link="https://vk.com/wall-5_6", author="Спамер Иван",
                                     author_link="https://www.vk.com/id777", text="Опять нет света на Красной",
                                     detected_at=datetime(2026, 11, 24, 9, 50, tzinfo=MSK))
    other = workflow.register_incident(k, link="https://vk.com/wall-5_7", author="Пётр",
                                       author_link="https://vk.com/id1", text="Яма на дороге",
                                       detected_at=datetime(2026, 11, 24, 9, 50, tzinfo=MSK))
    marks = moderation.blacklisted_incidents([ref.id, other.id])
    assert marks == {ref.id: "Автор в чёрном списке страницы «Администрация Кореновского ГП»"}
    (entry,) = moderation.blacklist(z)
    moderation.remove_from_blacklist(z, entry.id)
    assert moderation.blacklisted_incidents([ref.id]) == {}
    assert moderation.blacklist(z) == [] and len(moderation.blacklist(z, with_removed=True)) == 1


# --- subscriptions (clause 15) and the head's pages (clause 16) ----------------------------------

def test_subscription_matrix_flags_missing_pairs(world: World) -> None:
    w = world
    adm = add_page(w)
    head = add_page(w, HEAD_TG, network="telegram", owner="head", name="Глава в Telegram")
    m = subscriptions.matrix(w.actor("glava"))
    assert m.missing() == [(adm, head)]
    subscriptions.set_subscription(w.actor("zhkh"), adm, head, True)
    assert subscriptions.matrix(w.actor("glava")).missing() == []
    with pytest.raises(ValidationError, match="п. 15"):
        subscriptions.set_subscription(w.actor("kurator"), head, adm, True)


def test_an_incident_on_the_heads_page_knows_its_page(world: World) -> None:
    w = world
    k = w.actor("kurator")
    early = workflow.register_incident(k, link="https://vk.com/wall-123456_10", author="Анна",
                                       text="Когда починят фонарь?", detected_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    head_vk = add_page(w, "https://vk.com/glava_korenovsk", owner="head", name="Глава во ВКонтакте",
                       network_id="-123456")
    head_tg = add_page(w, HEAD_TG, network="telegram", owner="head", name="Глава в Telegram")
    assert Incident.get_by_id(early.id).page_id == head_vk  # registered before the page: found when it was added
    later = workflow.register_incident(k, link="https://t.me/glava_korenovsk/77?comment=5",
                                       author="Борис", text="Спасибо за ёлку",
                                       detected_at=datetime(2026, 11, 24, 9, 30, tzinfo=MSK))
    elsewhere = workflow.register_incident(k, link="https://vk.com/wall-999_1", author="Вера",
                                           text="Вопрос", detected_at=datetime(2026, 11, 24, 9, 30, tzinfo=MSK))
    assert Incident.get_by_id(later.id).page_id == head_tg
    assert Incident.get_by_id(elsewhere.id).page_id is None
    assert sorted(registry.head_page_ids()) == sorted([head_vk, head_tg])


def test_the_queue_marks_and_filters_the_heads_pages_and_blacklisted_authors(world: World) -> None:
    from app.services import incident_view, queue

    w = world
    k = w.actor("kurator")
    head = add_page(w, HEAD_TG, network="telegram", owner="head", name="Глава в Telegram")
    adm = add_page(w)
    moderation.add_to_blacklist(w.actor("zhkh"), adm, "Спамер", "https://vk.com/id777", "spam")
    on_head = workflow.register_incident(k, link=f"{HEAD_TG}/5", author="Анна", text="Спасибо за ёлку",
                                         detected_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    spam = workflow.register_incident(k, link="https://vk.com/wall-5_9", author="Спамер",
                                      author_link="https://vk.com/id777", text="Нет света",
                                      detected_at=datetime(2026, 11, 24, 9, 10, tzinfo=MSK))
    rows = {r.incident_id: r for r in queue.fetch_page(k, queue.QueueFilter(preset="all")).rows}
    assert (rows[on_head.id].head_page, rows[on_head.id].blacklisted) == ("Глава в Telegram", "")
    assert (rows[spam.id].head_page, rows[spam.id].blacklisted) == (
        "", "Автор в чёрном списке страницы «Администрация Кореновского ГП»")
    only_head = queue.QueueFilter(preset="all", head_pages=True)
    assert [r.incident_id for r in queue.fetch_page(k, only_head).rows] == [on_head.id]
    assert queue.count(k, only_head) == 1
    card = incident_view.load_card(k, on_head.id)
    assert (card.page_name, card.on_head_page, card.blacklisted) == ("Глава в Telegram", True, "")
    assert incident_view.load_card(k, spam.id).blacklisted.startswith("Автор в чёрном списке")
    assert head


def test_the_reports_pages_sheet_judges_weeks_as_the_screen_does(world: World) -> None:
    from app.services import report

    w = world
    w.clock.set(datetime(2026, 11, 18, 10, 0, tzinfo=MSK))  # the page is registered on Wednesday 18.11
    page_id = add_page(w)
    moderation.record_removal(w.actor("zhkh"), page_id, author="Спамер", text="Купи", reason="spam", blacklist=True)
    w.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    data = report.collect(date(2026, 11, 1), date(2026, 11, 30), datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    (row,) = data.pages
    grid = weeks.grid([monday for monday, _ in data.weeks], today=date(2026, 12, 1))
    assert row.absent == tuple(c.state is WeekState.ABSENT for c in grid.rows[0].cells)
    assert row.absent == (True, True, True, False, False, False)  # the weeks before 16.11 were not the page's
    assert row.weeks_without == 2  # 16.11–22.11 and 23.11–29.11; 30.11–06.12 is not over
    assert row.moderation["spam"] == 1 and row.blacklisted_in_period == 1  # the black list is not a second removal
