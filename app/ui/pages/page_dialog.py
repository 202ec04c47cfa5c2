"""«Новая страница» / «Страница реестра»: the registry form (Appendix 1, clauses 1–3).

Network, owner, name, link, the service phone, the unit, the identifier in the network, the
responsible person, the people who publish, and the record of the access handed over — when, by
whom, to whom. Logins and passwords are never asked for: the form says so. An edit made from a
stale copy is refused by the service; the form keeps the input and offers the saved version.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from app.models.enums import NETWORK_LABELS, PAGE_OWNER_LABELS
from app.services import catalog, users
from app.services.errors import ConflictError, DomainError
from app.services.pages import registry
from app.services.pages.registry import PageInput
from app.services.permissions import Actor
from app.ui.pages.common import FormDialog, date_edit, form_layout, hint, today
from app.ui.widgets import fit_to_screen
from app.ui.help import Section

NO_PASSWORDS = ("Логины и пароли программа не хранит и не спрашивает: в реестре только отметка о том, "
                "когда, кем и кому передан доступ к странице (п. 2 Приложения 1).")


def _combo(items: list[tuple[str, object]], empty: str = "") -> QComboBox:
    combo = QComboBox()
    if empty:
        combo.addItem(empty, None)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


class PageDialog(FormDialog):
    help_section = Section.PAGES_REGISTRY

    """Adds a page (``page_id`` None) or edits one; ``saved_id`` is the page after a save."""

    def __init__(self, actor: Actor, page_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Страница реестра" if page_id else "Новая страница", "Сохранить")
        self.actor = actor
        self.page_id = page_id
        self.version = 0
        self.saved_id: int | None = None
        people = [(u.full_name, u.id) for u in sorted(users.list_users(), key=lambda u: u.full_name) if u.is_active]

        self.network_combo = _combo([(label, n.value) for n, label in NETWORK_LABELS.items()])
        self.owner_combo = _combo([(label, o.value) for o, label in PAGE_OWNER_LABELS.items()])
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Администрация Кореновского городского поселения")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://vk.com/…")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("+7 (86142) 4-00-00")
        self.unit_combo = _combo([(u.short_name or u.name, u.id) for u in catalog.list_units()], "— не указан —")
        self.network_id_edit = QLineEdit()
        self.network_id_edit.setPlaceholderText("например, -123456 или korenovsk_adm")
        self.network_id_edit.setToolTip("Как соцсеть называет страницу в ссылках на её записи: по нему программа "
                                        "узнаёт сообщения на страницах главы (п. 16)")
        self.responsible_combo = _combo(people, "— не назначен —")
        self.people_list = QListWidget()
        self.people_list.setToolTip("Кто размещает публикации и ведёт записи страницы (отметьте галочкой)")
        for name, user_id in people:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, user_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people_list.addItem(item)
        self.people_list.setMaximumHeight(self.fontMetrics().height() * 7)
        self.handed_check = QCheckBox("передан")
        self.handed_date = date_edit(today())
        self.handed_date.setEnabled(False)
        self.handed_check.toggled.connect(self.handed_date.setEnabled)
        handed_row = QHBoxLayout()
        handed_row.addWidget(self.handed_check)
        handed_row.addWidget(self.handed_date)
        handed_row.addStretch(1)
        self.handed_by_edit = QLineEdit()
        self.handed_by_edit.setPlaceholderText("ФИО и должность того, кто передал доступ")
        self.received_combo = _combo(people, "— не указано —")

        form = form_layout(
            ("Соцсеть:", self.network_combo), ("Владелец:", self.owner_combo), ("Название:", self.name_edit),
            ("Ссылка:", self.url_edit), ("Служебный телефон:", self.phone_edit),
            ("Отдел, который ведёт:", self.unit_combo), ("Идентификатор в соцсети:", self.network_id_edit),
            ("Ответственный:", self.responsible_combo), ("Кто публикует:", self.people_list),
            ("Доступ:", handed_row), ("Кто передал доступ:", self.handed_by_edit),
            ("Кому передан доступ:", self.received_combo))

        self.no_passwords_label = hint(NO_PASSWORDS)
        self.no_passwords_label.setObjectName("noPasswordsNote")
        self.no_passwords_label.setStyleSheet("color: #35596f; font-weight: bold;")
        self.reload_button = QPushButton("Загрузить сохранённую версию")
        self.reload_button.setToolTip("Заполнить форму страницей, как её сохранили на другом компьютере")
        self.reload_button.setAutoDefault(False)
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self.load)
        self.lay_out(self.no_passwords_label, form, self.reload_button)
        if page_id is not None:
            self.load()
        fit_to_screen(self, 640, 640)

    def load(self) -> None:
        """Fill the form with the page as saved (its current version)."""
        if self.page_id is None:
            return
        try:
            data, self.version = registry.page_input(self.page_id)
        except DomainError as error:
            self.show_error(str(error))
            return
        _choose(self.network_combo, data.network)
        _choose(self.owner_combo, data.owner)
        self.name_edit.setText(data.name)
        self.url_edit.setText(data.url)
        self.phone_edit.setText(data.phone)
        _choose(self.unit_combo, data.unit_id)
        self.network_id_edit.setText(data.network_id)
        _choose(self.responsible_combo, data.responsible_id)
        chosen = set(data.publisher_ids)
        for n in range(self.people_list.count()):
            item = self.people_list.item(n)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                               else Qt.CheckState.Unchecked)
        self.handed_check.setChecked(data.access_handed_on is not None)
        if data.access_handed_on:
            self.handed_date.setDate(QDate(data.access_handed_on))
        self.handed_by_edit.setText(data.access_handed_by)
        _choose(self.received_combo, data.access_received_by_id)
        self.reload_button.setVisible(False)
        self.error_label.setVisible(False)

    def set_people(self, user_ids: set[int]) -> None:
        for n in range(self.people_list.count()):
            item = self.people_list.item(n)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in user_ids
                               else Qt.CheckState.Unchecked)

    def form_input(self) -> PageInput:
        people = [int(self.people_list.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.people_list.count())
                  if self.people_list.item(n).checkState() == Qt.CheckState.Checked]
        handed: date | None = self.handed_date.date().toPython() if self.handed_check.isChecked() else None
        return PageInput(
            network=self.network_combo.currentData(), owner=self.owner_combo.currentData(),
            name=self.name_edit.text(), url=self.url_edit.text().strip(), phone=self.phone_edit.text(),
            unit_id=self.unit_combo.currentData(), network_id=self.network_id_edit.text(),
            responsible_id=self.responsible_combo.currentData(), access_handed_on=handed,
            access_handed_by=self.handed_by_edit.text(), access_received_by_id=self.received_combo.currentData(),
            publisher_ids=tuple(people))

    def save(self) -> None:
        try:
            if self.page_id is None:
                self.saved_id = registry.create_page(self.actor, self.form_input())
            else:
                self.version = registry.update_page(self.actor, self.page_id, self.version, self.form_input())
                self.saved_id = self.page_id
        except ConflictError as error:
            self.show_error(f"{error}. Введённое вами осталось в окне.")
            self.reload_button.setVisible(True)
            return
        except DomainError as error:
            self.show_error(str(error))
            return
        self.accept()

