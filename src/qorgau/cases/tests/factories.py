"""Rows of the case module, written directly (for the grid and the selectors)."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from qorgau.accounts.tests.factories import OrganisationFactory, UserFactory
from qorgau.cases.models import Case, Child, ChildName, TeamMember
from qorgau.cases.models_care import AssistancePlan, PlanService
from qorgau.cases.periods import plan_end
from qorgau.core.workspaces import real_workspace
from qorgau.directory.tests.factories import ServiceTypeFactory


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


class AssistancePlanFactory(DjangoModelFactory):
    class Meta:
        model = AssistancePlan

    case = factory.SubFactory(CaseFactory)
    workspace = factory.SelfAttribute("case.workspace")
    goals = "Safe housing, school, therapy."
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: plan_end(o.starts_on))
    created_by = factory.SelfAttribute("case.manager")


class PlanServiceFactory(DjangoModelFactory):
    class Meta:
        model = PlanService

    idempotency_key = factory.LazyFunction(uuid.uuid4)
    plan = factory.SubFactory(AssistancePlanFactory)
    workspace = factory.SelfAttribute("plan.workspace")
    service_type = factory.SubFactory(ServiceTypeFactory, key="psychological", social_code=True)
    provider = factory.SubFactory(OrganisationFactory)
    starts_on = factory.SelfAttribute("plan.starts_on")
    ends_on = factory.SelfAttribute("plan.ends_on")
    added_by = factory.SelfAttribute("plan.created_by")
