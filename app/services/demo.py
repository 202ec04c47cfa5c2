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

from app.models import (
    ContentPlanItem, Incident, LawInfoCheck, ModerationEntry, OfficialPage, PagePublication, PageSubscription, User,
    VerificationEvent, db,
)
from app.models.enums import (
    AbsenceKind, AnswerKind, IncidentKind, ModerationAction, ModerationReason, Network, NoAnswerReason, PageOwner,
    Priority, ReturnReason, Role, UnitKind, VerificationState,
)
from app.services import absences, catalog, clock, settings, users, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import ValidationError
from app.services.pages import law_info, moderation, registry, weeks
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

#: how VK names the head's community inside its posts' links («wall-218811_5»)
HEAD_VK_ID = "-218811"
#: network, name, link, owner, identifier in the network, unit (short name), the people who publish
PAGES = [
    (Network.VK, "Администрация Кореновского городского поселения", "https://vk.com/korenovsk_adm",
     PageOwner.ADMINISTRATION, "-190455", "ОКО", ("kurator", "otvetstv")),
    (Network.OK, "Администрация Кореновского городского поселения", "https://ok.ru/group/korenovskadm",
     PageOwner.ADMINISTRATION, "", "ОКО", ("otvetstv",)),
    (Network.TELEGRAM, "Кореновск официальный", "https://t.me/korenovsk_official", PageOwner.ADMINISTRATION, "",
     "Центр культуры", ("kultura", "otvetstv")),
    (Network.VK, "Глава Кореновского городского поселения", "https://vk.com/glava_korenovsk", PageOwner.HEAD,
     HEAD_VK_ID, "ОКО", ("kurator",)),
    (Network.TELEGRAM, "Глава Кореновска", "https://t.me/glava_korenovsk", PageOwner.HEAD, "", "ОКО", ("kurator",)),
]
PHONES = ["+7 (86142) 4-00-01", "+7 (86142) 4-00-02", "+7 (86142) 4-00-03"]
HANDED_BY = "Петренко Иван Иванович, начальник общего отдела"
ORGANISATION = settings.Organisation(
    full_name=settings.DEFAULT_ORGANISATION_NAME,
    address="353180, Краснодарский край, г. Кореновск, ул. Красная, 41",
    phone="+7 (86142) 4-00-00", email="adm@korenovsk-gp.ru", head_name="Шутылев Михаил Олегович",
    head_phone="+7 (86142) 4-00-10", head_email="glava@korenovsk-gp.ru")
APPROVED_DESCRIPTION = ("Официальная страница администрации Кореновского городского поселения Кореновского района. "
                        "Новости города, ответы на вопросы жителей, объявления и анонсы. Приём граждан по "
                        "понедельникам с 9:00 до 12:00, ул. Красная, 41. Телефон приёмной +7 (86142) 4-00-00.")
DIFFERING_DESCRIPTION = ("Официальная страница Кореновского городского поселения. Новости города, ответы на вопросы "
                         "жителей, афиша событий и анонсы. Приём граждан по понедельникам с 9:00 до 12:00, "
                         "ул. Красная, 41.")
