"""The curator's triage of an incident (clauses 10, 11, 19, 21) and the small action dialogs.

``TriageDialog`` sets the topic, the location (or the explicit «без привязки к месту»), the
priority and the unit(s) and routes the incident, or closes it: without an answer on a clause-21
ground, or as not an incident at all (clause 2). The smaller dialogs change the priority (17),
appoint the unit writing a consolidated answer (19), set the step limits of the final-answer
stage (18), let an executor declare the question outside the unit's powers (11), and write a
comment on the card (a plain note or question, no regulated clock). The clarification request to
the author (13) is written in the answer editor.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import escape

from PySide6.QtCore import (
    QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal,
)
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QCompleter, QDialogButtonBox, QFormLayout, QFrame,
    QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView, QPlainTextEdit, QPushButton, QRadioButton, QSpinBox,
    QStyledItemDelegate, QStyleOptionViewItem, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from app.models import enums
from app.models.enums import (
    NO_ANSWER_REASON_LABELS, PRIORITY_LABELS, UNIT_KIND_LABELS, NoAnswerReason, Priority, UnitKind,
)
from app.services import catalog, deadlines, formatting, settings, validation, workflow
from app.services.catalog import UnitInfo
from app.services.errors import ValidationError
from app.services.incident_view import IncidentCard
from app.services.permissions import Actor
from app.ui.dialog_base import (  # noqa: F401 - card_header and hint_label are re-exported for older callers
    ActionDialog, card_header, clock_text, fit_to_screen, fit_to_width, hint_label, own_unit_name, show_clock,
)
from app.ui.help import Section

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 2  # ("topic" | "group" | "location", id)
DEPTH_ROLE = Qt.ItemDataRole.UserRole + 3
MATCH_STYLE = "background-color: #ffd2cc; color: #8a0000; font-weight: bold;"
BANNER_STYLE = "QFrame#clause21Banner { background: #fff4d6; border: 1px solid #e0b44c; border-radius: 4px; }"
#: the automatic clause-21 assessment's codes → the grounds the curator closes on (exactly clause 21)
CLAUSE21_REASONS = {reason.value: reason for reason in enums.CLAUSE21_REASONS}
#: the most serious clause-21 ground first: it is the one preselected
SEVERITY = (NoAnswerReason.THREAT, NoAnswerReason.HARM_INTENT, NoAnswerReason.OBSCENE, NoAnswerReason.INSULT)
#: Russian labels of the clause-18 stage steps (as the clocks and the history name them)
STAGE_STEP_LABELS = deadlines.STAGE_STEP_LABELS
#: clause 12/18: without the curator's own limit the final draft is due 3 working hours before the final answer
FINAL_DRAFT_DEFAULT = 0
NO_LOCATION_TEXT = "Без привязки к месту"
NOT_AN_INCIDENT_TITLE = "Не касается деятельности администрации (не инцидент, п. 2)"


def fold(text: str) -> str:
    """Case- and «ё»-insensitive form for search-as-you-type."""
    return text.casefold().replace("ё", "е")


def highlight_fragments(text: str, fragments: tuple[str, ...] | list[str]) -> str:
    """HTML of ``text`` with every occurrence of the fragments marked (the clause-21 matches)."""
    spans: list[tuple[int, int]] = []
    for fragment in fragments:
        if fragment:
            spans += [m.span() for m in re.finditer(re.escape(fragment), text, re.IGNORECASE)]
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<span style="{MATCH_STYLE}">{escape(text[start:end])}</span>')
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def message_view(card: IncidentCard, fragments: tuple[str, ...] = ()) -> QTextBrowser:
    """The incident's message, read-only, with the given fragments marked."""
    view = QTextBrowser()
    view.setObjectName("messageView")
    view.setOpenExternalLinks(False)
    view.setHtml(highlight_fragments(card.text, fragments))
    view.setMinimumHeight(70)
    view.setMaximumHeight(130)
    return view


# --- units: a checkable list with search-as-you-type ---------------------------------------

