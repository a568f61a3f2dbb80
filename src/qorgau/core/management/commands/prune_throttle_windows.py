"""``qorgau prune_throttle_windows``: delete the rate-limit windows that are over (a daily job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.core.throttle import throttle_windows_prune


class Command(BaseCommand):
    help = "Delete the rate-limit counters whose window is over. Part of `qorgau daily`."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{throttle_windows_prune()} expired throttle window(s) deleted")
