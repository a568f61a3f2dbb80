"""Browser journey, in Kazakh, on a phone: a police investigator on a child's case team records
the criminal proceeding in which the child (a presumed victim) is named a suspect, sees the
non-punishment flag, records the child's recorded interview, and is warned and asked why
before recording a second one. The case manager records the compensation claim.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import Organisation, OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases.tests.factories import (
    CaseFactory,
    ChildFactory,
    ChildNameFactory,
    TeamMemberFactory,
)
from qorgau.core.workspaces import real_workspace
from qorgau.justice.models import Interview, NonPunishmentNotice, Proceeding
from qorgau.justice.tests.conftest import presume_victim
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _body(type_key: str, name: str, region: Region) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


def test_an_investigator_records_a_proceeding_and_interviews_in_kazakh(
    live_server, reference_data, phone_page, page, screenshot
):
    pavlodar = Region.objects.get(key="KZ-55")
    social = _body("social_protection", "Павлодар облысының әлеуметтік қорғау басқармасы", pavlodar)
    police = _body("police", "Павлодар қаласының полиция басқармасы", pavlodar)
    prosecutors = _body("prosecutor", "Павлодар облысының прокуратурасы", pavlodar)
    investigator = user_with_role(
        Role.INVESTIGATOR, police, username="investigator.daniyar", first_name="Данияр"
    )
    manager = user_with_role(Role.CASE_MANAGER, social, username="manager.aliya")
    child = ChildFactory(organisation=social, region=pavlodar)
    ChildNameFactory(child=child, full_name="Жұмабаев Қайрат", script="kk")
    case = CaseFactory(child=child, manager=manager)
    TeamMemberFactory(case=case, organisation=police)
    presume_victim(case)

    phone = phone_page
    sign_in(phone, live_server, investigator)
    phone.get_by_role("button", name="Қазақ").click()
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    phone.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(phone.locator("#justice")).to_be_visible()
    phone.locator("#record-proceeding").click()

    phone.locator("#id_register_number").fill("26 1550 031 000123")
    phone.locator("#id_registered_on").fill("2026-01-10")
    phone.locator('input[name=articles][value="cc2014-188"]').check()
    phone.locator("#id_child_role").select_option("suspect")
    phone.locator("#id_investigating_organisation").select_option(str(police.pk))
    phone.locator("#id_prosecutor_organisation").select_option(str(prosecutors.pk))
    no_sideways_scrolling(phone)
    screenshot(phone, "1-proceeding-form")
    phone.locator("#proceeding-form button[type=submit].primary").click()

    expect(phone).to_have_url(re.compile(r"/justice/\d+/$"))
    expect(phone.locator("#non-punishment")).to_be_visible()
    expect(phone.locator("h1")).to_contain_text("261550031000123")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-proceeding")

    phone.locator("#record-interview").click()
    phone.locator("#id_held_on").fill("2026-01-12")
    phone.locator("#id_interviewer").fill("Полиция капитаны Д. Серікбаев")
    phone.locator("#id_interviewer_trained").check()
    phone.locator("#id_video_recorded").check()
    phone.locator("#id_psychologist_present").check()
    phone.locator("#id_child_friendly_room").check()
    phone.locator("#interview-form button[type=submit].primary").click()
    expect(phone.locator("#interviews [data-recorded=true]")).to_have_count(1)

    phone.locator("#record-interview").click()
    expect(phone.locator("#reinterview-warning")).to_be_visible()
    phone.locator("#id_held_on").fill("2026-02-01")
    phone.locator("#id_interviewer").fill("Полиция капитаны Д. Серікбаев")
    phone.locator("#interview-form button[type=submit].primary").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    no_sideways_scrolling(phone)
    screenshot(phone, "3-reinterview-warning")
    phone.locator("#id_repeat_justification").fill("Жазбада жаңа эпизод жоқ.")
    phone.locator("#interview-form button[type=submit].primary").click()
    expect(phone.locator("#interviews .record")).to_have_count(2)
    phone.goto(f"{live_server.url}/justice/")
    expect(phone.locator("#proceeding-rows .record")).to_have_count(1)
    no_sideways_scrolling(phone)
    screenshot(phone, "4-list")

    proceeding = Proceeding.objects.in_workspace(real_workspace()).get()
    assert Interview.objects.in_workspace(real_workspace()).count() == 2
    assert NonPunishmentNotice.objects.in_workspace(real_workspace()).count() == 2
    assert AuditEvent.objects.filter(action="interview.repeat_justified").exists()

    sign_in(page, live_server, manager)
    page.get_by_role("button", name="Қазақ").click()
    page.goto(f"{live_server.url}/justice/{proceeding.pk}/claims/new/")
    page.locator("#id_route").select_option("civil_in_criminal")
    page.locator("#id_status").select_option("partly_awarded")
    page.locator("#id_amount_claimed").fill("1500000")
    page.locator("#id_amount_awarded").fill("800000")
    page.locator("#id_amount_received").fill("900000")
    page.locator("#claim-form button[type=submit].primary").click()
    expect(page.locator("#field-amount_received .errorlist")).to_contain_text("900")
    screenshot(page, "5-claim-error-desktop")
    page.locator("#id_amount_received").fill("200000")
    page.locator("#claim-form button[type=submit].primary").click()
    expect(page.locator("#claims .record")).to_have_count(1)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#non-punishment-case")).to_be_visible()
    screenshot(page, "6-case-section-desktop")
