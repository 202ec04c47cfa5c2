"""Issue 13: one message, however its link is written — the key that finds duplicates."""
from __future__ import annotations

import pytest

from app.models.incidents import LINK_KEY_LENGTH
from app.services.links import link_key

#: spellings of one message, each group with the key they all share
SAME_MESSAGE = [
    ("vk:wall-123456_7", [
        "https://vk.com/wall-123456_7",
        "https://vk.com/wall-123456_7?utm_source=telegram&utm_medium=repost",
        "https://vk.com/wall-123456_7/",
        "http://vk.com/wall-123456_7",
        "https://m.vk.com/wall-123456_7",
        "https://vk.ru/wall-123456_7",
        "https://www.vk.com/wall-123456_7",
        "https://VK.com/wall-123456_7#comments",
        "https://vk.com/club123456?w=wall-123456_7",
        "https://vk.com/korenovsk_adm?w=wall-123456_7&z=",
        "https://vk.com/feed?w=wall-123456_7",
        "  https://m.vk.ru/wall-123456_7?from=feed  ",
    ]),
    ("vk:wall-123456_7:99", [
        "https://vk.com/wall-123456_7?reply=99",
        "https://m.vk.com/wall-123456_7?reply=99&thread=98",
        "https://vk.com/wall-123456_7_r99",
        "http://vk.ru/wall-123456_7/?reply=99&utm_source=x",
    ]),
    ("ok:topic:155000000000001", [
        "https://ok.ru/group/70000000000001/topic/155000000000001",
        "https://m.ok.ru/group/70000000000001/topic/155000000000001/",
        "http://www.ok.ru/group/70000000000001/topic/155000000000001?utm_campaign=a",
        "https://m.ok.ru/dk?st.cmd=altGroupMediaThemes&st.groupId=70000000000001&st.topicId=155000000000001",
    ]),
    ("ok:topic:155000000000002", [
        "https://ok.ru/profile/5800000001/statuses/155000000000002",
        "https://m.ok.ru/profile/5800000001/statuses/155000000000002?from=share",
    ]),
    ("tg:korenovsk/42", [
        "https://t.me/korenovsk/42",
        "https://t.me/Korenovsk/42/",
        "http://telegram.me/korenovsk/42",
        "https://t.me/s/korenovsk/42",
        "https://t.me/korenovsk/42?single",
        "https://www.t.me/korenovsk/42?utm_source=vk",
    ]),
    ("tg:korenovsk/42:7", ["https://t.me/korenovsk/42?comment=7", "https://t.me/s/korenovsk/42?comment=7&single"]),
    ("tg:c/1500000000/16", ["https://t.me/c/1500000000/16", "https://t.me/c/1500000000/15/16"]),
]


@pytest.mark.parametrize("key,links", SAME_MESSAGE, ids=[key for key, _links in SAME_MESSAGE])
def test_every_spelling_of_one_message_has_its_key(key: str, links: list[str]) -> None:
    assert {link: link_key(link) for link in links} == {link: key for link in links}


def test_different_messages_have_different_keys() -> None:
    different = [
        "https://vk.com/wall-123456_7", "https://vk.com/wall-123456_70", "https://vk.com/wall123456_7",
        "https://vk.com/wall-123456_7?reply=99", "https://vk.com/wall-123456_7?reply=100",  # comments ≠ their post
        "https://vk.com/photo-123456_7", "https://vk.com/topic-123456_7", "https://vk.com/topic-123456_7?post=3",
        "https://ok.ru/group/1/topic/7", "https://ok.ru/group/1/topic/7?commentId=5",
        "https://t.me/korenovsk/42", "https://t.me/korenovsk/43", "https://t.me/korenovsk_chat/42",
        "https://t.me/korenovsk/42?comment=7", "https://vk.com/club123456", "https://vk.com/club123457",
    ]
    keys = [link_key(link) for link in different]
    assert len(set(keys)) == len(different), keys


def test_a_link_without_a_recognised_post_keeps_its_path_and_real_parameters() -> None:
    assert link_key("https://vk.com/Club123456/?utm_source=x&a=1") == "vk:/club123456?a=1"
    assert link_key("https://example.org/news/1?fbclid=zz") == "example.org:/news/1"
    assert link_key("") == ":"
    assert link_key("http://[broken") == "?:http://[broken"  # unreadable: its own key, never an error


def test_a_very_long_link_gets_a_bounded_key_that_still_tells_links_apart() -> None:
    first, second = ("https://vk.com/" + "a" * 2000 + tail for tail in ("1", "2"))
    keys = link_key(first), link_key(second)
    assert all(len(key) == LINK_KEY_LENGTH for key in keys) and keys[0] != keys[1]
