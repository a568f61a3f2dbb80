from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.cases.reminders import care_reminders_send
from qorgau.core.models import Workspace


class Command(BaseCommand):
    help = (
        "Remind case managers (and supervisors, when overdue) of follow-up visits overdue and "
        "of assistance plans ending soon or past their end, once each (idempotent; run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = sum(
            len(care_reminders_send(workspace=workspace))
            for workspace in Workspace.objects.filter(is_active=True)
        )
        self.stdout.write(f"{count} new care reminder(s)")
