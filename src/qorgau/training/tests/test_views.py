"""Training pages: wiring, refusals, what each page shows to whom, and query counts."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory, user_with_role
from qorgau.training import services
from qorgau.training.models import Attendance, Event, Registration
from qorgau.training.tests.factories import (
    EventFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Aigerim Nurlanova",
        "organisation_name": "Pavlodar district police",
        "sector": "law_enforcement",
        "position": "Juvenile inspector",
        "region": "",
        "gender": "female",
        "email": "aigerim@example.org",
        "phone": "",
        "language": "kk",
        "accessibility_needs": "",
        "consent": "on",
        "submission": "7f3a9c",
    }
    data.update(overrides)
    return data


def _register_url(event: Event) -> str:
    return reverse("training_public:register", kwargs={"code": event.code})


# --- the public registration page ---------------------------------------------------------
def test_the_public_page_needs_no_account_and_shows_no_participant(client: Client, event):
    RegistrationFactory(
        event=event,
        full_name="Secret Participant",
        email="secret@example.org",
        phone="+7 701 555 44 33",
    )
    SessionFactory(event=event, topic="safe_migration")

    response = client.get(_register_url(event))

    assert response.status_code == 200
    page = response.content.decode()
    assert event.title in page
    assert "Safe migration" in page
    assert "1 place left." in page
    for private in ("Secret Participant", "secret@example.org", "555 44 33", "AB0"):
        assert private not in page


def test_a_participant_registers_and_sees_their_personal_code_only(client: Client, event):
    RegistrationFactory(event=event, full_name="Other Person", email="other@example.org")

    response = client.post(_register_url(event), _form())

    assert response.status_code == 302
    registration = Registration.objects.get(email="aigerim@example.org")
    assert registration.status == Status.PENDING
    thanks = client.get(response["Location"])
    page = thanks.content.decode()
    assert registration.code_display in page
    assert "Other Person" not in page and "other@example.org" not in page


def test_a_double_submit_of_the_form_leads_to_the_same_registration(client: Client, event):
    first = client.post(_register_url(event), _form())
    second = client.post(_register_url(event), _form())

    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1
    thanks = [client.get(r["Location"]).content.decode() for r in (first, second)]
    code = Registration.objects.get().code_display
    assert all(code in page for page in thanks)


def test_registering_twice_says_so_clearly_in_the_persons_language(client: Client, event):
    client.post(_register_url(event), _form())

    response = client.post(
        _register_url(event), _form(submission="another-form", full_name="Aigerim N.")
    )

    assert response.status_code == 200
    assert "already registered for this event with this e-mail address" in (
        response.content.decode()
    )
    assert Registration.objects.count() == 1


def test_the_form_says_what_is_missing(client: Client, event):
    response = client.post(_register_url(event), _form(consent="", email="", full_name=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert "We can register you only with your consent" in page
    assert "Give an e-mail address or a phone number." in page
    assert Registration.objects.count() == 0


def test_a_filled_honeypot_registers_nobody(client: Client, event):
    client.post(_register_url(event), _form(website="http://spam.example"))

    assert Registration.objects.count() == 0


def test_a_closed_event_shows_no_form_and_takes_no_post(client: Client, event):
    event.registration_open = False
    event.save()

    page = client.get(_register_url(event)).content.decode()
    response = client.post(_register_url(event), _form())

    assert "Registration for this event is closed." in page
    assert 'name="full_name"' not in page
    assert response.status_code == 409
    assert Registration.objects.count() == 0


def test_a_full_event_offers_the_waiting_list(client: Client, event):
    RegistrationFactory.create_batch(2, event=event)

    page = client.get(_register_url(event)).content.decode()

    assert "The event is full" in page and "waiting list" in page


def test_an_unknown_event_code_is_404(client: Client, db):
    assert client.get("/t/nosuchevent/").status_code == 404


def test_the_public_calendar_file_downloads(client: Client, event):
    response = client.get(reverse("training_public:calendar", kwargs={"code": event.code}))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT\r\n" in response.content


def test_the_thanks_page_link_is_signed(client: Client, event):
    registration = RegistrationFactory(event=event)
    url = reverse(
        "training_public:registered", kwargs={"code": event.code, "token": f"{registration.pk}:x:y"}
    )

    assert client.get(url).status_code == 404


def test_a_participant_cancels_from_the_link_after_confirming(client: Client, event):
    from qorgau.training.emails import cancel_token

    registration = RegistrationFactory(event=event)
    url = reverse(
        "training_public:cancel", kwargs={"code": event.code, "token": cancel_token(registration)}
    )

    confirm = client.get(url)
    assert "Cancel your registration?" in confirm.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED

    done = client.post(url)

    assert "Your registration is cancelled" in done.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


# --- check-in by QR -----------------------------------------------------------------------
def test_checking_in_from_the_qr_link(client: Client, event):
    session = SessionFactory(event=event)
    RegistrationFactory(event=event, personal_code="AB000042")
    url = reverse(
        "training_public:checkin", kwargs={"token": services.checkin_token(session=session)}
    )

    form = client.get(url)
    done = client.post(url, {"identifier": "ab00-0042"})
    again = client.post(url, {"identifier": "ab00-0042"})

    assert form.status_code == 200 and 'name="identifier"' in form.content.decode()
    assert "You are checked in" in done.content.decode()
    assert "You were already checked in" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_an_expired_qr_link_says_so(client: Client, event):
    session = SessionFactory(event=event)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        url = reverse(
            "training_public:checkin", kwargs={"token": services.checkin_token(session=session)}
        )
        clock.shift(timedelta(minutes=16))
        response = client.get(url)

    assert response.status_code == 410
    assert "This check-in code has expired" in response.content.decode()


def test_a_wrong_identifier_is_explained_without_revealing_anyone(client: Client, event):
    session = SessionFactory(event=event)
    RegistrationFactory(event=event, full_name="Hidden Name", email="p@example.org")
    url = reverse(
        "training_public:checkin", kwargs={"token": services.checkin_token(session=session)}
    )

    page = client.post(url, {"identifier": "ZZZZ-9999"}).content.decode()

    assert "We found no approved registration" in page
    assert "Hidden Name" not in page


def test_the_qr_page_shows_a_fresh_code_that_renews_itself(client: Client, organiser, event):
    session = SessionFactory(event=event)
    client.force_login(organiser)

    response = client.get(reverse("training:session_qr", kwargs={"pk": session.pk}))

    assert response.status_code == 200
    assert response["Refresh"] == "60"
    page = response.content.decode()
    assert "<svg" in page
    link = re.search(r'id="checkin-url" href="([^"]+)"', page)
    assert link and "/t/c/" in link.group(1)
    assert client.get(link.group(1)).status_code == 200


# --- organiser pages ----------------------------------------------------------------------
def test_the_dashboard_lists_the_organisers_events_with_counts(client: Client, organiser, event):
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.PENDING)
    other = EventFactory(title="Someone else's seminar")
    client.force_login(organiser)

    response = client.get(reverse("training:dashboard"))

    page = response.content.decode()
    assert event.title in page
    assert "1 / 2" in page
    assert other.title not in page


@pytest.mark.parametrize("role", [Role.FRONT_LINE, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_people_without_a_training_role_do_not_get_the_training_pages(client: Client, role):
    client.force_login(user_with_role(role))

    assert client.get(reverse("training:dashboard")).status_code == 403


def test_the_training_menu_item_shows_for_training_roles_only(client: Client, organiser):
    client.force_login(organiser)
    assert reverse("training:dashboard") in client.get(reverse("core:home")).content.decode()

    client.force_login(user_with_role(Role.FRONT_LINE))
    assert reverse("training:dashboard") not in client.get(reverse("core:home")).content.decode()


def test_the_registrations_page_shows_participants_to_the_organiser(
    client: Client, organiser, event
):
    RegistrationFactory(event=event, full_name="Dana Seitova", email="dana@example.org")
    client.force_login(organiser)

    page = client.get(reverse("training:registrations", kwargs={"pk": event.pk})).content.decode()

    assert "Dana Seitova" in page and "dana@example.org" in page


@pytest.mark.parametrize("who", ["trainer", "expert", "co-organiser", "other-organiser", "donor"])
def test_nobody_but_the_organiser_sees_the_participants(client: Client, event, who):
    RegistrationFactory(event=event, full_name="Dana Seitova")
    person = {
        "trainer": lambda: user_with_role(Role.TRAINER),
        "expert": lambda: user_with_role(Role.EXPERT),
        "co-organiser": lambda: user_with_role(Role.TRAINING_ORGANISER),
        "other-organiser": lambda: user_with_role(Role.TRAINING_ORGANISER),
        "donor": lambda: user_with_role(Role.DONOR_OFFICER),
    }[who]()
    if who == "trainer":
        event.trainers.add(person)
    if who == "co-organiser":
        event.co_organisers.add(person.memberships.get().organisation)
    client.force_login(person)

    response = client.get(reverse("training:registrations", kwargs={"pk": event.pk}))

    assert response.status_code in (403, 404)
    assert "Dana Seitova" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainer", 200), ("expert", 200), ("other-trainer", 404), ("donor", 404)],
)
def test_who_may_open_the_event_page(client: Client, event, who, status):
    person = user_with_role(
        Role.DONOR_OFFICER if who == "donor" else Role.EXPERT if who == "expert" else Role.TRAINER
    )
    if who == "trainer":
        event.trainers.add(person)
    client.force_login(person)

    response = client.get(reverse("training:event_detail", kwargs={"pk": event.pk}))

    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert reverse("training:registrations", kwargs={"pk": event.pk}) not in page
        assert event.code not in page  # the public link is for organisers to share


def test_a_trainer_marks_attendance_seeing_names_only(client: Client, event):
    trainer = user_with_role(Role.TRAINER)
    event.trainers.add(trainer)
    session = SessionFactory(event=event)
    present, absent = (
        RegistrationFactory(event=event, full_name="Asel Present", email="asel@example.org"),
        RegistrationFactory(event=event, full_name="Bolat Absent"),
    )
    client.force_login(trainer)
    url = reverse("training:attendance", kwargs={"pk": session.pk})

    page = client.get(url).content.decode()
    response = client.post(url, {"listed": [present.pk, absent.pk], "present": [present.pk]})

    assert "Asel Present" in page and "asel@example.org" not in page
    assert response.status_code == 302
    assert list(session.attendance.values_list("registration_id", flat=True)) == [present.pk]


def test_declining_asks_for_confirmation_first(client: Client, organiser, event):
    registration = RegistrationFactory(event=event, status=Status.PENDING, full_name="Erlan K")
    client.force_login(organiser)
    url = reverse(
        "training:registration_action", kwargs={"pk": registration.pk, "action": "decline"}
    )

    confirm = client.get(url)
    registration.refresh_from_db()
    assert "Decline this registration?" in confirm.content.decode()
    assert registration.status == Status.PENDING

    client.post(url)

    registration.refresh_from_db()
    assert registration.status == Status.DECLINED


def test_approving_is_a_post_from_the_list(client: Client, organiser, event):
    registration = RegistrationFactory(event=event, status=Status.PENDING)
    client.force_login(organiser)
    url = reverse(
        "training:registration_action", kwargs={"pk": registration.pk, "action": "approve"}
    )

    assert client.get(url).status_code == 404
    response = client.post(url)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED


def test_another_organisation_cannot_act_on_a_registration(client: Client, event):
    registration = RegistrationFactory(event=event, status=Status.PENDING)
    client.force_login(user_with_role(Role.TRAINING_ORGANISER))
    url = reverse(
        "training:registration_action", kwargs={"pk": registration.pk, "action": "approve"}
    )

    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_an_organiser_creates_an_event_from_the_form(
    client: Client, organiser, organiser_org, region
):
    client.force_login(organiser)
    start = timezone.localdate() + timedelta(days=40)

    response = client.post(
        reverse("training:event_new"),
        {
            "kind": "seminar",
            "title": "Standards of assistance",
            "organiser": organiser_org.pk,
            "city": "Pavlodar",
            "region": region.pk,
            "venue": "Akimat",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=1)).isoformat(),
            "capacity": "30",
            "languages": ["kk", "ru"],
            "requires_approval": "on",
            "registration_open": "on",
            "reminder_days": "2",
            "audience-TOTAL_FORMS": "2",
            "audience-INITIAL_FORMS": "0",
            "audience-0-sector": "social",
            "audience-0-role": "social workers",
            "audience-0-planned": "15",
            "audience-1-sector": "",
            "audience-1-role": "",
        },
    )

    event = Event.objects.get(title="Standards of assistance")
    assert response["Location"] == reverse("training:event_detail", kwargs={"pk": event.pk})
    assert list(event.audiences.values_list("role", flat=True)) == ["social workers"]


def test_cloning_from_the_page_makes_the_next_city_of_the_series(client: Client, organiser, event):
    SessionFactory(event=event)
    client.force_login(organiser)
    start = event.starts_on + timedelta(days=14)

    response = client.post(
        reverse("training:event_clone", kwargs={"pk": event.pk}),
        {
            "city": "Aktau",
            "region": RegionFactory(key="KZ-47").pk,
            "venue": "Library",
            "start": start.isoformat(),
            "end": (start + timedelta(days=1)).isoformat(),
        },
    )

    copy = Event.objects.get(city="Aktau")
    assert response["Location"] == reverse("training:event_detail", kwargs={"pk": copy.pk})
    assert copy.sessions.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "This series" in page and "Pavlodar" in page


def test_the_import_page_lists_the_rows_to_fix(client: Client, organiser, event):
    workbook = Workbook()
    workbook.active.append(["Full name", "Organisation", "Sector", "Position", "Gender", "E-mail"])
    workbook.active.append(["", "Org", "astrology", "Teacher", "f", "a@example.org"])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "list.xlsx"
    client.force_login(organiser)

    response = client.post(
        reverse("training:registrations_import", kwargs={"pk": event.pk}),
        {"file": upload, "consent_confirmed": "on"},
    )

    page = response.content.decode()
    assert "Nothing was imported: 2 problems to fix." in page
    assert "“astrology” is not in the list." in page
    assert Registration.objects.count() == 0


def test_the_import_template_is_an_excel_file_with_the_columns(client: Client, organiser, event):
    client.force_login(organiser)

    response = client.get(reverse("training:registrations_template", kwargs={"pk": event.pk}))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Full name", "Organisation", "Sector"]


def test_a_donor_reads_the_programme_summary_without_any_participant(client: Client, event):
    donor = user_with_role(Role.DONOR_OFFICER)
    programme = ProgrammeFactory(implementer=event.organiser)
    programme.donors.add(donor.memberships.get().organisation)
    event.programme = programme
    event.save()
    session = SessionFactory(event=event)
    for gender in ("female", "male"):
        registration = RegistrationFactory(event=event, gender=gender, full_name=f"Name {gender}")
        Attendance.objects.create(registration=registration, session=session, method="qr")
    client.force_login(donor)

    response = client.get(reverse("training:programme_detail", kwargs={"pk": programme.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<strong>2</strong> participants trained", page)
    assert "<strong>50%</strong> women" in page
    assert "Name female" not in page and "@example.org" not in page
    assert reverse("training:event_detail", kwargs={"pk": event.pk}) not in page


def test_a_donor_does_not_see_programmes_their_organisation_does_not_fund(client: Client):
    client.force_login(user_with_role(Role.DONOR_OFFICER))

    response = client.get(
        reverse("training:programme_detail", kwargs={"pk": ProgrammeFactory().pk})
    )

    assert response.status_code == 404


# --- query counts -------------------------------------------------------------------------
def _same_queries(client: Client, url: str, add_more, django_assert_num_queries) -> None:
    client.get(url)  # warm up: the real workspace, sessions
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_more()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_registrations_page_runs_the_same_queries_for_3_or_30_people(
    client: Client, organiser, event, django_assert_num_queries
):
    region = RegionFactory()
    RegistrationFactory.create_batch(3, event=event, region=region)
    client.force_login(organiser)

    _same_queries(
        client,
        reverse("training:registrations", kwargs={"pk": event.pk}),
        lambda: RegistrationFactory.create_batch(27, event=event, region=RegionFactory()),
        django_assert_num_queries,
    )


def test_the_dashboard_runs_the_same_queries_for_2_or_30_events(
    client: Client, organiser, organiser_org, django_assert_num_queries
):
    def events(n: int) -> None:
        for _ in range(n):
            event = EventFactory(
                organiser=organiser_org, programme=ProgrammeFactory(implementer=organiser_org)
            )
            RegistrationFactory(event=event)

    events(2)
    client.force_login(organiser)

    _same_queries(
        client, reverse("training:dashboard"), lambda: events(28), django_assert_num_queries
    )


def test_the_attendance_sheet_runs_the_same_queries_for_3_or_60_people(
    client: Client, organiser, event, django_assert_num_queries
):
    event.capacity = 100
    event.save()
    session = SessionFactory(event=event)
    RegistrationFactory.create_batch(3, event=event)
    client.force_login(organiser)

    _same_queries(
        client,
        reverse("training:attendance", kwargs={"pk": session.pk}),
        lambda: [
            Attendance.objects.create(registration=r, session=session, method="qr")
            for r in RegistrationFactory.create_batch(57, event=event)
        ],
        django_assert_num_queries,
    )


def test_the_programme_page_runs_the_same_queries_for_1_or_8_events(
    client: Client, organiser, organiser_org, django_assert_num_queries
):
    programme = ProgrammeFactory(implementer=organiser_org)

    def events(n: int) -> None:
        for _ in range(n):
            event = EventFactory(organiser=organiser_org, programme=programme)
            RegistrationFactory.create_batch(2, event=event)

    events(1)
    client.force_login(organiser)

    _same_queries(
        client,
        reverse("training:programme_detail", kwargs={"pk": programme.pk}),
        lambda: events(7),
        django_assert_num_queries,
    )


def test_other_organisations_events_are_not_even_acknowledged(client: Client, organiser):
    foreign = EventFactory(organiser=OrganisationFactory())
    client.force_login(organiser)

    for name in ("event_detail", "event_edit", "registrations", "event_clone"):
        assert client.get(reverse(f"training:{name}", kwargs={"pk": foreign.pk})).status_code == 404
