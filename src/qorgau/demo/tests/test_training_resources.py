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


@pytest.fixture
def demo(settings):
    settings.QORGAU_REQUIRE_2FA = False
    demo_load()


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
