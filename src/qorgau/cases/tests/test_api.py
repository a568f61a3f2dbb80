"""The case API: the same rules as the pages."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.models import Membership
from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.cases import services
from qorgau.cases.models import Case
from qorgau.cases.services import ChildInput, NameInput
from qorgau.screening.tests.factories import IdentificationFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    _token, raw = api_token_create(actor=user, name="shelter system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def _open(manager, workspace, name="Aigerim") -> Case:
    organisation = Membership.objects.get(user=manager).organisation
    child = services.child_register(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(region=organisation.region, names=[NameInput(name)], age_min=9, age_max=9),
    )
    return services.case_open(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )


def test_it_lists_and_shows_visible_cases(manager, workspace):
    case = _open(manager, workspace)
    api = _api(manager)
    body = api.get("/api/cases/").json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == case.number
    detail = api.get(f"/api/cases/{case.pk}").json()
    assert detail["child"]["names"][0]["full_name"] == "Aigerim"
    assert detail["stages"] == ["identification"]


def test_another_organisation_gets_nothing(manager, pavlodar, workspace):
    case = _open(manager, workspace)
    outsider = _api(user_with_role(Role.CASE_MANAGER, pavlodar["police"]))
    assert outsider.get("/api/cases/").json()["count"] == 0
    assert outsider.get(f"/api/cases/{case.pk}").status_code == 404
    assert outsider.get(f"/api/cases/children/{case.child_id}").status_code == 404


def test_a_role_without_children_is_refused_the_list(pavlodar):
    trainer = _api(user_with_role(Role.TRAINER, pavlodar["school"]))
    assert trainer.get("/api/cases/").status_code == 403


def test_list_endpoints_run_constant_queries(manager, workspace):
    _open(manager, workspace)
    api = _api(manager)
    counts = []
    for url in ("/api/cases/", "/api/cases/children"):
        api.get(url)  # the token's first use is written once
        with CaptureQueriesContext(connection) as few:
            api.get(url)
        counts.append(len(few))
    for n in range(5):
        _open(manager, workspace, name=f"Child {n}")
    for url, before in zip(("/api/cases/", "/api/cases/children"), counts, strict=True):
        with CaptureQueriesContext(connection) as many:
            body = api.get(url).json()
        assert body["count"] == 6
        assert len(many) == before


def test_it_opens_a_case_from_an_identification_once(pavlodar, workspace):
    screener = user_with_role(Role.CASE_MANAGER, pavlodar["school"])
    identification = IdentificationFactory(
        screening=ScreeningFactory(organisation=pavlodar["school"])
    )
    api = _api(screener)
    payload = {"identification_id": identification.pk, "idempotency_key": str(uuid.uuid4())}
    first = api.post("/api/cases/from-identification", payload, content_type="application/json")
    second = api.post("/api/cases/from-identification", payload, content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


def test_a_stale_stage_change_is_refused_with_a_message(manager, supervisor, workspace):
    case = _open(manager, workspace)
    services.case_change_stage(actor=supervisor, case=case, version=1, to_stage="assistance")
    response = _api(manager).post(
        f"/api/cases/{case.pk}/stage",
        {"stage": "assistance", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Someone else saved" in response.json()["error"]["message"]
