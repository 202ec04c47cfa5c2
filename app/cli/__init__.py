"""The command line: the window by default, sub-commands for headless work.

One module per command group, each adding its sub-commands with ``register(subparsers)``:
``db`` (schema), ``users`` (accounts), ``demo``, ``audit`` (the journal's chain),
``calendar`` (`calendar`, `calendar-import`, `due`), ``report``, ``import_export``
(`import`, `export-queue`), ``screenshots``; ``gui`` opens the window (and ``--smoke-test``);
``program`` builds the parser and runs a command; ``common`` and ``argparse_ru`` are shared.
"""
from app.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
