"""The strip that says the shared server is out of reach, and that it is back (issue 16)."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

LOST = ("<b>Нет связи с сервером базы данных.</b> Программа подключится снова сама{when}. Открытые окна и "
        "несохранённые тексты остаются на месте — не закрывайте их; действие, начатое без связи, не выполняется.")
REFUSED = ("<b>Сервер отклонил вход.</b> Учётная запись отключена или пароль изменён администратором. "
           "Сохраните несохранённый текст (скопируйте его), перезапустите программу и войдите снова.")
BACK = "Связь с сервером базы данных восстановлена: данные обновлены."
STYLE = ("QFrame#connectionBanner { background: #fde0e0; color: #7a0c0c; border: 1px solid #e08a8a; "
         "border-radius: 4px; } QFrame#connectionBanner QLabel { border: none; background: transparent; }")


class ConnectionBanner(QFrame):
    """Hidden while the connection is fine; red with «Повторить сейчас» while it is not."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.setStyleSheet(STYLE)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.retry_button = QPushButton("Повторить сейчас")
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.retry_button)
        self._retry_at_ms = 0
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._count_down)
        self.hide()

    def show_lost(self, retry_in_ms: int = 0) -> None:
        """The server is out of reach; the next try in ``retry_in_ms`` (0: unknown)."""
        self._retry_at_ms = retry_in_ms
        self.retry_button.setVisible(True)
        self._render()
        self.tick.start()
        self.show()

    def show_refused(self) -> None:
        self.tick.stop()
        self.retry_button.setVisible(False)
        self.text_label.setText(REFUSED)
        self.show()

    def show_back(self) -> None:
        self.tick.stop()
        self.hide()

    def _count_down(self) -> None:
        self._retry_at_ms = max(0, self._retry_at_ms - 1000)
        self._render()

    def _render(self) -> None:
        seconds = self._retry_at_ms // 1000
        self.text_label.setText(LOST.format(when=f" (следующая попытка через {seconds} с)" if seconds else ""))
