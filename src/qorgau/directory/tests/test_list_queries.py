"""The directory's search page and API list run the same number of queries for 3 or 30 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.directory.tests.test_api import _shelter, kz79  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("how", ["page", "api"])
def test_the_search_runs_constant_queries_for_3_or_30_providers(
    kz79,  # noqa: F811
    service_types,
    settings,
    django_assert_num_queries,
    how,
):
    settings.QORGAU_REQUIRE_2FA = False
    user = user_with_role(Role.FRONT_LINE)
    if how == "api":
        _token, raw = api_token_create(actor=user, name="ngo")
        client = Client(headers={"authorization": f"Bearer {raw}"})
        url, query = "/api/directory/providers", {"service_type": "shelter", "limit": 50}
    else:
        client = Client()
        client.force_login(user)
        url, query = reverse("directory:search"), {"service_type": "", "q": ""}
    for n in range(3):
        _shelter(kz79, f"Provider {n}")
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    for n in range(3, 30):
        _shelter(kz79, f"Provider {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, query)
    assert response.status_code == 200
    if how == "api":
        assert response.json()["count"] == 30
    else:
        assert response.context["page"].paginator.count == 30
