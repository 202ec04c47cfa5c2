"""The monthly report against a month the test itself lives through the workflow.

Every expectation below is counted from what the test did (its own ledger of stories and the
working minutes it moved the clock by), never from the report's code; the workbook is read back
with openpyxl and compared figure by figure.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.models import BlacklistEntry, ModerationEntry, OfficialPage, PagePublication
from app.models.enums import (
    AnswerKind, IncidentKind, ModerationAction, ModerationReason, NoAnswerReason, PageOwner, Priority, ReturnReason,
    VerificationState,
)
from app.services import catalog, report, workflow
from app.services.errors import ValidationError
from tests.helpers.world import MSK, World, build_world

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)  # Monday noon: the moment the report is made
NOV = (date(2026, 11, 1), date(2026, 11, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))
LINKS = {"vk": "https://vk.com/wall-777_{}", "ok": "https://ok.ru/group/777/topic/{}",
         "telegram": "https://t.me/korenovsk_chat/{}"}
ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."
SHEETS = ["Сводка", "По исполнителям", "По этапам", "По темам и соцсетям", "Просрочки", "Реестр",
          "Официальные страницы"]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


@dataclass
class Story:
    """One incident as the test lived it, with what it expects the report to say about it."""

    w: World
    n: int
    network: str
    group: str | None
    priority: str = Priority.NORMAL
    kind: str = IncidentKind.INCIDENT
    author: str = "Ирина Ковалёва"
    text: str = "На улице Красной третий день не горят фонари у дома 12."
    ref: workflow.Ref | None = None
    elapsed: int = 0                                   # working minutes since detection
    answer_minutes: int | None = None                  # detection → first published answer
    outcome: str = "running"                           # met / missed / overdue / running / no_answer
    reason: str | None = None
    still_open: bool = True
    assigned: list[str] = field(default_factory=list)  # every assignment's unit
    working: set[str] = field(default_factory=set)     # units that worked on it
    returns: list[tuple[str, list[str]]] = field(default_factory=list)
    competence: list[str] = field(default_factory=list)
    interim: bool = False
    final: str | None = None
    late: list[tuple[str, int]] = field(default_factory=list)  # (clause, working minutes late)
    publications: list[tuple[str, int]] = field(default_factory=list)  # (unit, minutes from approval)
    detected: datetime | None = None

    @property
    def id(self) -> int:
        assert self.ref is not None
        return self.ref.id

    def work(self, minutes: int) -> None:
        self.w.clock.work(minutes)
        self.elapsed += minutes

    def register(self, detected: datetime) -> Story:
        self.w.clock.set(detected)
        self.detected = detected
        self.ref = workflow.register_incident(
            self.w.actor("kurator"), link=LINKS[self.network].format(self.n), author=self.author, text=self.text,
            detected_at=detected, priority=Priority(self.priority), kind=IncidentKind(self.kind))
        return self

    def route(self, after: int, *units: str) -> Story:
        self.work(after)
        topic = self.w.topics[self.group] if self.group else self.w.topic_id
        self.ref = workflow.route(self.w.actor("kurator"), self.id, self.ref.version,
                                  unit_ids=[self.w.units[u] for u in units], topic_id=topic,
                                  location_id=self.w.location_id)
        self.assigned += units
        self.working |= set(units)
        return self

    def submit(self, after: int, unit: str, kind: AnswerKind = AnswerKind.DRAFT) -> Story:
        self.work(after)
        self.ref = workflow.save_draft(self.w.actor(unit), self.id, self.ref.version, text=ANSWER, kind=kind)
        self.ref = workflow.submit_answer(self.w.actor(unit), self.id, self.ref.version)
        return self

    def give_back(self, after: int, unit: str, *reasons: ReturnReason) -> Story:
        self.work(after)
        self.ref = workflow.return_for_revision(self.w.actor("kurator"), self.id, self.ref.version,
                                                reasons=list(reasons))
        self.returns.append((unit, [r.value for r in reasons]))
        return self

    def approve(self, after: int) -> Story:
        self.work(after)
        self.ref = workflow.approve(self.w.actor("kurator"), self.id, self.ref.version)
        return self

    def publish(self, after: int, unit: str, *, final_stage: bool = False) -> Story:
        self.work(after)
        self.ref = workflow.publish(self.w.actor(unit), self.id, self.ref.version,
                                    url=LINKS[self.network].format(self.n) + f"?reply={self.elapsed}")
        self.publications.append((unit, after))
        if not final_stage and self.answer_minutes is None:
            self.answer_minutes = self.elapsed
            limit = 240 if self.priority == Priority.HIGH else 480
            self.outcome = "met" if self.elapsed <= limit else "missed"
            if self.elapsed > limit:
                self.late.append(("п. 17" if self.priority == Priority.HIGH else "п. 9", self.elapsed - limit))
        if not self.interim or final_stage:
            self.still_open = False
        return self

    def close(self, after: int, reason: NoAnswerReason) -> Story:
        self.work(after)
        self.ref = workflow.close_without_answer(self.w.actor("kurator"), self.id, self.ref.version, reason=reason)
        self.outcome, self.reason, self.still_open = "no_answer", reason.value, False
        self.working.clear()
        return self


def simple(w: World, n: int, network: str, group: str, detected: datetime, unit: str = "zhkh",
           kind: AnswerKind = AnswerKind.DRAFT, **extra: object) -> Story:
    """Registered, routed in 10 min, a draft in 60, approved in 15, published in 10 (95 min)."""
    s = Story(w, n, network, group, **extra).register(detected).route(10, unit)
    return s.submit(60, unit, kind).approve(15).publish(10, unit)


@pytest.fixture
def month(db, monkeypatch: pytest.MonkeyPatch) -> tuple[World, list[Story], list[Story]]:  # noqa: ANN001, PLR0915
    """October (the comparison) and November 2026 of the Korenovsk administration."""
    w = build_world(monkeypatch, start=at(10, 1, 9))
    w.topics = {"Благоустройство": w.topic_id,
                "Дороги": catalog.create_topic("Дороги", "Ямочный ремонт").id}
    october: list[Story] = []
    november: list[Story] = []
    # --- October: one in time, one closed for insults, one late; the boundary night ---------------------
    october.append(simple(w, 1, "vk", "Благоустройство", at(10, 22, 10)))
    october.append(Story(w, 2, "ok", None).register(at(10, 23, 10)).close(10, NoAnswerReason.INSULT))
    o3 = Story(w, 3, "telegram", "Дороги").register(at(10, 26, 10)).route(10, "zhkh")
    october.append(o3.submit(500, "zhkh").approve(10).publish(10, "zhkh"))
    o3.late += [("п. 12", 510 - 300)]
    # Saturday 31 October 23:30 (October) and Sunday 1 November 00:30 (November), local time
    b1 = Story(w, 4, "vk", None).register(at(10, 31, 23, 30))
    b2 = Story(w, 5, "vk", None).register(at(11, 1, 0, 30))
    w.clock.set(at(11, 2, 9, 10))  # both closed at 09:10 on Monday: routing clock 10 min of 30
    for s in (b1, b2):
        s.ref = workflow.close_without_answer(w.actor("kurator"), s.id, s.ref.version,
                                              reason=NoAnswerReason.NOT_ABOUT_ADMINISTRATION)
        s.outcome, s.reason, s.still_open = "no_answer", NoAnswerReason.NOT_ABOUT_ADMINISTRATION.value, False
    october.append(b1)
    november.append(b2)
    # --- November -------------------------------------------------------------------------------------
    november.append(simple(w, 11, "vk", "Благоустройство", at(11, 2, 10)))                       # S1
    s2 = Story(w, 12, "ok", "Дороги").register(at(11, 5, 10)).route(45, "blago")                  # S2: slow chain
    s2.submit(30, "blago").give_back(50, "blago", ReturnReason.SPELLING, ReturnReason.OFF_QUESTION)
    s2.submit(70, "blago").approve(10).publish(20, "blago")
    s2.late += [("п. 10", 15), ("п. 14", 20), ("п. 15", 10)]
    november.append(s2)
    s3 = Story(w, 13, "telegram", "Благоустройство", priority=Priority.HIGH).register(at(11, 6, 10))  # S3
    s3.route(10, "zhkh").submit(30, "zhkh").approve(20).publish(220, "zhkh")
    s3.late.insert(0, ("п. 16", 190))
    november.append(s3)
    s4 = Story(w, 14, "vk", "Дороги").register(at(11, 9, 10)).route(10, "arhit")                 # S4: clause 11
    s4.work(20)
    s4.ref = workflow.declare_not_competent(w.actor("arhit"), s4.id, s4.ref.version, reason="Это не наш вопрос")
    s4.competence.append("arhit")
    s4.working.discard("arhit")
    s4.route(15, "zhkh").submit(40, "zhkh").give_back(10, "zhkh", ReturnReason.REDIRECTION)
    s4.submit(30, "zhkh").approve(10).publish(10, "zhkh")
    november.append(s4)
    s5 = Story(w, 15, "vk", "Благоустройство").register(at(11, 10, 10)).route(10, "zhkh", "blago", "vodokanal")
    for unit in ("blago", "vodokanal"):                                                           # S5: clause 19
        s5.submit(30, unit, AnswerKind.CONTRIBUTION)
    s5.ref = workflow.appoint_consolidator(w.actor("kurator"), s5.id, s5.ref.version, unit_id=w.units["zhkh"])
    s5.submit(60, "zhkh", AnswerKind.CONSOLIDATED).approve(15).publish(10, "zhkh")
    november.append(s5)
    # S6, S7, S8: interim answers (published 95 min after detection); finals in time, late, not given
    for n, network, group, day, final_day, final in ((16, "ok", "Дороги", 11, 17, "met"),
                                                     (17, "telegram", "Благоустройство", 12, 25, "missed"),
                                                     (18, "vk", "Дороги", 13, None, "overdue")):
        s = Story(w, n, network, group, interim=True)
        simple_interim = s.register(at(11, day, 10)).route(10, "zhkh").submit(60, "zhkh", AnswerKind.INTERIM)
        simple_interim.approve(15).publish(10, "zhkh")
        s.final = final
        if final_day is not None:
            w.clock.set(at(11, final_day, 10))
            s.submit(0, "zhkh", AnswerKind.FINAL).approve(15).publish(10, "zhkh", final_stage=True)
        november.append(s)
    # final of S7 due Mon 23 Nov 18:00, published Wed 25 10:25: Tue (480) + 85 working minutes late;
    # S8's due Tue 24 Nov 18:00, still not given at Mon 30 12:00: Wed, Thu, Fri (1440) + 180
    november[-2].late.append(("п. 18", 565))
    november[-1].late.append(("п. 18", 1620))
    s9 = Story(w, 19, "vk", "Благоустройство").register(at(11, 16, 10)).route(10, "zhkh")        # S9: late
    s9.submit(460, "zhkh").approve(20).publish(10, "zhkh")
    s9.late.insert(0, ("п. 12", 170))
    november.append(s9)
    november.append(Story(w, 20, "ok", None).register(at(11, 17, 10)).close(20, NoAnswerReason.OBSCENE))  # S10
    s11 = Story(w, 21, "telegram", "Благоустройство").register(at(11, 18, 10)).route(10, "zhkh")  # S11
    november.append(s11.close(15, NoAnswerReason.THREAT))
    s12 = Story(w, 22, "vk", "Благоустройство", kind=IncidentKind.PUBLICATION).register(at(11, 19, 10))
    s12.route(10, "zhkh").work(20)                                                                # S12: clause 13
    s12.ref = workflow.ask_clarification(w.actor("zhkh"), s12.id, s12.ref.version, question="Какой дом?")
    s12.work(10)
    s12.ref = workflow.reply_clarification(w.actor("kurator"), s12.id, s12.ref.version, reply="Дом 12")
    s12.submit(30, "zhkh").approve(10).publish(10, "zhkh")
    november.append(s12)
    s14 = Story(w, 24, "ok", "Благоустройство").register(at(11, 27, 10)).route(10, "blago")      # S14: overdue
    s14.outcome = "overdue"
    s14.late += [("п. 12", 300), ("п. 9", 120)]
    november.append(s14)
    s15 = Story(w, 25, "vk", "Дороги").register(at(11, 30, 10)).route(10, "zhkh").submit(30, "zhkh")  # S15
    s15.late.append(("п. 14", 50))  # submitted 10:40, not decided by 12:00
    november.append(s15)
    s13 = Story(w, 23, "vk", None, priority=Priority.HIGH).register(at(11, 30, 11, 50))  # S13: new, no topic yet
    november.append(s13)
    _pages()
    return w, october, november


def _pages() -> None:
    """Two official pages: publications in some weeks, moderation and a black list (Appendix 1)."""
    admin = OfficialPage.create(network="vk", name="Администрация Кореновского городского поселения",
                                url="https://vk.com/korenovsk_adm", owner=PageOwner.ADMINISTRATION,
                                verification=VerificationState.VERIFIED, verification_changed_at=at(3, 2, 10),
                                subscribed_to_head=True)
    head = OfficialPage.create(network="telegram", name="Глава Кореновска", url="https://t.me/glava_korenovsk",
                               owner=PageOwner.HEAD, verification=VerificationState.REQUESTED)
    for page, days in ((admin, [(10, 28), (11, 3), (11, 17), (11, 24)]), (head, [(11, 2), (11, 20)])):
        for month, day in days:
            PagePublication.create(page=page, published_at=at(month, day, 12), title="Итоги недели")
    for when, action, reason in ((at(11, 5, 10), ModerationAction.DELETED, ModerationReason.SPAM),
                                 (at(11, 6, 10), ModerationAction.DELETED, ModerationReason.SPAM),
                                 (at(11, 9, 10), ModerationAction.BLACKLISTED, ModerationReason.INSULT),
                                 (at(10, 9, 10), ModerationAction.DELETED, ModerationReason.LAW)):
        ModerationEntry.create(page=admin, at=when, action=action, reason=reason, author="Спамер")
    BlacklistEntry.create(page=admin, author="Спамер", reason=ModerationReason.SPAM, added_at=at(10, 9, 10))
    BlacklistEntry.create(page=admin, author="Грубиян", reason=ModerationReason.INSULT, added_at=at(11, 9, 10))


# ------------------------------------------------------------------------------------ helpers
def rows_of(ws) -> list[tuple]:  # noqa: ANN001
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def table(ws, header_row: int = 4) -> tuple[list[str], list[tuple]]:  # noqa: ANN001
    rows = rows_of(ws)
    header = [h for h in rows[header_row - 1]]
    body = []
    for row in rows[header_row:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return header, body


def summary_rows(ws) -> dict[str, tuple]:  # noqa: ANN001
    return {row[0]: row for row in rows_of(ws) if isinstance(row[0], str)}


def figures(stories: list[Story]) -> dict[str, object]:
    """The headline figures of a set of stories, counted by the test."""
    out = Counter(s.outcome for s in stories)
    by_priority = {p: Counter(s.outcome for s in stories if s.priority == p) for p in (Priority.NORMAL, Priority.HIGH)}
    minutes = [s.answer_minutes for s in stories if s.answer_minutes is not None]
    return {
        "received": len(stories),
        "incident": sum(s.kind == IncidentKind.INCIDENT for s in stories),
        "publication": sum(s.kind == IncidentKind.PUBLICATION for s in stories),
        "normal": sum(s.priority == Priority.NORMAL for s in stories),
        "high": sum(s.priority == Priority.HIGH for s in stories),
        "met": out["met"], "missed": out["missed"], "overdue": out["overdue"], "running": out["running"],
        "no_answer": out["no_answer"],
        "met_normal": by_priority[Priority.NORMAL]["met"], "missed_normal": by_priority[Priority.NORMAL]["missed"],
        "met_high": by_priority[Priority.HIGH]["met"], "missed_high": by_priority[Priority.HIGH]["missed"],
        "clock_normal": sum(v for k, v in by_priority[Priority.NORMAL].items() if k != "no_answer"),
        "clock_high": sum(v for k, v in by_priority[Priority.HIGH].items() if k != "no_answer"),
        "reasons": Counter(s.reason for s in stories if s.reason),
        "open": sum(s.still_open for s in stories),
        "interim": sum(s.interim for s in stories),
        "finals": Counter(s.final for s in stories if s.final),
        "minutes": minutes,
    }


def check_line(rows: dict[str, tuple], label: str, now: int, base_now: int, was: int, base_was: int) -> None:
    row = rows[label]
    assert row[1] == now, label
    assert row[3] == was, label
    assert row[2] == (pytest.approx(now / base_now) if base_now else None), label
    assert row[4] == (pytest.approx(was / base_was) if base_was else None), label
    assert row[5] == now - was, label
    assert row[6] == (pytest.approx((now - was) / was) if was else None), label


@pytest.fixture
def built(month, tmp_path: Path):  # noqa: ANN001, ANN201
    w, october, november = month
    path = tmp_path / "отчёт-ноябрь.xlsx"
    seen: list[tuple[int, str]] = []
    summary = report.build_monthly_report(*NOV, path, now=NOW, progress=lambda p, s: seen.append((p, s)))
    return w, october, november, path, summary, seen


# ------------------------------------------------------------------------------------ the tests
def test_summary_sheet_equals_what_the_test_did(built) -> None:  # noqa: ANN001, PLR0915
    _, october, november, path, summary, seen = built
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    cur, prev = figures(november), figures(october)
    rows = summary_rows(wb["Сводка"])
    assert rows["Показатель"][1:5] == ("ноябрь 2026 г.", "Доля", "октябрь 2026 г.", "Доля")
    R, P = cur["received"], prev["received"]
    assert (R, P) == (16, 4)
    check_line(rows, "Поступило всего", R, R, P, P)
    check_line(rows, "Инцидент", cur["incident"], R, prev["incident"], P)
    check_line(rows, "Публикация в соцсетях", cur["publication"], R, prev["publication"], P)
    check_line(rows, "Обычной важности", cur["normal"], R, prev["normal"], P)
    check_line(rows, "Повышенной важности (п. 17)", cur["high"], R, prev["high"], P)
    check_line(rows, "Ответ размещён в срок (п. 9, 17)", cur["met"], R, prev["met"], P)
    check_line(rows, "Ответ размещён с нарушением срока", cur["missed"], R, prev["missed"], P)
    check_line(rows, "Ответ не размещён, срок истёк", cur["overdue"], R, prev["overdue"], P)
    check_line(rows, "Ответ готовится, срок не истёк", cur["running"], R, prev["running"], P)
    check_line(rows, "Без ответа (п. 21 и не по теме)", cur["no_answer"], R, prev["no_answer"], P)
    assert cur["met"] + cur["missed"] + cur["overdue"] + cur["running"] + cur["no_answer"] == R
    check_line(rows, "Ответ в течение 8 рабочих часов (п. 9)", cur["met_normal"], cur["clock_normal"],
               prev["met_normal"], prev["clock_normal"])
    check_line(rows, "Срок 8 рабочих часов нарушен (п. 9)", cur["missed_normal"], cur["clock_normal"],
               prev["missed_normal"], prev["clock_normal"])
    check_line(rows, "Ответ в течение 4 рабочих часов (п. 17)", cur["met_high"], cur["clock_high"],
               prev["met_high"], prev["clock_high"])
    check_line(rows, "Срок 4 рабочих часов нарушен (п. 17)", cur["missed_high"], cur["clock_high"],
               prev["missed_high"], prev["clock_high"])
    for reason in NoAnswerReason:
        check_line(rows, report.NO_ANSWER_REASON_LABELS[reason], cur["reasons"][reason.value], cur["no_answer"],
                   prev["reasons"][reason.value], prev["no_answer"])
    check_line(rows, "Не закрыто (в работе)", cur["open"], R, prev["open"], P)
    check_line(rows, "Дан промежуточный ответ", cur["interim"], R, prev["interim"], P)
    for state, label in report.FINAL_ROWS:
        check_line(rows, label, cur["finals"][state], cur["interim"], prev["finals"][state], prev["interim"])
    # the numbers the test expects by its own story, not only by the ledger
    assert (cur["met"], cur["missed"], cur["overdue"], cur["running"], cur["no_answer"]) == (8, 2, 1, 2, 3)
    assert cur["finals"] == Counter({"met": 1, "missed": 1, "overdue": 1})
    # time to answer: working minutes the test moved the clock by, detection → first publication
    minutes = sorted(cur["minutes"])
    assert minutes == [90, 95, 95, 95, 95, 145, 155, 225, 280, 500]
    assert rows["Ответов размещено"][1:6:2] == (10, 2, 8)
    for label, now_value, was in (("Среднее время до ответа", statistics.fmean(minutes),
                                   statistics.fmean(prev["minutes"])),
                                  ("Медиана времени до ответа", statistics.median(minutes),
                                   statistics.median(prev["minutes"]))):
        row = rows[label]
        assert row[2] == round(now_value) and row[4] == round(was) and row[5] == round(now_value - was)
        hours, rest = divmod(round(now_value), 60)
        assert row[1] == (f"{hours} ч {rest} мин" if rest else f"{hours} ч")
    assert rows["Медиана времени до ответа"][1] == "2 ч"      # (95 + 145) / 2
    assert rows["Среднее время до ответа"][1] == "2 ч 58 мин"  # 1775 / 10
    # the headline the command line prints
    assert (summary.received, summary.in_time, summary.late, summary.no_answer, summary.still_open) == (16, 8, 2, 3, 4)
    assert summary.in_time_share == pytest.approx(8 / 10)
    assert summary.register_rows == 16
    # progress: increasing percentages with Russian stage names, ending at 100
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100 and all(stage for _, stage in seen)
    assert any("Реестр" in stage for _, stage in seen)


def test_percent_cells_are_excel_percentages_and_the_sheet_prints_on_a4_landscape(built) -> None:  # noqa: ANN001
    path = built[3]
    wb = load_workbook(path)
    ws = wb["Сводка"]
    share = next(row for row in ws.iter_rows() if row[0].value == "Ответ размещён в срок (п. 9, 17)")[2]
    assert share.number_format.endswith("%") and share.data_type == "n"
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A5", name
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, name
        assert ws.oddFooter.center.text == "Страница &P из &N", name
        assert "Работа с сообщениями в социальных сетях — ноябрь 2026 г." in ws.oddHeader.left.text, name
        assert "01.11.2026 — 30.11.2026" in ws.oddHeader.right.text, name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A4:"), name
        assert ws.column_dimensions["A"].width >= 6, name
    assert wb["Сводка"]._charts and wb["По темам и соцсетям"]._charts


def test_units_sheet_counts_assignments_outcomes_returns_and_competence(built) -> None:  # noqa: ANN001
    w, _, november, path, _, _ = built
    names = {code: catalog.get_unit(unit_id).name for code, unit_id in w.units.items()}
    header, body = table(load_workbook(path)["По исполнителям"])
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    reason_columns = {r.value: f"Возврат: {report.RETURN_REASON_SHORT[r]}" for r in ReturnReason}
    for code in ("zhkh", "blago", "vodokanal", "arhit"):
        mine = [s for s in november if code in s.assigned]
        worked = [s for s in mine if code in s.working]
        got = by_unit[names[code]]
        assert got["Поручений получено"] == sum(s.assigned.count(code) for s in november), code
        assert got["Работал над инцидентами"] == len(worked), code
        assert got["Ответ в срок"] == sum(s.outcome == "met" for s in worked), code
        assert got["Ответ с нарушением срока"] == sum(s.outcome == "missed" for s in worked), code
        assert got["Ответа нет, срок истёк"] == sum(s.outcome == "overdue" for s in worked), code
        returns = [reasons for s in november for unit, reasons in s.returns if unit == code]
        assert got["Возвратов на доработку (п. 14)"] == len(returns), code
        for reason, column in reason_columns.items():
            assert got[column] == sum(reason in r for r in returns), (code, reason)
        assert got["Не в компетенции (п. 11)"] == sum(s.competence.count(code) for s in november), code
    zhkh = by_unit[names["zhkh"]]
    assert (zhkh["Поручений получено"], zhkh["Ответ в срок"], zhkh["Ответ с нарушением срока"]) == (11, 7, 2)
    assert by_unit[names["arhit"]]["Не в компетенции (п. 11)"] == 1
    assert by_unit[names["blago"]]["Возврат: орфография и пунктуация"] == 1
    # the average publication step of the unit (clause 16): minutes from approval to publication
    pubs = [m for s in november for unit, m in s.publications if unit == "zhkh"]
    assert zhkh["Среднее время: Размещение (п. 16)"] == timedelta(minutes=round(statistics.fmean(pubs)))
    total = body[-1]
    assert total[0] == "Итого" and total[1] == sum(len(s.assigned) for s in november)


def test_stage_sheet_names_the_step_that_loses_most_time(built) -> None:  # noqa: ANN001
    _, _, november, path, _, _ = built
    ws = load_workbook(path)["По этапам"]
    header, body = table(ws)
    stages = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in body}
    routing = stages[("Направление исполнителю", "п. 10")]
    # every incident of the month has a routing clock: one late (45 min), one still running (new)
    assert (routing["Всего"], routing["Соблюдён"], routing["Нарушен"], routing["Идёт"]) == (16, 14, 1, 1)
    assert routing["Потеряно, мин"] == 15
    answer = stages[("Ответ в течение 8 рабочих часов", "п. 9")]
    normal = [s for s in november if s.priority == Priority.NORMAL and s.outcome != "no_answer"]
    assert answer["Соблюдён"] == sum(s.outcome == "met" for s in normal)
    assert answer["Нарушен"] == sum(s.outcome == "missed" for s in normal)
    assert answer["Просрочен (идёт)"] == sum(s.outcome == "overdue" for s in normal)
    lost: Counter[str] = Counter()
    for s in november:
        for clause, minutes in s.late:
            lost[clause] += minutes
    for (title, clause), row in stages.items():
        if clause in ("п. 10", "п. 12", "п. 15", "п. 16", "п. 18", "п. 9", "п. 17"):
            assert row["Потеряно, мин"] == lost[clause], (title, clause)
    approval = stages[("Согласование проекта ответа", "п. 14")]
    assert approval["Потеряно, мин"] == 20 + 50
    worst = [row for row in body if row[0] == "Проект ответа на согласование (за 3 ч до срока)"]
    assert worst and ws.cell(row=5 + body.index(worst[0]), column=1).fill.fgColor.rgb.endswith("FF9F9F")
    assert any("Проект ответа на согласование" in (v or "") for v in (r[0] for r in rows_of(ws)) if isinstance(v, str)
               and v.startswith("Больше всего"))


def test_topics_and_networks_sheet(built) -> None:  # noqa: ANN001
    _, _, november, path, _, _ = built
    ws = load_workbook(path)["По темам и соцсетям"]
    header, body = table(ws)
    groups = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    for label, key in (("Благоустройство", "Благоустройство"), ("Дороги", "Дороги"), ("Тема не указана", None)):
        mine = [s for s in november if s.group == key]
        got = groups[label]
        assert got["Всего"] == len(mine), label
        assert (got["ВКонтакте"], got["Одноклассники"], got["Telegram"]) == tuple(
            sum(s.network == n for s in mine) for n in ("vk", "ok", "telegram")), label
        assert got["Ответ в срок"] == sum(s.outcome == "met" for s in mine), label
        assert got["С нарушением срока"] == sum(s.outcome == "missed" for s in mine), label
        assert got["Без ответа"] == sum(s.outcome == "no_answer" for s in mine), label
    assert groups["Итого"]["Всего"] == 16
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == "Социальная сеть")
    nets = {r[0]: r for r in rows[start + 1:start + 4]}
    for label, code in (("ВКонтакте", "vk"), ("Одноклассники", "ok"), ("Telegram", "telegram")):
        count = sum(s.network == code for s in november)
        assert nets[label][1] == count and nets[label][2] == pytest.approx(count / 16)
    assert len(ws._charts) == 2


def test_late_sheet_lists_every_missed_clock_with_its_link_and_lateness(built) -> None:  # noqa: ANN001
    _, _, november, path, _, _ = built
    ws = load_workbook(path)["Просрочки"]
    header, body = table(ws)
    got = Counter((row[0], row[header.index("Пункт")], row[header.index("Опоздание, рабочих мин")]) for row in body)
    expected = Counter((s.id, clause, minutes) for s in november for clause, minutes in s.late)
    assert got == expected
    links = [ws.cell(row=5 + i, column=3) for i in range(len(body))]
    assert len({c.value for c in links}) > 1
    for c in links:  # every row its own clickable link, in the link style
        assert c.hyperlink is not None and c.hyperlink.target == c.value and c.font.underline == "single"
        assert c.value.startswith(("https://vk.com/", "https://ok.ru/", "https://t.me/"))


def test_register_has_every_incident_of_the_month_with_local_timestamps(built) -> None:  # noqa: ANN001
    _, october, november, path, _, _ = built
    ws = load_workbook(path)["Реестр"]
    header, body = table(ws)
    assert header == [label for _, label in report.REGISTER_COLUMNS]
    assert sorted(row[0] for row in body) == sorted(s.id for s in november)
    assert not {row[0] for row in body} & {s.id for s in october}
    detected = {row[0]: row[1] for row in body}
    for s in november:
        assert detected[s.id] == s.detected.replace(tzinfo=None)  # local time, a real Excel datetime
    cell = ws.cell(row=5, column=2)
    assert cell.is_date and cell.number_format == "DD.MM.YYYY HH:MM"
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    s1 = november[1]
    assert by_id[s1.id]["Ответ размещён"] == (s1.detected + timedelta(minutes=95)).replace(tzinfo=None)
    assert by_id[s1.id]["Статус"] == "Ответ размещён" and by_id[s1.id]["До ответа, рабочих мин"] == 95
    assert by_id[november[0].id]["Закрыт"] == datetime(2026, 11, 2, 9, 10)


def test_official_pages_weekly_rule_verification_and_moderation(built) -> None:  # noqa: ANN001
    path = built[3]
    ws = load_workbook(path)["Официальные страницы"]
    header, body = table(ws)
    weeks = [h for h in header if " – " in h]
    assert weeks == ["26.10 – 01.11", "02.11 – 08.11", "09.11 – 15.11", "16.11 – 22.11", "23.11 – 29.11",
                     "30.11 – 06.12 (идёт)"]
    pages = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    admin = pages["Администрация Кореновского городского поселения"]
    head = pages["Глава Кореновска"]
    assert [admin[w] for w in weeks] == [1, 1, 0, 1, 1, 0]
    assert [head[w] for w in weeks] == [0, 1, 0, 1, 0, 0]
    assert (admin["Публикаций за период"], admin["Недель без публикаций"]) == (3, 1)
    assert (head["Публикаций за период"], head["Недель без публикаций"]) == (2, 3)
    assert admin["Специальная отметка (пп. 11–13)"] == "Отметка присвоена (п. 11)"
    assert head["Специальная отметка (пп. 11–13)"] == "Заявка оператору ЕСИА (п. 12)"
    assert admin["Подписана на страницы главы (п. 15)"] == "да"
    removed = ("Удалено: спам-рассылка", "Удалено: оскорбления", "Удалено: нарушение законодательства")
    assert tuple(admin[k] for k in removed) == (2, 1, 0)
    assert (admin["В чёрный список за период"], admin["Чёрный список, всего (п. 14)"]) == (1, 2)
    empty_week = ws.cell(row=5, column=4 + weeks.index("09.11 – 15.11") + 1)
    assert empty_week.value == 0 and empty_week.fill.fgColor.rgb.endswith("F8CBAD")
    unjudged = ws.cell(row=5, column=4 + len(weeks))
    assert unjudged.value == 0 and not unjudged.fill.fgColor.rgb.endswith("F8CBAD")


def test_previous_period_column_equals_the_report_of_that_period(month) -> None:  # noqa: ANN001
    november = report.collect(*NOV, NOW)
    october = report.collect(*OCT, NOW)
    assert november.previous == october.current
    assert october.current.received == 4


def test_no_file_is_left_when_writing_fails_and_bad_periods_are_refused(month, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.xlsx"

    def broken(self, path, progress):  # noqa: ANN001, ANN202
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report._Writer, "build", broken)
    with pytest.raises(ValidationError, match="Не удалось записать отчёт"):
        report.build_monthly_report(*NOV, target, now=NOW)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValidationError, match="позже"):
        report.collect(date(2026, 12, 1), date(2026, 11, 1), NOW)
    with pytest.raises(ValidationError, match="ГГГГ-ММ"):
        report.month_period("2026-13")
    with pytest.raises(ValidationError, match="не существует"):
        report.build_monthly_report(*NOV, tmp_path / "нет" / "r.xlsx", now=NOW)


def test_formula_injection_is_written_as_text(db, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                              tmp_path: Path) -> None:
    w = build_world(monkeypatch, start=at(11, 2, 10))
    hostile = [('=HYPERLINK("http://evil","x")', "+7 999 123-45-67"), ("@SUM(A1)", "-1+2"),
               ("-2+3", "=1+1"), ("+CMD|' /C calc'!A0", "@echo\x07 bell"), ("#N/A", "=cmd|'/c calc'!A1")]
    for n, (author, text) in enumerate(hostile, 1):
        ref = workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-9_{n}", author=author,
                                         text=text, detected_at=w.clock.moment)
        w.clock.work(45)  # the routing clock is missed: the incident is on the late sheet too
        workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id)
    path = tmp_path / "injection.xlsx"
    report.build_monthly_report(*NOV, path, now=at(11, 2, 15, 30))
    wb = load_workbook(path)
    formulas = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    header, body = table(wb["Реестр"])
    authors = [row[header.index("Автор")] for row in body]
    texts = [row[header.index("Текст сообщения")] for row in body]
    assert authors == [a for a, _ in hostile]
    assert texts == [t.replace("\x07", "") for _, t in hostile]  # what XML cannot store is dropped
    ws = wb["Реестр"]
    for row in ws.iter_rows(min_row=5):
        for c in (row[header.index("Автор")], row[header.index("Текст сообщения")]):
            assert c.data_type == "s"
            if c.value[0] in "=+-@#":
                assert c.quotePrefix, c.value  # Excel and LibreOffice keep it text even when edited
    assert len(table(wb["Просрочки"])[1]) == len(hostile)


def test_period_labels_and_previous_periods() -> None:
    assert report.period_label(date(2026, 11, 1), date(2026, 11, 30)) == "ноябрь 2026 г."
    assert report.period_label(date(2026, 10, 1), date(2026, 12, 31)) == "IV квартал 2026 г."
    assert report.period_label(date(2026, 1, 1), date(2026, 12, 31)) == "2026 г."
    assert report.period_label(date(2026, 11, 2), date(2026, 11, 15)) == "02.11.2026 — 15.11.2026"
    assert report.previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert report.previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert report.previous_period(date(2026, 11, 2), date(2026, 11, 15)) == (date(2026, 10, 19), date(2026, 11, 1))
    assert report.month_period("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert [report.short_duration(m) for m in (0, 45, 60, 205, None)] == ["0 мин", "45 мин", "1 ч", "3 ч 25 мин", "—"]
    assert report.needs_text_guard("=1") and report.needs_text_guard("\tx") and not report.needs_text_guard("Текст")
    assert report.clean_text("a\x00b\x1fc\td") == "abc\td"
