"""Every write of the training module: programmes, events and series, timetables, speakers,
registrations (public, imported, approved, waiting list, cancelled), attendance and reminders.

Each service checks the access policy (``actor=None`` is the system itself: the demo loader and
background work), validates, writes, audits and schedules its own e-mails after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can, has_role
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.training import spreadsheets
from qorgau.training.emails import Kind
from qorgau.training.models import (
    Attendance,
    Event,
    EventAudience,
    Programme,
    ProgrammeTarget,
    Registration,
    Sector,
    Series,
    Session,
    Speaker,
)
from qorgau.training.normalise import (
    code_key,
    email_key,
    name_key,
    new_personal_code,
    phone_key,
)
from qorgau.training.tasks import send_event_reminder, send_registration_email

# The wording of the consent on the registration page; bump when the wording changes.
CONSENT_VERSION = "1"
CHECKIN_SALT = "qorgau.training.checkin"
CHECKIN_MAX_AGE = timedelta(minutes=15)
_EVENT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

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


# --- programmes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgrammeData:
    name: str
    implementer: Organisation
    starts_on: date
    ends_on: date | None = None
    goals: str = ""
    donors: Sequence[Organisation] = ()
    partners: Sequence[Organisation] = ()
    targets: Mapping[str, int] = field(default_factory=dict)


def _save_programme(programme: Programme, data: ProgrammeData) -> None:
    programme.name = data.name.strip()
    programme.implementer = data.implementer
    programme.starts_on = data.starts_on
    programme.ends_on = data.ends_on
    programme.goals = data.goals.strip()
    programme.full_clean()
    programme.save()
    programme.donors.set(data.donors)
    programme.partners.set(data.partners)
    targets = []
    for metric, value in data.targets.items():
        target = ProgrammeTarget(programme=programme, metric=metric, value=value)
        target.full_clean(exclude=["programme"], validate_unique=False)
        targets.append(target)
    programme.targets.exclude(metric__in=list(data.targets)).delete()
    for target in targets:
        ProgrammeTarget.objects.update_or_create(
            programme=programme, metric=target.metric, defaults={"value": target.value}
        )


@transaction.atomic
def programme_create(*, actor: User | None, data: ProgrammeData) -> Programme:
    _require(
        _may(actor, "training.programme.create", data.implementer),
        _("You may create programmes only for an organisation where you organise training."),
    )
    programme = Programme(created_by=actor)
    _save_programme(programme, data)
    record(
        actor=actor,
        action="training.programme.create",
        target=programme,
        organisation=programme.implementer,
        details={"name": programme.name, "targets": dict(data.targets)},
    )
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, data: ProgrammeData) -> Programme:
    _require(
        can(actor, "training.programme.manage", programme)
        and can(actor, "training.programme.create", data.implementer),
        _("You may not change this programme."),
    )
    _save_programme(programme, data)
    record(
        actor=actor,
        action="training.programme.update",
        target=programme,
        organisation=programme.implementer,
        details={"name": programme.name, "targets": dict(data.targets)},
    )
    return programme


# --- events and series --------------------------------------------------------------------
@dataclass(frozen=True)
class AudienceData:
    sector: str
    role: str
    planned: int | None = None


@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    organiser: Organisation
    city: str
    region: Region
    venue: str
    starts_on: date
    ends_on: date
    capacity: int
    languages: Sequence[str]
    programme: Programme | None = None
    description: str = ""
    co_organisers: Sequence[Organisation] = ()
    audiences: Sequence[AudienceData] = ()
    requires_approval: bool = True
    registration_open: bool = True
    reminder_days: int = 2


def _new_event_code() -> str:
    while True:
        code = "".join(secrets.choice(_EVENT_CODE_ALPHABET) for _ in range(8))
        if not Event.objects.filter(code=code).exists():
            return code


def _check_programme(programme: Programme | None, organiser: Organisation) -> None:
    if programme is None:
        return
    if (
        programme.implementer_id != organiser.pk
        and not programme.partners.filter(pk=organiser.pk).exists()
    ):
        raise ValidationError(
            {
                "programme": _(
                    "The organiser must implement this programme or be one of its partners."
                )
            }
        )


def _apply_event_data(event: Event, data: EventData) -> None:
    event.kind = data.kind
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.organiser = data.organiser
    event.programme = data.programme
    event.city = data.city.strip()
    event.region = data.region
    event.venue = data.venue.strip()
    event.starts_on = data.starts_on
    event.ends_on = data.ends_on
    event.capacity = data.capacity
    event.languages = [code for code, _name in settings.LANGUAGES if code in set(data.languages)]
    event.requires_approval = data.requires_approval
    event.registration_open = data.registration_open
    event.reminder_days = data.reminder_days


def _save_audiences(event: Event, audiences: Sequence[AudienceData]) -> None:
    rows = [
        EventAudience(event=event, sector=a.sector, role=a.role.strip(), planned=a.planned)
        for a in audiences
    ]
    for row in rows:
        row.full_clean(exclude=["event"])
    event.audiences.all().delete()
    EventAudience.objects.bulk_create(rows)


@transaction.atomic
def event_create(*, actor: User | None, data: EventData, code: str | None = None) -> Event:
    """A new event. ``code`` (the public address) is for the demo's fixed addresses only."""
    _require(
        _may(actor, "training.event.create", data.organiser),
        _("You may create events only for an organisation where you organise training."),
    )
    _check_programme(data.programme, data.organiser)
    event = Event(code=code or _new_event_code(), created_by=actor)
    _apply_event_data(event, data)
    event.full_clean()
    event.save()
    event.co_organisers.set(data.co_organisers)
    _save_audiences(event, data.audiences)
    record(
        actor=actor,
        action="training.event.create",
        target=event,
        organisation=event.organiser,
        details={"title": event.title, "city": event.city, "starts_on": str(event.starts_on)},
    )
    return event


