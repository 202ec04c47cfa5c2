"""`pages status` as a scheduled check runs it: a real process on a real SQLite file."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from app.models import OfficialPage
from app.models.enums import Role
from app.services import users
from app.services.database import close_database, open_database
from app.services.pages import publications, registry
from app.services.permissions import actor_for
from tests.test_cli_import import run

MSK = ZoneInfo("Europe/Moscow")


def test_pages_status_names_each_page_and_whether_the_week_holds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pages.sqlite3"
    open_database(url)
    try:
        curator = users.create_user("kurator", "Слепокурова Яна Евгеньевна", "kurator-pass-2026", [Role.CURATOR])
        k = actor_for(curator.id)
        busy = registry.create_page(k, registry.PageInput("vk", "administration", "Администрация ВКонтакте",
                                                          "https://vk.com/korenovsk_adm"))
        registry.create_page(k, registry.PageInput("telegram", "head", "Глава в Telegram", "https://t.me/glava_k"))
        OfficialPage.update(created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)).execute()
        publications.record_publication(k, busy, publications.PublicationInput(
            datetime(2026, 11, 18, 12, 0, tzinfo=MSK), "Итоги недели", "", ["text"]))
    finally:
        close_database()
    result = run("--db", url, "pages", "status", "--week", "2026-W47", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Неделя 2026-W47: 16 ноября — 22 ноября 2026 (последний рабочий день — пятница, 20 ноября). "
        "п. 5 Приложения 1: не менее одной публикации в неделю",
        "  ВКонтакте · Администрация ВКонтакте: выполнено — 1 публикация: «Итоги недели»",
        "  Telegram · Глава в Telegram (глава): НЕТ ПУБЛИКАЦИЙ",
        "Правило выполнено на 1 из 2 страниц.",
    ]
    wrong = run("--db", url, "pages", "status", "--week", "48", home=tmp_path / "home")
    assert wrong.returncode != 0 and "нужна запись вида 2026-W48" in wrong.stderr