class UnitChoiceModel(QAbstractListModel):
    """The active units, each with a check box: where the curator sends the incident."""

    checked_changed = Signal()

    def __init__(self, units: list[UnitInfo], checked: set[int] | frozenset[int] = frozenset(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._units = list(units)
        self._checked = {u.id for u in self._units if u.id in checked}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._units)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._units):
            return None
        unit = self._units[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return unit.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{unit.name} — {UNIT_KIND_LABELS.get(UnitKind(unit.kind), unit.kind).lower()}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if unit.id in self._checked else Qt.CheckState.Unchecked
        if role == UNIT_ID_ROLE:
            return unit.id
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        unit_id = self._units[index.row()].id
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))  # type: ignore[arg-type]
        if state == Qt.CheckState.Checked:
            self._checked.add(unit_id)
        else:
            self._checked.discard(unit_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def checked_ids(self) -> list[int]:
        return [u.id for u in self._units if u.id in self._checked]

    def checked_names(self) -> list[str]:
        return [u.name for u in self._units if u.id in self._checked]

    def search_text(self, row: int) -> str:
        unit = self._units[row]
        return fold(f"{unit.name} {unit.short_name}")


class UnitFilterModel(QSortFilterProxyModel):
    """Keeps the units whose name contains every typed word (any case, «ё» = «е»)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        source = self.sourceModel()
        if not isinstance(source, UnitChoiceModel):
            return True
        haystack = source.search_text(source_row)
        return all(word in haystack for word in self._words)


class UnitPicker(QWidget):
    """A search field above a checkable list of units, and a line saying what is chosen."""

    def __init__(self, units: list[UnitInfo], checked: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = UnitChoiceModel(units, checked, self)
        self.proxy = UnitFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("unitFilter")
        self.filter_edit.setPlaceholderText("Поиск отдела или учреждения…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_query)
        self.view = QListView()
        self.view.setObjectName("unitList")
        self.view.setModel(self.proxy)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # a dozen long names one under another: rows with air between them, every other one shaded
        self.view.setAlternatingRowColors(True)
        self.view.setStyleSheet("QListView#unitList::item { padding: 4px 2px; }")
        self.view.setMinimumHeight(110)
        self.view.activated.connect(self._toggle)
        self.summary = hint_label("")
        self.summary.setObjectName("unitSummary")
        self.model.checked_changed.connect(self._update_summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self._update_summary()

    def _toggle(self, index: QModelIndex) -> None:
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        checked = state == Qt.CheckState.Checked
        self.proxy.setData(index, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked,
                           Qt.ItemDataRole.CheckStateRole)

    def toggle_single_match(self) -> bool:
        """Enter in the search field ticks the unit when the search leaves exactly one."""
        if self.proxy.rowCount() != 1:
            return False
        self._toggle(self.proxy.index(0, 0))
        self.filter_edit.selectAll()
        return True

    def _update_summary(self) -> None:
        names = self.model.checked_names()
        if not names:
            text = "Не выбрано ни одного исполнителя"
        elif len(names) == 1:
            text = f"Исполнитель: {names[0]}"
        else:
            text = (f"Выбрано {formatting.plural(len(names), ('исполнитель', 'исполнителя', 'исполнителей'))}: "
                    "сводный ответ (п. 19), информация от каждого — в течение 2 рабочих часов")
        self.summary.setText(text)

    def checked_ids(self) -> list[int]:
        return self.model.checked_ids()


# --- searchable combo boxes ------------------------------------------------------------------

class _IndentDelegate(QStyledItemDelegate):
    """Draws topics a step to the right of their group in the drop-down list."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(DEPTH_ROLE) == 1:
            option.rect.adjust(18, 0, 0, 0)


class SearchCombo(QComboBox):
    """An editable combo box that suggests its items by any part of the name as you type."""

    def __init__(self, model: QStandardItemModel, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setModel(model)
        self.setMaxVisibleItems(15)
        self.setItemDelegate(_IndentDelegate(self))
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setCurrentIndex(-1)
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def choice(self, what: str) -> tuple[str, int] | None:
        """The chosen item's ``(kind, id)`` from the typed text, or None when the field is empty.

        Exact names win; otherwise a part of a name is enough when only one item contains it.
        """
        text = fold(self.currentText().strip())
        if not text:
            return None
        model = self.model()
        items = [model.index(row, 0) for row in range(model.rowCount())]
        items = [i for i in items if i.data(CHOICE_ROLE) is not None]
        exact = [i for i in items if fold(i.data(Qt.ItemDataRole.DisplayRole)) == text]
        if exact:
            return exact[0].data(CHOICE_ROLE)
        partial = [i for i in items if text in fold(i.data(Qt.ItemDataRole.DisplayRole))]
        if len(partial) == 1:
            self.setCurrentIndex(partial[0].row())
            return partial[0].data(CHOICE_ROLE)
        if partial:
            raise ValidationError(f"{what}: «{self.currentText().strip()}» подходит к нескольким пунктам списка — "
                                  "выберите один из подсказки")
        raise ValidationError(f"{what}: «{self.currentText().strip()}» нет в списке — выберите из подсказки")

    def select_text(self, text: str) -> None:
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText(text)


def topic_model(parent: QWidget) -> QStandardItemModel:
    """Topic groups (bold, selectable as «the whole group») with their topics under them."""
    model = QStandardItemModel(parent)
    bold = QFont()
    bold.setBold(True)
    groups: dict[int, list[catalog.TopicInfo]] = {}
    names: dict[int, str] = {}
    for topic in catalog.list_topics():
        groups.setdefault(topic.group_id, []).append(topic)
        names[topic.group_id] = topic.group_name
    for group_id, topics in groups.items():
        group = QStandardItem(f"{names[group_id]} — вся группа тем")
        group.setFont(bold)
        group.setData(("group", group_id), CHOICE_ROLE)
        group.setData(0, DEPTH_ROLE)
        group.setToolTip(f"Группа тем «{names[group_id]}» без уточнения темы (п. 10)")
        model.appendRow(group)
        for topic in topics:
            item = QStandardItem(topic.name)
            item.setData(("topic", topic.id), CHOICE_ROLE)
            item.setData(1, DEPTH_ROLE)
            item.setToolTip(f"{topic.group_name} → {topic.name}")
            model.appendRow(item)
    return model


def location_model(parent: QWidget) -> QStandardItemModel:
    model = QStandardItemModel(parent)
    for location_id, name in catalog.list_locations():
        item = QStandardItem(name)
        item.setData(("location", location_id), CHOICE_ROLE)
        item.setData(0, DEPTH_ROLE)
        model.appendRow(item)
    return model


def _button_box(ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
    return box, ok


# --- triage -------------------------------------------------------------------------------------

class TriageDialog(ActionDialog):
    """Clause 10/11/19/21: what the incident is about, where, how urgent, and who answers it."""

    ROUTE_TAB, NO_ANSWER_TAB = 0, 1

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard, *, no_answer: bool = False) -> None:
        super().__init__(parent, actor, card, "Направление" if not no_answer else "Без ответа")
        self.help_section = Section.CLOSE if no_answer else Section.ROUTE
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        self.clock_label = hint_label("")
        self.clock_label.setObjectName("clockLabel")
        show_clock(self.clock_label, self._clock_line())
        layout.addWidget(self.clock_label)
        layout.addWidget(message_view(card, card.clause21.matches if card.clause21.suggest_no_answer else ()))
        self.banner = self._clause21_banner()
        if self.banner is not None:
            layout.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._route_page(), "Направить исполнителю (п. 10)")
        self.tabs.addTab(self._no_answer_page(), "Закрыть без ответа (п. 21, п. 2)")
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        self.buttons, self.ok_button = _button_box("Направить")
        self.buttons.accepted.connect(self.try_perform)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.reason_group.buttonToggled.connect(lambda *_: self._tab_changed(self.tabs.currentIndex()))
        # ticking a unit in the list corrects «Выберите хотя бы один отдел…» as typing corrects a field
        self.units.model.checked_changed.connect(lambda: self.error_label.setVisible(False))
        for field in (self.units.filter_edit, self.topic_combo.lineEdit(), self.location_combo.lineEdit()):
            field.installEventFilter(self)
        self.tabs.setCurrentIndex(self.NO_ANSWER_TAB if no_answer else self.ROUTE_TAB)
        self._tab_changed(self.tabs.currentIndex())
        fit_to_screen(self, 760, 700)

    def _clock_line(self) -> str:
        rerouting = clock_text(self.card, "rerouting")
        return rerouting or clock_text(self.card, "routing") or clock_text(self.card, "answer")

    def _clause21_banner(self) -> QFrame | None:
        assessment = self.card.clause21
        if not assessment.suggest_no_answer:
            return None
        frame = QFrame()
        frame.setObjectName("clause21Banner")
        frame.setStyleSheet(BANNER_STYLE)
        reasons = [NO_ANSWER_REASON_LABELS[CLAUSE21_REASONS[r]] for r in assessment.reasons if r in CLAUSE21_REASONS]
        fragments = ", ".join(f"«{escape(m)}»" for m in assessment.matches)
        label = QLabel(f"<b>Похоже на случай п. 21 — ответ не даётся.</b><br>"
                       f"{'; '.join(escape(r) for r in reasons)}.<br>Найдено в сообщении: {fragments}. "
                       "Решение за куратором.")
        label.setObjectName("clause21Suggestion")
        label.setWordWrap(True)
        go = QPushButton("Закрыть без ответа…")
        go.setAutoDefault(False)
        go.clicked.connect(lambda: self.tabs.setCurrentIndex(self.NO_ANSWER_TAB))
        row = QHBoxLayout(frame)
        row.addWidget(label, 1)
        row.addWidget(go, 0, Qt.AlignmentFlag.AlignTop)
        return frame

    def _route_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.topic_combo = SearchCombo(topic_model(self), "Начните вводить тему или группу тем…")
        self.topic_combo.setObjectName("topicCombo")
        if self.card.topic:
            self.topic_combo.select_text(self.card.topic)
        elif self.card.topic_group:
            self.topic_combo.select_text(f"{self.card.topic_group} — вся группа тем")
        form.addRow("Тема (группа тем):", self.topic_combo)
        self.location_combo = SearchCombo(location_model(self), "Улица, микрорайон…")
        self.location_combo.setObjectName("locationCombo")
        if self.card.location:
            self.location_combo.select_text(self.card.location)
        self.no_location_box = QCheckBox(NO_LOCATION_TEXT)
        self.no_location_box.setObjectName("noLocation")
        self.no_location_box.setToolTip("П. 10: куратор указывает локацию. Если в сообщении нет места — отметьте это "
                                        "явно, чтобы было видно, что это решение, а не пропуск")
        self.no_location_box.toggled.connect(self._no_location_toggled)
        self.no_location_box.setChecked(self.card.no_location and not self.card.location)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_combo, 1)
        location_row.addWidget(self.no_location_box)
        form.addRow("Локация:", location_row)
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityCombo")
        for priority in Priority:
            self.priority_combo.addItem(PRIORITY_LABELS[priority], priority.value)
        self.priority_combo.setCurrentIndex(self.priority_combo.findData(self.card.priority))
        self.priority_combo.setToolTip("Повышенной важности — 4 рабочих часа на ответ вместо 8 (п. 17)")
        form.addRow("Важность:", self.priority_combo)
        active = {a.unit_id for a in self.card.assignments if a.state in workflow.ACTIVE_ASSIGNMENT}
        self.units = UnitPicker(catalog.list_units(), active)
        form.addRow("Исполнители:", self.units)
        self.route_comment = QLineEdit()
        self.route_comment.setObjectName("routeComment")
        self.route_comment.setPlaceholderText("Необязательно: что уточнить исполнителю")
        form.addRow("Комментарий:", self.route_comment)
        return page

    def _no_location_toggled(self, checked: bool) -> None:
        self.location_combo.setEnabled(not checked)
        if checked:
            self.location_combo.setCurrentIndex(-1)
            self.location_combo.setEditText("")

    def _no_answer_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.reason_group = QButtonGroup(self)
        self.reason_buttons: dict[NoAnswerReason, QRadioButton] = {}
        found = {CLAUSE21_REASONS[r] for r in self.card.clause21.reasons if r in CLAUSE21_REASONS}
        suggested = [r for r in SEVERITY if r in found]

        def reason_button(reason: NoAnswerReason, box: QVBoxLayout) -> None:
            button = QRadioButton(NO_ANSWER_REASON_LABELS[reason])
            if reason in suggested:
                button.setText(f"{NO_ANSWER_REASON_LABELS[reason]} — найдено в сообщении")
            self.reason_group.addButton(button)
            self.reason_buttons[reason] = button
            box.addWidget(button)

        self.clause21_box = QGroupBox("Без ответа (п. 21)")
        self.clause21_box.setObjectName("clause21Reasons")
        clause21_layout = QVBoxLayout(self.clause21_box)
        clause21_layout.addWidget(hint_label("На сообщения с намерением причинить вред другому лицу, нецензурными или "
                                             "оскорбительными выражениями, угрозами жизни, здоровью и имуществу "
                                             "должностного лица администрации или членов его семьи ответ не даётся."))
        for reason in enums.CLAUSE21_REASONS:
            reason_button(reason, clause21_layout)
        layout.addWidget(self.clause21_box)
        self.not_ours_box = QGroupBox(NOT_AN_INCIDENT_TITLE)
        self.not_ours_box.setObjectName("notAnIncident")
        not_ours_layout = QVBoxLayout(self.not_ours_box)
        not_ours_layout.addWidget(hint_label("Сообщение не затрагивает вопросы деятельности администрации — это не "
                                             "инцидент (п. 2). В отчёте — отдельной строкой, не по п. 21."))
        reason_button(NoAnswerReason.NOT_ABOUT_ADMINISTRATION, not_ours_layout)
        layout.addWidget(self.not_ours_box)
        if suggested:
            self.reason_buttons[suggested[0]].setChecked(True)
        layout.addWidget(QLabel("Комментарий:"))
        self.no_answer_comment = QPlainTextEdit()
        self.no_answer_comment.setObjectName("noAnswerComment")
        self.no_answer_comment.setPlaceholderText("Необязательно: почему ответ не даётся")
        self.no_answer_comment.setMaximumHeight(90)
        layout.addWidget(self.no_answer_comment)
        layout.addStretch(1)
        return page

    def _tab_changed(self, index: int) -> None:
        if index != self.NO_ANSWER_TAB:
            text = "Направить"
        elif self.selected_reason() == NoAnswerReason.NOT_ABOUT_ADMINISTRATION:
            text = "Закрыть: не инцидент"
        else:
            text = "Закрыть без ответа"
        self.ok_button.setText(text)
        self.clear_messages()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Enter in a search field picks; it must not route a half-filled incident.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is self.units.filter_edit:
                self.units.toggle_single_match()
            else:
                self.focusNextChild()
            return True
        return super().eventFilter(watched, event)

    def selected_reason(self) -> NoAnswerReason | None:
        return next((r for r, b in self.reason_buttons.items() if b.isChecked()), None)

    def perform(self) -> None:
        if self.tabs.currentIndex() == self.NO_ANSWER_TAB:
            reason = self.selected_reason()
            if reason is None:
                raise ValidationError("Выберите основание: одно из п. 21 или «не касается деятельности "
                                      "администрации» (п. 2)")
            self.call(workflow.close_without_answer, reason=reason,
                      comment=self.no_answer_comment.toPlainText().strip())
            return
        topic = self.topic_combo.choice("Тема")
        if topic is None:
            raise ValidationError("Укажите тему или группу тем (п. 10)")
        no_location = self.no_location_box.isChecked()
        location = None if no_location else self.location_combo.choice("Локация")
        unit_ids = self.units.checked_ids()
        if not unit_ids:
            raise ValidationError("Выберите хотя бы один отдел или учреждение")
        if location is None and not no_location and not (self.card.location or self.card.no_location):
            # checked here too: a priority change before the refused routing would be half an action
            raise ValidationError(f"Укажите локацию или отметьте «{NO_LOCATION_TEXT}» (п. 10)")
        priority = Priority(self.priority_combo.currentData())
        if priority != self.card.priority:
            self.call(workflow.change_priority, priority=priority, comment="При направлении (п. 17)")
            self.card = _with_priority(self.card, priority)
        kind, topic_id = topic
        self.call(workflow.route, unit_ids=unit_ids,
                  topic_id=topic_id if kind == "topic" else None,
                  topic_group_id=topic_id if kind == "group" else None,
                  location_id=location[1] if location else None,
                  no_location=no_location,
                  comment=self.route_comment.text().strip())

    def card_reloaded(self) -> None:
        show_clock(self.clock_label, self._clock_line())


