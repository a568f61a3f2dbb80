"""Rows of the case module, written directly (for the grid and the selectors)."""

from __future__ import annotations

import uuid

import factory
from factory.django import DjangoModelFactory

from qorgau.accounts.tests.factories import OrganisationFactory, UserFactory
from qorgau.cases.models import Case, Child, ChildName, TeamMember
from qorgau.core.workspaces import real_workspace


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    workspace = factory.LazyFunction(real_workspace)
    organisation = factory.SubFactory(OrganisationFactory)
    registered_by = factory.SubFactory(UserFactory)
    region = factory.SelfAttribute("organisation.region")
    age_min = 13
    age_max = 15


class ChildNameFactory(DjangoModelFactory):
    class Meta:
        model = ChildName

    child = factory.SubFactory(ChildFactory)
    workspace = factory.SelfAttribute("child.workspace")
    full_name = "Aigerim Test"
    script = "latin"


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    idempotency_key = factory.LazyFunction(uuid.uuid4)
    number = factory.Sequence(lambda n: f"2026-T{n:05d}")
    child = factory.SubFactory(ChildFactory)
    workspace = factory.SelfAttribute("child.workspace")
    organisation = factory.SelfAttribute("child.organisation")
    region = factory.SelfAttribute("child.region")
    manager = factory.SubFactory(UserFactory)
    opened_by = factory.SelfAttribute("manager")


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    case = factory.SubFactory(CaseFactory)
    workspace = factory.SelfAttribute("case.workspace")
    organisation = factory.SubFactory(OrganisationFactory)
    status = TeamMember.Status.ACCEPTED
    invited_by = factory.SelfAttribute("case.manager")
