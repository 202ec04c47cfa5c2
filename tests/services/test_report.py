"""The monthly report against a month the test itself lives through the workflow.

Every expectation below is counted from what the test did (its own ledger of stories and the
working minutes it moved the clock by), never from the report's code; the workbook is read back
with openpyxl and compared figure by figure. Where a clock's due moment is not simply «so many
working minutes after the step before», the comment beside the story computes it by hand from
the production calendar (Mon–Fri 09:00–18:00, lunch 13:00–14:00; November 2026 has no holiday
after the 4th) and the clause.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.models import BlacklistEntry, ModerationEntry, OfficialPage, PagePublication, PageSubscription, StoredClocks
from app.models.enums import (
    CLAUSE21_REASONS, AnswerKind, IncidentKind, ModerationAction, ModerationReason, NoAnswerReason, PageOwner,
    Priority, ReturnReason, VerificationState,
)
from app.services import catalog, report, workflow
from app.services.errors import ValidationError
from tests.helpers.world import MSK, World, build_world

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)  # Monday noon: the moment the report is made
NOV = (date(2026, 11, 1), date(2026, 11, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))
#: November is not over at NOW (its last day is today): it is compared with the same days of October
SAME_DAYS_OF_OCTOBER = (date(2026, 10, 1), date(2026, 10, 30))
LINKS = {"vk": "https://vk.com/wall-777_{}", "ok": "https://ok.ru/group/777/topic/{}",
         "telegram": "https://t.me/korenovsk_chat/{}"}
ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."
QUESTION = "Здравствуйте! Уточните, пожалуйста, номер дома, у которого не горят фонари."
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
    #: (clause, working minutes late, whose step: a unit's code, «kurator», or "" for the answer itself)
    late: list[tuple[str, int, str]] = field(default_factory=list)
    publications: list[tuple[str, int]] = field(default_factory=list)  # (unit, minutes from approval)
    detected: datetime | None = None
    requests: int = 0                                  # clarification requests posted (clause 13)
    author_state: str | None = None                    # replied / waiting / unanswered (latest request)
    author_wait: int = 0                               # working minutes the incident waited for its author

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
                self.late.append(("п. 17" if self.priority == Priority.HIGH else "п. 9", self.elapsed - limit, ""))
        if not self.interim or final_stage:
            self.still_open = False
        return self

    def close(self, after: int, reason: NoAnswerReason) -> Story:
        self.work(after)
        self.ref = workflow.close_without_answer(self.w.actor("kurator"), self.id, self.ref.version, reason=reason)
        self.outcome, self.reason, self.still_open = "no_answer", reason.value, False
        self.working.clear()
        if self.author_state == "waiting":  # the wait for the author ends with the incident
            self.author_wait += after
            self.author_state = "unanswered"
        return self

    def ask(self, after: int, unit: str) -> Story:
        """Clause 13: the executor writes the request to the author and sends it to the curator."""
        self.work(after)
        self.ref = workflow.save_request(self.w.actor(unit), self.id, self.ref.version, text=QUESTION)
        self.ref = workflow.submit_request(self.w.actor(unit), self.id, self.ref.version)
        return self

    def post_request(self, after: int, unit: str) -> Story:
        """Clause 16 for the approved request: posted under the incident's own post."""
        self.work(after)
        self.ref = workflow.publish(self.w.actor(unit), self.id, self.ref.version,
                                    url=LINKS[self.network].format(self.n) + f"?request={self.elapsed}")
        self.publications.append((unit, after))
        self.requests += 1
        self.author_state = "waiting"
        return self

    def author_replies(self, after: int, recorded_by: str = "kurator") -> Story:
        """The author answers ``after`` working minutes after the request was posted."""
        self.work(after)
        self.ref = workflow.record_author_reply(self.w.actor(recorded_by), self.id, self.ref.version,
                                                text="Дом 12 по улице Красной")
        self.author_wait += after
        self.author_state = "replied"
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
    # --- October: one in time, one closed for insults, one late, one with a request; the boundary night --
    october.append(simple(w, 1, "vk", "Благоустройство", at(10, 22, 10)))
    october.append(Story(w, 2, "ok", None).register(at(10, 23, 10)).close(10, NoAnswerReason.INSULT))
    o3 = Story(w, 3, "telegram", "Дороги").register(at(10, 26, 10)).route(10, "zhkh")
    october.append(o3.submit(500, "zhkh").approve(10).publish(10, "zhkh"))
    o3.late += [("п. 12", 510 - 300, "zhkh")]
    # O6, Thursday 29 October: a request posted at 10:50, the author answers at 11:20 (30 minutes)
    o6 = Story(w, 6, "vk", "Благоустройство").register(at(10, 29, 10)).route(10, "zhkh").ask(20, "zhkh")
    o6.approve(10).post_request(10, "zhkh").author_replies(30, recorded_by="zhkh")
    october.append(o6.submit(30, "zhkh").approve(10).publish(10, "zhkh"))                       # 130 minutes
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
    s2.late += [("п. 10", 15, "kurator"), ("п. 14", 20, "kurator"), ("п. 15", 10, "blago")]
    november.append(s2)
    s3 = Story(w, 13, "telegram", "Благоустройство", priority=Priority.HIGH).register(at(11, 6, 10))  # S3
    s3.route(10, "zhkh").submit(30, "zhkh").approve(20).publish(220, "zhkh")
    s3.late.insert(0, ("п. 16", 190, "zhkh"))
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
    # S6, S7, S8: interim answers (published 95 min after detection, at 11:35); finals in time, late, not given.
    # Clause 18: the final answer is due at the end of the 7th working day after the interim one
    # (counted from the next day): S6 (Wed 11) → Fri 20 Nov 18:00; S7 (Thu 12) → Mon 23 18:00;
    # S8 (Fri 13) → Tue 24 18:00. Unless the curator sets its own limit, the final draft is due 3 working
    # hours before that (clauses 12, 18): S7 → Mon 23 15:00, S8 → Tue 24 15:00.
    for n, network, group, day, final_day, final in ((16, "ok", "Дороги", 11, 17, "met"),
                                                     (17, "telegram", "Благоустройство", 12, 25, "missed"),
                                                     (18, "vk", "Дороги", 13, None, "overdue")):
        s = Story(w, n, network, group, interim=True)
        simple_interim = s.register(at(11, day, 10)).route(10, "zhkh").submit(60, "zhkh", AnswerKind.INTERIM)
        simple_interim.approve(15).publish(10, "zhkh")
        s.final = final
        if n == 16:
            # S6: the curator sets the final stage's limits (clause 18): 2 working hours for a request to the
            # author, 3 working days for the final draft, both from the stage's start, Wed 11 Nov 11:35.
            s.ref = workflow.set_stage_limits(w.actor("kurator"), s.id, s.ref.version,
                                              limits={"clarification": 120, "final_draft": 1440})
            # The request is sent on the second day, Thu 12 10:00. Due Wed 11 14:35 (11:35–13:00 is 85 min,
            # 14:00–14:35 the other 35): late by Wed 14:35–18:00 (205) + Thu 09:00–10:00 (60) = 265.
            w.clock.set(at(11, 12, 10))
            s.ask(0, "zhkh").approve(10).post_request(10, "zhkh").author_replies(60)  # posted 10:20, reply 11:20
            s.late.append(("п. 13, 18", 265, "zhkh"))
            # The final draft (Tue 17 10:00) was due 1440 working minutes after Wed 11:35: Wed 325 + Thu 480 +
            # Fri 480 + Mon 16 09:00–11:35 (155) → Mon 16 11:35; late by Mon 11:35–13:00 (85) + 14:00–18:00
            # (240) + Tue 09:00–10:00 (60) = 385.
            s.late.append(("п. 12, 18", 385, "zhkh"))
        if final_day is not None:
            w.clock.set(at(11, final_day, 10))
            s.submit(0, "zhkh", AnswerKind.FINAL).approve(15).publish(10, "zhkh", final_stage=True)
        november.append(s)
    # final of S7 due Mon 23 Nov 18:00, published Wed 25 10:25: Tue (480) + 85 working minutes late;
    # S8's due Tue 24 Nov 18:00, still not given at Mon 30 12:00: Wed, Thu, Fri (1440) + 180
    november[-2].late.append(("п. 18", 565, ""))
    november[-1].late.append(("п. 18", 1620, ""))
    # the final drafts: S7's sent Wed 25 10:00, due Mon 23 15:00: 180 + 480 + 60 = 720 late; S8's never
    # sent, due Tue 24 15:00: 180 + Wed–Fri 1440 + Mon 30 09:00–12:00 (180) = 1800 late at the report
    november[-2].late.append(("п. 12, 18", 720, "zhkh"))
    november[-1].late.append(("п. 12, 18", 1800, "zhkh"))
    s9 = Story(w, 19, "vk", "Благоустройство").register(at(11, 16, 10)).route(10, "zhkh")        # S9: late
    s9.submit(460, "zhkh").approve(20).publish(10, "zhkh")
    s9.late.insert(0, ("п. 12", 170, "zhkh"))
    november.append(s9)
    november.append(Story(w, 20, "ok", None).register(at(11, 17, 10)).close(20, NoAnswerReason.OBSCENE))  # S10
    s11 = Story(w, 21, "telegram", "Благоустройство").register(at(11, 18, 10)).route(10, "zhkh")  # S11
    november.append(s11.close(15, NoAnswerReason.THREAT))
    # S12, Thu 19 Nov: a publication (clause 2) whose question is unclear. The request (clause 13) goes to
    # the curator 20 minutes after routing (10:30, of 60), is approved at 10:40 and posted at 10:50; the
    # author answers at 14:20 — 10:50–13:00 (130) + 14:00–14:20 (20) = 150 working minutes of waiting,
    # during which the answer clock ran on; the answer is posted at 15:10, 250 working minutes in.
    s12 = Story(w, 22, "vk", "Благоустройство", kind=IncidentKind.PUBLICATION).register(at(11, 19, 10))
    s12.route(10, "zhkh").ask(20, "zhkh").approve(10).post_request(10, "zhkh").author_replies(150)
    s12.submit(30, "zhkh").approve(10).publish(10, "zhkh")
    november.append(s12)
    # S17, Tue 24 Nov: the request is posted at 11:00; the author does not answer, and 25 minutes later
    # the curator closes the incident for insults (clause 21): 25 working minutes of waiting
    s17 = Story(w, 27, "ok", "Дороги").register(at(11, 24, 10)).route(10, "zhkh").ask(30, "zhkh")
    november.append(s17.approve(10).post_request(10, "zhkh").close(25, NoAnswerReason.INSULT))
    # S18, Wed 25 Nov: clause 19 with a lapse kept. Routed 10:10 to ЖКХ and МКУ; both contributions are due
    # 12:10. МКУ sends its own at 12:40 (30 late); ЖКХ sends none and is appointed to write the consolidated
    # answer at 12:40: its contribution clock ends there, 30 minutes late, and stays a lapse. The answer is
    # due Thu 26 10:00 (10:00–13:00 180 + 14:00–18:00 240 + 09:00–10:00 60), the draft 3 working hours
    # before: Wed 16:00; the consolidated draft goes at 14:10 (12:40–13:00, 14:00–14:10) — in time.
    s18 = Story(w, 28, "telegram", "Благоустройство").register(at(11, 25, 10)).route(10, "zhkh", "blago")
    s18.submit(150, "blago", AnswerKind.CONTRIBUTION)
    s18.ref = workflow.appoint_consolidator(w.actor("kurator"), s18.id, s18.ref.version, unit_id=w.units["zhkh"])
    s18.submit(30, "zhkh", AnswerKind.CONSOLIDATED).approve(15).publish(10, "zhkh")              # 215 minutes
    s18.late += [("п. 19", 30, "blago"), ("п. 19", 30, "zhkh")]
    november.append(s18)
    s14 = Story(w, 24, "ok", "Благоустройство").register(at(11, 27, 10)).route(10, "blago")      # S14: overdue
    s14.outcome = "overdue"
    s14.late += [("п. 12", 300, "blago"), ("п. 9", 120, "")]
    november.append(s14)
    # S16, Fri 27 Nov 14:00: the request (14:30, 20 of 60 minutes) is returned for a spelling mistake at
    # 14:40, revised in 70 minutes (15:50, 10 late of clause 15's hour), approved at 15:55 and posted at
    # 16:00; at the report (Mon 30 12:00) the author has not answered: Fri 16:00–18:00 (120) + Mon
    # 09:00–12:00 (180) = 300 minutes of waiting. The answer is due Mon 13:00 (Fri 240 + Mon 240), the
    # draft Mon 10:00: overdue by 120 minutes, the answer itself still running.
    s16 = Story(w, 26, "vk", "Дороги").register(at(11, 27, 14)).route(10, "zhkh").ask(20, "zhkh")
    s16.give_back(10, "zhkh", ReturnReason.SPELLING).ask(70, "zhkh").approve(5).post_request(5, "zhkh")
    s16.author_wait = 300
    s16.late += [("п. 15", 10, "zhkh"), ("п. 12", 120, "zhkh")]
    november.append(s16)
    s15 = Story(w, 25, "vk", "Дороги").register(at(11, 30, 10)).route(10, "zhkh").submit(30, "zhkh")  # S15
    s15.late.append(("п. 14", 50, "kurator"))  # submitted 10:40, not decided by 12:00
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
                                created_at=at(1, 15, 10))
    head = OfficialPage.create(network="telegram", name="Глава Кореновска", url="https://t.me/glava_korenovsk",
                               owner=PageOwner.HEAD, verification=VerificationState.REQUESTED, created_at=at(1, 15, 10))
    PageSubscription.create(page=admin, head_page=head, subscribed=True, checked_at=at(3, 2, 10))  # clause 15
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
    reasons = Counter(s.reason for s in stories if s.reason)
    asked = [s for s in stories if s.requests]
    return {
        "received": len(stories),
        "incident": sum(s.kind == IncidentKind.INCIDENT for s in stories),
        "publication": sum(s.kind == IncidentKind.PUBLICATION for s in stories),
        "normal": sum(s.priority == Priority.NORMAL for s in stories),
        "high": sum(s.priority == Priority.HIGH for s in stories),
        "met": out["met"], "missed": out["missed"], "overdue": out["overdue"], "running": out["running"],
        "no_answer": out["no_answer"],
        "clause21": sum(reasons[r.value] for r in NoAnswerReason if r != NoAnswerReason.NOT_ABOUT_ADMINISTRATION),
        "not_incident": reasons[NoAnswerReason.NOT_ABOUT_ADMINISTRATION.value],
        "met_normal": by_priority[Priority.NORMAL]["met"], "missed_normal": by_priority[Priority.NORMAL]["missed"],
        "met_high": by_priority[Priority.HIGH]["met"], "missed_high": by_priority[Priority.HIGH]["missed"],
        "clock_normal": sum(v for k, v in by_priority[Priority.NORMAL].items() if k != "no_answer"),
        "clock_high": sum(v for k, v in by_priority[Priority.HIGH].items() if k != "no_answer"),
        "reasons": reasons,
        "open": sum(s.still_open for s in stories),
        "interim": sum(s.interim for s in stories),
        "finals": Counter(s.final for s in stories if s.final),
        "minutes": minutes,
        "requested": len(asked),
        "author": Counter(s.author_state for s in asked),
        "waits": [s.author_wait for s in asked],
    }


