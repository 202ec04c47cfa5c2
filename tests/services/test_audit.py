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


def test_an_anchor_from_the_report_proves_a_rewritten_and_rehashed_trail(db) -> None:  # noqa: ANN001
    import pytest

    from app.services.errors import ValidationError

    _trail()
    anchor = audit.chain_head()
    assert anchor is not None and audit.check_anchor(anchor) is None
    assert audit.check_anchor(audit.parse_anchor(f"{anchor.event_id}:{anchor.hash[:16].upper()}")) is None
    # an edit re-hashed with the program's own digest: the chain fits again, the anchor does not
    proxy.execute_sql("UPDATE audit_event SET comment = 'подделка' WHERE id = %s" % (anchor.event_id - 2))
    prev = ""
    for event in AuditEvent.select().order_by(AuditEvent.id):
        event.prev_hash = prev
        event.hash = audit._digest(event)
        AuditEvent.update(prev_hash=event.prev_hash, hash=event.hash).where(AuditEvent.id == event.id).execute()
        prev = event.hash
    assert audit.verify_chain().ok
    assert "другой хеш" in audit.check_anchor(anchor)
    proxy.execute_sql("DELETE FROM audit_event WHERE id = %s" % anchor.event_id)
    assert "нет" in audit.check_anchor(anchor)
    for wrong in ("12", "12:abc", "x:0123456789abcdef", "12:0123456789abcdeg"):
        with pytest.raises(ValidationError, match="Опорная точка"):
            audit.parse_anchor(wrong)
