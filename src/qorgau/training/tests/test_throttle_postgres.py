"""Wrong personal codes guessed in parallel on PostgreSQL: a script that sends many guesses at
once from one address gets exactly CODE_ATTEMPTS of them tried in a window, no more (the
counter is one row updated atomically, core/throttle.py; ADR 0020's amendment). Parallel clicks
for a lost code, or on the organiser's "send the code again", send one e-mail (ADR 0024).

Run with ``DATABASE_URL=postgres://...``; on SQLite these tests are deselected.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import RequestFactory

from qorgau.audit.models import AuditEvent
from qorgau.training import identify
from qorgau.training.models import Registration
from qorgau.training.services import codes
from qorgau.training.tests.factories import RegistrationFactory

pytestmark = pytest.mark.postgres

PARALLEL = 2 * identify.CODE_ATTEMPTS


@pytest.fixture(autouse=True)
def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


def _guess_in_parallel(page: str, address: str) -> tuple[int, int, list[BaseException]]:
    """PARALLEL wrong guesses released at one moment, each taking a little while to check (as
    a real lookup and page render do). Returns (guesses tried, guesses refused, failures)."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)

    def wrong_code() -> None:
        time.sleep(0.3)
        raise ValidationError({"identifier": "no such code"})

    def guess() -> str:
        try:
            identify.with_code_throttle(request, page=page, attempt=wrong_code)
        except ValidationError:
            return "tried"
        except identify.TooManyWrongCodes:
            return "refused"
        return "accepted"  # not expected: every code is wrong

    results, failures = _in_parallel(PARALLEL, guess)
    return results.count("tried"), results.count("refused"), failures


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_guesses_get_no_more_tries_than_the_limit():
    tried, refused, failures = _guess_in_parallel("test:1", "10.1.1.1")

    assert not failures, failures
    assert tried == identify.CODE_ATTEMPTS
    assert refused == PARALLEL - identify.CODE_ATTEMPTS
    # The window is used up for everyone from that address, also one guess at a time.
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.1.1")
    with pytest.raises(identify.TooManyWrongCodes):
        identify.with_code_throttle(request, page="test:1", attempt=lambda: None)
    # Another address, or another page, still has its own tries.
    other = RequestFactory().post("/", REMOTE_ADDR="10.1.1.2")
    assert identify.with_code_throttle(other, page="test:1", attempt=lambda: "ok") == "ok"
    assert identify.with_code_throttle(request, page="test:2", attempt=lambda: "ok") == "ok"


def _in_parallel(count: int, call) -> tuple[list[object], list[BaseException]]:
    """``call()`` in ``count`` threads released at one moment; (results, failures)."""
    start = threading.Barrier(count, timeout=30)
    lock = threading.Lock()
    results: list[object] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            result = call()
            with lock:
                results.append(result)
        except BaseException as exc:  # reported by the caller
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, failures


@pytest.mark.django_db(transaction=True)
def test_parallel_clicks_for_a_lost_code_send_one_e_mail():
    sent: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        with lock:
            sent.append(1)
        time.sleep(0.3)  # the lookup, the audit and the e-mail's queueing

    def click() -> object:
        request = RequestFactory().post("/", REMOTE_ADDR="10.3.3.3")
        return identify.with_resend_throttle(
            request, event_id=7, email="Aigerim@Example.org", send=send
        )

    results, failures = _in_parallel(identify.RESEND_REQUESTS, click)

    assert not failures, failures
    assert sorted(results, key=str) == [False] * (identify.RESEND_REQUESTS - 1) + [True]
    assert sent == [1]
    assert identify.LOST_CODE_REQUESTS.used("10.3.3.3") == identify.RESEND_REQUESTS


@pytest.mark.django_db(transaction=True)
def test_parallel_organiser_clicks_send_the_code_once(organiser, event, monkeypatch):
    person = RegistrationFactory(event=event, email="aigerim@example.org")
    audit = codes.record

    def slow_audit(**kwargs):  # holds the transaction open while the other clicks arrive
        time.sleep(0.3)
        return audit(**kwargs)

    monkeypatch.setattr(codes, "record", slow_audit)

    def click() -> object:
        registration = Registration.objects.get(pk=person.pk)
        return codes.registration_code_resend(actor=organiser, registration=registration)

    results, failures = _in_parallel(4, click)

    assert not failures, failures
    assert sorted(results, key=str) == [False, False, False, True]
    assert AuditEvent.objects.filter(action="training.registration.code_resend").count() == 1
