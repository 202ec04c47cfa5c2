"""Names of the server roles of one database.

Roles are cluster-wide while the program's data live in one database: every name carries a tag of
the database's name (8 hex digits of its SHA-256), so two databases on one server — and parallel
test databases — never share a role. A person's role is ``inc_<tag>_u_<login>``; a group of a
regulation role is ``inc_<tag>_<role>``; every person is also in ``inc_<tag>_member``.
"""
from __future__ import annotations

import hashlib
import re

from app.models.enums import Role

PREFIX = "inc_"
MAX_NAME = 63  # PostgreSQL's identifier limit (NAMEDATALEN - 1)
_PLAIN_LOGIN = re.compile(r"^[a-z0-9._-]+$")


def database_tag(database_name: str) -> str:
    """8 hex digits that tell this database's roles from any other database's on the server."""
    return hashlib.sha256(database_name.encode("utf-8")).hexdigest()[:8]


def role_prefix(database_name: str) -> str:
    return f"{PREFIX}{database_tag(database_name)}_"


def member_group(database_name: str) -> str:
    """The group every person of this database belongs to (connect, read, append to the trail)."""
    return f"{role_prefix(database_name)}member"


def group_role(database_name: str, role: Role | str) -> str:
    """The group that gives the rights of a regulation role (curator, executor, head…)."""
    return f"{role_prefix(database_name)}{Role(role).value}"


def all_groups(database_name: str) -> list[str]:
    return [member_group(database_name)] + [group_role(database_name, r) for r in Role]


def person_role(database_name: str, login: str) -> str:
    """The server role a person signs in as: readable where it fits, a digest where it does not."""
    prefix = f"{role_prefix(database_name)}u_"
    plain = login.strip().lower()
    if _PLAIN_LOGIN.match(plain) and len(prefix) + len(plain) <= MAX_NAME:
        return prefix + plain
    return prefix + hashlib.sha256(login.strip().encode("utf-8")).hexdigest()[:24]


def is_person_role(database_name: str, name: str) -> bool:
    return name.startswith(f"{role_prefix(database_name)}u_")


#: the sign-in gate's password: public by design — the gate role may only count sign-in attempts
GATE_PASSWORD = "incidents-sign-in-gate"


def gate_role(database_name: str) -> str:
    """The role the program signs in as for a moment before a person's sign-in, to count the attempt."""
    return f"{role_prefix(database_name)}gate"
