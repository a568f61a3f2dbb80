"""Search an organisation's children for likely duplicates now, in this process.

    qorgau find_duplicates --organisation 12 [--user supervisor] [--workspace real]

The same search as the "Search now" button of the duplicate review page, which runs it in the
worker; progress is printed as it goes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.accounts.models import Organisation, User
from qorgau.cases import duplicates
from qorgau.cases.duplicate_models import DuplicateScan
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace


class Command(BaseCommand):
    help = "Search an organisation's children for likely duplicates (duplicate review)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, required=True, help="organisation id")
        parser.add_argument(
            "--user", default="", help="username recorded as the requester (default: a supervisor)"
        )
        parser.add_argument("--workspace", type=int, default=0, help="workspace id (default: real)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(pk=options["organisation"]).first()
        if organisation is None:
            raise CommandError("No such organisation.")
        workspace = (
            Workspace.objects.get(pk=options["workspace"])
            if options["workspace"]
            else real_workspace()
        )
        users = User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True
        )
        if options["user"]:
            users = users.filter(username=options["user"])
        user = users.filter(memberships__role__in=["supervisor", "case_manager"]).first()
        if user is None:
            raise CommandError("No case manager or supervisor of this organisation to act as.")
        scan = DuplicateScan.objects.create(
            workspace=workspace, organisation=organisation, requested_by=user
        )
        scan = duplicates.duplicate_scan_run(scan=scan)
        self.stdout.write(
            f"{scan.records} records, {scan.pairs_scored} pairs scored, "
            f"{scan.pairs_found} likely duplicates stored (scan {scan.pk})."
        )
