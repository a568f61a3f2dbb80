"""Rate limits counted in the database, exactly, however many requests arrive at once.

A ``Throttle`` allows ``limit`` attempts per key in a window of ``window`` that starts with the
key's first attempt. An attempt takes a place *before* it runs (``take``) and gives it back if
it turned out not to count (``give_back``), e.g. a right personal code: places are taken with
one conditional ``UPDATE ... SET count = count + 1 WHERE count < limit``, which PostgreSQL and
SQLite run atomically on the key's row, so no parallel request can slip past the limit
(docs/adr/0020, amendment). Expired windows are deleted by ``qorgau daily``
(``prune_throttle_windows``).

Call it outside a transaction (as the public views do): counts written inside one that is
rolled back would be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from qorgau.core.models import ThrottleWindow


@dataclass(frozen=True)
class Throttle:
    scope: str  # names what is counted, e.g. "training.wrong-codes"
    limit: int
    window: timedelta

    def _row(self, key: str) -> str:
        return f"{self.scope}:{key}"[:255]

    def take(self, key: str) -> bool:
        """Take one of the key's attempts; False (nothing written) when the window is full."""
        now = timezone.now()
        rows = ThrottleWindow.objects.filter(key=self._row(key))
        if self._take_in_current_window(rows, now):
            return True  # the usual case: one UPDATE
        # No row yet, or its window is over: start one (both race-safe), then take again.
        ThrottleWindow.objects.bulk_create(
            [ThrottleWindow(key=self._row(key), ends_at=now + self.window, count=0)],
            ignore_conflicts=True,
        )
        rows.filter(ends_at__lte=now).update(ends_at=now + self.window, count=0)
        return self._take_in_current_window(rows, now)

    def _take_in_current_window(self, rows: QuerySet[ThrottleWindow], now: datetime) -> bool:
        current = rows.filter(ends_at__gt=now, count__lt=self.limit)
        return bool(current.update(count=F("count") + 1))

    def give_back(self, key: str) -> None:
        """Return an attempt that did not count."""
        ThrottleWindow.objects.filter(key=self._row(key), count__gt=0).update(count=F("count") - 1)

    def used(self, key: str) -> int:
        """Attempts the key has used in its current window."""
        window = ThrottleWindow.objects.filter(key=self._row(key), ends_at__gt=timezone.now())
        return window.values_list("count", flat=True).first() or 0


def throttle_windows_prune() -> int:
    """Delete the windows that are over; returns how many."""
    deleted, _ = ThrottleWindow.objects.filter(ends_at__lte=timezone.now()).delete()
    return deleted
