from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

import qorgau
from qorgau.accounts.roles import Role
from qorgau.core.catalogues import compile_stale
from qorgau.demo.data import DEMO_PASSWORD, USERS
from qorgau.demo.services import demo_load


class Command(BaseCommand):
    help = "Migrate the database, load reference and demo data, print the logins and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load everything and exit")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args: Any, no_serve: bool, bind: str, **options: Any) -> None:
        # The compiled catalogues are not in git: without them the demo would speak English.
        try:
            compiled = compile_stale(Path(qorgau.__file__).parent)
        except OSError as error:  # an installed, read-only package: its own .mo files serve
            self.stdout.write(self.style.WARNING(f"Translations not compiled: {error}"))
        else:
            if compiled:
                self.stdout.write(f"Translations: {len(compiled)} catalogue(s) compiled.")
        call_command("migrate", interactive=False, verbosity=0)
        result = demo_load()
        database = settings.DATABASES["default"]
        self.stdout.write(f"Database: {database['NAME']}")
        self.stdout.write(
            f"Demo data: {result.organisations_created} organisations and "
            f"{result.users_created} users added (existing ones kept)."
        )
        if not settings.QORGAU_REQUIRE_2FA:
            self.stdout.write(self.style.WARNING("Two-factor sign-in is OFF in the demo."))
        self.stdout.write(f"\nSign in at http://{bind}/ with password {DEMO_PASSWORD} as:")
        for person in USERS:
            self.stdout.write(f"  {person.username:<14} {Role(person.role).label}")
        if not no_serve:
            self.stdout.write("")
            call_command("serve", bind=bind, workers=2)
