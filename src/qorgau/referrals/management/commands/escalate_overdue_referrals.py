from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.referrals.tasks import escalate_overdue_referrals


class Command(BaseCommand):
    help = "Escalate overdue referrals to the sending organisation's supervisors (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue the task instead of running it now."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            escalate_overdue_referrals.enqueue()
            self.stdout.write("enqueued")
            return
        count = escalate_overdue_referrals.call()
        self.stdout.write(f"{count} new escalation(s)")
