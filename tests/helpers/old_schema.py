"""The models as an older program had them, for the migration tests: a database of that schema is
built with them, then the current program upgrades it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app import models


@contextmanager
def models_before(monkeypatch: pytest.MonkeyPatch, new_fields: dict[type, tuple[str, ...]],
                  new_tables: set[str]) -> Iterator[None]:
    """Without the fields and the tables (model class names) a later schema added."""
    removed = []
    for model, names in new_fields.items():
        for name in names:
            removed.append((model, name, model._meta.fields[name]))
            model._meta.remove_field(name)
    monkeypatch.setattr(models, "ALL_MODELS", [m for m in models.ALL_MODELS if m.__name__ not in new_tables])
    try:
        yield
    finally:
        monkeypatch.undo()
        for model, name, field in removed:
            model._meta.add_field(name, field)