def _approved_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Status.APPROVED).count()


@transaction.atomic
def event_update(*, actor: User, event: Event, data: EventData) -> Event:
    _require(
        can(actor, "training.event.manage", event)
        and can(actor, "training.event.create", data.organiser),
        _("You may not change this event."),
    )
    event = _locked(event)
    _check_programme(data.programme, data.organiser)
    approved = _approved_count(event)
    if data.capacity < approved:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s people are already approved; the event needs at least as many "
                    "places. Cancel registrations first to make it smaller."
                )
                % {"count": approved}
            }
        )
    if event.sessions.filter(Q(date__lt=data.starts_on) | Q(date__gt=data.ends_on)).exists():
        raise ValidationError(
            {"ends_on": _("Some sessions fall outside these days. Move them first.")}
        )
    _apply_event_data(event, data)
    event.full_clean()
    event.save()
    event.co_organisers.set(data.co_organisers)
    _save_audiences(event, data.audiences)
    record(
        actor=actor,
        action="training.event.update",
        target=event,
        organisation=event.organiser,
        details={"title": event.title, "capacity": event.capacity},
    )
    _fill_from_waiting_list(actor=actor, event=event)
    return event


@transaction.atomic
def series_clone_event(
    *,
    actor: User | None,
    event: Event,
    city: str,
    region: Region,
    venue: str,
    start: date,
    end: date,
    code: str | None = None,
) -> Event:
    """Hold the same event in another city: settings, audiences, trainers and timetable are
    copied, the sessions moved by as many days as the event; both join one series."""
    _require(
        _may(actor, "training.event.manage", event),
        _("You may not copy this event."),
    )
    if end < start:
        raise ValidationError({"end": _("The last day cannot be before the first day.")})
    shift = start - event.starts_on
    sessions = list(event.sessions.prefetch_related("speakers"))
    latest = max((s.date for s in sessions), default=event.starts_on) + shift
    if latest > end:
        raise ValidationError(
            {
                "end": _(
                    "The timetable runs until its day %(days)s; choose a last day on or after "
                    "%(date)s."
                )
                % {
                    "days": (latest - start).days + 1,
                    "date": f"{latest:%d.%m.%Y}",
                }
            }
        )
    if event.series_id is None:
        series = Series.objects.create(
            name=event.title, programme=event.programme, organiser=event.organiser
        )
        event.series = series
        event.save(update_fields=["series", "updated_at"])
    copy = Event(
        code=code or _new_event_code(),
        programme=event.programme,
        series=event.series,
        kind=event.kind,
        title=event.title,
        description=event.description,
        organiser=event.organiser,
        city=city.strip(),
        region=region,
        venue=venue.strip(),
        starts_on=start,
        ends_on=end,
        capacity=event.capacity,
        languages=list(event.languages),
        requires_approval=event.requires_approval,
        registration_open=event.registration_open,
        reminder_days=event.reminder_days,
        created_by=actor,
    )
    try:
        copy.full_clean()
    except ValidationError as error:
        # The form asks for "start" and "end"; the model calls them starts_on and ends_on.
        renamed = {"starts_on": "start", "ends_on": "end"}
        raise ValidationError(
            {renamed.get(k, k): v for k, v in error.message_dict.items()}
        ) from error
    copy.save()
    copy.co_organisers.set(event.co_organisers.all())
    copy.trainers.set(event.trainers.all())
    EventAudience.objects.bulk_create(
        EventAudience(event=copy, sector=a.sector, role=a.role, planned=a.planned)
        for a in event.audiences.all()
    )
    for session in sessions:
        moved = Session.objects.create(
            event=copy,
            date=session.date + shift,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            room=session.room,
            format=session.format,
            topic=session.topic,
            title=session.title,
        )
        moved.speakers.set(session.speakers.all())
    record(
        actor=actor,
        action="training.series.clone",
        target=copy,
        organisation=copy.organiser,
        details={"from_event": event.pk, "series": copy.series_id, "city": copy.city},
    )
    return copy


