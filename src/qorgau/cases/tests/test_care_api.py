"""The case-care API: the same services and rules as the pages, errors in the one shape."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.cases import services
from qorgau.cases.models import Approval
from qorgau.cases.models_care import ServiceDelivery
from qorgau.cases.tests.test_api import _api, _open
from qorgau.directory.tests.factories import ProviderProfileFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def centre(pavlodar):
    ProviderProfileFactory(organisation=pavlodar["crisis_centre"])
    return pavlodar["crisis_centre"]


@pytest.fixture
def centre_staff(centre):
    return user_with_role(Role.PROVIDER_STAFF, centre, first_name="Dana")


def _approve_all(supervisor, case) -> None:
    for approval in Approval.objects.in_workspace(case.workspace).filter(
        case=case, status="requested"
    ):
        services.approval_decide(actor=supervisor, approval=approval, approve=True)


def _planned(manager, supervisor, workspace, centre, name="Aigerim"):
    """A case with an approved plan of one psychological service by the crisis centre."""
    ServiceTypeFactory(key="psychological", social_code=True)
    case = _open(manager, workspace, name)
    api = _api(manager)
    today = timezone.localdate()
    body = api.post(
        f"/api/cases/{case.pk}/plan",
        {"goals": "Safety, school.", "starts_on": today.isoformat()},
        content_type=JSON,
    ).json()
    service = api.post(
        f"/api/cases/{case.pk}/plan/services",
        {
            "version": body["plan"]["version"],
            "idempotency_key": str(uuid.uuid4()),
            "service_type": "psychological",
            "provider_id": centre.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
            "description": "Weekly sessions.",
        },
        content_type=JSON,
    )
    assert service.status_code == 201, service.content
    plan = api.get(f"/api/cases/{case.pk}/care").json()["plan"]
    submitted = api.post(
        f"/api/cases/{case.pk}/plan/submit", {"version": plan["version"]}, content_type=JSON
    )
    assert submitted.json()["approval_status"] == "requested"
    _approve_all(supervisor, case)
    return case, service.json()["id"]


def test_a_plan_is_made_approved_and_its_service_delivered_by_the_provider(
    manager, supervisor, workspace, centre, centre_staff
):
    case, service_id = _planned(manager, supervisor, workspace, centre)
    key = str(uuid.uuid4())
    payload = {"idempotency_key": key, "delivered_on": timezone.localdate().isoformat()}
    provider = _api(centre_staff)

    first = provider.post(
        f"/api/cases/services/{service_id}/deliveries",
        {**payload, "note": "First session."},
        content_type=JSON,
    )
    second = provider.post(
        f"/api/cases/services/{service_id}/deliveries",
        {**payload, "note": "First session."},
        content_type=JSON,
    )
    refused = _api(manager).post(
        f"/api/cases/services/{service_id}/deliveries",
        {**payload, "idempotency_key": str(uuid.uuid4()), "note": "By the case manager."},
        content_type=JSON,
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert refused.status_code == 403
    assert ServiceDelivery.objects.in_workspace(workspace).count() == 1
    care = _api(manager).get(f"/api/cases/{case.pk}/care").json()
    assert care["plan"]["approval_status"] == "approved"
    assert care["plan"]["services"][0]["deliveries"][0]["note"] == "First session."


def test_the_provider_sees_the_service_not_the_case(
    manager, supervisor, workspace, centre, centre_staff
):
    case, _service_id = _planned(manager, supervisor, workspace, centre, "Жұмабаев Қайрат")
    provider = _api(centre_staff)

    response = provider.get("/api/cases/services/to-deliver")
    assert response.status_code == 200, response.content
    listed = response.json()
    care = provider.get(f"/api/cases/{case.pk}/care")

    assert listed["count"] == 1
    assert listed["items"][0]["initials"] == "Ж. Қ."
    assert "Жұмабаев" not in str(listed) and "Safety, school" not in str(listed)
    assert care.status_code == 404


def test_bad_input_is_a_422_naming_the_field_and_nothing_is_saved(manager, workspace):
    case = _open(manager, workspace)

    response = _api(manager).post(
        f"/api/cases/{case.pk}/assessments",
        {
            "kind": "risk",
            "idempotency_key": str(uuid.uuid4()),
            "assessed_on": timezone.localdate().isoformat(),
            "findings": "Seen at the bus station.",
            "safety_risk": "extreme",
            "retrafficking_risk": "low",
            "family_risk": "low",
        },
        content_type=JSON,
    )

    assert response.status_code == 422
    assert "safety_risk" in response.json()["error"]["fields"]
    assert _api(manager).get(f"/api/cases/{case.pk}/care").json()["assessments"] == []


def test_a_case_closes_through_the_api_with_follow_up_scheduled(manager, supervisor, workspace):
    case = _open(manager, workspace)
    api = _api(manager)
    refused = api.post(
        f"/api/cases/{case.pk}/closure",
        {"reason": "independent_living", "follow_up_months": 6},
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert "best-interests" in str(refused.json())
    api.post(
        f"/api/cases/{case.pk}/assessments",
        {
            "kind": "best_interests",
            "idempotency_key": str(uuid.uuid4()),
            "assessed_on": timezone.localdate().isoformat(),
            "findings": "Ready to live on her own with support.",
            "outcome": "independent_living",
            "child_views": "Wants her own room.",
        },
        content_type=JSON,
    )
    closure = api.post(
        f"/api/cases/{case.pk}/closure",
        {"reason": "independent_living", "follow_up_months": 9},
        content_type=JSON,
    ).json()
    _approve_all(supervisor, case)
    version = api.get(f"/api/cases/{case.pk}/care").json()["case_version"]

    closed = api.post(
        f"/api/cases/closures/{closure['id']}/close", {"version": version}, content_type=JSON
    )

    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert len(closed.json()["visits"]) == 3
    assert api.get(f"/api/cases/{case.pk}").json()["stage"] == "closed"


def test_the_providers_list_runs_a_constant_number_of_queries(
    manager, supervisor, workspace, centre, centre_staff
):
    provider = _api(centre_staff)

    def delivered(name: str) -> None:
        _case, service_id = _planned(manager, supervisor, workspace, centre, name)
        response = provider.post(
            f"/api/cases/services/{service_id}/deliveries",
            {
                "idempotency_key": str(uuid.uuid4()),
                "delivered_on": timezone.localdate().isoformat(),
                "note": "A session.",
            },
            content_type=JSON,
        )
        assert response.status_code == 201, response.content

    delivered("Aigerim One")
    provider.get("/api/cases/services/to-deliver")
    with CaptureQueriesContext(connection) as one:
        provider.get("/api/cases/services/to-deliver")
    for number in range(3):
        delivered(f"Aigerim {number}")
    with CaptureQueriesContext(connection) as four:
        body = provider.get("/api/cases/services/to-deliver").json()

    assert body["count"] == 4
    assert all(len(row["deliveries"]) == 1 for row in body["items"])
    assert len(four) == len(one)


def test_a_supervisor_approves_through_the_api_and_a_case_manager_cannot(
    manager, supervisor, workspace
):
    case = _open(manager, workspace)
    assessment = (
        _api(manager)
        .post(
            f"/api/cases/{case.pk}/assessments",
            {
                "kind": "risk",
                "idempotency_key": str(uuid.uuid4()),
                "assessed_on": timezone.localdate().isoformat(),
                "findings": "Seen at the bus station.",
                "safety_risk": "high",
                "retrafficking_risk": "high",
                "family_risk": "medium",
            },
            content_type=JSON,
        )
        .json()
    )
    url = f"/api/cases/approvals/{assessment['approval_id']}/decision"

    refused = _api(manager).post(url, {"approve": True}, content_type=JSON)
    approved = _api(supervisor).post(url, {"approve": True}, content_type=JSON)
    again = _api(supervisor).post(url, {"approve": False, "note": "No."}, content_type=JSON)

    assert refused.status_code == 403
    assert approved.json()["status"] == "approved"
    assert again.status_code == 422
    care = _api(manager).get(f"/api/cases/{case.pk}/care").json()
    assert care["assessments"][0]["approval_status"] == "approved"
