"""The administration window, one module per tab (``app.ui.admin.window.AdminWindow``)."""
from __future__ import annotations

from app.ui.admin.window import AdminWindow

__all__ = ["AdminWindow"]
