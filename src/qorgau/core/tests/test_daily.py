"""``qorgau daily``: every daily job runs, and one that fails stops none of the others."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qorgau.core.management.commands.daily import DAILY_JOBS

pytestmark = pytest.mark.django_db


def _daily() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("daily", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_daily_job_runs_and_says_what_it_did():
    out, err = _daily()

    assert err == ""
    for name in DAILY_JOBS:
        assert f"{name}: " in out
    assert "0 new escalation(s)" in out
    assert "0 reminders queued" in out
    assert "care_reminders: 0 new care reminder(s)" in out
    assert "training_survey_reminders: 0 survey reminders queued" in out
    assert f"{len(DAILY_JOBS)} daily jobs done" in out


def test_a_job_that_raises_is_reported_the_next_ones_run_and_the_command_fails(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(
        "qorgau.justice.management.commands.notify_non_punishment.non_punishment_sweep", broken
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(
        CommandError, match=f"1 of {len(DAILY_JOBS)} daily jobs failed: notify_non_punishment"
    ):
        call_command("daily", stdout=out, stderr=err)

    assert "notify_non_punishment: FAILED: RuntimeError: database on fire" in err.getvalue()
    # The jobs before and after the broken one ran.
    assert "escalate_overdue_referrals: 0 new escalation(s)" in out.getvalue()
    assert "training_reminders: 0 reminders queued" in out.getvalue()
    assert "training_survey_invitations: 0 survey invitations queued" in out.getvalue()
    assert DAILY_JOBS.index("notify_non_punishment") < DAILY_JOBS.index("training_reminders")
