"""Browser journey: a teacher in Pavlodar screens a child on a phone, in Kazakh, and finds a
strong indication with the bodies notified, their deadlines and the legal basis; the
guardianship authority of Pavlodar finds the alert in its inbox.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from qorgau.accounts.models import Organisation, OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.screening import services
from qorgau.screening.models import Alert, Indicator, Screening
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Two strong indicators of deceptive recruitment, one strong and one medium of exploitation,
# two strong of coercion at destination: for a child, a strong indication (scoring.py).
DECEIVED = (
    "child_labour.deceptive_recruitment.nature_of_job",
    "child_labour.deceptive_recruitment.education_opportunities",
)
EXPLOITED = (
    "child_labour.exploitation.excessive_hours",
    "child_labour.exploitation.hazardous_work",
)
COERCED = (
    "child_labour.coercion_destination.violence",
    "child_labour.coercion_destination.threats_of_violence",
)


def _body(type_key: str, name: str, region: Region) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


def _answer_yes(page: Any, key: str, dimension: str) -> None:
    group = page.locator(f'details[data-list="child_labour"][data-dimension="{dimension}"]')
    if group.get_attribute("open") is None:
        group.locator("> summary").click()
    choice = page.locator(f'input[name="answer__{key}"][value="yes"]')
    choice.check()
    expect(choice).to_be_checked()


def test_a_teacher_screens_a_child_on_a_phone_in_kazakh_and_guardianship_is_alerted(
    live_server, reference_data, phone_page, page, screenshot
):
    services.catalogue_load_packaged()
    services.pathway_rules_load_packaged()
    pavlodar = Region.objects.get(key="KZ-55")
    school = _body("school", "№ 7 мектеп-гимназия, Павлодар", pavlodar)
    guardianship = _body("guardianship", "Павлодар облысының қорғаншылық органы", pavlodar)
    _body("police", "Павлодар облысының полиция департаменті", pavlodar)
    _body("social_protection", "Павлодар облысының әлеуметтік қорғау басқармасы", pavlodar)
    _body("crisis_centre", "«Үміт» дағдарыс орталығы", pavlodar)
    teacher = user_with_role(
        Role.FRONT_LINE, school, username="teacher.dana", first_name="Дана", last_name="Сейтқали"
    )
    officer = user_with_role(
        Role.GUARDIANSHIP_OFFICER, guardianship, username="officer.gulnar", first_name="Гүлнар"
    )

    # --- the teacher, on a phone, in Kazakh ---------------------------------------------
    phone = phone_page
    sign_in(phone, live_server, teacher)
    phone.get_by_role("button", name="Қазақ").click()
    expect(phone.locator("html")).to_have_attribute("lang", "kk")

    # On a phone the site menu is folded: open it, then follow the link.
    phone.locator(".site-nav summary.site-menu-toggle").click()
    phone.locator(f'.site-nav a[href="{reverse("screening:new")}"]').click()
    expect(phone).to_have_url(re.compile(r"/screening/new/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    no_sideways_scrolling(phone)
    screenshot(phone, "1-new-screening")

    phone.locator("#id_place").fill("Орталық базар")
    phone.locator("#id_age_min").fill("13")
    phone.locator("#id_age_max").fill("15")
    phone.locator("#id_sex_0").check()
    # The form of exploitation re-asks the questions (htmx); wait for the answer to come back.
    with phone.expect_response(lambda r: r.request.method == "POST"):
        phone.locator('input[name="exploitation_form"][value="labour"]').check()
    # The questions are asked in Kazakh, from the catalogue.
    question = Indicator.objects.get(catalogue__version=1, key=DECEIVED[0]).question_kk
    expect(phone.locator(f'[data-indicator="{DECEIVED[0]}"] legend')).to_contain_text(question)

    for key in DECEIVED:
        _answer_yes(phone, key, "deceptive_recruitment")
    for key in EXPLOITED:
        _answer_yes(phone, key, "exploitation")
    for key in COERCED:
        _answer_yes(phone, key, "coercion_destination")
    phone.locator("#id_observations").fill("Базарда күні бойы жүк тасиды, мектепке бармайды.")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-answers")

    phone.locator('button[name="action"][value="submit"]').click()

    # --- the result ---------------------------------------------------------------------
    expect(phone).to_have_url(re.compile(r"/screening/\d+/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    expect(phone.locator("[data-outcome=strong_indication]")).to_be_visible()
    expect(phone.locator("[data-is-child=true]")).to_be_visible()
    for key in DECEIVED + EXPLOITED:
        label = Indicator.objects.get(catalogue__version=1, key=key).label_kk
        expect(phone.locator(f'.drivers li[data-indicator="{key}"]')).to_contain_text(label)

    step = phone.locator('.step[data-step="notify_guardianship"]')
    expect(step).to_be_visible()
    guardianship_type = OrganisationType.objects.get(key="guardianship").name_kk
    expect(step.locator("[data-notify]")).to_have_text(guardianship_type)
    expect(step.locator("[data-legal-basis]")).to_contain_text("Заң № 110-VIII, 18-бап")
    expect(step.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(phone.locator('.step[data-step="identify_police"] [data-legal-basis]')).to_contain_text(
        "16-бап"
    )
    expect(phone.locator(".alerted")).to_contain_text(guardianship.name)
    no_sideways_scrolling(phone)
    screenshot(phone, "3-result")

    # The teacher finds it again among the school's screenings.
    phone.locator(f'main a[href="{reverse("screening:list")}"]').click()
    expect(phone.locator("#screening-rows [data-outcome=strong_indication]")).to_have_count(1)
    no_sideways_scrolling(phone)
    screenshot(phone, "4-screenings")

    screening = Screening.objects.real().get()
    assert screening.outcome == Screening.Outcome.STRONG_INDICATION
    assert Alert.objects.real().filter(organisation=guardianship).exists()

    # --- the guardianship authority of Pavlodar -----------------------------------------
    sign_in(page, live_server, officer)
    page.get_by_role("navigation").get_by_role("link", name="Inbox").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('screening:inbox')}")
    alert = page.locator("#alert-rows li[data-read=false]").first
    expect(alert).to_contain_text("Notify the guardianship authority")
    screenshot(page, "5-inbox")

    alert.locator(".record-title a").click()
    expect(page).to_have_url(re.compile(r"/screening/identifications/\d+/$"))
    expect(page.locator("[data-outcome=strong_indication]")).to_be_visible()
    screenshot(page, "6-identification")
