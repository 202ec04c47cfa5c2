"""Realistic Russian demo data: the Korenovsk administration's units, topics, users, pages and
a few hundred incidents over the last three months in every status, some opened today.

The demo writes complete histories (assignments, answer versions, approvals, publications and
audit events) so that every screen and report has something true to show.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.models import (
    Answer, ApprovalDecision, Assignment, ClarificationRequest, Incident, ModerationEntry,
    OfficialPage, PagePublication, Publication, User, db,
)
from app.models.enums import (
    AnswerKind, AnswerState, AssignmentState, IncidentKind, IncidentStatus, ModerationAction,
    ModerationReason, Network, NoAnswerReason, PageOwner, Priority, ReturnReason, Role, UnitKind,
    VerificationState,
)
from app.services import audit, catalog, users
from app.services.errors import ValidationError
from app.services.worktime import WorkCalendar

UNITS = [
    ("Организационно-кадровый отдел", "ОКО", UnitKind.DEPARTMENT),
    ("Отдел жилищно-коммунального хозяйства, благоустройства и транспорта", "ЖКХ", UnitKind.DEPARTMENT),
    ("Отдел архитектуры и градостроительства", "Архитектура", UnitKind.DEPARTMENT),
    ("Отдел имущественных и земельных отношений", "Имущество", UnitKind.DEPARTMENT),
    ("Юридический отдел", "Юридический", UnitKind.DEPARTMENT),
    ("Финансово-экономический отдел", "Финансы", UnitKind.DEPARTMENT),
    ("Общий отдел", "Общий", UnitKind.DEPARTMENT),
    ("Отдел по делам ГО и ЧС", "ГО и ЧС", UnitKind.DEPARTMENT),
    ("МКУ «Управление благоустройства Кореновского городского поселения»", "МКУ Благоустройство", UnitKind.INSTITUTION),
    ("МУП «Кореновский водоканал»", "Водоканал", UnitKind.INSTITUTION),
    ("МБУК «Кореновский городской центр культуры»", "Центр культуры", UnitKind.INSTITUTION),
    ("МБУ «Спортивный комплекс «Кореновец»", "Спорткомплекс", UnitKind.INSTITUTION),
]

TOPICS = {
    "Дороги": ["Ямочный ремонт", "Тротуары", "Светофоры и знаки", "Грейдирование"],
    "ЖКХ": ["Водоснабжение", "Водоотведение", "Вывоз мусора", "Управляющие компании"],
    "Благоустройство": ["Уличное освещение", "Озеленение и покос", "Детские площадки", "Бродячие животные"],
    "Транспорт": ["Городские маршруты", "Остановки", "Расписание"],
    "Культура и спорт": ["Мероприятия", "Спортивные площадки"],
    "Земля и имущество": ["Земельные участки", "Незаконные постройки"],
}
# which unit answers which topic group (index into UNITS)
TOPIC_UNITS = {"Дороги": [1, 8], "ЖКХ": [1, 9], "Благоустройство": [8, 1], "Транспорт": [1],
               "Культура и спорт": [10, 11], "Земля и имущество": [3, 2]}

STREETS = ["ул. Красная", "ул. Мира", "ул. Ленина", "ул. Тимашевская", "ул. Пурыхина",
           "ул. Костенко", "ул. Суворова", "ул. Фрунзе", "ул. Циолковского", "ул. Матросова",
           "ул. Выселковская", "ул. Маяковского", "ул. Железнодорожная", "ул. Платнировская",
           "ул. Бувальцева", "ул. Карла Маркса", "ул. Казачья", "пос. Мирный"]

COMPLAINTS = {
    "Ямочный ремонт": "На {street} огромные ямы на дороге, машины ломают подвеску. Когда будет ремонт?",
    "Тротуары": "Тротуар на {street} весь в трещинах, с коляской не пройти. Прошу отремонтировать.",
    "Светофоры и знаки": "На перекрёстке у {street} не работает светофор уже третий день!",
    "Грейдирование": "Когда прогрейдируют {street}? После дождей не проехать.",
    "Водоснабжение": "На {street} опять нет воды с утра, никто ничего не объявлял. Когда дадут?",
    "Водоотведение": "На {street} течёт канализация прямо во двор, запах ужасный.",
    "Вывоз мусора": "Мусор на {street} не вывозят неделю, контейнеры переполнены.",
    "Управляющие компании": "Управляющая компания на {street} не реагирует на заявки о протечке крыши.",
    "Уличное освещение": "На {street} не горят фонари, вечером идти страшно. Почините, пожалуйста.",
    "Озеленение и покос": "Трава по пояс у детского сада на {street}, когда покос?",
    "Детские площадки": "На площадке на {street} сломаны качели, дети могут пораниться.",
    "Бродячие животные": "Стая собак у школы на {street}, дети боятся ходить.",
    "Городские маршруты": "Автобус до {street} ходит раз в час, почему убрали рейсы?",
    "Остановки": "На остановке на {street} нет навеса, люди мокнут под дождём.",
    "Расписание": "Где посмотреть новое расписание автобусов до {street}?",
    "Мероприятия": "Будет ли концерт ко Дню города в парке у {street}?",
    "Спортивные площадки": "Спортплощадка на {street} закрыта, когда откроют?",
    "Земельные участки": "Подал документы на участок на {street} два месяца назад, ответа нет.",
    "Незаконные постройки": "На {street} сосед строит забор прямо на тротуаре, куда смотрит администрация?",
}

ANSWERS = [
    "Здравствуйте! Спасибо за сообщение. Специалисты уже выехали на место, работы выполнят до конца недели.",
    "Добрый день! Заявку приняли, бригада устранит неисправность в течение двух дней. О результате сообщим здесь.",
    "Здравствуйте! Вопрос на контроле. Работы включены в план на следующий месяц, сроки сообщим дополнительно.",
    "Добрый день! Проблему устранили сегодня утром. Если что-то снова не так — напишите, пожалуйста.",
]
INTERIM = "Здравствуйте! Вопрос требует выезда специалистов и согласования с подрядчиком. Окончательный ответ дадим в течение недели."

AUTHORS = ["Ирина Ковалёва", "Сергей Петренко", "Наталья Бондаренко", "Андрей Шевченко", "Ольга Мельник",
           "Дмитрий Ткаченко", "Елена Кравченко", "Виктор Лысенко", "Татьяна Савченко", "Алексей Руденко",
           "Марина Гончаренко", "Павел Захарченко", "Светлана Марченко", "Игорь Литвиненко"]

DEMO_USERS = [
    # login, password, full name, roles, unit index or None
    ("kurator", "kurator-demo-1", "Слепокурова Яна Евгеньевна", [Role.CURATOR], 0),
    ("admin", "admin-demo-1", "Администратор Системы", [Role.ADMIN], None),
    ("glava", "glava-demo-1", "Шутылев Михаил Олегович", [Role.HEAD], None),
    ("otvetstv", "otvetstv-demo-1", "Козыренко Елена Петровна", [Role.RESPONSIBLE], 6),
    ("zhkh", "zhkh-demo-1", "Иваненко Олег Викторович", [Role.EXECUTOR], 1),
    ("zhkh2", "zhkh2-demo-1", "Пономаренко Алла Сергеевна", [Role.EXECUTOR], 1),
    ("arhitektura", "arhit-demo-1", "Белоус Роман Андреевич", [Role.EXECUTOR], 2),
    ("imuschestvo", "imusch-demo-1", "Гребенюк Лариса Ивановна", [Role.EXECUTOR], 3),
    ("blago", "blago-demo-1", "Онищенко Максим Юрьевич", [Role.EXECUTOR], 8),
    ("vodokanal", "vodokanal-demo-1", "Сидоренко Василий Петрович", [Role.EXECUTOR], 9),
    ("kultura", "kultura-demo-1", "Тимошенко Анна Николаевна", [Role.EXECUTOR], 10),
    ("sport", "sport-demo-1", "Кузьменко Артём Олегович", [Role.EXECUTOR], 11),
]

PAGES = [
    (Network.VK, "Администрация Кореновского городского поселения", "https://vk.com/korenovsk_adm", PageOwner.ADMINISTRATION),
    (Network.OK, "Администрация Кореновского городского поселения", "https://ok.ru/group/korenovskadm", PageOwner.ADMINISTRATION),
    (Network.TELEGRAM, "Кореновск официальный", "https://t.me/korenovsk_official", PageOwner.ADMINISTRATION),
    (Network.VK, "Глава Кореновского городского поселения", "https://vk.com/glava_korenovsk", PageOwner.HEAD),
    (Network.TELEGRAM, "Глава Кореновска", "https://t.me/glava_korenovsk", PageOwner.HEAD),
]


@dataclass
class DemoResult:
    incidents: int = 0
    units: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _link(network: Network, rnd: random.Random, n: int) -> str:
    if network is Network.VK:
        return f"https://vk.com/wall-{rnd.randint(10_000_000, 99_999_999)}_{n}"
    if network is Network.OK:
        return f"https://ok.ru/group/{rnd.randint(50_000_000_000_000, 59_999_999_999_999)}/topic/{n}"
    return f"https://t.me/korenovsk_chat/{n}"


class _Builder:
    """Writes one incident's history step by step at given working-time offsets."""

    def __init__(self, cal: WorkCalendar, rnd: random.Random, now: datetime) -> None:
        self.cal = cal
        self.rnd = rnd
        self.now = now

    def after(self, moment: datetime, lo: int, hi: int) -> datetime:
        return self.cal.add_working_time(moment, timedelta(minutes=self.rnd.randint(lo, hi)))

    def in_past(self, moment: datetime) -> bool:
        return moment <= self.now


