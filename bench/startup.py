"""One start of a fresh process, for ``python -m bench`` (run as ``python -m bench.startup``).

``--mode app``: the curator's main window on the database, opened on the «Все» tab (all
1,000,000 incidents, urgent first: the tab the curator left open), up to the first page of the
queue painted, then scrolled three pages down;
``--mode empty``: an empty ``QMainWindow`` up to its first paint (the baseline). Prints one line
of JSON (the last line): seconds from ``--t0`` (the parent's ``time.perf_counter()`` just before it started this
process: the same monotonic clock) to the first paint, and the peak resident memory, MB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _painted_flag(widget):  # noqa: ANN001, ANN202
    """An event filter that notes when ``widget`` is painted (kept alive by the caller)."""
    from PySide6.QtCore import QEvent, QObject

    class Painted(QObject):
        at: float | None = None

        def eventFilter(self, _obj, event) -> bool:  # noqa: ANN001, N802
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.perf_counter()
            return False

    flag = Painted()
    widget.installEventFilter(flag)
    return flag


def empty(t0: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from bench.bench_queue import _wait

    app = QApplication(sys.argv[:1])
    win = QMainWindow()
    flag = _painted_flag(win)
    win.resize(1600, 900)
    win.show()
    _wait(app, lambda: flag.at is not None)
    return {"painted": flag.at - t0}


def application(t0: float, url: str) -> dict[str, float]:
    from bench.bench_queue import _change, _wait, open_main_window

    app, win, _home = open_main_window(url, preset="all")
    flag = _painted_flag(win.queue_view.viewport())  # the first paint with the rows in
    win.queue_view.viewport().update()
    _wait(app, lambda: flag.at is not None)
    painted = flag.at - t0
    _wait(app, lambda: not win.queue_model.runner.busy and not win.notifier.runner.busy)
    results: list = []
    for n in range(3):
        _change(app, win, win.queue_view.scrollToBottom, f"прокрутка ({n + 1})", results)
    return {"painted": painted, "rows": win.queue_model.rowCount()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("app", "empty"), required=True)
    parser.add_argument("--t0", type=float, required=True)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    result = empty(args.t0) if args.mode == "empty" else application(args.t0, args.url)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # see bench_queue: PySide6 6.12 on Python 3.11 may abort in the final collection
