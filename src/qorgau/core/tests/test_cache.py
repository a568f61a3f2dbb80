"""The shared cache (ADR 0020): in the database by default, its table made by every migrate."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection


def test_the_default_cache_is_shared_by_every_worker_and_local_stays_per_process():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["local"]["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize(
    ("value", "backend"),
    [("memory", "LocMemCache"), ("database", "DatabaseCache"), ("redis", "ValueError")],
)
def test_qorgau_cache_chooses_the_backend(tmp_path, value, backend):
    env = {**os.environ, "QORGAU_CACHE": value, "QORGAU_DATA_DIR": str(tmp_path)}
    script = "import qorgau.config.settings as s; print(s.CACHES['default']['BACKEND'])"
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert backend in done.stdout + done.stderr


@pytest.mark.django_db
def test_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE qorgau_cache")
    assert "qorgau_cache" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "qorgau_cache" in connection.introspection.table_names()
    shared = caches["default"]
    shared.set("qorgau:test", 3, 60)
    assert shared.get("qorgau:test") == 3


@pytest.mark.parametrize(("backend", "warned"), [("memory", True), ("database", False)])
def test_serve_warns_when_several_workers_would_count_apart(settings, monkeypatch, backend, warned):
    from io import StringIO

    from qorgau.config.settings import _CACHE_BACKENDS

    settings.CACHES = {**settings.CACHES, "default": _CACHE_BACKENDS[backend]}
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic

    def no_exec(*args):
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", no_exec)
    errors = StringIO()
    with pytest.raises(SystemExit):
        call_command("serve", workers=3, stdout=StringIO(), stderr=errors)

    assert ("QORGAU_CACHE=memory" in errors.getvalue()) is warned
