"""The rules of referrals: consent, idempotency, the life cycle, deadlines and escalation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from qorgau.audit.models import AuditEvent
from qorgau.cases.models import ConsentOverride
from qorgau.cases.services import ConsentRequired
from qorgau.core.tests.races import miss_once
from qorgau.referrals import services
from qorgau.referrals.deadlines import deadlines_for
from qorgau.referrals.models import Escalation, Referral, ReferralEvent, Status
from qorgau.referrals.selectors import overdue
from qorgau.referrals.tasks import escalate_overdue_referrals

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _send(manager, case, pavlodar, shelter, **kwargs):
    return services.referral_send(
        actor=manager,
        case=case,
        provider=pavlodar["crisis_centre"],
        service_type=shelter,
        reason=kwargs.pop("reason", "Needs a safe place tonight."),
        idempotency_key=kwargs.pop("idempotency_key", uuid.uuid4()),
        **kwargs,
    )


def test_a_referral_without_consent_is_refused(manager, case, pavlodar, shelter, workspace):
    with pytest.raises(ConsentRequired):
        _send(manager, case, pavlodar, shelter)
    assert Referral.objects.in_workspace(workspace).count() == 0


def test_an_urgent_referral_without_consent_is_sent_and_the_override_audited(
    manager, case, pavlodar, shelter, workspace
):
    referral = _send(manager, case, pavlodar, shelter, urgent_reason="Child on the street.")
    assert referral.status == Status.SENT
    override = ConsentOverride.objects.in_workspace(workspace).get(case=case)
    assert override.purpose == "referral"
    assert override.organisation == pavlodar["crisis_centre"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"consent.override", "referral.send"} <= actions


def test_a_double_click_sends_one_referral(manager, consented_case, pavlodar, shelter, workspace):
    key = uuid.uuid4()
    first = _send(manager, consented_case, pavlodar, shelter, idempotency_key=key)
    second = _send(manager, consented_case, pavlodar, shelter, idempotency_key=key)
    assert first.pk == second.pk
    assert Referral.objects.in_workspace(workspace).count() == 1
    assert AuditEvent.objects.filter(action="referral.send").count() == 1


def test_a_racing_double_submit_sends_one_referral(
    manager, consented_case, pavlodar, shelter, workspace, monkeypatch
):
    key = uuid.uuid4()
    first = _send(manager, consented_case, pavlodar, shelter, idempotency_key=key)
    lookups = miss_once(monkeypatch, services, "_referral_with_key")

    again = _send(manager, consented_case, pavlodar, shelter, idempotency_key=key)

    assert again.pk == first.pk and len(lookups) == 2
    assert Referral.objects.in_workspace(workspace).count() == 1
    assert ReferralEvent.objects.in_workspace(workspace).count() == 1
    assert AuditEvent.objects.filter(action="referral.send").count() == 1


def test_a_racing_submit_with_someone_elses_key_is_refused(
    manager, supervisor, consented_case, pavlodar, shelter, workspace, monkeypatch
):
    key = uuid.uuid4()
    _send(manager, consented_case, pavlodar, shelter, idempotency_key=key)
    miss_once(monkeypatch, services, "_referral_with_key")

    with pytest.raises(ValidationError):
        _send(supervisor, consented_case, pavlodar, shelter, idempotency_key=key)
    assert Referral.objects.in_workspace(workspace).count() == 1


def test_only_the_case_team_leads_send(consented_case, pavlodar, shelter, provider_staff):
    with pytest.raises(PermissionDenied):
        _send(provider_staff, consented_case, pavlodar, shelter)


def test_the_provider_must_offer_the_service(manager, consented_case, pavlodar, shelter):
    with pytest.raises(ValidationError) as error:
        services.referral_send(
            actor=manager,
            case=consented_case,
            provider=pavlodar["health"],
            service_type=shelter,
            reason="Needs a bed.",
            idempotency_key=uuid.uuid4(),
        )
    assert "provider" in error.value.message_dict


@time_machine.travel(T0, tick=False)
def test_deadlines_come_from_the_data_file_with_a_default(
    manager, consented_case, pavlodar, shelter
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    expected = deadlines_for("shelter", T0)
    assert referral.respond_by == expected.respond_by == T0 + timedelta(hours=4)
    assert referral.complete_by == T0 + timedelta(days=14)
    assert referral.deadlines_version == expected.version
    fallback = deadlines_for("no-such-service", T0)
    assert fallback.respond_by == T0 + timedelta(hours=48)


def test_the_life_cycle_closes_with_history_and_audit(
    manager, consented_case, pavlodar, shelter, provider_staff, workspace
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    services.referral_accept(actor=provider_staff, referral=referral)
    services.referral_accept(actor=provider_staff, referral=referral)  # a repeated click
    services.referral_start(actor=provider_staff, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_complete(actor=provider_staff, referral=referral, outcome=" ")
    done = services.referral_complete(
        actor=provider_staff, referral=referral, outcome="Placed in the shelter for 10 days."
    )
    assert done.status == Status.COMPLETED and done.closed_at is not None
    history = ReferralEvent.objects.in_workspace(workspace).filter(referral=referral)
    assert [event.to_status for event in history] == [
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="referral.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "referral.send",
        "referral.accept",
        "referral.start",
        "referral.complete",
    ]
    with pytest.raises(ValidationError):
        services.referral_cancel(actor=manager, referral=referral, reason="too late")


def test_a_decline_needs_a_reason_and_only_the_provider_answers(
    manager, consented_case, pavlodar, shelter, provider_staff
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=manager, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=provider_staff, referral=referral, reason="")
    declined = services.referral_decline(
        actor=provider_staff, referral=referral, reason="No beds for boys this week."
    )
    assert declined.status == Status.DECLINED
    assert declined.decline_reason == "No beds for boys this week."


def test_only_the_sender_cancels(manager, consented_case, pavlodar, shelter, provider_staff):
    referral = _send(manager, consented_case, pavlodar, shelter)
    with pytest.raises(PermissionDenied):
        services.referral_cancel(actor=provider_staff, referral=referral, reason="no")
    cancelled = services.referral_cancel(actor=manager, referral=referral, reason="Reunited.")
    assert cancelled.status == Status.CANCELLED


# --- escalation ---------------------------------------------------------------------------
def test_an_overdue_referral_escalates_once_and_stays_listed_until_resolved(
    manager,
    supervisor,
    consented_case,
    pavlodar,
    shelter,
    provider_staff,
    workspace,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    supervisor.email = "bolat@sp.kz"
    supervisor.save()
    with time_machine.travel(T0, tick=False):
        referral = _send(manager, consented_case, pavlodar, shelter)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        assert escalate_overdue_referrals.call() == 0
        assert list(overdue(user=supervisor, workspace=workspace)) == []
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert escalate_overdue_referrals.call() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert escalate_overdue_referrals.call() == 0  # one escalation per deadline
        assert [r.pk for r in overdue(user=supervisor, workspace=workspace)] == [referral.pk]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bolat@sp.kz"]
    assert "Жұмабаев" not in mail.outbox[0].body and "Қайрат" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="referral.escalate").count() == 1
    # Days later, still unanswered: still on the list.
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        escalate_overdue_referrals.call()
        assert [r.pk for r in overdue(user=supervisor, workspace=workspace)] == [referral.pk]
    # Accepted late: the response escalation is resolved, and the list empties.
    with time_machine.travel(T0 + timedelta(days=3, hours=1), tick=False):
        services.referral_accept(actor=provider_staff, referral=referral)
        assert list(overdue(user=supervisor, workspace=workspace)) == []
    # Not completed by complete_by: escalates again, for completion.
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        assert escalate_overdue_referrals.call() == 1
        listed = list(overdue(user=supervisor, workspace=workspace))
        assert [r.pk for r in listed] == [referral.pk]
        assert [e.deadline for e in listed[0].open] == ["complete"]  # type: ignore[attr-defined]
    with time_machine.travel(T0 + timedelta(days=16), tick=False):
        services.referral_complete(actor=provider_staff, referral=referral, outcome="Done.")
        assert escalate_overdue_referrals.call() == 0
        assert list(overdue(user=supervisor, workspace=workspace)) == []
    escalations = Escalation.objects.in_workspace(workspace).filter(referral=referral)
    assert sorted(e.deadline for e in escalations) == ["complete", "respond"]
    assert all(e.resolved_at is not None for e in escalations)


def test_the_management_command_escalates(
    manager, consented_case, pavlodar, shelter, workspace, capsys
):
    from django.core.management import call_command

    with time_machine.travel(T0, tick=False):
        _send(manager, consented_case, pavlodar, shelter)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        call_command("escalate_overdue_referrals")
        call_command("escalate_overdue_referrals")
    assert "0 new" in capsys.readouterr().out
    assert Escalation.objects.in_workspace(workspace).count() == 1
