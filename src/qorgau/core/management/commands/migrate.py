"""Django's ``migrate``, then the shared cache's table (ADR 0020).

Wherever the schema is brought up to date (``qorgau migrate``, ``qorgau demo``, a deployment,
the test databases), the database cache's table then exists too: no second step to forget.
``createcachetable`` skips a table that exists and does nothing for other cache backends.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Then creates the cache table if the cache is in the database."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if options.get("plan") or options.get("check_unapplied") or options.get("prune"):
            return  # nothing was applied
        call_command(
            "createcachetable",
            database=options["database"],
            verbosity=max(options["verbosity"] - 1, 0),  # "already exists" on every run is noise
        )