@transaction.atomic
def event_trainer_add(*, actor: User | None, event: Event, username: str) -> User:
    _require(_may(actor, "training.event.manage", event), _("You may not change this event."))
    trainer = User.objects.filter(username=username.strip(), is_active=True).first()
    if trainer is None or not has_role(trainer, Role.TRAINER):
        raise ValidationError({"username": _("No active trainer account has this user name.")})
    event.trainers.add(trainer)
    record(
        actor=actor,
        action="training.event.trainer_add",
        target=event,
        organisation=event.organiser,
        details={"trainer": trainer.pk},
    )
    return trainer


@transaction.atomic
def event_trainer_remove(*, actor: User, event: Event, trainer: User) -> None:
    _require(can(actor, "training.event.manage", event), _("You may not change this event."))
    event.trainers.remove(trainer)
    record(
        actor=actor,
        action="training.event.trainer_remove",
        target=event,
        organisation=event.organiser,
        details={"trainer": trainer.pk},
    )


# --- speakers and the timetable -----------------------------------------------------------
@dataclass(frozen=True)
class SpeakerData:
    name: str
    title: str = ""
    organisation_name: str = ""
    bio: str = ""


@transaction.atomic
def speaker_create(*, actor: User | None, owner: Organisation, data: SpeakerData) -> Speaker:
    _require(
        _may(actor, "training.event.create", owner),
        _("You may add speakers only to an organisation where you organise training."),
    )
    speaker = Speaker(
        owner=owner,
        name=data.name.strip(),
        title=data.title.strip(),
        organisation_name=data.organisation_name.strip(),
        bio=data.bio.strip(),
    )
    speaker.full_clean()
    speaker.save()
    record(actor=actor, action="training.speaker.create", target=speaker, organisation=owner)
    return speaker


