"""The queue as each role sees it: presets, filters, Russian search, sorting, paging."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models.enums import IncidentStatus, NoAnswerReason, Priority
from app.services import queue, workflow
from app.services.queue import QueueFilter, QueueSort
from tests.helpers.world import MSK, World, build_world

TEXTS = [
    "На улице Красной не горят фонари, темно и страшно",
    "Огромные ямы на дороге по улице Мира, машины ломаются",
    "Мусор не вывозят неделю на улице Ленина",
    "Во дворе на Пурыхина сломаны качели на детской площадке",
]


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def fill(w: World) -> list[workflow.Ref]:
    refs = []
    for n, text in enumerate(TEXTS, 1):
        refs.append(workflow.register_incident(
            w.actor("kurator"), link=f"https://t.me/korenovsk_chat/{n}", author=f"Автор {n}", text=text,
            detected_at=w.clock.moment, priority=Priority.HIGH if n == 2 else Priority.NORMAL))
        w.clock.work(5)
    k = w.actor("kurator")
    refs[0] = workflow.route(k, refs[0].id, refs[0].version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    refs[1] = workflow.route(k, refs[1].id, refs[1].version, unit_ids=[w.units["blago"]], topic_id=w.topic_id, no_location=True)
    refs[3] = workflow.close_without_answer(k, refs[3].id, refs[3].version, reason=NoAnswerReason.INSULT)
    return refs


def ids(page: queue.QueuePage) -> list[int]:
    return [r.incident_id for r in page.rows]


def test_presets_follow_the_role(world: World) -> None:
    assert [c for c, _ in queue.presets_for(world.actor("kurator"))] == ["new", "approval", "clarification",
                                                                         "overdue", "all"]
    assert [label for _, label in queue.presets_for(world.actor("zhkh"))] == ["Мои", "На доработке",
                                                                            "К размещению", "Все моего отдела"]
    assert [c for c, _ in queue.presets_for(world.actor("glava"))] == ["open", "overdue", "all"]


def test_curator_sees_new_ones_and_everything_closed_last(world: World) -> None:
    refs = fill(world)
    k = world.actor("kurator")
    assert ids(queue.fetch_page(k, QueueFilter(preset="new"))) == [refs[2].id]
    everything = queue.fetch_page(k, QueueFilter(preset="all"))
    assert ids(everything)[-1] == refs[3].id
    assert queue.count(k, QueueFilter(preset="all")) == 4
    row = everything.rows[0]
    assert row.status_label in ("В работе", "Новый") and row.clock is not None


def test_executor_sees_only_their_units_incidents(world: World) -> None:
    refs = fill(world)
    assert ids(queue.fetch_page(world.actor("zhkh"), QueueFilter(preset="mine"))) == [refs[0].id]
    assert ids(queue.fetch_page(world.actor("zhkh"), QueueFilter(preset="all"))) == [refs[0].id]
    assert ids(queue.fetch_page(world.actor("arhit"), QueueFilter(preset="unit_all"))) == []


def test_the_count_of_all_of_my_unit_is_the_number_of_its_rows(world: World) -> None:
    """The unfiltered «Все моего отдела» is counted on the assignments alone: the same number as its
    rows, with an incident sent to two units counted once and a unit with nothing counted as 0."""
    w = world
    refs = fill(w)
    k = w.actor("kurator")
    both = workflow.route(k, refs[2].id, refs[2].version, unit_ids=[w.units["zhkh"], w.units["blago"]],
                          topic_id=w.topic_id, no_location=True)
    for login in ("zhkh", "blago", "arhit"):
        actor = w.actor(login)
        rows = ids(queue.fetch_page(actor, QueueFilter(preset="unit_all")))
        assert queue.count(actor, QueueFilter(preset="unit_all")) == len(rows) == len(set(rows)), login
    assert queue.count(w.actor("zhkh"), QueueFilter(preset="unit_all")) == 2
    assert both.id in ids(queue.fetch_page(w.actor("blago"), QueueFilter(preset="unit_all")))
    # a filter takes the usual way
    assert queue.count(w.actor("zhkh"), QueueFilter(preset="unit_all", priority=Priority.HIGH)) == 0


def test_search_understands_russian_word_forms(world: World) -> None:
    refs = fill(world)
    k = world.actor("kurator")
    assert ids(queue.fetch_page(k, QueueFilter(search="фонарь"))) == [refs[0].id]
    assert ids(queue.fetch_page(k, QueueFilter(search="ямами дорог"))) == [refs[1].id]
    assert ids(queue.fetch_page(k, QueueFilter(search="качелей"))) == [refs[3].id]
    assert ids(queue.fetch_page(k, QueueFilter(search="Автор 3"))) == [refs[2].id]


def test_yo_and_ye_find_each_other_in_the_text_and_the_author(world: World) -> None:
    """«Ковалёва» written with «ё» is found as «Ковалева» and as «Ковалёва», and the other way round."""
    w, k = world, world.actor("kurator")
    with_yo = workflow.register_incident(k, link="https://t.me/korenovsk_chat/91", author="Ковалёва Ольга",
                                         text="Во дворе упала ёлка", detected_at=w.clock.moment)
    without = workflow.register_incident(k, link="https://t.me/korenovsk_chat/92", author="Ковалева Ирина",
                                         text="Елки на площади не украшены", detected_at=w.clock.moment)
    for search in ("Ковалёва", "ковалева", "КОВАЛЁВОЙ"):
        assert sorted(ids(queue.fetch_page(k, QueueFilter(search=search)))) == sorted([with_yo.id, without.id]), search
        assert queue.count(k, QueueFilter(search=search)) == 2, search
    for search in ("ёлка", "елки", "Ёлкой"):
        assert sorted(ids(queue.fetch_page(k, QueueFilter(search=search)))) == sorted([with_yo.id, without.id]), search


def test_filters_combine(world: World) -> None:
    refs = fill(world)
    k = world.actor("kurator")
    assert ids(queue.fetch_page(k, QueueFilter(priority="high"))) == [refs[1].id]
    assert ids(queue.fetch_page(k, QueueFilter(unit_ids=(world.units["zhkh"],)))) == [refs[0].id]
    assert ids(queue.fetch_page(k, QueueFilter(statuses=(IncidentStatus.NO_ANSWER,)))) == [refs[3].id]
    assert len(queue.fetch_page(k, QueueFilter(networks=("telegram",))).rows) == 4
    today = world.clock.moment.date()
    assert len(queue.fetch_page(k, QueueFilter(detected_from=today, detected_to=today)).rows) == 4
    assert queue.fetch_page(k, QueueFilter(detected_to=date(2026, 11, 1))).rows == []


def test_sorting_and_paging(world: World) -> None:
    refs = fill(world)
    k = world.actor("kurator")
    by_author = queue.fetch_page(k, QueueFilter(), QueueSort("author", descending=True))
    assert [r.author for r in by_author.rows] == ["Автор 4", "Автор 3", "Автор 2", "Автор 1"]
    first = queue.fetch_page(k, QueueFilter(), QueueSort("number"), offset=0, limit=3)
    second = queue.fetch_page(k, QueueFilter(), QueueSort("number"), offset=3, limit=3)
    assert first.has_more and not second.has_more
    assert ids(first) + ids(second) == [r.id for r in refs]


def test_overdue_preset_lists_open_incidents_past_their_deadline(world: World) -> None:
    refs = fill(world)
    world.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=MSK))
    overdue = ids(queue.fetch_page(world.actor("kurator"), QueueFilter(preset="overdue")))
    assert sorted(overdue) == sorted([refs[0].id, refs[1].id, refs[2].id])


def test_a_common_search_led_by_an_index_finds_the_same_pages(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite a search matching many incidents is read in index order: same rows, same order, same count."""
    w = world
    refs = []
    for n in range(12):
        refs.append(workflow.register_incident(
            w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author=f"Житель {n}",
            text=("Не горят фонари у дома " if n % 3 else "Яма у дома ") + str(n), detected_at=w.clock.moment,
            priority=Priority.HIGH if n % 4 == 0 else Priority.NORMAL))
        w.clock.work(7)
    k = w.actor("kurator")
    for ref in refs[:5]:
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    workflow.close_without_answer(k, refs[6].id, refs[6].version, reason=NoAnswerReason.INSULT)
    filters = [QueueFilter(search="фонарей"), QueueFilter(preset="new", search="фонарь"),
               QueueFilter(search="фонари", statuses=(IncidentStatus.ROUTED.value,)),
               QueueFilter(search="фонари", priority=Priority.HIGH.value)]
    sorts = [QueueSort(c, d) for c in queue.SORT_COLUMNS for d in (False, True)]

    def pages(f: QueueFilter, s: QueueSort) -> list[list[int]]:
        return [ids(queue.fetch_page(k, f, s, offset, 3, with_clocks=False)) for offset in (0, 3, 6)]

    monkeypatch.setattr(queue, "_common_search", lambda match: False)
    expected = {(f, s): pages(f, s) for f in filters for s in sorts}
    counts = {f: queue.count(k, f) for f in filters}
    assert counts[filters[0]] == 8 and expected[(filters[0], QueueSort("number"))][0] == [refs[1].id, refs[2].id,
                                                                                        refs[4].id]
    monkeypatch.setattr(queue, "_common_search", lambda match: True)
    queue._matches.clear()
    for f in filters:
        assert queue.count(k, f) == counts[f]
        for s in sorts:
            assert pages(f, s) == expected[(f, s)], (f, s)


