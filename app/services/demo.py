"""Realistic Russian demo data: the Korenovsk administration's units, topics, users, pages and
a few hundred incidents over the last three months in every status, some opened today.

Every incident's history is written through the workflow services, with the services' clock
moved to the moment of each step, so the demo's audit trail, clocks and reports are exactly
what real use would produce.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.models import Incident, ModerationEntry, OfficialPage, PagePublication, User, db
from app.models.enums import (
    AbsenceKind, AnswerKind, IncidentKind, ModerationAction, ModerationReason, Network, NoAnswerReason, PageOwner,
    Priority, ReturnReason, Role, UnitKind, VerificationState,
)
from app.services import absences, catalog, clock, users, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import ValidationError
from app.services.permissions import Actor, actor_for

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


def _reply_link(network: Network, link: str, k: int) -> str:
    """A reply under the incident's own post (clause 16: the same network, the same post)."""
    return f"{link}?reply={k}" if network is Network.VK else f"{link}?comment={k}"


REQUEST = ("Здравствуйте! Подскажите, пожалуйста, точный адрес: номер дома или ближайший ориентир? "
           "Так мы быстрее направим бригаду.")


class _Story:
    """Drives one incident through the workflow at chosen moments of working time."""

    def __init__(self, rnd: random.Random, now: datetime, curator: Actor, executors: dict[int, Actor]) -> None:
        self.rnd = rnd
        self.now = now
        self.cal = current_calendar()
        self.curator = curator
        self.executors = executors
        self.moment = now
        self.ref: workflow.Ref | None = None

    def later(self, lo: int, hi: int) -> bool:
        """Move the clock on by lo..hi working minutes; False if that would be in the future."""
        moment = self.cal.add_working_time(self.cal.next_working_moment(self.moment),
                                           timedelta(minutes=self.rnd.randint(lo, hi)))
        if moment > self.now:
            return False
        self.moment = moment
        return True

    def do(self, action, actor: Actor, **kwargs) -> None:  # noqa: ANN001
        assert self.ref is not None
        self.ref = action(actor, self.ref.id, self.ref.version, **kwargs)


def fill_demo(seed: int = 2026, incidents: int = 320, now: datetime | None = None) -> DemoResult:
    """Fill an empty (or users-only) database. Refuses a database that already has incidents."""
    if Incident.select().exists():
        raise ValidationError("В базе уже есть инциденты: демонстрационные данные пишутся только в пустую базу")
    rnd = random.Random(seed)
    tz = ZoneInfo("Europe/Moscow")
    now = (now or clock.now()).astimezone(tz).replace(microsecond=0)
    result = DemoResult()
    real_now = clock.now
    story: _Story | None = None
    clock.now = lambda: (story.moment if story else now)  # the services see each step's own moment
    try:
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
            curator_user = people.get("kurator") or User.select().where(User.roles.contains("curator")).first()
            if curator_user is None:
                raise ValidationError("В базе нет куратора: демонстрационные данные создать нельзя")
            curator = actor_for(curator_user.id, now.date())
            executors: dict[int, Actor] = {}
            for user in people.values():
                if "executor" in user.role_set and user.unit_id not in executors:
                    executors[user.unit_id] = actor_for(user.id, now.date())
            if "arhitektura" in people and "imuschestvo" in people:
                absences.add_absence(curator, user_id=people["arhitektura"].id, deputy_id=people["imuschestvo"].id,
                                     kind=AbsenceKind.SICK, starts_on=now.date() - timedelta(days=2),
                                     ends_on=now.date() + timedelta(days=5), comment="Больничный")
            _pages(rnd, now, people.get("admin") or curator_user)
            for n in range(incidents):
                story = _Story(rnd, now, curator, executors)
                recent = n >= incidents - 24  # the last ones are live: their clocks run now
                _incident(story, n, recent, topics, locations, units)
                result.incidents += 1
    finally:
        clock.now = real_now
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