@transaction.atomic
def speaker_update(*, actor: User, speaker: Speaker, data: SpeakerData) -> Speaker:
    _require(
        can(actor, "training.event.create", speaker.owner), _("You may not change this speaker.")
    )
    speaker.name = data.name.strip()
    speaker.title = data.title.strip()
    speaker.organisation_name = data.organisation_name.strip()
    speaker.bio = data.bio.strip()
    speaker.full_clean()
    speaker.save()
    record(
        actor=actor, action="training.speaker.update", target=speaker, organisation=speaker.owner
    )
    return speaker


@dataclass(frozen=True)
class SessionData:
    date: date
    starts_at: time
    ends_at: time
    format: str = Session.Format.LECTURE
    topic: str = ""
    title: str = ""
    room: str = ""
    speakers: Sequence[Speaker] = ()


def _save_session(session: Session, data: SessionData) -> None:
    session.date = data.date
    session.starts_at = data.starts_at
    session.ends_at = data.ends_at
    session.format = data.format
    session.topic = data.topic
    session.title = data.title.strip()
    session.room = data.room.strip()
    foreign = [s for s in data.speakers if s.owner_id != session.event.organiser_id]
    if foreign:
        raise ValidationError({"speakers": _("Choose speakers from the organiser's list.")})
    session.full_clean()
    session.save()
    session.speakers.set(data.speakers)


@transaction.atomic
def session_create(*, actor: User | None, event: Event, data: SessionData) -> Session:
    _require(_may(actor, "training.event.manage", event), _("You may not change this event."))
    session = Session(event=event)
    _save_session(session, data)
    record(
        actor=actor,
        action="training.session.create",
        target=session,
        organisation=event.organiser,
        details={"event": event.pk, "date": str(session.date), "topic": session.topic},
    )
    return session


@transaction.atomic
def session_update(*, actor: User, session: Session, data: SessionData) -> Session:
    _require(
        can(actor, "training.event.manage", session.event), _("You may not change this event.")
    )
    _save_session(session, data)
    record(
        actor=actor,
        action="training.session.update",
        target=session,
        organisation=session.event.organiser,
        details={"event": session.event_id, "date": str(session.date), "topic": session.topic},
    )
    return session


@transaction.atomic
def session_remove(*, actor: User, session: Session) -> None:
    """Take a session out of the timetable; refused once anyone's attendance is recorded."""
    _require(
        can(actor, "training.event.manage", session.event), _("You may not change this event.")
    )
    if session.attendance.exists():
        raise ValidationError(
            _("Attendance is recorded for this session, so it stays in the timetable.")
        )
    record(
        actor=actor,
        action="training.session.remove",
        target=session,
        organisation=session.event.organiser,
        details={"event": session.event_id, "date": str(session.date), "heading": session.heading},
    )
    session.delete()


# --- registrations ------------------------------------------------------------------------
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


def _locked(event: Event) -> Event:
    """The event row, locked until the transaction ends (PostgreSQL; SQLite writes serially)."""
    return Event.objects.select_for_update().select_related("organiser", "region").get(pk=event.pk)


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


