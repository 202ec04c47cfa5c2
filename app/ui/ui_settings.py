"""This user's window settings (INI, per operating-system user): window geometry, columns, the
folders last used by the report and the export.

A module of its own so that the dialogs that remember a folder (report, export) do not import
the main window that opens them.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from app.services.user_dirs import config_dir

SETTINGS_ORGANISATION = "Korenovsk"
SETTINGS_APPLICATION = "Incidents"


def ui_settings() -> QSettings:
    """This user's window settings (INI). A portable install (``INCIDENTS_HOME``) keeps them there."""
    if os.environ.get("INCIDENTS_HOME"):
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config_dir()))
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, SETTINGS_ORGANISATION,
                     SETTINGS_APPLICATION)
