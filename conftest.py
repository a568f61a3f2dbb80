"""Fixtures shared by every app's tests, and the browser fixtures for tests/e2e."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent
# Screenshots and traces of browser journeys (gitignored).
TEST_RESULTS = ROOT / "test-results"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, headless, as root, on a machine with no way out: no sandbox (root), no GPU,
# and none of the background connections that the closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}


# Production hashes with PBKDF2; hundreds of test accounts need not pay for it.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English unless they ask for another language; production defaults to Kazakh.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("static"))


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings, _empty_static_root):
    # Pages link static files; tests run without collectstatic, so without its manifest.
    # (The live server of browser journeys serves them from the apps' static folders.)
    settings.STATIC_ROOT = _empty_static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def reference_data(db):
    from qorgau.accounts.services import reference_data_load

    return reference_data_load()


def pytest_configure(config: pytest.Config) -> None:
    # The live server starts before the per-test settings above and finds no STATIC_ROOT;
    # it serves static files from the apps' folders, so WhiteNoise's warning says nothing.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


# --- tests that need PostgreSQL -------------------------------------------------------------
_postgres_deselected = pytest.StashKey[int]()


def _database_engine() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["ENGINE"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the ``postgres`` tests when the database is not PostgreSQL.

    The suite runs twice in CI, on SQLite and on PostgreSQL; a skip would fail CI, a
    deselection says these tests belong to the other pass. Everything under tests/e2e is
    marked ``e2e`` (so ``-m "not e2e"`` leaves the browser out).
    """
    for item in items:
        if item.path.is_relative_to(ROOT / "tests" / "e2e"):
            item.add_marker(pytest.mark.e2e)
    if "postgresql" in _database_engine():
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    config.stash[_postgres_deselected] = len(deselected)


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    count = config.stash.get(_postgres_deselected, 0)
    if not count:
        return None
    tests = "test" if count == 1 else "tests"
    return (
        f"{count} postgres {tests} deselected: the database is not PostgreSQL; "
        "they run in the PostgreSQL pass (DATABASE_URL=postgres://...)"
    )


# --- browser journeys (tests/e2e) -----------------------------------------------------------
def chromium_executable() -> str | None:
    """Debian's chromium, or the one QORGAU_CHROMIUM names; None when it is not there."""
    path = os.environ.get("QORGAU_CHROMIUM") or DEFAULT_CHROMIUM
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        where = os.environ.get("QORGAU_CHROMIUM") or DEFAULT_CHROMIUM
        reason = (
            f"browser journeys need Chromium, not found at {where}: install Debian's "
            "chromium package or set QORGAU_CHROMIUM (no browser is ever downloaded)"
        )
        print(f"\nSKIP {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for as long as it is
    # started, and Django refuses database calls inside a running loop unless told otherwise.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    """Headless Debian chromium, one for the whole run."""
    browser = _playwright.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="en-GB", timezone_id="Asia/Almaty", **options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page (own cookies) for one test."""
    context = _context(browser, viewport=DESKTOP_VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A fresh page the size of a small phone (360 x 740), touch and mobile layout."""
    context = _context(browser, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Any:
    """``screenshot(page, "name")`` saves a full-page PNG to test-results/ and returns its path."""

    def take(page: Any, name: str) -> Path:
        TEST_RESULTS.mkdir(exist_ok=True)
        test = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        path = TEST_RESULTS / f"{test}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
