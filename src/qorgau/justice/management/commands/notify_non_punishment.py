from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.core.workspaces import real_workspace
from qorgau.justice.services import non_punishment_sweep


class Command(BaseCommand):
    help = (
        "Tell supervisors and prosecutors of proceedings flagged for non-punishment by a "
        "victim-status decision recorded after them (idempotent; run it from a timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = non_punishment_sweep(workspace=real_workspace())
        self.stdout.write(f"{len(created)} new notice(s)")
