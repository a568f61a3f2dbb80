"""Writing events and series: details, audiences, cloning a series event, trainers."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can, has_role
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.training.models import (
    Event,
    EventAudience,
    Programme,
    Series,
    Session,
)
from qorgau.training.services.common import _approved_count, _locked, _may, _require
from qorgau.training.services.registration import _fill_from_waiting_list

_EVENT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


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


def _save_event(
    *,
    actor: User | None,
    event: Event,
    data: EventData,
    action: str,
    details: Callable[[Event], dict[str, Any]],
) -> None:
    """The end of event_create and event_update: the data onto the event, checked and saved
    with its co-organisers and audiences, and the audit event (``details`` of the saved event)."""
    _apply_event_data(event, data)
    event.full_clean()
    event.save()
    event.co_organisers.set(data.co_organisers)
    _save_audiences(event, data.audiences)
    record(
        actor=actor,
        action=action,
        target=event,
        organisation=event.organiser,
        details=details(event),
    )


@transaction.atomic
def event_create(*, actor: User | None, data: EventData, code: str | None = None) -> Event:
    """A new event. ``code`` (the public address) is for the demo's fixed addresses only."""
    _require(
        _may(actor, "training.event.create", data.organiser),
        _("You may create events only for an organisation where you organise training."),
    )
    _check_programme(data.programme, data.organiser)
    event = Event(code=code or _new_event_code(), created_by=actor)
    _save_event(
        actor=actor,
        event=event,
        data=data,
        action="training.event.create",
        details=lambda e: {"title": e.title, "city": e.city, "starts_on": str(e.starts_on)},
    )
    return event


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
    _save_event(
        actor=actor,
        event=event,
        data=data,
        action="training.event.update",
        details=lambda e: {"title": e.title, "capacity": e.capacity},
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
