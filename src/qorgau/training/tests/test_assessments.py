"""Pre/post tests: forms, the one attempt, scoring, the link, the pages and the results."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.training import assessments
from qorgau.training.models import (
    Assessment,
    Attempt,
    AttemptAnswer,
    FormItem,
    ParallelForm,
    Question,
)
from qorgau.training.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db) -> int:
    return assessments.question_bank_load(entries=assessments.demo_bank_entries())


@pytest.fixture
def tests(event, bank) -> tuple[Assessment, Assessment]:
    pre, post = assessments.tests_prepare(actor=None, event=event, per_form=11)
    return pre, post


def _open(test: Assessment) -> Assessment:
    return assessments.assessment_open(actor=None, assessment=test)


def _right_answers(attempt: Attempt) -> dict[int, list[int]]:
    return {
        item.pk: sorted(assessments.correct_option_ids(item.question))
        for item in assessments.attempt_items(attempt)
    }


# --- the bank and the forms -----------------------------------------------------------------
def test_the_demo_bank_has_twenty_questions_in_three_languages(bank):
    assert bank >= 20
    questions = list(Question.objects.prefetch_related("options"))
    assert all(assessments.usable_in(q, lang) for q in questions for lang in ("kk", "ru", "en"))
    assert {q.kind for q in questions} == {"single", "multiple", "true_false"}
    assert all(assessments.correct_option_ids(q) for q in questions)
    # loading again adds nothing
    assert assessments.question_bank_load(entries=assessments.demo_bank_entries()) == 0


def test_a_question_without_a_translation_is_not_usable():
    question = Question.objects.create(
        topic="identification", kind="single", text={"ru": "Вопрос", "en": "Question"}
    )
    question.options.create(position=1, text={"ru": "Да", "en": "Yes"}, correct=True)
    question.options.create(position=2, text={"ru": "Нет", "en": "No", "kk": "Жоқ"})
    assert assessments.usable_in(question, "ru")
    assert not assessments.usable_in(question, "kk")


def test_forms_a_and_b_are_parallel(event, tests):
    a = list(FormItem.objects.filter(event=event, form="A").select_related("question"))
    b = list(FormItem.objects.filter(event=event, form="B").select_related("question"))
    assert len(a) == len(b) == 11
    assert {q.question_id for q in a}.isdisjoint({q.question_id for q in b})
    profile = sorted((i.question.topic, i.question.difficulty) for i in a)
    assert profile == sorted((i.question.topic, i.question.difficulty) for i in b)


def test_forms_cannot_change_once_someone_answered(event, tests):
    pre, _post = tests
    _open(pre)
    registration = RegistrationFactory(event=event)
    assessments.attempt_start(
        token=assessments.assessment_token(assessment=pre), identifier=registration.personal_code
    )
    with pytest.raises(ValidationError):
        assessments.tests_prepare(actor=None, event=event)


def test_each_participant_gets_one_form_before_and_the_other_after(event):
    people = RegistrationFactory.create_batch(40, event=event)
    firsts = []
    for person in people:
        pre = assessments.form_for(person, "pre")
        post = assessments.form_for(person, "post")
        assert {pre, post} == {ParallelForm.A, ParallelForm.B}
        assert assessments.form_for(person, "pre") == pre  # deterministic
        firsts.append(pre)
    assert 10 <= firsts.count("A") <= 30  # both forms are used


# --- attempts ---------------------------------------------------------------------------------
def test_one_attempt_per_participant_and_scoring(event, tests):
    pre, _post = tests
    _open(pre)
    registration = RegistrationFactory(event=event)
    token = assessments.assessment_token(assessment=pre)
    attempt = assessments.attempt_start(token=token, identifier=registration.personal_code)
    again = assessments.attempt_start(token=token, identifier=registration.code_display.lower())
    assert again.pk == attempt.pk
    assert attempt.form == assessments.form_for(registration, "pre")

    right = _right_answers(attempt)
    items = list(right)
    # all right on all but two; a multiple-choice question half right counts as wrong
    answers = dict(right)
    answers[items[0]] = []
    answers[items[1]] = [
        o.pk
        for o in FormItem.objects.get(pk=items[1]).question.options.all()
        if o.pk not in right[items[1]]
    ][:1]
    assessments.attempt_save(attempt=attempt, answers={items[2]: right[items[2]]})
    assert AttemptAnswer.objects.filter(attempt=attempt, correct=True).count() == 1
    done = assessments.attempt_submit(attempt=attempt, answers=answers)
    assert done.score == Decimal("81.8")  # 9 of 11
    with pytest.raises(assessments.AttemptClosed):
        assessments.attempt_submit(attempt=attempt, answers=right)
    assert Attempt.objects.filter(registration=registration).count() == 1


def test_score_of():
    assert assessments.score_of(0, 10) == Decimal("0.0")
    assert assessments.score_of(10, 10) == Decimal("100.0")
    assert assessments.score_of(2, 3) == Decimal("66.7")
    assert assessments.score_of(0, 0) == Decimal("0.0")


def test_single_choice_takes_one_answer(event, tests):
    pre, _post = tests
    _open(pre)
    registration = RegistrationFactory(event=event)
    attempt = assessments.attempt_start(
        token=assessments.assessment_token(assessment=pre), identifier=registration.personal_code
    )
    single = next(
        i for i in assessments.attempt_items(attempt) if i.question.kind != Question.Kind.MULTIPLE
    )
    both = [o.pk for o in single.question.options.all()][:2]
    with pytest.raises(ValidationError):
        assessments.attempt_save(attempt=attempt, answers={single.pk: both})


def test_a_closed_test_takes_no_new_attempts_and_no_answers(event, tests):
    pre, _post = tests
    registration = RegistrationFactory(event=event)
    token = assessments.assessment_token(assessment=pre)
    with pytest.raises(assessments.AttemptClosed):
        assessments.attempt_start(token=token, identifier=registration.personal_code)
    _open(pre)
    attempt = assessments.attempt_start(token=token, identifier=registration.personal_code)
    assessments.assessment_close(actor=None, assessment=pre)
    with pytest.raises(assessments.AttemptClosed):
        assessments.attempt_save(attempt=attempt, answers={})


def test_unknown_or_unapproved_people_cannot_start(event, tests):
    pre, _post = tests
    _open(pre)
    token = assessments.assessment_token(assessment=pre)
    pending = RegistrationFactory(event=event, status="pending")
    with pytest.raises(ValidationError):
        assessments.attempt_start(token=token, identifier=pending.personal_code)
    with pytest.raises(ValidationError):
        assessments.attempt_start(token=token, identifier="nobody@example.org")


def test_the_link_expires_and_cannot_be_forged(event, tests):
    pre, _post = tests
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = assessments.assessment_token(assessment=pre)
        clock.shift(timedelta(hours=23))
        assert assessments.assessment_for_token(token=token) == pre
        clock.shift(timedelta(hours=2))
        with pytest.raises(assessments.AssessmentLinkExpired):
            assessments.assessment_for_token(token=token)
    with pytest.raises(assessments.AssessmentLinkInvalid):
        assessments.assessment_for_token(token=token[:-2] + "xx")


def test_only_the_organiser_and_the_events_trainers_manage_tests(event, bank):
    outsider = user_with_role(Role.TRAINING_ORGANISER, OrganisationFactory())
    with pytest.raises(PermissionDenied):
        assessments.tests_prepare(actor=outsider, event=event)
    trainer = user_with_role(Role.TRAINER, OrganisationFactory())
    event.trainers.add(trainer)
    pre, _post = assessments.tests_prepare(actor=trainer, event=event)
    assessments.assessment_open(actor=trainer, assessment=pre)
    with pytest.raises(PermissionDenied):
        assessments.assessment_close(actor=outsider, assessment=pre)


# --- pages ------------------------------------------------------------------------------------
def test_a_participant_takes_the_test_without_an_account_or_javascript(
    client: Client, event, tests
):
    pre, _post = tests
    _open(pre)
    registration = RegistrationFactory(event=event, language="kk")
    url = reverse(
        "training_public:test", kwargs={"token": assessments.assessment_token(assessment=pre)}
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"identifier": registration.personal_code})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # a plain HTML form with save and submit buttons: it works without JavaScript
    # (where htmx runs, each change is also autosaved with the same POST as "Save")
    assert '<form method="post" class="test-form">' in page
    assert 'name="save"' in page and 'name="submit"' in page
    assert 'type="radio"' in page and 'type="checkbox"' in page
    assert "Қылмыстық кодекс" in page or "бала" in page  # the questions are in Kazakh
    attempt = Attempt.objects.get(registration=registration)
    data: dict[str, list[str]] = {
        f"q{item}": [str(o) for o in options] for item, options in _right_answers(attempt).items()
    }
    autosaved = client.post(response["Location"], {"q0": ["1"]}, HTTP_HX_REQUEST="true")
    assert autosaved.status_code == 204
    saved = client.post(response["Location"], data)
    assert saved.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert attempt.answers.filter(correct=True).count() == 11
    submitted = client.post(response["Location"], {**data, "submit": "1"}, follow=True)
    assert 'id="submitted"' in submitted.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.0")


def test_another_participants_answers_are_never_reachable(client: Client, event, tests):
    pre, _post = tests
    _open(pre)
    token = assessments.assessment_token(assessment=pre)
    mine, theirs = RegistrationFactory.create_batch(2, event=event)
    attempt = assessments.attempt_start(token=token, identifier=theirs.personal_code)
    assert (
        client.get(reverse("training_public:attempt", kwargs={"key": "guess"})).status_code == 404
    )
    assert (
        client.get(reverse("training_public:attempt", kwargs={"key": str(attempt.pk)})).status_code
        == 404
    )
    # identifying as oneself leads to one's own attempt, never the other's
    response = client.post(
        reverse("training_public:test", kwargs={"token": token}), {"identifier": mine.personal_code}
    )
    assert attempt.key not in response["Location"]


def test_an_expired_link_says_so(client: Client, event, tests):
    pre, _post = tests
    with time_machine.travel(timezone.now(), tick=False) as clock:
        url = reverse(
            "training_public:test",
            kwargs={"token": assessments.assessment_token(assessment=pre)},
        )
        clock.shift(timedelta(hours=25))
        response = client.get(url)
    assert response.status_code == 410


def test_the_organiser_prepares_opens_and_shows_the_qr_code(client: Client, organiser, event, bank):
    client.force_login(organiser)
    page = reverse("training:event_tests", kwargs={"pk": event.pk})
    assert client.get(page).status_code == 200
    client.post(reverse("training:event_tests_prepare", kwargs={"pk": event.pk}))
    client.post(
        reverse(
            "training:assessment_switch", kwargs={"pk": event.pk, "phase": "pre", "action": "open"}
        )
    )
    assert Assessment.objects.get(event=event, phase="pre").is_open
    content = client.get(page).content.decode()
    assert "<svg" in content and "/t/q/" in content
    detail = client.get(reverse("training:event_detail", kwargs={"pk": event.pk})).content.decode()
    assert reverse("training:event_tests", kwargs={"pk": event.pk}) in detail


def _answer_all(event, pre, post, people, right_pre, right_post):
    """Submit a pre-test with `right_pre` questions right and a post-test with `right_post`."""
    for test, right in ((pre, right_pre), (post, right_post)):
        _open(test)
        token = assessments.assessment_token(assessment=test)
        for person, n in zip(people, right, strict=True):
            if n is None:
                continue
            attempt = assessments.attempt_start(token=token, identifier=person.personal_code)
            answers = _right_answers(attempt)
            for item in list(answers)[n:]:
                answers[item] = []
            assessments.attempt_submit(attempt=attempt, answers=answers)


def test_the_results_page_shows_gain_attrition_and_item_analysis(
    client: Client, organiser, event, tests
):
    pre, post = tests
    people = RegistrationFactory.create_batch(5, event=event)
    _answer_all(event, pre, post, people, [3, 5, 4, 6, None], [8, 9, 8, None, 10])
    client.force_login(organiser)
    response = client.get(reverse("training:event_test_results", kwargs={"pk": event.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="class-gain"' in page and 'id="effect-size"' in page
    assert "1 took only the pre-test, 1 only the post-test" in page
    assert 'class="flagged"' in page  # the first questions are always right: too easy


def test_the_results_page_runs_the_same_queries_for_few_or_many(
    client: Client, organiser, event, tests, django_assert_num_queries
):
    pre, post = tests
    people = RegistrationFactory.create_batch(8, event=event)
    _answer_all(event, pre, post, people[:2], [3, 5], [8, 9])
    client.force_login(organiser)
    url = reverse("training:event_test_results", kwargs={"pk": event.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for test in (pre, post):
        test.is_open = True
        test.save()
    for test, n in ((pre, 4), (post, 9)):
        token = assessments.assessment_token(assessment=test)
        for person in people[2:]:
            attempt = assessments.attempt_start(token=token, identifier=person.personal_code)
            answers = _right_answers(attempt)
            for item in list(answers)[n:]:
                answers[item] = []
            assessments.attempt_submit(attempt=attempt, answers=answers)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_participants_and_outsiders_cannot_see_results(client: Client, event, tests):
    url = reverse("training:event_test_results", kwargs={"pk": event.pk})
    assert client.get(url).status_code == 302  # to the sign-in page
    outsider = user_with_role(Role.TRAINING_ORGANISER, OrganisationFactory())
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    expert = user_with_role(Role.EXPERT, OrganisationFactory())
    client.force_login(expert)
    assert client.get(url).status_code == 200
    assert client.get(reverse("training:event_tests", kwargs={"pk": event.pk})).status_code == 403
