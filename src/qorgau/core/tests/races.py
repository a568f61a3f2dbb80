"""Simulating a double submit that races on an idempotency key, without threads."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def miss_once(monkeypatch: Any, module: ModuleType, lookup: str) -> list[int]:
    """The other request saved the row just after this one looked for its key: the first call
    of ``module.lookup`` finds nothing, later calls (the fallback after the IntegrityError) find
    the row. Returns the list of calls, to assert that the fallback ran."""
    real = getattr(module, lookup)
    calls: list[int] = []

    def lookup_that_misses_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(module, lookup, lookup_that_misses_once)
    return calls
