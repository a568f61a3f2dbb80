"""Signing in and out: passwords, lockout, the second factor and idle sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import TEST_PASSWORD, UserFactory, user_with_role
from qorgau.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("core:home")


def _sign_in(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


def _code(device: TOTPDevice, shift: int = 0) -> str:
    """The code an authenticator app shows now (or ``shift`` steps from now)."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + shift,
    )
    return f"{value:0{device.digits}d}"


# --- passwords ----------------------------------------------------------------------------
def test_it_signs_a_person_in_with_the_right_password(client, no_two_factor):
    person = user_with_role(Role.CASE_MANAGER)

    response = _sign_in(client, person.username)

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login", actor=person).exists()


def test_the_sign_in_page_asks_for_a_user_name_and_password(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'type="password"' in response.content


def test_a_wrong_password_is_refused_with_an_error_in_the_readers_language(client):
    person = UserFactory()
    russian = Client(headers={"accept-language": "ru"})

    english_page = _sign_in(client, person.username, "not-my-password").content.decode()
    russian_page = _sign_in(russian, person.username, "not-my-password").content.decode()

    assert "Please enter a correct username and password" in english_page
    assert "Пожалуйста, введите правильные" in russian_page
    assert '<html lang="ru">' in russian_page
    assert not _signed_in(client) and not _signed_in(russian)


def test_signing_in_sets_the_persons_language_for_the_browser(client, no_two_factor):
    person = UserFactory(language="kk")

    response = _sign_in(client, person.username)

    assert response.cookies["qorgau_language"].value == "kk"


# --- lockout ------------------------------------------------------------------------------
def test_it_locks_sign_in_after_the_failure_limit_even_for_the_right_password(
    client, settings, no_two_factor
):
    person = UserFactory()
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 2

    for _attempt in range(limit - 1):
        response = _sign_in(client, person.username, "guess")
        assert response.status_code == 200
        assert b"Too many failed sign-ins" not in response.content
    locked = _sign_in(client, person.username, "guess")
    right_password = _sign_in(client, person.username)

    for response in (locked, right_password):
        assert response.status_code == 429
        assert "accounts/locked_out.html" in [t.name for t in response.templates]
        assert b"Too many failed sign-ins" in response.content
    assert not _signed_in(client)


def test_fewer_failures_than_the_limit_do_not_lock_anyone_out(client, settings, no_two_factor):
    person = UserFactory()

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, person.username, "guess")
    response = _sign_in(client, person.username)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_lockout_of_one_account_does_not_lock_another(client, settings, no_two_factor):
    victim, colleague = UserFactory(), UserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, victim.username, "guess")

    response = _sign_in(client, colleague.username)

    assert response.status_code == 302


# --- the second factor --------------------------------------------------------------------
PAGES_BEHIND_TWO_FACTOR = [
    reverse("core:home"),
    reverse("audit:events"),
    reverse("accounts:members"),
    reverse("accounts:person_new"),
    reverse("accounts:tokens"),
    reverse("accounts:security"),
]


@pytest.mark.parametrize("path", PAGES_BEHIND_TWO_FACTOR)
def test_a_front_line_worker_must_give_a_second_factor_before_any_page(client, two_factor, path):
    person = user_with_role(Role.FRONT_LINE)
    _sign_in(client, person.username)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_admins_and_auditors_must_give_a_second_factor_too(client, two_factor, role):
    _sign_in(client, user_with_role(role).username)

    assert client.get(HOME)["Location"] == TWO_FACTOR


def test_a_password_alone_cannot_create_an_api_token(client, two_factor):
    person = user_with_role(Role.CASE_MANAGER)
    _sign_in(client, person.username)

    page = client.post(reverse("accounts:tokens"), {"name": "my script"})
    api = client.post("/api/tokens", {"name": "my script"}, content_type="application/json")

    assert page.status_code == 302 and page["Location"] == TWO_FACTOR
    assert api.status_code in (401, 403)
    assert not person.api_tokens.exists()


def test_the_api_refuses_an_unverified_session_with_a_json_error(client, two_factor):
    _sign_in(client, user_with_role(Role.INVESTIGATOR).username)

    response = client.get("/api/me")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_a_front_line_worker_sets_up_an_authenticator_and_reaches_home(
    client, two_factor, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    person = user_with_role(Role.FRONT_LINE)
    _sign_in(client, person.username)

    setup = client.get(TWO_FACTOR)
    assert setup.status_code == 200
    assert b"Set up two-factor sign-in" in setup.content
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert setup.context["secret"]  # the key, for typing in when the QR code cannot be scanned
    assert b"<svg" in setup.content

    response = client.post(TWO_FACTOR, {"code": _code(device)})

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", actor=person).exists()


def test_reloading_the_setup_page_keeps_the_same_key(client, two_factor):
    person = user_with_role(Role.FRONT_LINE)
    _sign_in(client, person.username)

    first = client.get(TWO_FACTOR).context["secret"]
    second = client.get(TWO_FACTOR).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=person).count() == 1


