from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.training.services import reminders_enqueue_due


class Command(BaseCommand):
    help = (
        "Queue reminder e-mails for approved participants whose event starts within its "
        "reminder window. Run it daily (cron or a systemd timer); `qorgau worker` sends them. "
        "Safe to run more often: each person gets one reminder per event."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_enqueue_due()
        self.stdout.write(f"{count} reminders queued")
