"""The demo's materials library and surveys: the seeds' materials as links, plausible feedback."""

from __future__ import annotations

import pytest

from qorgau.demo.services import demo_load
from qorgau.training import materials, surveys
from qorgau.training.models import (
    Event,
    Material,
    MaterialAttachment,
    MaterialVersion,
    Survey,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def test_the_materials_for_children_with_special_needs_are_in_the_library(demo):
    found = materials.library_search(
        user=None, filters=materials.LibraryFilters(special_needs=True, accessible=True)
    )
    titles = [m.title for m in found]
    assert any("easy-read brochure for children with special needs" in t for t in titles)
    assert not MaterialVersion.objects.exclude(file="").exists()  # links only, no files
    conference = Event.objects.get(code="osce-2012-astana-conference")
    assert MaterialAttachment.objects.filter(event=conference).count() == 2


def test_the_2016_seminars_have_feedback_and_almaty_a_follow_up(demo):
    almaty = Event.objects.get(code="osce-2016-almaty")
    feedback = Survey.objects.get(event=almaty, kind="feedback")
    follow_up = Survey.objects.get(event=almaty, kind="follow_up")
    results = surveys.survey_results(survey=feedback)
    assert 0.7 < results.response_rate < 1
    assert all(3.5 < q.mean < 4.8 for q in results.questions if q.is_likert)
    assert follow_up.opens_on.isoformat() == "2016-12-13"
    assert not SurveyResponse.objects.filter(registration__isnull=False).exists()


def test_loading_twice_adds_no_material_and_no_answer(demo):
    counts = (
        Material.objects.count(),
        MaterialVersion.objects.count(),
        SurveyResponse.objects.count(),
    )
    demo_load()
    assert (
        Material.objects.count(),
        MaterialVersion.objects.count(),
        SurveyResponse.objects.count(),
    ) == counts


def test_the_event_reports_of_the_2016_seminars_show_their_feedback_means(demo):
    from django.contrib.auth import get_user_model
    from django.template.defaultfilters import floatformat
    from django.test import Client
    from django.urls import reverse

    from qorgau.training.models import SurveyQuestion

    client = Client(headers={"accept-language": "en"})
    client.force_login(get_user_model().objects.get(username="organiser"))
    for event in Event.objects.filter(code__startswith="osce-2016-"):
        survey = Survey.objects.get(event=event, kind="feedback")
        answers = list(survey.responses.values_list("answers", flat=True))
        questions = survey.questions.filter(kind=SurveyQuestion.Kind.LIKERT)
        means = [sum(a[str(q.pk)] for a in answers) / len(answers) for q in questions]
        assert means and all(3 < m < 5 for m in means)

        page = client.get(reverse("training:event_report", args=[event.pk])).content.decode()

        section = page.split('id="feedback-feedback"')[1].split("</table>")[0]
        shown = [cell.split("<")[0] for cell in section.split('class="feedback-mean">')[1:]]
        assert shown == [str(floatformat(m, 1)) for m in means]
