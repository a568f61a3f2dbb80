from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.models import Region, User
from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.directory.models import CapacityUpdate, ServiceType
from qorgau.directory.tests.factories import ProviderServiceFactory

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _token, raw = api_token_create(actor=user, name="shelter system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


@pytest.fixture
def kz79(reference_data) -> Region:
    return Region.objects.get(key="KZ-79")


def _shelter(region: Region, name: str = "Crisis Centre Zhan") -> Any:
    return ProviderServiceFactory(
        provider__organisation__name=name,
        provider__organisation__region=region,
        service_type=ServiceType.objects.get(key="shelter"),
        regions=[region],
        capacity_total=12,
        capacity_free=3,
    )


def test_search_is_paginated_and_filters_by_keys(kz79, service_types):
    _shelter(kz79)
    client = _api(user_with_role(Role.FRONT_LINE))

    found = client.get(
        "/api/directory/providers",
        {"region": "KZ-79", "service_type": "shelter", "language": "kk", "has_free_capacity": True},
    ).json()
    none = client.get("/api/directory/providers", {"region": "KZ-55"}).json()

    assert found["count"] == 1
    provider = found["items"][0]
    assert provider["name"] == "Crisis Centre Zhan"
    assert provider["services"][0]["service_type"]["key"] == "shelter"
    assert provider["services"][0]["regions"][0]["key"] == "KZ-79"
    assert provider["services"][0]["capacity_free"] == 3
    assert provider["languages"] == ["kk", "ru"]
    assert none == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"region": "KZ-00"}, "region"),
        ({"service_type": "x"}, "service_type"),
        ({"language": "Russian"}, "language"),
    ],
)
def test_bad_filters_are_422_naming_the_field(kz79, service_types, query, field):
    response = _api(user_with_role(Role.FRONT_LINE)).get("/api/directory/providers", query)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_the_list_runs_a_constant_number_of_queries(kz79, service_types):
    client = _api(user_with_role(Role.FRONT_LINE))
    _shelter(kz79, "One")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/directory/providers").status_code == 200
        return len(captured)

    queries()  # the first call also stamps the token's last use
    few = queries()
    for n in range(10):
        _shelter(kz79, f"Provider {n}")
    assert queries() == few


def test_provider_detail_and_capacity_report_by_its_staff(kz79, service_types):
    service = _shelter(kz79)
    staff = user_with_role(Role.PROVIDER_STAFF, service.provider.organisation)
    client = _api(staff)

    detail = client.get(f"/api/directory/providers/{service.provider_id}")
    report = client.post(
        f"/api/directory/services/{service.pk}/capacity",
        {"total": 12, "free": 1, "note": "two admitted"},
        content_type="application/json",
    )

    assert detail.status_code == 200
    assert detail.json()["services"][0]["id"] == service.pk
    assert report.status_code == 201
    assert report.json()["free"] == 1
    assert CapacityUpdate.objects.get().updated_by == staff


def test_capacity_refusals_and_bad_input(kz79, service_types):
    service = _shelter(kz79)
    url = f"/api/directory/services/{service.pk}/capacity"
    staff = _api(user_with_role(Role.PROVIDER_STAFF, service.provider.organisation))

    outsider = _api(user_with_role(Role.PROVIDER_STAFF)).post(
        url, {"total": 12, "free": 1}, content_type="application/json"
    )
    too_many = staff.post(url, {"total": 2, "free": 5}, content_type="application/json")
    negative = staff.post(url, {"total": -1, "free": 0}, content_type="application/json")
    anonymous = Client().get("/api/directory/providers")

    assert outsider.status_code == 403
    assert too_many.status_code == 422
    assert "free" in too_many.json()["error"]["fields"]
    assert negative.status_code == 422
    assert "total" in negative.json()["error"]["fields"]
    assert anonymous.status_code == 401
    assert not CapacityUpdate.objects.exists()
