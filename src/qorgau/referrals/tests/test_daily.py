"""``qorgau daily`` escalates an overdue referral (and only once a deadline)."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from qorgau.referrals import services
from qorgau.referrals.models import Escalation

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_daily_escalates_an_overdue_referral_once(
    manager, consented_case, pavlodar, shelter, workspace
):
    with time_machine.travel(T0, tick=False):
        services.referral_send(
            actor=manager,
            case=consented_case,
            provider=pavlodar["crisis_centre"],
            service_type=shelter,
            reason="Needs a safe place tonight.",
            idempotency_key=uuid.uuid4(),
        )
        call_command("daily", stdout=io.StringIO())
        assert Escalation.objects.in_workspace(workspace).count() == 0
    first, second = io.StringIO(), io.StringIO()
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        call_command("daily", stdout=first)
        call_command("daily", stdout=second)

    assert "escalate_overdue_referrals: 1 new escalation(s)" in first.getvalue()
    assert "escalate_overdue_referrals: 0 new escalation(s)" in second.getvalue()
    assert Escalation.objects.in_workspace(workspace).get().referral.case == consented_case
