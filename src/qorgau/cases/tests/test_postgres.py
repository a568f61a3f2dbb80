"""A real double submit on PostgreSQL: two requests open a case with one idempotency key at
the same moment. Both look for the key before either saves; the second insert waits on the
unique index for the first to commit, fails, and returns the first one's case (no 500).

Run with ``DATABASE_URL=postgres://...``; on SQLite these tests are deselected.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from qorgau.audit.models import AuditEvent
from qorgau.cases import services
from qorgau.cases.models import Case
from qorgau.cases.tests.test_services import register

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_open_one_case(manager, pavlodar, workspace, monkeypatch):
    child = register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    key = uuid.uuid4()
    both_looked = threading.Barrier(2, timeout=30)
    real_lookup = services._case_with_key
    local = threading.local()

    def lookup_then_wait(*args, **kwargs):
        found = real_lookup(*args, **kwargs)
        if not getattr(local, "waited", False):  # the first look of each request
            local.waited = True
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "_case_with_key", lookup_then_wait)
    opened: list[int] = []
    failures: list[BaseException] = []

    def submit() -> None:
        try:
            case = services.case_open(
                actor=manager,
                organisation=child.organisation,
                workspace=workspace,
                idempotency_key=key,
                child=child,
            )
            opened.append(case.pk)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert len(opened) == 2 and opened[0] == opened[1]
    assert Case.objects.in_workspace(workspace).count() == 1
    assert AuditEvent.objects.filter(action="case.open").count() == 1
