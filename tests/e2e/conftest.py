"""Settings every browser journey runs with: the production sign-in on a plain-http server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _production_settings(settings):
    # The production sign-in: a second factor for every role that sees a child's identity.
    settings.QORGAU_REQUIRE_2FA = True
    # The live server speaks plain http; secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # No worker runs beside the live server: notification e-mails go out at once, to memory.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
