"""The reminder of a feedback survey not answered N days (data) after the event's last day:
once per approved participant with an e-mail who has not answered, anonymous surveys
included (who answered is known, what they answered is not: ADR 0015, 0022)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from qorgau.training import surveys
from qorgau.training.models import Registration, Survey, SurveyInvitation, SurveyParticipation
from qorgau.training.survey_templates import survey_templates
from qorgau.training.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def event(organiser_org, region):
    # Last day 27 January 2026; the feedback survey stays open to 10 February.
    return EventFactory(
        organiser=organiser_org,
        region=region,
        starts_on=date(2026, 1, 26),
        ends_on=date(2026, 1, 27),
        title="Winter school",
    )


@pytest.fixture
def feedback(organiser, event) -> Survey:
    survey = surveys.survey_prepare(actor=organiser, event=event, kind=Survey.Kind.FEEDBACK)
    assert survey.anonymous is True
    return survey


def on(day: str):
    return time_machine.travel(f"{day} 09:00 +05:00", tick=False)


def remind(capture) -> int:
    with capture(execute=True):
        return surveys.feedback_reminders_enqueue_due()


def test_the_reminder_day_comes_from_the_data():
    assert survey_templates().feedback_reminder_days_after_end == 7


def test_a_feedback_survey_unanswered_a_week_after_the_event_is_reminded_once_per_person(
    feedback, event, immediate_tasks, django_capture_on_commit_callbacks
):
    kazakh = RegistrationFactory(event=event, language="kk", email="aida@example.org")
    answered = RegistrationFactory(event=event, email="done@example.org")
    SurveyParticipation.objects.create(survey=feedback, registration=answered)
    RegistrationFactory(event=event, status=Registration.Status.PENDING, email="p@example.org")
    RegistrationFactory(event=event, email="", phone="+77010000000", phone_key="77010000000")

    with on("2026-02-02"):
        assert remind(django_capture_on_commit_callbacks) == 0
    with on("2026-02-03"):
        first = remind(django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("training_survey_reminders", stdout=io.StringIO())
        again = remind(django_capture_on_commit_callbacks)

    assert (first, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [["aida@example.org"]]
    message = mail.outbox[0]
    with translation.override("kk"):
        subject = translation.gettext("Reminder: your feedback on %(event)s") % {
            "event": "Winter school"
        }
    assert message.subject == subject != "Reminder: your feedback on Winter school"
    assert "/t/r/" in message.body  # the personal link
    assert "анонимді" in message.body  # and that it stays anonymous
    assert SurveyInvitation.objects.get(survey=feedback).registration == kazakh


def test_no_reminder_once_the_survey_is_closed(
    feedback, event, immediate_tasks, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=event, email="late@example.org")

    with on("2026-02-11"):
        assert remind(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_someone_who_answers_before_the_reminder_leaves_is_not_reminded(
    feedback, event, django_capture_on_commit_callbacks
):
    person = RegistrationFactory(event=event, email="quick@example.org")
    with on("2026-02-03"):
        assert surveys.feedback_reminders_enqueue_due() == 1  # queued for the worker
    invitation = SurveyInvitation.objects.get(survey=feedback)
    SurveyParticipation.objects.create(survey=feedback, registration=person)

    assert surveys.send_survey_invitation.call(invitation_id=invitation.pk) is False
    assert mail.outbox == []


def test_the_daily_command_runs_the_survey_reminders(feedback, event, immediate_tasks):
    RegistrationFactory(event=event, email="aida@example.org")

    with on("2026-02-04"):
        out = io.StringIO()
        call_command("daily", stdout=out)

    assert "training_survey_reminders: 1 survey reminders queued" in out.getvalue()
