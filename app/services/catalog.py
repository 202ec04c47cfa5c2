"""Reference lists kept by the administrator: units, topic groups, topics, locations."""
from __future__ import annotations

from dataclasses import dataclass

from app.models import Location, Topic, TopicGroup, Unit, db
from app.models.enums import UnitKind
from app.services import validation
from app.services.errors import NotFound, ValidationError


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    short_name: str
    kind: str
    is_active: bool


@dataclass(frozen=True)
class TopicInfo:
    id: int
    name: str
    group_id: int
    group_name: str


def _unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.name, unit.short_name, unit.kind, unit.is_active)


def create_unit(name: str, kind: UnitKind = UnitKind.DEPARTMENT, short_name: str = "") -> UnitInfo:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Укажите название отдела или учреждения")
    name = validation.text(name, "Название отдела или учреждения", limit=validation.MAX_LINE)
    short_name = validation.text(short_name, "Краткое название", limit=validation.MAX_LINE, required=False)[:64]
    with db.atomic():
        if Unit.select().where(Unit.name == name).exists():
            raise ValidationError(f"«{name}» уже есть в списке")
        return _unit_info(Unit.create(name=name, kind=kind, short_name=short_name or name[:64]))


def list_units(active_only: bool = True) -> list[UnitInfo]:
    query = Unit.select().order_by(Unit.name)
    if active_only:
        query = query.where(Unit.is_active == True)  # noqa: E712 - peewee expression
    return [_unit_info(u) for u in query]


def find_unit(name_or_id: str) -> UnitInfo:
    """A unit by its number, exact name, short name, or a unique part of the name."""
    text = validation.text(name_or_id, "Отдел или учреждение", limit=validation.MAX_LINE)
    if text.isdigit():
        unit = Unit.get_or_none(Unit.id == int(text))
        if unit:
            return _unit_info(unit)
    exact = Unit.get_or_none((Unit.name == text) | (Unit.short_name == text))
    if exact:
        return _unit_info(exact)
    needle = text.casefold()
    matches = [u for u in Unit.select() if needle in u.name.casefold() or needle in u.short_name.casefold()]
    if len(matches) == 1:
        return _unit_info(matches[0])
    if not matches:
        raise NotFound(f"Отдел или учреждение «{text}» не найдено")
    raise ValidationError(f"«{text}» подходит к нескольким отделам: уточните название")


def create_topic(group_name: str, name: str) -> TopicInfo:
    group_name = validation.text(group_name, "Группа тем", limit=validation.MAX_LINE)
    name = validation.text(name, "Тема", limit=validation.MAX_LINE)
    with db.atomic():
        group, _ = TopicGroup.get_or_create(name=group_name)
        topic, _ = Topic.get_or_create(group=group, name=name)
    return TopicInfo(topic.id, topic.name, group.id, group.name)


def list_topics() -> list[TopicInfo]:
    query = (Topic.select(Topic, TopicGroup).join(TopicGroup)
             .where(Topic.is_active == True)  # noqa: E712
             .order_by(TopicGroup.name, Topic.name))
    return [TopicInfo(t.id, t.name, t.group.id, t.group.name) for t in query]


def create_location(name: str, kind: str = "street") -> int:
    name = validation.text(name, "Место (улица, микрорайон, населённый пункт)", limit=validation.MAX_LINE)
    kind = validation.text(kind, "Вид места", limit=32)
    location, _ = Location.get_or_create(name=name, defaults={"kind": kind})
    return location.id


def list_locations() -> list[tuple[int, str]]:
    return list(Location.select(Location.id, Location.name).order_by(Location.name).tuples())


def get_unit(unit_id: int) -> UnitInfo:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(f"Отдел с номером {unit_id} не найден")
    return _unit_info(unit)
