"""A small Korenovsk administration for workflow tests: units, people, topics, a movable clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models.enums import Role, UnitKind
from app.services import calendar_store, catalog, clock, users
from app.services.permissions import Actor, actor_for

MSK = ZoneInfo("Europe/Moscow")


class MovableClock:
    """Replaces ``app.services.clock.now``; moves in wall time or in working time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.moment = start
        monkeypatch.setattr(clock, "now", lambda: self.moment.astimezone(ZoneInfo("UTC")))

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def work(self, minutes: int) -> datetime:
        """Advance by working minutes of the administration's calendar."""
        self.moment = calendar_store.current_calendar().add_working_time(self.moment, timedelta(minutes=minutes))
        return self.moment


@dataclass
class World:
    clock: MovableClock
    units: dict[str, int]
    topic_id: int
    location_id: int
    ids: dict[str, int]

    def actor(self, login: str, today: date | None = None) -> Actor:
        return actor_for(self.ids[login], today or self.clock.moment.date())


def build_world(monkeypatch: pytest.MonkeyPatch, start: datetime | None = None) -> World:
    start = start or datetime(2026, 11, 24, 9, 30, tzinfo=MSK)  # Tuesday
    units = {
        "zhkh": catalog.create_unit("Отдел ЖКХ, благоустройства и транспорта").id,
        "blago": catalog.create_unit("МКУ «Управление благоустройства»", UnitKind.INSTITUTION).id,
        "vodokanal": catalog.create_unit("МУП «Кореновский водоканал»", UnitKind.INSTITUTION).id,
        "arhit": catalog.create_unit("Отдел архитектуры и градостроительства").id,
    }
    people = [
        ("kurator", "Слепокурова Яна Евгеньевна", [Role.CURATOR], None),
        ("admin", "Администратор Системы", [Role.ADMIN], None),
        ("glava", "Шутылев Михаил Олегович", [Role.HEAD], None),
        ("otvetstv", "Козыренко Елена Петровна", [Role.RESPONSIBLE], None),
        ("zhkh", "Иваненко Олег Викторович", [Role.EXECUTOR], "zhkh"),
        ("zhkh2", "Пономаренко Алла Сергеевна", [Role.EXECUTOR], "zhkh"),
        ("blago", "Онищенко Максим Юрьевич", [Role.EXECUTOR], "blago"),
        ("vodokanal", "Сидоренко Василий Петрович", [Role.EXECUTOR], "vodokanal"),
        ("arhit", "Белоус Роман Андреевич", [Role.EXECUTOR], "arhit"),
    ]
    ids = {}
    for login, name, roles, unit in people:
        ids[login] = users.create_user(login, name, f"{login}-password", roles,
                                       unit_id=units[unit] if unit else None).id
    topic = catalog.create_topic("Благоустройство", "Уличное освещение")
    location = catalog.create_location("ул. Красная")
    return World(MovableClock(monkeypatch, start), units, topic.id, location, ids)
