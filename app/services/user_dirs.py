"""Where this user's data, configuration and logs live (XDG on Linux, %APPDATA% on Windows).

``INCIDENTS_HOME`` overrides all three (tests and portable installs use it).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "incidents"


def _base(kind: str) -> Path:
    home_override = os.environ.get("INCIDENTS_HOME")
    if home_override:
        return Path(home_override) / kind
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or Path.home())
        return root / "Incidents" / kind
    env = {"data": "XDG_DATA_HOME", "config": "XDG_CONFIG_HOME", "logs": "XDG_STATE_HOME"}[kind]
    default = {"data": ".local/share", "config": ".config", "logs": ".local/state"}[kind]
    root = Path(os.environ.get(env) or Path.home() / default)
    return root / APP_DIR_NAME if kind != "logs" else root / APP_DIR_NAME / "logs"


def data_dir() -> Path:
    return _base("data")


def config_dir() -> Path:
    return _base("config")


def log_dir() -> Path:
    return _base("logs")


def default_database_path() -> Path:
    return data_dir() / "incidents.sqlite3"
