"""Browser journey, in Russian: a case manager in Pavlodar uploads a document and writes a
restricted note on a phone, then hands the case over to Almaty's social protection with a
handover note; Almaty's case manager accepts it on a desktop and now runs the case.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import Organisation, OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import services
from qorgau.cases.models import Case, CaseDocument
from qorgau.cases.services import ChildInput, NameInput
from qorgau.core.workspaces import real_workspace
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _body(type_key: str, name: str, region: Region) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


def _russian(page: Any) -> None:
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_a_document_is_uploaded_and_the_case_is_transferred_in_russian(
    live_server, reference_data, phone_page, page, screenshot, tmp_path: Path
):
    pavlodar, almaty = Region.objects.get(key="KZ-55"), Region.objects.get(key="KZ-75")
    social = _body("social_protection", "Управление соцзащиты Павлодарской области", pavlodar)
    almaty_social = _body("social_protection", "Управление соцзащиты города Алматы", almaty)
    _body("guardianship", "Орган опеки города Алматы", almaty)
    manager = user_with_role(
        Role.CASE_MANAGER, social, username="manager.aliya", first_name="Алия", last_name="Ахметова"
    )
    receiver = user_with_role(
        Role.CASE_MANAGER, almaty_social, username="manager.dana", first_name="Дана"
    )
    child = services.child_register(
        actor=manager,
        organisation=social,
        workspace=real_workspace(),
        data=ChildInput(
            region=pavlodar, names=[NameInput("Жұмабаев Қайрат")], age_min=13, age_max=14
        ),
    )
    case = services.case_open(
        actor=manager,
        organisation=social,
        workspace=real_workspace(),
        idempotency_key=uuid.uuid4(),
        child=child,
    )
    scan = tmp_path / "Справка из школы.pdf"
    scan.write_bytes(PDF)

    phone = phone_page
    sign_in(phone, live_server, manager)
    _russian(phone)
    phone.goto(f"{live_server.url}/cases/{case.pk}/")
    phone.locator("#documents-link").click()
    expect(phone).to_have_url(re.compile(r"/cases/\d+/documents/$"))
    phone.locator("#id_title").fill("Справка из школы")
    phone.locator("#id_file").set_input_files(str(scan))
    no_sideways_scrolling(phone)
    screenshot(phone, "1-document-upload-phone")
    phone.locator("#document-form button[type=submit]").click()
    expect(phone.locator("#documents [data-status=active]")).to_contain_text("Справка из школы")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-documents-phone")
    with phone.expect_download() as download_info:
        phone.locator("#documents a[download]").first.click()
    download = download_info.value
    assert download.suggested_filename == "Справка из школы.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert AuditEvent.objects.filter(action="case.document.download").count() == 1

    phone.goto(f"{live_server.url}/cases/{case.pk}/notes/")
    phone.locator("#id_text").fill("Ребёнок рассказал о насилии со стороны дяди.")
    phone.locator("#id_level_2").check()  # restricted
    phone.locator("#note-form button[type=submit]").click()
    expect(phone.locator('#notes [data-level="restricted"]')).to_contain_text("насилии")

    phone.goto(f"{live_server.url}/cases/{case.pk}/")
    phone.locator("#transfer-link").click()
    phone.locator("#id_to_organisation").select_option(str(almaty_social.pk))
    phone.locator("#id_handover_note").fill(
        "Семья переехала в Алматы. Нужна школа и психолог; тётя — законный представитель."
    )
    no_sideways_scrolling(phone)
    screenshot(phone, "3-transfer-request-phone")
    phone.locator("#transfer-form button[type=submit]").click()
    expect(phone.locator("#status")).to_have_attribute("data-status", "requested")
    no_sideways_scrolling(phone)
    screenshot(phone, "4-transfer-requested-phone")

    sign_in(page, live_server, receiver)
    _russian(page)
    page.goto(f"{live_server.url}/referrals/transfers/")
    expect(page.locator("#incoming")).to_contain_text(case.number)
    screenshot(page, "5-transfers-desktop")
    page.locator("#incoming a").first.click()
    expect(page.locator("#handover")).to_contain_text("Семья переехала в Алматы")
    expect(page.locator("#transfer-facts")).to_contain_text("Ж. Қ.")
    expect(page.locator("body")).not_to_contain_text("Жұмабаев")
    screenshot(page, "6-transfer-answer-desktop")
    page.locator("#accept-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("#child")).to_contain_text("Жұмабаев Қайрат")
    screenshot(page, "7-case-after-transfer-desktop")

    case = Case.objects.in_workspace(real_workspace()).get()
    assert (case.organisation, case.region, case.manager) == (almaty_social, almaty, receiver)
    assert CaseDocument.objects.in_workspace(real_workspace()).get().original_name == (
        "Справка из школы.pdf"
    )
