"""Registering an incident by hand: the import's row checks, field by field, and the duplicate."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.models import Incident
from app.models.enums import IncidentKind, Network, Priority
from app.services import importer, registration, workflow
from app.services.errors import PermissionDenied
from app.services.registration import Draft, DraftRejected
from tests.helpers.world import MSK, World, build_world


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def good(**changes: object) -> Draft:
    values: dict[str, object] = {"link": "https://ok.ru/group/1/topic/5", "author": "Ольга", "text": "Яма у школы",
                                 "detected_at": datetime(2026, 11, 24, 9, 0, tzinfo=MSK)}
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def test_a_good_form_has_no_problems_and_names_its_network(world: World) -> None:
    result = registration.check(good())
    assert result.ok and result.network == Network.OK


def test_each_problem_belongs_to_its_field_in_the_imports_words(world: World) -> None:
    result = registration.check(Draft(link="https://facebook.com/p/1", author="  ", text="",
                                      detected_at=datetime(2026, 11, 25, 9, 0), author_link="profile"))
    assert result.problems == {
        "link": "Ссылка ведёт на «facebook.com», а не во ВКонтакте, Одноклассники или Telegram",
        "author": "Не указан автор сообщения",
        "author_link": "Ссылка на автора «profile» не похожа на адрес (нужно https://…)",
        "text": "Текст сообщения пустой",
        "detected_at": "Дата выявления 25.11.2026 09:00 ещё не наступила",
    }
    assert registration.check(good(detected_at=None)).problems == {"detected_at": "Не указана дата выявления"}
    assert registration.check(good(detected_at=datetime(1999, 5, 1, 10, 0))).problems == {
        "detected_at": "Дата выявления 01.05.1999 10:00 раньше 2000 года — проверьте год"}


def test_the_same_words_as_an_imported_row(world: World) -> None:
    cells = {"link": "https://vk.com/", "author": "Пётр", "text": "Текст", "detected_at": "24.11.2026 09:00"}
    assert importer.check_cells(cells) == ["Ссылка ведёт на главную страницу соцсети, а не на сообщение"]
    assert registration.check(good(link="https://vk.com/")).problems["link"] == importer.check_cells(cells)[0]


def test_registering_writes_the_incident_and_refuses_a_duplicate(world: World) -> None:
    k = world.actor("kurator")
    ref = registration.register(k, good(kind=IncidentKind.PUBLICATION, priority=Priority.HIGH,
                                        author_link=" https://ok.ru/profile/5 "))
    incident = Incident.get_by_id(ref.id)
    assert (incident.kind, incident.priority, incident.network, incident.author_link) == (
        IncidentKind.PUBLICATION, Priority.HIGH, Network.OK, "https://ok.ru/profile/5")
    assert registration.duplicate("https://ok.ru/group/1/topic/5") == (
        ref.id, f"Уже зарегистрирован: инцидент № {ref.id} (та же ссылка)")
    with pytest.raises(DraftRejected) as refused:
        registration.register(k, good(author="Другой автор"))
    assert refused.value.problems == {"link": f"Уже зарегистрирован: инцидент № {ref.id} (та же ссылка)"}
    assert refused.value.duplicate_of == ref.id
    with pytest.raises(DraftRejected) as bad:
        registration.register(k, good(link="", text=""))
    assert set(bad.value.problems) == {"link", "text"}
    assert Incident.select().count() == 1


@pytest.mark.parametrize("spelling", ["http://ok.ru/group/1/topic/5", "https://m.ok.ru/group/1/topic/5/",
                                      "https://www.ok.ru/group/1/topic/5?utm_source=vk"])
def test_the_same_post_written_another_way_is_refused_naming_the_link_in_the_base(world: World,
                                                                                   spelling: str) -> None:
    k = world.actor("kurator")
    ref = registration.register(k, good())
    words = f"Уже зарегистрирован: инцидент № {ref.id} (то же сообщение, ссылка записана иначе: " \
            "https://ok.ru/group/1/topic/5)"
    assert registration.duplicate(spelling) == (ref.id, words)
    with pytest.raises(DraftRejected) as refused:
        registration.register(k, good(link=spelling))
    assert refused.value.problems == {"link": words} and refused.value.duplicate_of == ref.id
    assert Incident.select().count() == 1


def test_a_post_registered_by_another_pc_a_moment_ago_is_named_too(world: World,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    k = world.actor("kurator")
    ref = registration.register(k, good())
    monkeypatch.setattr(registration, "duplicate", lambda _link: None)  # the form looked before the other PC saved
    real, calls = workflow.registered_message, []

    def not_yet_committed(link: str, key: str | None = None) -> Incident | None:
        calls.append(link)
        return None if len(calls) == 1 else real(link, key)  # the first look misses it; the unique key does not

    monkeypatch.setattr(workflow, "registered_message", not_yet_committed)
    with pytest.raises(DraftRejected) as refused:
        registration.register(k, good(link="https://m.ok.ru/group/1/topic/5"))
    assert refused.value.duplicate_of == ref.id
    assert refused.value.problems == {"link": f"Уже зарегистрирован: инцидент № {ref.id} (то же сообщение, "
                                              "ссылка записана иначе: https://ok.ru/group/1/topic/5)"}
    assert len(calls) == 2 and Incident.select().count() == 1


def test_only_the_curator_registers(world: World) -> None:
    with pytest.raises(PermissionDenied):
        registration.register(world.actor("zhkh"), good())
