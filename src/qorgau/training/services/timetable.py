"""Writing speakers and the timetable of an event's sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.training.models import (
    Event,
    Session,
    Speaker,
)
from qorgau.training.services.common import _may, _require


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
