"""Browser journey: the site menu. On a 360px phone the links fold into a "Menu" toggle that
works without JavaScript and from the keyboard, in every language; on a desktop every link
stands in the header as before.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from qorgau.accounts.models import Membership, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


def _busy_person() -> User:
    """Someone with many roles, so the menu is as long as it gets."""
    organisation = OrganisationFactory()
    person = user_with_role(Role.SUPERVISOR, organisation, username="aigerim.supervisor")
    for role in (Role.FRONT_LINE, Role.ORG_ADMIN, Role.AUDITOR, Role.TRAINING_ORGANISER):
        Membership.objects.create(user=person, organisation=organisation, role=role)
    return person


def _header_height(page: Any) -> float:
    return float(page.evaluate("document.querySelector('.site-header').offsetHeight"))


def test_on_a_phone_the_menu_is_folded_and_opens_by_touch_and_keyboard(
    live_server, reference_data, phone_page, screenshot
):
    person = _busy_person()
    phone = phone_page
    sign_in(phone, live_server, person)
    nav = phone.get_by_role("navigation", name="Main")
    toggle = nav.locator("summary.site-menu-toggle")
    links = nav.locator("a")
    assert links.count() >= 8  # a long menu: the point of folding it

    # Folded: one toggle, no link in sight, a short header.
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Menu")
    for index in range(links.count()):
        expect(links.nth(index)).to_be_hidden()
    folded = _header_height(phone)
    # Two rows: the name and the toggle, then the languages.
    assert folded < 125, f"the folded header is {folded}px high"
    no_sideways_scrolling(phone)
    screenshot(phone, "1-phone-menu-closed")

    # Open by touch: every link can be reached, one a row.
    toggle.tap()
    expect(nav.locator("details.site-menu")).to_have_attribute("open", "")
    for index in range(links.count()):
        expect(links.nth(index)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    no_sideways_scrolling(phone)
    screenshot(phone, "2-phone-menu-open")

    # Follow a link: the next page starts folded again.
    nav.locator(f'a[href="{reverse("audit:events")}"]').click()
    expect(phone).to_have_url(re.compile(r"/audit/"))
    expect(nav.locator("details.site-menu")).not_to_have_attribute("open", "")
    expect(links.first).to_be_hidden()

    # The keyboard: Tab reaches the toggle, Enter opens it, Tab walks into the links.
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(links.first).to_be_visible()
    phone.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(links.first).to_be_hidden()


@pytest.mark.parametrize(
    ("language", "button"), [("kk", "Қазақ"), ("ru", "Русский")], ids=["kazakh", "russian"]
)
def test_the_menu_toggle_speaks_kazakh_and_russian(
    live_server, reference_data, phone_page, screenshot, language, button
):
    person = _busy_person()
    sign_in(phone_page, live_server, person)
    phone_page.get_by_role("button", name=button).click()
    expect(phone_page.locator("html")).to_have_attribute("lang", language)

    label = _in(language, "Menu")
    assert label != "Menu"
    toggle = phone_page.locator("summary.site-menu-toggle")
    expect(toggle).to_have_text(label)
    toggle.click()
    expect(
        phone_page.get_by_role("navigation", name=_in(language, "Main")).get_by_role(
            "link", name=_in(language, "Audit trail")
        )
    ).to_be_visible()
    screenshot(phone_page, f"phone-menu-open-{language}")


def test_on_a_desktop_every_link_stands_in_the_header(
    live_server, reference_data, page, screenshot
):
    person = _busy_person()
    sign_in(page, live_server, person)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary.site-menu-toggle")).to_be_hidden()
    links = nav.locator("a")
    for index in range(links.count()):
        expect(links.nth(index)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    # In a row, not a column: the first two links share a line.
    first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
    assert first is not None and second is not None
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]
    height = _header_height(page)
    assert height < 170, f"the desktop header is {height}px high"
    screenshot(page, "desktop")
    nav.locator(f'a[href="{reverse("audit:events")}"]').click()
    expect(page).to_have_url(re.compile(r"/audit/"))