#: title, text, formats
PUBLICATIONS = [
    ("Итоги недели", "Рассказываем, что сделали за неделю: отремонтировали 12 ям на ул. Мира, "
     "установили 8 новых фонарей в пос. Мирный и покосили траву у школ.", "text,photo"),
    ("Ремонт дорог продолжается", "Бригады работают на ул. Ленина. Объезд по ул. Фрунзе, спасибо за терпение!",
     "text,photo,video"),
    ("Приём граждан", "В понедельник глава проведёт приём граждан. Записаться можно по телефону 4-00-00.", "text"),
    ("Праздник в парке", "В субботу в парке концерт и ярмарка. Приходите всей семьёй!", "text,photo"),
    ("Благоустройство сквера", "Какие скамейки поставить в сквере на ул. Красной? Голосуйте в опросе.", "text,poll"),
    ("График вывоза мусора", "Новый график вывоза мусора по улицам — на картинке.", "infographic"),
    ("Прямой эфир с главой", "Глава ответил на вопросы о ремонте дорог и освещении.", "stream,video"),
]
#: author, profile, removed text, reason (clause 14)
REMOVED_COMMENTS = [
    ("Ставки Онлайн", "https://vk.com/id505050", "Заработок от 5000 в день! Переходи по ссылке https://ставки.example",
     ModerationReason.SPAM),
    ("Игорь Литвиненко", "https://vk.com/id310210", "Да вы там все *** и ***, ничего не делаете", ModerationReason.OBSCENE),
    ("Аноним", "", "Сколько можно терпеть этих бездарей и дармоедов в администрации", ModerationReason.INSULT),
    ("Кредит Быстро", "https://ok.ru/profile/58200011", "Кредит без справок, пиши в личку", ModerationReason.SPAM),
    ("Олег К.", "https://t.me/olegk_krd", "Призываю всех завтра перекрыть трассу и сжечь шины у администрации",
     ModerationReason.LAW),
    ("Марина Гончаренко", "https://vk.com/id44120", "Глава — ***, так и напишите", ModerationReason.OBSCENE),
    ("Промокоды Кубани", "https://vk.com/id909090", "Скидки 90% по промокоду, подпишись на канал @promo_kuban",
     ModerationReason.SPAM),
    ("Пётр Сидорович", "", "Тупые чиновники, только и умеете отписываться", ModerationReason.INSULT),
    ("Сергей П.", "https://ok.ru/profile/58211178", "Продам справки о прививках недорого, пишите", ModerationReason.LAW),
]
#: author, profile, reason, page index — the first one also writes to the administration (a demo incident)
BLACKLISTED = [
    ("Ставки Онлайн", "https://vk.com/id505050", ModerationReason.SPAM.value, 0),
    ("Кредит Быстро", "https://ok.ru/profile/58200011", ModerationReason.SPAM.value, 1),
]
S = VerificationState


@dataclass
class DemoResult:
    incidents: int = 0
    units: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _link(network: Network, rnd: random.Random, n: int) -> str:
    if network is Network.VK:
        community = rnd.randint(10_000_000, 99_999_999)
        if n % 13 == 5:  # written on the head's VK page (clause 16: the queue marks it ★)
            return f"https://vk.com/wall{HEAD_VK_ID}_{n}"
        return f"https://vk.com/wall-{community}_{n}"
    if network is Network.OK:
        return f"https://ok.ru/group/{rnd.randint(50_000_000_000_000, 59_999_999_999_999)}/topic/{n}"
    if n % 13 == 9:
        return f"https://t.me/glava_korenovsk/{n}"
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
            _pages(now, curator, people)
            for n in range(incidents - 1):  # the last one: a blacklisted author's (below)
                story = _Story(rnd, now, curator, executors)
                recent = n >= incidents - 25  # the last ones are live: their clocks run now
                _incident(story, n, recent, topics, locations, units)
                result.incidents += 1
            story = None
            _blacklisted_incident(curator, now)
            result.incidents += 1
    finally:
        clock.now = real_now
    return result


