"""Issue 11: a database written by the previous program (schema 5) opens, is copied aside (SQLite),
migrates to schema 6, and its history still reads and verifies.

The schema-5 database is built the way that program built it: migration steps 1–5 run on the models
as they were then (no «без привязки к месту», no request state, no next-due columns, no moment of the
consolidator's appointment, no author replies nor comments, and the table of the executor's questions to
the curator, ``clarification_request``), and its rows are written as its workflow wrote them, with
their audit events in the hash chain.

The incidents were detected on Tuesday 24.11.2026 at 09:30 and routed at 09:40; by clause 9 the answer
is due on Wednesday 25.11 at 09:30 (7 h 30 on Tuesday, 30 min on Wednesday) and by clause 12 the draft
three working hours earlier: Wednesday 09:00 – 30 min, Tuesday 18:00 – 2 h 30 → Tuesday 15:30.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from peewee import ForeignKeyField, SqliteDatabase, TextField

import app.models
from app.models import (
    Answer, ApprovalDecision, Assignment, AuditEvent, AuthorReply, Comment, Incident, Publication, Unit, User, db,
)
from app.models import migrations
from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.enums import CommentKind, Role
from app.services import audit, clock, deadlines, incident_view, queue, workflow
from app.services.database import make_database, open_database, parse_url
from app.services.permissions import actor_for

MSK = ZoneInfo("Europe/Moscow")
#: what schema 6 (and later schema 7: the message's key) added to the tables that schema 5 already had
NEW_COLUMNS = {Incident: ("no_location", "request_state", "next_due_at", "next_due_code", "link_key"),
               Assignment: ("consolidating_since",)}


def at(hour: int, minute: int) -> datetime:
    """A moment of Tuesday 24.11.2026, Moscow time."""
    return datetime(2026, 11, 24, hour, minute, tzinfo=MSK)


@contextmanager
def schema_5() -> Iterator[type[BaseModel]]:
    """The models as the previous program had them; yields its ``ClarificationRequest``."""

    class ClarificationRequest(BaseModel):
        """Schema 5: an executor's question about what the incident asks, and the curator's reply."""

        incident = ForeignKeyField(Incident, backref="+", on_delete="CASCADE")
        assignment = ForeignKeyField(Assignment, null=True, backref="+", on_delete="SET NULL")
        asked_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        asked_at = UtcDateTimeField(default=utcnow)
        question = TextField()
        reply = TextField(null=True)
        replied_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        replied_at = UtcDateTimeField(null=True)

        class Meta:
            table_name = "clarification_request"

    removed = {model: [(name, model._meta.fields[name]) for name in names] for model, names in NEW_COLUMNS.items()}
    models = [m for m in app.models.ALL_MODELS if m not in (AuthorReply, Comment)]
    models.insert(models.index(Publication), ClarificationRequest)
    for model, fields in removed.items():
        for name, _field in fields:
            model._meta.remove_field(name)
    original = app.models.ALL_MODELS
    app.models.ALL_MODELS = models
    try:
        yield ClarificationRequest
    finally:
        app.models.ALL_MODELS = original
        for model, fields in removed.items():
            for name, field in fields:
                model._meta.add_field(name, field)
        for name in ("incident", "assignment", "asked_by", "acting_for", "replied_by"):
            ClarificationRequest._meta.remove_field(name)  # no backreference stays on today's models


def build_schema_5(url: str) -> dict[str, int]:
    """A schema-5 database with what the previous program wrote; returns the ids the test checks."""
    database = make_database(parse_url(url))
    db.initialize(database)
    database.connect()
    ids: dict[str, int] = {}
    with schema_5() as ClarificationRequest:
        assert migrations.upgrade(database, target=5) == [1, 2, 3, 4, 5]
        assert "clarification_request" in database.get_tables() and "comment" not in database.get_tables()
        assert "next_due_at" not in {c.name for c in database.get_columns("incident")}
        with database.atomic():
            zhkh = Unit.create(name="Отдел ЖКХ, благоустройства и транспорта", short_name="Отдел ЖКХ")
            blago = Unit.create(name="МКУ «Управление благоустройства»", short_name="МКУ УБ")
            curator = User.create(login="kurator", full_name="Слепокурова Яна Евгеньевна", password_hash="x",
                                  roles=Role.CURATOR.value)
            executor = User.create(login="zhkh", full_name="Иваненко Олег Викторович", password_hash="x",
                                   roles=Role.EXECUTOR.value, unit=zhkh)
            User.create(login="blago", full_name="Онищенко Максим Юрьевич", password_hash="x",
                        roles=Role.EXECUTOR.value, unit=blago)

            def incident(n: int, status: str, closed: datetime | None = None) -> Incident:
                row = Incident.create(network="vk", link=f"https://vk.com/wall-123456_{n}", author="Ирина Ковалёва",
                                      text="Не горят фонари на улице Красной", detected_at=at(9, 30),
                                      registered_at=at(9, 30), registered_by=curator, status=status,
                                      due_at=datetime(2026, 11, 25, 9, 30, tzinfo=MSK), routed_at=at(9, 40),
                                      closed_at=closed, consolidating_unit=zhkh, version=5)
                audit.record("incident.register", actor=curator, incident=row, entity="incident", entity_id=row.id,
                             to_state="new", at=at(9, 30))
                audit.record("incident.route", actor=curator, incident=row, from_state="new", to_state="routed",
                             working_minutes=10, limit_minutes=30, within_limit=True, at=at(9, 40))
                return row

            def ask(row: Incident, assignment: Assignment, moment: datetime, back: str, question: str,
                    reply: str | None = None, replied: datetime | None = None) -> None:
                request = ClarificationRequest.create(incident=row, assignment=assignment, asked_by=executor,
                                                      asked_at=moment, question=question, reply=reply,
                                                      replied_by=curator if reply else None, replied_at=replied)
                audit.record("clarification.ask", actor=executor, incident=row, entity="clarification",
                             entity_id=request.id, from_state=back, to_state="clarification", comment=question,
                             working_minutes=20, limit_minutes=60, within_limit=True, at=moment)
                if reply:
                    audit.record("clarification.reply", actor=curator, incident=row, entity="clarification",
                                 entity_id=request.id, from_state="clarification", to_state=back, comment=reply,
                                 working_minutes=10, limit_minutes=30, within_limit=True, at=replied)

            # answered question: the executor asked at 10:00, the curator replied at 10:10
            answered = incident(1, "routed")
            a = Assignment.create(incident=answered, unit=zhkh, state="assigned", assigned_at=at(9, 40),
                                  assigned_by=curator)
            ask(answered, a, at(10, 0), "routed", "Какой дом на Красной имеется в виду?", "Дом 12, со двора.",
                at(10, 10))
            ask(answered, a, at(10, 20), "routed", "А подъезд?", "Второй.", at(10, 25))
            ids["answered"] = answered.id

            # a question still waiting for the curator: asked at 10:30 after the draft was returned at 10:10
            waiting = incident(2, "clarification")
            a = Assignment.create(incident=waiting, unit=zhkh, state="clarification", assigned_at=at(9, 40),
                                  assigned_by=curator)
            draft = Answer.create(incident=waiting, assignment=a, kind="draft", number=1, text="Фанари починят.",
                                  state="returned", author=executor, created_at=at(9, 55), submitted_at=at(10, 0))
            ApprovalDecision.create(answer=draft, curator=curator, decided_at=at(10, 10), approved=False,
                                    reasons="spelling")
            audit.record("answer.return", actor=curator, incident=waiting, entity="answer", entity_id=draft.id,
                         from_state="on_approval", to_state="returned", at=at(10, 10))
            ask(waiting, a, at(10, 30), "returned", "Уточните, о каком доме речь?")
            ids["waiting"] = waiting.id

            # clause 19: blago contributed at 10:30, zhkh sent nothing and was appointed at 12:10
            consolidated = incident(3, "routed")
            main = Assignment.create(incident=consolidated, unit=zhkh, state="assigned", assigned_at=at(9, 40),
                                     assigned_by=curator, is_consolidating=True)
            other = Assignment.create(incident=consolidated, unit=blago, state="contributed", assigned_at=at(9, 40),
                                      assigned_by=curator)
            Answer.create(incident=consolidated, assignment=other, kind="contribution", number=1, state="submitted",
                          text="Сети наши, ремонт сегодня", author=User.get(User.login == "blago"),
                          created_at=at(10, 25), submitted_at=at(10, 30))
            audit.record("incident.consolidator", actor=curator, incident=consolidated, entity="assignment",
                         entity_id=main.id, payload={"unit": zhkh.name}, at=at(12, 10))
            ids.update(consolidated=consolidated.id, main=main.id, other=other.id)

            # answered and closed at 11:00
            closed = incident(4, "answered", closed=at(11, 0))
            a = Assignment.create(incident=closed, unit=zhkh, state="done", assigned_at=at(9, 40),
                                  assigned_by=curator, closed_at=at(11, 0))
            final = Answer.create(incident=closed, assignment=a, kind="draft", number=1, state="published",
                                  text="Фонари починили.", author=executor, submitted_at=at(10, 30))
            ApprovalDecision.create(answer=final, curator=curator, decided_at=at(10, 40), approved=True)
            Publication.create(answer=final, incident=closed, published_by=executor, published_at=at(11, 0),
                               url="https://vk.com/wall-123456_4?reply=1")
            ids["closed"] = closed.id
    assert audit.verify_chain().ok
    ids["events"] = AuditEvent.select().count()
    database.close()
    return ids


def test_a_schema_5_database_migrates_with_its_history(fresh_database_url: str) -> None:
    ids = build_schema_5(fresh_database_url)
    opened = open_database(fresh_database_url)
    assert opened.upgraded == list(range(6, migrations.SCHEMA_VERSION + 1))
    assert migrations.current_version() == migrations.SCHEMA_VERSION
    if isinstance(opened.database, SqliteDatabase):
        path = parse_url(fresh_database_url).path
        (backup,) = path.parent.glob(path.name + ".v5-*.bak")
        copy = SqliteDatabase(str(backup))
        assert copy.execute_sql("SELECT version FROM schema_info").fetchone() == (5,)
        assert copy.execute_sql("SELECT count(*) FROM clarification_request").fetchone() == (3,)
        copy.close()
    assert "clarification_request" not in db.get_tables()
    # every row is still there (a table rebuilt by the migration would have cascaded deletes)
    assert (Assignment.select().count(), Answer.select().count(), ApprovalDecision.select().count(),
            Publication.select().count(), AuditEvent.select().count()) == (5, 3, 2, 1, ids["events"] + 1)

    # the old questions and replies are comments of their own kind, with their authors and moments
    def notes(incident_id: int) -> list[tuple[str, str | None, datetime, str]]:
        return [(c.kind, c.author_id, c.created_at, c.text)
                for c in Comment.select().where(Comment.incident == incident_id).order_by(Comment.id)]

    curator, executor = User.get(User.login == "kurator").id, User.get(User.login == "zhkh").id
    assert notes(ids["answered"]) == [
        (CommentKind.LEGACY_QUESTION, executor, at(10, 0), "Какой дом на Красной имеется в виду?"),
        (CommentKind.LEGACY_REPLY, curator, at(10, 10), "Дом 12, со двора."),
        (CommentKind.LEGACY_QUESTION, executor, at(10, 20), "А подъезд?"),
        (CommentKind.LEGACY_REPLY, curator, at(10, 25), "Второй.")]
    question, note = notes(ids["waiting"])
    assert question == (CommentKind.LEGACY_QUESTION, executor, at(10, 30), "Уточните, о каком доме речь?")
    assert (note[0], note[1]) == (CommentKind.SYSTEM, None) and "Программа обновлена" in note[3]

    # the incident that waited for the curator is back where it was (the draft returned), one version on
    waiting = Incident.get_by_id(ids["waiting"])
    assert (waiting.status, waiting.request_state, waiting.version) == ("returned", None, 6)
    assert Assignment.get(Assignment.incident == waiting.id).state == "returned"
    assert Incident.get_by_id(ids["answered"]).status == "routed"
    assert not Assignment.select().where(Assignment.state == "clarification").exists()

    # clause 19: the moment of the appointment comes from the audit trail
    assert Assignment.get_by_id(ids["main"]).consolidating_since == at(12, 10).astimezone(timezone.utc)
    assert Assignment.get_by_id(ids["other"]).consolidating_since is None

    # next due, by today's rules: the answered-question one — its draft, Tue 15:30; the returned one —
    # the revision, 10:10 + 1 h = 11:10 (cl. 15); the consolidated one — its draft, 15:30, not the
    # contribution the appointment ended at 12:10 (due 11:40: missed, and it stays so); none for the closed
    def due(incident_id: int) -> tuple[datetime | None, str | None]:
        incident = Incident.get_by_id(incident_id)
        return (incident.next_due_at.astimezone(MSK).replace(tzinfo=None) if incident.next_due_at else None,
                incident.next_due_code)

    assert due(ids["answered"]) == (datetime(2026, 11, 24, 15, 30), "draft")
    assert due(ids["waiting"]) == (datetime(2026, 11, 24, 11, 10), "revision")
    assert due(ids["consolidated"]) == (datetime(2026, 11, 24, 15, 30), "draft")
    assert due(ids["closed"]) == (None, None)
    for key in ("answered", "waiting", "consolidated"):
        assert Incident.get_by_id(ids[key]).next_due_at == deadlines.next_due(
            deadlines.clocks_for(ids[key]))[0].replace(microsecond=0)
    lapse = [c for c in deadlines.clocks_for(ids["consolidated"]) if c.code == "contribution"
             and c.subject == "Отдел ЖКХ"]
    assert [(c.state, c.ended_at) for c in lapse] == [("missed", at(12, 10).astimezone(timezone.utc))]

    # the trail still verifies, with the upgrade as its last event
    assert audit.verify_chain().ok and audit.verify_chain().checked == ids["events"] + 1
    upgrade = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (upgrade.action, json.loads(upgrade.payload)["from"], json.loads(upgrade.payload)["to"]) == (
        "db.upgrade", 5, migrations.SCHEMA_VERSION)

    # the cards read: old events under their old names, old questions as comments
    k = actor_for(curator)
    card = incident_view.load_card(k, ids["answered"])
    assert [e.label for e in card.events if e.action.startswith("clarification.")] == [
        "Вопрос куратору (прежний порядок, до обновления программы)",
        "Ответ куратора на вопрос (прежний порядок)"] * 2
    assert [(c.kind_label, c.author) for c in card.comments] == [
        ("Вопрос куратору (до обновления программы)", "Иваненко Олег Викторович"),
        ("Ответ куратора (до обновления программы)", "Слепокурова Яна Евгеньевна")] * 2
    card = incident_view.load_card(actor_for(executor), ids["waiting"])
    assert card.status_label == "На доработке" and card.comments[-1].author == "программа"
    assert {"edit_answer", "edit_request"} <= card.actions
    for key in ("consolidated", "closed"):
        assert incident_view.load_card(k, ids[key]).id == ids[key]
    rows = queue.fetch_page(k, queue.QueueFilter(preset="all")).rows
    assert {r.incident_id for r in rows} == {ids[key] for key in ("answered", "waiting", "consolidated", "closed")}
    # the search still covers the old incidents and keeps up with new ones
    new = workflow.register_incident(k, link="https://vk.com/wall-123456_9", author="Пётр Белый",
                                     text="Яма на дороге у школы", detected_at=clock.now())
    assert len(queue.fetch_page(k, queue.QueueFilter(search="фонарей")).rows) == 4
    assert [r.incident_id for r in queue.fetch_page(k, queue.QueueFilter(search="ямы")).rows] == [new.id]
