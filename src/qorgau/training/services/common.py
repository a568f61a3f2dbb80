"""What the training services share: the policy check, e-mails after commit, event capacity."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.training.models import Event, Registration
from qorgau.training.tasks import send_registration_email

Status = Registration.Status


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _may(actor: User | None, action: str, obj: Any) -> bool:
    """The system (no actor) may do anything; a person only what the policy allows."""
    return actor is None or can(actor, action, obj)


def _email_after_commit(registration: Registration, kind: str) -> None:
    if registration.email:
        pk = registration.pk
        transaction.on_commit(
            lambda: send_registration_email.enqueue(registration_id=pk, kind=kind)
        )


def _locked(event: Event) -> Event:
    """The event row, locked until the transaction ends (PostgreSQL; SQLite writes serially)."""
    return Event.objects.select_for_update().select_related("organiser", "region").get(pk=event.pk)


def _approved_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Status.APPROVED).count()
