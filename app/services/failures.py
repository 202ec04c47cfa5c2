"""What a database failure means for the user: the server's connection gone, a transient conflict worth
trying again, or a fault the user must hear about in one Russian line.

PostgreSQL names its failures by SQLSTATE (serialisation 40001, deadlock 40P01, lock timeout 55P03,
statement timeout 57014); SQLite by its messages («database is locked», «database or disk is full»).
"""
from __future__ import annotations

from app.services.database import CONNECTION_LOST, connection_lost, refused_role

SERIALIZATION_FAILURE = "40001"
DEADLOCK = "40P01"
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"
#: conflicts the server resolved by undoing the whole transaction: the same action may simply run again
RETRYABLE_STATES = (SERIALIZATION_FAILURE, DEADLOCK, LOCK_NOT_AVAILABLE)

LOCK_WAIT = ("Инцидент или журнал сейчас занят действием другого пользователя, которое не завершилось за "
             "несколько секунд. Действие не выполнено — повторите его.")
TOO_LONG = ("Сервер базы данных не выполнил запрос за отведённое время. Действие не выполнено — повторите "
            "его позже; если это повторяется, сообщите администратору.")
SQLITE_BUSY = ("База данных занята: в неё долго пишет другая программа на этом компьютере. Действие не "
               "выполнено — повторите его через несколько секунд.")
DISK_FULL = ("Диск заполнен: база данных не может записать изменения. Действие не выполнено, сохранённые "
             "данные не потеряны — освободите место на диске и повторите.")
READ_ONLY = "База данных доступна только для чтения: изменения не сохранены."
REFUSED = ("Сервер базы данных отклонил вход: ваша учётная запись отключена или пароль изменён администратором. "
           "Действие не выполнено. Перезапустите программу и войдите снова.")


def sqlstate(error: BaseException) -> str:
    """The server's SQLSTATE of the error or of the driver error it wraps ('' when there is none)."""
    seen: set[int] = set()
    stack: list[object] = [error]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        code = getattr(item, "pgcode", None)
        if code:
            return str(code)
        stack += [*item.args[:1], item.__cause__, item.__context__]
    return ""


def retryable(error: BaseException) -> bool:
    """Undone by the server as a whole and worth running again: a serialisation failure, a deadlock,
    a lock not granted in time, or a connection lost before the commit was asked for."""
    return sqlstate(error) in RETRYABLE_STATES or connection_lost(error)


def message(error: BaseException) -> str | None:
    """The Russian line for a failure of the database itself; None for anything else."""
    text = str(error)
    if refused_role(error):  # connecting again, the server refused this person's role
        return REFUSED
    if connection_lost(error):
        return CONNECTION_LOST
    code = sqlstate(error)
    if code == LOCK_NOT_AVAILABLE or code in (SERIALIZATION_FAILURE, DEADLOCK):
        return LOCK_WAIT
    if code == QUERY_CANCELED:
        return TOO_LONG
    lowered = text.lower()
    if "database or disk is full" in lowered or "disk full" in lowered or "no space left" in lowered \
            or code == "53100":
        return DISK_FULL
    if "cannot rollback" in lowered or "cannot commit" in lowered:
        # SQLite undoes a transaction by itself when it cannot write (a full disk, an I/O error)
        return DISK_FULL
    if "database is locked" in lowered or "database table is locked" in lowered:
        return SQLITE_BUSY
    if "readonly database" in lowered or "read-only" in lowered:
        return READ_ONLY
    return None