def _with_priority(card: IncidentCard, priority: Priority) -> IncidentCard:
    return replace(card, priority=priority.value, priority_label=PRIORITY_LABELS[priority])


# --- small curator dialogs --------------------------------------------------------------------

class PriorityDialog(ActionDialog):
    help_section = Section.ROUTE

    """Clause 17: mark the incident as of high importance (4 working hours) or back to normal."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, "Важность")
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label("П. 17: ответ на инцидент повышенной важности готовится и размещается не позднее "
                                    "4 рабочих часов с момента выявления (обычный — 8 часов, п. 9). "
                                    "Срок ответа будет пересчитан."))
        self.buttons_group = QButtonGroup(self)
        self.priority_buttons: dict[Priority, QRadioButton] = {}
        for priority in Priority:
            button = QRadioButton(PRIORITY_LABELS[priority] + (" (сейчас)" if priority == card.priority else ""))
            button.setChecked(priority != card.priority)
            self.buttons_group.addButton(button)
            self.priority_buttons[priority] = button
            layout.addWidget(button)
        layout.addWidget(QLabel("Комментарий:"))
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Почему меняется важность")
        layout.addWidget(self.comment)
        layout.addStretch(1)  # a taller window adds room below, the fields keep together
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons, self.ok_button = _button_box("Изменить важность")
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_width(self, 520)

    def perform(self) -> None:
        priority = next(p for p, b in self.priority_buttons.items() if b.isChecked())
        self.call(workflow.change_priority, priority=priority, comment=self.comment.text().strip())


class ConsolidatorDialog(ActionDialog):
    help_section = Section.ROUTE

    """Clause 19: the curator names which of the assigned units writes the consolidated answer."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, "Исполнитель сводного ответа")
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label("П. 19: исполнителя сводного проекта ответа определяет куратор с учётом "
                                    "информации, поступившей от всех исполнителей."))
        self.group = QButtonGroup(self)
        self.unit_buttons: dict[int, QRadioButton] = {}
        box = QGroupBox("Кому поручить сводный ответ")
        box_layout = QVBoxLayout(box)
        for a in card.assignments:
            if a.state not in workflow.ACTIVE_ASSIGNMENT:
                continue
            text = f"{a.unit_name} — {a.state_label.lower()}"
            if a.is_consolidating:
                text += " (назначен сейчас)"
            button = QRadioButton(text)
            button.setChecked(a.is_consolidating)
            self.group.addButton(button)
            self.unit_buttons[a.unit_id] = button
            box_layout.addWidget(button)
        layout.addWidget(box)
        contributions = [x for x in card.answers if x.kind == "contribution" and x.state != "editing"]
        if contributions:
            layout.addWidget(QLabel("Информация от исполнителей:"))
            view = QTextBrowser()
            view.setHtml("".join(f"<p><b>{escape(x.unit_name)}</b>: {escape(x.text)}</p>" for x in contributions))
            view.setMaximumHeight(160)
            layout.addWidget(view)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons, self.ok_button = _button_box("Назначить")
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_width(self, 600)

    def perform(self) -> None:
        unit_id = next((u for u, b in self.unit_buttons.items() if b.isChecked()), None)
        if unit_id is None:
            raise ValidationError("Выберите отдел, который подготовит сводный ответ")
        self.call(workflow.appoint_consolidator, unit_id=unit_id)


