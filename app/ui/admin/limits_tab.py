"""«Сроки регламента»: the regulation's limits (``settings.Limits``), each editable, saved together."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.services import admin, settings
from app.services.permissions import Actor
from app.ui.admin.common import AdminTab, make_hint


#: what each limit times, who acts and from when (the row's tooltip)
LIMIT_TIPS = {
    "routing": "Куратор указывает тему и место и направляет инцидент исполнителю — с момента выявления (п. 10)",
    "competence_notice": "Исполнитель сообщает куратору, что вопрос не в полномочиях его отдела или учреждения, — "
                         "с момента поступления инцидента (п. 11)",
    "rerouting": "Куратор направляет инцидент в другой отдел после такого сообщения (п. 11)",
    "clarification": "Исполнитель готовит запрос (уточнение) — вопрос автору сообщения, когда суть вопроса неясна, — "
                     "и направляет его куратору на согласование, с момента поступления инцидента (п. 13)",
    "draft_before_deadline": "Проект ответа (промежуточного ответа) направляется куратору не позднее чем за это "
                             "время до истечения срока ответа (п. 12)",
    "approval": "Куратор согласовывает проект ответа или запрос (уточнение) либо возвращает его с причиной "
                "(п. 14) — с момента поступления",
    "revision": "Исполнитель дорабатывает возвращённый проект ответа или запрос (уточнение) и направляет его "
                "повторно (п. 15)",
    "publication": "Исполнитель размещает согласованный ответ или запрос (уточнение) в той соцсети, где размещён "
                   "инцидент (п. 16)",
    "answer": "Подготовка и размещение ответа — с момента выявления инцидента (п. 9)",
    "answer_high": "Подготовка и размещение ответа на инцидент повышенной важности — с момента выявления (п. 17)",
    "contribution": "Каждый исполнитель направляет куратору информацию для сводного ответа — с момента "
                    "направления ему инцидента (п. 19)",
    "final_answer_days": "Окончательный ответ после промежуточного — рабочих дней со дня размещения промежуточного "
                         "(п. 18); сроки шагов этого этапа куратор задаёт в карточке инцидента",
}
def limit_label(name: str) -> str:
    """The Russian label of the limit ``name`` as the administrator sees it."""
    return settings.LIMIT_LABELS.get(name, name)


class LimitsTab(AdminTab):
    """The regulation's limits (``settings.Limits``), each editable, saved together."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        intro = make_hint("Сроки считаются в рабочем времени администрации. Изменение действует для новых "
                          "шагов на всех компьютерах и записывается в журнал. Сроки шагов после промежуточного "
                          "ответа (п. 18) куратор задаёт в карточке инцидента. Подсказка у каждой строки "
                          "объясняет, кто действует и с какого момента идёт срок.")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.spins: dict[str, QSpinBox] = {}
        self.labels: dict[str, QLabel] = {}
        for f in fields(settings.Limits):
            spin = QSpinBox()
            spin.setRange(1, 100 if f.name == "final_answer_days" else 10_000)
            spin.setFixedWidth(110)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            label = QLabel(limit_label(f.name))
            tip = LIMIT_TIPS.get(f.name, "")
            label.setToolTip(tip)
            spin.setToolTip(tip)
            form.addRow(label, spin)
            self.spins[f.name] = spin
            self.labels[f.name] = label
        self.save_button = QPushButton("Сохранить")
        self.defaults_button = QPushButton("Значения по регламенту")
        self.defaults_button.setToolTip("Заполнить поля сроками из Порядка (сохранить — кнопкой «Сохранить»)")
        self.save_button.clicked.connect(self.save)
        self.defaults_button.clicked.connect(self.fill_defaults)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        inner.setMaximumWidth(760)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addWidget(inner)
        outer.addStretch(1)
        self.refresh()

    def form_state(self) -> object:
        return tuple(spin.value() for spin in self.spins.values())

    def refresh(self) -> None:
        if self.has_unsaved():
            return  # what the user typed stays until it is saved or the window closed
        ok, current = self.call(settings.limits)
        if ok and current is not None:
            self._fill(current)
            self.mark_clean()

    def _fill(self, limits: settings.Limits) -> None:
        for name, spin in self.spins.items():
            spin.setValue(getattr(limits, name))

    def fill_defaults(self) -> None:
        self._fill(settings.Limits())

    def save(self) -> None:
        values = {name: spin.value() for name, spin in self.spins.items()}
        ok, saved = self.call(admin.save_limits, self.actor, **values)
        if ok and saved is not None:
            self._fill(saved)
            self.mark_clean()
            self.show_info(f"Сроки сохранены ({datetime.now():%H:%M})")
