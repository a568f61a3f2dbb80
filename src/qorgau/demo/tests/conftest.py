"""The demo, loaded once per test module.

Loading it takes seconds (every child, case and training event goes through the services),
and most demo tests only read what it wrote. So each module loads it once inside a
transaction that is rolled back after the module's last test; every test runs in its own
savepoint within it (pytest-django's usual per-test transaction), so what one test changes
is gone before the next. Tests about running the demo again run it again themselves.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from conftest import FAST_PASSWORD_HASHERS
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    """What the first `qorgau demo` run printed; its data stay for the module's tests."""
    output = io.StringIO()
    with django_db_blocker.unblock():
        loaded = transaction.atomic()
        loaded.__enter__()
    try:
        # The settings of `qorgau demo`, and the tests' fast password hasher (the demo's
        # users must sign in under it).
        demo_settings = override_settings(
            DEMO=True, QORGAU_REQUIRE_2FA=False, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS
        )
        with django_db_blocker.unblock(), demo_settings:
            call_command("demo", no_serve=True, stdout=output)
        yield output.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            loaded.__exit__(None, None, None)


@pytest.fixture
def demo(demo_output, settings) -> str:
    """The demo loaded, with the settings `qorgau demo` serves with (no second factor)."""
    settings.DEMO = True
    settings.QORGAU_REQUIRE_2FA = False
    return demo_output
