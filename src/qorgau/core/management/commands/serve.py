from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Qorgau with gunicorn (put a reverse proxy with TLS in front in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("QORGAU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")))

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        if workers > 1 and isinstance(caches["default"], LocMemCache):
            # Rate limits would count per process (ADR 0020).
            self.stderr.write(
                "QORGAU_CACHE=memory with several workers: each keeps its own counters. "
                "Use QORGAU_CACHE=database (the default) in production."
            )
        if not settings.WHITENOISE_USE_FINDERS:
            call_command("collectstatic", interactive=False, verbosity=0)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "qorgau.config.wsgi",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"Serving on http://{bind}/ (Ctrl+C to stop)")
        self.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 - replaces this process with gunicorn
