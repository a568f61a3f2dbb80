"""Participants without an account identify on the public pages of a test, a check-in and a
survey with their personal code, never with the e-mail address alone, and wrong codes are
rate-limited per page and client address (training/identify.py, ADR 0020)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from qorgau.core.models import ThrottleWindow
from qorgau.training import assessments, identify, services, surveys
from qorgau.training.models import Attempt, Attendance, Survey
from qorgau.training.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

EMAIL = "aigerim@example.org"
CODE = "KX4P7Q2M"


@pytest.fixture
def person(event):
    return RegistrationFactory(event=event, email=EMAIL, personal_code=CODE)


@pytest.fixture
def open_test(event):
    assessments.question_bank_load(entries=assessments.demo_bank_entries())
    pre, _post = assessments.tests_prepare(actor=None, event=event, per_form=4)
    return assessments.assessment_open(actor=None, assessment=pre)


@pytest.fixture
def test_url(open_test) -> str:
    token = assessments.assessment_token(assessment=open_test)
    return reverse("training_public:test", kwargs={"token": token})


@pytest.fixture
def session(event):
    return SessionFactory(event=event)


@pytest.fixture
def checkin_url(session) -> str:
    token = services.checkin_token(session=session)
    return reverse("training_public:checkin", kwargs={"token": token})


@pytest.fixture
def survey_url(event) -> str:
    today = timezone.localdate()
    survey = Survey.objects.create(event=event, kind="feedback", opens_on=today, closes_on=today)
    return reverse("training_public:survey", kwargs={"token": surveys.survey_token(survey)})


# --- the services: the code, never the e-mail ---------------------------------------------
def test_the_e_mail_address_alone_does_not_start_someone_s_test(person, open_test):
    token = assessments.assessment_token(assessment=open_test)

    with pytest.raises(ValidationError) as refused:
        assessments.attempt_start(token=token, identifier=EMAIL)

    assert "identifier" in refused.value.message_dict
    assert not Attempt.objects.exists()


def test_the_e_mail_address_alone_does_not_check_someone_in(person, session):
    token = services.checkin_token(session=session)

    with pytest.raises(ValidationError) as refused:
        services.attendance_check_in(token=token, identifier=EMAIL)

    assert "identifier" in refused.value.message_dict
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("typed", ["KX4P7Q2M", "kx4p-7q2m", " KX4P 7Q2M "])
def test_the_personal_code_starts_the_test_and_checks_in(person, open_test, session, typed):
    attempt = assessments.attempt_start(
        token=assessments.assessment_token(assessment=open_test), identifier=typed
    )
    checked_in = services.attendance_check_in(
        token=services.checkin_token(session=session), identifier=typed
    )

    assert attempt.registration == person
    assert checked_in.attendance.registration == person


def test_a_code_with_an_at_sign_is_no_back_door(person, event):
    assert identify.registration_by_code(event_id=event.pk, identifier=f"{CODE}@x") is None
    assert identify.registration_by_code(event_id=event.pk, identifier=CODE) == person


def test_the_refusal_speaks_of_the_personal_code_in_every_language(event, session):
    token = services.checkin_token(session=session)
    messages = {}
    for language in ("en", "ru", "kk"):
        with override(language), pytest.raises(ValidationError) as refused:
            services.attendance_check_in(token=token, identifier="nobody@example.org")
        messages[language] = refused.value.message_dict["identifier"][0]

    assert "personal code" in messages["en"] and "e-mail address or" not in messages["en"]
    assert "кодом" in messages["ru"] and "кодпен" in messages["kk"]


# --- the pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["test_url", "checkin_url", "survey_url"])
def test_each_page_asks_for_the_personal_code(client: Client, page, request):
    content = client.get(request.getfixturevalue(page)).content.decode()

    assert "Your personal code" in content
    assert "e-mail address or personal code" not in content


def test_the_test_page_refuses_the_e_mail_address_and_takes_the_code(
    client: Client, person, test_url
):
    refused = client.post(test_url, {"identifier": EMAIL})
    taken = client.post(test_url, {"identifier": "kx4p-7q2m"})

    assert refused.status_code == 200 and "identifier" in refused.context["form"].errors
    assert taken.status_code == 302
    assert Attempt.objects.get().registration == person


def test_the_check_in_page_refuses_the_e_mail_address_and_takes_the_code(
    client: Client, person, checkin_url
):
    refused = client.post(checkin_url, {"identifier": EMAIL})
    assert "identifier" in refused.context["form"].errors
    assert not Attendance.objects.exists()

    taken = client.post(checkin_url, {"identifier": CODE})

    assert "You are checked in" in taken.content.decode()
    assert Attendance.objects.get().registration == person


@pytest.mark.parametrize("page", ["test_url", "checkin_url", "survey_url"])
def test_guessing_codes_is_stopped_after_a_few_wrong_ones(client: Client, person, page, request):
    url = request.getfixturevalue(page)
    for guess in range(identify.CODE_ATTEMPTS):
        assert client.post(url, {"identifier": f"AAAA{guess:04d}"}).status_code == 200

    stopped = client.post(url, {"identifier": CODE})

    assert stopped.status_code == 429
    assert "Too many attempts with a wrong code" in str(stopped.context["form"].errors)
    assert not Attempt.objects.exists() and not Attendance.objects.exists()
    # The window has passed (travelling 15 minutes on would expire the check-in link too).
    ThrottleWindow.objects.update(ends_at=timezone.now())
    assert client.post(url, {"identifier": CODE}).status_code in (200, 302)


def test_the_throttle_counts_per_page_and_per_address(
    client: Client, person, test_url, checkin_url
):
    for guess in range(identify.CODE_ATTEMPTS):
        client.post(test_url, {"identifier": f"AAAA{guess:04d}"})

    assert client.post(test_url, {"identifier": CODE}).status_code == 429
    other_page = client.post(checkin_url, {"identifier": CODE})
    assert other_page.status_code == 200 and "You are checked in" in other_page.content.decode()
    other_address = client.post(test_url, {"identifier": CODE}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_right_codes_do_not_count_against_a_room_sharing_one_address(
    client: Client, event, checkin_url
):
    people = RegistrationFactory.create_batch(identify.CODE_ATTEMPTS + 2, event=event)

    answers = [client.post(checkin_url, {"identifier": p.personal_code}) for p in people]

    assert all(a.status_code == 200 for a in answers)
    assert Attendance.objects.count() == len(people)


def test_the_throttle_message_is_translated(client: Client, person, checkin_url):
    for guess in range(identify.CODE_ATTEMPTS):
        client.post(checkin_url, {"identifier": f"AAAA{guess:04d}"})

    for language, word in (("ru", "попыт"), ("kk", "әрекет")):
        client.cookies["qorgau_language"] = language
        page = client.post(checkin_url, {"identifier": CODE}, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 429
        assert word in page.content.decode().lower()


def test_wrong_codes_are_counted_in_the_database_every_worker_shares(
    client: Client, person, checkin_url, session
):
    for guess in range(3):
        client.post(checkin_url, {"identifier": f"AAAA{guess:04d}"})
    client.post(checkin_url, {"identifier": CODE})  # a right one gives its place back

    window = ThrottleWindow.objects.get()
    assert window.key == f"training.wrong-codes:checkin:{session.pk}:127.0.0.1"
    assert window.count == 3
    assert identify.WRONG_CODES.used(f"checkin:{session.pk}:127.0.0.1") == 3
