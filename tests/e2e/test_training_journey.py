"""Browser journey of issue 5's "done when": an organiser creates a programme with a target and a
seminar held in three cities; a participant registers on a 360 px phone in Kazakh, is approved,
checks in with the QR link and their personal code (the e-mail address alone is refused), takes
the pre- and post-test, and downloads a certificate; the public page verifies it; the programme
report counts them (page, PDF and Excel file).

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from qorgau.accounts.models import Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, user_with_role
from qorgau.training.assessments import demo_bank_entries, question_bank_load
from qorgau.training.models import Attempt, Attendance, Certificate, Event, Registration
from tests.e2e.pages import no_sideways_scrolling

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(f"{live_server.url}/")


def _iso(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _take_the_test(phone: Any, url: str, code: str, screenshot: Any, name: str) -> None:
    phone.goto(url)
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    phone.locator("#id_identifier").fill(code)
    screenshot(phone, f"{name}-identify")
    phone.locator("#test-identify button[type=submit]").click()
    questions = phone.locator("fieldset.question")
    expect(questions.first).to_be_visible()
    for i in range(questions.count()):
        questions.nth(i).locator("input").first.check()
    no_sideways_scrolling(phone)
    screenshot(phone, name)
    phone.locator("button[name=submit]").click()
    expect(phone.locator("#submitted")).to_be_visible()


def _switch_test(page: Any, tests_url: str, phase: str) -> str:
    """Open or close the test of this phase; the link of an opened test."""
    page.goto(tests_url)
    page.locator(f"#test-{phase} form button").click()
    page.goto(tests_url)
    link = page.locator(f"#test-{phase} a.url")
    return link.get_attribute("href") if link.count() else ""


def test_an_organiser_runs_a_three_city_series_and_a_participant_is_trained_by_phone(
    live_server, reference_data, page, phone_page, screenshot, settings
):
    settings.QORGAU_SITE_URL = live_server.url  # the links shown and e-mailed point here
    osce = OrganisationFactory(name="OSCE Programme Office in Astana")
    user_with_role(Role.TRAINING_ORGANISER, osce, username="zhanna", first_name="Zhanna")
    question_bank_load(entries=demo_bank_entries())

    # --- the organiser creates the programme and the seminar ------------------------------
    _sign_in(page, live_server, "zhanna")
    page.get_by_role("navigation").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="New programme").click()
    page.locator("#id_name").fill("Identifying child victims: police and social workers")
    page.locator("#id_implementer").select_option(label=osce.name)
    page.locator("#id_starts_on").fill(_iso(0))
    page.locator("#id_target_people_trained").fill("75")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_contain_text("Identifying child victims: police")
    programme_url = page.url

    page.get_by_role("navigation").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="New event").first.click()
    page.locator("#id_kind").select_option("seminar")
    page.locator("#id_title").fill("Identifying child victims of trafficking")
    page.locator("#id_organiser").select_option(label=osce.name)
    page.locator("#id_programme").select_option(
        label="Identifying child victims: police and social workers"
    )
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
    no_sideways_scrolling(phone)
    screenshot(phone, "register-kk-360px")
    phone.locator("form button[type=submit].primary").click()

    expect(phone).to_have_url(re.compile(r"/registered/"))
    result = phone.locator("#registration-result")
    expect(result).to_have_attribute("data-status", "pending")
    code = phone.locator("#personal-code").inner_text().strip()
    registration = Registration.objects.get(email="aigerim@example.org")
    assert code == registration.code_display
    assert registration.language == "kk"
    no_sideways_scrolling(phone)
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
    no_sideways_scrolling(phone)
    screenshot(phone, "checked-in-kk-360px")
    assert Attendance.objects.filter(registration=registration, method="qr").count() == 1

    # The e-mail address alone is not enough: anyone may know it.
    phone.goto(checkin_url)
    phone.locator("#id_identifier").fill("aigerim@example.org")
    phone.locator("form button[type=submit].primary").click()
    expect(phone.locator("#checkin form")).to_be_visible()
    expect(phone.locator("#checkin")).to_contain_text(
        "Осы іс-шараға осы жеке кодпен бекітілген тіркеу табылмады"
    )
    no_sideways_scrolling(phone)
    screenshot(phone, "checkin-email-refused-kk-360px")
    # Scanning again with the code records nothing new.
    phone.locator("#id_identifier").fill(code)
    phone.locator("form button[type=submit].primary").click()
    expect(phone.locator("#checkin h1")).to_be_visible()
    expect(phone.locator("#checkin form")).to_have_count(0)
    assert Attendance.objects.filter(registration=registration).count() == 1
    assert Region.objects.filter(key="KZ-55").exists()

    # --- the pre-test and the post-test, on the phone -------------------------------------
    tests_url = f"{live_server.url}/training/events/{pavlodar.pk}/tests/"
    page.goto(tests_url)
    page.get_by_role("button", name="Make forms A and B from the question bank").click()
    pre_url = _switch_test(page, tests_url, "pre")
    assert "/t/q/" in pre_url
    page.goto(pre_url)
    expect(page.locator("label[for=id_identifier]")).to_have_text("Your personal code")
    screenshot(page, "pre-test-identify-desktop")
    _take_the_test(phone, pre_url, code, screenshot, "pre-test-kk-360px")
    _switch_test(page, tests_url, "pre")  # closed
    post_url = _switch_test(page, tests_url, "post")
    _take_the_test(phone, post_url, code.replace("-", " "), screenshot, "post-test-kk-360px")
    phases = set(
        Attempt.objects.filter(registration=registration, submitted_at__isnull=False).values_list(
            "assessment__phase", flat=True
        )
    )
    assert phases == {"pre", "post"}

    # --- the certificate: issued, downloaded on the phone, verified in public -------------
    page.goto(f"{live_server.url}/training/events/{pavlodar.pk}/certificates/")
    page.get_by_role("button", name=re.compile("Issue 1 certificate")).click()
    link = page.get_by_role("link", name="participant's link")
    expect(link).to_have_count(1)
    download_url = link.get_attribute("href")
    assert download_url
    response = phone.request.get(download_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    certificate_text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "Нұрланова Айгерім" in certificate_text
    certificate = Certificate.objects.get(registration=registration)

    phone.goto(f"{live_server.url}/t/verify/{certificate.code}/")
    expect(phone.locator("main h1")).to_have_text("Бұл сертификат жарамды")
    no_sideways_scrolling(phone)
    screenshot(phone, "certificate-verified-kk-360px")

    # --- the programme report counts her ------------------------------------------------
    page.goto(programme_url)
    page.get_by_role("link", name="Report for donors").click()
    expect(page.locator("#people-trained")).to_have_text("1")
    expect(page.locator("#cities-count")).to_have_text("1")
    expect(page.locator("#target-people_trained")).to_contain_text("1%")
    expect(page.locator("#table-sector")).to_contain_text("Law enforcement")
    expect(page.locator("#matched-pairs")).to_have_text("1")
    screenshot(page, "programme-report")
    with page.expect_download() as pdf_download:
        page.locator("#programme-report-pdf").click()
    pdf = PdfReader(io.BytesIO(pdf_download.value.path().read_bytes()))
    assert "Identifying child victims: police" in " ".join(p.extract_text() for p in pdf.pages)
    with page.expect_download() as xlsx_download:
        page.locator("#programme-report-xlsx").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    assert "Targets" in book.sheetnames

    page.goto(f"{live_server.url}/training/events/{pavlodar.pk}/")
    page.get_by_role("link", name="Event report").click()
    expect(page.locator("#approved-count")).to_have_text("1")
    expect(page.locator("#certificates-issued")).to_have_text("1")
    screenshot(page, "event-report")
    page.set_viewport_size({"width": 360, "height": 800})
    no_sideways_scrolling(page)
    screenshot(page, "event-report-360px")