# --- bulk import from Excel ---------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class ImportRejected(Exception):
    """Nothing was imported; ``errors`` says, row by row, what to fix."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    approved: int
    waitlisted: int


def _choice_lookup(choices: Sequence[tuple[str, Any]], extra: Mapping[str, str]) -> dict[str, str]:
    lookup = {spreadsheets.fold(alias): key for alias, key in extra.items()}
    for key, label in choices:
        lookup[spreadsheets.fold(key)] = key
        for text in spreadsheets._labels(label):
            lookup[text] = key
    return lookup


_GENDER_ALIASES = {
    "f": "female", "ж": "female", "жен": "female", "женский": "female", "әйел": "female",
    "m": "male", "м": "male", "муж": "male", "мужской": "male", "ер": "male", "еркек": "male",
}  # fmt: skip
_LANGUAGE_ALIASES = {
    "қазақ": "kk", "қазақша": "kk", "казахский": "kk", "kazakh": "kk", "қазақ тілі": "kk",
    "русский": "ru", "орыс": "ru", "орысша": "ru", "russian": "ru", "орыс тілі": "ru",
    "english": "en", "английский": "en", "ағылшын": "en", "ағылшынша": "en",
}  # fmt: skip


def _region_lookup(on: date) -> dict[str, Region]:
    """Regions by key, ISO code or any of their names; a name means the unit valid on the day."""
    lookup: dict[str, Region] = {}
    regions = sorted(Region.objects.all(), key=lambda r: r.valid_to is None)
    for region in regions:
        valid = (region.valid_from is None or region.valid_from <= on) and (
            region.valid_to is None or on <= region.valid_to
        )
        names = [region.name_kk, region.name_ru, region.name_en]
        names += [region.centre_kk, region.centre_ru, region.centre_en]
        for name in names:
            if name and valid:
                lookup[spreadsheets.fold(name)] = region
        lookup[spreadsheets.fold(region.key)] = region
        if valid:
            lookup[spreadsheets.fold(region.iso_code)] = region
    return lookup


def _row_data(
    row: spreadsheets.SheetRow,
    lookups: dict[str, dict[str, Any]],
    add: Callable[[int, str, str], None],
) -> ParticipantData | None:
    values = row.values
    problems = 0

    def pick(column: str, label: str, required: bool) -> Any:
        nonlocal problems
        text = values.get(column, "")
        if not text:
            if required:
                add(row.number, label, _("This column must be filled in."))
                problems += 1
            return None
        found = lookups[column].get(spreadsheets.fold(text))
        if found is None:
            add(row.number, label, _("“%(value)s” is not in the list.") % {"value": text})
            problems += 1
        return found

    labels = {c.key: str(c.label) for c in spreadsheets.COLUMNS}
    sector = pick("sector", labels["sector"], True)
    gender = pick("gender", labels["gender"], True)
    language = pick("language", labels["language"], False) or settings.LANGUAGE_CODE
    region = pick("region", labels["region"], False)
    for column in ("full_name", "organisation_name", "position"):
        if not values.get(column):
            add(row.number, labels[column], _("This column must be filled in."))
            problems += 1
    if problems:
        return None
    return ParticipantData(
        full_name=values.get("full_name", ""),
        organisation_name=values.get("organisation_name", ""),
        sector=sector,
        position=values.get("position", ""),
        gender=gender,
        language=language,
        region=region,
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        accessibility_needs=values.get("accessibility_needs", ""),
    )


def _field_label(name: str) -> str:
    if name == "__all__":
        return ""
    try:
        field = Registration._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@transaction.atomic
def registrations_import(
    *, actor: User | None, event: Event, upload: IO[bytes], consent_confirmed: bool
) -> Imported:
    """Import a participant list: all rows or none. Imported people are the organiser's own
    list, so they are approved in file order while places last; the rest wait in that order."""
    event = _locked(event)
    _require(
        _may(actor, "training.registration.manage", event),
        _("You may not manage the registrations of this event."),
    )
    if not consent_confirmed:
        raise ValidationError(
            {
                "consent_confirmed": _(
                    "Confirm that everyone on the list agreed to their data being processed."
                )
            }
        )
    try:
        _unknown, rows = spreadsheets.read_rows(upload)
    except spreadsheets.SpreadsheetError as error:
        raise ValidationError({"file": str(error)}) from error

    errors: list[RowError] = []

    def add(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    lookups: dict[str, dict[str, Any]] = {
        "sector": _choice_lookup(Sector.choices, {}),
        "gender": _choice_lookup(Registration.Gender.choices, _GENDER_ALIASES),
        "language": _choice_lookup(settings.LANGUAGES, _LANGUAGE_ALIASES),
        "region": _region_lookup(event.starts_on),
    }
    now = timezone.now()
    active = Registration.objects.filter(event=event).exclude(status=Status.CANCELLED)
    known_emails = set(active.exclude(email_key="").values_list("email_key", flat=True))
    known_people = set(active.exclude(phone_key="").values_list("name_key", "phone_key"))
    seen_emails: dict[str, int] = {}
    seen_people: dict[tuple[str, str], int] = {}
    new: list[Registration] = []
    for row in rows:
        data = _row_data(row, lookups, add)
        if data is None:
            continue
        registration = _build(event, data, source=Registration.Source.IMPORT, consent_at=now)
        try:
            _validate(registration)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    add(row.number, _field_label(name), message)
            continue
        person = (registration.name_key, registration.phone_key)
        email_label = str(Registration._meta.get_field("email").verbose_name)
        if registration.email_key in known_emails or person in known_people:
            add(row.number, "", _("Already registered for this event."))
            continue
        if registration.email_key and registration.email_key in seen_emails:
            add(
                row.number,
                email_label,
                _("The same person as in row %(row)s.")
                % {"row": seen_emails[registration.email_key]},
            )
            continue
        if registration.phone_key and person in seen_people:
            add(
                row.number,
                "",
                _("The same person as in row %(row)s.") % {"row": seen_people[person]},
            )
            continue
        if registration.email_key:
            seen_emails[registration.email_key] = row.number
        if registration.phone_key:
            seen_people[person] = row.number
        new.append(registration)
    if errors:
        raise ImportRejected(errors)

    counts = _register_all(actor=actor, event=event, registrations=new, now=now)
    record(
        actor=actor,
        action="training.registration.import",
        target=event,
        organisation=event.organiser,
        details={"rows": len(new), "approved": counts.approved, "waitlisted": counts.waitlisted},
    )
    return counts


def _register_all(
    *,
    actor: User | None,
    event: Event,
    registrations: list[Registration],
    now: datetime,
    notify: bool = True,
) -> Imported:
    """Save a validated list: approved while places last, then the waiting list, in order."""
    approved = _approved_count(event)
    someone_waits = Registration.objects.filter(event=event, status=Status.WAITLISTED).exists()
    codes = _codes_of(event)
    placed = waiting = 0
    for offset, registration in enumerate(registrations):
        registration.personal_code = _free_code(event, codes)
        if approved < event.capacity and not someone_waits:
            registration.status = Status.APPROVED
            registration.decided_at = now
            approved += 1
            placed += 1
        else:
            registration.status = Status.WAITLISTED
            # Keeps the file's order on the waiting list.
            registration.waitlisted_at = now + timedelta(microseconds=offset)
            someone_waits = True
            waiting += 1
    Registration.objects.bulk_create(registrations, batch_size=500)
    if not notify:
        return Imported(approved=placed, waitlisted=waiting)
    saved = Registration.objects.filter(
        event=event, personal_code__in=[r.personal_code for r in registrations]
    ).only("pk", "email", "status")
    for registration in saved:
        if registration.email:
            kind = Kind.APPROVED if registration.status == Status.APPROVED else Kind.WAITLISTED
            _email_after_commit(registration, kind)
    return Imported(approved=placed, waitlisted=waiting)


def registrations_load_synthetic(
    *,
    event: Event,
    people: Sequence[ParticipantData],
    consent_at: datetime,
    pending: int = 0,
) -> Imported:
    """For the demo loader only: save made-up participants without e-mailing anyone. They are
    placed like an import (approved in order while places last); the last ``pending`` wait
    for the organiser's approval instead."""
    registrations = []
    for data in people:
        registration = _build(event, data, source=Registration.Source.IMPORT, consent_at=consent_at)
        _validate(registration)
        registrations.append(registration)
    split = len(registrations) - pending
    placed, waiting = registrations[:split], registrations[split:]
    with transaction.atomic():
        counts = _register_all(
            actor=None, event=event, registrations=placed, now=consent_at, notify=False
        )
        codes = _codes_of(event)
        for registration in waiting:
            registration.source = Registration.Source.PUBLIC
            registration.personal_code = _free_code(event, codes)
        Registration.objects.bulk_create(waiting)
        record(
            actor=None,
            action="training.registration.import",
            target=event,
            organisation=event.organiser,
            details={"rows": len(registrations), "approved": counts.approved, "demo": True},
        )
    return counts


