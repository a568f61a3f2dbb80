from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory
from qorgau.training.models import (
    Attendance,
    Event,
    Programme,
    Registration,
    Sector,
    Session,
    Speaker,
)
from qorgau.training.normalise import email_key, name_key, phone_key
from qorgau.training.services import ParticipantData


def in_a_month() -> date:
    return timezone.localdate() + timedelta(days=30)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    implementer = factory.SubFactory(OrganisationFactory)
    starts_on = date(2026, 1, 1)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"event{n:04d}")
    kind = Event.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Identifying child victims {n}")
    organiser = factory.SubFactory(OrganisationFactory)
    city = "Pavlodar"
    region = factory.SubFactory(RegionFactory)
    venue = "Regional akimat, hall 2"
    starts_on = factory.LazyFunction(in_a_month)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=1))
    capacity = 20
    languages = factory.LazyFunction(lambda: ["kk", "ru"])


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    owner = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Speaker {n}")
    title = "Psychologist"
    organisation_name = "Crisis centre"


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    date = factory.LazyAttribute(lambda o: o.event.starts_on)
    starts_at = time(10, 0)
    ends_at = time(12, 0)
    topic = "identification"
    room = "Hall 2"


class RegistrationFactory(DjangoModelFactory):
    """An approved registration straight in the database (the services are tested elsewhere)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Participant Number{n}")
    organisation_name = "District police"
    sector = Sector.LAW_ENFORCEMENT
    position = "Inspector"
    gender = Registration.Gender.FEMALE
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    phone = ""
    language = "ru"
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "1"
    source = Registration.Source.PUBLIC
    status = Registration.Status.APPROVED
    personal_code = factory.Sequence(lambda n: f"AB{n:06d}")
    email_key = factory.LazyAttribute(lambda o: email_key(o.email))
    name_key = factory.LazyAttribute(lambda o: name_key(o.full_name))
    phone_key = factory.LazyAttribute(lambda o: phone_key(o.phone))


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    session = factory.SubFactory(SessionFactory)
    method = Attendance.Method.ORGANISER


def participant(**overrides: Any) -> ParticipantData:
    values: dict[str, Any] = {
        "full_name": "Aigerim Nurlanova",
        "organisation_name": "Pavlodar district police",
        "sector": Sector.LAW_ENFORCEMENT,
        "position": "Juvenile inspector",
        "gender": "female",
        "language": "kk",
        "email": "aigerim@example.org",
        "phone": "",
    }
    values.update(overrides)
    return ParticipantData(**values)
