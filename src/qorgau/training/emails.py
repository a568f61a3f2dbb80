"""The e-mails a participant receives, in the language they chose, with the calendar file."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.core.signed_links import SignedLink
from qorgau.training.calendar import Slot, build_ics
from qorgau.training.models import Event, Registration

CANCEL_SALT = "qorgau.training.cancel"
CANCEL_LINK = SignedLink(salt=CANCEL_SALT)


class Kind:
    RECEIVED = "received"  # waiting for the organiser's approval
    APPROVED = "approved"  # a place is confirmed (also after moving up from the waiting list)
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    CODE = "code"  # the personal code again, asked for on a public page or by the organiser

    ALL = frozenset({RECEIVED, APPROVED, WAITLISTED, DECLINED, CANCELLED, REMINDER, CODE})


def site_url() -> str:
    """Where links in e-mails point (settings.QORGAU_SITE_URL)."""
    return str(settings.QORGAU_SITE_URL).rstrip("/")


def cancel_token(registration: Registration) -> str:
    return CANCEL_LINK.sign(registration.pk)


def cancel_url(registration: Registration) -> str:
    path = reverse(
        "training_public:cancel",
        kwargs={"code": registration.event.code, "token": cancel_token(registration)},
    )
    return site_url() + path


def event_location(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.city, event.region.name) if part)


def event_ics(event: Event) -> str:
    sessions = list(event.sessions.all())
    return build_ics(
        uid=f"training-event-{event.pk}@qorgau",
        summary=event.title,
        location=event_location(event),
        description=_("Organiser: %(organiser)s") % {"organiser": event.organiser.name},
        first_day=event.starts_on,
        last_day=event.ends_on,
        slots=[Slot(s.date, s.starts_at, s.ends_at) for s in sessions],
        url=site_url() + reverse("training_public:register", kwargs={"code": event.code}),
    )


def _subject(kind: str, event: Event) -> str:
    # Spelled out so that makemessages finds each subject.
    subjects = {
        Kind.RECEIVED: _("We have your registration: %(event)s"),
        Kind.APPROVED: _("Your place is confirmed: %(event)s"),
        Kind.WAITLISTED: _("You are on the waiting list: %(event)s"),
        Kind.DECLINED: _("Your registration was not accepted: %(event)s"),
        Kind.CANCELLED: _("Your registration is cancelled: %(event)s"),
        Kind.REMINDER: _("Reminder: %(event)s starts soon"),
        Kind.CODE: _("Your personal code: %(event)s"),
    }
    return subjects[kind] % {"event": event.title}


def registration_message(registration: Registration, kind: str) -> EmailMessage:
    """The message for one registration, or ValueError for a kind that does not exist."""
    if kind not in Kind.ALL:
        raise ValueError(f"unknown e-mail kind {kind!r}")
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "kind": kind,
            "registration": registration,
            "event": event,
            "location": event_location(event),
            "sessions": list(event.sessions.all()),
            "cancel_url": cancel_url(registration)
            if kind in {Kind.RECEIVED, Kind.APPROVED, Kind.WAITLISTED, Kind.REMINDER}
            else "",
            "event_url": site_url()
            + reverse("training_public:register", kwargs={"code": event.code}),
        }
        message = EmailMessage(
            subject=_subject(kind, event),
            body=render_to_string("training/email/registration.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
        )
        if kind in {Kind.APPROVED, Kind.REMINDER}:
            message.attach("event.ics", event_ics(event), "text/calendar")
    return message