# --- attendance ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AttendanceChange:
    added: int
    removed: int


@transaction.atomic
def attendance_mark(
    *,
    actor: User | None,
    session: Session,
    present: Collection[int],
    listed: Collection[int],
) -> AttendanceChange:
    """Set who was present among the participants the sheet listed (others stay as they were).

    Only approved participants of the session's event count; other ids are ignored.
    """
    event = session.event
    _require(
        _may(actor, "training.attendance.mark", event),
        _("You may not mark attendance for this event."),
    )
    eligible = set(
        Registration.objects.filter(
            event=event, status=Status.APPROVED, pk__in=set(listed)
        ).values_list("pk", flat=True)
    )
    wanted = eligible & set(present)
    existing = set(
        Attendance.objects.filter(session=session, registration_id__in=eligible).values_list(
            "registration_id", flat=True
        )
    )
    to_add = wanted - existing
    to_remove = (eligible - wanted) & existing
    Attendance.objects.bulk_create(
        Attendance(
            registration_id=pk,
            session=session,
            method=Attendance.Method.ORGANISER,
            marked_by=actor,
        )
        for pk in sorted(to_add)
    )
    if to_remove:
        # A correction of the sheet, recorded below with how many marks it took away.
        Attendance.objects.filter(session=session, registration_id__in=to_remove).delete()
    if to_add or to_remove:
        record(
            actor=actor,
            action="training.attendance.mark",
            target=session,
            organisation=event.organiser,
            details={"event": event.pk, "added": len(to_add), "removed": len(to_remove)},
        )
    return AttendanceChange(added=len(to_add), removed=len(to_remove))


