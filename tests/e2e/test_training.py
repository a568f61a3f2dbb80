"""Browser journey: an organiser creates a seminar and holds it in three cities; a participant
registers on a 360 px phone in Kazakh, is approved, and checks in with the QR link.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qorgau.accounts.models import Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, user_with_role
from qorgau.training.models import Attendance, Event, Registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _production_settings(settings):
    settings.QORGAU_REQUIRE_2FA = True  # training roles are not asked for a second factor
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def _sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(f"{live_server.url}/")


def _no_sideways_scrolling(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than a 360px phone"


def _iso(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_an_organiser_runs_a_three_city_series_and_a_participant_checks_in_by_phone(
    live_server, reference_data, page, phone_page, screenshot
):
    osce = OrganisationFactory(name="OSCE Programme Office in Astana")
    user_with_role(Role.TRAINING_ORGANISER, osce, username="zhanna", first_name="Zhanna")

    # --- the organiser creates the seminar ------------------------------------------------
    _sign_in(page, live_server, "zhanna")
    page.get_by_role("navigation").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="New event").first.click()
    page.locator("#id_kind").select_option("seminar")
    page.locator("#id_title").fill("Identifying child victims of trafficking")
    page.locator("#id_organiser").select_option(label=osce.name)
    page.locator("#id_city").fill("Pavlodar")
    page.locator("#id_region").select_option(label="Pavlodar Region")
    page.locator("#id_venue").fill("Regional akimat, hall 2")
    page.locator("#id_starts_on").fill(_iso(30))
    page.locator("#id_ends_on").fill(_iso(31))
    page.locator("#id_capacity").fill("25")
    page.get_by_label("Kazakh", exact=True).check()
    page.get_by_label("Russian", exact=True).check()
    page.locator("#id_audience-0-sector").select_option("law_enforcement")
    page.locator("#id_audience-0-role").fill("juvenile police inspectors")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_contain_text("Identifying child victims of trafficking")

    page.get_by_role("link", name="Add a session").click()
    page.locator("#id_starts_at").fill("10:00")
    page.locator("#id_ends_at").fill("12:30")
    page.locator("#id_topic").select_option("identification")
    page.locator("#id_room").fill("Hall 2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".session")).to_have_count(1)
    pavlodar_url = page.url

    # --- ... and holds it in two more cities ----------------------------------------------
    for city, region, start in (
        ("Kostanay", "Kostanay Region", 44),
        ("Shymkent", "Shymkent City", 58),
    ):
        page.goto(pavlodar_url)
        page.get_by_role("link", name="Hold it in another city").click()
        page.locator("#id_city").fill(city)
        page.locator("#id_region").select_option(label=region)
        page.locator("#id_venue").fill(f"{city} regional library")
        page.locator("#id_start").fill(_iso(start))
        page.locator("#id_end").fill(_iso(start + 1))
        page.get_by_role("button", name="Create the event").click()
        expect(page.locator("main h1")).to_contain_text(city)
        expect(page.locator(".session")).to_have_count(1)

    expect(page.locator("#series-events li")).to_have_count(3)
    expect(page.locator("#series-events")).to_contain_text("Pavlodar")
    expect(page.locator("#series-events")).to_contain_text("Kostanay")
    screenshot(page, "organiser-series")
    pavlodar = Event.objects.get(city="Pavlodar")
    assert pavlodar.series is not None and pavlodar.series.events.count() == 3

    # --- a participant registers on a phone, in Kazakh ------------------------------------
    phone = phone_page
    phone.goto(f"{live_server.url}/t/{pavlodar.code}/")
    phone.get_by_role("button", name="Қазақ").click()
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    expect(phone).to_have_url(f"{live_server.url}/t/{pavlodar.code}/")
    # Reference data speak Kazakh even before the interface catalogue is translated.
    expect(phone.locator(".facts")).to_contain_text("Павлодар облысы")
    phone.locator("details summary").click()
    expect(phone.locator(".sessions")).to_contain_text("Адам саудасы құрбандарын анықтау")

    phone.locator("#id_full_name").fill("Нұрланова Айгерім")
    phone.locator("#id_organisation_name").fill("Павлодар облысының полиция департаменті")
    phone.locator("#id_sector").select_option("law_enforcement")
    phone.locator("#id_position").fill("Кәмелетке толмағандар ісі жөніндегі инспектор")
    phone.locator("#id_region").select_option(label="Павлодар облысы")
    phone.locator("input[name=gender][value=female]").check()
    phone.locator("#id_email").fill("aigerim@example.org")
    phone.locator("#id_phone").fill("+7 701 123 45 67")
    expect(phone.locator("input[name=language][value=kk]")).to_be_checked()
    phone.locator("#id_consent").check()
    _no_sideways_scrolling(phone)
    screenshot(phone, "register-kk-360px")
    phone.locator("form button[type=submit].primary").click()

    expect(phone).to_have_url(re.compile(r"/registered/"))
    result = phone.locator("#registration-result")
    expect(result).to_have_attribute("data-status", "pending")
    code = phone.locator("#personal-code").inner_text().strip()
    registration = Registration.objects.get(email="aigerim@example.org")
    assert code == registration.code_display
    assert registration.language == "kk"
    _no_sideways_scrolling(phone)
    screenshot(phone, "registered-kk-360px")

    # --- the organiser approves -----------------------------------------------------------
    page.goto(pavlodar_url)
    page.get_by_role("link", name="Participants").click()
    row = page.locator(f"#registration-{registration.pk}")
    expect(row).to_contain_text("Нұрланова Айгерім")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#registration-{registration.pk} .status")).to_have_text("Approved")

    # --- ... shows the QR code in the room, and the participant checks in -----------------
    page.goto(pavlodar_url)
    page.get_by_role("link", name="Show QR code").click()
    expect(page.locator(".qr-large svg")).to_be_visible()
    checkin_url = page.locator("#checkin-url").get_attribute("href")
    assert checkin_url and "/t/c/" in checkin_url
    screenshot(page, "qr-code")

    phone.goto(checkin_url)
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    phone.locator("#id_identifier").fill(code.lower())
    phone.locator("form button[type=submit].primary").click()
    expect(phone.locator("#checkin .message.success")).to_contain_text(
        "Identifying child victims of trafficking"
    )
    _no_sideways_scrolling(phone)
    screenshot(phone, "checked-in-kk-360px")
    assert Attendance.objects.filter(registration=registration, method="qr").count() == 1

    # Scanning again records nothing new.
    phone.goto(checkin_url)
    phone.locator("#id_identifier").fill("aigerim@example.org")
    phone.locator("form button[type=submit].primary").click()
    expect(phone.locator("#checkin h1")).to_be_visible()
    assert Attendance.objects.filter(registration=registration).count() == 1
    assert Region.objects.filter(key="KZ-55").exists()
