"""The one entry point that runs the dialog behind a button of the incident card.

``run_action`` opens the dialog for an action code of ``incident_view.ACTIONS``; the dialog calls
the workflow service with the card's version, and the caller learns whether the incident changed.
Imports run one way: this module imports the dialogs, the dialogs import their common base
``app.ui.dialog_base`` (whose names are re-exported here for older callers).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.services import incident_view
from app.services.errors import DomainError
from app.services.incident_view import IncidentCard
from app.services.permissions import Actor
from app.ui import approval_dialog, publish_dialog, triage_dialog
from app.ui.answer_editor import AnswerEditor
from app.ui.dialog_base import (
    CLOCK_STYLE, FRAME_MARGIN, INFO_STYLE, OVERDUE_STYLE, SMALL_SCREEN, WINDOW_TITLE, ActionDialog, card_header,
    clock_color, clock_text, find_clock, fit_to_screen, fit_to_width, hint_label, own_unit_name, request_note,
    show_clock,
)

#: the dialog base's names stay importable from here (the card view and older callers use them)
__all__ = [
    "CLOCK_STYLE", "FRAME_MARGIN", "INFO_STYLE", "OVERDUE_STYLE", "SMALL_SCREEN", "WINDOW_TITLE", "ActionDialog",
    "build_dialog", "card_header", "clock_color", "clock_text", "find_clock", "fit_to_screen", "fit_to_width",
    "hint_label", "own_unit_name", "request_note", "run_action", "show_clock",
]


def build_dialog(parent: QWidget | None, actor: Actor, card: IncidentCard, action: str) -> QDialog:
    """The dialog of ``action`` (a code of ``incident_view.ACTIONS``), built but not shown."""
    builders: dict[str, Callable[[], QDialog]] = {
        "route": lambda: triage_dialog.TriageDialog(parent, actor, card),
        "close_no_answer": lambda: triage_dialog.TriageDialog(parent, actor, card, no_answer=True),
        "change_priority": lambda: triage_dialog.PriorityDialog(parent, actor, card),
        "appoint_consolidator": lambda: triage_dialog.ConsolidatorDialog(parent, actor, card),
        "set_stage_limits": lambda: triage_dialog.StageLimitsDialog(parent, actor, card),
        "not_competent": lambda: triage_dialog.NotCompetentDialog(parent, actor, card),
        "comment": lambda: triage_dialog.CommentDialog(parent, actor, card),
        "approve": lambda: approval_dialog.ApprovalDialog(parent, actor, card),
        "return": lambda: approval_dialog.ApprovalDialog(parent, actor, card, returning=True),
        "edit_answer": lambda: AnswerEditor(parent, actor, card),
        "submit": lambda: AnswerEditor(parent, actor, card, submitting=True),
        "edit_request": lambda: AnswerEditor(parent, actor, card, request=True),
        "submit_request": lambda: AnswerEditor(parent, actor, card, request=True, submitting=True),
        "publish": lambda: publish_dialog.PublishDialog(parent, actor, card),
        "record_author_reply": lambda: publish_dialog.AuthorReplyDialog(parent, actor, card),
    }
    if action not in builders:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(incident_view.ACTIONS)}")
    return builders[action]()


def run_action(parent: QWidget | None, actor: Actor, card: IncidentCard, action: str) -> bool:
    """Open the dialog of ``action`` modally; True when the incident changed (reload the card)."""
    try:
        dialog = build_dialog(parent, actor, card, action)
    except DomainError as error:
        QMessageBox.warning(parent, WINDOW_TITLE, str(error))
        return False
    try:
        dialog.exec()
        return bool(getattr(dialog, "changed", False) or getattr(dialog, "stale", False))
    finally:
        dialog.deleteLater()
