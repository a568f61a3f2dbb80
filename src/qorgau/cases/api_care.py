"""The case-care API under /api/cases/: assessments, plan, services delivered, closure,
follow-up and reopening. The same services and rules as the pages; errors in the one shape.
"""

# No `from __future__ import annotations`: django-ninja must see real types.

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from qorgau.accounts.models import Organisation
from qorgau.accounts.permissions import can
from qorgau.cases import selectors, selectors_care, services
from qorgau.cases import services_assessments as assessments
from qorgau.cases import services_closure as closures
from qorgau.cases import services_plan as plans
from qorgau.cases.models import Case
from qorgau.cases.models_care import Assessment, Closure, PlanService, ServiceDelivery
from qorgau.cases.schemas_care import (
    AssessmentEditIn,
    AssessmentIn,
    AssessmentOut,
    CareOut,
    ClosureIn,
    ClosureOut,
    DecisionIn,
    DecisionOut,
    DeliveryIn,
    DeliveryOut,
    ExtendIn,
    FinishIn,
    PlanGoalsIn,
    PlanIn,
    PlanOut,
    PlanServiceIn,
    PlanServiceOut,
    ReflectionIn,
    ReopenIn,
    ServiceToDeliverPage,
    VersionIn,
    VisitIn,
)
from qorgau.core.http import api_user, api_workspace, page_window
from qorgau.directory.models import ServiceType

router = Router(tags=["case care"])


def _case(request: HttpRequest, case_id: int, action: str) -> Case:
    return selectors.access_case(
        user=api_user(request), workspace=api_workspace(request), pk=case_id, action=action
    )


def _approval_status(obj: Any) -> str | None:
    return obj.approval.status if obj.approval is not None else None


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "assessed_on": a.assessed_on,
        "findings": a.findings,
        "recommendations": a.recommendations,
        "safety_risk": a.safety_risk,
        "retrafficking_risk": a.retrafficking_risk,
        "family_risk": a.family_risk,
        "outcome": a.outcome,
        "family_assessed": a.family_assessed,
        "child_views": a.child_views,
        "assessed_by": a.assessed_by.get_username(),
        "approval_id": a.approval_id,
        "approval_status": _approval_status(a),
        "version": a.version,
    }


def _delivery(d: ServiceDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "delivered_on": d.delivered_on,
        "note": d.note,
        "organisation": d.organisation.name,
    }


def _service(s: PlanService, prefetched: bool = True) -> dict[str, Any]:
    return {
        "id": s.pk,
        "service_type": s.service_type.key,
        "provider_id": s.provider_id,
        "provider": s.provider.name,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "description": s.description,
        "deliveries": [_delivery(d) for d in s.deliveries.all()] if prefetched else [],
    }


def _closure(c: Closure) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reason": c.reason,
        "status": c.status,
        "follow_up_months": c.follow_up_months,
        "best_interests_id": c.best_interests_id,
        "approval_id": c.approval_id,
        "approval_status": _approval_status(c),
        "closed_on": c.closed_on,
        "reopened_at": c.reopened_at,
        "reopen_reason": c.reopen_reason,
        "visits": [
            {
                "id": v.pk,
                "due_on": v.due_on,
                "status": v.status,
                "visited_on": v.visited_on,
                "note": v.note,
            }
            for v in c.visits.all()
        ],
    }


def _care(case: Case) -> dict[str, Any]:
    case.refresh_from_db(fields=["stage", "version"])
    page = selectors_care.care_page(case=case)
    plan, clock, reflection = page["plan"], page["plan_clock"], page["reflection"]
    return {
        "case_id": case.pk,
        "stage": case.stage,
        "case_version": case.version,
        "assessments": [_assessment(a) for a in page["assessments"]],
        "reflection": {
            "starts_on": reflection.starts_on,
            "ends_on": reflection.ends_on,
            "days": reflection.days,
            "days_left": reflection.days_left(),
        }
        if reflection
        else None,
        "plan": {
            "goals": plan.goals,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "days_left": clock.days_left,
            "overdue": clock.overdue,
            "extended": clock.extended,
            "extension_reason": plan.extension_reason,
            "approval_id": plan.approval_id,
            "approval_status": _approval_status(plan),
            "version": plan.version,
            "services": [_service(s) for s in page["plan_services"]],
        }
        if plan
        else None,
        "closures": [_closure(c) for c in page["closures"]],
    }


