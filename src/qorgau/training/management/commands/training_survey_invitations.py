from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.training.surveys import invitations_enqueue_due


class Command(BaseCommand):
    help = (
        "Queue the invitation e-mails of follow-up surveys that are open today, once per "
        "approved participant with an e-mail address. Run it daily (cron or a systemd timer); "
        "`qorgau worker` sends them. Safe to run more often."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = invitations_enqueue_due()
        self.stdout.write(f"{count} survey invitations queued")
