"""The audit trail: a contiguous, HMAC-chained, append-only sequence of events."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from qorgau.accounts import services as accounts_services
from qorgau.accounts.tests.factories import OrganisationFactory, UserFactory, user_with_role
from qorgau.audit import services
from qorgau.audit.chain import GENESIS, event_digest, verify_chain
from qorgau.audit.context import AuditContextMiddleware
from qorgau.audit.models import AppendOnlyError, AuditEvent
from qorgau.cli import main
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace

pytestmark = pytest.mark.django_db

Tamper = Callable[..., None]


def _record_many(n: int) -> list[AuditEvent]:
    actor = UserFactory()
    return [services.record(actor=actor, action=f"test.step{i}") for i in range(1, n + 1)]


def _verify() -> str:
    """Run `audit verify` and return what it printed; CommandError propagates."""
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _record_during(request: HttpRequest, **kwargs: object) -> AuditEvent:
    """Record an event from inside a request, as a view or API endpoint would."""
    recorded: list[AuditEvent] = []

    def view(req: HttpRequest) -> HttpResponse:
        recorded.append(services.record(**kwargs))
        return HttpResponse()

    AuditContextMiddleware(view)(request)
    return recorded[0]


# --- building the chain -------------------------------------------------------------------
def test_it_numbers_events_from_one_without_gaps_and_links_each_to_the_one_before() -> None:
    _record_many(4)

    events = list(AuditEvent.objects.order_by("seq"))

    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS
    for before, after in pairwise(events):
        assert after.prev_hash == before.hash
    # The stored hash is the HMAC of the row as read back from the database.
    assert all(e.hash == event_digest(e) for e in events)
    assert len({e.hash for e in events}) == 4


def test_it_records_who_did_what_to_which_object() -> None:
    organisation = OrganisationFactory()
    actor = UserFactory(username="amina")

    event = services.record(
        actor=actor, action="organisation.edit", target=organisation, organisation=organisation
    )

    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_label == "amina"
    assert event.organisation == organisation
    assert event.target_type == "accounts.organisation"
    assert event.target_id == str(organisation.pk)


def test_an_anonymous_actor_is_recorded_without_a_name() -> None:
    event = services.record(actor=AnonymousUser(), action="auth.login_failed")

    assert event.actor is None
    assert event.actor_label == ""


def test_outside_a_request_there_is_no_client_address_or_workspace() -> None:
    event = services.record(actor=None, action="system.job")

    assert event.client_address is None
    assert event.workspace_id is None


def test_during_a_request_it_takes_the_client_address_and_workspace_from_the_request() -> None:
    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise A")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    request.workspace = training

    event = _record_during(request, actor=None, action="case.view")

    event.refresh_from_db()
    assert event.client_address == "203.0.113.7"
    assert event.workspace_id == training.pk
    # Once the request is over the context is gone again.
    assert services.record(actor=None, action="system.job").client_address is None


def test_a_real_request_through_the_middleware_stack_is_recorded_with_its_address() -> None:
    user = user_with_role("trainer")
    _token, raw = accounts_services.api_token_create(actor=user, name="first")
    api = Client(headers={"authorization": f"Bearer {raw}"}, REMOTE_ADDR="198.51.100.23")

    response = api.post("/api/tokens", {"name": "second"}, content_type="application/json")

    assert response.status_code == 201
    event = AuditEvent.objects.get(action="api_token.create", details__name="second")
    assert event.client_address == "198.51.100.23"
    assert event.workspace_id == real_workspace().pk
    assert event.actor == user


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0000:0000::0001", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ],
)
def test_client_addresses_are_stored_so_that_the_chain_still_verifies(
    remote_addr: str, stored: str
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)

    event = _record_during(request, actor=None, action="auth.login")

    event.refresh_from_db()
    assert event.client_address == stored
    assert verify_chain().ok


@pytest.mark.parametrize("remote_addr", ["", "unknown", "300.1.1.1"])
def test_an_address_that_is_not_an_ip_is_left_out_rather_than_failing_the_write(
    remote_addr: str,
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)

    event = _record_during(request, actor=None, action="auth.login")

    assert event.client_address is None
    assert verify_chain().ok


def test_details_that_look_like_secrets_are_redacted_at_any_depth() -> None:
    event = services.record(
        actor=None,
        action="user.create",
        details={
            "password": "hunter2-hunter2",
            "new_password1": "x",
            "api_token": "qrg_abc",
            "otp": "123456",
            "otp_code": "654321",
            "private_key": "-----BEGIN",
            "client_secret": "s",
            "role": "auditor",
            "count": 3,
            "nested": {"Token": "t", "name": "kept"},
            "devices": [{"key": "k", "name": "phone"}, "plain"],
        },
    )

    event.refresh_from_db()
    assert event.details == {
        "password": "[redacted]",
        "new_password1": "[redacted]",
        "api_token": "[redacted]",
        "otp": "[redacted]",
        "otp_code": "[redacted]",
        "private_key": "[redacted]",
        "client_secret": "[redacted]",
        "role": "auditor",
        "count": 3,
        "nested": {"Token": "[redacted]", "name": "kept"},
        "devices": [{"key": "[redacted]", "name": "phone"}, "plain"],
    }
    # What is hashed is what is stored: the chain still holds.
    assert verify_chain().ok


# --- append-only in the ORM ---------------------------------------------------------------
def test_saving_an_existing_event_again_is_refused() -> None:
    event = services.record(actor=None, action="case.open")
    event.action = "case.close"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "case.open"


def test_deleting_an_event_is_refused() -> None:
    event = services.record(actor=None, action="case.open")

    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda: AuditEvent.objects.filter(seq=1).update(action="case.close"),
        lambda: AuditEvent.objects.all().update(actor_label="someone"),
        lambda: AuditEvent.objects.filter(seq=1).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update(
            [AuditEvent(pk=AuditEvent.objects.get().pk, action="case.close")], ["action"]
        ),
    ],
    ids=["filter-update", "all-update", "filter-delete", "all-delete", "bulk-update"],
)
def test_queryset_writes_are_refused(write: Callable[[], object]) -> None:
    services.record(actor=None, action="case.open")

    with pytest.raises(AppendOnlyError), transaction.atomic():
        write()

    event = AuditEvent.objects.get()
    assert (event.seq, event.action, event.actor_label) == (1, "case.open", "")


# --- audit verify: what tampering it catches ----------------------------------------------
def test_an_intact_chain_is_reported_intact_with_its_length() -> None:
    _record_many(5)

    assert "audit chain intact: 5 events" in _verify()


def test_an_empty_trail_is_intact() -> None:
    assert "audit chain intact: 0 events" in _verify()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "case.close"),
        ("actor_label", "someone-else"),
        ("target_id", "999"),
        ("details", '{"note": "rewritten"}'),
        ("client_address", "198.51.100.9"),
        ("workspace_id", 77),
        ("created_at", datetime(2020, 1, 1, tzinfo=UTC)),
    ],
)
def test_verify_names_the_event_whose_field_was_altered(
    tamper: Tamper, column: str, value: object
) -> None:
    _record_many(5)

    sql = f"UPDATE audit_auditevent SET {column} = %s WHERE seq = 3"  # noqa: S608 - our columns
    tamper(sql, [value])

    with pytest.raises(CommandError, match=r"#3 was altered or inserted") as excinfo:
        _verify()
    assert "after 2 good events" in str(excinfo.value)


def test_verify_names_an_event_whose_hash_was_replaced(tamper: Tamper) -> None:
    _record_many(5)
    forged = hashlib.sha256(b"anything").hexdigest()

    tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = 4", [forged])

    with pytest.raises(CommandError, match=r"#4 was altered"):
        _verify()


@pytest.mark.parametrize("deleted", [1, 3])
def test_verify_names_the_missing_event_when_one_was_deleted(tamper: Tamper, deleted: int) -> None:
    _record_many(5)

    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [deleted])

    with pytest.raises(CommandError, match=rf"#{deleted} is missing"):
        _verify()


def test_verify_catches_a_deletion_hidden_by_renumbering_the_rest(tamper: Tamper) -> None:
    _record_many(5)

    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    for seq in (4, 5):  # close the gap, so that seq alone looks contiguous again
        tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq - 1, seq])

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    with pytest.raises(CommandError, match=r"#3 was altered or inserted"):
        _verify()


def _forged_copy(of: AuditEvent, *, seq: int, prev_hash: str, hash_: str) -> list[object]:
    return [
        seq,
        of.created_at,
        of.actor_label,
        "case.close",
        of.target_type,
        of.target_id,
        "{}",
        prev_hash,
        hash_,
    ]


_INSERT = (
    "INSERT INTO audit_auditevent (seq, created_at, actor_label, action, target_type, target_id,"
    " details, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def test_verify_names_a_forged_event_appended_at_the_end(tamper: Tamper) -> None:
    events = _record_many(5)
    last = events[-1]
    # Without the HMAC key, the best a forger can do is a plain hash of something.
    forged_hash = hashlib.sha256(f"{last.hash}case.close".encode()).hexdigest()

    tamper(_INSERT, _forged_copy(last, seq=6, prev_hash=last.hash, hash_=forged_hash))

    with pytest.raises(CommandError, match=r"#6 was altered or inserted"):
        _verify()


def test_verify_names_a_forged_event_inserted_in_the_middle_with_the_rest_renumbered(
    tamper: Tamper, settings: Any
) -> None:
    events = _record_many(5)
    # Make room at #3 by renumbering #3..#5 to #4..#6, highest first (seq is unique).
    for seq in (5, 4, 3):
        tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq + 1, seq])
    # The forger even computes a proper HMAC, but with a key of their own.
    forged = AuditEvent(
        **{f.attname: getattr(events[1], f.attname) for f in AuditEvent._meta.concrete_fields}
    )
    forged.pk = None
    forged.seq, forged.action, forged.details = 3, "case.close", {}
    forged.prev_hash = events[1].hash
    real_key = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "not-the-real-key"
    forged.hash = event_digest(forged)
    settings.AUDIT_CHAIN_KEY = real_key
    assert forged.hash != event_digest(forged)

    forged.save(force_insert=True)  # inserting is what the table allows

    assert AuditEvent.objects.count() == 6
    with pytest.raises(CommandError, match=r"#3 was altered or inserted"):
        _verify()


def test_verify_names_an_event_that_does_not_follow_the_one_before(tamper: Tamper) -> None:
    _record_many(5)
    # A row that is consistent in itself (its HMAC is right) but spliced from another chain.
    spliced = AuditEvent.objects.get(seq=3)
    spliced.prev_hash = "f" * 64
    spliced_hash = event_digest(spliced)

    tamper(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = 3",
        [spliced.prev_hash, spliced_hash],
    )

    with pytest.raises(CommandError, match=r"#3 does not follow #2"):
        _verify()


def test_verify_uses_the_configured_key(settings: Any) -> None:
    _record_many(2)

    settings.AUDIT_CHAIN_KEY = "a-different-key"

    with pytest.raises(CommandError, match=r"#1 was altered"):
        _verify()


# --- the same through the `qorgau` command ------------------------------------------------
# The command-line entry point closes database connections when it ends, so these tests commit.
@pytest.mark.django_db(transaction=True)
def test_qorgau_audit_verify_prints_intact(capsys: pytest.CaptureFixture[str]) -> None:
    _record_many(3)

    main(["audit", "verify"])

    assert "audit chain intact: 3 events" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_qorgau_audit_verify_exits_non_zero_and_names_the_event(
    tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    _record_many(4)
    tamper("UPDATE audit_auditevent SET action = 'case.close' WHERE seq = 2")

    with pytest.raises(SystemExit) as excinfo:
        main(["audit", "verify"])

    assert excinfo.value.code == 1
    assert "#2 was altered or inserted" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_qorgau_audit_verify_names_a_deleted_event(
    tamper: Tamper, capsys: pytest.CaptureFixture[str]
) -> None:
    _record_many(4)
    tamper("DELETE FROM audit_auditevent WHERE seq = 2")

    with pytest.raises(SystemExit) as excinfo:
        main(["audit", "verify"])

    assert excinfo.value.code == 1
    assert "#2 is missing" in capsys.readouterr().err
