"""The reports, computed by the report code from the demo data, give the seed reports' figures.

The figures (shared/seeds/): 2010 Almaty seminar, 20 police officers and 20 NGO people;
2011 seminars in Taldykorgan, Kokshetau and Ust-Kamenogorsk; 2012 eight seminars in Karaganda,
Kostanai, Pavlodar, Kyzylorda, Shymkent, Aktau, Atyrau and Uralsk for some 200 people; the
Astana conference of 28 June 2012 for some 50 officials; 2016 five seminars in Almaty, Astana,
Karaganda, Kostanay and Shymkent for some 180 law-enforcement officers and social workers.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.training import reports
from qorgau.training.models import Event, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(demo):
    return user_with_role(Role.EXPERT)


def _programme(year: int) -> Programme:
    return Programme.objects.filter(events__starts_on__year=year).distinct().get()


def _sectors(table: reports.Table) -> dict[str, int]:
    return {row.label: row.total.value for row in table.rows}


def test_the_2016_series_trained_180_people_in_5_cities(expert):
    report = reports.programme_report(user=expert, programme=_programme(2016))

    assert report.people == 180
    assert [c.city for c in report.cities] == [
        "Almaty",
        "Astana",
        "Karaganda",
        "Kostanay",
        "Shymkent",
    ]
    assert [c.trained for c in report.cities] == [36] * 5
    assert report.events_held == 5 and report.regions_covered == 5
    sectors = _sectors(report.tables[0])
    # law-enforcement officers and social workers, with akimat and prosecutor's office staff
    assert sectors["Law enforcement"] + sectors["Social protection"] >= 160
    targets = {t.metric: (t.target, t.result, t.share) for t in report.targets}
    assert targets == {"people_trained": (180, 180, 100), "regions_covered": (5, 5, 100)}
    assert report.knowledge.gain.n_pairs > 140
    assert report.knowledge.gain.class_gain_band == "medium"


def test_the_2010_almaty_seminar_had_20_police_officers_and_20_ngo_people(expert):
    event = Event.objects.get(code="osce-2010-almaty")

    report = reports.event_report(user=expert, event=event)
    programme = reports.programme_report(user=expert, programme=event.programme)

    assert report.approved == 40
    assert _sectors(report.tables[0]) == {"Law enforcement": 20, "Civil society (NGO)": 20}
    assert programme.people == 40 and [c.city for c in programme.cities] == ["Almaty"]


def test_the_2011_2012_programme_its_cities_the_200_of_2012_and_the_50_officials(expert):
    programme = _programme(2012)

    report = reports.programme_report(user=expert, programme=programme)

    assert [c.city for c in report.cities] == [
        "Taldykorgan", "Kokshetau", "Ust-Kamenogorsk",
        "Karaganda", "Kostanai", "Pavlodar", "Kyzylorda", "Shymkent", "Aktau", "Atyrau", "Uralsk",
        "Astana",
    ]  # fmt: skip
    by_city = {c.city: c.trained for c in report.cities}
    seminars_2012 = [line for line in report.events if line.event.starts_on.year == 2012]
    assert sum(line.trained for line in seminars_2012 if line.event.kind == "seminar") == 200
    assert by_city["Astana"] == 50  # the conference
    assert report.people == 60 + 200 + 50
    assert {t.metric: t.met for t in report.targets} == {
        "people_trained": True,
        "regions_covered": True,
    }

    conference = reports.event_report(
        user=expert, event=Event.objects.get(code="osce-2012-astana-conference")
    )
    assert conference.approved == 50


def test_the_demo_programme_report_pdf_opens_with_its_figures_in_kazakh(expert):
    client = Client()
    client.force_login(expert)
    client.cookies["qorgau_language"] = "kk"
    programme = _programme(2016)

    response = client.get(reverse("training:programme_report_file", args=[programme.pk, "pdf"]))

    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "180" in text and "Shymkent" in text
    assert "Оқытылған адамдар" in text