def _incident(s: _Story, n: int, recent: bool, topics, locations, units) -> None:  # noqa: ANN001, C901, PLR0912, PLR0915
    rnd, cal, now = s.rnd, s.cal, s.now
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
    # a few interim answers of the last days are still waiting for their final answer (clause 18)
    awaiting_final = not recent and n % 40 == 7
    if awaiting_final:
        detected = now - timedelta(days=rnd.randint(2, 5), minutes=rnd.randint(0, 600))
    abusive = not recent and not awaiting_final and rnd.random() < 0.05
    text = COMPLAINTS[topic.name].format(street=street)
    if abusive:
        text += " Вы там все идиоты и дебилы!"
    s.moment = detected
    link = _link(network, rnd, 1000 + n)
    s.ref = workflow.register_incident(s.curator, link=link, author=rnd.choice(AUTHORS),
                                       text=text, detected_at=detected, kind=kind, priority=priority)
    if abusive:
        if s.later(5, 25):
            s.do(workflow.close_without_answer, s.curator, reason=NoAnswerReason.INSULT)
        return
    if not recent and rnd.random() < 0.02:
        # clause 2: a message about something else than the administration is not an incident
        if s.later(5, 25):
            s.do(workflow.close_without_answer, s.curator, reason=NoAnswerReason.NOT_ABOUT_ADMINISTRATION)
        return
    # clause 10: the place is a decision — a street, or «без привязки к месту» for a general remark
    place = {"no_location": True} if rnd.random() < 0.05 else {"location_id": locations[street]}

    stage = rnd.choice(["new", "routed", "clarification", "on_approval", "returned", "approved", "answered"]) \
        if recent else "answered"
    if stage == "new" or not s.later(5, 40 if rnd.random() < 0.9 else 90):
        return
    candidates = [units[i].id for i in TOPIC_UNITS[group]]
    several = not recent and rnd.random() < 0.08 and len(candidates) > 1
    chosen = candidates if several else candidates[:1]
    if not several and not recent and rnd.random() < 0.04 and len(candidates) > 1:
        # clause 11: the first unit says it is not theirs, the curator re-routes
        s.do(workflow.route, s.curator, unit_ids=[candidates[1]], topic_id=topic.id, **place)
        if not s.later(10, 40):
            return
        s.do(workflow.declare_not_competent, s.executors[candidates[1]],
             reason="Вопрос не относится к полномочиям учреждения")
        if not s.later(10, 45):
            return
    s.do(workflow.route, s.curator, unit_ids=chosen, topic_id=topic.id, **place)
    main = s.executors[chosen[0]]
    if several:
        for unit_id in chosen[1:]:
            if not s.later(30, 150):
                return
            s.do(workflow.save_draft, s.executors[unit_id], text="Сведения отдела для сводного ответа: работы "
                 "запланированы, сроки согласованы с подрядчиком.", kind=AnswerKind.CONTRIBUTION)
            s.do(workflow.submit_answer, s.executors[unit_id])
        if not s.later(5, 30):
            return
        s.do(workflow.appoint_consolidator, s.curator, unit_id=chosen[0])
    if stage == "clarification" or (not recent and rnd.random() < 0.07):
        # clause 13: a question to the author, approved and posted like an answer; then the reply
        if not s.later(10, 70):
            return
        s.do(workflow.save_request, main, text=REQUEST)
        s.do(workflow.submit_request, main)
        if not s.later(5, 35):
            return
        if rnd.random() < 0.25:
            s.do(workflow.return_for_revision, s.curator, reasons=[ReturnReason.SPELLING],
                 comment="Поправьте, пожалуйста, запятые.")
            if not s.later(10, 55):
                return
            s.do(workflow.save_request, main, text=REQUEST)
            s.do(workflow.submit_request, main)
            if not s.later(5, 30):
                return
        s.do(workflow.approve, s.curator)
        if not s.later(3, 30):
            return
        s.do(workflow.publish, main, url=_reply_link(network, link, 9))
        if stage == "clarification" or not s.later(20, 240):
            return
        s.do(workflow.record_author_reply, main, text="Дом 12, со стороны двора, фонарь у второго подъезда.",
             url=_reply_link(network, link, 10), replied_at=s.moment)
    interim = awaiting_final or (not recent and rnd.random() < 0.1)
    answer_kind = AnswerKind.INTERIM if interim else (AnswerKind.CONSOLIDATED if several else AnswerKind.DRAFT)
    returns = 1 if stage == "returned" else (rnd.choice([0, 0, 0, 0, 1, 2]) if not recent else 0)
    for attempt in range(returns + 1):
        if not (s.later(40, 300) if attempt == 0 else s.later(15, 75)):
            return
        s.do(workflow.save_draft, main, text=INTERIM if interim else rnd.choice(ANSWERS), kind=answer_kind)
        s.do(workflow.submit_answer, main)
        if stage == "on_approval" or not s.later(5, 45):
            return
        if attempt < returns:
            s.do(workflow.return_for_revision, s.curator, reasons=[rnd.choice(list(ReturnReason))],
                 comment="Доработайте, пожалуйста.")
            if stage == "returned":
                return
    s.do(workflow.approve, s.curator)
    if stage == "approved" or not s.later(3, 40):
        return
    s.do(workflow.publish, main, url=_reply_link(network, link, 1))
    if not interim or awaiting_final:
        return
    # clause 18: the final answer, usually within the seven working days
    if not s.later(60 * 8, 60 * 8 * (9 if rnd.random() < 0.2 else 6)):
        return
    s.do(workflow.save_draft, main, text=rnd.choice(ANSWERS), kind=AnswerKind.FINAL)
    s.do(workflow.submit_answer, main)
    if not s.later(5, 40):
        return
    s.do(workflow.approve, s.curator)
    if s.later(3, 30):
        s.do(workflow.publish, main, url=_reply_link(network, link, 2))