class CheckinLinkExpired(Exception):
    """The QR code's link is older than CHECKIN_MAX_AGE."""


class CheckinLinkInvalid(Exception):
    """The link was not made by Qorgau or names no session."""


def checkin_token(*, session: Session) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(session.pk))


def session_for_checkin(*, token: str) -> Session:
    try:
        value = signing.TimestampSigner(salt=CHECKIN_SALT).unsign(token, max_age=CHECKIN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise CheckinLinkExpired from error
    except signing.BadSignature as error:
        raise CheckinLinkInvalid from error
    session = (
        Session.objects.select_related("event__organiser", "event__region")
        .filter(pk=int(value) if value.isdigit() else 0)
        .first()
    )
    if session is None:
        raise CheckinLinkInvalid
    return session


@dataclass(frozen=True)
class CheckedIn:
    session: Session
    attendance: Attendance
    created: bool


def _checkin_person(event: Event, identifier: str) -> Registration | None:
    approved = Registration.objects.filter(event=event, status=Status.APPROVED)
    text = identifier.strip()
    if "@" in text:
        return approved.filter(email_key=email_key(text)).first()
    code = code_key(text)
    return approved.filter(personal_code=code).first() if code else None


@transaction.atomic
def attendance_check_in(*, token: str, identifier: str) -> CheckedIn:
    """A participant checks in from the QR code in the room, with their e-mail or code."""
    session = session_for_checkin(token=token)
    registration = _checkin_person(session.event, identifier)
    if registration is None:
        raise ValidationError(
            {
                "identifier": _(
                    "We found no approved registration for this event with this e-mail address "
                    "or personal code. Check it, or ask the organiser."
                )
            }
        )
    earlier = Attendance.objects.filter(registration=registration, session=session).first()
    if earlier is not None:
        return CheckedIn(session, earlier, created=False)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                registration=registration, session=session, method=Attendance.Method.QR
            )
    except IntegrityError:
        # Two taps at once: the other one recorded it.
        attendance = Attendance.objects.get(registration=registration, session=session)
        return CheckedIn(session, attendance, created=False)
    record(
        actor=None,
        action="training.attendance.check_in",
        target=attendance,
        organisation=session.event.organiser,
        details={"event": session.event_id, "session": session.pk},
    )
    return CheckedIn(session, attendance, created=True)


# --- reminders ----------------------------------------------------------------------------
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