def test_sorting_by_topic_reads_topic_after_topic_and_pages_without_gaps(world: World) -> None:
    """Topics by name (the same name in two groups counts as one), incidents without a topic after
    them — before them when descending — on both databases; pages join up without gaps."""
    from app.services import catalog

    w = world
    k = w.actor("kurator")
    topics = [w.topic_id,
              catalog.create_topic("Дороги", "Ямочный ремонт").id,
              catalog.create_topic("ЖКХ", "Вывоз мусора").id,
              catalog.create_topic("Дороги", "Вывоз мусора").id]  # the same name in another group
    names = {w.topic_id: "Уличное освещение", topics[1]: "Ямочный ремонт", topics[2]: "Вывоз мусора",
             topics[3]: "Вывоз мусора"}
    expected_topic: dict[int, str | None] = {}
    for n in range(14):
        ref = workflow.register_incident(k, link=f"https://vk.com/wall-7_{n}", author=f"Житель {n}",
                                         text=f"Обращение номер {n}", detected_at=w.clock.moment)
        w.clock.work(3)
        if n % 5 != 4:  # every fifth stays without a topic
            topic = topics[n % 4]
            workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=topic, no_location=True)
            expected_topic[ref.id] = names[topic]
        else:
            expected_topic[ref.id] = None

    def key(incident_id: int) -> tuple[int, str, int]:
        name = expected_topic[incident_id]
        return (1, "", incident_id) if name is None else (0, name, incident_id)

    ascending = sorted(expected_topic, key=key)
    descending = ([i for i in sorted(expected_topic, reverse=True) if expected_topic[i] is None]
                  + sorted((i for i in expected_topic if expected_topic[i] is not None),
                           key=lambda i: (expected_topic[i], i), reverse=True))
    for sort, expected in ((QueueSort("topic"), ascending), (QueueSort("topic", descending=True), descending)):
        pages = [queue.fetch_page(k, QueueFilter(), sort, offset, 4, with_clocks=False) for offset in range(0, 16, 4)]
        assert [i for p in pages for i in ids(p)] == expected, sort
        assert [p.has_more for p in pages] == [True, True, True, False]
        shown = [bool(r.topic) for p in pages for r in p.rows]
        without = [False] * 2  # the two incidents without a topic
        assert (shown[-2:] if not sort.descending else shown[:2]) == without