class StageLimitsDialog(ActionDialog):
    help_section = Section.STAGE_LIMITS

    """Clause 18: after an interim answer the curator sets the limits of the steps of clauses 11–16
    and of sending the final draft; each step is timed from its own start within the stage."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, "Сроки этапа окончательного ответа")
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label("П. 18: окончательный ответ — не позднее 7 рабочих дней после промежуточного; "
                                    "сроки действий по пунктам 11–16 на этом этапе определяет куратор. Каждый шаг "
                                    "отсчитывается от своего начала внутри этапа. Сроки — в рабочих минутах."))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        defaults = settings.limits()
        current = dict(card.stage_limits)
        self.spins: dict[str, QSpinBox] = {}
        for step in deadlines.STAGE_STEPS:
            spin = QSpinBox()
            spin.setObjectName(f"limit_{step}")
            spin.setSingleStep(30)
            spin.setSuffix(" мин")
            if step == "final_draft":
                # no default minutes: without the curator's own limit it is «3 hours before the due»
                spin.setRange(FINAL_DRAFT_DEFAULT, 7 * 9 * 60)
                spin.setSpecialValueText(f"за {formatting.duration(timedelta(minutes=defaults.draft_before_deadline))}"
                                         " до срока п. 18")
                spin.setValue(int(current.get(step, FINAL_DRAFT_DEFAULT)))
            else:
                spin.setRange(1, 7 * 9 * 60)
                spin.setValue(int(current.get(step) or getattr(defaults, step)))
            self._tip(spin, spin.value())
            spin.valueChanged.connect(lambda v, s=spin: self._tip(s, v))
            self.spins[step] = spin
            form.addRow(STAGE_STEP_LABELS[step] + ":", spin)
        layout.addLayout(form)
        width = max(spin.sizeHint().width() for spin in self.spins.values())
        for spin in self.spins.values():
            spin.setMinimumWidth(width)
        layout.addWidget(QLabel("Комментарий:"))
        self.comment = QLineEdit()
        layout.addWidget(self.comment)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons, self.ok_button = _button_box("Установить сроки")
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_width(self, 640)

    @staticmethod
    def _tip(spin: QSpinBox, minutes: int) -> None:
        spin.setToolTip(formatting.duration(timedelta(minutes=minutes)) if minutes else spin.specialValueText())

    def limits(self) -> dict[str, int]:
        """The limits to set; the final draft only when the curator gave a number of minutes."""
        return {step: spin.value() for step, spin in self.spins.items()
                if not (step == "final_draft" and spin.value() == FINAL_DRAFT_DEFAULT)}

    def perform(self) -> None:
        self.call(workflow.set_stage_limits, limits=self.limits(), comment=self.comment.text().strip())


# --- dialogs with one text field -------------------------------------------------------------

class _TextActionDialog(ActionDialog):
    """A clause reference, the clock of the step, some context and one text field."""

    ok_text = "OK"
    title = ""
    field_label = ""
    placeholder = ""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, self.title)
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label(self.clause_text()))
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockLabel")
        self.clock_label.setWordWrap(True)
        show_clock(self.clock_label, self.clock_line())
        layout.addWidget(self.clock_label)
        self.add_context(layout)
        layout.addWidget(QLabel(self.field_label))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("actionText")
        self.text_edit.setPlaceholderText(self.placeholder)
        self.text_edit.setMinimumHeight(100)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons, self.ok_button = _button_box(self.ok_text)
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 500)
        self.text_edit.setFocus()

    def clause_text(self) -> str:
        return ""

    def clock_line(self) -> str:
        return ""

    def add_context(self, layout: QVBoxLayout) -> None:
        layout.addWidget(QLabel("Сообщение:"))
        layout.addWidget(message_view(self.card))

    def card_reloaded(self) -> None:
        show_clock(self.clock_label, self.clock_line())

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()


class NotCompetentDialog(_TextActionDialog):
    help_section = Section.NOT_COMPETENT

    """Clause 11: the executor tells the curator that the question is outside the unit's powers."""

    title = "Не наша компетенция"
    ok_text = "Сообщить куратору"
    field_label = "Почему вопрос не относится к полномочиям отдела (и чьи это полномочия, если известно):"
    placeholder = "Например: сети уличного освещения обслуживает МКУ «Управление благоустройства»"

    def clause_text(self) -> str:
        return ("П. 11: если решение вопроса не относится к полномочиям вашего отдела (учреждения), сообщите об этом "
                "куратору в течение 30 минут рабочего времени с момента поступления инцидента.")

    def clock_line(self) -> str:
        return clock_text(self.card, "competence_notice", own_unit_name(self.actor, self.card))

    def perform(self) -> None:
        self.call(workflow.declare_not_competent, reason=self.text())


