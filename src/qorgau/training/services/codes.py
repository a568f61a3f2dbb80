"""A lost personal code, e-mailed again (ADR 0024): asked for by the participant on a public
page with their e-mail address, or sent by the organiser from the participants list.

The code goes only to the address the registration holds, never onto a page. The audit event
names the registration (or none), never the address typed: the trail records who was sent a
code, not which addresses someone tried.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.audit.services import record
from qorgau.core.throttle import Throttle
from qorgau.training.emails import Kind
from qorgau.training.models import Event, Registration
from qorgau.training.normalise import email_key
from qorgau.training.services.common import Status, _email_after_commit, _may, _require

# A second click on the organiser's confirmation within this many seconds sends nothing new.
ORGANISER_RESEND_WINDOW = 60
ORGANISER_RESENDS = Throttle(
    scope="training.code-resends", limit=1, window=timedelta(seconds=ORGANISER_RESEND_WINDOW)
)


@transaction.atomic
def registration_code_request(*, event: Event, email: str) -> Registration | None:
    """A participant asks for their code again: if an approved registration of this event has
    this address, the code is e-mailed to it. Returns that registration, or None; the caller
    answers the same either way (and throttles: training/identify.py)."""
    key = email_key(email)
    registration = (
        Registration.objects.filter(event=event, status=Status.APPROVED, email_key=key).first()
        if key
        else None
    )
    record(
        actor=None,
        action="training.registration.code_request",
        target=registration,
        organisation=event.organiser,
        details={"event": event.pk, "matched": registration is not None},
    )
    if registration is not None:
        _email_after_commit(registration, Kind.CODE)
    return registration


@transaction.atomic
def registration_code_resend(*, actor: User, registration: Registration) -> bool:
    """The organiser e-mails a participant's code to the address of the registration. False
    when the same was done a moment ago (a double click): nothing is sent again."""
    event = registration.event
    _require(
        _may(actor, "training.registration.resend_code", event),
        _("You may not send the personal codes of this event's participants."),
    )
    registration.refresh_from_db(fields=["status", "email"])
    if registration.status != Status.APPROVED or not registration.email:
        raise ValidationError(
            _("Only an approved participant with an e-mail address can be sent their code.")
        )
    # Taken inside this transaction on purpose (unlike the public limits): if the audit or the
    # e-mail's queueing fails, the place is rolled back with them and the organiser may retry.
    # A parallel click waits on the row until this commits, then finds the window full.
    if not ORGANISER_RESENDS.take(str(registration.pk)):
        return False
    record(
        actor=actor,
        action="training.registration.code_resend",
        target=registration,
        organisation=event.organiser,
        details={"event": event.pk},
    )
    _email_after_commit(registration, Kind.CODE)
    return True
