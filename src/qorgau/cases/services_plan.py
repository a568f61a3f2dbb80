"""Writes of the individual assistance plan: goals, services, delivery, the clock.

The plan runs 6 months from its start and may be extended once, to 9, with a reason (the
limits are data: care_periods.yaml). A supervisor approves it; a changed plan is approved
again. Services are of the Social Code's types, each with a provider organisation; the
provider's own staff record what they delivered, under an approved plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Approval, Case
from qorgau.cases.models_care import AssistancePlan, PlanService, ServiceDelivery
from qorgau.cases.periods import periods, plan_end
from qorgau.cases.services import stale_error
from qorgau.cases.services_assessments import ask_approval, require_open
from qorgau.core.idempotency import save_or_replay
from qorgau.directory.models import ServiceType


def _pending(plan: AssistancePlan) -> bool:
    return plan.approval is not None and plan.approval.status == Approval.Status.REQUESTED


def _locked(case: Case, plan: AssistancePlan, version: int) -> AssistancePlan:
    current = (
        AssistancePlan.objects.in_workspace(case.workspace).select_for_update().get(pk=plan.pk)
    )
    if current.version != version:
        raise stale_error()
    return current


@transaction.atomic
def plan_create(*, actor: User, case: Case, goals: str, starts_on: date) -> AssistancePlan:
    """The case's plan; a second "create" (a double click) returns the first."""
    if not can(actor, "case.plan", case):
        raise PermissionDenied(_("You may not make the plan of this case."))
    existing = AssistancePlan.objects.in_workspace(case.workspace).filter(case=case).first()
    if existing is not None:
        return existing
    require_open(case)
    errors: dict[str, str] = {}
    if not goals.strip():
        errors["goals"] = _("Write down the goals of the plan.")
    if abs((starts_on - timezone.localdate()).days) > 366:
        errors["starts_on"] = _("The plan starts within a year of today.")
    if errors:
        raise ValidationError(errors)
    plan = AssistancePlan.objects.create(
        workspace=case.workspace,
        case=case,
        goals=goals.strip(),
        starts_on=starts_on,
        ends_on=plan_end(starts_on),
        data_version=periods().version,
        created_by=actor,
    )
    record(
        actor=actor,
        action="plan.create",
        target=plan,
        organisation=case.organisation,
        details={"case": case.pk, "ends_on": plan.ends_on.isoformat()},
    )
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: AssistancePlan, version: int, goals: str) -> AssistancePlan:
    """Change the goals on the version read; the changed plan goes back for approval."""
    case = plan.case
    if not can(actor, "case.plan", case):
        raise PermissionDenied(_("You may not change the plan of this case."))
    require_open(case)
    if not goals.strip():
        raise ValidationError({"goals": _("Write down the goals of the plan.")})
    current = _locked(case, plan, version)
    current.goals = goals.strip()
    current.approval = None
    current.version = F("version") + 1
    current.save()
    record(
        actor=actor,
        action="plan.update",
        target=current,
        organisation=case.organisation,
        details={"case": case.pk},
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def plan_submit(*, actor: User, plan: AssistancePlan, version: int) -> AssistancePlan:
    """Ask the supervisor to approve the plan as it stands (once per version)."""
    case = plan.case
    if not can(actor, "case.plan", case):
        raise PermissionDenied(_("You may not change the plan of this case."))
    require_open(case)
    current = _locked(case, plan, version)
    if _pending(current) or current.is_approved:
        return current
    if not PlanService.objects.in_workspace(case.workspace).filter(plan=current).exists():
        raise ValidationError(_("Add at least one service before asking for approval."))
    current.approval = ask_approval(actor=actor, case=case, subject=Approval.Subject.PLAN)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current


@transaction.atomic
def plan_extend(*, actor: User, plan: AssistancePlan, version: int, reason: str) -> AssistancePlan:
    """Extend the plan from 6 to 9 months, once, with a reason (proceedings, hospital)."""
    case = plan.case
    if not can(actor, "case.plan", case):
        raise PermissionDenied(_("You may not change the plan of this case."))
    require_open(case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan needs more time.")})
    current = _locked(case, plan, version)
    if current.is_extended or periods().plan_extensions_allowed < 1:
        raise ValidationError(
            {"reason": _("The plan has been extended already; it cannot be extended again.")},
            code="extended",
        )
    previous_end = current.ends_on
    current.ends_on = plan_end(current.starts_on, extended=True)
    current.extended_at = timezone.now()
    current.extended_by = actor
    current.extension_reason = reason.strip()
    current.version = F("version") + 1
    current.save()
    record(
        actor=actor,
        action="plan.extend",
        target=current,
        organisation=case.organisation,
        details={
            "case": case.pk,
            "from": previous_end.isoformat(),
            "to": current.ends_on.isoformat(),
            "reason": current.extension_reason,
        },
    )
    current.refresh_from_db()
    return current


@dataclass
class ServiceInput:
    service_type: ServiceType
    provider: Organisation
    starts_on: date
    ends_on: date
    description: str = ""


def _service_with_key(case: Case, idempotency_key: uuid.UUID) -> PlanService | None:
    return (
        PlanService.objects.in_workspace(case.workspace)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _repeated_service(existing: PlanService, plan: AssistancePlan) -> PlanService:
    if existing.plan_id != plan.pk:
        raise PermissionDenied(_("This service belongs to another plan."))
    return existing


@transaction.atomic
def plan_service_add(
    *,
    actor: User,
    plan: AssistancePlan,
    version: int,
    idempotency_key: uuid.UUID,
    data: ServiceInput,
) -> PlanService:
    """Add a service to the plan; the changed plan goes back for approval."""
    case = plan.case
    existing = _service_with_key(case, idempotency_key)
    if existing is not None:
        return _repeated_service(existing, plan)
    if not can(actor, "case.plan", case):
        raise PermissionDenied(_("You may not change the plan of this case."))
    require_open(case)
    current = _locked(case, plan, version)
    errors: dict[str, str] = {}
    if not data.service_type.social_code:
        errors["service_type"] = _("Choose one of the Social Code's special social services.")
    if not data.provider.is_active:
        errors["provider"] = _("This organisation is no longer active.")
    if data.ends_on < data.starts_on:
        errors["ends_on"] = _("A service cannot end before it starts.")
    if data.starts_on < current.starts_on or data.ends_on > current.ends_on:
        errors["ends_on"] = _("A service runs within the plan's dates (%(start)s – %(end)s).") % {
            "start": current.starts_on.isoformat(),
            "end": current.ends_on.isoformat(),
        }
    if errors:
        raise ValidationError(errors)
    service = PlanService(
        workspace=case.workspace,
        idempotency_key=idempotency_key,
        plan=current,
        service_type=data.service_type,
        provider=data.provider,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        description=data.description.strip()[:500],
        added_by=actor,
    )
    service.validate(exclude=["workspace", "plan", "added_by", "service_type", "provider"])
    existing = save_or_replay(service, lambda: _service_with_key(case, idempotency_key))
    if existing is not None:
        return _repeated_service(existing, plan)
    AssistancePlan.objects.in_workspace(case.workspace).filter(pk=current.pk).update(
        approval=None, version=F("version") + 1, updated_at=timezone.now()
    )
    record(
        actor=actor,
        action="plan.service_add",
        target=service,
        organisation=case.organisation,
        details={
            "case": case.pk,
            "service_type": data.service_type.key,
            "provider": data.provider.pk,
        },
    )
    return service


def _delivery_with_key(service: PlanService, idempotency_key: uuid.UUID) -> ServiceDelivery | None:
    return (
        ServiceDelivery.objects.in_workspace(service.workspace)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _repeated_delivery(existing: ServiceDelivery, service: PlanService) -> ServiceDelivery:
    if existing.service_id != service.pk:
        raise PermissionDenied(_("This record belongs to another service."))
    return existing


@transaction.atomic
def service_deliver(
    *,
    actor: User,
    service: PlanService,
    idempotency_key: uuid.UUID,
    delivered_on: date,
    note: str,
) -> ServiceDelivery:
    """The provider's own staff record a service delivered, under the approved plan."""
    workspace = service.workspace
    existing = _delivery_with_key(service, idempotency_key)
    if existing is not None:
        return _repeated_delivery(existing, service)
    if not can(actor, "case.service.deliver", service):
        raise PermissionDenied(_("Only the provider's staff record what they delivered."))
    plan = service.plan
    require_open(plan.case)
    errors: dict[str, str] = {}
    if not plan.is_approved:
        errors["__all__"] = _("The plan is not approved yet; wait for the supervisor.")
    if delivered_on > timezone.localdate():
        errors["delivered_on"] = _("A service cannot be delivered in the future.")
    elif not service.starts_on <= delivered_on <= service.ends_on:
        errors["delivered_on"] = _("The date is outside the service's dates.")
    if not note.strip():
        errors["note"] = _("Say what was done.")
    if errors:
        raise ValidationError(errors)
    delivery = ServiceDelivery(
        workspace=workspace,
        idempotency_key=idempotency_key,
        service=service,
        delivered_on=delivered_on,
        note=note.strip()[:500],
        recorded_by=actor,
        organisation=service.provider,
    )
    existing = save_or_replay(delivery, lambda: _delivery_with_key(service, idempotency_key))
    if existing is not None:
        return _repeated_delivery(existing, service)
    record(
        actor=actor,
        action="plan.service_deliver",
        target=delivery,
        organisation=service.provider,
        details={"case": plan.case_id, "service": service.pk},
    )
    return delivery