def _pages(now: datetime, curator: Actor, people: dict[str, User]) -> None:
    """The official pages module with something real on every screen (Appendix 1): pages with their
    people and access records, 13 weeks of publications with a couple of gaps, this week's and next
    week's plan, 8-FZ checks (some aged, one out of date), the one description (one page differs),
    the special mark's history (one page applied for), moderation and a black list, subscriptions
    with one missing."""
    rnd = random.Random(1401)
    cal = current_calendar()
    today = now.astimezone(cal.tz).date()
    monday = weeks.week_start(today)
    ids = {login: user.id for login, user in people.items()}
    settings.store_organisation(ORGANISATION, curator)
    settings.store_page_settings(settings.PageSettings(APPROVED_DESCRIPTION, 90), curator,
                                 "Единое описание страниц (п. 9 Приложения 1)")
    pages: list[int] = []
    for n, (network, name, url, owner, network_id, unit, logins) in enumerate(PAGES):
        page_id = registry.create_page(curator, registry.PageInput(
            network=network.value, owner=owner.value, name=name, url=url, phone=PHONES[n % len(PHONES)],
            unit_id=_unit_id(unit), network_id=network_id, responsible_id=curator.user_id,
            access_handed_on=today - timedelta(days=400 - 30 * n), access_handed_by=HANDED_BY,
            access_received_by_id=curator.user_id, publisher_ids=[ids[x] for x in logins if x in ids]))
        OfficialPage.update(created_at=now - timedelta(days=420 - 20 * n),
                            description=APPROVED_DESCRIPTION if n != 2 else DIFFERING_DESCRIPTION,
                            description_checked_on=today - timedelta(days=10 + n)).where(
            OfficialPage.id == page_id).execute()
        pages.append(page_id)
    _archived_page(now, curator)
    _publications(rnd, now, monday, pages, ids)
    _plan(monday, pages, ids, curator)
    _law_checks(rnd, now, pages, curator)
    _verification(now, pages, curator)
    _moderation(rnd, now, pages, curator)
    admin_pages = [p for p, spec in zip(pages, PAGES) if spec[3] is PageOwner.ADMINISTRATION]
    head_pages = [p for p, spec in zip(pages, PAGES) if spec[3] is PageOwner.HEAD]
    for a in admin_pages:
        for h in head_pages:
            if (a, h) != (admin_pages[1], head_pages[-1]):  # clause 15: one subscription is missing
                PageSubscription.create(page=a, head_page=h, subscribed=True, checked_at=now - timedelta(days=14),
                                        checked_by=curator.user_id)


def _unit_id(short_name: str) -> int | None:
    return next((u.id for u in catalog.list_units() if u.short_name == short_name), None)


def _archived_page(now: datetime, curator: Actor) -> None:
    page_id = registry.create_page(curator, registry.PageInput(
        network=Network.OK.value, owner=PageOwner.HEAD.value, name="Глава Кореновска (прежняя страница)",
        url="https://ok.ru/glava.korenovsk.old", phone=PHONES[0]))
    OfficialPage.update(created_at=now - timedelta(days=900), archived_at=now - timedelta(days=200), is_active=False,
                        archive_reason="Страница заменена новой, доступ к старой утрачен при смене телефона").where(
        OfficialPage.id == page_id).execute()


def _publications(rnd: random.Random, now: datetime, monday, pages: list[int], ids: dict[str, int]) -> None:  # noqa: ANN001
    """Thirteen weeks back; the OK page skipped two weeks, the administration's Telegram this week
    (red), the OK page and the head's Telegram only planned this week (amber)."""
    tz = current_calendar().tz
    authors = [ids.get("kurator"), ids.get("otvetstv"), ids.get("kultura")]
    gaps = {(1, 4), (1, 9), (4, 6)}
    quiet_now = {1, 2, 4}
    for n, page_id in enumerate(pages):
        for back in range(13):
            if (n, back) in gaps or (back == 0 and n in quiet_now):
                continue
            week = monday - timedelta(weeks=back)
            for k in range(rnd.choice([1, 1, 2, 3])):
                day = week + timedelta(days=rnd.randint(0, 4))
                at = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=rnd.randint(9, 17),
                                                                                        minutes=rnd.choice([0, 15, 30]))
                if at > now:
                    at = max(datetime.combine(week, datetime.min.time(), tzinfo=tz) + timedelta(hours=9),
                             now - timedelta(minutes=30 + k))
                    if at > now:
                        continue
                title, text, formats = rnd.choice(PUBLICATIONS)
                PagePublication.create(page=page_id, published_at=at, title=title, text=text, formats=formats,
                                       format=formats.split(",")[0], url=f"{PAGES[n][2]}/{rnd.randint(1000, 99999)}",
                                       author=rnd.choice(authors), created_at=at, created_by=ids.get("kurator"))


