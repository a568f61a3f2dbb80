"""Saving a row that carries an idempotency key, when a double submit may race to save it too."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model

T = TypeVar("T")


def save_or_replay(row: Model, replay: Callable[[], T | None]) -> T | None:
    """Save the new ``row`` in a savepoint; None when it was saved.

    When the save breaks a unique constraint because a racing request with the same key saved
    first, the row that request saved, as ``replay`` finds it (so the race is no 500); when
    ``replay`` finds nothing, the constraint was another one and the error goes on. The
    savepoint keeps the surrounding transaction usable on PostgreSQL.
    """
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        replayed = replay()
        if replayed is None:
            raise
        return replayed
    return None
