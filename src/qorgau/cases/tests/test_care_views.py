"""Pages of a case's care: wiring, refusals, empty states and bounded queries."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.cases.models_care import Assessment, AssistancePlan
from qorgau.cases.tests.test_care_api import _planned
from qorgau.cases.tests.test_views import _open
from qorgau.directory.tests.factories import ProviderProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


def test_the_case_page_shows_empty_care_sections_with_their_forms(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)

    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "No assessment yet." in body
    assert 'id="assessment-form"' in body and 'id="plan-form"' in body
    assert 'id="closure-form"' in body and 'id="needs-bid"' in body


def test_the_guardianship_authority_sees_the_case_and_records_only_best_interests(
    client, manager, guardian_officer, workspace
):
    case = _open(manager, workspace)
    client.force_login(guardian_officer)

    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert 'value="best_interests"' in body and 'value="risk"' not in body
    assert 'id="plan-form"' not in body and 'id="closure-form"' not in body


def test_the_guardianship_authority_gets_no_edit_link_on_a_risk_assessment(
    client, manager, guardian_officer, workspace
):
    from qorgau.cases.services_assessments import AssessmentInput, assessment_record

    case = _open(manager, workspace)
    risk = assessment_record(
        actor=manager,
        case=case,
        idempotency_key=uuid.uuid4(),
        data=AssessmentInput(
            kind="risk",
            assessed_on=timezone.localdate(),
            findings="The recruiter is nearby.",
            safety_risk="high",
            retrafficking_risk="high",
            family_risk="low",
        ),
    )
    edit = reverse("cases:assessment_edit", args=[risk.pk])
    client.force_login(guardian_officer)

    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert 'data-kind="risk"' in body and edit not in body
    assert client.get(edit).status_code == 403


def test_a_refused_assessment_shows_the_errors_and_saves_nothing(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)

    response = client.post(
        reverse("cases:assessment_add", args=[case.pk]),
        {
            "assessment-idempotency_key": str(uuid.uuid4()),
            "assessment-kind": "risk",
            "assessment-assessed_on": timezone.localdate().isoformat(),
            "assessment-findings": "Seen at the bus station at night.",
        },
    )

    assert response.status_code == 400
    assert "Rate this risk" in response.content.decode()
    assert not Assessment.objects.in_workspace(workspace).exists()


def test_a_plan_is_made_from_the_case_page(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)

    response = client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"plan-goals": "A safe place and school.", "plan-starts_on": "2026-01-15"},
    )
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert response.status_code == 302
    assert AssistancePlan.objects.in_workspace(workspace).get().ends_on.isoformat() == "2026-07-14"
    assert 'id="plan-clock"' in body and 'id="service-form"' in body


def test_another_organisation_gets_404_on_the_care_pages(
    client, manager, centre_manager, workspace
):
    case = _open(manager, workspace)
    client.force_login(centre_manager)

    response = client.post(reverse("cases:plan_create", args=[case.pk]), {})

    assert response.status_code == 404


def test_the_providers_page_shows_the_minimum_in_a_constant_number_of_queries(
    client, manager, supervisor, pavlodar, workspace
):
    centre = pavlodar["crisis_centre"]
    ProviderProfileFactory(organisation=centre)
    staff = user_with_role(Role.PROVIDER_STAFF, centre)
    _planned(manager, supervisor, workspace, centre, "Жұмабаев Қайрат")
    client.force_login(staff)
    url = reverse("cases:deliveries")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    for number in range(3):
        _planned(manager, supervisor, workspace, centre, f"Aigerim {number}")
    with CaptureQueriesContext(connection) as four:
        client.get(url)

    assert "Ж. Қ." in body and "Жұмабаев" not in body
    assert "A safe place" not in body and "Safety, school" not in body
    assert 'class="delivery-form"' in body
    assert len(four) == len(one)


def test_a_front_line_worker_has_no_providers_page(client, pavlodar):
    worker = user_with_role(Role.FRONT_LINE, pavlodar["school"])
    client.force_login(worker)

    assert client.get(reverse("cases:deliveries")).status_code == 403


def test_the_case_page_runs_a_constant_number_of_queries_however_much_care_it_shows(
    client, manager, supervisor, pavlodar, workspace
):
    from qorgau.cases.services_assessments import AssessmentInput, assessment_record

    centre = pavlodar["crisis_centre"]
    ProviderProfileFactory(organisation=centre)
    case, _service = _planned(manager, supervisor, workspace, centre)
    client.force_login(manager)
    url = reverse("cases:detail", args=[case.pk])

    def assess() -> None:
        assessment_record(
            actor=manager,
            case=case,
            idempotency_key=uuid.uuid4(),
            data=AssessmentInput(
                kind="needs", assessed_on=timezone.localdate(), findings="Needs school."
            ),
        )

    assess()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        assess()
    with CaptureQueriesContext(connection) as five:
        body = client.get(url).content.decode()

    assert body.count('data-kind="needs"') == 5
    assert len(five) == len(one)


def test_an_assessment_edited_on_a_stale_version_is_refused_with_a_message(
    client, manager, supervisor, workspace
):
    from qorgau.cases.services_assessments import AssessmentInput, assessment_record

    case = _open(manager, workspace)
    assessment = assessment_record(
        actor=manager,
        case=case,
        idempotency_key=uuid.uuid4(),
        data=AssessmentInput(kind="needs", assessed_on=timezone.localdate(), findings="School."),
    )
    url = reverse("cases:assessment_edit", args=[assessment.pk])
    form = {
        "assessment-version": "1",
        "assessment-assessed_on": timezone.localdate().isoformat(),
        "assessment-findings": "School and a doctor.",
    }
    client.force_login(supervisor)
    assert client.post(url, form).status_code == 302
    client.force_login(manager)

    page = client.get(url)
    stale = client.post(url, {**form, "assessment-findings": "Only school."})

    assert page.status_code == 200 and "School and a doctor." in page.content.decode()
    assert stale.status_code == 409
    assert "Someone else saved" in stale.content.decode()
    assessment.refresh_from_db()
    assert assessment.findings == "School and a doctor." and assessment.version == 2


def test_the_plan_is_extended_once_from_the_case_page(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)
    client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"plan-goals": "A safe place.", "plan-starts_on": "2026-01-15"},
    )
    url = reverse("cases:plan_extend", args=[case.pk])

    empty = client.post(url, {"extend-version": "1", "extend-reason": ""})
    extended = client.post(url, {"extend-version": "1", "extend-reason": "The trial runs on."})
    again = client.post(url, {"extend-version": "2", "extend-reason": "Once more."})
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert empty.status_code == 400
    assert extended.status_code == 302
    assert again.status_code == 400 and "extended already" in again.content.decode()
    assert AssistancePlan.objects.in_workspace(workspace).get().ends_on.isoformat() == "2026-10-14"
    assert 'data-extended="true"' in body and 'id="extend-form"' not in body


def test_the_reflection_period_is_started_from_the_case_page(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)

    client.post(
        reverse("cases:reflection", args=[case.pk]),
        {"reflection-starts_on": timezone.localdate().isoformat()},
    )
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert 'id="reflection" data-days-left="29"' in body
    assert 'id="reflection-form"' not in body