def _plan(monday, pages: list[int], ids: dict[str, int], curator: Actor) -> None:  # noqa: ANN001
    items = [(1, monday, "Итоги недели: что сделано на улицах города", "text,photo", "otvetstv"),
             (4, monday, "Глава ответил на вопросы жителей — прямой эфир", "stream", "kurator"),
             (0, monday + timedelta(days=7), "Опрос: какую площадку благоустроить первой", "text,poll", "otvetstv"),
             (3, monday + timedelta(days=7), "Рабочая поездка главы по микрорайонам", "text,photo,video", "kurator"),
             (2, monday + timedelta(days=7), "Афиша выходных в городском центре культуры", "text,infographic",
              "kultura")]
    for n, week, title, formats, login in items:
        ContentPlanItem.create(page=pages[n], week=week, title=title, formats=formats, preparer=ids.get(login),
                               created_by=curator.user_id)


def _law_checks(rnd: random.Random, now: datetime, pages: list[int], curator: Actor) -> None:
    for n, page_id in enumerate(pages):
        for k, code in enumerate(law_info.ITEMS):
            if n == 4 and k == 10:
                continue  # never checked
            aged = (n + k) % 7 == 0
            days = rnd.randint(120, 160) if aged else rnd.randint(3, 60)
            stale = n == 1 and code == "phones"
            LawInfoCheck.create(page=page_id, item=code, checked_at=now - timedelta(days=days, hours=rnd.randint(0, 6)),
                                checked_by=curator.user_id, current=not stale,
                                note="На странице старый номер приёмной" if stale else "")


def _verification(now: datetime, pages: list[int], curator: Actor) -> None:
    today = now.date()
    histories = [[(S.ESIA, 200), (S.VERIFIED, 185)], [(S.REQUESTED, 12)], [(S.ESIA, 160), (S.VERIFIED, 150)],
                 [(S.ESIA, 240), (S.VERIFIED, 230)], [(S.REQUESTED, 90), (S.VERIFIED, 70)]]
    notes = {S.ESIA: "Заявка подана через личный кабинет администрации в ЕСИА",
             S.REQUESTED: "Заявка оператору ЕСИА направлена письмом (п. 12)", S.VERIFIED: "Отметка появилась на странице"}
    for page_id, history in zip(pages, histories):
        for state, days in history:
            VerificationEvent.create(page=page_id, state=state, effective_on=today - timedelta(days=days),
                                     at=now - timedelta(days=days - 1), by=curator.user_id, note=notes[state])
        state, days = history[-1]
        OfficialPage.update(verification=state, verification_changed_at=now - timedelta(days=days - 1)).where(
            OfficialPage.id == page_id).execute()


def _moderation(rnd: random.Random, now: datetime, pages: list[int], curator: Actor) -> None:
    for k, (author, link, text, reason) in enumerate(REMOVED_COMMENTS):
        n = k % len(pages)
        at = now - timedelta(days=rnd.randint(1, 80), hours=rnd.randint(0, 8))
        ModerationEntry.create(page=pages[n], at=at, action=ModerationAction.DELETED, reason=reason, author=author,
                               author_link=link, link=f"{PAGES[n][2]}?w=wall_{rnd.randint(100, 999)}_r{k}",
                               excerpt=text, moderator=curator.user_id)
    for author, link, reason, n in BLACKLISTED:
        moderation.add_to_blacklist(curator, pages[n], author, link, reason)


def _blacklisted_incident(curator: Actor, now: datetime) -> None:
    """A new message from an author on a page's black list: the queue and the card show ⛔."""
    author, link, _reason, _n = BLACKLISTED[0]
    workflow.register_incident(curator, link="https://vk.com/wall-218811_7731", author=author, author_link=link,
                               text="Почему на ул. Красной до сих пор не убрали листву? Третью неделю лежит.",
                               detected_at=now - timedelta(minutes=40))


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
