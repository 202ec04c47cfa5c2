"""The audit trail is hash-chained: any edit or deletion of history is found."""
from __future__ import annotations

from app.models import AuditEvent, db as proxy
from app.models.enums import Role
from app.services import audit, users


def _trail() -> list[int]:
    users.create_user("admin", "Администратор", "admin-password", [Role.ADMIN])
    for n in range(4):
        audit.record("test.step", actor=None, comment=f"шаг {n}")
    return [e.id for e in AuditEvent.select().order_by(AuditEvent.id)]


def test_untouched_trail_verifies(db) -> None:  # noqa: ANN001
    ids = _trail()
    report = audit.verify_chain()
    assert report.ok and report.checked == len(ids)


def test_edited_event_is_named_as_the_first_broken_link(db) -> None:  # noqa: ANN001
    ids = _trail()
    proxy.execute_sql("UPDATE audit_event SET comment = 'подделка' WHERE id = %s" % ids[2])
    report = audit.verify_chain()
    assert report.broken_at == ids[2]
    assert report.reason == "содержимое события изменено"


def test_deleted_event_breaks_the_link_of_the_next_one(db) -> None:  # noqa: ANN001
    ids = _trail()
    proxy.execute_sql("DELETE FROM audit_event WHERE id = %s" % ids[1])
    report = audit.verify_chain()
    assert report.broken_at == ids[2]
    assert report.checked == 1
