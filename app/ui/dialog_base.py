"""The common base of the incident action dialogs and the helpers they share.

``ActionDialog`` keeps the incident's version between chained service calls, shows a domain
error inline in Russian (gone as soon as the user corrects the input), and on a conflicting edit
keeps the user's input and offers to reload. The clock lines, the card header and the hint label
look the same in every dialog. Imports run one way: the dialogs import this module, and
``app.ui.actions`` imports the dialogs.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton, QWidget

from app.services import clock as clock_source
from app.services import formatting, incident_view
from app.services.calendar_store import current_calendar
from app.services.deadlines import Clock
from app.services.errors import ConflictError, DomainError
from app.services.incident_view import IncidentCard
from app.services.permissions import Actor
from app.services.workflow import Ref
from app.ui.widgets import FRAME_MARGIN, SMALL_SCREEN, clear_on_edit, fit_to_screen, fit_to_width, make_error_label
from app.ui.help import Section, install_help

__all__ = [
    "CLOCK_STYLE", "FRAME_MARGIN", "HINT_STYLE", "INFO_STYLE", "OVERDUE_STYLE", "SMALL_SCREEN", "WINDOW_TITLE",
    "ActionDialog", "card_header", "clock_color", "clock_text", "find_clock", "fit_to_screen", "fit_to_width",
    "hint_label", "own_unit_name", "request_note", "show_clock",
]

INFO_STYLE = "color: #35596f;"
HINT_STYLE = "color: #555;"
WINDOW_TITLE = "Инциденты"
OVERDUE_STYLE = "color: #b00020; font-weight: bold;"
CLOCK_STYLE = "color: #35596f;"


# --- clocks ------------------------------------------------------------------------------------

def find_clock(card: IncidentCard, code: str, unit_name: str = "") -> Clock | None:
    """The open clock ``code`` of the card (the one of ``unit_name`` when there are several)."""
    found = [c for c in card.clocks if c.code == code and c.is_open]
    if unit_name:
        own = [c for c in found if c.subject and (c.subject == unit_name or unit_name.startswith(c.subject))]
        found = own or found
    return found[0] if found else None


def clock_text(card: IncidentCard, code: str, unit_name: str = "") -> str:
    """«Запрос (уточнение) (п. 13): осталось 40 минут — до 24 ноября 2026 г., 10:40»."""
    clock = find_clock(card, code, unit_name)
    if clock is None:
        return ""
    cal = current_calendar()
    now = clock_source.now()
    if clock.optional and now > clock.due_at:
        return ""  # an optional window (clauses 11, 13) that closed since the card was loaded: not a lapse
    # the card may have been loaded a while ago: what is left is counted from now
    left = cal.working_time_between(now, clock.due_at)
    return (f"{clock.title} ({clock.clause}): {formatting.time_left(left, overdue=now > clock.due_at)} — "
            f"до {formatting.moment(clock.due_at, cal.tz)}")


def _overdue(text: str) -> bool:
    return "просрочено" in text or "срок истёк" in text


def clock_color(text: str) -> str:
    """Red for an overdue step, the calm blue otherwise."""
    return "#b00020" if _overdue(text) else "#35596f"


def show_clock(label: QLabel, text: str) -> None:
    """Put a clock line into ``label``: red and bold when the step is overdue, hidden when empty."""
    label.setText(text)
    label.setStyleSheet(OVERDUE_STYLE if _overdue(text) else CLOCK_STYLE)
    label.setVisible(bool(text))


# --- what the card says ------------------------------------------------------------------------

def request_note(card: IncidentCard) -> str:
    """« · запрос на согласовании» after the status, when a clarification request is in flight
    (and the status does not say the same already)."""
    label = card.request_state_label
    if not label or label.casefold() == card.status_label.casefold():
        return ""
    return f" · {label}"


def own_unit_name(actor: Actor, card: IncidentCard) -> str:
    """The name of the actor's unit among the card's assignments (own unit before a colleague's)."""
    mine = [a for a in card.assignments if a.unit_id in actor.unit_ids]
    mine.sort(key=lambda a: (a.unit_id != actor.unit_id, a.id))
    return mine[0].unit_name if mine else ""


def card_header(card: IncidentCard) -> QLabel:
    """«№ 12 · ВКонтакте · Ирина Ковалёва · выявлен … · обычный · «Направлен»» in bold number."""
    tz = current_calendar().tz
    label = QLabel(f"<b>№ {card.id}</b> · {escape(card.network_label)} · {escape(card.author)} · "
                   f"выявлен {formatting.moment(card.detected_at, tz)} · {escape(card.priority_label.lower())} · "
                   f"«{escape(card.status_label)}»")
    label.setWordWrap(True)
    return label


def hint_label(text: str) -> QLabel:
    """A word-wrapped explanation (the clause of the regulation, what happens next)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


# --- the base dialog -----------------------------------------------------------------------------

class ActionDialog(QDialog):
    """Base of every dialog that performs one workflow action on an incident.

    Subclasses build their widgets, implement ``perform`` (service calls through ``call``) and,
    if they show parts of the card, ``card_reloaded``. ``changed`` tells whether any call succeeded.
    """

    #: the guide's section about this dialog (F1)
    help_section: str = Section.START

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard, title: str) -> None:
        super().__init__(parent)
        install_help(self, lambda: self.help_section)
        self.actor = actor
        self.card = card
        self.version = card.version
        self.changed = False
        #: another session changed the incident while the dialog was open (the card is stale)
        self.stale = False
        self.conflict_box: QMessageBox | None = None
        self._edits_watched = False
        self.setWindowTitle(f"{title} — инцидент № {card.id}")
        self.error_label = make_error_label()
        self.info_label = QLabel()
        self.info_label.setObjectName("infoLabel")
        self.info_label.setStyleSheet(INFO_STYLE)
        self.info_label.setWordWrap(True)
        self.info_label.setVisible(False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        if not self._edits_watched:
            # every input of the finished dialog: a corrected field takes its error message away
            self._edits_watched = True
            clear_on_edit(self.error_label, self)
        super().showEvent(event)

    # --- to implement ------------------------------------------------------------------

    def perform(self) -> None:
        """Do the action through the services; raise ``DomainError`` to keep the dialog open."""
        raise NotImplementedError

    def card_reloaded(self) -> None:
        """The card was loaded again after a conflict: refresh what is shown, keep the input."""

    # --- helpers -----------------------------------------------------------------------

    def call(self, function: Callable[..., Ref], **kwargs: Any) -> Ref:
        """Call a workflow function with the actor, the incident and the version in hand."""
        ref = function(self.actor, self.card.id, self.version, **kwargs)
        self.version = ref.version
        self.changed = True
        return ref

    def show_error(self, message: str) -> None:
        self.info_label.setVisible(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def show_info(self, message: str) -> None:
        self.error_label.setVisible(False)
        self.info_label.setText(message)
        self.info_label.setVisible(True)

    def clear_messages(self) -> None:
        self.error_label.setVisible(False)
        self.info_label.setVisible(False)

    def try_perform(self) -> bool:
        """Run ``perform``; close the dialog on success, explain the problem otherwise."""
        return self.run_step(self.perform, close=True)

    def run_step(self, step: Callable[[], object], *, close: bool) -> bool:
        """Run one user step of service calls; a domain error is shown, never raised."""
        self.clear_messages()
        try:
            step()
        except ConflictError as error:
            self.show_conflict(error)
            return False
        except DomainError as error:
            self.show_error(str(error))
            return False
        if close:
            self.accept()
        return True

    def show_conflict(self, error: ConflictError) -> None:
        """Another session changed the incident: say who and when, offer to reload, lose nothing."""
        self.stale = True
        self.show_error(f"{error}. Введённое вами осталось в окне.")
        box = QMessageBox(QMessageBox.Icon.Warning, WINDOW_TITLE, str(error), QMessageBox.StandardButton.NoButton,
                          self)
        box.setInformativeText("Введённый вами текст не потерян — он остался в окне.\n"
                               "Обновить карточку и продолжить с ним?")
        reload_button = box.addButton("Обновить карточку", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Не обновлять", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload_button)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def done() -> None:
            if box.clickedButton() is reload_button:
                self.reload_card()
            self.conflict_box = None

        box.finished.connect(done)
        self.conflict_box = box
        box.open()

    @property
    def conflict_reload_button(self) -> QPushButton | None:
        """The «Обновить карточку» button of the open conflict message (for keyboard and tests)."""
        if self.conflict_box is None:
            return None
        return next((b for b in self.conflict_box.buttons()
                     if self.conflict_box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole), None)

    def reload_card(self) -> None:
        """Load the incident again (new version, new state); the user's input stays as it is."""
        try:
            card = incident_view.load_card(self.actor, self.card.id)
        except DomainError as error:
            self.show_error(str(error))
            return
        self.card = card
        self.version = card.version
        self.card_reloaded()
        who = f" пользователем {card.updated_by}" if card.updated_by else ""
        when = formatting.short_moment(card.updated_at, current_calendar().tz) if card.updated_at else ""
        self.show_info(f"Карточка обновлена (изменена{who} {when}, статус «{card.status_label}»). "
                       "Ваш текст сохранён в окне — проверьте и повторите действие.")
