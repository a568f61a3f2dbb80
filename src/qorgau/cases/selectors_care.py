"""Reads of a case's care: assessments, plan, services delivered, closure and follow-up.

The case team reads everything on the case page. A planned service's provider reads only
``DeliveryView``: the service, its dates, what is to be done, the child's initials and age
band, and who to contact -- never the plan's goals, the assessments or the child's names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import REFERRAL_PROVIDER_ROLES, can, grants
from qorgau.cases.models import Case, ChildName
from qorgau.cases.models_care import (
    Assessment,
    AssistancePlan,
    Closure,
    FollowUpVisit,
    PlanService,
    ReflectionPeriod,
    ServiceDelivery,
)
from qorgau.core.models import Workspace
from qorgau.referrals.selectors import age_band, initials


@dataclass(frozen=True)
class PlanClock:
    """Where the plan stands against its 6 (or, extended, 9) months."""

    ends_on: date
    days_left: int
    extended: bool
    overdue: bool


def plan_clock(plan: AssistancePlan, today: date | None = None) -> PlanClock:
    today = today or timezone.localdate()
    return PlanClock(
        ends_on=plan.ends_on,
        days_left=plan.days_left(today),
        extended=plan.is_extended,
        overdue=plan.is_overdue(today),
    )


def _services(workspace: Workspace) -> QuerySet[PlanService]:
    return (
        PlanService.objects.in_workspace(workspace)
        .select_related("service_type", "provider")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=ServiceDelivery.objects.across_workspaces().select_related(
                    "recorded_by", "organisation"
                ),
            )
        )
    )


def care_page(*, case: Case) -> dict[str, Any]:
    """Everything the case page shows of the child's care, in a fixed number of queries."""
    workspace = case.workspace
    assessments = list(
        Assessment.objects.in_workspace(workspace)
        .filter(case=case)
        .select_related("assessed_by", "approval", "approval__decided_by")
    )
    plan = (
        AssistancePlan.objects.in_workspace(workspace)
        .filter(case=case)
        .select_related("approval", "approval__decided_by", "extended_by", "created_by")
        .first()
    )
    closures = list(
        Closure.objects.in_workspace(workspace)
        .filter(case=case)
        .select_related("approval", "requested_by", "closed_by", "reopened_by", "best_interests")
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=FollowUpVisit.objects.across_workspaces().select_related("recorded_by"),
            )
        )
    )
    return {
        "assessments": assessments,
        "has_best_interests": any(a.kind == Assessment.Kind.BEST_INTERESTS for a in assessments),
        "reflection": ReflectionPeriod.objects.in_workspace(workspace).filter(case=case).first(),
        "plan": plan,
        "plan_clock": plan_clock(plan) if plan else None,
        "plan_services": list(_services(workspace).filter(plan=plan)) if plan else [],
        "closures": closures,
        "open_closure": next(
            (c for c in closures if c.status in ("requested", "closed", "follow_up")), None
        ),
    }


def access_assessment(*, user: User, workspace: Workspace, pk: int) -> Assessment:
    assessment = (
        Assessment.objects.in_workspace(workspace)
        .select_related("case", "case__organisation", "approval")
        .filter(pk=pk)
        .first()
    )
    if assessment is None or not can(user, "case.view", assessment.case):
        raise Http404
    action = (
        "case.best_interests"
        if assessment.kind == Assessment.Kind.BEST_INTERESTS
        else "case.assess"
    )
    if not can(user, action, assessment.case):
        raise PermissionDenied
    return assessment


def plan_of(*, case: Case) -> AssistancePlan:
    plan = (
        AssistancePlan.objects.in_workspace(case.workspace)
        .select_related("approval")
        .filter(case=case)
        .first()
    )
    if plan is None:
        raise Http404
    plan.case = case
    return plan


def access_plan_service(*, user: User, workspace: Workspace, pk: int, action: str) -> PlanService:
    service = (
        PlanService.objects.in_workspace(workspace)
        .select_related(
            "plan", "plan__approval", "plan__case", "plan__case__child", "service_type", "provider"
        )
        .filter(pk=pk)
        .first()
    )
    if service is None or not can(user, "case.service.view", service):
        raise Http404
    if not can(user, action, service):
        raise PermissionDenied
    return service


def access_closure(*, user: User, workspace: Workspace, pk: int) -> Closure:
    closure = (
        Closure.objects.in_workspace(workspace)
        .select_related("case", "case__organisation", "approval")
        .filter(pk=pk)
        .first()
    )
    if closure is None or not can(user, "case.view", closure.case):
        raise Http404
    if not can(user, "case.close", closure.case):
        raise PermissionDenied
    return closure


def access_follow_up_visit(*, user: User, workspace: Workspace, pk: int) -> FollowUpVisit:
    visit = (
        FollowUpVisit.objects.in_workspace(workspace)
        .select_related("closure", "closure__case", "closure__case__organisation")
        .filter(pk=pk)
        .first()
    )
    if visit is None or not can(user, "case.view", visit.closure.case):
        raise Http404
    if not can(user, "case.close", visit.closure.case):
        raise PermissionDenied
    return visit


# --- what a provider sees -----------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryView:
    """All a provider learns of a planned service: never the plan, the file or the names."""

    pk: int
    service_type: str
    starts_on: date
    ends_on: date
    description: str
    plan_approved: bool
    case_open: bool
    initials: str
    age_band: str
    languages: str
    case_organisation: str
    contact_name: str
    contact_email: str
    deliveries: list[ServiceDelivery] = field(default_factory=list)


def delivery_view(service: PlanService) -> DeliveryView:
    case = service.plan.case
    child = case.child
    return DeliveryView(
        pk=service.pk,
        service_type=str(service.service_type),
        starts_on=service.starts_on,
        ends_on=service.ends_on,
        description=service.description,
        plan_approved=service.plan.is_approved,
        case_open=case.stage in ("identification", "assistance", "social_inclusion"),
        initials=initials(child),
        age_band=age_band(child),
        languages=child.languages,
        case_organisation=case.organisation.name,
        contact_name=case.manager.get_full_name() or case.manager.get_username(),
        contact_email=case.manager.email,
        deliveries=list(service.deliveries.all()),
    )


def services_to_deliver(*, user: User, workspace: Workspace) -> QuerySet[PlanService]:
    """Planned services whose provider is one of the user's organisations, newest first."""
    org_ids = {g.organisation_id for g in grants(user) if g.role in REFERRAL_PROVIDER_ROLES}
    return (
        _services(workspace)
        .filter(provider_id__in=org_ids)
        .select_related(
            "plan",
            "plan__approval",
            "plan__case",
            "plan__case__organisation",
            "plan__case__manager",
            "plan__case__child",
        )
        .prefetch_related(
            Prefetch("plan__case__child__names", queryset=ChildName.objects.across_workspaces())
        )
        .order_by("-starts_on", "-pk")
    )


def providers_for(*, case: Case) -> QuerySet[Organisation]:
    """Who may provide a planned service: the directory's providers, and the case's own body."""
    return (
        Organisation.objects.filter(is_active=True)
        .filter(Q(provider_profile__isnull=False) | Q(pk=case.organisation_id))
        .select_related("region")
        .order_by("name")
    )