class CommentDialog(_TextActionDialog):
    help_section = Section.COMMENT

    """A comment on the card: a note, or a plain question to the curator or the executors.

    It has no regulated clock and does not change the incident (no version conflict). The
    clarification request to the author of the message (clause 13) is a different thing.
    """

    title = "Комментарий"
    ok_text = "Добавить комментарий"
    field_label = "Комментарий:"
    placeholder = "Например: вопрос куратору или заметка для коллег — видят все, кто работает с инцидентом"

    def clause_text(self) -> str:
        return ("Комментарий виден в карточке всем, кто работает с инцидентом; регламентного срока у него нет. "
                "Вопрос автору сообщения — это «Запрос (уточнение) автору» (п. 13).")

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card)
        self.counter_label = QLabel()
        self.counter_label.setObjectName("commentCounter")
        self.counter_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.text_edit) + 1, self.counter_label)
        self.text_edit.textChanged.connect(self._count)
        self._count()

    def _count(self) -> None:
        size = len(self.text())
        over = size > validation.MAX_COMMENT
        self.counter_label.setText(f"{size} / {validation.MAX_COMMENT}")
        self.counter_label.setStyleSheet("color: #c62828; font-weight: bold;" if over else "color: #555;")

    def perform(self) -> None:
        workflow.add_comment(self.actor, self.card.id, text=self.text())
        self.changed = True
