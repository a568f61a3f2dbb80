"""Feedback and follow-up surveys: question sets from data, anonymity, one answer per person,
results (counts, mean, share >= 4, open answers), charts and PDF, follow-up invitations."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import yaml
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.core.models import ThrottleWindow
from qorgau.core.reference import ReferenceDataError
from qorgau.training import identify, survey_views, surveys
from qorgau.training.models import (
    Registration,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from qorgau.training.survey_charts import likert_chart
from qorgau.training.survey_templates import add_months, parse_templates, survey_templates
from qorgau.training.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def past_event(organiser_org, region):
    return EventFactory(
        organiser=organiser_org,
        region=region,
        starts_on=date(2026, 1, 26),
        ends_on=date(2026, 1, 27),
        capacity=40,
        title="Winter school",
    )


def _feedback(event, organiser, **changes):
    survey = surveys.survey_prepare(actor=organiser, event=event, kind=Survey.Kind.FEEDBACK)
    if changes:
        Survey.objects.filter(pk=survey.pk).update(**changes)
        survey.refresh_from_db()
    return survey


def _open_today(survey):
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=date.today() - timedelta(days=1), closes_on=date.today() + timedelta(days=1)
    )
    survey.refresh_from_db()
    return survey


def _answers(survey, likert: int, text: str = "") -> dict[str, str]:
    answers = {}
    for question in survey.questions.all():
        if question.kind == SurveyQuestion.Kind.LIKERT:
            answers[f"q{question.pk}"] = str(likert)
        elif text:
            answers[f"q{question.pk}"] = text
    return answers


# --- the data -----------------------------------------------------------------------------
def test_the_question_sets_are_complete_in_three_languages():
    templates = survey_templates()
    assert templates.follow_up_months_after_end in (3, 4)
    for kind in ("feedback", "follow_up"):
        questions = templates.questions[kind]
        assert {q.kind for q in questions} == {"likert", "open"}
        assert all(set(q.text) == {"kk", "ru", "en"} for q in questions)
    assert templates.scale_label(5, "kk") == "Толық келісемін"


def test_a_template_without_a_kazakh_text_is_refused():
    from importlib import resources

    document = yaml.safe_load(
        resources.files("qorgau.training")
        .joinpath("data", "survey_templates.yaml")
        .read_text("utf-8")
    )
    del document["templates"]["feedback"][0]["text"]["kk"]
    with pytest.raises(ReferenceDataError, match="lacks kk"):
        parse_templates(document)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 24))
def test_adding_months_lands_in_the_right_month_on_the_same_or_last_day(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


def test_adding_a_month_to_the_31st_of_january_gives_the_end_of_february():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


# --- preparing and editing ----------------------------------------------------------------
def test_preparing_copies_the_default_questions_and_computes_the_dates(organiser, past_event):
    feedback = surveys.survey_prepare(actor=organiser, event=past_event, kind="feedback")
    follow_up = surveys.survey_prepare(actor=organiser, event=past_event, kind="follow_up")

    templates = survey_templates()
    assert feedback.questions.count() == len(templates.questions["feedback"])
    assert feedback.template_version == templates.version
    assert feedback.anonymous is True
    assert (feedback.opens_on, feedback.closes_on) == (date(2026, 1, 26), date(2026, 2, 10))
    assert follow_up.opens_on == date(2026, 4, 27)  # three months after the last day
    assert follow_up.closes_on == date(2026, 5, 27)
    assert surveys.survey_prepare(actor=organiser, event=past_event, kind="feedback") == feedback
    assert Survey.objects.filter(event=past_event).count() == 2


def test_another_organisation_cannot_prepare_a_survey(past_event):
    stranger = user_with_role(Role.TRAINING_ORGANISER)
    with pytest.raises(PermissionDenied):
        surveys.survey_prepare(actor=stranger, event=past_event, kind="feedback")


def test_the_organiser_edits_adds_and_removes_questions(organiser, past_event):
    survey = _feedback(past_event, organiser)
    first = survey.questions.first()
    count = survey.questions.count()

    surveys.survey_question_edit(
        actor=organiser,
        question=first,
        kind="likert",
        texts={"kk": "Жаңа сұрақ", "ru": "Новый вопрос", "en": ""},
        required=False,
    )
    added = surveys.survey_question_add(
        actor=organiser, survey=survey, kind="open", texts={"ru": "Ещё?"}, required=False
    )
    surveys.survey_question_remove(actor=organiser, question=survey.questions.last())

    first.refresh_from_db()
    assert first.text == {"kk": "Жаңа сұрақ", "ru": "Новый вопрос"}
    assert added.position == count + 1
    assert survey.questions.count() == count
    with pytest.raises(ValidationError):
        surveys.survey_question_add(
            actor=organiser, survey=survey, kind="open", texts={"kk": " "}, required=False
        )


def test_questions_and_anonymity_are_frozen_once_someone_answered(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    person = RegistrationFactory(event=past_event)
    surveys.survey_submit(
        survey=survey, registration=person, raw_answers=_answers(survey, 4), language="kk"
    )

    with pytest.raises(ValidationError, match="no longer change"):
        surveys.survey_question_add(
            actor=organiser, survey=survey, kind="open", texts={"kk": "Тағы?"}, required=False
        )
    with pytest.raises(ValidationError) as refused:
        surveys.survey_update(
            actor=organiser,
            survey=survey,
            anonymous=False,
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            revision=survey.revision,
        )
    assert "anonymous" in refused.value.message_dict


def test_a_stale_edit_of_the_settings_is_refused(organiser, past_event):
    survey = _feedback(past_event, organiser)
    surveys.survey_update(
        actor=organiser,
        survey=survey,
        anonymous=False,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
        revision=1,
    )
    with pytest.raises(ValidationError, match="Someone else"):
        surveys.survey_update(
            actor=organiser,
            survey=survey,
            anonymous=True,
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            revision=1,
        )


# --- answering ----------------------------------------------------------------------------
def test_an_anonymous_answer_stores_nothing_that_leads_back_to_the_person(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    person = RegistrationFactory(event=past_event)

    response = surveys.survey_submit(
        survey=survey,
        registration=person,
        raw_answers=_answers(survey, 5, "Кейстер"),
        language="kk",
    )

    stored = SurveyResponse.objects.get(pk=response.pk)
    assert stored.registration_id is None and stored.submitted_at is None
    assert {f.name for f in SurveyResponse._meta.get_fields()} == {
        "id",
        "survey",
        "registration",
        "submitted_at",
        "language",
        "answers",
    }
    assert SurveyParticipation.objects.filter(survey=survey, registration=person).exists()
    trail = AuditEvent.objects.filter(action="training.survey.answer").get()
    assert trail.details == {} and str(response.pk) not in str(trail.details)


def test_a_named_answer_keeps_the_registration(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser, anonymous=False))
    person = RegistrationFactory(event=past_event)

    response = surveys.survey_submit(
        survey=survey, registration=person, raw_answers=_answers(survey, 3), language="ru"
    )

    assert response.registration == person and response.submitted_at is not None


def test_each_person_answers_once_even_anonymously(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    person = RegistrationFactory(event=past_event)
    surveys.survey_submit(
        survey=survey, registration=person, raw_answers=_answers(survey, 4), language="kk"
    )

    with pytest.raises(surveys.AlreadyAnswered):
        surveys.survey_submit(
            survey=survey, registration=person, raw_answers=_answers(survey, 1), language="kk"
        )
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_missing_required_answer_names_the_question_and_saves_nothing(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    person = RegistrationFactory(event=past_event)
    answers = _answers(survey, 4)
    first = survey.questions.first()
    answers[f"q{first.pk}"] = "7"

    with pytest.raises(ValidationError) as refused:
        surveys.survey_submit(
            survey=survey, registration=person, raw_answers=answers, language="kk"
        )

    assert list(refused.value.message_dict) == [f"q{first.pk}"]
    assert not SurveyParticipation.objects.exists() and not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answers(organiser, past_event):
    survey = _feedback(past_event, organiser)  # closed two weeks after 27.01.2026
    person = RegistrationFactory(event=past_event)
    with pytest.raises(surveys.SurveyClosed):
        surveys.survey_submit(
            survey=survey,
            registration=person,
            raw_answers=_answers(survey, 4),
            language="kk",
            today=date(2026, 3, 1),
        )


# --- results ------------------------------------------------------------------------------
def test_results_count_each_point_and_give_mean_and_share_of_agreement(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    for point, text in ((5, "Кейстер"), (4, "Бәрі"), (2, ""), (4, "Арнайы қажеттіліктер")):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point, text),
            language="kk",
        )
    RegistrationFactory(event=past_event)  # approved, did not answer

    results = surveys.survey_results(survey=survey)

    assert (results.respondents, results.participants, results.suppressed) == (4, 5, False)
    first = results.questions[0]
    assert first.counts == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert first.n == 4 and first.mean == pytest.approx(3.75) and first.share_agree == 0.75
    useful = next(q for q in results.questions if not q.is_likert)
    assert useful.answers == ("Арнайы қажеттіліктер", "Бәрі", "Кейстер")  # sorted, not by time


def test_an_anonymous_survey_shows_nothing_below_the_minimum(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    for _n in range(survey_templates().anonymous_minimum - 1):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, 1, "Секрет"),
            language="kk",
        )

    results = surveys.survey_results(survey=survey)

    assert results.suppressed
    assert all(q.n == 0 and not q.answers and q.mean is None for q in results.questions)


@pytest.mark.parametrize("responses", [3, 30])
def test_results_take_three_queries_however_many_answered(
    organiser, past_event, responses, django_assert_num_queries
):
    survey = _open_today(_feedback(past_event, organiser))
    for index in range(responses):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, 1 + index % 5, f"text {index}"),
            language="ru",
        )

    with django_assert_num_queries(3):
        results = surveys.survey_results(survey=survey)

    assert results.respondents == responses


def test_the_chart_draws_one_bar_per_scale_question_with_escaped_text(organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    for point in (1, 5, 5):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point),
            language="kk",
        )
    results = surveys.survey_results(survey=survey)

    svg = likert_chart(results.questions, [(p, f"<{p}>") for p in range(1, 6)])

    likert = [q for q in results.questions if q.is_likert]
    assert svg.startswith("<svg") and svg.count('fill="#b2182b"') == len(likert)
    assert "&lt;5&gt;" in svg and "<5>" not in svg


# --- pages --------------------------------------------------------------------------------
def test_a_participant_answers_on_the_public_link_in_kazakh(client, organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    RegistrationFactory(event=past_event, personal_code="KX4P7Q2M")
    client.cookies["qorgau_language"] = "kk"
    link = reverse("training_public:survey", kwargs={"token": surveys.survey_token(survey)})

    identify = client.post(link, {"identifier": "kx4p-7q2m"})
    answer_url = identify["Location"]
    page = client.get(answer_url)
    sent = client.post(answer_url, _answers(survey, 4, "Пайдалы"))
    again = client.post(answer_url, _answers(survey, 1))

    assert identify.status_code == 302
    assert "Толық келісемін" in page.content.decode()
    assert sent.status_code == 302
    assert "answered" in client.get(answer_url).content.decode()
    assert again.status_code == 200 and SurveyResponse.objects.count() == 1


def test_an_unknown_person_is_told_so_on_the_public_page(client, organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    link = reverse("training_public:survey", kwargs={"token": surveys.survey_token(survey)})

    page = client.post(link, {"identifier": "nobody@example.org"})

    assert page.status_code == 200 and "identifier" in page.context["form"].errors


def test_an_e_mail_address_alone_does_not_open_someone_s_survey(client, organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    RegistrationFactory(event=past_event, email="aigerim@example.org", personal_code="KX4P7Q2M")
    link = reverse("training_public:survey", kwargs={"token": surveys.survey_token(survey)})

    page = client.post(link, {"identifier": "aigerim@example.org"})

    assert page.status_code == 200 and "identifier" in page.context["form"].errors
    with pytest.raises(ValidationError):
        surveys.respondent_find(survey=survey, identifier="aigerim@example.org")


def test_guessing_personal_codes_is_stopped_after_a_few_tries(client, organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    RegistrationFactory(event=past_event, personal_code="KX4P7Q2M")
    link = reverse("training_public:survey", kwargs={"token": surveys.survey_token(survey)})

    for guess in range(identify.CODE_ATTEMPTS):
        assert client.post(link, {"identifier": f"AAAA{guess:04d}"}).status_code == 200
    stopped = client.post(link, {"identifier": "KX4P7Q2M"})

    assert stopped.status_code == 429
    assert "identifier" in stopped.context["form"].errors
    ThrottleWindow.objects.update(ends_at=timezone.now())  # the window has passed
    assert client.post(link, {"identifier": "KX4P7Q2M"}).status_code == 302


def test_a_forged_link_is_not_found(client):
    answer = reverse("training_public:survey_answer", kwargs={"token": "x:y"})
    survey = reverse("training_public:survey", kwargs={"token": "1:abc"})
    assert client.get(answer).status_code == 404
    assert client.get(survey).status_code == 404


def test_the_results_page_shows_the_chart_and_the_table(client, organiser, past_event):
    survey = _open_today(_feedback(past_event, organiser))
    for point in (4, 5, 3):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point, "Жақсы"),
            language="kk",
        )
    client.force_login(organiser)

    page = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk}))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart"' in html
    assert 'id="likert-table"' in html and "Жақсы" in html


def test_the_results_pdf_is_a_real_file_with_the_questions(client, organiser, past_event):
    from pypdf import PdfReader

    survey = _open_today(_feedback(past_event, organiser))
    for point in (4, 5, 5):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point, "Кейстерді шешу"),
            language="ru",
        )
    client.force_login(organiser)
    client.cookies["qorgau_language"] = "ru"

    response = client.get(reverse("training:survey_results_pdf", kwargs={"pk": survey.pk}))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Тренинг оправдал мои ожидания" in " ".join(text.split())
    assert "4,7" in text  # the mean of 4, 5, 5 in Russian number format
    assert "Кейстерді шешу" in text


def test_a_trainer_of_another_event_cannot_see_the_results(client, organiser, past_event):
    survey = _feedback(past_event, organiser)
    trainer = user_with_role(Role.TRAINER)
    client.force_login(trainer)

    page = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk}))

    assert page.status_code == 404


def test_the_organiser_prepares_a_survey_from_the_event_page(client, organiser, past_event):
    client.force_login(organiser)
    detail = client.get(reverse("training:event_detail", kwargs={"pk": past_event.pk}))
    response = client.post(
        reverse("training:survey_prepare", kwargs={"pk": past_event.pk, "kind": "follow_up"})
    )
    page = client.get(reverse("training:event_surveys", kwargs={"pk": past_event.pk}))

    assert 'id="survey-links"' in detail.content.decode()
    assert response.status_code == 302
    assert Survey.objects.filter(event=past_event, kind="follow_up").exists()
    assert page.status_code == 200


# --- follow-up invitations ----------------------------------------------------------------
def test_follow_up_invitations_go_out_once_when_the_survey_opens(
    organiser, past_event, immediate_tasks, time_machine, django_capture_on_commit_callbacks
):
    survey = surveys.survey_prepare(actor=organiser, event=past_event, kind="follow_up")
    kazakh = RegistrationFactory(event=past_event, language="kk", email="aida@example.org")
    RegistrationFactory(event=past_event, status=Registration.Status.DECLINED)
    RegistrationFactory(event=past_event, email="", phone="+77010000000", phone_key="77010000000")
    answered = RegistrationFactory(event=past_event)
    SurveyParticipation.objects.create(survey=survey, registration=answered)

    time_machine.move_to("2026-04-26 09:00 +05:00", tick=False)
    assert surveys.invitations_enqueue_due() == 0
    time_machine.move_to("2026-04-27 09:00 +05:00", tick=False)
    call_command("training_survey_invitations", stdout=io.StringIO())
    again = surveys.invitations_enqueue_due()

    assert again == 0
    assert [m.to for m in mail.outbox] == [["aida@example.org"]]
    message = mail.outbox[0]
    assert "/t/r/" in message.body and "Winter school" in message.subject
    assert message.body.startswith("Құрметті")  # in the participant's language
    assert "анонимді" in message.body
    assert SurveyInvitation.objects.get(registration=kazakh).sent_at is not None
    time_machine.move_to("2026-05-28 09:00 +05:00", tick=False)
    assert surveys.invitations_enqueue_due() == 0  # closed


def test_the_invitation_link_opens_the_personal_answer_page(client, organiser, past_event):
    survey = _open_today(
        surveys.survey_prepare(actor=organiser, event=past_event, kind="follow_up")
    )
    person = RegistrationFactory(event=past_event)
    path = surveys.respondent_url(survey, person).split("testserver", 1)[-1]
    path = path[path.index("/t/r/") :]

    page = client.get(path)

    assert page.status_code == 200 and 'class="survey-form"' in page.content.decode()


# --- API ----------------------------------------------------------------------------------
def test_the_api_gives_the_results_to_a_funders_donor_officer(client, organiser, past_event):
    from qorgau.accounts.tests.factories import OrganisationFactory
    from qorgau.training.tests.factories import ProgrammeFactory

    embassy = OrganisationFactory(name="US Embassy")
    past_event.programme = ProgrammeFactory(implementer=past_event.organiser)
    past_event.save(update_fields=["programme"])
    past_event.programme.donors.add(embassy)
    survey = _open_today(_feedback(past_event, organiser))
    for point in (5, 4, 4):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point, "Пайдалы"),
            language="ru",
        )
    client.force_login(user_with_role(Role.DONOR_OFFICER, embassy))

    body = client.get(f"/api/training/surveys/{survey.pk}/results").json()

    first = body["questions"][0]
    assert body["respondents"] == 3 and body["anonymous"] is True
    assert [c["count"] for c in first["counts"]] == [0, 0, 0, 2, 1]
    assert first["mean"] == pytest.approx(13 / 3) and first["share_agree"] == 1.0
    # Donors see aggregates only: never the open answers, which can tell people apart.
    assert body["open_answers_hidden"] is True
    assert all(not q["answers"] for q in body["questions"])
    assert "Пайдалы" not in str(body)


def _funded_by_an_embassy(event):
    from qorgau.accounts.tests.factories import OrganisationFactory
    from qorgau.training.tests.factories import ProgrammeFactory

    embassy = OrganisationFactory(name="US Embassy")
    event.programme = ProgrammeFactory(implementer=event.organiser)
    event.save(update_fields=["programme"])
    event.programme.donors.add(embassy)
    return user_with_role(Role.DONOR_OFFICER, embassy)


def test_a_donor_sees_no_small_numbers_and_no_open_answers_of_a_named_survey(
    client, organiser, past_event
):
    donor = _funded_by_an_embassy(past_event)
    survey = _open_today(_feedback(past_event, organiser, anonymous=False))
    for _n in range(survey_templates().anonymous_minimum - 1):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, 2, "Секрет"),
            language="kk",
        )
    client.force_login(donor)

    body = client.get(f"/api/training/surveys/{survey.pk}/results").json()
    page = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk}))

    assert body["suppressed"] is True
    assert all(q["n"] == 0 and q["mean"] is None and not q["answers"] for q in body["questions"])
    assert page.status_code == 200 and 'id="suppressed"' in page.content.decode()
    assert (
        "Секрет" not in page.content.decode() and 'id="likert-table"' not in page.content.decode()
    )

    client.force_login(organiser)  # the organiser still reads the small named survey in full
    body = client.get(f"/api/training/surveys/{survey.pk}/results").json()
    assert body["suppressed"] is False and body["open_answers_hidden"] is False
    assert "Секрет" in str(body)


def test_a_donor_reads_the_scale_results_but_not_the_open_answers_on_the_page(
    client, organiser, past_event
):
    donor = _funded_by_an_embassy(past_event)
    survey = _open_today(_feedback(past_event, organiser))
    for point in (5, 4, 4):
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=past_event),
            raw_answers=_answers(survey, point, "Секрет"),
            language="kk",
        )
    client.force_login(donor)

    html = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk})).content
    context = survey_views._results_context(_request_of(donor), survey)  # the PDF's context too

    assert b'id="likert-table"' in html and "Секрет".encode() not in html
    assert b'id="open-answers-hidden"' in html
    assert context["open"] == [] and context["results"].open_answers_hidden


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.LANGUAGE_CODE = "kk"
    return request


def test_the_api_hides_results_from_a_donor_who_does_not_fund_the_event(
    client, organiser, past_event
):
    survey = _feedback(past_event, organiser)
    client.force_login(user_with_role(Role.DONOR_OFFICER))

    assert client.get(f"/api/training/surveys/{survey.pk}/results").status_code == 404


def test_the_organiser_edits_the_survey_on_its_pages(client, organiser, past_event):
    survey = _feedback(past_event, organiser)
    question = survey.questions.first()
    client.force_login(organiser)
    edit = reverse("training:survey_edit", kwargs={"pk": survey.pk})

    saved = client.post(
        edit,
        {"anonymous": "", "opens_on": "2026-01-27", "closes_on": "2026-02-01", "revision": 1},
    )
    stale = client.post(
        edit,
        {"anonymous": "on", "opens_on": "2026-01-27", "closes_on": "2026-02-01", "revision": 1},
    )
    added = client.post(
        reverse("training:survey_question_add", kwargs={"pk": survey.pk}),
        {"kind": "open", "text_kk": "Тағы не айтасыз?", "text_ru": "Что ещё?", "text_en": ""},
    )
    edited = client.post(
        reverse("training:survey_question_edit", kwargs={"pk": question.pk}),
        {"kind": "likert", "text_kk": "Өзгертілген", "text_ru": "Изменён", "required": "on"},
    )
    confirm = client.get(reverse("training:survey_question_remove", kwargs={"pk": question.pk}))
    removed = client.post(reverse("training:survey_question_remove", kwargs={"pk": question.pk}))

    survey.refresh_from_db()
    assert saved.status_code == 302 and survey.anonymous is False
    assert stale.status_code == 200 and "Someone else" in stale.content.decode()
    assert added.status_code == 302 and edited.status_code == 302
    assert confirm.status_code == 200 and removed.status_code == 302
    assert not SurveyQuestion.objects.filter(pk=question.pk).exists()
    assert survey.questions.filter(text__ru="Что ещё?").exists()


def test_a_trainer_of_the_event_reads_results_but_cannot_edit_the_survey(
    client, organiser, past_event
):
    survey = _feedback(past_event, organiser)
    trainer = user_with_role(Role.TRAINER)
    past_event.trainers.add(trainer)
    client.force_login(trainer)

    results = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk}))
    edit = client.get(reverse("training:survey_edit", kwargs={"pk": survey.pk}))

    assert results.status_code == 200 and edit.status_code == 403


def test_a_failed_answer_does_not_mark_the_person_as_having_answered(
    organiser, past_event, monkeypatch
):
    survey = _open_today(_feedback(past_event, organiser))
    person = RegistrationFactory(event=past_event)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SurveyResponse, "save", broken)
    with pytest.raises(RuntimeError):
        surveys.survey_submit(
            survey=survey, registration=person, raw_answers=_answers(survey, 4), language="kk"
        )
    monkeypatch.undo()

    assert not SurveyParticipation.objects.filter(survey=survey).exists()
    surveys.survey_submit(
        survey=survey, registration=person, raw_answers=_answers(survey, 4), language="kk"
    )
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
