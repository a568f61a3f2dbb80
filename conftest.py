"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English unless they ask for another language; production defaults to Kazakh.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def reference_data(db):
    from qorgau.accounts.services import reference_data_load

    return reference_data_load()
