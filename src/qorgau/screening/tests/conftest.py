"""Fixtures for the identification tests: a region with its bodies, a teacher, the rules.

The town: Pavlodar Region (KZ-55) has a school, the police, social protection, the
guardianship authority, a crisis centre and a health body; Almaty city (KZ-75) has the same
bodies, so a test can show that an alert stays in the screening's region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace
from qorgau.screening.models import Catalogue, PathwayRules
from qorgau.screening.services import catalogue_publish, pathway_rules_load_packaged
from qorgau.screening.tests.factories import catalogue_document

BODIES = ("school", "police", "social_protection", "guardianship", "crisis_centre", "health")


@dataclass
class Town:
    region: Region
    organisations: dict[str, Organisation]

    def __getitem__(self, type_key: str) -> Organisation:
        return self.organisations[type_key]


def _town(region_key: str) -> Town:
    region = Region.objects.get(key=region_key)
    return Town(
        region=region,
        organisations={
            key: OrganisationFactory(
                name=f"{key} of {region_key}",
                type=OrganisationType.objects.get(key=key),
                region=region,
            )
            for key in BODIES
        },
    )


@pytest.fixture
def pavlodar(reference_data) -> Town:
    return _town("KZ-55")


@pytest.fixture
def almaty(reference_data) -> Town:
    return _town("KZ-75")


@pytest.fixture
def workspace(db) -> Workspace:
    return real_workspace()


@pytest.fixture
def training(db) -> Workspace:
    return Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise: bus station")


@pytest.fixture
def teacher(pavlodar) -> User:
    return user_with_role(
        Role.FRONT_LINE, pavlodar["school"], first_name="Dana", email="dana@school.kz"
    )


@pytest.fixture
def system_admin(db) -> User:
    return user_with_role(Role.SYSTEM_ADMIN)


@pytest.fixture
def rules(reference_data) -> PathwayRules:
    return pathway_rules_load_packaged()


@pytest.fixture
def catalogue(db) -> Catalogue:
    """Version 1 of a small child-labour catalogue (keys in factories.SMALL_CATALOGUE)."""
    return catalogue_publish(actor=None, document=catalogue_document(version=1))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Run what a service schedules after commit (e-mails) as the real transaction would."""

    def run(service: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def immediate_tasks(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