def fill_demo(seed: int = 2026, incidents: int = 320, now: datetime | None = None) -> DemoResult:
    """Fill an empty (or users-only) database. Refuses a database that already has incidents."""
    if Incident.select().exists():
        raise ValidationError("В базе уже есть инциденты: демонстрационные данные пишутся только в пустую базу")
    rnd = random.Random(seed)
    cal = WorkCalendar.default()
    tz = ZoneInfo("Europe/Moscow")
    now = (now or datetime.now(tz)).astimezone(tz).replace(microsecond=0)
    result = DemoResult()
    with db.atomic():
        units = [catalog.create_unit(name, kind, short) for name, short, kind in UNITS]
        result.units = len(units)
        topics = {g: [catalog.create_topic(g, t) for t in names] for g, names in TOPICS.items()}
        locations = {s: catalog.create_location(s) for s in STREETS}
        people: dict[str, User] = {}
        for login, password, name, roles, unit_index in DEMO_USERS:
            if User.select().where(User.login == login).exists():
                continue
            unit_id = units[unit_index].id if unit_index is not None else None
            users.create_user(login, name, password, roles, unit_id=unit_id)
            people[login] = User.get(User.login == login)
            result.users.append((login, password, ", ".join(r.value for r in roles)))
        curator = people.get("kurator") or User.select().first()
        executors_by_unit: dict[int, User] = {}
        for user in people.values():
            if "executor" in user.role_set and user.unit_id not in executors_by_unit:
                executors_by_unit[user.unit_id] = user
        _pages(rnd, now, people.get("admin") or curator)
        b = _Builder(cal, rnd, now)
        for n in range(incidents):
            recent = n >= incidents - 24  # the last ones are live: opened in the last hours
            _incident(b, n, recent, topics, locations, units, executors_by_unit, curator)
            result.incidents += 1
    return result


