"""What the «Страницы» UI tests share: a small administration with two pages of the administration
and one of the head, made through the services, and a way to show a widget."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.enums import PageOwner
from app.services.database import OpenedDatabase
from app.services.pages import registry
from tests.helpers.world import MSK, World, build_world

ADM_VK = "https://vk.com/korenovsk_adm"
ADM_OK = "https://ok.ru/korenovsk"
HEAD_TG = "https://t.me/glava_korenovsk"


@pytest.fixture
def world(db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    """Tuesday 24.11.2026, 10:00 Moscow time, on the backend under test."""
    return build_world(monkeypatch, datetime(2026, 11, 24, 10, 0, tzinfo=MSK))


def add_page(w: World, url: str = ADM_VK, *, network: str = "vk", owner: str = PageOwner.ADMINISTRATION,
             name: str = "Администрация Кореновского ГП", people: tuple[str, ...] = ("zhkh",)) -> int:
    return registry.create_page(w.actor("kurator"), registry.PageInput(
        network=network, owner=owner, name=name, url=url, unit_id=w.units["zhkh"],
        access_handed_on=w.clock.moment.date() - timedelta(days=30), access_handed_by="Петренко И. И.",
        access_received_by_id=w.ids["kurator"], publisher_ids=[w.ids[p] for p in people]))


def three_pages(w: World) -> tuple[int, int, int]:
    """VK and OK of the administration (people: ЖКХ), Telegram of the head (no people)."""
    return (add_page(w), add_page(w, ADM_OK, network="ok", name="Администрация в ОК"),
            add_page(w, HEAD_TG, network="telegram", owner=PageOwner.HEAD, name="Глава в Telegram", people=()))


def shown(qtbot: QtBot, widget: QWidget, size: tuple[int, int] = (1200, 760)) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
