"""The rules of the training module, tested through its services."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from qorgau.accounts.models import Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.training import services
from qorgau.training.models import (
    Attendance,
    Event,
    EventAudience,
    ProgrammeTarget,
    Registration,
    Sector,
    Session,
)
from qorgau.training.services import (
    AudienceData,
    EventData,
    ProgrammeData,
    SessionData,
    SpeakerData,
)
from qorgau.training.tests.factories import (
    EventFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    in_a_month,
    participant,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once (as in the demo), so e-mails land in mail.outbox."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _event_data(organiser, region, **overrides: Any) -> EventData:
    start = overrides.pop("starts_on", in_a_month())
    values: dict[str, Any] = {
        "kind": Event.Kind.SEMINAR,
        "title": "Identifying child victims of trafficking",
        "organiser": organiser,
        "city": "Karaganda",
        "region": region,
        "venue": "Police academy, hall 1",
        "starts_on": start,
        "ends_on": start + timedelta(days=1),
        "capacity": 25,
        "languages": ["kk", "ru"],
    }
    values.update(overrides)
    return EventData(**values)


def _submit(event: Event, key: str = "", **overrides: Any) -> services.Submitted:
    return services.registration_submit(
        event=event, data=participant(**overrides), consent=True, submission_key=key
    )


# --- programmes ---------------------------------------------------------------------------
def test_an_organiser_creates_a_programme_with_donors_partners_and_targets(
    organiser, organiser_org
):
    donor, partner = OrganisationFactory(), OrganisationFactory()

    programme = services.programme_create(
        actor=organiser,
        data=ProgrammeData(
            name="Children in care",
            implementer=organiser_org,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            donors=[donor],
            partners=[partner],
            targets={"people_trained": 200, "women_share": 50, "regions_covered": 8},
        ),
    )

    assert list(programme.donors.all()) == [donor]
    assert list(programme.partners.all()) == [partner]
    assert dict(programme.targets.values_list("metric", "value")) == {
        "people_trained": 200,
        "women_share": 50,
        "regions_covered": 8,
    }
    assert _audited("training.programme.create") == 1


def test_nobody_creates_a_programme_for_an_organisation_they_do_not_organise_for(organiser):
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=organiser,
            data=ProgrammeData(
                name="Elsewhere", implementer=OrganisationFactory(), starts_on=date(2026, 1, 1)
            ),
        )


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("value", {"targets": {"women_share": 120}}),
        ("ends_on", {"ends_on": date(2025, 1, 1)}),
    ],
)
def test_a_programme_refuses_a_share_over_100_and_an_end_before_its_start(
    organiser, organiser_org, field, data
):
    values = {"name": "P", "implementer": organiser_org, "starts_on": date(2026, 1, 1), **data}

    with pytest.raises(ValidationError) as refused:
        services.programme_create(actor=organiser, data=ProgrammeData(**values))

    assert field in refused.value.message_dict


def test_updating_a_programme_replaces_its_targets(organiser, organiser_org):
    programme = ProgrammeFactory(implementer=organiser_org)
    ProgrammeTarget.objects.create(programme=programme, metric="people_trained", value=10)

    services.programme_update(
        actor=organiser,
        programme=programme,
        data=ProgrammeData(
            name="Renamed",
            implementer=organiser_org,
            starts_on=programme.starts_on,
            targets={"regions_covered": 3},
        ),
    )

    assert dict(programme.targets.values_list("metric", "value")) == {"regions_covered": 3}


# --- events -------------------------------------------------------------------------------
def test_an_organiser_creates_an_event_with_audiences_and_co_organisers(
    organiser, organiser_org, region
):
    ministry = OrganisationFactory(name="Interior Ministry")

    event = services.event_create(
        actor=organiser,
        data=_event_data(
            organiser_org,
            region,
            co_organisers=[ministry],
            audiences=[AudienceData(Sector.LAW_ENFORCEMENT, "police officers", 20)],
        ),
    )

    assert event.code and len(event.code) == 8
    assert list(event.co_organisers.all()) == [ministry]
    assert list(event.audiences.values_list("sector", "role", "planned")) == [
        ("law_enforcement", "police officers", 20)
    ]
    assert _audited("training.event.create") == 1


def test_creating_and_changing_an_event_save_the_same_parts_and_audit_each(
    organiser, organiser_org, region
):
    ministry, academy = OrganisationFactory(), OrganisationFactory()
    created = services.event_create(
        actor=organiser,
        data=_event_data(
            organiser_org,
            region,
            title="  Seminar  ",
            co_organisers=[ministry],
            audiences=[AudienceData(Sector.LAW_ENFORCEMENT, "police officers", 20)],
        ),
    )
    event = services.event_update(
        actor=organiser,
        event=created,
        data=_event_data(
            organiser_org,
            region,
            title="Renamed ",
            city=" Astana",
            capacity=30,
            starts_on=created.starts_on,
            co_organisers=[academy],
            audiences=[AudienceData(Sector.EDUCATION, "teachers", None)],
        ),
    )

    event.refresh_from_db()
    assert (event.title, event.city, event.capacity) == ("Renamed", "Astana", 30)
    assert list(event.co_organisers.all()) == [academy]
    assert list(event.audiences.values_list("sector", "role", "planned")) == [
        ("education", "teachers", None)
    ]
    events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="training.event.")}
    assert events["training.event.create"].details == {
        "title": "Seminar",
        "city": "Karaganda",
        "starts_on": str(created.starts_on),
    }
    assert events["training.event.update"].details == {"title": "Renamed", "capacity": 30}
    assert {e.organisation_id for e in events.values()} == {organiser_org.pk}


def test_a_historical_region_is_accepted_for_its_time_and_refused_after(organiser, organiser_org):
    old_almaty_region = RegionFactory(
        key="KZ-19-2001", valid_to=date(2022, 6, 7), name_en="Almaty Region (until June 2022)"
    )

    then = services.event_create(
        actor=organiser,
        data=_event_data(
            organiser_org, old_almaty_region, city="Taldykorgan", starts_on=date(2011, 10, 4)
        ),
    )
    assert then.region == old_almaty_region

    with pytest.raises(ValidationError) as refused:
        services.event_create(actor=organiser, data=_event_data(organiser_org, old_almaty_region))
    assert "region" in refused.value.message_dict


def test_an_event_belongs_to_a_programme_its_organiser_implements_or_partners(
    organiser, organiser_org, region
):
    foreign = ProgrammeFactory()
    with pytest.raises(ValidationError) as refused:
        services.event_create(
            actor=organiser, data=_event_data(organiser_org, region, programme=foreign)
        )
    assert "programme" in refused.value.message_dict

    foreign.partners.add(organiser_org)
    event = services.event_create(
        actor=organiser, data=_event_data(organiser_org, region, programme=foreign)
    )
    assert event.programme == foreign


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EXPERT, Role.DONOR_OFFICER])
def test_only_organisers_create_events(organiser_org, region, role):
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=user_with_role(role, organiser_org), data=_event_data(organiser_org, region)
        )


def test_an_event_cannot_shrink_below_the_people_already_approved(organiser, event):
    RegistrationFactory.create_batch(2, event=event)

    with pytest.raises(ValidationError) as refused:
        services.event_update(
            actor=organiser,
            event=event,
            data=_event_data(event.organiser, event.region, capacity=1, starts_on=event.starts_on),
        )

    assert "capacity" in refused.value.message_dict


def test_more_places_let_the_waiting_list_in_in_order(
    organiser, event, immediate_tasks, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(2, event=event)
    first = _submit(event, email="first@example.org").registration
    second = _submit(event, email="second@example.org", full_name="Second Person").registration
    for registration in (first, second):
        services.registration_approve(actor=organiser, registration=registration)
    assert {first.status, second.status} == {Status.WAITLISTED}

    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            actor=organiser,
            event=event,
            data=_event_data(event.organiser, event.region, capacity=3, starts_on=event.starts_on),
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.WAITLISTED)
    assert [m.to for m in mail.outbox] == [["first@example.org"]]


# --- series -------------------------------------------------------------------------------
@pytest.fixture
def two_day_seminar(organiser, organiser_org, region) -> Event:
    event = services.event_create(
        actor=organiser,
        data=_event_data(
            organiser_org,
            region,
            starts_on=date(2030, 3, 15),
            co_organisers=[OrganisationFactory(name="Education Ministry")],
            audiences=[AudienceData(Sector.EDUCATION, "orphanage staff", 25)],
        ),
    )
    speaker = SpeakerFactory(owner=organiser_org, name="Nazigul Ahmetkalieva")
    for day, start, end, topic in (
        (0, time(10), time(12, 30), "vulnerable_groups"),
        (0, time(14), time(16, 30), "identification"),
        (1, time(10), time(12), "rehabilitation_reintegration"),
    ):
        services.session_create(
            actor=organiser,
            event=event,
            data=SessionData(
                date=event.starts_on + timedelta(days=day),
                starts_at=start,
                ends_at=end,
                topic=topic,
                room="Hall 2",
                speakers=[speaker],
            ),
        )
    trainer = user_with_role(Role.TRAINER)
    event.trainers.add(trainer)
    RegistrationFactory(event=event)
    return event


def test_cloning_holds_the_event_in_another_city_with_its_timetable_moved_to_the_new_days(
    organiser, two_day_seminar
):
    kostanay = RegionFactory(key="KZ-39", name_en="Kostanay Region")

    copy = services.series_clone_event(
        actor=organiser,
        event=two_day_seminar,
        city="Kostanai",
        region=kostanay,
        venue="Regional library",
        start=date(2030, 3, 27),
        end=date(2030, 3, 28),
    )

    two_day_seminar.refresh_from_db()
    assert copy.series is not None and copy.series == two_day_seminar.series
    assert copy.series.name == two_day_seminar.title
    assert (copy.city, copy.region, copy.venue) == ("Kostanai", kostanay, "Regional library")
    assert (copy.starts_on, copy.ends_on) == (date(2030, 3, 27), date(2030, 3, 28))
    assert copy.code != two_day_seminar.code
    for field in ("title", "kind", "capacity", "languages", "organiser", "requires_approval"):
        assert getattr(copy, field) == getattr(two_day_seminar, field)
    assert list(copy.co_organisers.all()) == list(two_day_seminar.co_organisers.all())
    assert list(copy.trainers.all()) == list(two_day_seminar.trainers.all())
    assert list(copy.audiences.values_list("sector", "role", "planned")) == [
        ("education", "orphanage staff", 25)
    ]
    moved = [
        (s.date, s.starts_at, s.ends_at, s.topic, s.room, [sp.name for sp in s.speakers.all()])
        for s in copy.sessions.all()
    ]
    assert moved == [
        (
            date(2030, 3, 27),
            time(10),
            time(12, 30),
            "vulnerable_groups",
            "Hall 2",
            ["Nazigul Ahmetkalieva"],
        ),
        (
            date(2030, 3, 27),
            time(14),
            time(16, 30),
            "identification",
            "Hall 2",
            ["Nazigul Ahmetkalieva"],
        ),
        (
            date(2030, 3, 28),
            time(10),
            time(12),
            "rehabilitation_reintegration",
            "Hall 2",
            ["Nazigul Ahmetkalieva"],
        ),
    ]
    assert copy.registrations.count() == 0
    assert two_day_seminar.sessions.count() == 3
    assert _audited("training.series.clone") == 1


def test_a_three_city_series_is_one_series(organiser, two_day_seminar):
    cities = [("Pavlodar", date(2030, 4, 10)), ("Kyzylorda", date(2030, 4, 24))]
    copies = [
        services.series_clone_event(
            actor=organiser,
            event=two_day_seminar,
            city=city,
            region=two_day_seminar.region,
            venue="Akimat",
            start=start,
            end=start + timedelta(days=1),
        )
        for city, start in cities
    ]
    # Cloning a clone stays in the same series.
    services.series_clone_event(
        actor=organiser,
        event=copies[0],
        city="Aktau",
        region=two_day_seminar.region,
        venue="Akimat",
        start=date(2030, 5, 17),
        end=date(2030, 5, 18),
    )

    two_day_seminar.refresh_from_db()
    series = two_day_seminar.series
    assert series is not None
    assert sorted(series.events.values_list("city", flat=True)) == [
        "Aktau",
        "Karaganda",
        "Kyzylorda",
        "Pavlodar",
    ]


def test_cloning_refuses_days_too_short_for_the_timetable(organiser, two_day_seminar):
    with pytest.raises(ValidationError) as refused:
        services.series_clone_event(
            actor=organiser,
            event=two_day_seminar,
            city="Atyrau",
            region=two_day_seminar.region,
            venue="Hall",
            start=date(2030, 5, 29),
            end=date(2030, 5, 29),
        )

    assert "end" in refused.value.message_dict
    assert Event.objects.count() == 1


def test_cloning_refuses_a_region_that_did_not_exist_then(organiser, two_day_seminar):
    abolished = RegionFactory(key="KZ-61-1992", valid_to=date(2018, 6, 18))

    with pytest.raises(ValidationError) as refused:
        services.series_clone_event(
            actor=organiser,
            event=two_day_seminar,
            city="Shymkent",
            region=abolished,
            venue="Hall",
            start=date(2030, 5, 3),
            end=date(2030, 5, 4),
        )

    assert "region" in refused.value.message_dict


def test_a_trainer_of_the_event_cannot_clone_it(two_day_seminar):
    trainer = two_day_seminar.trainers.get()

    with pytest.raises(PermissionDenied):
        services.series_clone_event(
            actor=trainer,
            event=two_day_seminar,
            city="Atyrau",
            region=two_day_seminar.region,
            venue="Hall",
            start=date(2030, 5, 29),
            end=date(2030, 5, 30),
        )


# --- timetable ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": date(2029, 1, 1)}, "date"),
        ({"ends_at": time(9)}, "ends_at"),
        ({"topic": "astrology"}, "topic"),
        ({"topic": "", "title": ""}, "title"),
    ],
)
def test_a_session_must_fit_the_event_and_the_catalogue(organiser, event, changes, field):
    values = {
        "date": event.starts_on,
        "starts_at": time(10),
        "ends_at": time(12),
        "topic": "identification",
        **changes,
    }

    with pytest.raises(ValidationError) as refused:
        services.session_create(actor=organiser, event=event, data=SessionData(**values))

    assert field in refused.value.message_dict


def test_speakers_come_from_the_organisers_own_list(organiser, event):
    stranger = SpeakerFactory()

    with pytest.raises(ValidationError) as refused:
        services.session_create(
            actor=organiser,
            event=event,
            data=SessionData(
                date=event.starts_on,
                starts_at=time(10),
                ends_at=time(11),
                topic="psea",
                speakers=[stranger],
            ),
        )

    assert "speakers" in refused.value.message_dict


def test_a_session_with_attendance_stays_in_the_timetable(organiser, event):
    session = SessionFactory(event=event)
    Attendance.objects.create(
        registration=RegistrationFactory(event=event), session=session, method="organiser"
    )

    with pytest.raises(ValidationError):
        services.session_remove(actor=organiser, session=session)

    assert Session.objects.filter(pk=session.pk).exists()


def test_a_speaker_is_added_to_the_organisers_list(organiser, organiser_org):
    speaker = services.speaker_create(
        actor=organiser,
        owner=organiser_org,
        data=SpeakerData(name="Sara Bonotti", title="Human Dimension Officer"),
    )

    assert speaker.owner == organiser_org
    with pytest.raises(PermissionDenied):
        services.speaker_create(
            actor=organiser, owner=OrganisationFactory(), data=SpeakerData(name="X")
        )


def test_only_people_with_a_trainer_role_become_an_events_trainers(organiser, event):
    trainer = user_with_role(Role.TRAINER, username="madina")
    user_with_role(Role.FRONT_LINE, username="aigerim")

    services.event_trainer_add(actor=organiser, event=event, username="madina")
    with pytest.raises(ValidationError):
        services.event_trainer_add(actor=organiser, event=event, username="aigerim")

    assert list(event.trainers.all()) == [trainer]


# --- registration -------------------------------------------------------------------------
def test_a_registration_waits_for_approval_and_records_consent_with_its_time(event):
    before = timezone.now()

    registration = _submit(event).registration

    assert registration.status == Status.PENDING
    assert registration.consent_at >= before
    assert registration.consent_version == services.CONSENT_VERSION
    assert len(registration.personal_code) == 8
    assert _audited("training.registration.submit") == 1


def test_without_approval_the_first_come_get_the_places_and_the_rest_wait(event):
    event.requires_approval = False
    event.save()

    statuses = [
        _submit(event, email=f"p{n}@example.org", full_name=f"Person {n}").registration.status
        for n in range(4)
    ]

    assert statuses == [Status.APPROVED, Status.APPROVED, Status.WAITLISTED, Status.WAITLISTED]


def test_there_is_no_registration_without_consent(event):
    with pytest.raises(ValidationError) as refused:
        services.registration_submit(event=event, data=participant(), consent=False)

    assert "consent" in refused.value.message_dict
    assert Registration.objects.count() == 0


def test_a_registration_needs_an_email_or_a_phone(event):
    with pytest.raises(ValidationError) as refused:
        _submit(event, email="", phone="")

    assert "email" in refused.value.message_dict


@pytest.mark.parametrize("closed", ["registration_closed", "event_over"])
def test_a_closed_or_past_event_takes_no_registrations(event, closed):
    if closed == "registration_closed":
        event.registration_open = False
    else:
        event.starts_on = event.ends_on = timezone.localdate() - timedelta(days=1)
    event.save()

    with pytest.raises(ValidationError) as refused:
        _submit(event)

    assert refused.value.code == "closed"


@pytest.mark.parametrize(
    "again",
    [
        {"email": "AIGERIM@Example.org ", "full_name": "Someone Else"},
        {
            "email": "other@example.org",
            "full_name": "nurlanova  AIGERIM",
            "phone": "8 (701) 123-45-67",
        },
        {"email": "", "full_name": "Нурланова Айгерім", "phone": "+77011234567"},
    ],
    ids=["same-email", "same-name-and-phone", "kazakh-letters-and-plus-7"],
)
def test_the_same_person_registering_twice_is_told_so_and_nothing_is_duplicated(event, again):
    first_name = "Нурланова Айгерим" if "Нурланова" in again["full_name"] else "Aigerim Nurlanova"
    _submit(event, full_name=first_name, phone="+7 701 123 45 67")

    with pytest.raises(ValidationError) as refused:
        _submit(event, **again)

    assert refused.value.code == "duplicate"
    assert "already registered" in refused.value.messages[0]
    assert Registration.objects.filter(event=event).count() == 1


def test_a_cancelled_registration_does_not_block_registering_again(organiser, event):
    first = _submit(event).registration
    services.registration_cancel(actor=organiser, registration=first)

    again = _submit(event)

    assert again.created
    assert Registration.objects.filter(event=event).count() == 2


def test_the_same_person_may_register_for_another_event(event):
    _submit(event)

    assert _submit(EventFactory(organiser=event.organiser)).created


def test_a_double_submit_returns_the_first_registration(event):
    first = _submit(event, key="form-7f3a")

    second = _submit(event, key="form-7f3a")

    assert first.created and not second.created
    assert second.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1


def test_the_database_refuses_a_duplicate_that_bypasses_the_service(event):
    RegistrationFactory(event=event, email="twice@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="Twice@example.org")


def test_the_database_refuses_a_registration_without_contact(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="", phone="")


# --- approval, waiting list, cancellation -------------------------------------------------
def test_approval_gives_a_place_while_there_is_one_then_the_waiting_list(organiser, event):
    people = [
        _submit(event, email=f"p{n}@example.org", full_name=f"P {n}").registration for n in range(3)
    ]

    for registration in people:
        services.registration_approve(actor=organiser, registration=registration)

    assert [r.status for r in people] == [Status.APPROVED, Status.APPROVED, Status.WAITLISTED]
    assert _audited("training.registration.approve") == 3


def test_approving_everyone_waiting_goes_in_the_order_they_registered(organiser, event):
    names = ["Asel", "Bolat", "Dana", "Erlan"]
    for name in names:
        _submit(event, email=f"{name}@example.org", full_name=f"{name} Test")

    result = services.registrations_approve_pending(actor=organiser, event=event)

    assert (result.approved, result.waitlisted) == (2, 2)
    approved = event.registrations.filter(status=Status.APPROVED).order_by("created_at")
    waiting = event.registrations.filter(status=Status.WAITLISTED).order_by("waitlisted_at")
    assert [r.full_name for r in approved] == ["Asel Test", "Bolat Test"]
    assert [r.full_name for r in waiting] == ["Dana Test", "Erlan Test"]


def test_a_person_on_the_waiting_list_cannot_jump_the_queue(organiser, event):
    RegistrationFactory.create_batch(2, event=event)
    waiting = _submit(event).registration
    services.registration_approve(actor=organiser, registration=waiting)
    assert waiting.status == Status.WAITLISTED

    with pytest.raises(ValidationError):
        services.registration_approve(actor=organiser, registration=waiting)


def test_a_cancellation_gives_the_place_to_the_first_person_waiting(
    organiser, event, immediate_tasks, django_capture_on_commit_callbacks
):
    leaving, _staying = RegistrationFactory.create_batch(2, event=event)
    # English, so the subject can be read here; the language of e-mails is tested elsewhere.
    first = _submit(
        event, email="first@example.org", full_name="First Waiting", language="en"
    ).registration
    second = _submit(event, email="second@example.org", full_name="Second Waiting").registration
    for registration in (first, second):
        services.registration_approve(actor=organiser, registration=registration)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=organiser, registration=leaving)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.WAITLISTED)
    assert _audited("training.registration.promote") == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([leaving.email, "first@example.org"])
    promoted = next(m for m in mail.outbox if m.to == ["first@example.org"])
    assert "confirmed" in promoted.subject
    assert promoted.attachments[0][0] == "event.ics"


def test_cancelling_a_place_on_the_waiting_list_promotes_nobody(organiser, event):
    RegistrationFactory.create_batch(2, event=event)
    first = _submit(event, email="first@example.org").registration
    second = _submit(event, email="second@example.org", full_name="Second").registration
    for registration in (first, second):
        services.registration_approve(actor=organiser, registration=registration)

    services.registration_cancel(actor=organiser, registration=first)

    second.refresh_from_db()
    assert second.status == Status.WAITLISTED


def test_a_participant_cancels_from_their_email_link(event):
    registration = _submit(event).registration

    services.registration_cancel(actor=None, registration=registration, by_participant=True)

    assert registration.status == Status.CANCELLED
    event_row = AuditEvent.objects.get(action="training.registration.cancel")
    assert event_row.details["by"] == "participant"
    with pytest.raises(ValidationError):
        services.registration_cancel(actor=None, registration=registration, by_participant=True)


def test_declining_is_for_pending_or_waiting_registrations(organiser, event):
    pending = _submit(event).registration
    approved = RegistrationFactory(event=event)

    services.registration_decline(actor=organiser, registration=pending)

    assert pending.status == Status.DECLINED
    with pytest.raises(ValidationError):
        services.registration_decline(actor=organiser, registration=approved)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EXPERT])
def test_only_the_organiser_manages_registrations(event, role):
    registration = _submit(event).registration
    person = user_with_role(role)
    event.trainers.add(person)

    with pytest.raises(PermissionDenied):
        services.registration_approve(actor=person, registration=registration)


# --- e-mails ------------------------------------------------------------------------------
def test_a_confirmed_place_is_emailed_in_the_participants_language_with_a_calendar_file(
    organiser, event, immediate_tasks, django_capture_on_commit_callbacks
):
    SessionFactory(event=event, topic="psea")
    registration = _submit(event, language="ru").registration
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(actor=organiser, registration=registration)

    (message,) = mail.outbox
    assert message.to == ["aigerim@example.org"]
    assert event.title in message.subject
    assert registration.code_display in message.body
    assert "/t/" in message.body and "/cancel/" in message.body
    # The topic name in the timetable comes from the catalogue, in the participant's language.
    assert "Предотвращение сексуальной эксплуатации" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("event.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content and f"SUMMARY:{event.title}" in content


def test_a_registration_received_email_has_no_calendar_file(
    event, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(event, language="en")

    (message,) = mail.outbox
    assert "We have your registration" in message.subject
    assert message.attachments == []


def test_a_participant_without_email_gets_no_email(
    event, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(event, email="", phone="+7 701 000 00 01")

    assert mail.outbox == []


def test_emails_are_queued_for_the_worker_after_commit(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = _submit(event).registration

    task = DBTaskResult.objects.get()
    assert task.task_path == "qorgau.training.tasks.send_registration_email"
    assert task.args_kwargs["kwargs"] == {"registration_id": registration.pk, "kind": "received"}


# --- reminders ----------------------------------------------------------------------------
def test_reminders_are_queued_within_the_window_once_per_person(organiser_org, region):
    today = date(2030, 6, 1)
    soon = EventFactory(
        organiser=organiser_org,
        region=region,
        starts_on=date(2030, 6, 3),
        ends_on=date(2030, 6, 3),
        reminder_days=2,
    )
    later = EventFactory(
        organiser=organiser_org,
        region=region,
        starts_on=date(2030, 6, 10),
        ends_on=date(2030, 6, 10),
        reminder_days=2,
    )
    silent = EventFactory(
        organiser=organiser_org,
        region=region,
        starts_on=date(2030, 6, 2),
        ends_on=date(2030, 6, 2),
        reminder_days=0,
    )
    due = RegistrationFactory(event=soon)
    RegistrationFactory(event=soon, status=Status.PENDING)
    RegistrationFactory(event=soon, reminded_at=timezone.now())
    RegistrationFactory(event=soon, email="", phone="+77010000002")
    RegistrationFactory(event=later)
    RegistrationFactory(event=silent)

    assert services.reminders_enqueue_due(today=today) == 1

    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"registration_id": due.pk}


def test_a_reminder_is_sent_once_however_often_it_is_queued(event):
    from qorgau.training.tasks import send_event_reminder

    registration = RegistrationFactory(event=event, language="en")

    assert send_event_reminder.call(registration_id=registration.pk) is True
    assert send_event_reminder.call(registration_id=registration.pk) is False

    (message,) = mail.outbox
    assert "Reminder" in message.subject
    assert message.attachments[0][0] == "event.ics"
    registration.refresh_from_db()
    assert registration.reminded_at is not None


def test_the_reminder_command_queues_what_is_due(event):
    event.starts_on = event.ends_on = timezone.localdate() + timedelta(days=1)
    event.save()
    RegistrationFactory(event=event)
    out = io.StringIO()

    call_command("training_reminders", stdout=out)

    assert out.getvalue().strip() == "1 reminders queued"
    assert DBTaskResult.objects.count() == 1


# --- import from Excel --------------------------------------------------------------------
def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


RUSSIAN_HEADER = [
    "ФИО",
    "Организация",
    "Сектор",
    "Должность",
    "Область",
    "Пол",
    "Электронная почта",
    "Телефон",
    "Язык",
]


def _import(event: Event, organiser, rows: list[list[Any]]) -> services.Imported:
    return services.registrations_import(
        actor=organiser, event=event, upload=_xlsx(rows), consent_confirmed=True
    )


def test_an_excel_list_is_imported_approved_in_order_while_places_last(organiser, event):
    event.capacity = 3
    event.save()
    rows = [
        RUSSIAN_HEADER,
        [
            "Ахметова Айгуль",
            "ДП Павлодарской области",
            "Law enforcement",
            "инспектор",
            "Павлодарская область",
            "ж",
            "aigul@example.org",
            "",
            "русский",
        ],
        [
            "Омаров Даурен",
            "Отдел соцзащиты",
            "social",
            "социальный работник",
            "KZ-55",
            "male",
            "",
            "8 701 111 22 33",
            "kk",
        ],
        [
            "Сейткали Асель",
            "Школа № 12",
            "Education",
            "педагог",
            "Павлодар облысы",
            "Female",
            "asel@example.org",
            "",
            "",
        ],
        [None, None, None, None, None, None, None, None, None],
        ["Ким Олег", "Колледж", "education", "мастер", "", "м", "oleg@example.org", "", "en"],
    ]

    result = _import(event, organiser, rows)

    assert (result.approved, result.waitlisted) == (3, 1)
    people = list(event.registrations.order_by("pk"))
    assert [p.full_name for p in people] == [
        "Ахметова Айгуль",
        "Омаров Даурен",
        "Сейткали Асель",
        "Ким Олег",
    ]
    assert [p.status for p in people] == [Status.APPROVED] * 3 + [Status.WAITLISTED]
    assert people[0].region == Region.objects.get(key="KZ-55")
    assert (people[1].sector, people[1].gender, people[1].language) == ("social", "male", "kk")
    assert people[1].phone_key == "77011112233"
    assert people[3].region is None
    assert {p.source for p in people} == {"import"}
    assert _audited("training.registration.import") == 1


def test_one_bad_row_means_nothing_is_imported_and_every_problem_is_listed(organiser, event):
    RegistrationFactory(event=event, email="taken@example.org")
    rows = [
        RUSSIAN_HEADER,
        ["Good Person", "Org", "education", "teacher", "", "f", "good@example.org", "", ""],
        ["", "Org", "astrology", "teacher", "Atlantis", "f", "x@example.org", "", ""],
        ["No Contact", "Org", "education", "teacher", "", "f", "", "", ""],
        ["Same Again", "Org", "education", "teacher", "", "f", "GOOD@example.org", "", ""],
        ["Taken", "Org", "education", "teacher", "", "f", "taken@example.org", "", ""],
        ["Bad Mail", "Org", "education", "teacher", "", "f", "not-an-email", "", ""],
    ]

    with pytest.raises(services.ImportRejected) as rejected:
        _import(event, organiser, rows)

    problems = {(e.row, e.column) for e in rejected.value.errors}
    assert {(3, "Full name"), (3, "Sector"), (3, "Region")} <= problems
    assert (4, "e-mail") in problems
    assert (5, "e-mail") in problems  # the same person as row 2
    assert (6, "") in problems  # already registered
    assert (7, "e-mail") in problems
    assert 2 not in {e.row for e in rejected.value.errors}
    assert event.registrations.count() == 1  # only the one that was there
    assert _audited("training.registration.import") == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (io.BytesIO(b"name,organisation\nA,B\n"), "not an Excel"),
        (_xlsx([["Name only"], ["Someone"]]), "Missing"),
        (_xlsx([RUSSIAN_HEADER]), "no participants"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(organiser, event, upload, message):
    with pytest.raises(ValidationError) as refused:
        services.registrations_import(
            actor=organiser, event=event, upload=upload, consent_confirmed=True
        )

    assert message in refused.value.message_dict["file"][0]


def test_an_import_needs_the_organisers_word_that_people_consented(organiser, event):
    with pytest.raises(ValidationError) as refused:
        services.registrations_import(
            actor=organiser, event=event, upload=_xlsx([RUSSIAN_HEADER]), consent_confirmed=False
        )

    assert "consent_confirmed" in refused.value.message_dict


# --- attendance ---------------------------------------------------------------------------
def test_the_sheet_sets_who_was_present_among_those_listed(organiser, event):
    session = SessionFactory(event=event)
    a, b = RegistrationFactory.create_batch(2, event=event)
    pending = RegistrationFactory(event=event, status=Status.PENDING)

    first = services.attendance_mark(
        actor=organiser,
        session=session,
        present=[a.pk, pending.pk],
        listed=[a.pk, b.pk, pending.pk],
    )
    second = services.attendance_mark(
        actor=organiser, session=session, present=[b.pk], listed=[a.pk, b.pk]
    )

    assert (first.added, first.removed) == (1, 0)
    assert (second.added, second.removed) == (1, 1)
    assert list(session.attendance.values_list("registration_id", flat=True)) == [b.pk]
    assert _audited("training.attendance.mark") == 2


def test_a_trainer_of_the_event_marks_attendance(event):
    trainer = user_with_role(Role.TRAINER)
    event.trainers.add(trainer)
    session = SessionFactory(event=event)
    registration = RegistrationFactory(event=event)

    services.attendance_mark(
        actor=trainer, session=session, present=[registration.pk], listed=[registration.pk]
    )

    assert session.attendance.get().marked_by == trainer


@pytest.fixture
def qr_session(event) -> Session:
    return SessionFactory(event=event)


@pytest.mark.parametrize("identifier", ["AB000042", "ab00-0042", " AB000042 "])
def test_a_participant_checks_in_with_their_personal_code(qr_session, identifier):
    registration = RegistrationFactory(
        event=qr_session.event, email="participant@example.org", personal_code="AB000042"
    )
    token = services.checkin_token(session=qr_session)

    result = services.attendance_check_in(token=token, identifier=identifier)

    assert result.created
    assert result.attendance.registration == registration
    assert result.attendance.method == Attendance.Method.QR
    assert _audited("training.attendance.check_in") == 1


def test_checking_in_twice_records_one_attendance(qr_session):
    RegistrationFactory(event=qr_session.event, personal_code="AB000042")
    token = services.checkin_token(session=qr_session)

    first = services.attendance_check_in(token=token, identifier="AB000042")
    second = services.attendance_check_in(token=token, identifier="AB000042")

    assert first.created and not second.created
    assert Attendance.objects.count() == 1


def test_the_database_refuses_a_second_attendance_for_the_same_session(qr_session):
    registration = RegistrationFactory(event=qr_session.event)
    Attendance.objects.create(registration=registration, session=qr_session, method="qr")

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(registration=registration, session=qr_session, method="qr")


def test_the_qr_link_expires_after_15_minutes(qr_session):
    RegistrationFactory(event=qr_session.event, personal_code="AB000042")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = services.checkin_token(session=qr_session)
        clock.shift(timedelta(minutes=14))
        services.session_for_checkin(token=token)
        clock.shift(timedelta(minutes=2))

        with pytest.raises(services.CheckinLinkExpired):
            services.attendance_check_in(token=token, identifier="AB000042")

    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("tamper", ["wrong-signature", "other-salt", "no-session"])
def test_a_link_not_made_by_qorgau_is_refused(qr_session, tamper):
    from django.core import signing

    token = {
        "wrong-signature": services.checkin_token(session=qr_session)[:-2] + "xx",
        "other-salt": signing.TimestampSigner(salt="other").sign(str(qr_session.pk)),
        "no-session": signing.TimestampSigner(salt=services.CHECKIN_SALT).sign("999999"),
    }[tamper]

    with pytest.raises(services.CheckinLinkInvalid):
        services.session_for_checkin(token=token)


@pytest.mark.parametrize("status", [Status.PENDING, Status.WAITLISTED, Status.CANCELLED])
def test_only_approved_participants_check_in(qr_session, status):
    RegistrationFactory(event=qr_session.event, personal_code="AB000042", status=status)

    with pytest.raises(ValidationError) as refused:
        services.attendance_check_in(
            token=services.checkin_token(session=qr_session), identifier="AB000042"
        )

    assert "identifier" in refused.value.message_dict


def test_a_participant_of_another_event_cannot_check_in_here(qr_session):
    RegistrationFactory(personal_code="AB000042")  # another event

    with pytest.raises(ValidationError):
        services.attendance_check_in(
            token=services.checkin_token(session=qr_session), identifier="AB000042"
        )


def test_audiences_are_replaced_on_update(organiser, event):
    EventAudience.objects.create(event=event, sector="social", role="old")

    services.event_update(
        actor=organiser,
        event=event,
        data=_event_data(
            event.organiser,
            event.region,
            starts_on=event.starts_on,
            audiences=[AudienceData("health", "nurses")],
        ),
    )

    assert list(event.audiences.values_list("role", flat=True)) == ["nurses"]
