"""The REST API: its description, authentication, the one error shape, and token endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts import services
from qorgau.accounts.models import ApiToken, Membership, User
from qorgau.accounts.tests.factories import MembershipFactory, user_with_role

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _bearer(raw: str, **headers: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en", **headers})


def _token_for(user: User, name: str = "partner system") -> tuple[ApiToken, str]:
    return services.api_token_create(actor=user, name=name)


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    return error


def _login_verified(client: Client, user: User) -> None:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user, backend=MODEL_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def _catalogue_exists(language: str) -> bool:
    return (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists()


# --- the description ----------------------------------------------------------------------
def test_the_openapi_document_describes_the_endpoints(client: Client) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/me", "/api/tokens", "/api/tokens/{token_id}", "/api/regions"} <= set(
        document["paths"]
    )
    assert set(document["paths"]["/api/tokens"]) == {"get", "post"}
    assert "delete" in document["paths"]["/api/tokens/{token_id}"]
    assert "TokenIn" in document["components"]["schemas"]


def test_the_interactive_docs_open(client: Client, settings: Any) -> None:
    settings.QORGAU_REQUIRE_2FA = True

    response = client.get("/api/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


# --- authentication -----------------------------------------------------------------------
def test_me_without_credentials_is_401_with_the_error_shape(client: Client) -> None:
    error = _assert_error(client.get("/api/me"), 401, "unauthenticated")

    assert "fields" not in error


def test_me_with_a_token_returns_the_user_and_active_memberships() -> None:
    user = user_with_role("case_manager", first_name="Aigerim", last_name="Sadykova")
    second = MembershipFactory(user=user, role="supervisor")
    MembershipFactory(user=user, role="auditor", is_active=False)
    _token, raw = _token_for(user)

    response = _bearer(raw).get("/api/me")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["full_name"] == "Aigerim Sadykova"
    first = Membership.objects.get(user=user, role="case_manager")
    assert sorted(body["memberships"], key=lambda m: m["role"]) == [
        {
            "organisation_id": first.organisation_id,
            "organisation": first.organisation.name,
            "role": "case_manager",
        },
        {
            "organisation_id": second.organisation_id,
            "organisation": second.organisation.name,
            "role": "supervisor",
        },
    ]


def test_using_a_token_stamps_when_it_was_last_used() -> None:
    token, raw = _token_for(user_with_role("trainer"))
    assert token.last_used_at is None

    assert _bearer(raw).get("/api/me").status_code == 200

    token.refresh_from_db()
    assert token.last_used_at is not None


def _revoked(token: ApiToken) -> None:
    services.api_token_revoke(actor=token.user, token=token)


def _expired(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _owner_deactivated(token: ApiToken) -> None:
    User.objects.filter(pk=token.user_id).update(is_active=False)


@pytest.mark.parametrize("spoil", [_revoked, _expired, _owner_deactivated])
def test_a_token_that_is_no_longer_good_is_401(spoil: Callable[[ApiToken], None]) -> None:
    token, raw = _token_for(user_with_role("trainer"))
    assert _bearer(raw).get("/api/me").status_code == 200

    spoil(token)

    _assert_error(_bearer(raw).get("/api/me"), 401, "unauthenticated")


@pytest.mark.parametrize("raw", ["qrg_not-a-real-token", "not-even-our-prefix", ""])
def test_an_unknown_token_is_401(raw: str) -> None:
    _token_for(user_with_role("trainer"))

    _assert_error(_bearer(raw).get("/api/me"), 401, "unauthenticated")


# --- session authentication, CSRF and the second factor -----------------------------------
def _session_client(user: User, *, verified: bool = False) -> Client:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if verified:
        _login_verified(client, user)
    else:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


def test_a_session_write_without_the_csrf_token_is_refused(settings: Any) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    client = _session_client(user_with_role("trainer"))

    response = client.post("/api/tokens", {"name": "cli"}, content_type="application/json")

    error = _assert_error(response, 403, "csrf_failed")
    assert error["message"] == "CSRF verification failed. Request aborted."
    assert not ApiToken.objects.exists()


def test_a_session_write_with_the_csrf_token_is_accepted(settings: Any) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    user = user_with_role("trainer")
    client = _session_client(user)
    assert client.get("/accounts/tokens/").status_code == 200
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        "/api/tokens",
        {"name": "cli"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201
    assert ApiToken.objects.get().user == user


def test_a_token_write_needs_no_csrf_token() -> None:
    _token, raw = _token_for(user_with_role("trainer"))
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {raw}"})

    response = client.post("/api/tokens", {"name": "second"}, content_type="application/json")

    assert response.status_code == 201


@pytest.mark.parametrize("role", ["front_line", "case_manager", "auditor", "org_admin"])
def test_a_session_without_the_second_factor_gets_no_data(settings: Any, role: str) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    client = _session_client(user_with_role(role))

    for path in ("/api/me", "/api/tokens", "/api/audit/events"):
        response = client.get(path)
        assert response.status_code in (401, 403), path
        body = response.json()
        assert set(body) == {"error"}, path
        assert body["error"]["message"], path


def test_the_same_session_with_the_second_factor_gets_data(settings: Any) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    user = user_with_role("front_line")
    client = _session_client(user, verified=True)

    response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_without_the_two_factor_requirement_a_plain_session_is_enough(settings: Any) -> None:
    settings.QORGAU_REQUIRE_2FA = False
    client = _session_client(user_with_role("front_line"))

    assert client.get("/api/me").status_code == 200


# --- bad input ----------------------------------------------------------------------------
BAD_TOKEN_INPUT = {
    "missing-name": ({}, "name"),
    "name-too-long": ({"name": "x" * 101}, "name"),
    "name-blank": ({"name": "   "}, "name"),
    "name-not-text": ({"name": 5}, "name"),
    "expiry-not-a-date": ({"name": "ok", "expires_at": "not-a-date"}, "expires_at"),
    "expiry-in-the-past": ({"name": "ok", "expires_at": "2020-01-01T00:00:00+05:00"}, "expires_at"),
}


@pytest.mark.parametrize(("payload", "field"), BAD_TOKEN_INPUT.values(), ids=BAD_TOKEN_INPUT.keys())
def test_bad_token_input_is_422_naming_the_field(payload: dict[str, Any], field: str) -> None:
    _token, raw = _token_for(user_with_role("trainer"))

    response = _bearer(raw).post("/api/tokens", payload, content_type="application/json")

    error = _assert_error(response, 422, "invalid")
    assert list(error["fields"]) == [field]
    assert all(isinstance(m, str) and m.strip() for m in error["fields"][field])
    assert ApiToken.objects.count() == 1


def test_a_body_that_is_not_json_is_refused_without_a_500() -> None:
    _token, raw = _token_for(user_with_role("trainer"))

    response = _bearer(raw).post("/api/tokens", "{name: ", content_type="application/json")

    error = _assert_error(response, 400, "invalid")
    assert error["message"] == "The request body is not valid JSON."
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_errors_are_given_in_the_callers_language(language: str) -> None:
    _token, raw = _token_for(user_with_role("trainer"))

    response = _bearer(raw, **{"accept-language": language}).post(
        "/api/tokens", {}, content_type="application/json"
    )

    error = _assert_error(response, 422, "invalid")
    assert error["message"] == _in(language, "Some fields need correcting.")
    assert error["fields"] == {"name": [_in(language, "This field is required.")]}
    if _catalogue_exists(language):
        assert error["message"] != "Some fields need correcting."
        assert error["fields"]["name"] != ["This field is required."]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_refusals_by_the_framework_are_given_in_the_callers_language(
    language: str, settings: Any
) -> None:
    settings.QORGAU_REQUIRE_2FA = True
    user = user_with_role("trainer")
    _token, raw = _token_for(user)
    session = _session_client(user)

    no_csrf = session.post(
        "/api/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"accept-language": language},
    )
    not_json = _bearer(raw, **{"accept-language": language}).post(
        "/api/tokens", "{name: ", content_type="application/json"
    )

    csrf_message = _in(language, "CSRF verification failed. Request aborted.")
    json_message = _in(language, "The request body is not valid JSON.")
    assert _assert_error(no_csrf, 403, "csrf_failed")["message"] == csrf_message
    assert _assert_error(not_json, 400, "invalid")["message"] == json_message
    if _catalogue_exists(language):
        assert csrf_message != "CSRF verification failed. Request aborted."
        assert json_message != "The request body is not valid JSON."


# --- tokens -------------------------------------------------------------------------------
def test_creating_a_token_returns_it_once_and_it_works() -> None:
    user = user_with_role("trainer")
    _token, raw = _token_for(user)

    response = _bearer(raw).post(
        "/api/tokens", {"name": "  reporting  "}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "reporting"
    assert body["token"].startswith(services.TOKEN_PREFIX)
    assert body["token"].startswith(body["prefix"])
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.digest == services.token_digest(body["token"])
    assert _bearer(body["token"]).get("/api/me").json()["id"] == user.pk


def test_the_token_list_shows_only_ones_own_tokens_and_never_the_secret() -> None:
    me = user_with_role("trainer")
    _token, raw = _token_for(me, "mine")
    _token_for(user_with_role("trainer"), "someone else's")

    response = _bearer(raw).get("/api/tokens")

    assert response.status_code == 200
    (listed,) = response.json()
    assert listed["name"] == "mine"
    assert "token" not in listed
    assert "digest" not in listed


def test_the_token_list_runs_the_same_number_of_queries_for_2_and_for_12_tokens(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = user_with_role("trainer")
    _token, raw = _token_for(user)
    _token_for(user)
    api = _bearer(raw)
    api.get("/api/tokens")  # the first use stamps the token; later uses within a minute do not
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/tokens").json()) == 2

    for i in range(10):
        _token_for(user, f"extra {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/tokens").json()) == 12


def test_revoking_ones_own_token_stops_it_working() -> None:
    user = user_with_role("trainer")
    _token, raw = _token_for(user, "admin")
    other, other_raw = _token_for(user, "to revoke")

    response = _bearer(raw).delete(f"/api/tokens/{other.pk}")

    assert response.status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None
    _assert_error(_bearer(other_raw).get("/api/me"), 401, "unauthenticated")


def test_revoking_someone_elses_token_is_404_and_changes_nothing() -> None:
    _mine, raw = _token_for(user_with_role("org_admin"))
    theirs, theirs_raw = _token_for(user_with_role("trainer"))

    response = _bearer(raw).delete(f"/api/tokens/{theirs.pk}")

    _assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert _bearer(theirs_raw).get("/api/me").status_code == 200


def test_revoking_a_token_that_does_not_exist_is_the_same_404() -> None:
    _mine, raw = _token_for(user_with_role("trainer"))

    _assert_error(_bearer(raw).delete("/api/tokens/999999"), 404, "not_found")


# --- public reference data ----------------------------------------------------------------
def test_regions_are_public_and_list_the_20_current_units(
    client: Client, reference_data: Any, django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(1):
        response = client.get("/api/regions")

    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == 20
    assert len({r["key"] for r in regions}) == 20
    assert all(r["valid_to"] is None for r in regions)
    assert {r["kind"] for r in regions} == {"region", "city"}
    assert all(r["name_kk"] and r["name_ru"] and r["name_en"] for r in regions)


def test_regions_are_named_in_the_callers_language(reference_data: Any) -> None:
    client = Client(headers={"accept-language": "ru"})

    regions = client.get("/api/regions").json()

    assert all(r["name"] == r["name_ru"] for r in regions)
