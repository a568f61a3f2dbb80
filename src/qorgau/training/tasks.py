"""Background work of the training module: e-mails to participants."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def send_registration_email(*, registration_id: int, kind: str) -> bool:
    """Tell a participant what happened to their registration. False when they gave no e-mail."""
    from qorgau.training.emails import registration_message
    from qorgau.training.models import Registration

    registration = (
        Registration.objects.select_related("event__organiser", "event__region")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.email:
        return False
    registration_message(registration, kind).send(fail_silently=False)
    return True


@task()
def send_event_reminder(*, registration_id: int) -> bool:
    """Remind an approved participant that the event is near; sent once, however often queued."""
    from qorgau.training.emails import Kind, registration_message
    from qorgau.training.models import Registration

    with transaction.atomic():
        # Claim the reminder first: a second task for the same person finds it taken. If sending
        # fails, the transaction rolls back and the next run tries again.
        claimed = Registration.objects.filter(
            pk=registration_id,
            status=Registration.Status.APPROVED,
            reminded_at__isnull=True,
        ).update(reminded_at=timezone.now())
        if not claimed:
            return False
        registration = Registration.objects.select_related("event__organiser", "event__region").get(
            pk=registration_id
        )
        if not registration.email:
            return False
        registration_message(registration, Kind.REMINDER).send(fail_silently=False)
    return True
