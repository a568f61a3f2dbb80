"""Every read of the training module, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can, has_role, organisation_ids_of
from qorgau.accounts.roles import Role
from qorgau.training.models import (
    Attendance,
    Event,
    Programme,
    ProgrammeTarget,
    Registration,
    Series,
    Session,
    Speaker,
)
from qorgau.training.reports import trained_people

Status = Registration.Status


# --- what a person works with -------------------------------------------------------------
def organising_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations where the user organises training (where they may create things)."""
    return Organisation.objects.filter(
        pk__in=organisation_ids_of(user, Role.TRAINING_ORGANISER), is_active=True
    ).order_by("name")


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    def count(status: str) -> Count:
        return Count("registrations", filter=Q(registrations__status=status), distinct=True)

    return events.annotate(
        approved_count=count(Status.APPROVED),
        pending_count=count(Status.PENDING),
        waitlisted_count=count(Status.WAITLISTED),
    )


def events_visible_to(
    *, user: User, query: str = "", programme: Programme | None = None
) -> QuerySet[Event]:
    """The events the user may open: their organisation's (also as co-organiser), the ones
    they train at, or every event for an expert. Newest first."""
    events = Event.objects.select_related("organiser", "region", "programme", "series")
    if not has_role(user, Role.EXPERT):
        organising = organisation_ids_of(user, Role.TRAINING_ORGANISER)
        scope = Q(organiser_id__in=organising) | Q(
            pk__in=Event.co_organisers.through.objects.filter(
                organisation_id__in=organising
            ).values("event_id")
        )
        if has_role(user, Role.TRAINER):
            scope |= Q(
                pk__in=Event.trainers.through.objects.filter(user_id=user.pk).values("event_id")
            )
        events = events.filter(scope)
    if programme is not None:
        events = events.filter(programme=programme)
    if query:
        events = events.filter(
            Q(title__icontains=query) | Q(city__icontains=query) | Q(venue__icontains=query)
        )
    return events.order_by("-starts_on", "title", "pk")


def programmes_visible_to(*, user: User) -> QuerySet[Programme]:
    """Programmes the user may read: implemented by their organisation, funded by it (donor
    officers), or all of them for an expert."""
    programmes = Programme.objects.select_related("implementer")
    if not has_role(user, Role.EXPERT):
        funders = organisation_ids_of(user, Role.DONOR_OFFICER)
        programmes = programmes.filter(
            Q(implementer_id__in=organisation_ids_of(user, Role.TRAINING_ORGANISER))
            | Q(
                pk__in=Programme.donors.through.objects.filter(organisation_id__in=funders).values(
                    "programme_id"
                )
            )
        )
    return programmes.annotate(event_count=Count("events", distinct=True)).order_by(
        "-starts_on", "name", "pk"
    )


def programmes_for_events(*, organisations: QuerySet[Organisation]) -> QuerySet[Programme]:
    """Programmes an event of these organisations may belong to (implementer or partner)."""
    return (
        Programme.objects.filter(Q(implementer__in=organisations) | Q(partners__in=organisations))
        .distinct()
        .order_by("-starts_on", "name")
    )


def speakers_of(*, organisations: QuerySet[Organisation] | list[Organisation]) -> QuerySet[Speaker]:
    return Speaker.objects.filter(owner__in=organisations).order_by("name", "pk")


# --- fetch and check in one call ----------------------------------------------------------
def access_programme(*, user: User, pk: int, action: str) -> Programme:
    programme = Programme.objects.select_related("implementer").filter(pk=pk).first()
    if programme is None or not can(user, "training.programme.view", programme):
        raise Http404
    if not can(user, action, programme):
        raise PermissionDenied
    return programme


def access_event(*, user: User, pk: int, action: str) -> Event:
    event = (
        Event.objects.select_related("organiser", "region", "programme", "series")
        .filter(pk=pk)
        .first()
    )
    if event is None or not can(user, "training.event.view", event):
        raise Http404
    if not can(user, action, event):
        raise PermissionDenied
    return event


def access_session(*, user: User, pk: int, action: str) -> Session:
    session = Session.objects.filter(pk=pk).only("pk", "event_id").first()
    if session is None:
        raise Http404
    event = access_event(user=user, pk=session.event_id, action=action)
    found = Session.objects.prefetch_related("speakers").get(pk=pk)
    found.event = event
    return found


def access_registration(*, user: User, pk: int, action: str) -> Registration:
    registration = Registration.objects.select_related("region").filter(pk=pk).first()
    if registration is None:
        raise Http404
    event = access_event(user=user, pk=registration.event_id, action="training.event.view")
    if not can(user, "training.registration.view", event):
        raise Http404
    if not can(user, action, event):
        raise PermissionDenied
    registration.event = event
    return registration


def access_speaker(*, user: User, pk: int) -> Speaker:
    speaker = Speaker.objects.select_related("owner").filter(pk=pk).first()
    if speaker is None or not can(user, "training.event.create", speaker.owner):
        raise Http404
    return speaker


# --- one event ----------------------------------------------------------------------------
def timetable(*, event: Event) -> list[tuple[date, list[Session]]]:
    """The sessions grouped by day, each with its speakers."""
    days: dict[date, list[Session]] = {}
    sessions = (
        event.sessions.prefetch_related("speakers")
        .annotate(present_count=Count("attendance"))
        .order_by("date", "starts_at", "pk")
    )
    for session in sessions:
        days.setdefault(session.date, []).append(session)
    return sorted(days.items())


