"""The official pages' marks where the incidents are worked: the queue row and the card (Appendix 1,
clauses 14 and 16)."""
from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from app.services import queue, workflow
from app.services.database import OpenedDatabase
from app.services.pages import moderation, registry
from app.ui.card_view import IncidentCardView
from app.ui.queue_model import Column, QueueTableModel
from tests.helpers.world import MSK, World, build_world


@pytest.fixture
def world(db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


def test_queue_and_card_show_the_heads_page_and_the_blacklisted_author(world: World, qtbot: QtBot) -> None:
    w = world
    k = w.actor("kurator")
    registry.create_page(k, registry.PageInput("telegram", "head", "Глава в Telegram", "https://t.me/glava_k"))
    adm = registry.create_page(k, registry.PageInput("vk", "administration", "Администрация", "https://vk.com/adm"))
    moderation.add_to_blacklist(k, adm, "Спамер", "https://vk.com/id777", "spam")
    on_head = workflow.register_incident(k, link="https://t.me/glava_k/5", author="Анна", text="Спасибо за ёлку",
                                         detected_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    spam = workflow.register_incident(k, link="https://vk.com/wall-5_9", author="Спамер",
                                      author_link="https://vk.com/id777", text="Нет света",
                                      detected_at=datetime(2026, 11, 24, 9, 10, tzinfo=MSK))
    model = QueueTableModel(k, filter_=queue.QueueFilter(preset="all"))
    model.reload()
    qtbot.waitUntil(lambda: not model.loading and not model.runner.busy, timeout=15_000)
    assert model.rowCount() == 2
    rows = {model.data(model.index(n, Column.NUMBER)): n for n in range(2)}
    head_row, spam_row = rows[str(on_head.id)], rows[str(spam.id)]
    assert model.data(model.index(head_row, Column.NETWORK)) == "ТГ ★"
    assert "страница главы «Глава в Telegram»" in model.data(model.index(head_row, Column.NETWORK),
                                                             role=0x03)  # ToolTipRole
    assert model.data(model.index(spam_row, Column.AUTHOR)) == "⛔ Спамер"
    assert "чёрном списке страницы «Администрация»" in model.data(model.index(spam_row, Column.AUTHOR), role=0x03)

    view = IncidentCardView(k)
    qtbot.addWidget(view)
    view.resize(620, 700)
    view.show()
    view.show_incident(on_head.id)
    qtbot.waitUntil(lambda: not view.loading and not view.runner.busy, timeout=15_000)
    assert view.pages_note.isVisible() and "странице главы «Глава в Telegram»" in view.pages_note.text()
    view.show_incident(spam.id)
    qtbot.waitUntil(lambda: not view.loading and not view.runner.busy, timeout=15_000)
    assert "⛔ Автор в чёрном списке страницы «Администрация»" in view.pages_note.text()
    view.countdown_timer.stop()
    model.countdown_timer.stop()
    assert view.wait_idle() and model.wait_idle()
