"""Small widget helpers shared by several screens: inline error labels, window sizes that fit
the screen, and error messages that go away as soon as the user corrects the input."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QDateTimeEdit, QLabel, QLineEdit, QPlainTextEdit, QSpinBox,
    QTextEdit, QWidget,
)

ERROR_STYLE = "color: #b00020;"

#: the smallest screen every window and dialog must fit whole (with the window frame and a task bar)
SMALL_SCREEN = (1024, 700)
#: room left on the screen for the window frame, title bar and task bar
FRAME_MARGIN = (16, 60)


def make_error_label() -> QLabel:
    """A hidden, word-wrapped label for inline Russian error messages."""
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def fit_to_width(widget: QWidget, width: int) -> None:
    """Resize to ``width`` and to the height its word-wrapped labels need at that width."""
    layout = widget.layout()
    if layout is None:
        widget.resize(width, widget.sizeHint().height())
        return
    layout.activate()
    height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else widget.sizeHint().height()
    widget.resize(width, max(height, layout.totalMinimumSize().height()))


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at ``width``×``height``, or smaller where the screen is smaller (a 1024×700 laptop).

    The screen is the one the window will open on (its parent's), less the room its frame and
    the task bar take.
    """
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - FRAME_MARGIN[0])
        height = min(height, available.height() - FRAME_MARGIN[1])
    minimum = widget.minimumSizeHint()
    widget.resize(max(width, minimum.width()), max(height, minimum.height()))


def clear_on_edit(label: QLabel, root: QWidget) -> None:
    """Hide ``label`` (an inline error) as soon as the user edits any input field under ``root``.

    Only the user's own edits count where Qt tells them apart (typing in a line, choosing in a
    list, clicking a box): a form filled by the program keeps the message until the user acts.
    """

    def hide(*_args: object) -> None:
        label.setVisible(False)

    for line in root.findChildren(QLineEdit):
        if isinstance(line.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # the spin box and the combo box report their own edits below
        line.textEdited.connect(hide)
    for text in root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        if not text.isReadOnly():
            text.textChanged.connect(hide)
    for combo in root.findChildren(QComboBox):
        combo.activated.connect(hide)
        if combo.isEditable() and combo.lineEdit() is not None:
            combo.lineEdit().textEdited.connect(hide)
    for spin in root.findChildren(QSpinBox):
        spin.valueChanged.connect(hide)
    for edit in root.findChildren(QDateTimeEdit):
        edit.dateTimeChanged.connect(hide)
    for button in root.findChildren(QAbstractButton):
        if button.isCheckable():
            button.clicked.connect(hide)
