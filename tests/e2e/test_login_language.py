"""Browser journeys: signing in with a second factor on a phone and switching to Kazakh or
Russian; an auditor finding their own sign-in in the audit trail.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


@pytest.mark.parametrize(
    ("language", "button"), [("kk", "Қазақ"), ("ru", "Русский")], ids=["kazakh", "russian"]
)
def test_front_line_worker_signs_in_on_a_phone_and_switches_language(
    live_server, reference_data, phone_page, screenshot, language, button
):
    worker = user_with_role(Role.FRONT_LINE, first_name="Aigerim", last_name="Nurlanova")
    page = phone_page

    sign_in(page, live_server, worker)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-role=front_line]")).to_be_visible()

    page.get_by_role("button", name=button).click()

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page).to_have_url(f"{live_server.url}/")
    panel = page.locator("[data-role=front_line]")
    expect(panel).to_be_visible()
    welcome = _in(language, "Welcome, %(name)s") % {"name": "Aigerim Nurlanova"}
    assert not welcome.startswith("Welcome"), "no catalogue compiled: run `make messages`"
    expect(page.locator("main h1")).to_have_text(welcome)
    expect(panel.locator("h2")).to_have_text(_in(language, "Screen a child"))
    expect(page.get_by_role("button", name=button)).to_have_attribute("aria-pressed", "true")

    # The choice is remembered for the person, not only for this browser.
    worker.refresh_from_db()
    assert worker.language == language

    no_sideways_scrolling(page)  # at 360 px
    screenshot(page, "home-360px")


def test_auditor_sees_their_own_sign_in_in_the_audit_trail(
    live_server, reference_data, page, screenshot
):
    auditor = user_with_role(Role.AUDITOR, username="auditor.aliya")

    sign_in(page, live_server, auditor)
    expect(page.locator("[data-role=auditor]")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Audit trail").click()

    expect(page).to_have_url(f"{live_server.url}/audit/")
    expect(page.locator("main h1")).to_have_text("Audit trail")
    own_login = page.locator("#audit-rows tbody tr").filter(
        has=page.locator("code", has_text=re.compile(r"^auth\.login$"))
    )
    expect(own_login).to_have_count(1)
    expect(own_login.locator("td").nth(2)).to_have_text("auditor.aliya")
    expect(
        page.locator("#audit-rows tbody tr").filter(has_text="auth.two_factor_enrolled")
    ).to_have_count(1)
    screenshot(page, "audit-trail")
