"""One description for every page (Appendix 1, clause 9).

The curator keeps the approved description text once; for each page the program keeps the
description the page shows now (typed or pasted by the page's people after looking at it). A page
whose description differs from the approved one is flagged, and the difference is shown word by
word: what is missing from the page and what the page has that the approved text does not.
Spacing and line breaks are not differences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from app.models import OfficialPage, db
from app.services import audit, clock, settings, validation
from app.services.errors import PermissionDenied
from app.services.pages.access import page_for_edit, require_read
from app.services.permissions import Actor

MAX_DESCRIPTION = 4_000
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "same", "missing" (in the approved text only), "extra" (on the page only)
    text: str


@dataclass(frozen=True)
class DescriptionState:
    page_id: int
    page_name: str
    description: str
    recorded: bool
    differs: bool
    parts: tuple[DiffPart, ...]


def word_diff(approved: str, current: str) -> list[DiffPart]:
    """The word-level difference of two texts, in reading order; neighbouring parts of a kind joined."""
    a, b = _TOKEN.findall(approved), _TOKEN.findall(current)
    parts: list[DiffPart] = []

    def add(kind: str, words: list[str]) -> None:
        if not words:
            return
        if parts and parts[-1].kind == kind:
            parts[-1] = DiffPart(kind, parts[-1].text + " " + " ".join(words))
        else:
            parts.append(DiffPart(kind, " ".join(words)))

    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            add("same", a[i1:i2])
        else:
            add("missing", a[i1:i2])
            add("extra", b[j1:j2])
    return parts


def set_approved(actor: Actor, text: str) -> None:
    """The curator approves the one description of the pages."""
    if not actor.is_curator:
        raise PermissionDenied("Единое описание страниц: его утверждает куратор")
    text = validation.text(text, "Единое описание страниц", limit=MAX_DESCRIPTION)
    current = settings.page_settings()
    with db.atomic():
        settings.store_page_settings(settings.PageSettings(text, current.law_check_days), actor,
                                     "Единое описание страниц (п. 9 Приложения 1)")


def record_page_description(actor: Actor, page_id: int, text: str) -> None:
    """Record what the page's description says now (as seen on the page today)."""
    page = page_for_edit(actor, page_id, "Описание страницы")
    text = validation.text(text, "Описание страницы", limit=MAX_DESCRIPTION, required=False)
    with db.atomic():
        OfficialPage.update(description=text, description_checked_on=clock.now().date(),
                            version=OfficialPage.version + 1).where(OfficialPage.id == page_id).execute()
        audit.record("page.description", actor=actor.user_id, entity="official_page", entity_id=page_id,
                     comment=page.name, payload={"description": text})


def states(actor: Actor) -> list[DescriptionState]:
    """Every active page and whether its description differs from the approved one."""
    require_read(actor)
    return states_of_pages()


def states_of_pages() -> list[DescriptionState]:
    approved = settings.page_settings().approved_description
    result = []
    for page in (OfficialPage.select().where(OfficialPage.archived_at.is_null())
                 .order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name)):
        recorded = bool(page.description.strip())
        same = _TOKEN.findall(approved) == _TOKEN.findall(page.description)
        parts = tuple(word_diff(approved, page.description)) if recorded and approved and not same else ()
        result.append(DescriptionState(page.id, page.name, page.description, recorded,
                                       bool(approved) and recorded and not same, parts))
    return result
