"""Browser journey, in Russian, on a phone: a social worker in Pavlodar opens a case from a
screening's identification, carrying the child's facts, and records the mother's consent to
a referral with the child's own view. The guardianship authority is told of the case.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import Organisation, OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.cases.models import Case, CaseNotification, Consent
from qorgau.core.workspaces import real_workspace
from qorgau.screening.tests.factories import IdentificationFactory, ScreeningFactory
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _body(type_key: str, name: str, region: Region) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


def test_a_screening_becomes_a_case_and_consent_is_recorded_in_russian(
    live_server, reference_data, phone_page, screenshot
):
    pavlodar = Region.objects.get(key="KZ-55")
    social = _body(
        "social_protection", "Управление социальной защиты Павлодарской области", pavlodar
    )
    guardianship = _body("guardianship", "Орган опеки Павлодарской области", pavlodar)
    manager = user_with_role(
        Role.CASE_MANAGER, social, username="manager.aliya", first_name="Алия", last_name="Ахметова"
    )
    screening = ScreeningFactory(
        organisation=social,
        screened_by=manager,
        child_name="Жұмабаев Қайрат",
        sex="male",
        age_min=13,
        age_max=14,
        unaccompanied=True,
    )
    identification = IdentificationFactory(screening=screening)

    phone = phone_page
    sign_in(phone, live_server, manager)
    phone.get_by_role("button", name="Русский").click()
    expect(phone.locator("html")).to_have_attribute("lang", "ru")

    phone.goto(f"{live_server.url}/screening/identifications/{identification.pk}/")
    phone.locator("#open-case").click()
    expect(phone).to_have_url(re.compile(r"/cases/from-identification/\d+/$"))
    expect(phone.locator("#child-facts")).to_contain_text("Жұмабаев Қайрат")
    no_sideways_scrolling(phone)
    screenshot(phone, "1-open-from-identification")
    phone.locator("form button[type=submit].primary").click()

    expect(phone).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    expect(phone.locator("#child")).to_contain_text("Жұмабаев Қайрат")
    expect(phone.locator("#stage")).to_have_attribute("data-stage", "identification")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-case")

    phone.locator("#consent-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_purpose").select_option("referral")
    phone.locator("#id_given_by_name").fill("Жумабаева Сауле")
    phone.locator("#id_given_by_relation").fill("мать")
    phone.locator("#id_child_view").fill("Согласен пойти в кризисный центр.")
    phone.locator("#id_maturity_note").fill("13 лет, понимает, о чём речь")
    phone.locator("#consent-form button[type=submit]").click()

    consent_row = phone.locator('#consents [data-purpose="referral"]')
    expect(consent_row).to_have_attribute("data-active", "true")
    expect(consent_row).to_contain_text("Жумабаева Сауле")
    no_sideways_scrolling(phone)
    screenshot(phone, "3-consent")

    case = Case.objects.in_workspace(real_workspace()).get()
    assert case.identification_id == identification.pk
    assert case.child.care_status == "unaccompanied"
    assert Consent.objects.in_workspace(real_workspace()).get().given_by_relation == "мать"
    assert CaseNotification.objects.in_workspace(real_workspace()).get().organisation == (
        guardianship
    )
