"""Writes of a case's assessments and its reflection and recovery period.

Risk assessment (safety, re-trafficking, family), needs assessment and best-interests
determination; a risk assessment goes to a supervisor for approval. Edits carry the version
the user read (optimistic locking); a save over a newer one is refused. Creating carries a
client-made key, so a double click records one assessment.
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

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Approval, Case
from qorgau.cases.models_care import Assessment, BestInterestsOutcome, ReflectionPeriod, RiskLevel
from qorgau.cases.periods import periods, reflection_end
from qorgau.cases.services import stale_error
from qorgau.core.idempotency import save_or_replay

OPEN_STAGES = ("identification", "assistance", "social_inclusion")


@dataclass
class AssessmentInput:
    kind: str
    assessed_on: date
    findings: str
    recommendations: str = ""
    safety_risk: str = ""
    retrafficking_risk: str = ""
    family_risk: str = ""
    outcome: str = ""
    family_assessed: bool = False
    child_views: str = ""


def require_open(case: Case) -> None:
    if case.stage not in OPEN_STAGES:
        raise ValidationError(_("The case is closed; reopen it first."), code="closed")


def ask_approval(*, actor: User, case: Case, subject: str, note: str = "") -> Approval:
    """A new approval request for one record (an assessment, the plan, a closure)."""
    approval = Approval.objects.create(
        workspace=case.workspace,
        case=case,
        subject=subject,
        requested_by=actor,
        note=note.strip()[:500],
    )
    record(
        actor=actor,
        action="case.approval_request",
        target=case,
        organisation=case.organisation,
        details={"subject": subject, "approval": approval.pk},
    )
    return approval


def _pending(approval: Approval | None) -> bool:
    return approval is not None and approval.status == Approval.Status.REQUESTED


def _may_assess(actor: User, case: Case, kind: str) -> bool:
    if kind == Assessment.Kind.BEST_INTERESTS:
        return can(actor, "case.best_interests", case)
    return can(actor, "case.assess", case)


def _check(data: AssessmentInput) -> None:
    errors: dict[str, str] = {}
    if data.kind not in Assessment.Kind.values:
        errors["kind"] = _("Choose the kind of assessment.")
    if data.assessed_on > timezone.localdate():
        errors["assessed_on"] = _("An assessment cannot be dated in the future.")
    if not data.findings.strip():
        errors["findings"] = _("Write down what the assessment found.")
    if data.kind == Assessment.Kind.RISK:
        for name in ("safety_risk", "retrafficking_risk", "family_risk"):
            if getattr(data, name) not in RiskLevel.values:
                errors[name] = _("Rate this risk: low, medium or high.")
    if data.kind == Assessment.Kind.BEST_INTERESTS:
        if data.outcome not in BestInterestsOutcome.values:
            errors["outcome"] = _("Choose the decision taken in the child's best interests.")
        if data.outcome == BestInterestsOutcome.RETURN_TO_FAMILY and not data.family_assessed:
            errors["family_assessed"] = _(
                "A child returns to the family only after the family has been assessed."
            )
        if not data.child_views.strip():
            errors["child_views"] = _("Record the child's own views: they are heard first.")
    if errors:
        raise ValidationError(errors)


def _apply(assessment: Assessment, data: AssessmentInput) -> None:
    risk = data.kind == Assessment.Kind.RISK
    best = data.kind == Assessment.Kind.BEST_INTERESTS
    assessment.assessed_on = data.assessed_on
    assessment.findings = data.findings.strip()
    assessment.recommendations = data.recommendations.strip()
    assessment.safety_risk = data.safety_risk if risk else ""
    assessment.retrafficking_risk = data.retrafficking_risk if risk else ""
    assessment.family_risk = data.family_risk if risk else ""
    assessment.outcome = data.outcome if best else ""
    assessment.family_assessed = data.family_assessed if best else False
    assessment.child_views = data.child_views.strip()


def _assessment_with_key(case: Case, idempotency_key: uuid.UUID) -> Assessment | None:
    return (
        Assessment.objects.in_workspace(case.workspace)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _repeated_assessment(existing: Assessment, case: Case) -> Assessment:
    if existing.case_id != case.pk:
        raise PermissionDenied(_("This assessment belongs to another case."))
    return existing


@transaction.atomic
def assessment_record(
    *, actor: User, case: Case, idempotency_key: uuid.UUID, data: AssessmentInput
) -> Assessment:
    """Record an assessment; a risk assessment is sent to the supervisor for approval."""
    existing = _assessment_with_key(case, idempotency_key)
    if existing is not None:
        return _repeated_assessment(existing, case)
    if not _may_assess(actor, case, data.kind):
        raise PermissionDenied(_("You may not record this assessment on this case."))
    require_open(case)
    _check(data)
    assessment = Assessment(
        workspace=case.workspace,
        idempotency_key=idempotency_key,
        case=case,
        kind=data.kind,
        assessed_by=actor,
    )
    _apply(assessment, data)
    assessment.validate(exclude=["workspace", "case", "assessed_by", "approval"])
    existing = save_or_replay(assessment, lambda: _assessment_with_key(case, idempotency_key))
    if existing is not None:
        return _repeated_assessment(existing, case)
    if data.kind == Assessment.Kind.RISK:
        assessment.approval = ask_approval(
            actor=actor, case=case, subject=Approval.Subject.RISK_ASSESSMENT
        )
        assessment.save(update_fields=["approval"])
    record(
        actor=actor,
        action="assessment.record",
        target=assessment,
        organisation=case.organisation,
        details={"case": case.pk, "kind": data.kind},
    )
    return assessment


@transaction.atomic
def assessment_update(
    *, actor: User, assessment: Assessment, version: int, data: AssessmentInput
) -> Assessment:
    """Save an edit made on the version read; a changed risk assessment is approved again."""
    case = assessment.case
    if not _may_assess(actor, case, assessment.kind):
        raise PermissionDenied(_("You may not change this assessment."))
    require_open(case)
    data.kind = assessment.kind
    _check(data)
    current = (
        Assessment.objects.in_workspace(case.workspace).select_for_update().get(pk=assessment.pk)
    )
    if current.version != version:
        raise stale_error()
    _apply(current, data)
    current.version = F("version") + 1
    if current.kind == Assessment.Kind.RISK and not _pending(current.approval):
        current.approval = ask_approval(
            actor=actor, case=case, subject=Approval.Subject.RISK_ASSESSMENT
        )
    current.save()
    record(
        actor=actor,
        action="assessment.update",
        target=current,
        organisation=case.organisation,
        details={"case": case.pk, "kind": current.kind, "version": version + 1},
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def reflection_start(*, actor: User, case: Case, starts_on: date) -> ReflectionPeriod:
    """Start the reflection and recovery period; its length is data. Once per case."""
    if not can(actor, "case.assess", case):
        raise PermissionDenied(_("You may not record this on this case."))
    existing = ReflectionPeriod.objects.in_workspace(case.workspace).filter(case=case).first()
    if existing is not None:
        return existing
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("The period cannot start in the future.")})
    limits = periods()
    period = ReflectionPeriod.objects.create(
        workspace=case.workspace,
        case=case,
        starts_on=starts_on,
        ends_on=reflection_end(starts_on),
        days=limits.reflection_days,
        data_version=limits.version,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="reflection.start",
        target=period,
        organisation=case.organisation,
        details={"case": case.pk, "ends_on": period.ends_on.isoformat()},
    )
    return period
