"""The justice API: the same rules and services as the pages, the one error shape."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.services import api_token_create
from qorgau.audit.models import AuditEvent
from qorgau.justice.models import ChildRole, Proceeding
from qorgau.justice.tests.conftest import NUMBER, presume_victim
from qorgau.justice.tests.test_views import _make

pytestmark = pytest.mark.django_db

BASE = "/api/justice"


def _api(user, language: str = "en") -> Client:
    _token, raw = api_token_create(actor=user, name="police system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": language})


def _payload(case, pavlodar, prosecutor_office, **overrides):
    return {
        "case_id": case.pk,
        "register_number": NUMBER,
        "registered_on": "2026-01-10",
        "articles": ["cc2014-135"],
        "investigating_organisation_id": pavlodar["police"].pk,
        "prosecutor_organisation_id": prosecutor_office.pk,
        **overrides,
    }


def test_it_lists_the_articles_in_the_caller_s_language(investigator):
    body = _api(investigator, "ru").get(f"{BASE}/articles").json()
    by_key = {item["key"]: item for item in body}
    assert by_key["cc2014-135"]["article"] == "135"
    assert by_key["cc2014-128"]["trafficking"] is True


def test_a_proceeding_is_created_read_and_updated(investigator, case, pavlodar, prosecutor_office):
    api = _api(investigator)
    created = api.post(
        f"{BASE}/proceedings",
        _payload(case, pavlodar, prosecutor_office),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["register_number"] == NUMBER
    assert body["articles"][0]["article"] == "135"
    assert body["non_punishment"] is False

    put = api.put(
        f"{BASE}/proceedings/{body['id']}",
        {**_payload(case, pavlodar, prosecutor_office), "stage": "indictment", "version": 1},
        content_type="application/json",
    )
    assert put.status_code == 200
    assert (put.json()["stage"], put.json()["version"]) == ("indictment", 2)

    stale = api.put(
        f"{BASE}/proceedings/{body['id']}",
        {**_payload(case, pavlodar, prosecutor_office), "stage": "trial", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 422
    assert "Someone else saved" in stale.json()["error"]["message"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"register_number": "1234"}, "register_number"),
        ({"articles": ["cc2014-000"]}, "articles"),
        ({"stage": "nowhere"}, "stage"),
        ({"registered_on": "10.01.2026"}, "registered_on"),
        ({"investigating_organisation_id": 999999}, "investigating_organisation_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_with_nothing_saved(
    investigator, case, pavlodar, prosecutor_office, overrides, field
):
    response = _api(investigator).post(
        f"{BASE}/proceedings",
        _payload(case, pavlodar, prosecutor_office, **overrides),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Proceeding.objects.in_workspace(case.workspace).exists()


def test_provider_staff_get_nothing(provider_staff, proceeding):
    api = _api(provider_staff)
    assert api.get(f"{BASE}/proceedings/{proceeding.pk}").status_code == 404
    assert api.get(f"{BASE}/proceedings").status_code == 403
    assert api.get(f"{BASE}/proceedings/{proceeding.pk}/interviews").status_code == 404


def test_the_re_interview_rule_and_claim_amounts_hold_in_the_api(investigator, proceeding):
    api = _api(investigator)
    url = f"{BASE}/proceedings/{proceeding.pk}/interviews"
    interview = {"held_on": "2026-01-12", "interviewer": "Capt. D.", "video_recorded": True}
    assert api.post(url, interview, content_type="application/json").status_code == 201
    again = api.post(url, interview, content_type="application/json")
    assert again.status_code == 422
    assert "repeat_justification" in again.json()["error"]["fields"]
    justified = api.post(
        url,
        {**interview, "repeat_justification": "New episode"},
        content_type="application/json",
    )
    assert justified.status_code == 201
    assert len(api.get(url).json()) == 2

    claims = f"{BASE}/proceedings/{proceeding.pk}/claims"
    refused = api.post(
        claims,
        {
            "route": "civil_in_criminal",
            "amount_claimed": "100",
            "amount_awarded": "50",
            "amount_received": "60",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "amount_received" in refused.json()["error"]["fields"]
    negative = api.post(
        claims, {"route": "state_fund", "amount_claimed": "-1"}, content_type="application/json"
    )
    assert "amount_claimed" in negative.json()["error"]["fields"]
    created = api.post(
        claims,
        {"route": "state_fund", "amount_claimed": "250000.50"},
        content_type="application/json",
    )
    assert created.status_code == 201
    claim = created.json()
    updated = api.put(
        f"{BASE}/claims/{claim['id']}",
        {
            "route": "state_fund",
            "status": "paid",
            "amount_claimed": "250000.50",
            "amount_awarded": "200000",
            "amount_received": "200000",
            "version": 1,
        },
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2


def test_the_flag_and_the_notices_in_the_api(
    investigator, prosecutor, case, pavlodar, prosecutor_office
):
    presume_victim(case)
    created = (
        _api(investigator)
        .post(
            f"{BASE}/proceedings",
            _payload(case, pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT),
            content_type="application/json",
        )
        .json()
    )
    assert created["non_punishment"] is True
    notices = _api(prosecutor).get(f"{BASE}/notices").json()
    assert [n["proceeding_id"] for n in notices] == [created["id"]]
    assert _api(investigator).get(f"{BASE}/notices").status_code == 403


def test_another_organisation_s_read_is_audited(prosecutor, proceeding):
    assert _api(prosecutor).get(f"{BASE}/proceedings/{proceeding.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="proceeding.read").count() == 1


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_the_list_endpoint_runs_the_same_number_of_queries_for_2_or_12(
    investigator, prosecutor, manager, workspace, pavlodar, prosecutor_office
):
    api = _api(prosecutor)
    api.get(f"{BASE}/articles")  # the token's first use is recorded once
    _make(investigator, manager, workspace, pavlodar, prosecutor_office, 2, 0)
    few = _queries(api, f"{BASE}/proceedings")
    _make(investigator, manager, workspace, pavlodar, prosecutor_office, 10, 100)
    many = _queries(api, f"{BASE}/proceedings")
    body = api.get(f"{BASE}/proceedings?limit=5").json()
    assert (body["count"], len(body["items"])) == (12, 5)
    assert few == many


def test_the_same_idempotency_key_creates_once_and_is_refused_to_another_person(
    investigator, manager, case, pavlodar, prosecutor_office
):
    payload = {
        **_payload(case, pavlodar, prosecutor_office),
        "idempotency_key": "6f1c1bb5-3e0e-4d1f-9a53-0d5f9a4c2b11",
    }
    api = _api(investigator)
    first = api.post(f"{BASE}/proceedings", payload, content_type="application/json")
    again = api.post(f"{BASE}/proceedings", payload, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = _api(manager).post(f"{BASE}/proceedings", payload, content_type="application/json")
    assert other.status_code == 422
    assert Proceeding.objects.in_workspace(case.workspace).count() == 1
