"""A client of the shared server in its own OS process, signed in as one person's own role.

``act`` runs the program's services for a few seconds on the given incidents — executors save
their drafts (each save claims the incident's next version), the curator and the responsible
official write comments — and reports what it knows of each action: confirmed, refused by a
version conflict, or unknown (the connection dropped while the action was in flight; it took
effect once or not at all). After a dropped connection it signs in again by itself.
"""
from __future__ import annotations

import random
import time
from typing import Any

def act(url: str, login: str, incident_ids: list[int], seconds: float, seed: int, out: Any) -> None:
    """The body of one client process; puts its report on ``out`` (a multiprocessing queue)."""
    from app.models import Incident, db
    from app.services import workflow
    from app.services.database import connection_lost, open_as_person
    from app.services.errors import ConflictError, DatabaseUnavailable, DomainError
    from app.services.permissions import actor_for

    report: dict[str, Any] = {"login": login, "ok": [], "unknown": [], "conflicts": 0, "reconnects": 0,
                              "errors": []}

    def sign_in() -> int:
        for _ in range(100):
            try:
                return open_as_person(url, login, f"{login}-password")[1]
            except DatabaseUnavailable:
                time.sleep(0.05)
        raise RuntimeError(f"{login}: не удалось войти заново")

    def drop_connection() -> None:
        try:
            db.close()
        except Exception:  # noqa: BLE001 - the connection is already gone
            pass

    rng = random.Random(seed)
    user_id = sign_in()
    writes_drafts = login.startswith("zhkh")
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        incident_id = rng.choice(incident_ids)
        marker = f"{login}-{n}"
        version = None
        try:
            actor = actor_for(user_id)
            if writes_drafts:
                version = Incident.select(Incident.version).where(Incident.id == incident_id).scalar()
                workflow.save_draft(actor, incident_id, version, text=f"Проект ответа {marker}")
                report["ok"].append(("draft", incident_id, marker, version))
            else:
                workflow.add_comment(actor, incident_id, text=f"Комментарий {marker}")
                report["ok"].append(("comment", incident_id, marker, None))
        except ConflictError:
            report["conflicts"] += 1
        except DomainError as error:
            report["errors"].append(str(error))
        except Exception as error:  # noqa: BLE001 - a dropped connection comes as peewee's or psycopg2's
            if not connection_lost(error):
                report["errors"].append(f"{type(error).__name__}: {error}")
                continue
            report["unknown"].append(("draft" if writes_drafts else "comment", incident_id, marker, version))
            report["reconnects"] += 1
            drop_connection()
            user_id = sign_in()
    drop_connection()
    out.put(report)
