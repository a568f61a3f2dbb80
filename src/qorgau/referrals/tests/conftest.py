"""Fixtures for referrals: a Pavlodar case of social protection, and the city's crisis centre
offering shelter in the region (from the case and directory tests)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from qorgau.accounts.models import User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.cases import services as case_services
from qorgau.cases.models import Case
from qorgau.cases.services import ChildInput, FamilyInput, NameInput
from qorgau.cases.tests import conftest as cases
from qorgau.directory.models import ServiceType
from qorgau.directory.tests.factories import (
    ProviderProfileFactory,
    ProviderServiceFactory,
    ServiceTypeFactory,
)
from qorgau.screening.tests.conftest import Town

pavlodar = cases.pavlodar
almaty = cases.almaty
workspace = cases.workspace
training = cases.training
manager = cases.manager
supervisor = cases.supervisor
on_commit = cases.on_commit
immediate_tasks = cases.immediate_tasks


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


@pytest.fixture
def shelter(pavlodar: Town) -> ServiceType:
    service_type = ServiceTypeFactory(key="shelter")
    ProviderServiceFactory(
        provider=ProviderProfileFactory(organisation=pavlodar["crisis_centre"]),
        service_type=service_type,
        regions=[pavlodar.region],
    )
    return service_type


@pytest.fixture
def provider_staff(pavlodar: Town) -> User:
    return user_with_role(
        Role.PROVIDER_STAFF, pavlodar["crisis_centre"], first_name="Gulnar", email="g@centre.kz"
    )


def open_case(manager: User, workspace, pavlodar: Town, name: str = "Жұмабаев Қайрат") -> Case:
    organisation = pavlodar["social_protection"]
    child = case_services.child_register(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(
            region=organisation.region,
            names=[NameInput(name)],
            age_min=14,
            age_max=15,
            languages="kk,ru",
            address="12 Secret Street, flat 3",
            guardian_name="Saule Zhumabayeva",
            guardian_contact="+7 701 111 22 33",
            family=[FamilyInput(name="Yerlan Zhumabayev", relation="uncle")],
        ),
    )
    return case_services.case_open(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )


def give_referral_consent(manager: User, case: Case) -> None:
    case_services.consent_give(
        actor=manager,
        case=case,
        purpose="referral",
        given_by_name="Saule Zhumabayeva",
        given_by_relation="mother",
        given_on=date(2026, 1, 5),
    )


@pytest.fixture
def case(manager, workspace, pavlodar) -> Case:
    return open_case(manager, workspace, pavlodar)


@pytest.fixture
def consented_case(manager, case) -> Case:
    give_referral_consent(manager, case)
    return case
