"""The demo's training data reproduces the figures of the seed reports."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from qorgau.accounts.models import Region, User
from qorgau.demo.services import demo_load
from qorgau.training.models import Attendance, Event, Programme, Registration, Series
from qorgau.training.selectors import programme_summary

pytestmark = pytest.mark.django_db

APPROVED = Registration.Status.APPROVED


def _series(city: str, year: int) -> Series:
    return Event.objects.get(city=city, starts_on__year=year, series__isnull=False).series


def _approved(**filters) -> int:
    return Registration.objects.filter(status=APPROVED, **filters).count()


def test_the_2010_almaty_seminar_has_20_police_officers_and_20_ngo_people(demo):
    event = Event.objects.get(code="osce-2010-almaty")

    assert (event.starts_on, event.ends_on) == (date(2010, 4, 29), date(2010, 4, 30))
    assert _approved(event=event, sector="law_enforcement") == 20
    assert _approved(event=event, sector="civil_society") == 20


def test_the_2011_and_2012_regional_seminars(demo):
    seminars_2011 = _series("Taldykorgan", 2011).events.order_by("starts_on")
    seminars_2012 = _series("Karaganda", 2012).events.order_by("starts_on")

    assert [e.city for e in seminars_2011] == ["Taldykorgan", "Kokshetau", "Ust-Kamenogorsk"]
    assert [e.city for e in seminars_2012] == [
        "Karaganda", "Kostanai", "Pavlodar", "Kyzylorda", "Shymkent", "Aktau", "Atyrau", "Uralsk",
    ]  # fmt: skip
    assert seminars_2012[0].starts_on == date(2012, 3, 15)
    assert all(e.days == 2 for e in seminars_2012)
    assert _approved(event__in=seminars_2012) == 200
    # Regions as they were then: Taldykorgan was the centre of the pre-2022 Almaty Region.
    assert seminars_2011[0].region.key == "KZ-19-2001"
    assert seminars_2012.get(city="Shymkent").region.key == "KZ-61-1992"
    assert seminars_2012.get(city="Karaganda").region.key == "KZ-35-1997"


def test_the_2012_astana_conference_has_about_50_officials(demo):
    conference = Event.objects.get(code="osce-2012-astana-conference")

    assert conference.kind == Event.Kind.CONFERENCE
    assert conference.starts_on == date(2012, 6, 28)
    assert _approved(event=conference) == 50


def test_the_2016_series_reports_180_participants_across_5_cities(demo):
    series = _series("Shymkent", 2016)
    programme = series.programme
    assert programme is not None

    summary = programme_summary(programme=programme)

    (row,) = summary.series
    assert (row.events, row.trained) == (5, 180)
    assert sorted(row.cities) == ["Almaty", "Astana", "Karaganda", "Kostanay", "Shymkent"]
    assert summary.trained == 180 and summary.regions == 5
    assert {t.target.metric: t.met for t in summary.targets} == {
        "people_trained": True,
        "regions_covered": True,
    }
    assert series.events.get(city="Shymkent").starts_on == date(2016, 10, 6)


def test_the_2024_winter_school_has_master_classes_and_group_case_solving(demo):
    school = Event.objects.get(code="kaznu-2024-winter-school")

    assert school.kind == Event.Kind.SCHOOL
    assert (school.starts_on, school.ends_on) == (date(2024, 1, 26), date(2024, 1, 27))
    formats = set(school.sessions.values_list("format", flat=True))
    assert {"master_class", "case_solving"} <= formats
    assert school.programme is not None
    assert school.programme.donors.filter(name__contains="США").exists()


def test_every_past_participant_was_present_at_least_once(demo):
    past = Registration.objects.filter(event__starts_on__lt=date(2025, 1, 1))

    absent = past.annotate(n=Count("attendance")).filter(n=0)

    assert past.count() == 560
    assert not absent.exists()


def test_participants_are_synthetic_and_events_use_regions_valid_then(demo):
    assert not Registration.objects.exclude(email__endswith="@example.org").exists()
    for event in Event.objects.select_related("region"):
        region: Region = event.region
        assert region.valid_from is None or region.valid_from <= event.starts_on
        assert region.valid_to is None or event.starts_on <= region.valid_to


def test_loading_twice_adds_nothing(demo):
    counts = (Event.objects.count(), Registration.objects.count(), Attendance.objects.count())

    demo_load()

    assert (Event.objects.count(), Registration.objects.count(), Attendance.objects.count()) == (
        counts
    )
    assert Programme.objects.count() == 4


def test_the_upcoming_event_has_people_to_approve(demo):
    upcoming = Event.objects.get(code="demo-upcoming-pavlodar")

    counts = upcoming.registrations.aggregate(
        approved=Count("pk", filter=Q(status=APPROVED)),
        pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
    )

    assert counts == {"approved": 22, "pending": 4}
    assert upcoming.trainers.filter(username="trainer").exists()


@pytest.mark.parametrize(
    ("username", "sees"),
    [("organiser", "osce-2016-shymkent"), ("expert", "kaznu-2024-winter-school"),
     ("trainer", "osce-2016-karaganda")],
)  # fmt: skip
def test_the_demo_logins_find_the_seed_events(demo, username, sees):
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(username=username))

    event = Event.objects.get(code=sees)
    page = client.get(reverse("training:dashboard"), {"q": event.city}).content.decode()

    assert event.title in page
    assert client.get(reverse("training:event_detail", kwargs={"pk": event.pk})).status_code == 200


def test_the_demo_donor_reads_the_programme_their_embassy_funds(demo):
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(username="donor"))
    programme = Programme.objects.get(donors__name="Посольство США в Казахстане")

    response = client.get(reverse("training:programme_detail", kwargs={"pk": programme.pk}))

    assert response.status_code == 200
    assert "<strong>30</strong> participants trained" in response.content.decode()
