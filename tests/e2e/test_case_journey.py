"""Browser journey, in Russian, on a phone, across three organisations in Shymkent.

A social worker opens a case from a screening's identification and records the mother's
consent to a referral; she records a risk assessment and makes the assistance plan with a
psychological service by the city's crisis centre; she refers the child to the centre. Her
supervisor approves the risk assessment and the plan. The centre's staff, signed in as the
centre, accept the referral and record the service delivered; they see the child's initials,
never the name. The best-interests determination is made, the supervisor approves the
closure, and the case is closed with its follow-up visits scheduled.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.cases.models import Case, Stage
from qorgau.cases.models_care import Closure, FollowUpVisit, ServiceDelivery
from qorgau.core.workspaces import real_workspace
from qorgau.directory.models import ServiceType
from qorgau.directory.services import service_types_load
from qorgau.directory.tests.factories import ProviderProfileFactory, ProviderServiceFactory
from qorgau.referrals.models import Referral
from qorgau.screening.tests.factories import IdentificationFactory, ScreeningFactory
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phones(browser: Any) -> Iterator[Any]:
    """``phone()`` opens a fresh 360px page with its own cookies: one per person."""
    contexts: list[Any] = []

    def phone() -> Any:
        context = browser.new_context(
            locale="en-GB",
            timezone_id="Asia/Almaty",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield phone
    finally:
        for context in contexts:
            context.close()


def _body(type_key: str, name: str, region: Region) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


def _in_russian(page: Any, live_server: Any, user: User) -> None:
    sign_in(page, live_server, user)
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def _approve_everything_waiting(page: Any, case_url: str, count: int) -> None:
    page.goto(case_url)
    waiting = page.locator('#approvals li[data-status="requested"]')
    expect(waiting).to_have_count(count)
    for left in range(count - 1, -1, -1):
        waiting.first.get_by_role("button", name="Подтвердить").click()
        expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
        expect(waiting).to_have_count(left)


def test_a_childs_case_from_screening_to_closure_with_follow_up_in_russian(
    live_server, reference_data, phones, screenshot
):
    service_types_load()
    shymkent = Region.objects.get(key="KZ-79")
    social = _body("social_protection", "Управление социальной защиты г. Шымкент", shymkent)
    _body("guardianship", "Орган опеки г. Шымкент", shymkent)
    centre = _body("crisis_centre", "Кризисный центр «Шымкент»", shymkent)
    psychological = ServiceType.objects.get(key="psychological")
    ProviderServiceFactory(
        provider=ProviderProfileFactory(organisation=centre), service_type=psychological
    )
    manager = user_with_role(
        Role.CASE_MANAGER, social, username="manager.aliya", first_name="Алия", last_name="Ахметова"
    )
    supervisor = user_with_role(
        Role.SUPERVISOR, social, username="supervisor.bolat", first_name="Болат", last_name="Сейтов"
    )
    staff = user_with_role(
        Role.PROVIDER_STAFF, centre, username="centre.dana", first_name="Дана", last_name="Ким"
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

    # The case manager: a screening becomes a case; consent is recorded.
    phone = phones()
    _in_russian(phone, live_server, manager)
    phone.goto(f"{live_server.url}/screening/identifications/{identification.pk}/")
    phone.locator("#open-case").click()
    phone.locator("form button[type=submit].primary").click()
    expect(phone).to_have_url(re.compile(r"/cases/\d+/$"))
    case_url = phone.url
    phone.locator("#consent-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_purpose").select_option("referral")
    phone.locator("#id_given_by_name").fill("Жумабаева Сауле")
    phone.locator("#id_given_by_relation").fill("мать")
    phone.locator("#id_child_view").fill("Согласен пойти в кризисный центр.")
    phone.locator("#id_maturity_note").fill("13 лет, понимает, о чём речь")
    phone.locator("#consent-form button[type=submit]").click()
    expect(phone.locator('#consents [data-purpose="referral"]')).to_have_attribute(
        "data-active", "true"
    )
    expect(phone.locator("#assessments-section")).to_contain_text("Оценок пока нет")
    expect(phone.locator("#plan-section")).to_contain_text("Плана пока нет")
    no_sideways_scrolling(phone)
    screenshot(phone, "1-case-empty-care")

    # A risk assessment, sent to the supervisor.
    phone.locator("#assessment-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_assessment-kind").select_option("risk")
    phone.locator("#id_assessment-findings").fill("Вербовщик знает адрес семьи.")
    phone.locator("#id_assessment-safety_risk").select_option("high")
    phone.locator("#id_assessment-retrafficking_risk").select_option("medium")
    phone.locator("#id_assessment-family_risk").select_option("low")
    phone.locator("#assessment-form button[type=submit]").click()
    expect(phone.locator('#assessments [data-kind="risk"]')).to_have_attribute(
        "data-approved", "false"
    )

    # The plan: goals, then a psychological service by the crisis centre, then approval.
    phone.locator("#id_plan-goals").fill("Безопасное жильё, школа, помощь психолога.")
    phone.locator("#plan-form button[type=submit]").click()
    expect(phone.locator("#plan-clock")).to_contain_text("осталось")
    phone.locator("#service-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_service-service_type").select_option(str(psychological.pk))
    phone.locator("#id_service-provider").select_option(str(centre.pk))
    phone.locator("#id_service-description").fill("Занятия с психологом раз в неделю.")
    phone.locator("#service-form button[type=submit]").click()
    expect(phone.locator('#plan-services [data-service="psychological"]')).to_contain_text(
        "Кризисный центр «Шымкент»"
    )
    phone.locator("#plan-submit button").click()
    expect(phone.locator("#plan-clock")).to_contain_text("Ожидает одобрения")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-plan-awaiting-approval")

    # The referral to the crisis centre, through the referral pages.
    phone.goto(case_url)
    phone.locator("#referrals a[href$='/send/']").click()
    phone.locator("#id_service_type").select_option(str(psychological.pk))
    phone.locator("#service-form button[type=submit]").click()
    phone.locator("#id_provider").select_option(str(centre.pk))
    phone.locator("#id_reason").fill("Помощь психолога после возвращения.")
    phone.locator("#send-form button[type=submit].primary").click()
    expect(phone.locator("#status")).to_have_text(re.compile("Отправлено"))

    # The supervisor approves the risk assessment and the plan.
    boss = phones()
    _in_russian(boss, live_server, supervisor)
    _approve_everything_waiting(boss, case_url, 2)
    expect(boss.locator("#plan")).to_have_attribute("data-approved", "true")
    expect(boss.locator('#assessments [data-kind="risk"]')).to_have_attribute(
        "data-approved", "true"
    )

    # The crisis centre, signed in as the centre: accepts the referral, delivers the service.
    centre_phone = phones()
    _in_russian(centre_phone, live_server, staff)
    referral = Referral.objects.in_workspace(real_workspace()).get()
    centre_phone.goto(f"{live_server.url}/referrals/{referral.pk}/")
    centre_phone.get_by_role("button", name="Принять").click()
    expect(centre_phone.locator("#status")).to_have_text(re.compile("Принято"))
    centre_phone.goto(f"{live_server.url}/cases/services/")
    row = centre_phone.locator("#deliveries li.record").first
    expect(row).to_contain_text("Ж. Қ.")
    expect(centre_phone.locator("main, body").first).not_to_contain_text("Жұмабаев")
    expect(centre_phone.locator("body")).not_to_contain_text("Безопасное жильё")
    row.locator("summary").click()
    row.locator("[name=delivery-note]").fill("Первое занятие с психологом проведено.")
    row.locator("button[type=submit]").click()
    expect(centre_phone.locator("#deliveries li.record").first).to_contain_text(
        "Первое занятие с психологом проведено."
    )
    no_sideways_scrolling(centre_phone)
    screenshot(centre_phone, "3-centre-service-delivered")

    # Closure: the best-interests determination, the request, the approval, the closing.
    phone.goto(case_url)
    expect(phone.locator("#plan-services")).to_contain_text("Первое занятие с психологом")
    phone.locator("#assessment-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_assessment-kind").select_option("best_interests")
    phone.locator("#id_assessment-findings").fill("Мать в безопасности и ждёт сына домой.")
    phone.locator("#id_assessment-outcome").select_option("return_to_family")
    phone.locator("#id_assessment-family_assessed").check()
    phone.locator("#id_assessment-child_views").fill("Хочет вернуться домой к маме.")
    phone.locator("#assessment-form button[type=submit]").click()
    expect(phone.locator('#assessments [data-kind="best_interests"]')).to_be_visible()
    phone.locator("#closure-form").locator("xpath=..").locator("summary").click()
    phone.locator("#id_closure-reason").select_option("reintegrated")
    phone.locator("#id_closure-follow_up_months").select_option("6")
    phone.locator("#closure-form button[type=submit]").click()
    expect(phone.locator('#closures [data-status="requested"]')).to_contain_text(
        "Ожидает одобрения"
    )

    _approve_everything_waiting(boss, case_url, 1)

    phone.goto(case_url)
    phone.locator("#close-case button").click()
    expect(phone.locator("#stage")).to_have_attribute("data-stage", "closed")
    visits = phone.locator('#closures [data-status="closed"] .visits li')
    expect(visits).to_have_count(2)
    no_sideways_scrolling(phone)
    screenshot(phone, "4-closed-with-follow-up")
    phone.set_viewport_size({"width": 1280, "height": 800})
    screenshot(phone, "5-closed-desktop")

    case = Case.objects.in_workspace(real_workspace()).get()
    assert case.stage == Stage.CLOSED
    closure = Closure.objects.in_workspace(real_workspace()).get()
    assert closure.reason == "reintegrated" and closure.status == Closure.Status.CLOSED
    assert FollowUpVisit.objects.in_workspace(real_workspace()).filter(closure=closure).count() == 2
    delivery = ServiceDelivery.objects.in_workspace(real_workspace()).get()
    assert delivery.recorded_by == staff and delivery.organisation == centre
    assert Referral.objects.in_workspace(real_workspace()).get().status == "accepted"
