"""Fixtures for the accounts tests (the shared ones live in the repository's conftest.py)."""

from __future__ import annotations

import pytest

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role


@pytest.fixture
def no_two_factor(settings):
    """The demo's setting: nobody is asked for a second factor."""
    settings.QORGAU_REQUIRE_2FA = False


@pytest.fixture
def two_factor(settings):
    """Production's setting: identity roles, admins and auditors need a second factor."""
    settings.QORGAU_REQUIRE_2FA = True


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory(name="Crisis Centre Zhan")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return OrganisationFactory(name="Other District Police")


@pytest.fixture
def org_admin(organisation) -> User:
    return user_with_role(Role.ORG_ADMIN, organisation, first_name="Aliya", last_name="Mussina")
