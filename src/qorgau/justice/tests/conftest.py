"""Fixtures for justice: the Pavlodar case of social protection (from the referral tests), the
city's police investigator and the prosecutor's office, and a proceeding of the case."""

from __future__ import annotations

from datetime import date

import pytest

from qorgau.accounts.models import Organisation, OrganisationType, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.cases.models import Case
from qorgau.cases.tests.factories import TeamMemberFactory
from qorgau.justice import services
from qorgau.justice.models import Proceeding
from qorgau.referrals.tests import conftest as referrals
from qorgau.screening.models import VictimStatusDecision
from qorgau.screening.tests.conftest import Town
from qorgau.screening.tests.factories import IdentificationFactory, VictimStatusDecisionFactory

pavlodar = referrals.pavlodar
almaty = referrals.almaty
workspace = referrals.workspace
training = referrals.training
manager = referrals.manager
supervisor = referrals.supervisor
provider_staff = referrals.provider_staff
on_commit = referrals.on_commit
immediate_tasks = referrals.immediate_tasks
_no_two_factor = referrals._no_two_factor
open_case = referrals.open_case

NUMBER = "261550031000123"
REGISTERED = date(2026, 1, 10)


@pytest.fixture
def prosecutor_office(pavlodar: Town) -> Organisation:
    return OrganisationFactory(
        name="Prosecutor's office of Pavlodar",
        type=OrganisationType.objects.get(key="prosecutor"),
        region=pavlodar.region,
    )


@pytest.fixture
def investigator(pavlodar: Town) -> User:
    return user_with_role(
        Role.INVESTIGATOR, pavlodar["police"], first_name="Daniyar", email="d@police.kz"
    )


@pytest.fixture
def prosecutor(prosecutor_office: Organisation) -> User:
    return user_with_role(
        Role.PROSECUTOR, prosecutor_office, first_name="Marat", email="m@prokuratura.kz"
    )


def proceeding_input(pavlodar: Town, prosecutor_office: Organisation | None, **overrides):
    values = {
        "register_number": NUMBER,
        "registered_on": REGISTERED,
        "articles": ["cc2014-135"],
        "investigating_organisation": pavlodar["police"],
        "prosecutor_organisation": prosecutor_office,
        **overrides,
    }
    return services.ProceedingInput(**values)


@pytest.fixture
def case(manager, workspace, pavlodar) -> Case:
    """The social-protection case, with the city's police accepted onto its team."""
    opened = open_case(manager, workspace, pavlodar)
    TeamMemberFactory(case=opened, organisation=pavlodar["police"], invited_by=manager)
    return opened


@pytest.fixture
def proceeding(investigator, case, pavlodar, prosecutor_office) -> Proceeding:
    return services.proceeding_create(
        actor=investigator, case=case, data=proceeding_input(pavlodar, prosecutor_office)
    )


def presume_victim(case: Case, status: str = VictimStatusDecision.Status.PRESUMED):
    """Open the case's identification and record a victim-status decision on it."""
    identification = IdentificationFactory(
        screening__workspace=case.workspace,
        screening__organisation=case.organisation,
    )
    Case.objects.in_workspace(case.workspace).filter(pk=case.pk).update(
        identification=identification
    )
    return VictimStatusDecisionFactory(identification=identification, status=status)
