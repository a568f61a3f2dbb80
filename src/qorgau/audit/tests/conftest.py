"""Helpers for the audit tests: tampering with the table as an attacker with database access."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts.models import User

TRIGGER = "audit_event_no_update_delete"

Tamper = Callable[..., None]


@pytest.fixture
def tamper() -> Iterator[Tamper]:
    """Run raw SQL against ``audit_auditevent``, going around the ORM's append-only guard.

    On PostgreSQL the trigger is switched off for the statement (as a database owner could) and
    switched back on straight after, so the tests show what `audit verify` catches when the
    database's own guard has been bypassed.
    """

    def run(sql: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Foreign keys are checked at commit; ALTER TABLE refuses while checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
            try:
                cursor.execute(sql, params or [])
            finally:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    yield run


@pytest.fixture
def login_verified(db: None) -> Callable[[Client, User], None]:
    """Sign in as someone who has also given their second factor (a confirmed TOTP device)."""

    def login(client: Client, user: User) -> None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    return login
