"""Copies of the single-PC database (SQLite): a backup made while the program works, and a restore.

Both use SQLite's online backup, which copies a consistent state even while another connection
writes. A copy is written to a temporary file beside its destination and renamed only when whole and
checked, so a full disk or an interruption never leaves a half-written backup — nor a half-restored
database. A restore first keeps the current file aside, then copies the backup into the database in one
transaction of SQLite's (other connections see the old state or the new one). The shared server is copied with
``pg_dump`` (``docs/deploy.md``).
"""
from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.models import migrations
from app.services.errors import DatabaseUnavailable, ValidationError


@dataclass(frozen=True)
class Copy:
    path: Path
    schema_version: int
    incidents: int
    events: int
    kept_aside: Path | None = None  # restore: where the replaced database was kept


def _describe(path: Path) -> tuple[int, int, int]:
    """(schema version, incidents, events) of a database file, checked for integrity."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ValidationError(f"Файл «{path}» не открывается как база данных SQLite: {exc}") from None
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ValidationError(f"Файл «{path}» повреждён (проверка целостности SQLite не пройдена)")
        version = conn.execute("SELECT version FROM schema_info ORDER BY id DESC LIMIT 1").fetchone()
        incidents = conn.execute("SELECT count(*) FROM incident").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"Файл «{path}» — не база программы «Инциденты» ({exc})") from None
    finally:
        conn.close()
    return (int(version[0]) if version else 0), int(incidents), int(events)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Back ``source`` up into ``target`` through a temporary file renamed at the end."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        with sqlite3.connect(temporary) as copy:
            source.backup(copy)
        copy.close()
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as exc:
        temporary.unlink(missing_ok=True)
        if getattr(exc, "errno", None) == errno.ENOSPC or "full" in str(exc).lower():
            raise DatabaseUnavailable(f"Диск заполнен: копия «{target}» не записана (места не хватило), "
                                      "ничего не изменено") from None
        raise DatabaseUnavailable(f"Копия «{target}» не записана: {exc}") from None


def backup(database_file: Path, target: Path) -> Copy:
    """Copy the database (while in use) to ``target``, which must not exist yet."""
    if target.exists():
        raise ValidationError(f"Файл «{target}» уже есть: укажите новое имя (существующий файл не перезаписывается)")
    if not target.parent.is_dir():
        raise ValidationError(f"Папки «{target.parent}» нет")
    source = sqlite3.connect(database_file)
    try:
        _copy(source, target)
    finally:
        source.close()
    version, incidents, events = _describe(target)
    return Copy(target, version, incidents, events)


def restore(database_file: Path, source_file: Path) -> Copy:
    """Replace the database with the copy ``source_file``; the current file is kept aside first."""
    if not source_file.is_file():
        raise ValidationError(f"Файла «{source_file}» нет")
    version, incidents, events = _describe(source_file)
    if version > migrations.SCHEMA_VERSION:
        raise ValidationError(f"Копия «{source_file}» сделана более новой версией программы (схема {version}): "
                              "обновите программу")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = database_file.with_name(f"{database_file.name}.before-restore-{stamp}.bak")
    if database_file.exists():
        current = sqlite3.connect(database_file)
        try:
            _copy(current, aside)
        finally:
            current.close()
    # into the database itself, in one transaction of SQLite's: other connections see the old state or
    # the new one, and a failure (a full disk) rolls back to the old one
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    target = sqlite3.connect(database_file, timeout=10)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        if "full" in str(exc).lower():
            raise DatabaseUnavailable("Диск заполнен: база не восстановлена и осталась прежней") from None
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise DatabaseUnavailable("База данных занята другой программой: закройте программу «Инциденты» на этом "
                                      "компьютере и повторите") from None
        raise DatabaseUnavailable(f"База не восстановлена: {exc}") from None
    finally:
        source.close()
        target.close()
    return Copy(database_file, version, incidents, events, aside if aside.exists() else None)
