"""The ``qorgau`` command: demo, serve, worker, migrate, audit verify, and every Django command."""

from __future__ import annotations

import os
import sys

# Qorgau's own names for commands whose Django name says less.
ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["demo"]:
        # Decided before settings load: the demo turns 2FA off and prints e-mail to the console.
        os.environ.setdefault("QORGAU_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.config.settings")
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qorgau", *args])


if __name__ == "__main__":
    main()
