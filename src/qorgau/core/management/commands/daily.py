"""``qorgau daily``: every job that has to run once a day, one after the other.

Run it from cron or a systemd timer (docs/adr/0018-daily-jobs.md). Each job is isolated: one
that fails is reported and the next one still runs; the command exits non-zero at the end if
any failed. Every job is idempotent, so running it more often than daily is safe.
"""

from __future__ import annotations

import io
import traceback
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# The daily jobs, in the order they run: management command names. Add new ones here.
DAILY_JOBS: list[str] = [
    "escalate_overdue_referrals",
    "notify_non_punishment",
    "training_reminders",
    "training_survey_invitations",
    "care_reminders",
    "training_survey_reminders",
    "prune_throttle_windows",
]


class Command(BaseCommand):
    help = (
        "Run every daily job in turn (overdue referrals, non-punishment notices, training "
        "reminders, survey invitations and reminders, care reminders, expired rate-limit "
        "counters). A failing job does not stop the others; the exit status is non-zero if any "
        "failed. Run it from cron or a systemd timer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed: list[str] = []
        for name in DAILY_JOBS:
            out = io.StringIO()
            try:
                call_command(name, stdout=out)
            except Exception as error:
                failed.append(name)
                self.stderr.write(f"{name}: FAILED: {type(error).__name__}: {error}")
                self.stderr.write(traceback.format_exc())
                continue
            said = " ".join(out.getvalue().split()) or "done"
            self.stdout.write(f"{name}: {said}")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(DAILY_JOBS)} daily jobs failed: {', '.join(failed)}"
            )
        self.stdout.write(f"{len(DAILY_JOBS)} daily jobs done")
