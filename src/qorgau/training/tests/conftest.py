"""Fixtures for the training tests (the shared ones live in the repository's conftest.py)."""

from __future__ import annotations

import pytest

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory, user_with_role
from qorgau.training.models import Event
from qorgau.training.tests.factories import EventFactory


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    # Training roles never need a second factor; other roles in these tests do not sign in.
    settings.QORGAU_REQUIRE_2FA = False


@pytest.fixture
def organiser_org(db) -> Organisation:
    return OrganisationFactory(name="OSCE Programme Office")


@pytest.fixture
def organiser(organiser_org) -> User:
    return user_with_role(
        Role.TRAINING_ORGANISER, organiser_org, first_name="Zhanna", last_name="Iskakova"
    )


@pytest.fixture
def region(db):
    return RegionFactory(
        key="KZ-55",
        name_en="Pavlodar Region",
        name_ru="Павлодарская область",
        name_kk="Павлодар облысы",
    )


@pytest.fixture
def event(organiser_org, region) -> Event:
    return EventFactory(organiser=organiser_org, region=region, capacity=2)
