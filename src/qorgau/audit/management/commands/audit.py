from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'audit verify' walks the hash chain and names the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken after {report.checked} good events: {report.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events"))