@dataclass(frozen=True)
class Counts:
    approved: int
    pending: int
    waitlisted: int
    declined: int
    cancelled: int

    @property
    def active(self) -> int:
        return self.approved + self.pending + self.waitlisted


def registration_counts(*, event: Event) -> Counts:
    rows = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Counts(**{status: rows.get(status, 0) for status in Status.values})


def places_left(*, event: Event) -> int:
    approved = Registration.objects.filter(event=event, status=Status.APPROVED).count()
    return max(event.capacity - approved, 0)


def event_registrations(
    *, user: User, event: Event, status: str = "", query: str = ""
) -> QuerySet[Registration]:
    """The participants of an event, with their details: for its organisers only."""
    if not can(user, "training.registration.view", event):
        return Registration.objects.none()
    registrations = Registration.objects.filter(event=event).select_related("region")
    if status in Status.values:
        registrations = registrations.filter(status=status)
    if query:
        registrations = registrations.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation_name__icontains=query)
            | Q(personal_code__iexact=query.replace("-", "").strip())
        )
    if status == Status.WAITLISTED:
        return registrations.order_by("waitlisted_at", "pk")
    return registrations.order_by("created_at", "pk")


def attendance_sheet(*, user: User, session: Session, query: str = "") -> QuerySet[Registration]:
    """Approved participants of the session's event with whether they are marked present.

    Names only: trainers mark attendance too and see nothing else about a participant.
    """
    if not can(user, "training.attendance.mark", session.event):
        return Registration.objects.none()
    sheet = Registration.objects.filter(event_id=session.event_id, status=Status.APPROVED)
    if query:
        sheet = sheet.filter(full_name__icontains=query)
    return (
        sheet.annotate(
            present=Exists(
                Attendance.objects.filter(session=session, registration_id=OuterRef("pk"))
            )
        )
        .only("pk", "full_name", "event_id")
        .order_by("full_name", "pk")
    )


def series_events(*, event: Event) -> QuerySet[Event]:
    if event.series_id is None:
        return Event.objects.none()
    return (
        Event.objects.filter(series_id=event.series_id)
        .select_related("region")
        .order_by("starts_on", "pk")
    )


def public_event(*, code: str) -> Event:
    event = Event.objects.select_related("organiser", "region").filter(code=code).first()
    if event is None:
        raise Http404
    return event


def public_sessions(*, event: Event) -> list[tuple[date, list[Session]]]:
    return timetable(event=event)


# --- programme summaries (no participant's details) ---------------------------------------
def _trained(event_ref: str, **extra: object) -> Coalesce:
    """How many approved registrations of the event were present at least once."""
    rows = (
        Registration.objects.filter(
            event_id=OuterRef(event_ref), status=Status.APPROVED, attendance__isnull=False, **extra
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class SeriesRow:
    series: Series
    events: int
    cities: list[str]
    trained: int


@dataclass(frozen=True)
class TargetRow:
    target: ProgrammeTarget
    result: int

    @property
    def met(self) -> bool:
        return self.result >= self.target.value


@dataclass(frozen=True)
class ProgrammeSummary:
    events: Sequence[Event]
    series: list[SeriesRow]
    trained: int
    women: int
    regions: int
    events_held: int
    targets: list[TargetRow]

    @property
    def women_share(self) -> int | None:
        return round(100 * self.women / self.trained) if self.trained else None


def programme_summary(*, programme: Programme) -> ProgrammeSummary:
    """Targets against results, per event and per series. Counts only, never a person: each
    person once across the programme (or the series), as the report for donors counts."""
    events = list(
        with_counts(Event.objects.filter(programme=programme).select_related("region", "series"))
        .annotate(
            trained=_trained("pk"),
            women_trained=_trained("pk", gender=Registration.Gender.FEMALE),
        )
        .order_by("starts_on", "pk")
    )
    people = trained_people(programme=programme)
    trained = len(people.people)
    women = people.women
    held = [e for e in events if e.trained]
    regions = len({e.region_id for e in held})
    series: dict[int, list[Any]] = {}
    for event in events:
        if event.series_id is not None:
            series.setdefault(event.series_id, []).append(event)
    series_rows = [
        SeriesRow(
            series=members[0].series,
            events=len(members),
            cities=[e.city for e in members],
            trained=people.people_of_events(e.pk for e in members),
        )
        for members in series.values()
    ]
    women_share = round(100 * women / trained) if trained else 0
    results: dict[str, int] = {
        ProgrammeTarget.Metric.PEOPLE_TRAINED: trained,
        ProgrammeTarget.Metric.WOMEN_SHARE: women_share,
        ProgrammeTarget.Metric.REGIONS_COVERED: regions,
        ProgrammeTarget.Metric.EVENTS_HELD: len(held),
    }
    targets = [
        TargetRow(target=target, result=results.get(target.metric, 0))
        for target in programme.targets.all()
    ]
    return ProgrammeSummary(
        events=events,
        series=series_rows,
        trained=trained,
        women=women,
        regions=regions,
        events_held=len(held),
        targets=targets,
    )
