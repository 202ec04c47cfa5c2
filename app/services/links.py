"""One message, however its link is written: the key that finds duplicates.

The same post reaches the program spelled many ways: ``http://`` or ``https://``, ``www.``, the
mobile host (``m.vk.com``, ``m.ok.ru``), the network's other domain (``vk.ru``, ``telegram.me``),
a trailing ``/``, tracking parameters (``?utm_source=…``), a post opened over a community's page
(``vk.com/club1?w=wall-1_2``), a channel's web preview (``t.me/s/…``). :func:`link_key` drops all
of that and keeps what names the message — the network, the post and, for a comment, the comment:

* ВКонтакте — the object (``wall-1_2``; also ``photo…``, ``video…``, a board's ``topic…``) and the
  comment when the link is a comment's (``?reply=5``, ``…_r5``, a board's ``?post=5``):
  ``vk:wall-1_2``, ``vk:wall-1_2:5``;
* Одноклассники — the topic, by its number (a group's topic, a user's status, the mobile site's
  ``st.topicId``), and a comment's number if the link names one: ``ok:topic:155``;
* Telegram — the chat and the message (a forum topic and the web preview aside), and the comment
  of a channel post's discussion (``?comment=7``): ``tg:korenovsk/42``, ``tg:korenovsk/42:7``.

A comment is a message of its own, so its key differs from its post's. Any other link keeps its
host, its path and its meaningful parameters, in lower case. The key never raises: a link the
program cannot read is its own key. The link itself is always kept as it was given
(``Incident.link``); the key is ``Incident.link_key``, unique in the database.

No database and no Qt here: the workflow, the import, the registration form and migration step 7
all use this one function.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

from app.models.enums import Network
from app.models.incidents import LINK_KEY_LENGTH

#: the hosts of the supported networks (``www.`` is dropped before the lookup)
NETWORK_HOSTS = {
    "vk.com": Network.VK, "vk.ru": Network.VK, "m.vk.com": Network.VK, "m.vk.ru": Network.VK,
    "ok.ru": Network.OK, "m.ok.ru": Network.OK,
    "t.me": Network.TELEGRAM, "telegram.me": Network.TELEGRAM,
}
_PREFIX = {Network.VK: "vk:", Network.OK: "ok:", Network.TELEGRAM: "tg:"}

#: VK objects a message can be: a wall post, a photo, a video, a board topic…
_VK_OBJECT = re.compile(r"(wall|photo|video|clip|topic|market|product|note|poll|doc|album|story)(-?\d+)_(\d+)"
                        r"(?:_r(\d+))?", re.IGNORECASE)
_OK_TOPIC = re.compile(r"/(?:topic|statuses|mediatopic)/(\d+)")
_DIGITS = re.compile(r"\d+")
#: query parameters that never change what a link points to (tracking, sharing, display)
_NOISE_PARAMS = frozenset({"fbclid", "yclid", "gclid", "from", "ref", "ref_src", "_smt", "share", "single",
                           "embed", "mode", "hl", "lang", "utm"})


def host_of(host: str) -> str:
    """A link's host as compared: lower case, no final dot, no ``www.``."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def link_key(link: str) -> str:
    """What identifies the message ``link`` points to (see the module's description)."""
    text = (link or "").strip()
    try:
        parts = urlsplit(text)
        host = host_of(parts.hostname or "")
    except ValueError:
        return _bounded("?:" + text.lower())
    query = parse_qs(parts.query, keep_blank_values=False)
    network = NETWORK_HOSTS.get(host)
    key = {Network.VK: _vk_key, Network.OK: _ok_key, Network.TELEGRAM: _telegram_key}.get(
        network, lambda _path, _query: None)(parts.path, query)
    if key is None:
        kept = sorted((name.lower(), value) for name, values in query.items() for value in values
                      if name.lower() not in _NOISE_PARAMS and not name.lower().startswith("utm_"))
        key = (_PREFIX.get(network, host + ":") + parts.path.rstrip("/").lower()
               + ("?" + "&".join(f"{name}={value}" for name, value in kept) if kept else ""))
    return _bounded(key)


def _bounded(key: str) -> str:
    """The key as the column holds it: a longer one ends in a digest of the whole."""
    if len(key) <= LINK_KEY_LENGTH:
        return key
    digest = hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()
    return key[:LINK_KEY_LENGTH - len(digest) - 1] + "#" + digest


def _number(query: dict[str, list[str]], *names: str) -> str | None:
    """The first of the named parameters that is a number (names compared in any case)."""
    wanted = {name.lower() for name in names}
    for name, values in query.items():
        if name.lower() in wanted:
            for value in values:
                if _DIGITS.fullmatch(value.strip()):
                    return value.strip()
    return None


def _with_comment(key: str, comment: str | None) -> str:
    return f"{key}:{comment}" if comment else key


def _vk_key(path: str, query: dict[str, list[str]]) -> str | None:
    found = _VK_OBJECT.search(path) or next(
        (m for name in ("w", "z") for value in query.get(name, []) for m in [_VK_OBJECT.search(value)] if m), None)
    if found is None:
        return None
    kind, owner, number, reply = found.groups()
    kind = kind.lower()
    comment = reply or _number(query, "reply") or (_number(query, "post") if kind == "topic" else None)
    return _with_comment(f"vk:{kind}{owner}_{number}", comment)


def _ok_key(path: str, query: dict[str, list[str]]) -> str | None:
    found = _OK_TOPIC.search(path.lower())
    topic = found.group(1) if found else _number(query, "st.topicId", "topicId")
    if topic is None:
        return None
    return _with_comment(f"ok:topic:{topic}", _number(query, "commentId", "st.commentId"))


def _telegram_key(path: str, query: dict[str, list[str]]) -> str | None:
    steps = [step for step in path.lower().split("/") if step]
    if steps[:1] == ["s"]:  # a channel's web preview
        steps = steps[1:]
    if len(steps) >= 3 and steps[0] == "c":  # a private chat: /c/<chat id>/[topic/]<message>
        chat, rest = "c/" + steps[1], steps[2:]
    elif len(steps) >= 2:
        chat, rest = steps[0], steps[1:]
    else:
        return None
    if not all(_DIGITS.fullmatch(step) for step in rest):
        return None
    return _with_comment(f"tg:{chat}/{rest[-1]}", _number(query, "comment"))
