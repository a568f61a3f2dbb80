"""Registrations: public submission, approval, decline, cancellation, the waiting list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Region, User
from qorgau.audit.services import record
from qorgau.training.emails import Kind
from qorgau.training.models import (
    Event,
    Registration,
)
from qorgau.training.normalise import (
    email_key,
    name_key,
    new_personal_code,
    phone_key,
)
from qorgau.training.services.common import (
    Status,
    _approved_count,
    _email_after_commit,
    _locked,
    _may,
    _require,
)

# The wording of the consent on the registration page; bump when the wording changes.
CONSENT_VERSION = "1"


@dataclass(frozen=True)
class ParticipantData:
    full_name: str
    organisation_name: str
    sector: str
    position: str
    gender: str
    language: str
    region: Region | None = None
    email: str = ""
    phone: str = ""
    accessibility_needs: str = ""


@dataclass(frozen=True)
class Submitted:
    registration: Registration
    created: bool


def registration_is_open(event: Event, today: date | None = None) -> bool:
    return event.registration_open and event.ends_on >= (today or timezone.localdate())


def _build(
    event: Event,
    data: ParticipantData,
    *,
    source: str,
    consent_at: datetime,
    submission_key: str = "",
) -> Registration:
    registration = Registration(
        event=event,
        full_name=" ".join(data.full_name.split()),
        organisation_name=data.organisation_name.strip(),
        sector=data.sector,
        position=data.position.strip(),
        region=data.region,
        gender=data.gender,
        email=data.email.strip(),
        phone=data.phone.strip(),
        language=data.language,
        accessibility_needs=data.accessibility_needs.strip(),
        consent_at=consent_at,
        consent_version=CONSENT_VERSION,
        source=source,
        status=Status.PENDING,
        submission_key=submission_key,
    )
    registration.email_key = email_key(registration.email)
    registration.name_key = name_key(registration.full_name)
    registration.phone_key = phone_key(registration.phone)
    return registration


def _validate(registration: Registration) -> None:
    errors: dict[str, list[str]] = {}
    if not registration.email_key and not registration.phone_key:
        errors["email"] = [_("Give an e-mail address or a phone number.")]
    if registration.phone and not 7 <= len(registration.phone_key) <= 15:
        errors["phone"] = [_("Enter the phone number with its code, e.g. +7 701 123 45 67.")]
    if not registration.name_key:
        errors["full_name"] = [_("Enter your full name.")]
    try:
        # Uniqueness is checked below with a message a person understands.
        registration.full_clean(
            exclude=["event", "personal_code", "status"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _duplicate_message(by_email: bool) -> str:
    if by_email:
        return _(
            "Someone is already registered for this event with this e-mail address. If it is "
            "you, check your e-mail for our message; to change something, contact the organiser."
        )
    return _(
        "Someone with this name and phone number is already registered for this event. If it "
        "is you, there is no need to register again; to change something, contact the organiser."
    )


def _existing_duplicate(registration: Registration) -> str | None:
    """Why an active registration of the same person exists, or None."""
    active = Registration.objects.filter(event_id=registration.event_id).exclude(
        status=Status.CANCELLED
    )
    if registration.email_key and active.filter(email_key=registration.email_key).exists():
        return _duplicate_message(by_email=True)
    if (
        registration.phone_key
        and active.filter(name_key=registration.name_key, phone_key=registration.phone_key).exists()
    ):
        return _duplicate_message(by_email=False)
    return None


def _free_code(event: Event, taken: set[str]) -> str:
    while True:
        code = new_personal_code()
        if code not in taken:
            taken.add(code)
            return code


def _codes_of(event: Event) -> set[str]:
    return set(Registration.objects.filter(event=event).values_list("personal_code", flat=True))


def _place(event: Event, registration: Registration, now: datetime, approved: int) -> bool:
    """Approve if a place is free and nobody waits before; else join the waiting list.

    ``approved`` is the count of approved registrations before this one; True if approved.
    """
    nobody_waiting = (
        not Registration.objects.filter(event=event, status=Status.WAITLISTED)
        .exclude(pk=registration.pk)
        .exists()
    )
    if approved < event.capacity and nobody_waiting:
        registration.status = Status.APPROVED
        registration.decided_at = now
        registration.waitlisted_at = None
        return True
    registration.status = Status.WAITLISTED
    registration.waitlisted_at = now
    return False


@transaction.atomic
def registration_submit(
    *, event: Event, data: ParticipantData, consent: bool, submission_key: str = ""
) -> Submitted:
    """A person registers on the public page. A second submit of the same form returns the
    registration the first one made; the same person registering again is refused."""
    event = _locked(event)
    submission_key = submission_key.strip()[:64]
    if submission_key:
        earlier = Registration.objects.filter(event=event, submission_key=submission_key).first()
        if earlier is not None:
            return Submitted(earlier, created=False)
    if not registration_is_open(event):
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    if not consent:
        raise ValidationError(
            {"consent": _("We can register you only with your consent to process your data.")}
        )
    now = timezone.now()
    registration = _build(
        event,
        data,
        source=Registration.Source.PUBLIC,
        consent_at=now,
        submission_key=submission_key,
    )
    _validate(registration)
    duplicate = _existing_duplicate(registration)
    if duplicate:
        raise ValidationError(duplicate, code="duplicate")
    registration.personal_code = _free_code(event, _codes_of(event))
    if not event.requires_approval:
        _place(event, registration, now, _approved_count(event))
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # A race with an identical submit, or with the same person on another device.
        earlier = (
            Registration.objects.filter(event=event, submission_key=submission_key).first()
            if submission_key
            else None
        )
        if earlier is not None:
            return Submitted(earlier, created=False)
        raise ValidationError(
            _existing_duplicate(registration) or _duplicate_message(by_email=True),
            code="duplicate",
        ) from None
    record(
        actor=None,
        action="training.registration.submit",
        target=registration,
        organisation=event.organiser,
        details={"event": event.pk, "status": registration.status},
    )
    kind = {
        Status.PENDING: Kind.RECEIVED,
        Status.APPROVED: Kind.APPROVED,
        Status.WAITLISTED: Kind.WAITLISTED,
    }[Status(registration.status)]
    _email_after_commit(registration, kind)
    return Submitted(registration, created=True)


def _decide(actor: User | None, registration: Registration, *, approved_before: int) -> bool:
    event = registration.event
    now = timezone.now()
    placed = _place(event, registration, now, approved_before)
    registration.save(update_fields=["status", "decided_at", "waitlisted_at", "updated_at"])
    record(
        actor=actor,
        action="training.registration.approve",
        target=registration,
        organisation=event.organiser,
        details={"event": event.pk, "status": registration.status},
    )
    _email_after_commit(registration, Kind.APPROVED if placed else Kind.WAITLISTED)
    return placed


def _manageable(actor: User | None, registration: Registration) -> Event:
    event = _locked(registration.event)
    _require(
        _may(actor, "training.registration.manage", event),
        _("You may not manage the registrations of this event."),
    )
    registration.event = event
    registration.refresh_from_db(fields=["status", "waitlisted_at", "decided_at"])
    return event


@transaction.atomic
def registration_approve(*, actor: User | None, registration: Registration) -> Registration:
    """Approve a pending registration: it takes a place, or joins the end of the waiting list
    when the event is full (people on the list move up in order as places free up)."""
    event = _manageable(actor, registration)
    if registration.status != Status.PENDING:
        raise ValidationError(
            _(
                "Only registrations waiting for approval can be approved; the waiting list moves "
                "up by itself, in order, when a place frees up."
            )
        )
    _decide(actor, registration, approved_before=_approved_count(event))
    return registration


@dataclass(frozen=True)
class Approved:
    approved: int
    waitlisted: int


@transaction.atomic
def registrations_approve_pending(*, actor: User | None, event: Event) -> Approved:
    """Approve everyone waiting for approval, in the order they registered."""
    event = _locked(event)
    _require(
        _may(actor, "training.registration.manage", event),
        _("You may not manage the registrations of this event."),
    )
    approved = _approved_count(event)
    placed = waitlisted = 0
    for registration in Registration.objects.filter(event=event, status=Status.PENDING).order_by(
        "created_at", "pk"
    ):
        registration.event = event
        if _decide(actor, registration, approved_before=approved):
            approved += 1
            placed += 1
        else:
            waitlisted += 1
    return Approved(approved=placed, waitlisted=waitlisted)


@transaction.atomic
def registration_decline(*, actor: User, registration: Registration) -> Registration:
    _manageable(actor, registration)
    if registration.status not in (Status.PENDING, Status.WAITLISTED):
        raise ValidationError(
            _("Only registrations waiting for approval or on the waiting list can be declined.")
        )
    registration.status = Status.DECLINED
    registration.decided_at = timezone.now()
    registration.save(update_fields=["status", "decided_at", "updated_at"])
    record(
        actor=actor,
        action="training.registration.decline",
        target=registration,
        organisation=registration.event.organiser,
        details={"event": registration.event_id},
    )
    _email_after_commit(registration, Kind.DECLINED)
    return registration


@transaction.atomic
def registration_cancel(
    *, actor: User | None, registration: Registration, by_participant: bool = False
) -> Registration:
    """Cancel a registration (the organiser, or the participant from the link in their e-mail).
    A place that frees up goes to the first person on the waiting list."""
    if by_participant:
        event = _locked(registration.event)
        registration.event = event
        registration.refresh_from_db(fields=["status"])
    else:
        event = _manageable(actor, registration)
    if registration.status in (Status.CANCELLED, Status.DECLINED):
        raise ValidationError(_("This registration is already closed."))
    held_a_place = registration.status == Status.APPROVED
    registration.status = Status.CANCELLED
    registration.decided_at = timezone.now()
    registration.save(update_fields=["status", "decided_at", "updated_at"])
    record(
        actor=actor,
        action="training.registration.cancel",
        target=registration,
        organisation=event.organiser,
        details={"event": event.pk, "by": "participant" if by_participant else "organiser"},
    )
    _email_after_commit(registration, Kind.CANCELLED)
    if held_a_place:
        _fill_from_waiting_list(actor=actor, event=event)
    return registration


def _fill_from_waiting_list(*, actor: User | None, event: Event) -> list[Registration]:
    """Give free places to the people on the waiting list, first come first served."""
    free = event.capacity - _approved_count(event)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by(
            "waitlisted_at", "pk"
        )[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = Status.APPROVED
        registration.decided_at = now
        registration.save(update_fields=["status", "decided_at", "updated_at"])
        record(
            actor=actor,
            action="training.registration.promote",
            target=registration,
            organisation=event.organiser,
            details={"event": event.pk},
        )
        _email_after_commit(registration, Kind.APPROVED)
    return promoted
