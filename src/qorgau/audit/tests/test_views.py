"""The auditor's page and the audit API: wiring, filters and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from qorgau.accounts import services as accounts_services
from qorgau.accounts.models import User
from qorgau.accounts.tests.factories import OrganisationFactory, UserFactory, user_with_role
from qorgau.audit import services

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
Login = Callable[[Client, User], None]


@pytest.fixture
def auditor(login_verified: Login, client: Client) -> User:
    user = user_with_role("auditor", username="auditor")
    login_verified(client, user)
    return user


def _seqs(response: Any) -> list[int]:
    return [event.seq for event in response.context["page"].object_list]


def _bulk(n: int) -> None:
    actor = UserFactory()
    organisation = OrganisationFactory()
    for i in range(n):
        services.record(actor=actor, action=f"case.step{i}", organisation=organisation)


# --- the page -----------------------------------------------------------------------------
def test_the_page_lists_events_newest_first(client: Client, auditor: User) -> None:
    services.record(actor=auditor, action="case.open", target=auditor)
    services.record(actor=auditor, action="case.close", target=auditor)

    response = client.get("/audit/")

    assert response.status_code == 200
    assert _seqs(response) == [2, 1]
    content = response.content.decode()
    assert "<code>case.open</code>" in content
    assert "<code>case.close</code>" in content
    assert f"accounts.user {auditor.pk}" in content


def test_it_filters_by_action_prefix(client: Client, auditor: User) -> None:
    for action in ("auth.login", "case.open", "auth.logout", "authz.grant"):
        services.record(actor=auditor, action=action)

    response = client.get("/audit/", {"action": "auth."})

    assert [e.action for e in response.context["page"].object_list] == ["auth.logout", "auth.login"]


def test_it_filters_by_actor_name_ignoring_case(client: Client, auditor: User) -> None:
    someone = UserFactory(username="Dana")
    services.record(actor=someone, action="case.open")
    services.record(actor=auditor, action="case.view")
    services.record(actor=someone, action="case.close")

    response = client.get("/audit/", {"actor": "dana"})

    assert _seqs(response) == [3, 1]


def test_it_filters_by_target_type(client: Client, auditor: User) -> None:
    organisation = OrganisationFactory()
    services.record(actor=auditor, action="organisation.edit", target=organisation)
    services.record(actor=auditor, action="user.edit", target=auditor)

    response = client.get("/audit/", {"target_type": "accounts.organisation"})

    assert _seqs(response) == [1]


def _record_at(moment: datetime, action: str) -> None:
    with time_machine.travel(moment, tick=False):
        services.record(actor=None, action=action)


def test_it_filters_by_date_range_in_local_time(client: Client, auditor: User) -> None:
    _record_at(datetime(2026, 3, 1, 12, tzinfo=ALMATY), "case.early")  # 1
    _record_at(datetime(2026, 3, 5, 12, tzinfo=ALMATY), "case.middle")  # 2
    # 02:00 on 6 March in Almaty is still 5 March in UTC: the day is the local one.
    _record_at(datetime(2026, 3, 6, 2, tzinfo=ALMATY), "case.night")  # 3
    _record_at(datetime(2026, 3, 10, 12, tzinfo=ALMATY), "case.late")  # 4

    assert _seqs(client.get("/audit/", {"from": "2026-03-02", "to": "2026-03-09"})) == [3, 2]
    assert _seqs(client.get("/audit/", {"from": "2026-03-05", "to": "2026-03-05"})) == [2]
    assert _seqs(client.get("/audit/", {"from": "2026-03-06"})) == [4, 3]
    assert _seqs(client.get("/audit/", {"to": "2026-03-01"})) == [1]


@pytest.mark.parametrize(("param", "label"), [("from", "From"), ("to", "To")])
def test_a_bad_date_shows_an_error_and_the_unfiltered_list(
    client: Client, auditor: User, param: str, label: str
) -> None:
    services.record(actor=auditor, action="case.open")

    response = client.get("/audit/", {param: "31.12.2026"})

    assert response.status_code == 200
    assert f"{label} is not a date (use YYYY-MM-DD)." in response.content.decode()
    assert response.context["errors"] == [f"{label} is not a date (use YYYY-MM-DD)."]
    assert _seqs(response) == [1]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_bad_date_error_is_given_in_the_users_language(
    client: Client, auditor: User, language: str
) -> None:
    auditor.language = language
    auditor.save(update_fields=["language"])
    with translation.override(language):
        expected = gettext("%(field)s is not a date (use YYYY-MM-DD).") % {"field": gettext("From")}

    response = client.get("/audit/", {"from": "yesterday"})

    assert response.status_code == 200
    assert response.context["errors"] == [expected]
    if (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists():
        assert expected != "From is not a date (use YYYY-MM-DD)."


@pytest.mark.parametrize("role", ["front_line", "case_manager", "org_admin", "trainer"])
def test_people_who_are_not_auditors_are_refused(
    client: Client, login_verified: Login, role: str
) -> None:
    services.record(actor=None, action="case.open")
    login_verified(client, user_with_role(role))

    response = client.get("/audit/")

    assert response.status_code == 403
    assert b"case.open" not in response.content


def test_a_system_admin_may_read_the_trail(client: Client, login_verified: Login) -> None:
    services.record(actor=None, action="case.open")
    login_verified(client, user_with_role("system_admin"))

    assert client.get("/audit/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_auditor_without_the_second_factor_is_sent_to_give_it(
    client: Client, settings: Any
) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    client.force_login(
        user_with_role("auditor"), backend="django.contrib.auth.backends.ModelBackend"
    )

    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_an_htmx_request_gets_only_the_rows(client: Client, auditor: User) -> None:
    services.record(actor=auditor, action="case.open")

    response = client.get("/audit/", {"action": "case"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    templates = [t.name for t in response.templates]
    assert "audit/_rows.html" in templates
    assert "audit/events.html" not in templates
    assert "base.html" not in templates
    content = response.content.decode()
    assert "<code>case.open</code>" in content
    assert "<html" not in content
    assert "<form" not in content


def test_the_page_runs_the_same_number_of_queries_for_5_and_for_60_events(
    client: Client, auditor: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    _bulk(5)
    client.get("/audit/")  # first request of the session creates the real workspace
    with CaptureQueriesContext(connection) as few:
        response = client.get("/audit/")
    assert len(_seqs(response)) == 5

    _bulk(55)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/audit/")
    assert len(_seqs(response)) == 50  # one page


# --- the API ------------------------------------------------------------------------------
def _token_client(user: User) -> Client:
    _token, raw = accounts_services.api_token_create(actor=user, name="audit reader")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_the_api_lists_events_with_limit_and_offset() -> None:
    api = _token_client(user_with_role("auditor"))  # records event #1 (api_token.create)
    for i in range(6):
        services.record(actor=None, action=f"case.step{i}")

    response = api.get("/api/audit/events", {"limit": 3, "offset": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [item["seq"] for item in body["items"]] == [6, 5, 4]
    assert set(body["items"][0]) == {
        "seq",
        "created_at",
        "actor_label",
        "organisation_id",
        "action",
        "target_type",
        "target_id",
        "client_address",
    }


def test_the_api_applies_the_same_filters() -> None:
    api = _token_client(user_with_role("auditor"))
    services.record(actor=None, action="case.open")
    services.record(actor=None, action="auth.login")

    body = api.get("/api/audit/events", {"action": "case."}).json()

    assert [item["action"] for item in body["items"]] == ["case.open"]


def test_the_api_refuses_a_bad_date_with_the_field_named() -> None:
    api = _token_client(user_with_role("auditor"))

    response = api.get("/api/audit/events", {"date_from": "soon"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["date_from"]


@pytest.mark.parametrize("role", ["front_line", "org_admin", "national_coordinator"])
def test_the_api_refuses_people_who_are_not_auditors(role: str) -> None:
    api = _token_client(user_with_role(role))

    response = api.get("/api/audit/events")

    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "forbidden"
    assert body["error"]["message"]
    assert "items" not in body


def test_the_api_refuses_an_anonymous_caller() -> None:
    response = Client().get("/api/audit/events")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_api_runs_the_same_number_of_queries_for_5_and_for_60_events(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    api = _token_client(user_with_role("auditor"))
    _bulk(5)
    api.get("/api/audit/events")  # a token's first use stamps it; later uses in a minute do not
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/audit/events").status_code == 200

    _bulk(55)
    with django_assert_num_queries(len(few.captured_queries)):
        body = api.get("/api/audit/events").json()
    assert body["count"] == 61
