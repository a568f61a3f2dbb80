"""Browser journey, in Kazakh, on a phone: a case manager whose child's assistance plan ran
past its last day sees it counted on the home page, finds the reminder in the menu, opens the
case at its plan, extends the plan with a reason, and the reminder leaves the list and the
home page. Then the same pages at desktop width."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qorgau.accounts.models import OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.cases import services, services_plan
from qorgau.cases.reminders import care_reminders_send
from qorgau.cases.services import ChildInput, NameInput
from qorgau.core.workspaces import real_workspace
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_acts_on_an_overdue_plan_from_the_reminders_page_in_kazakh(
    live_server, reference_data, phone_page, screenshot
):
    pavlodar = Region.objects.get(key="KZ-55")
    social = OrganisationFactory(
        name="Павлодар облысының әлеуметтік қорғау басқармасы",
        type=OrganisationType.objects.get(key="social_protection"),
        region=pavlodar,
    )
    manager = user_with_role(
        Role.CASE_MANAGER, social, username="aliya", first_name="Әлия", email="aliya@sp.kz"
    )
    workspace = real_workspace()
    child = services.child_register(
        actor=manager,
        organisation=social,
        workspace=workspace,
        data=ChildInput(region=pavlodar, names=[NameInput("Жұмабаев Қайрат")], sex="male"),
    )
    case = services.case_open(
        actor=manager,
        organisation=social,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )
    services_plan.plan_create(
        actor=manager,
        case=case,
        goals="Қауіпсіз баспана, мектеп, психолог.",
        starts_on=timezone.localdate() - timedelta(days=200),
    )
    assert len(care_reminders_send(workspace=workspace)) == 1

    phone = phone_page
    sign_in(phone, live_server, manager)
    phone.get_by_role("button", name="Қазақ").click()
    expect(phone.locator("html")).to_have_attribute("lang", "kk")

    # The home page says how many reminders are open, and links to them.
    phone.goto(f"{live_server.url}/")
    panel = phone.locator("#home-reminders")
    expect(panel).to_have_attribute("data-open", "1")
    expect(panel.locator("a")).to_have_attribute("href", "/cases/reminders/")
    no_sideways_scrolling(phone)
    screenshot(phone, "0-home")

    # On a phone the site menu is folded: open it, then follow the link.
    phone.locator(".site-nav summary.site-menu-toggle").click()
    phone.get_by_role("link", name="Еске салулар").first.click()
    expect(phone.locator("h1")).to_have_text("Еске салулар")
    row = phone.locator("#reminders li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(case.number)
    expect(row).to_contain_text("Көмек жоспарының мерзімі өтті")
    expect(row).not_to_contain_text("Жұмабаев")
    no_sideways_scrolling(phone)
    screenshot(phone, "1-reminders")

    row.get_by_role("link", name=case.number).click()
    expect(phone).to_have_url(f"{live_server.url}/cases/{case.pk}/#plan-section")
    phone.get_by_text("Жоспарды 9 айға дейін ұзарту").click()
    phone.locator("#extend-form textarea").fill("Сот ісі тамызда қаралады.")
    phone.locator("#extend-form").get_by_role("button", name="Жоспарды ұзарту").click()
    expect(phone.locator("#plan")).to_have_attribute("data-extended", "true")

    phone.goto(f"{live_server.url}/cases/reminders/")
    expect(phone.locator("#reminders")).to_have_count(0)
    expect(phone.locator("p.empty")).to_have_text(
        "Мерзімі өткен немесе жақында аяқталатын ештеңе жоқ."
    )
    screenshot(phone, "2-nothing-left")
    phone.goto(f"{live_server.url}/")
    expect(phone.locator("#home-reminders")).to_have_attribute("data-open", "0")
    expect(phone.locator("#home-reminders p.empty")).to_be_visible()
    screenshot(phone, "2-home-nothing-left")

    phone.set_viewport_size({"width": 1280, "height": 900})
    care_reminders_send(workspace=workspace)  # the extended plan is not due: nothing new
    phone.goto(f"{live_server.url}/cases/reminders/?kind=plan_ended")
    expect(phone.locator("select#kind")).to_have_value("plan_ended")
    screenshot(phone, "3-desktop")
    phone.goto(f"{live_server.url}/")
    screenshot(phone, "4-home-desktop")
