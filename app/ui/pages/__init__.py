"""The «Страницы» section of the main window (Appendix 1): one module per tab, the dialogs beside
the tab that opens them, shared pieces in :mod:`.common`. Every row comes from
``app.services.pages``; no database access here."""
