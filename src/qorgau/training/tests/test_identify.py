"""Participants without an account identify on the public pages of a test, a check-in and a
survey with their personal code, never with the e-mail address alone, and wrong codes are
rate-limited per page and client address (training/identify.py, ADR 0020).

A lost personal code is e-mailed again (ADR 0024): on the same pages the participant gives
their e-mail address; the page answers the same whether or not it is registered, the code goes
only to the registered address, requests are throttled per event and address and per client,
and the organiser can send it again from the participants list."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.core.models import ThrottleWindow
from qorgau.training import assessments, identify, services, surveys
from qorgau.training.models import Attempt, Attendance, Survey
from qorgau.training.tests.factories import EventFactory, RegistrationFactory, SessionFactory

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


# --- a lost code, e-mailed again ------------------------------------------------------------
PAGES = ["test_url", "checkin_url", "survey_url"]
ANSWER = "If this e-mail address is registered for this event, we have sent the personal code"


@pytest.fixture
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def ask(client: Client, django_capture_on_commit_callbacks, _immediate_tasks):
    """Ask for the code on a page, running what the request queues after commit (the e-mail)."""

    def post(url: str, email: str, **extra: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"lost_code_email": email}, **extra)

    return post


def _answer(response) -> str:
    html = response.content.decode()
    start = html.index('id="lost-code"')
    return html[start : html.index("</details>", start)]


# --- the participant ----------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_each_page_offers_to_send_a_lost_code(client: Client, page, request):
    html = client.get(request.getfixturevalue(page)).content.decode()

    assert 'id="lost-code"' in html
    assert "Lost your code? Send it to my e-mail again" in html
    assert 'name="lost_code_email"' in html


@pytest.mark.parametrize("page", PAGES)
def test_the_code_is_e_mailed_to_a_registered_address_never_shown(ask, person, page, request):
    answered = ask(request.getfixturevalue(page), "  Aigerim@Example.org ")

    assert answered.status_code == 200
    assert ANSWER in _answer(answered)
    assert CODE not in answered.content.decode() and person.code_display not in (
        answered.content.decode()
    )
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert person.code_display in mail.outbox[0].body
    event = AuditEvent.objects.get(action="training.registration.code_request")
    assert event.target_id == str(person.pk)
    assert event.details == {"event": person.event_id, "matched": True}
    assert EMAIL not in str(event.details) and "aigerim" not in str(event.details).lower()


@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(ask, person, page, request):
    url = request.getfixturevalue(page)

    unknown = ask(url, "nobody@example.org")
    known = ask(url, EMAIL)

    assert unknown.status_code == known.status_code == 200
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(_answer(unknown)) == strip(_answer(known))
    assert [m.to for m in mail.outbox] == [[EMAIL]]  # only the known one
    asked = AuditEvent.objects.filter(action="training.registration.code_request")
    unmatched = asked.order_by("seq").first()
    assert unmatched is not None and unmatched.target_id == ""
    assert unmatched.details == {"event": person.event_id, "matched": False}


def test_nobody_is_sent_a_code_of_a_registration_not_approved_or_of_another_event(ask, event):
    RegistrationFactory(event=event, email="waiting@example.org", status="waitlisted")
    RegistrationFactory(event=EventFactory(organiser=event.organiser), email="other@example.org")
    url = reverse("training_public:checkin", kwargs={"token": _checkin_token(event)})

    answers = [ask(url, "waiting@example.org"), ask(url, "other@example.org")]

    assert all(ANSWER in _answer(a) for a in answers)
    assert mail.outbox == []


def _checkin_token(event) -> str:
    return services.checkin_token(session=SessionFactory(event=event))


def test_a_second_click_within_the_window_sends_nothing_new(ask, person, checkin_url):
    first = ask(checkin_url, EMAIL)
    second = ask(checkin_url, EMAIL.upper())

    assert ANSWER in _answer(first) and ANSWER in _answer(second)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="training.registration.code_request").count() == 1
    ThrottleWindow.objects.update(ends_at=timezone.now())  # the window has passed
    ask(checkin_url, EMAIL)
    assert len(mail.outbox) == 2


def test_a_client_asking_too_often_is_stopped_whatever_the_addresses(ask, person, checkin_url):
    for n in range(identify.RESEND_REQUESTS):
        assert ask(checkin_url, f"guess{n}@example.org").status_code == 200

    stopped = ask(checkin_url, EMAIL)
    elsewhere = ask(checkin_url, EMAIL, REMOTE_ADDR="10.0.0.9")

    assert stopped.status_code == 429
    assert "Too many requests from this device" in _answer(stopped)
    assert ANSWER not in _answer(stopped)
    assert elsewhere.status_code == 200 and ANSWER in _answer(elsewhere)
    assert [m.to for m in mail.outbox] == [[EMAIL]]  # only the other client's request


def test_a_bad_address_is_refused_beside_the_field_and_nothing_sent(ask, person, test_url):
    refused = ask(test_url, "not-an-address")

    assert refused.status_code == 200
    assert "Enter a valid email address." in _answer(refused)
    assert ANSWER not in _answer(refused)
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="training.registration.code_request").exists()


def test_asking_for_the_code_is_not_a_wrong_code(ask, client: Client, person, checkin_url):
    for n in range(identify.CODE_ATTEMPTS):
        ask(checkin_url, f"guess{n}@example.org")
    wrong_code_windows = ThrottleWindow.objects.filter(key__startswith="training.wrong-codes:")
    assert not wrong_code_windows.exists()

    checked_in = client.post(checkin_url, {"identifier": CODE})

    assert "You are checked in" in checked_in.content.decode()
    assert Attendance.objects.get().registration == person


def test_lost_code_requests_are_counted_in_the_database_without_the_address(
    ask, person, checkin_url
):
    ask(checkin_url, EMAIL)
    ask(checkin_url, "Aigerim@Example.org")  # the same address: nothing new is sent
    ask(checkin_url, "nobody@example.org")

    per_client = ThrottleWindow.objects.get(key__startswith="training.lost-code-requests:")
    assert per_client.key == "training.lost-code-requests:127.0.0.1"
    assert per_client.count == 3
    per_address = ThrottleWindow.objects.filter(key__startswith="training.lost-code-sends:")
    assert per_address.count() == 2 and all(w.count == 1 for w in per_address)
    plain_digest = hashlib.sha256(EMAIL.encode()).hexdigest()
    for key in ThrottleWindow.objects.values_list("key", flat=True):
        assert "aigerim" not in key.lower() and "nobody" not in key and plain_digest not in key
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_a_send_that_fails_gives_the_address_its_place_back(event):
    request = RequestFactory().post("/", REMOTE_ADDR="10.2.2.2")
    sent: list[int] = []

    def failing() -> None:
        raise RuntimeError("mail queue down")

    with pytest.raises(RuntimeError):
        identify.with_resend_throttle(request, event_id=event.pk, email=EMAIL, send=failing)
    again = identify.with_resend_throttle(
        request, event_id=event.pk, email=EMAIL, send=lambda: sent.append(1)
    )
    twice = identify.with_resend_throttle(
        request, event_id=event.pk, email=EMAIL, send=lambda: sent.append(1)
    )

    assert (again, twice, sent) == (True, False, [1])
    assert identify.LOST_CODE_REQUESTS.used("10.2.2.2") == 3  # every request counted


def test_the_e_mail_and_the_page_speak_the_participant_s_language(ask, client, event, test_url):
    kazakh = RegistrationFactory(event=event, email="kk@example.org", language="kk")
    client.cookies["qorgau_language"] = "ru"

    page = ask(test_url, "kk@example.org", HTTP_ACCEPT_LANGUAGE="ru")

    assert "Если этот адрес" in _answer(page)
    message = mail.outbox[0]
    assert message.subject.startswith("Сіздің жеке кодыңыз")
    assert kazakh.code_display in message.body and "Жеке кодыңыз" in message.body


# --- the organiser ------------------------------------------------------------------------
def _resend_url(registration) -> str:
    return reverse("training:registration_code_resend", kwargs={"pk": registration.pk})


def test_the_organiser_sends_a_participant_s_code_again_after_confirming(
    client: Client, organiser, person, django_capture_on_commit_callbacks, _immediate_tasks
):
    client.force_login(organiser)
    listing = client.get(reverse("training:registrations", kwargs={"pk": person.event_id}))
    confirm = client.get(_resend_url(person))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(_resend_url(person), follow=True)
        again = client.post(_resend_url(person), follow=True)  # a double click

    assert _resend_url(person) in listing.content.decode()
    assert confirm.status_code == 200 and '<form method="post">' in confirm.content.decode()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert person.code_display in mail.outbox[0].body
    assert "was sent again to aigerim@example.org" in sent.content.decode()
    assert "nothing was sent again" in again.content.decode()
    audited = AuditEvent.objects.get(action="training.registration.code_resend")
    assert audited.actor == organiser and audited.target_id == str(person.pk)
    assert audited.details == {"event": person.event_id}


def test_the_organiser_may_send_the_code_again_once_the_minute_has_passed(
    client: Client, organiser, person, django_capture_on_commit_callbacks, _immediate_tasks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_resend_url(person))
    window = ThrottleWindow.objects.get(key__startswith="training.code-resends:")
    assert window.key == f"training.code-resends:{person.pk}"

    ThrottleWindow.objects.update(ends_at=timezone.now())  # the minute has passed
    with django_capture_on_commit_callbacks(execute=True):
        later = client.post(_resend_url(person), follow=True)

    assert "was sent again to aigerim@example.org" in later.content.decode()
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="training.registration.code_resend").count() == 2


def test_a_refused_organiser_resend_takes_no_place(client: Client, organiser, event):
    waiting = RegistrationFactory(event=event, status="waitlisted")
    client.force_login(organiser)

    client.post(_resend_url(waiting))

    assert not ThrottleWindow.objects.filter(key__startswith="training.code-resends:").exists()


def test_only_an_approved_participant_with_an_address_is_sent_a_code(client, organiser, event):
    waiting = RegistrationFactory(event=event, status="waitlisted")
    client.force_login(organiser)

    refused = client.post(_resend_url(waiting), follow=True)

    assert "Only an approved participant with an e-mail address" in refused.content.decode()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="training.registration.code_resend").exists()


def test_others_may_not_send_codes(client: Client, person):
    trainer = user_with_role(Role.TRAINER, person.event.organiser)
    person.event.trainers.add(trainer)
    elsewhere = user_with_role(Role.TRAINING_ORGANISER, OrganisationFactory())

    client.force_login(trainer)
    as_trainer = client.post(_resend_url(person))
    client.force_login(elsewhere)
    as_stranger = client.post(_resend_url(person))

    # Neither sees the participants of the event: 404, as for what they may not know exists.
    assert as_trainer.status_code == as_stranger.status_code == 404
    assert mail.outbox == []
