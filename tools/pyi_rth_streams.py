"""PyInstaller runtime hook of ``installer.spec``: runs in the bundle before ``main.py``.

The Windows build is a window program (no console window opens when a clerk starts it), so
Windows gives it no standard streams: ``sys.stdout``, ``sys.stderr`` and ``sys.stdin`` are None.
The headless commands (``Incidents.exe report …``, ``calendar``, ``--help``) must still print
and read a password from a pipe, so here:

* a stream that the caller redirected (``> out.txt``, ``| more``, ``< password.txt``) is already
  there and is kept;
* a missing one is connected to the console of the program that started us (``cmd``,
  PowerShell) when there is one — the output appears in that window;
* otherwise (started from Explorer or a shortcut) it goes to ``os.devnull``, so that a write
  never fails; the program's own log (``%LOCALAPPDATA%\\Incidents\\logs``) has the details.

For diagnostics the console build (``INCIDENTS_CONSOLE=1``, see README) opens its own console.
"""
import os
import sys


def _attach_parent_console() -> bool:
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        ATTACH_PARENT_PROCESS = -1
        return bool(ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS))
    except Exception:  # noqa: BLE001 - no console is the normal case of a window program
        return False


def _connect_streams() -> None:
    missing = [name for name in ("stdin", "stdout", "stderr") if getattr(sys, name) is None]
    if not missing:
        return
    console = _attach_parent_console()
    for name in missing:
        stream = None
        if console:
            device = "CONIN$" if name == "stdin" else "CONOUT$"
            try:
                # Python opens the console devices with its Unicode console I/O: Cyrillic is
                # written as such whatever the console's code page
                stream = open(device, "r" if name == "stdin" else "w", encoding="utf-8",  # noqa: SIM115
                              errors="replace", buffering=1)
            except OSError:
                stream = None
        if stream is None:
            stream = open(os.devnull, "r" if name == "stdin" else "w", encoding="utf-8")  # noqa: SIM115
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


_connect_streams()
