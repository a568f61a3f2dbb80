"""What only PostgreSQL guarantees: the database itself refuses to change or remove events,
and concurrent writers still produce one contiguous chain.

Run with ``DATABASE_URL=postgres://...``; on SQLite these tests skip (and CI deselects them).
"""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.utils import InternalError, ProgrammingError

from qorgau.accounts.tests.factories import UserFactory
from qorgau.audit import services
from qorgau.audit.chain import verify_chain
from qorgau.audit.models import AuditEvent

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'case.close' WHERE seq = 1",
        "UPDATE audit_auditevent SET hash = prev_hash",
        "DELETE FROM audit_auditevent WHERE seq = 1",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(sql: str) -> None:
    services.record(actor=None, action="case.open")
    services.record(actor=None, action="case.view")

    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)

    # The trigger's own refusal (insufficient_privilege), not some other failure.
    assert isinstance(excinfo.value, ProgrammingError | InternalError)
    assert "append-only" in str(excinfo.value)
    assert excinfo.value.__cause__.sqlstate == "42501"  # type: ignore[union-attr]
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "case.open"),
        (2, "case.view"),
    ]
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_trigger_is_installed_by_the_migrations() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_no_update_delete'"
        )
        rows = cursor.fetchall()

    assert rows == [("O",)]  # present and enabled


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_contiguous() -> None:
    writers, per_writer = 8, 10
    actors = [UserFactory() for _ in range(writers)]
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(actor: object) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                services.record(actor=actor, action=f"test.concurrent{i}")
        except BaseException as exc:  # reported below, with the thread's own traceback
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == writers * per_writer