def _pages(rnd: random.Random, now: datetime, author: User) -> None:
    for network, name, url, owner in PAGES:
        page = OfficialPage.create(network=network, name=name, url=url, owner=owner,
                                   phone="+7 (86142) 4-00-00", responsible=author,
                                   verification=rnd.choice([VerificationState.VERIFIED] * 3 + [VerificationState.REQUESTED]),
                                   verification_changed_at=now - timedelta(days=rnd.randint(30, 300)),
                                   subscribed_to_head=owner is PageOwner.ADMINISTRATION)
        for week in range(13):
            for _ in range(rnd.choice([0, 1, 1, 2, 3])):
                at = now - timedelta(weeks=week, days=rnd.randint(0, 6), hours=rnd.randint(0, 8))
                PagePublication.create(page=page, published_at=at, title=rnd.choice(
                    ["Итоги недели", "Ремонт дорог продолжается", "Приём граждан", "Праздник в парке",
                     "Благоустройство сквера", "График вывоза мусора"]),
                    url=f"{url}/{rnd.randint(1000, 9999)}", format=rnd.choice(["text", "photo", "video", "poll"]),
                    author=author)
        for _ in range(rnd.randint(1, 6)):
            ModerationEntry.create(page=page, at=now - timedelta(days=rnd.randint(0, 80)),
                                   action=ModerationAction.DELETED,
                                   reason=rnd.choice(list(ModerationReason)),
                                   author=rnd.choice(AUTHORS), excerpt="(комментарий удалён)", moderator=author)


