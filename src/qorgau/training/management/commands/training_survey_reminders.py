from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.training.surveys import feedback_reminders_enqueue_due


class Command(BaseCommand):
    help = (
        "Queue one reminder to each approved participant with an e-mail address who has not "
        "answered an event's feedback survey some days after the event (the days are data: "
        "survey_templates.yaml). Run it daily; `qorgau worker` sends them. Safe to run more often."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = feedback_reminders_enqueue_due()
        self.stdout.write(f"{count} survey reminders queued")
