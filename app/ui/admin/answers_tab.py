"""«Проверка ответов»: the curator's policy on what the answer checks let through to approval.

A text the network cannot take (longer than its limit) is refused by the answer editor unless the
curator allows it here; the tab explains which findings stop a text, which ask the writer to
confirm, and which are hints only.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services import formatting, settings
from app.services.answer_checks import NETWORK_LIMITS, NETWORK_NAMES
from app.services.permissions import Actor
from app.ui.admin.common import AdminTab, make_hint

CHARACTERS = ("знак", "знака", "знаков")


def limits_text() -> str:
    """«ВКонтакте — 4096 знаков, Одноклассники — 4000 знаков, Telegram — 4096 знаков»."""
    return ", ".join(f"{NETWORK_NAMES.get(code, code)} — {formatting.plural(limit, CHARACTERS)}"
                     for code, limit in NETWORK_LIMITS.items())


class AnswersTab(AdminTab):
    """The curator's (or the administrator's) decision: may an over-length text go to approval?"""

    title = "Проверка ответов"

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        intro = make_hint(
            "Редактор ответа проверяет текст, пока исполнитель пишет, и ещё раз — когда он направляет ответ или "
            "запрос (уточнение) на согласование. Пустой текст и текст длиннее лимита соцсети на согласование не "
            "уходят: соцсеть не примет такой комментарий. Если в тексте больше двух ссылок на нормативные акты "
            "или ответ не содержит ни одного слова из вопроса, исполнитель подтверждает отправку — по таким "
            "замечаниям куратор обычно возвращает текст (п. 14, 20). Орфография, пунктуация и канцеляризмы — "
            "подсказки в редакторе, отправку они не останавливают.")
        self.limits_label = QLabel(f"Лимиты длины комментария: {limits_text()}.")
        self.limits_label.setWordWrap(True)
        self.over_length_box = QCheckBox(settings.ANSWER_POLICY_LABELS["allow_over_length"])
        self.over_length_box.setObjectName("allowOverLength")
        self.over_length_hint = make_hint("Если отметить: ответ или запрос длиннее лимита исполнитель направит "
                                          "после подтверждения, а разместит несколькими комментариями (п. 16). "
                                          "Если нет: такой текст придётся сократить.")
        self.save_button = QPushButton("Сохранить")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        inner.setMaximumWidth(760)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addWidget(self.limits_label)
        layout.addSpacing(6)
        layout.addWidget(self.over_length_box)
        layout.addWidget(self.over_length_hint)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addWidget(inner)
        outer.addStretch(1)
        self.refresh()

    def form_state(self) -> object:
        return self.over_length_box.isChecked()

    def refresh(self) -> None:
        if self.has_unsaved():
            return  # the user's choice stays until it is saved or the window closed
        ok, policy = self.call(settings.answer_policy)
        if ok and policy is not None:
            self.over_length_box.setChecked(policy.allow_over_length)
            self.mark_clean()

    def save(self) -> None:
        ok, policy = self.call(settings.set_answer_policy, self.actor, self.over_length_box.isChecked())
        if ok and policy is not None:
            self.over_length_box.setChecked(policy.allow_over_length)
            self.mark_clean()
            self.show_info(f"Сохранено ({datetime.now():%H:%M}): текст длиннее лимита соцсети "
                           + ("можно направить на согласование после подтверждения"
                              if policy.allow_over_length else "на согласование не направляется"))
