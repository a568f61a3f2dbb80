"""Attendance: marking it by hand and self check-in by a session's signed link."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.audit.services import record
from qorgau.core.signed_links import LinkExpired, LinkInvalid, TimestampedLink
from qorgau.training.identify import registration_by_code, unknown_code
from qorgau.training.models import (
    Attendance,
    Registration,
    Session,
)
from qorgau.training.services.common import Status, _may, _require

CHECKIN_SALT = "qorgau.training.checkin"
CHECKIN_MAX_AGE = timedelta(minutes=15)
CHECKIN_LINK = TimestampedLink(salt=CHECKIN_SALT, max_age=CHECKIN_MAX_AGE)


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
    return CHECKIN_LINK.sign(session.pk)


def session_for_checkin(*, token: str) -> Session:
    try:
        pk = CHECKIN_LINK.unsign_pk(token)
    except LinkExpired as error:
        raise CheckinLinkExpired from error
    except LinkInvalid as error:
        raise CheckinLinkInvalid from error
    session = (
        Session.objects.select_related("event__organiser", "event__region").filter(pk=pk).first()
    )
    if session is None:
        raise CheckinLinkInvalid
    return session


@dataclass(frozen=True)
class CheckedIn:
    session: Session
    attendance: Attendance
    created: bool


@transaction.atomic
def attendance_check_in(*, token: str, identifier: str) -> CheckedIn:
    """A participant checks in from the QR code in the room, with their personal code (never
    the e-mail address alone: training/identify.py)."""
    session = session_for_checkin(token=token)
    registration = registration_by_code(event_id=session.event_id, identifier=identifier)
    if registration is None:
        raise unknown_code()
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
