"""Build helpers for the Windows bundle (``installer.spec``); not part of the program."""