def _incident(b: _Builder, n: int, recent: bool, topics, locations, units, executors_by_unit, curator: User) -> None:  # noqa: ANN001, PLR0915
    rnd, cal, now = b.rnd, b.cal, b.now
    group = rnd.choice(list(TOPICS))
    topic = rnd.choice(topics[group])
    street = rnd.choice(STREETS)
    network = rnd.choice([Network.VK, Network.VK, Network.OK, Network.TELEGRAM])
    priority = Priority.HIGH if rnd.random() < 0.15 else Priority.NORMAL
    kind = IncidentKind.PUBLICATION if rnd.random() < 0.1 else IncidentKind.INCIDENT
    if recent:
        # live clocks: detected within the last working day (on a weekend: before it)
        detected = cal.add_working_time(now, -timedelta(minutes=rnd.randint(5, 540)))
        if rnd.random() < 0.15:
            detected = now - timedelta(minutes=rnd.randint(5, 120))
    else:
        detected = now - timedelta(days=rnd.randint(2, 92), minutes=rnd.randint(0, 24 * 60))
    start = cal.next_working_moment(detected)
    limit = timedelta(hours=4 if priority is Priority.HIGH else 8)
    due = cal.add_working_time(start, limit)
    text = COMPLAINTS[topic.name].format(street=street)
    incident = Incident.create(
        network=network, link=_link(network, rnd, 1000 + n), author=rnd.choice(AUTHORS),
        text=text, detected_at=detected, registered_at=detected, registered_by=curator, kind=kind,
        priority=priority, status=IncidentStatus.NEW, due_at=due,
    )
    audit.record("incident.register", actor=curator, incident=incident, entity="incident",
                 entity_id=incident.id, to_state=IncidentStatus.NEW, at=detected)

    # clause 21: some incidents get no answer at all
    if not recent and rnd.random() < 0.05:
        closed = b.after(start, 5, 25)
        reason = rnd.choice([NoAnswerReason.OBSCENE, NoAnswerReason.INSULT, NoAnswerReason.NOT_ABOUT_ADMINISTRATION])
        incident.status, incident.no_answer_reason, incident.closed_at = IncidentStatus.NO_ANSWER, reason, closed
        incident.text += " (текст содержит недопустимые выражения)" if reason != NoAnswerReason.NOT_ABOUT_ADMINISTRATION else ""
        incident.save()
        audit.record("incident.no_answer", actor=curator, incident=incident, from_state=IncidentStatus.NEW,
                     to_state=IncidentStatus.NO_ANSWER, comment=reason, at=closed)
        return

    # how far the story has got: recent incidents stop at a random live step
    stage = rnd.choice(["new", "routed", "clarification", "on_approval", "returned", "approved", "answered"]) if recent else "answered"
    if stage == "new":
        return
    routed = b.after(start, 5, 45 if rnd.random() < 0.9 else 90)
    if not b.in_past(routed):
        return
    incident.topic_group, incident.topic = topic.group_id, topic.id
    incident.location = locations[street]
    candidates = TOPIC_UNITS[group]
    several = rnd.random() < 0.08 and len(candidates) > 1
    chosen = [units[i] for i in (candidates if several else candidates[:1])]
    assignments = []
    for unit in chosen:
        assignments.append(Assignment.create(incident=incident, unit=unit.id, assigned_at=routed, assigned_by=curator,
                                             executor=executors_by_unit.get(unit.id),
                                             is_consolidating=unit is chosen[0] and several))
    incident.status, incident.routed_at = IncidentStatus.ROUTED, routed
    if several:
        incident.consolidating_unit = chosen[0].id
    incident.save()
    audit.record("incident.route", actor=curator, incident=incident, from_state=IncidentStatus.NEW,
                 to_state=IncidentStatus.ROUTED, payload={"units": [u.name for u in chosen]},
                 working_minutes=int(cal.working_time_between(start, routed).total_seconds() // 60),
                 limit_minutes=30,
                 within_limit=cal.working_time_between(start, routed) <= timedelta(minutes=30), at=routed)
    main = assignments[0]
    executor = main.executor or curator
    moment = routed
    if stage == "clarification" or (not recent and rnd.random() < 0.07):
        asked = b.after(moment, 10, 70)
        if not b.in_past(asked):
            return
        clar = ClarificationRequest.create(incident=incident, assignment=main, asked_by=executor, asked_at=asked,
                                           question="Уточните, пожалуйста, точный адрес: какой дом?")
        incident.status = IncidentStatus.CLARIFICATION
        incident.save()
        audit.record("clarification.ask", actor=executor, incident=incident, from_state=IncidentStatus.ROUTED,
                     to_state=IncidentStatus.CLARIFICATION, at=asked)
        replied = b.after(asked, 5, 40)
        if stage == "clarification" or not b.in_past(replied):
            return
        clar.reply, clar.replied_by, clar.replied_at = "Дом 12, со стороны двора.", curator, replied
        clar.save()
        incident.status = IncidentStatus.ROUTED
        incident.save()
        audit.record("clarification.reply", actor=curator, incident=incident, from_state=IncidentStatus.CLARIFICATION,
                     to_state=IncidentStatus.ROUTED, at=replied)
        moment = replied
    interim = not recent and rnd.random() < 0.1
    number = 0
    returns = 1 if stage == "returned" else (rnd.choice([0, 0, 0, 0, 1, 2]) if not recent else 0)
    for attempt in range(returns + 1):
        submitted = b.after(moment, 40, 300) if attempt == 0 else b.after(moment, 15, 75)
        if not b.in_past(submitted):
            return
        number += 1
        answer = Answer.create(incident=incident, assignment=main,
                               kind=AnswerKind.INTERIM if interim else (AnswerKind.CONSOLIDATED if several else AnswerKind.DRAFT),
                               number=number, text=INTERIM if interim else rnd.choice(ANSWERS),
                               state=AnswerState.SUBMITTED, author=executor, created_at=submitted, submitted_at=submitted)
        incident.status = IncidentStatus.ON_APPROVAL
        incident.save()
        audit.record("answer.submit", actor=executor, incident=incident, entity="answer", entity_id=answer.id,
                     to_state=IncidentStatus.ON_APPROVAL, at=submitted)
        decided = b.after(submitted, 5, 45)
        if stage == "on_approval" or not b.in_past(decided):
            return
        if attempt < returns:
            reason = rnd.choice(list(ReturnReason))
            ApprovalDecision.create(answer=answer, curator=curator, decided_at=decided, approved=False,
                                    reasons=reason, comment="Доработайте, пожалуйста.")
            answer.state = AnswerState.RETURNED
            answer.save()
            incident.status = IncidentStatus.RETURNED
            incident.save()
            audit.record("answer.return", actor=curator, incident=incident, entity="answer", entity_id=answer.id,
                         from_state=IncidentStatus.ON_APPROVAL, to_state=IncidentStatus.RETURNED,
                         payload={"reasons": [reason]}, at=decided)
            moment = decided
            if stage == "returned":
                return
            continue
        ApprovalDecision.create(answer=answer, curator=curator, decided_at=decided, approved=True)
        answer.state = AnswerState.APPROVED
        answer.save()
        incident.status = IncidentStatus.APPROVED
        incident.save()
        audit.record("answer.approve", actor=curator, incident=incident, entity="answer", entity_id=answer.id,
                     from_state=IncidentStatus.ON_APPROVAL, to_state=IncidentStatus.APPROVED, at=decided)
        published = b.after(decided, 3, 40)
        if stage == "approved" or not b.in_past(published):
            return
        Publication.create(answer=answer, incident=incident, published_by=executor, published_at=published,
                           url=incident.link + "?reply=1")
        answer.state = AnswerState.PUBLISHED
        answer.save()
        status = IncidentStatus.INTERIM if interim else IncidentStatus.ANSWERED
        incident.status = status
        if interim:
            incident.due_at = cal.add_working_days(published, 7)
        else:
            incident.closed_at = published
            main.state = AssignmentState.DONE
            main.closed_at = published
            main.save()
        incident.save()
        audit.record("answer.publish", actor=executor, incident=incident, entity="answer", entity_id=answer.id,
                     from_state=IncidentStatus.APPROVED, to_state=status,
                     working_minutes=int(cal.working_time_between(start, published).total_seconds() // 60),
                     limit_minutes=int(limit.total_seconds() // 60),
                     within_limit=published <= due, at=published)
        return
