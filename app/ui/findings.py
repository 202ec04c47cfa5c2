"""The list of what the answer checks found: in the answer editor's side panel and in the
curator's approval dialog (clause 14), one coloured row per finding."""
from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListView

from app.services.answer_checks import Finding

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
FINDING_KIND_LABELS = {
    "spelling": "Орфография",
    "punctuation": "Пунктуация",
    "bureaucratese": "Канцеляризм",
    "citations": "Ссылки на акты",
    "length": "Длина",
    "empty": "Пустой ответ",
    "off_topic": "По существу",
}
FINDING_COLORS = {
    "spelling": "#c62828", "punctuation": "#e65100", "bureaucratese": "#9a6b00", "citations": "#6a3d9a",
    "length": "#c62828", "empty": "#c62828", "off_topic": "#1f5f8b",
}


class FindingsModel(QAbstractListModel):
    """The warnings of the answer checks, one row each, for the side panel and the approval view."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self._findings = list(findings)
        self.endResetModel()

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        finding = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # most messages name their kind already («Канцеляризм «…» — …»); a punctuation slip does not
            return f"Пунктуация: {finding.message}" if finding.kind == "punctuation" else finding.message
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = finding.message
            if finding.suggestions:
                tip += "\nВарианты: " + ", ".join(finding.suggestions)
            return tip
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(FINDING_COLORS.get(finding.kind, "#333333"))
        if role == FINDING_ROLE:
            return finding
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def findings_view(model: FindingsModel) -> QListView:
    view = QListView()
    view.setObjectName("findingsView")
    view.setModel(model)
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setSpacing(2)
    view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
    return view
