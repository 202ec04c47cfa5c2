"""«Темы»: topic groups, their topics, and the locations the curator picks at triage (clause 10)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from app.services import admin
from app.services.permissions import Actor
from app.ui.admin.common import AdminTab, RecordTableModel, TableColumn, make_table


class TopicsTab(AdminTab):
    """Topic groups, their topics, and the locations the curator picks at triage (clause 10)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.group_model = RecordTableModel([
            TableColumn("Группа тем", lambda g: g.name),
            TableColumn("Тем", lambda g: str(g.topic_count)),
        ], self)
        self.group_view = make_table(self.group_model, stretch_column=0)
        self.group_view.selectionModel().selectionChanged.connect(self._on_group_selected)
        self.group_edit = QLineEdit()
        self.group_edit.setPlaceholderText("Название группы")
        self.add_group_button = QPushButton("Добавить группу")
        self.rename_group_button = QPushButton("Переименовать")
        self.add_group_button.clicked.connect(self.add_group)
        self.rename_group_button.clicked.connect(self.rename_group)

        self.topic_model = RecordTableModel([
            TableColumn("Тема", lambda t: t.name),
            TableColumn("Состояние", lambda t: "используется" if t.is_active else "скрыта"),
        ], self)
        self.topic_view = make_table(self.topic_model, stretch_column=0)
        self.topic_view.selectionModel().selectionChanged.connect(self._on_topic_selected)
        self.topic_edit = QLineEdit()
        self.topic_edit.setPlaceholderText("Название темы")
        self.add_topic_button = QPushButton("Добавить тему")
        self.rename_topic_button = QPushButton("Переименовать")
        self.toggle_topic_button = QPushButton("Скрыть")
        self.add_topic_button.clicked.connect(self.add_topic)
        self.rename_topic_button.clicked.connect(self.rename_topic)
        self.toggle_topic_button.clicked.connect(self.toggle_topic)

        self.location_model = RecordTableModel([
            TableColumn("Место", lambda loc: loc.name),
            TableColumn("Вид", lambda loc: loc.kind_label),
        ], self)
        self.location_view = make_table(self.location_model, stretch_column=0)
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("Например, ул. Красная")
        self.location_kind_combo = QComboBox()
        for code, label in admin.LOCATION_KIND_LABELS.items():
            self.location_kind_combo.addItem(label, code)
        self.add_location_button = QPushButton("Добавить место")
        self.add_location_button.clicked.connect(self.add_location)

        def column(title: str, view: QTableView, edit: QWidget, buttons: list[QWidget]) -> QGroupBox:
            box = QGroupBox(title)
            layout = QVBoxLayout(box)
            layout.addWidget(view, 1)
            layout.addWidget(edit)
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            layout.addLayout(row)
            return box

        self.topics_box = column("Темы группы", self.topic_view, self.topic_edit,
                                 [self.add_topic_button, self.rename_topic_button, self.toggle_topic_button])
        location_row = QWidget()
        location_layout = QHBoxLayout(location_row)
        location_layout.setContentsMargins(0, 0, 0, 0)
        location_layout.addWidget(self.location_edit, 1)
        location_layout.addWidget(self.location_kind_combo)
        columns = QHBoxLayout()
        columns.addWidget(column("Группы тем", self.group_view, self.group_edit,
                                 [self.add_group_button, self.rename_group_button]), 1)
        columns.addWidget(self.topics_box, 1)
        columns.addWidget(column("Места (улицы, микрорайоны)", self.location_view, location_row,
                                 [self.add_location_button]), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.messages())
        #: the names the program put into the fields (the selected group's and topic's)
        self._filled = {"group": "", "topic": ""}
        #: the lists are being reloaded: re-selecting the same rows must not overwrite typed names
        self._reloading = False
        self.refresh()

    def has_unsaved(self) -> bool:
        """A new or changed name typed and not added (or renamed) yet."""
        return (self.group_edit.text().strip() not in ("", self._filled["group"])
                or self.topic_edit.text().strip() not in ("", self._filled["topic"])
                or bool(self.location_edit.text().strip()))

    def refresh(self) -> None:
        group_id = self._group_id()
        ok, groups = self.call(admin.list_topic_groups, self.actor)
        self._reloading = True
        try:
            if ok and groups is not None:
                self.group_model.set_rows(groups)
            if group_id is not None:
                self.select_id(self.group_view, self.group_model, group_id)
            elif self.group_model.rowCount():
                self.group_view.selectRow(0)
            self._load_topics()
        finally:
            self._reloading = False
        ok, locations = self.call(admin.list_locations, self.actor)
        if ok and locations is not None:
            self.location_model.set_rows(locations)

    def _group_id(self) -> int | None:
        return self.selected_id(self.group_view)

    def _load_topics(self) -> None:
        group_id = self._group_id()
        topic_id = self.selected_id(self.topic_view)
        if group_id is None:
            self.topic_model.set_rows([])
            self.topics_box.setTitle("Темы группы")
        else:
            group = self.group_model.record(self.group_model.row_of(group_id))
            self.topics_box.setTitle(f"Темы группы «{group.name}»")
            ok, topics = self.call(admin.list_topics, self.actor, group_id)
            self.topic_model.set_rows(topics or [])
            if topic_id is not None:
                self.select_id(self.topic_view, self.topic_model, topic_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_group = self._group_id() is not None
        topic = self._topic()
        self.rename_group_button.setEnabled(has_group)
        self.add_topic_button.setEnabled(has_group)
        self.rename_topic_button.setEnabled(topic is not None)
        self.toggle_topic_button.setEnabled(topic is not None)
        self.toggle_topic_button.setText("Показать" if topic is not None and not topic.is_active else "Скрыть")

    def _topic(self) -> admin.AdminTopic | None:
        topic_id = self.selected_id(self.topic_view)
        return None if topic_id is None else self.topic_model.record(self.topic_model.row_of(topic_id))

    def _fill(self, key: str, text: str) -> None:
        """Show a stored name in the field (kept as typed when the lists only reloaded)."""
        edit = self.group_edit if key == "group" else self.topic_edit
        if self._reloading and edit.text().strip() not in ("", self._filled[key]):
            return
        edit.setText(text)
        self._filled[key] = text

    def _on_group_selected(self) -> None:
        group_id = self._group_id()
        if group_id is not None:
            self._fill("group", self.group_model.record(self.group_model.row_of(group_id)).name)
        self._load_topics()

    def _on_topic_selected(self) -> None:
        topic = self._topic()
        if topic is not None:
            self._fill("topic", topic.name)
        self._update_buttons()

    def add_group(self) -> None:
        ok, group = self.call(admin.create_topic_group, self.actor, self.group_edit.text())
        if ok and group is not None:
            self.refresh()
            self.select_id(self.group_view, self.group_model, group.id)
            self.topic_edit.clear()
            self.show_info(f"Группа тем добавлена: {group.name}")

    def rename_group(self) -> None:
        group_id = self._group_id()
        if group_id is None:
            return
        ok, group = self.call(admin.rename_topic_group, self.actor, group_id, self.group_edit.text())
        if ok and group is not None:
            self._filled["group"] = group.name
            self.refresh()
            self.show_info(f"Группа тем переименована: {group.name}")

    def add_topic(self) -> None:
        group_id = self._group_id()
        if group_id is None:
            return
        ok, topic = self.call(admin.create_topic, self.actor, group_id, self.topic_edit.text())
        if ok and topic is not None:
            self.refresh()
            self.select_id(self.topic_view, self.topic_model, topic.id)
            self.show_info(f"Тема добавлена: {topic.name}")

    def rename_topic(self) -> None:
        topic = self._topic()
        if topic is None:
            return
        ok, renamed = self.call(admin.rename_topic, self.actor, topic.id, self.topic_edit.text())
        if ok and renamed is not None:
            self._filled["topic"] = renamed.name
            self.refresh()
            self.show_info(f"Тема переименована: {renamed.name}")

    def toggle_topic(self) -> None:
        topic = self._topic()
        if topic is None:
            return
        ok, changed = self.call(admin.set_topic_active, self.actor, topic.id, not topic.is_active)
        if ok and changed is not None:
            self.refresh()
            self.show_info(f"Тема «{changed.name}» " + ("снова используется" if changed.is_active else "скрыта"))

    def add_location(self) -> None:
        ok, loc = self.call(admin.create_location, self.actor, self.location_edit.text(),
                            self.location_kind_combo.currentData())
        if ok and loc is not None:
            self.location_edit.clear()
            self.refresh()
            self.select_id(self.location_view, self.location_model, loc.id)
            self.show_info(f"Место добавлено: {loc.name}")
