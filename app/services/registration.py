"""Registering an incident by hand: what the monitoring platform missed, or a «публикация» found by
the department's own monitoring (clause 2, third kind).

The form is checked field by field by the import's own row checks (``importer.check_cells``): a
hand-typed incident is refused for exactly the reasons an imported row would be, with the same
Russian words, and each reason is attached to the field it concerns so that the form can show it
beside that field. A link already registered is a duplicate, named by the existing incident's
number, as in the import; so is the same post written another way (``http://``, ``m.vk.com``,
``?utm_source=…``…: ``app.services.links``), which names the link already in the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.models.enums import IncidentKind, Network, Priority
from app.services import clock, importer, workflow
from app.services.errors import ValidationError
from app.services.permissions import Actor, require_curator

#: the fields of the form that can be wrong, in the order the form shows them
FIELDS = ("link", "author", "author_link", "text", "detected_at")

#: what each field is checked with while the others hold a value the import accepts
_GOOD = {"link": "https://vk.com/wall-1_1", "author": "Автор", "text": "Текст"}


@dataclass(frozen=True)
class Draft:
    """What the curator typed into «Новый инцидент»."""

    link: str = ""
    author: str = ""
    text: str = ""
    #: the detection moment; a naive value is the administration's local time
    detected_at: datetime | None = None
    kind: IncidentKind = IncidentKind.INCIDENT
    priority: Priority = Priority.NORMAL
    author_link: str = ""


@dataclass(frozen=True)
class DraftCheck:
    """The form's problems by field (Russian), and the network the link leads to."""

    problems: dict[str, str] = field(default_factory=dict)
    network: Network | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class DraftRejected(ValidationError):
    """The form cannot be registered; ``problems`` says why, field by field."""

    def __init__(self, problems: dict[str, str], duplicate_of: int | None = None) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)
        self.duplicate_of = duplicate_of


def network_of(link: str) -> Network | None:
    """The network the link leads to, or None while it leads nowhere known."""
    try:
        return workflow.detect_network(link.strip())
    except ValidationError:
        return None


def check(draft: Draft, now: datetime | None = None) -> DraftCheck:
    """The import's checks, field by field (no database: duplicates are :func:`duplicate`)."""
    now = now or clock.now()
    good = dict(_GOOD, detected_at=now)
    values: dict[str, object] = {"link": draft.link, "author": draft.author, "text": draft.text,
                                 "detected_at": draft.detected_at, "author_link": draft.author_link}
    problems: dict[str, str] = {}
    for code in FIELDS:
        cells: dict[str, object] = dict(good)
        cells[code] = values[code]
        found = importer.check_cells(cells, now=now)
        if found:
            problems[code] = "; ".join(found)
    return DraftCheck(problems, network_of(draft.link))


def duplicate(link: str) -> tuple[int, str] | None:
    """The incident already registered for this message and the import's words for it:
    (12, «Уже зарегистрирован: инцидент № 12 (та же ссылка)»), or, for the same post written
    another way (``links.link_key``), «… (то же сообщение, ссылка записана иначе: https://…)»; None."""
    if not link.strip():
        return None
    found = importer.registered_as(link)
    if found is None:
        return None
    return found[0], importer.duplicate_reason(*found)


def register(actor: Actor, draft: Draft) -> workflow.Ref:
    """Check the form like an imported row and register the incident (one transaction, audited).

    Raises :class:`DraftRejected` with the problems by field (a duplicate is the link's problem).
    """
    require_curator(actor, "Регистрация инцидента")
    result = check(draft)
    if not result.ok:
        raise DraftRejected(result.problems)
    existing = duplicate(draft.link)
    if existing is not None:
        raise DraftRejected({"link": existing[1]}, existing[0])
    assert draft.detected_at is not None  # checked above
    try:
        return workflow.register_incident(
            actor, link=draft.link.strip(), author=draft.author.strip(), text=draft.text,
            detected_at=draft.detected_at, kind=draft.kind, priority=draft.priority,
            author_link=draft.author_link.strip())
    except workflow.DuplicateIncident as exc:  # registered on another PC a moment ago
        how = importer.same_message(exc.existing_link or draft.link, draft.link)
        raise DraftRejected({"link": importer.duplicate_reason(exc.existing_id, how)}, exc.existing_id) from None
