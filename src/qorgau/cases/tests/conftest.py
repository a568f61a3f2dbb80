"""Fixtures for the case tests: Pavlodar's bodies (from the screening tests) and their people."""

from __future__ import annotations

import pytest

from qorgau.accounts.models import User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.screening.tests import conftest as screening
from qorgau.screening.tests.conftest import Town

# The identification tests' town and workspaces, shared.
pavlodar = screening.pavlodar
almaty = screening.almaty
workspace = screening.workspace
training = screening.training
catalogue = screening.catalogue
rules = screening.rules
on_commit = screening.on_commit
immediate_tasks = screening.immediate_tasks


@pytest.fixture
def manager(pavlodar: Town) -> User:
    return user_with_role(
        Role.CASE_MANAGER, pavlodar["social_protection"], first_name="Aliya", email="aliya@sp.kz"
    )


@pytest.fixture
def supervisor(pavlodar: Town) -> User:
    return user_with_role(Role.SUPERVISOR, pavlodar["social_protection"], first_name="Bolat")


@pytest.fixture
def guardian_officer(pavlodar: Town) -> User:
    return user_with_role(
        Role.GUARDIANSHIP_OFFICER, pavlodar["guardianship"], email="officer@guardianship.kz"
    )


@pytest.fixture
def centre_manager(pavlodar: Town) -> User:
    return user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"], first_name="Gulnar")