def check_line(rows: dict[str, tuple], label: str, now: int, base_now: int, was: int, base_was: int) -> None:
    row = rows[label]
    assert row[1] == now, label
    assert row[3] == was, label
    assert row[2] == (pytest.approx(now / base_now) if base_now else None), label
    assert row[4] == (pytest.approx(was / base_was) if base_was else None), label
    assert row[5] == now - was, label
    # the change of the share in percentage points, to the tenth the cell shows
    assert row[6] == (pytest.approx(round((now / base_now - was / base_was) * 100, 1))
                      if base_now and base_was else None), label


@pytest.fixture
def built(month, tmp_path: Path):  # noqa: ANN001, ANN201
    w, october, november = month
    path = tmp_path / "отчёт-ноябрь.xlsx"
    seen: list[tuple[int, str]] = []
    summary = report.build_monthly_report(*NOV, path, now=NOW, progress=lambda p, s: seen.append((p, s)))
    return w, october, november, path, summary, seen


def section(ws, title: str) -> list[tuple]:  # noqa: ANN001
    """The rows of a section of «Сводка», up to the next section or the end of the table."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    body = []
    for r in rows[start + 1:]:
        if r[0] is None or r[1] is None:  # a section title has no figures; an empty row ends the table
            break
        body.append(r)
    return body


# ------------------------------------------------------------------------------------ the tests
def test_summary_sheet_equals_what_the_test_did(built) -> None:  # noqa: ANN001, PLR0915
    _, october, november, path, summary, seen = built
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    # 31 October (the boundary night's B1) is not among the same days of October as 1–30 November
    cur, prev = figures(november), figures([s for s in october if s.detected.date() <= SAME_DAYS_OF_OCTOBER[1]])
    ws = wb["Сводка"]
    rows = summary_rows(ws)
    assert rows["Показатель"][1:7] == ("ноябрь 2026 г.", "Доля", "1–30 октября 2026 г.", "Доля", "Изменение",
                                       "Изменение доли, п. п.")
    R, P = cur["received"], prev["received"]
    assert (R, P) == (19, 4)
    check_line(rows, "Поступило всего", R, R, P, P)
    check_line(rows, "Инцидент", cur["incident"], R, prev["incident"], P)
    check_line(rows, "Публикация в соцсетях", cur["publication"], R, prev["publication"], P)
    check_line(rows, "Обычной важности", cur["normal"], R, prev["normal"], P)
    check_line(rows, "Повышенной важности (п. 17)", cur["high"], R, prev["high"], P)
    check_line(rows, "Ответ размещён в срок (п. 9, 17)", cur["met"], R, prev["met"], P)
    check_line(rows, "Ответ размещён с нарушением срока", cur["missed"], R, prev["missed"], P)
    check_line(rows, "Ответ не размещён, срок истёк", cur["overdue"], R, prev["overdue"], P)
    check_line(rows, "Ответ готовится, срок не истёк", cur["running"], R, prev["running"], P)
    # clause 21 and «not an incident» (clause 2) are two lines, together every closure without an answer
    check_line(rows, "Без ответа (п. 21)", cur["clause21"], R, prev["clause21"], P)
    check_line(rows, report.NOT_INCIDENT_LABEL, cur["not_incident"], R, prev["not_incident"], P)
    assert cur["clause21"] + cur["not_incident"] == cur["no_answer"]
    assert (cur["clause21"], cur["not_incident"], prev["clause21"], prev["not_incident"]) == (3, 1, 1, 0)
    assert cur["met"] + cur["missed"] + cur["overdue"] + cur["running"] + cur["no_answer"] == R
    check_line(rows, "Ответ в течение 8 рабочих часов (п. 9)", cur["met_normal"], cur["clock_normal"],
               prev["met_normal"], prev["clock_normal"])
    check_line(rows, "Срок 8 рабочих часов нарушен (п. 9)", cur["missed_normal"], cur["clock_normal"],
               prev["missed_normal"], prev["clock_normal"])
    check_line(rows, "Ответ в течение 4 рабочих часов (п. 17)", cur["met_high"], cur["clock_high"],
               prev["met_high"], prev["clock_high"])
    check_line(rows, "Срок 4 рабочих часов нарушен (п. 17)", cur["missed_high"], cur["clock_high"],
               prev["missed_high"], prev["clock_high"])
    # the share of answers in time: of the answers posted, the one definition the command line prints too
    check_line(rows, report.IN_TIME_SHARE_LABEL, cur["met"], cur["met"] + cur["missed"], prev["met"],
               prev["met"] + prev["missed"])
    assert rows[report.IN_TIME_SHARE_LABEL][7] == report.IN_TIME_SHARE_BASE
    # the section of clause 21 lists exactly its four grounds, shares of the clause-21 closures
    grounds = section(ws, "Без ответа — по основаниям п. 21")
    assert [r[0] for r in grounds] == [report.NO_ANSWER_REASON_LABELS[r] for r in CLAUSE21_REASONS]
    for reason in CLAUSE21_REASONS:
        check_line(rows, report.NO_ANSWER_REASON_LABELS[reason], cur["reasons"][reason.value], cur["clause21"],
                   prev["reasons"][reason.value], prev["clause21"])
    labels = [r[0] for r in rows_of(ws) if isinstance(r[0], str)]
    assert labels.count(report.NOT_INCIDENT_LABEL) == 1  # its own line, nowhere under clause 21
    assert report.NO_ANSWER_REASON_LABELS[NoAnswerReason.NOT_ABOUT_ADMINISTRATION] not in labels
    check_line(rows, "Не закрыто (в работе)", cur["open"], R, prev["open"], P)
    check_line(rows, "Дан промежуточный ответ", cur["interim"], R, prev["interim"], P)
    for state, label in report.FINAL_ROWS:
        check_line(rows, label, cur["finals"][state], cur["interim"], prev["finals"][state], prev["interim"])
    # the numbers the test expects by its own story, not only by the ledger
    assert (cur["met"], cur["missed"], cur["overdue"], cur["running"], cur["no_answer"]) == (9, 2, 1, 3, 4)
    assert cur["finals"] == Counter({"met": 1, "missed": 1, "overdue": 1})
    # clause 13: S12 and S6 answered (150 and 60 minutes), S16 still waits (300), S17 closed unanswered (25)
    Q, QP = cur["requested"], prev["requested"]
    assert (Q, QP) == (4, 1)
    check_line(rows, "Размещён запрос (уточнение) автору", Q, R, QP, P)
    check_line(rows, "Автор ответил на запрос", cur["author"]["replied"], Q, prev["author"]["replied"], QP)
    check_line(rows, "Ответа автора ждут сейчас", cur["author"]["waiting"], Q, prev["author"]["waiting"], QP)
    check_line(rows, "Автор не ответил до закрытия инцидента", cur["author"]["unanswered"], Q,
               prev["author"]["unanswered"], QP)
    assert (cur["author"]["replied"], cur["author"]["waiting"], cur["author"]["unanswered"]) == (2, 1, 1)
    assert sorted(cur["waits"]) == [25, 60, 150, 300] and prev["waits"] == [30]
    total, average = rows["Всего по инцидентам с размещённым запросом"], rows[
        "В среднем на инцидент с размещённым запросом"]
    # every duration in one style, «8 ч 55 мин», with the minutes as a number beside it
    assert total[1:6] == ("8 ч 55 мин", 535, "30 мин", 30, 505)
    assert average[1:6] == ("2 ч 14 мин", 134, "30 мин", 30, 104)  # 535 / 4 = 133.75
    # time to answer: working minutes the test moved the clock by, detection → first publication
    minutes = sorted(cur["minutes"])
    assert minutes == [95, 95, 95, 95, 145, 155, 215, 225, 250, 280, 500]
    assert rows["Ответов размещено"][1:6:2] == (11, 3, 8)
    for label, now_value, was in (("Среднее время до ответа", statistics.fmean(minutes),
                                   statistics.fmean(prev["minutes"])),
                                  ("Медиана времени до ответа", statistics.median(minutes),
                                   statistics.median(prev["minutes"]))):
        row = rows[label]
        assert row[2] == round(now_value) and row[4] == round(was) and row[5] == round(now_value - was)
        hours, rest = divmod(round(now_value), 60)
        assert row[1] == (f"{hours} ч {rest} мин" if rest else f"{hours} ч")
    assert rows["Медиана времени до ответа"][1] == "2 ч 35 мин"  # 155
    assert rows["Среднее время до ответа"][1] == "3 ч 15 мин"    # 2150 / 11 = 195.5
    # the headline the command line prints
    assert (summary.received, summary.in_time, summary.late, summary.no_answer, summary.not_incident,
            summary.still_open, summary.requested) == (19, 9, 2, 3, 1, 5, 4)
    assert summary.in_time_share == pytest.approx(9 / 11)
    assert summary.register_rows == 19
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
        assert ws.print_title_rows == "$4:$4", name  # the header row on every page
        # one page wide at no less than 70 %, or a fixed scale of at least 70 % (see the print test)
        fitted = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (fitted and ws.page_setup.fitToWidth == 1) or int(ws.page_setup.scale) >= 70, name
        assert ws.oddFooter.center.text == "Страница &P из &N", name
        title = "Работа с сообщениями в социальных сетях за ноябрь 2026 г. (по состоянию на 30 ноября)"
        assert ws.oddHeader.left.text == title and ws[1][0].value == f"{name}: {title}", name
        assert "01.11.2026 — 30.11.2026" in ws.oddHeader.right.text, name
        assert ws.column_dimensions["A"].width >= 6, name
    # a filter over each table of records; none on «Сводка», whose table is made of sections
    assert wb["Сводка"].auto_filter.ref is None
    for name in SHEETS[1:]:
        assert wb[name].auto_filter.ref.startswith("A4:"), name
    # the wide sheets print their first columns, the rest are for the screen
    assert wb["Реестр"].print_area == f"'Реестр'!$A$1:$I${wb['Реестр'].max_row}"
    assert wb["Просрочки"].print_area == f"'Просрочки'!$A$1:$J${wb['Просрочки'].max_row}"
    assert wb["Сводка"]._charts and wb["По темам и соцсетям"]._charts


def test_units_sheet_counts_assignments_outcomes_returns_and_competence(built) -> None:  # noqa: ANN001
    w, _, november, path, _, _ = built
    names = {code: catalog.get_unit(unit_id).name for code, unit_id in w.units.items()}
    ws = load_workbook(path)["По исполнителям"]
    # three tables one below the other, each with the units' names: counts, returns by reason, step times
    starts = [i for i, r in enumerate(rows_of(ws), 1) if r[0] == "Отдел / учреждение"]
    assert len(starts) == 3 and starts[0] == 4
    by_unit: dict[str, dict] = {}
    totals: dict[str, object] = {}
    for start in starts:
        header, body = table(ws, start)
        header = [h for h in header if h is not None]
        for row in body:
            (totals if row[0] == "Итого" else by_unit.setdefault(row[0], {})).update(zip(header, row))
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
        # returns of drafts and of clarification requests alike (clause 14 names both)
        returns = [reasons for s in november for unit, reasons in s.returns if unit == code]
        assert got["Возвратов на доработку (п. 14)"] == len(returns), code
        for reason, column in reason_columns.items():
            assert got[column] == sum(reason in r for r in returns), (code, reason)
        assert got["Не в компетенции (п. 11)"] == sum(s.competence.count(code) for s in november), code
        # every step of the unit missed or overdue, clause 19 lapses included (S18)
        assert got["Нарушено сроков этапов"] == sum(who == code for s in november for _, _, who in s.late), code
    zhkh = by_unit[names["zhkh"]]
    assert (zhkh["Поручений получено"], zhkh["Ответ в срок"], zhkh["Ответ с нарушением срока"]) == (14, 8, 2)
    # S3 п. 16, S6 п. 13/18 and 12/18, S7 and S8 п. 12/18, S9 п. 12, S16 п. 15 and 12, S18 п. 19
    assert zhkh["Нарушено сроков этапов"] == 9
    assert by_unit[names["blago"]]["Нарушено сроков этапов"] == 3  # S2 п. 15, S14 п. 12, S18 п. 19
    assert by_unit[names["arhit"]]["Не в компетенции (п. 11)"] == 1
    assert by_unit[names["blago"]]["Возврат: орфография и пунктуация"] == 1
    assert zhkh["Возврат: орфография и пунктуация"] == 1  # S16's request
    # the average publication step of the unit (clause 16): minutes from approval to posting, answers and
    # requests alike
    pubs = [m for s in november for unit, m in s.publications if unit == "zhkh"]
    hours, minutes = divmod(round(statistics.fmean(pubs)), 60)
    assert zhkh["Среднее время: Размещение ответов и запросов (п. 16)"] == (
        f"{hours} ч {minutes} мин" if hours else f"{minutes} мин")
    # clause 13: the requests of S12 (20), S17 (30) and S16 (20) in the first stage, S6's in the final stage
    # (Wed 11 11:35 → Thu 12 10:00: 325 + 60 = 385 working minutes): (20 + 30 + 20 + 385) / 4 = 113.75
    assert zhkh["Среднее время: Запрос (уточнение) автору (п. 13)"] == "1 ч 54 мин"
    # clause 19: МКУ's contribution took 150 minutes in S18 and 30 in S5; ЖКХ's clock ran 150 minutes in
    # S18 until its appointment, and 60 in S5 (appointed 11:10, an hour after routing)
    assert by_unit[names["blago"]]["Среднее время: Информация для сводного ответа (п. 19)"] == "1 ч 30 мин"
    assert zhkh["Среднее время: Информация для сводного ответа (п. 19)"] == "1 ч 45 мин"
    # «Итого»: assignments, returns and steps are summed over the units; an incident several units worked on
    # (S5's consolidated answer: three units; S18's: two) counts once, as on «Сводка»
    assert totals["Поручений получено"] == sum(len(s.assigned) for s in november)
    worked = [s for s in november if s.working]
    assert totals["Работал над инцидентами"] == len(worked) < sum(len(s.working) for s in november)
    assert totals["Ответ в срок"] == sum(s.outcome == "met" for s in worked) == 9
    assert totals["Ответ с нарушением срока"] == sum(s.outcome == "missed" for s in worked)
    assert totals["Ответа нет, срок истёк"] == sum(s.outcome == "overdue" for s in worked)
    assert totals["Возвратов на доработку (п. 14)"] == sum(len(s.returns) for s in november)
    assert totals["Нарушено сроков этапов"] == sum(v["Нарушено сроков этапов"] for v in by_unit.values())
    notes = [r[0] for r in rows_of(ws) if isinstance(r[0], str) and r[0].startswith("В строке «Итого»")]
    assert notes and "один раз" in notes[0]


def test_stage_sheet_names_the_step_that_loses_most_time(built) -> None:  # noqa: ANN001
    _, _, november, path, _, _ = built
    ws = load_workbook(path)["По этапам"]
    header, body = table(ws)
    stages = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in body}
    assert [(code, clause) for code, clause, _, _ in report.STAGES] == list(dict.fromkeys(
        (code, clause) for code, clause, _, _ in report.STAGES))  # each clock's row is one of its own
    assert list(stages) == [(title, clause) for _, clause, title, _ in report.STAGES]
    assert not any("Ответ куратора" in title for title, _ in stages)  # the old meaning of clause 13 is gone
    routing = stages[("Направление исполнителю", "п. 10")]
    # every incident of the month has a routing clock: one late (45 min), one still running (new)
    assert (routing["Всего"], routing["Соблюдён"], routing["Нарушен"], routing["Идёт"]) == (19, 17, 1, 1)
    assert routing["Потеряно, мин"] == 15
    answer = stages[("Ответ в течение 8 рабочих часов", "п. 9")]
    normal = [s for s in november if s.priority == Priority.NORMAL and s.outcome != "no_answer"]
    assert answer["Соблюдён"] == sum(s.outcome == "met" for s in normal)
    assert answer["Нарушен"] == sum(s.outcome == "missed" for s in normal)
    assert answer["Просрочен (идёт)"] == sum(s.outcome == "overdue" for s in normal)
    lost: Counter[str] = Counter()
    for s in november:
        for clause, minutes, _ in s.late:
            lost[clause] += minutes
    for (title, clause), row in stages.items():  # every row, the answer and clause-18 rows too
        assert row["Потеряно, мин"] == lost[clause], (title, clause)
    approval = stages[("Согласование проекта ответа или запроса (уточнения)", "п. 14")]
    assert approval["Потеряно, мин"] == 20 + 50
    # clause 13: the requests of S12, S17, S16 in time; the final stage's of S6 late, S8's window unused
    request = stages[("Запрос (уточнение) автору на согласование", "п. 13")]
    # … and S14's window (routed, nobody worked on it) closed unused
    assert (request["Всего"], request["Соблюдён"], request["Нарушен"], request["Окно не использовано"]) == (4, 3, 0, 1)
    stage_request = stages[("Запрос (уточнение) автору на согласование — этап окончательного ответа", "п. 13, 18")]
    assert (stage_request["Соблюдён"], stage_request["Нарушен"], stage_request["Окно не использовано"]) == (0, 1, 1)
    assert stage_request["Потеряно, мин"] == 265
    final_draft = stages[("Окончательный ответ на согласование", "п. 12, 18")]
    assert (final_draft["Всего"], final_draft["Нарушен"], final_draft["Просрочен (идёт)"]) == (3, 2, 1)
    # approval, revision and posting count requests too: S2's and S4's revisions, S16's revised request
    revision = stages[("Доработка проекта ответа или запроса и повторное направление", "п. 15")]
    assert (revision["Всего"], revision["Соблюдён"], revision["Нарушен"]) == (3, 1, 2)
    # clause 19: S5's three units in time; S18's two both 30 minutes late
    contribution = stages[("Информация для сводного ответа", "п. 19")]
    assert (contribution["Всего"], contribution["Соблюдён"], contribution["Нарушен"]) == (5, 3, 2)
    # the final draft loses most (385 + 720 + 1800 minutes): the row is marked and named below the table
    worst = [row for row in body if row[0] == "Окончательный ответ на согласование"]
    assert worst and ws.cell(row=5 + body.index(worst[0]), column=1).fill.fgColor.rgb.endswith("FF9F9F")
    assert any("Окончательный ответ на согласование" in v for v in (r[0] for r in rows_of(ws))
               if isinstance(v, str) and v.startswith("Больше всего"))


def test_topics_and_networks_sheet(built) -> None:  # noqa: ANN001
    _, _, november, path, _, _ = built
    ws = load_workbook(path)["По темам и соцсетям"]
    header, body = table(ws)
    groups = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    not_ours = NoAnswerReason.NOT_ABOUT_ADMINISTRATION.value
    for label, key in (("Благоустройство", "Благоустройство"), ("Дороги", "Дороги"), ("Тема не указана", None)):
        mine = [s for s in november if s.group == key]
        got = groups[label]
        assert got["Всего"] == len(mine), label
        assert (got["ВКонтакте"], got["Одноклассники"], got["Telegram"]) == tuple(
            sum(s.network == n for s in mine) for n in ("vk", "ok", "telegram")), label
        assert got["Ответ в срок"] == sum(s.outcome == "met" for s in mine), label
        assert got["С нарушением срока"] == sum(s.outcome == "missed" for s in mine), label
        assert got["Без ответа (п. 21)"] == sum(s.outcome == "no_answer" and s.reason != not_ours for s in mine), label
        assert got["Не инцидент (п. 2)"] == sum(s.reason == not_ours for s in mine), label
    assert groups["Итого"]["Всего"] == 19
    assert (groups["Итого"]["Без ответа (п. 21)"], groups["Итого"]["Не инцидент (п. 2)"]) == (3, 1)
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == "Социальная сеть")
    assert rows[start][4:7] == ("С нарушением срока", "Без ответа (п. 21)", "Не инцидент (п. 2)")
    nets = {r[0]: r for r in rows[start + 1:start + 4]}
    for label, code in (("ВКонтакте", "vk"), ("Одноклассники", "ok"), ("Telegram", "telegram")):
        mine = [s for s in november if s.network == code]
        assert nets[label][1] == len(mine) and nets[label][2] == pytest.approx(len(mine) / 19)
        assert nets[label][5:7] == (sum(s.outcome == "no_answer" and s.reason != not_ours for s in mine),
                                    sum(s.reason == not_ours for s in mine)), label
    assert len(ws._charts) == 2


def test_late_sheet_lists_every_missed_clock_with_its_link_and_lateness(built) -> None:  # noqa: ANN001
    w, _, november, path, _, _ = built
    ws = load_workbook(path)["Просрочки"]
    header, body = table(ws)
    # whose step, in every row: the unit (its short name) for its own steps, revision and posting of its versions
    # included; «Куратор» for the curator's (routing, approval); «Все участники» for the answer itself (пп. 9, 17);
    # the final answer (п. 18) is the executor's: the incident's units
    units = {code: catalog.get_unit(unit_id).short_name for code, unit_id in w.units.items()}
    executors = {row[0]: row[header.index("Исполнители")] for row in body}

    def whose(s: Story, clause: str, who: str) -> str:
        if who == "kurator":
            return "Куратор"
        if who:
            return units[who]
        return executors[s.id] if clause == "п. 18" else "Все участники"

    got = Counter((row[0], row[header.index("Пункт")], row[header.index("Опоздание, рабочих мин")],
                   row[header.index("Чей шаг")]) for row in body)
    expected = Counter((s.id, clause, minutes, whose(s, clause, who))
                       for s in november for clause, minutes, who in s.late)
    assert got == expected
    assert all(row[header.index("Чей шаг")] for row in body)
    # an incident's rows follow one another in the order of their due moments
    order = [(row[0], row[header.index("Срок")]) for row in body]
    ids = [i for i, _ in order]
    assert ids == sorted(ids, key=ids.index)  # one incident's rows together
    for incident in set(ids):
        dues = [due for i, due in order if i == incident]
        assert dues == sorted(dues), incident
    # S2: routing (п. 10, the curator's), approval (п. 14, the curator's), the revision of МКУ's version (п. 15)
    s2 = next(s for s in november if s.n == 12)
    assert [(row[header.index("Пункт")], row[header.index("Чей шаг")]) for row in body if row[0] == s2.id] == [
        ("п. 10", "Куратор"), ("п. 14", "Куратор"), ("п. 15", units["blago"])]
    column = header.index("Ссылка") + 1
    links = [ws.cell(row=5 + i, column=column) for i in range(len(body))]
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
    b2 = november[0]
    assert by_id[b2.id]["Закрыт"] == datetime(2026, 11, 2, 9, 10)
    assert by_id[b2.id]["Статус"] == "Не инцидент (п. 2)"
    assert by_id[b2.id]["Срок ответа (п. 9/17)"] == report.NOT_INCIDENT_LABEL
    # clause 13: how many requests were posted and how long the incident waited for its author
    for s in november:
        row = by_id[s.id]
        assert row["Запросов (уточнений) автору размещено"] == (s.requests or None), s.n
        # working minutes, a number like «До ответа, рабочих мин»
        assert row["Ожидание ответа автора, рабочих мин"] == (s.author_wait if s.requests else None), s.n
    s12 = next(s for s in november if s.n == 22)
    assert by_id[s12.id]["Ожидание ответа автора, рабочих мин"] == 150
    assert by_id[s12.id]["До ответа, рабочих мин"] == 250  # the answer clock ran on while the author was awaited
    # the register's draft and approval columns are of the answer, not of the request posted before it:
    # S12's request went at 10:30 and was approved at 10:40; the draft at 14:50, approved at 15:00
    assert by_id[s12.id]["Первый проект на согласовании"] == datetime(2026, 11, 19, 14, 50)
    assert by_id[s12.id]["Согласован"] == datetime(2026, 11, 19, 15, 0)
    s16 = next(s for s in november if s.n == 26)
    assert by_id[s16.id]["Статус"] == "Ждёт ответа автора"
    assert by_id[s16.id]["Первый проект на согласовании"] is None and by_id[s16.id]["Согласован"] is None


def test_official_pages_weekly_rule_verification_and_moderation(built) -> None:  # noqa: ANN001
    path = built[3]
    ws = load_workbook(path)["Официальные страницы"]
    header, body = table(ws)
    weeks = [h for h in header if h and " – " in h]
    assert weeks == ["26.10 – 01.11", "02.11 – 08.11", "09.11 – 15.11", "16.11 – 22.11", "23.11 – 29.11",
                     "30.11 – 06.12 (идёт)"]
    pages = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    # the mark, moderation and the black list: a second table below, the pages named again
    start = [i for i, r in enumerate(rows_of(ws), 1) if r[0] == "Страница"][1]
    rules_header, rules = table(ws, start)
    for row in rules:
        pages[row[0]].update((h, v) for h, v in zip(rules_header, row, strict=True) if h is not None)
    admin = pages["Администрация Кореновского городского поселения"]
    head = pages["Глава Кореновска"]
    assert [admin[w] for w in weeks] == [1, 1, 0, 1, 1, 0]
    assert [head[w] for w in weeks] == [0, 1, 0, 1, 0, 0]
    assert (admin["Публикаций за период"], admin["Недель без публикаций"]) == (3, 1)
    assert (head["Публикаций за период"], head["Недель без публикаций"]) == (2, 3)
    assert admin["Специальная отметка (пп. 11–13)"] == "Отметка присвоена (п. 11)"
    assert head["Специальная отметка (пп. 11–13)"] == "Заявка оператору ЕСИА (п. 12)"
    assert admin["Подписана на страницы главы (п. 15)"] == "да"
    removed = ("Удалено: спам", "Удалено: оскорбления", "Удалено: нарушение закона")
    assert tuple(admin[k] for k in removed) == (2, 0, 0)  # putting an author on the black list removes nothing
    assert head["Подписана на страницы главы (п. 15)"] == "—"
    assert (admin["В чёрный список за период"], admin["Чёрный список, всего (п. 14)"]) == (1, 2)
    empty_week = ws.cell(row=5, column=header.index("09.11 – 15.11") + 1)
    assert empty_week.value == 0 and empty_week.fill.fgColor.rgb.endswith("F8CBAD")
    unjudged = ws.cell(row=5, column=header.index(weeks[-1]) + 1)
    assert unjudged.value == 0 and not unjudged.fill.fgColor.rgb.endswith("F8CBAD")


def test_previous_period_column_equals_the_report_of_that_period(month) -> None:  # noqa: ANN001
    after = datetime(2026, 12, 1, 10, 0, tzinfo=MSK)  # November is over: compared with the whole of October
    november = report.collect(*NOV, after)
    october = report.collect(*OCT, after)
    assert november.as_of is None and november.previous == october.current
    assert october.current.received == 5
    # October's figures of the comparison came from the clocks the workflow stored; without them they are
    # computed from the publications alone (``_outcomes``) — the same figures: a posted request answers
    # nothing (O6's answer clock runs to its answer, 130 minutes), exactly as the clocks judge it
    StoredClocks.delete().execute()
    assert report.collect(*NOV, after).previous == october.current
    assert october.current.answer_minutes == (95, 130, 530)
    assert (october.current.requested, october.current.author_replied, october.current.author_wait_minutes) == (
        1, 1, (30,))
    # at noon of 30 November the month is running: compared with 1–30 October, the report of those days
    running = report.collect(*NOV, NOW)
    same_days = report.collect(*SAME_DAYS_OF_OCTOBER, NOW).current
    assert running.as_of == date(2026, 11, 30)
    assert running.previous == replace(same_days, label="1–30 октября 2026 г.") and same_days.received == 4


def test_no_file_is_left_when_writing_fails_and_bad_periods_are_refused(month, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.xlsx"

    def broken(data, path, progress):  # noqa: ANN001, ANN202
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report.builder, "write_workbook", broken)
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
        workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                       no_location=True)
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
    # a control character is a space between words, as in every file the program writes; never glued words
    assert report.clean_text("a\x00b\x1fc\td") == "a b c\td"
    assert report.clean_text("Упр\x01символы\nвторая строка", line_breaks=False) == "Упр символы вторая строка"


def test_the_summary_prints_the_trails_anchor_that_audit_verify_accepts(built) -> None:  # noqa: ANN001
    """Issue 15: the head of the chain when the report was made, printed outside the database."""
    from app.models import AuditEvent
    from app.services import audit

    _, _october, _november, path, _summary, _seen = built
    head = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    text = " ".join(str(c) for row in load_workbook(path)["Сводка"].iter_rows(values_only=True) for c in row if c)
    assert f"событие № {head.id}, хеш {head.hash}" in text
    anchor = text.split("--anchor ")[1].split("»")[0]
    assert anchor == f"{head.id}:{head.hash[:16]}" and audit.check_anchor(audit.parse_anchor(anchor)) is None
