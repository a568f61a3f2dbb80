"""What browser journeys do on many pages: sign in as a person would, check the page fits."""

from __future__ import annotations

import base64
import re
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import expect

from qorgau.accounts.models import User
from qorgau.accounts.tests.factories import TEST_PASSWORD


def sign_in(page: Any, live_server: Any, user: User) -> None:
    """Sign in with the password, then enrol an authenticator the way a person does.

    The setup page shows the key; the code is computed from it, as an authenticator app would.
    """
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form button[type=submit].primary").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    key = page.locator("code.secret").inner_text().strip()
    code = totp(base64.b32decode(key), step=30, t0=0, digits=6)
    page.locator("input[name=code]").fill(f"{code:06d}")
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(f"{live_server.url}/")


def no_sideways_scrolling(page: Any) -> None:
    """Nothing on the page is wider than the screen (a 360 px phone scrolls only down)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
