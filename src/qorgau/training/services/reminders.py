"""Reminders: queueing the e-mail before an event for each approved participant."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from qorgau.training.models import (
    Event,
    Registration,
)
from qorgau.training.services.common import Status
from qorgau.training.tasks import send_event_reminder


def reminders_enqueue_due(*, today: date | None = None) -> int:
    """Queue a reminder for every approved participant with an e-mail whose event starts within
    its reminder window and who has not had one. The task sends each reminder once."""
    today = today or timezone.localdate()
    events = [
        event
        for event in Event.objects.filter(
            starts_on__gte=today, starts_on__lte=today + timedelta(days=30), reminder_days__gt=0
        )
        if event.starts_on - timedelta(days=event.reminder_days) <= today
    ]
    due = Registration.objects.filter(
        event__in=events, status=Status.APPROVED, reminded_at__isnull=True
    ).exclude(email_key="")
    count = 0
    for pk in due.values_list("pk", flat=True):
        send_event_reminder.enqueue(registration_id=pk)
        count += 1
    return count
