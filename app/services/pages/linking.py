"""Which official page a message was written on (Appendix 1, clause 16).

A page is known by the names it goes by inside the links of its posts: its handle (the first
step of its address: ``vk.com/korenovsk_adm``, ``t.me/korenovsk_adm``, ``ok.ru/korenovsk``), the
community number of a VK page as posts carry it (``wall-123456_78`` → ``-123456``, also
``vk.com/club123456``), the group number of an OK page (``ok.ru/group/5712…/topic/…``) — and the
«identifier in the network» the registry may give explicitly. A message's link names its page the
same way; the two meet when the network is the same and a name is shared.

``Incident.page`` keeps the answer, set at registration and recomputed for every incident when
the registry changes (a page added, its address or identifier edited): the queue marks and
filters the head's pages by that column. No Qt here; the recomputation works on the database it
is given, so the schema step can use it too.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from peewee import Database

from app.models.enums import Network
from app.services.links import NETWORK_HOSTS, host_of

_VK_OWNER = re.compile(r"(?:wall|photo|video|clip|topic|album)(-?\d+)_\d+")
_VK_NUMBERED = re.compile(r"(?:club|public|event)(\d+)")
_OK_GROUP = re.compile(r"^/(?:group|profile)/(\d+)(?:/|$)")
#: first steps of an address that name a kind of object, not a page
_NOT_A_PAGE = frozenset({"group", "profile", "c", "s", "wall", "feed", "im", "dzen"})
BATCH = 5000


def names_in(url: str) -> tuple[str | None, set[str]]:
    """The network of a link and the names a page may go by inside it (lower case)."""
    try:
        parts = urlsplit(url.strip())
        host = host_of(parts.hostname or "")
    except ValueError:
        return None, set()
    network = NETWORK_HOSTS.get(host)
    steps = [s for s in parts.path.lower().split("/") if s]
    if network == Network.TELEGRAM and steps[:1] == ["s"]:
        steps = steps[1:]
    names: set[str] = set()
    if steps and steps[0] not in _NOT_A_PAGE and not _VK_OWNER.fullmatch(steps[0]):
        names.add(steps[0])
    if network == Network.VK:
        query = parse_qs(parts.query)
        for text in [parts.path, *query.get("w", []), *query.get("z", [])]:
            found = _VK_OWNER.search(text)
            if found:
                names.add(found.group(1))
        if steps:
            numbered = _VK_NUMBERED.fullmatch(steps[0])
            if numbered:
                names.add("-" + numbered.group(1))
    elif network == Network.OK:
        found = _OK_GROUP.match(parts.path.lower())
        if found:
            names.add(found.group(1))
    return network, names


@dataclass(frozen=True)
class _Page:
    page_id: int
    network: str
    names: frozenset[str]


class PageMatcher:
    """Finds the page of a link among the given pages: rows of (id, network, url, network_id)."""

    def __init__(self, pages: Iterable[tuple[int, str, str, str]]) -> None:
        self._pages = []
        for page_id, network, url, network_id in pages:
            _, names = names_in(url)
            if (network_id or "").strip():
                names.add(network_id.strip().lower())
            self._pages.append(_Page(page_id, network, frozenset(names)))

    def page_of(self, link: str) -> int | None:
        if not self._pages:
            return None
        network, names = names_in(link)
        if network is None or not names:
            return None
        for page in self._pages:
            if page.network == network and page.names & names:
                return page.page_id
        return None


def _pages(database: Database) -> list[tuple[int, str, str, str]]:
    return list(database.execute_sql("SELECT id, network, url, network_id FROM official_page ORDER BY id").fetchall())


def matcher(database: Database) -> PageMatcher:
    return PageMatcher(_pages(database))


def relink_incidents(database: Database) -> int:
    """Recompute ``incident.page_id`` for every incident, a batch at a time; returns how many changed."""
    match = matcher(database)
    param, last, changed = database.param, 0, 0
    while True:
        rows = database.execute_sql(f"SELECT id, link, page_id FROM incident WHERE id > {param} ORDER BY id "
                                    f"LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            return changed
        for incident_id, link, page_id in rows:
            found = match.page_of(link)
            if found != page_id:
                database.execute_sql(f"UPDATE incident SET page_id = {param} WHERE id = {param}", (found, incident_id))
                changed += 1
        last = rows[-1][0]