def test_a_narrow_tab_in_any_order_gives_the_same_rows_as_sorting_them_here(world: World) -> None:
    """«Новые» and «Просроченные» sorted by any column: the thin-slice plan returns what a plain sort would."""
    w = world
    k = w.actor("kurator")
    refs = []
    for n in range(9):
        refs.append(workflow.register_incident(
            k, link=f"https://ok.ru/group/1/topic/{n}", author=f"Автор {(n * 7) % 9}", text=f"Текст {n}",
            detected_at=w.clock.moment, priority=Priority.HIGH if n % 3 == 0 else Priority.NORMAL))
        w.clock.work(4)
    for ref in refs[:4]:
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    new = [r.id for r in refs[4:]]
    authors = {r.id: f"Автор {(n * 7) % 9}" for n, r in enumerate(refs)}
    by_author = ids(queue.fetch_page(k, QueueFilter(preset="new"), QueueSort("author"), with_clocks=False))
    assert by_author == sorted(new, key=lambda i: (authors[i], i))
    by_number = ids(queue.fetch_page(k, QueueFilter(preset="new"), QueueSort("number", descending=True)))
    assert by_number == sorted(new, reverse=True)
    high_first = ids(queue.fetch_page(k, QueueFilter(preset="new"), QueueSort("priority")))
    assert high_first == [refs[6].id, refs[4].id, refs[5].id, refs[7].id, refs[8].id]
    w.clock.work(60 * 24)
    overdue = ids(queue.fetch_page(k, QueueFilter(preset="overdue"), QueueSort("author", descending=True)))
    assert overdue == sorted((r.id for r in refs), key=lambda i: (authors[i], i), reverse=True)