@router.get("/{case_id}/care", response=CareOut)
def care(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The child's care on a case: assessments, reflection period, plan (with its clock),
    services and their delivery, closures with their follow-up visits."""
    return _care(_case(request, case_id, "case.view"))


# --- assessments --------------------------------------------------------------------------
def _input(payload: Any, kind: str) -> assessments.AssessmentInput:
    return assessments.AssessmentInput(
        kind=kind,
        assessed_on=payload.assessed_on,
        findings=payload.findings,
        recommendations=payload.recommendations,
        safety_risk=payload.safety_risk,
        retrafficking_risk=payload.retrafficking_risk,
        family_risk=payload.family_risk,
        outcome=payload.outcome,
        family_assessed=payload.family_assessed,
        child_views=payload.child_views,
    )


@router.post("/{case_id}/assessments", response={201: AssessmentOut})
def assessment_record(
    request: HttpRequest, case_id: int, payload: AssessmentIn
) -> tuple[int, dict[str, Any]]:
    """Record a risk (safety, re-trafficking, family) or needs assessment, or a best-interests
    determination. A risk assessment goes to the supervisor. The same key returns the same."""
    case = _case(request, case_id, "case.view")
    assessment = assessments.assessment_record(
        actor=api_user(request),
        case=case,
        idempotency_key=payload.idempotency_key,
        data=_input(payload, payload.kind),
    )
    return 201, _assessment(assessment)


@router.put("/assessments/{assessment_id}", response=AssessmentOut)
def assessment_update(
    request: HttpRequest, assessment_id: int, payload: AssessmentEditIn
) -> dict[str, Any]:
    """Change an assessment; send the version you read (a stale version is refused)."""
    assessment = selectors_care.access_assessment(
        user=api_user(request), workspace=api_workspace(request), pk=assessment_id
    )
    updated = assessments.assessment_update(
        actor=api_user(request),
        assessment=assessment,
        version=payload.version,
        data=_input(payload, assessment.kind),
    )
    return _assessment(updated)


@router.post("/{case_id}/reflection", response=CareOut)
def reflection_start(request: HttpRequest, case_id: int, payload: ReflectionIn) -> dict[str, Any]:
    """Start the reflection and recovery period; its length comes from the reference data."""
    case = _case(request, case_id, "case.assess")
    assessments.reflection_start(actor=api_user(request), case=case, starts_on=payload.starts_on)
    return _care(case)


# --- the plan -----------------------------------------------------------------------------
@router.post("/{case_id}/plan", response={201: CareOut})
def plan_create(request: HttpRequest, case_id: int, payload: PlanIn) -> tuple[int, dict[str, Any]]:
    """Make the plan (6 months from its start). Made twice, the first is returned."""
    case = _case(request, case_id, "case.plan")
    plans.plan_create(
        actor=api_user(request), case=case, goals=payload.goals, starts_on=payload.starts_on
    )
    return 201, _care(case)


@router.put("/{case_id}/plan", response=PlanOut)
def plan_update(request: HttpRequest, case_id: int, payload: PlanGoalsIn) -> dict[str, Any]:
    case = _case(request, case_id, "case.plan")
    plans.plan_update(
        actor=api_user(request),
        plan=selectors_care.plan_of(case=case),
        version=payload.version,
        goals=payload.goals,
    )
    plan_body: dict[str, Any] = _care(case)["plan"]
    return plan_body


@router.post("/{case_id}/plan/submit", response=PlanOut)
def plan_submit(request: HttpRequest, case_id: int, payload: VersionIn) -> dict[str, Any]:
    """Ask the supervisor to approve the plan as it stands."""
    case = _case(request, case_id, "case.plan")
    plans.plan_submit(
        actor=api_user(request), plan=selectors_care.plan_of(case=case), version=payload.version
    )
    plan_body: dict[str, Any] = _care(case)["plan"]
    return plan_body


@router.post("/{case_id}/plan/extend", response=PlanOut)
def plan_extend(request: HttpRequest, case_id: int, payload: ExtendIn) -> dict[str, Any]:
    """Extend the plan from 6 to 9 months, once, with a reason."""
    case = _case(request, case_id, "case.plan")
    plans.plan_extend(
        actor=api_user(request),
        plan=selectors_care.plan_of(case=case),
        version=payload.version,
        reason=payload.reason,
    )
    plan_body: dict[str, Any] = _care(case)["plan"]
    return plan_body


@router.post("/{case_id}/plan/services", response={201: PlanServiceOut})
def plan_service_add(
    request: HttpRequest, case_id: int, payload: PlanServiceIn
) -> tuple[int, dict[str, Any]]:
    """Add a service of the Social Code's types with its provider organisation and dates."""
    case = _case(request, case_id, "case.plan")
    service_type = ServiceType.objects.filter(key=payload.service_type).first()
    provider = selectors_care.providers_for(case=case).filter(pk=payload.provider_id).first()
    errors: dict[str, str] = {}
    if service_type is None:
        errors["service_type"] = _("Choose one of the Social Code's special social services.")
    if provider is None:
        errors["provider_id"] = _("Choose a provider from the service directory.")
    if errors:
        raise ValidationError(errors)
    assert service_type is not None and isinstance(provider, Organisation)
    service = plans.plan_service_add(
        actor=api_user(request),
        plan=selectors_care.plan_of(case=case),
        version=payload.version,
        idempotency_key=payload.idempotency_key,
        data=plans.ServiceInput(
            service_type=service_type,
            provider=provider,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            description=payload.description,
        ),
    )
    return 201, _service(service, prefetched=False)


# --- services delivered -------------------------------------------------------------------
@router.get("/services/to-deliver", response=ServiceToDeliverPage)
def services_to_deliver(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Planned services provided by the caller's organisations: the minimum about the child."""
    user = api_user(request)
    if not can(user, "case.service.inbox"):
        raise PermissionDenied
    rows = selectors_care.services_to_deliver(user=user, workspace=api_workspace(request))
    start, stop = page_window(limit, offset)
    items = []
    for service in rows[start:stop]:
        view = selectors_care.delivery_view(service)
        items.append(
            {
                **{k: v for k, v in vars(view).items() if k not in ("pk", "deliveries")},
                "id": view.pk,
                "deliveries": [_delivery(d) for d in view.deliveries],
            }
        )
    return {"items": items, "count": rows.count()}


@router.post("/services/{service_id}/deliveries", response={201: DeliveryOut})
def service_deliver(
    request: HttpRequest, service_id: int, payload: DeliveryIn
) -> tuple[int, dict[str, Any]]:
    """The provider's staff record a service delivered. The same key records once."""
    user = api_user(request)
    service = selectors_care.access_plan_service(
        user=user, workspace=api_workspace(request), pk=service_id, action="case.service.deliver"
    )
    delivery = plans.service_deliver(
        actor=user,
        service=service,
        idempotency_key=payload.idempotency_key,
        delivered_on=payload.delivered_on,
        note=payload.note,
    )
    return 201, _delivery(delivery)


# --- closure, follow-up, reopening --------------------------------------------------------
def _closure_out(closure: Closure) -> dict[str, Any]:
    found = next(
        c for c in selectors_care.care_page(case=closure.case)["closures"] if c.pk == closure.pk
    )
    return _closure(found)


@router.post("/{case_id}/closure", response=ClosureOut)
def closure_request(request: HttpRequest, case_id: int, payload: ClosureIn) -> dict[str, Any]:
    """Ask to close the case: a reason, the follow-up months; a best-interests determination
    must exist. The supervisor approves through the case's approvals."""
    case = _case(request, case_id, "case.close")
    closure = closures.closure_request(
        actor=api_user(request),
        case=case,
        reason=payload.reason,
        follow_up_months=payload.follow_up_months,
        note=payload.note,
    )
    return _closure_out(closure)


def _access_closure(request: HttpRequest, closure_id: int) -> Closure:
    return selectors_care.access_closure(
        user=api_user(request), workspace=api_workspace(request), pk=closure_id
    )


@router.post("/closures/{closure_id}/close", response=ClosureOut)
def case_close(request: HttpRequest, closure_id: int, payload: VersionIn) -> dict[str, Any]:
    """Close the case once approved (send the case's version); schedules the follow-up."""
    closure = closures.case_close(
        actor=api_user(request),
        closure=_access_closure(request, closure_id),
        version=payload.version,
    )
    return _closure_out(closure)


@router.post("/closures/{closure_id}/follow-up", response=ClosureOut)
def follow_up_start(request: HttpRequest, closure_id: int, payload: VersionIn) -> dict[str, Any]:
    closure = closures.follow_up_start(
        actor=api_user(request),
        closure=_access_closure(request, closure_id),
        version=payload.version,
    )
    return _closure_out(closure)


@router.post("/closures/{closure_id}/finish", response=ClosureOut)
def follow_up_finish(request: HttpRequest, closure_id: int, payload: FinishIn) -> dict[str, Any]:
    closure = closures.follow_up_finish(
        actor=api_user(request),
        closure=_access_closure(request, closure_id),
        version=payload.version,
        note=payload.note,
    )
    return _closure_out(closure)


@router.post("/visits/{visit_id}", response=ClosureOut)
def visit_record(request: HttpRequest, visit_id: int, payload: VisitIn) -> dict[str, Any]:
    """Record a follow-up visit, or that it could not take place."""
    visit = selectors_care.access_follow_up_visit(
        user=api_user(request), workspace=api_workspace(request), pk=visit_id
    )
    closures.follow_up_record(
        actor=api_user(request),
        visit=visit,
        visited_on=payload.visited_on,
        note=payload.note,
        took_place=payload.took_place,
    )
    return _closure_out(visit.closure)


@router.post("/{case_id}/reopen", response=CareOut)
def case_reopen(request: HttpRequest, case_id: int, payload: ReopenIn) -> dict[str, Any]:
    """Reopen a closed case into assistance, with a reason; its history stays."""
    case = _case(request, case_id, "case.close")
    closures.case_reopen(
        actor=api_user(request), case=case, version=payload.version, reason=payload.reason
    )
    return _care(case)


# --- supervisor approval ------------------------------------------------------------------
@router.post("/approvals/{approval_id}/decision", response=DecisionOut)
def approval_decide(request: HttpRequest, approval_id: int, payload: DecisionIn) -> dict[str, Any]:
    """A supervisor of the case's organisation approves a risk assessment, plan or closure,
    or returns it with a note saying what needs to change."""
    user = api_user(request)
    approval = selectors.access_approval(
        user=user, workspace=api_workspace(request), pk=approval_id
    )
    decided = services.approval_decide(
        actor=user, approval=approval, approve=payload.approve, note=payload.note
    )
    return {
        "id": decided.pk,
        "subject": decided.subject,
        "status": decided.status,
        "note": decided.note,
    }
