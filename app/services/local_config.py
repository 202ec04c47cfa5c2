"""This PC's own settings (the database to use): a small JSON file in the config folder.

Settings shared by all PCs live in the database (``app.services.settings``).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app.services.user_dirs import config_dir, default_database_path

DB_ENV_VAR = "INCIDENTS_DB"


def _path() -> Path:
    return config_dir() / "config.json"


def load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**values: Any) -> None:
    data = load()
    data.update(values)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def resolve_database_url(cli_value: str | None = None) -> str:
    """``--db`` first, then ``INCIDENTS_DB``, then the saved setting, then the default file."""
    if cli_value:
        return cli_value
    if os.environ.get(DB_ENV_VAR):
        return os.environ[DB_ENV_VAR]
    saved = load().get("db_url")
    if isinstance(saved, str) and saved:
        return saved
    return f"sqlite:///{default_database_path()}"
