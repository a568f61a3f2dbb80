"""On a 360 px phone, without JavaScript: search the directory by region and free places."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import TEST_PASSWORD, user_with_role
from qorgau.directory.models import ProviderService, ServiceType
from qorgau.directory.services import service_types_load
from qorgau.directory.tests.factories import ProviderServiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_http(settings):
    settings.QORGAU_REQUIRE_2FA = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def test_a_worker_finds_a_shelter_with_free_beds_on_a_phone_without_javascript(
    live_server: Any, reference_data: Any, browser: Any, screenshot: Any
):
    service_types_load()
    kz79 = Region.objects.get(key="KZ-79")
    shelter = ProviderServiceFactory(
        provider__organisation__name="Crisis Centre Zhan",
        provider__organisation__region=kz79,
        service_type=ServiceType.objects.get(key="shelter"),
        regions=[kz79],
    )
    ProviderService.objects.filter(pk=shelter.pk).update(capacity_total=12, capacity_free=3)
    worker = user_with_role(Role.FRONT_LINE)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="en-GB"
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(worker.username)
        page.locator("#id_password").fill(TEST_PASSWORD)
        page.locator("form button[type=submit].primary").click()

        page.goto(f"{live_server.url}/directory/")
        page.locator("#id_region").select_option(str(kz79.pk))
        page.locator("#id_free").check()
        page.locator("form.filters button[type=submit]").click()

        expect(page.locator("#provider-rows")).to_contain_text("Crisis Centre Zhan")
        expect(page.locator("#provider-rows")).to_contain_text("3 of 12 places free")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360
        screenshot(page, "directory-search-phone")
    finally:
        context.close()