def test_next_time_the_enrolled_worker_only_enters_a_code(client, two_factor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    person = user_with_role(Role.FRONT_LINE)
    device = TOTPDevice.objects.create(user=person, name="Qorgau", confirmed=True)
    _sign_in(client, person.username)

    prompt = client.get(TWO_FACTOR)
    assert b"Enter your code" in prompt.content
    assert "secret" not in prompt.context  # the key is never shown again

    client.post(TWO_FACTOR, {"code": _code(device)})

    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("wrong", ["stale", "123", "abcdef"])
def test_a_wrong_code_is_refused_with_a_message(client, two_factor, time_machine, wrong):
    time_machine.move_to(timezone.now(), tick=False)
    person = user_with_role(Role.FRONT_LINE)
    _sign_in(client, person.username)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=person)
    code = _code(device, shift=-10) if wrong == "stale" else wrong

    response = client.post(TWO_FACTOR, {"code": code})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["code"])
    if wrong == "stale":
        assert "That code is not right or has expired." in errors
    else:
        assert "Enter the six digits shown in your app." in errors
    assert client.get(HOME)["Location"] == TWO_FACTOR
    device.refresh_from_db()
    assert not device.confirmed


def test_a_wrong_code_is_recorded_and_the_right_one_still_works_later(
    client, two_factor, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    person = user_with_role(Role.FRONT_LINE)
    _sign_in(client, person.username)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=person)
    client.post(TWO_FACTOR, {"code": _code(device, shift=-10)})
    assert AuditEvent.objects.filter(action="auth.two_factor_failed", actor=person).exists()

    time_machine.shift(timedelta(seconds=5))  # past the throttle after one failure
    response = client.post(TWO_FACTOR, {"code": _code(device)})

    assert response["Location"] == HOME


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EXPERT, Role.NATIONAL_COORDINATOR])
def test_roles_that_never_see_a_childs_identity_are_not_asked_for_a_second_factor(
    client, two_factor, role
):
    _sign_in(client, user_with_role(role).username)

    assert client.get(HOME).status_code == 200


def test_a_person_with_no_role_is_not_asked_for_a_second_factor(client, two_factor):
    _sign_in(client, UserFactory().username)

    assert client.get(HOME).status_code == 200


def test_without_the_second_factor_the_front_line_goes_straight_home(client, no_two_factor):
    _sign_in(client, user_with_role(Role.FRONT_LINE).username)

    assert client.get(HOME).status_code == 200


def test_the_demo_says_on_the_sign_in_page_that_two_factor_is_off(client, settings):
    settings.DEMO = True
    settings.QORGAU_REQUIRE_2FA = False

    page = client.get(LOGIN).content.decode()

    assert "Demo: two-factor sign-in is turned off." in page


def test_with_two_factor_on_the_sign_in_page_shows_no_demo_notice(client, settings):
    settings.DEMO = False
    settings.QORGAU_REQUIRE_2FA = True

    page = client.get(LOGIN).content.decode()

    assert "two-factor sign-in is turned off" not in page


# --- sessions -----------------------------------------------------------------------------
def test_every_request_renews_the_session_and_it_ends_with_the_browser():
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 60 * 60


def test_an_idle_session_is_logged_out_after_the_cookie_age(client, no_two_factor, time_machine):
    age = django_settings.SESSION_COOKIE_AGE
    time_machine.move_to(timezone.now(), tick=False)
    _sign_in(client, UserFactory().username)

    # Working keeps the session alive, well past one idle period in total...
    for _step in range(3):
        time_machine.shift(timedelta(seconds=age - 60))
        assert _signed_in(client)

    # ...but one idle period without a request ends it.
    time_machine.shift(timedelta(seconds=age + 1))
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- signing out --------------------------------------------------------------------------
def test_logging_out_needs_a_post(client, no_two_factor):
    _sign_in(client, UserFactory().username)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert _signed_in(client)


def test_logging_out_ends_the_session(client, no_two_factor):
    person = UserFactory()
    _sign_in(client, person.username)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.logout", actor=person).exists()


def test_logging_out_everywhere_ends_the_sessions_on_other_devices(client, no_two_factor):
    person = UserFactory()
    phone = Client(headers={"accept-language": "en"})
    _sign_in(client, person.username)
    _sign_in(phone, person.username)
    assert client.get(reverse("accounts:security")).status_code == 200

    response = client.post(reverse("accounts:logout_everywhere"))

    assert response["Location"] == LOGIN
    assert not _signed_in(client)
    assert not _signed_in(phone)
    _sign_in(phone, person.username)
    assert _signed_in(phone)  # signing in again works


def test_a_personal_token_is_refused_once_its_owner_is_deactivated(client):
    person = UserFactory()
    _token, raw = api_token_create(actor=person, name="sync")
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/me", headers=auth).status_code == 200

    person.is_active = False
    person.save()

    assert client.get("/api/me", headers=auth).status_code == 401


def test_the_sign_in_page_follows_the_language_cookie(client):
    client.cookies["qorgau_language"] = "ru"

    page = client.get(LOGIN).content.decode()

    with translation.override("ru"):
        assert translation.gettext("Sign in to Qorgau") in page
    assert "Sign in to Qorgau" not in page
    assert '<html lang="ru">' in page
