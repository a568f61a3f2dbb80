"""Writes of closing a case, its follow-up, and reopening it.

A case closes through its closure: a reason, a best-interests determination, and a
supervisor's approval; returning a child to the family also needs an approved risk
assessment and a determination that assessed the family. Closing schedules the follow-up
visits (6 to 12 months, from data); the follow-up stage is started, visits recorded, and the
follow-up finished. A closed case can be reopened with a reason; every stage change is kept.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Approval, Case, Stage
from qorgau.cases.models_care import (
    Assessment,
    BestInterestsOutcome,
    Closure,
    ClosureReason,
    FollowUpVisit,
)
from qorgau.cases.periods import follow_up_dates, periods
from qorgau.cases.services import stage_move
from qorgau.cases.services_assessments import ask_approval, require_open

OPEN_CLOSURE = (Closure.Status.REQUESTED, Closure.Status.CLOSED, Closure.Status.FOLLOW_UP)


def _latest_best_interests(case: Case) -> Assessment | None:
    return (
        Assessment.objects.in_workspace(case.workspace)
        .filter(case=case, kind=Assessment.Kind.BEST_INTERESTS)
        .order_by("-assessed_on", "-pk")
        .first()
    )


def _approved_risk_assessment(case: Case) -> bool:
    return (
        Assessment.objects.in_workspace(case.workspace)
        .filter(
            case=case,
            kind=Assessment.Kind.RISK,
            approval__status=Approval.Status.APPROVED,
        )
        .exists()
    )


def open_closure(case: Case) -> Closure | None:
    return (
        Closure.objects.in_workspace(case.workspace)
        .filter(case=case, status__in=OPEN_CLOSURE)
        .select_related("approval", "best_interests")
        .first()
    )


@transaction.atomic
def closure_request(
    *, actor: User, case: Case, reason: str, follow_up_months: int, note: str = ""
) -> Closure:
    """Ask to close the case; a request already waiting (a double click) is returned."""
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not close this case."))
    existing = open_closure(case)
    returned = (
        existing is not None
        and existing.approval is not None
        and (
            existing.status == Closure.Status.REQUESTED
            and existing.approval.status == Approval.Status.REJECTED
        )
    )
    if existing is not None and not returned:
        return existing
    require_open(case)
    limits = periods()
    best = _latest_best_interests(case)
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = _("Choose why the case is closed.")
    if reason == ClosureReason.OTHER and not note.strip():
        errors["note"] = _("Say why the case is closed.")
    if not limits.follow_up_min_months <= follow_up_months <= limits.follow_up_max_months:
        errors["follow_up_months"] = _("Follow-up lasts from %(low)d to %(high)d months.") % {
            "low": limits.follow_up_min_months,
            "high": limits.follow_up_max_months,
        }
    if best is None:
        errors["__all__"] = _("A best-interests determination is needed before a case is closed.")
    elif reason == ClosureReason.REINTEGRATED:
        if best.outcome != BestInterestsOutcome.RETURN_TO_FAMILY or not best.family_assessed:
            errors["reason"] = _(
                "Returning the child to the family needs a best-interests determination "
                "that assessed the family and decided on the return."
            )
        elif not _approved_risk_assessment(case):
            errors["reason"] = _(
                "Returning the child to the family needs an approved risk assessment."
            )
    if errors:
        raise ValidationError(errors)
    assert best is not None
    closure = existing if returned and existing is not None else Closure(workspace=case.workspace)
    closure.case = case
    closure.reason = reason
    closure.note = note.strip()
    closure.follow_up_months = follow_up_months
    closure.best_interests = best
    closure.requested_by = actor
    closure.save()
    closure.approval = ask_approval(actor=actor, case=case, subject=Approval.Subject.CLOSURE)
    closure.save(update_fields=["approval"])
    record(
        actor=actor,
        action="closure.request",
        target=closure,
        organisation=case.organisation,
        details={"case": case.pk, "reason": reason, "best_interests": best.pk},
    )
    return closure


@transaction.atomic
def case_close(*, actor: User, closure: Closure, version: int) -> Closure:
    """Close the case once the supervisor approved, and schedule the follow-up visits."""
    case = closure.case
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not close this case."))
    closure = Closure.objects.in_workspace(case.workspace).select_for_update().get(pk=closure.pk)
    if closure.status != Closure.Status.REQUESTED:
        return closure
    if not closure.is_approved:
        raise ValidationError(_("The supervisor has not approved the closure yet."))
    today = timezone.localdate()
    stage_move(
        actor=actor,
        case=case,
        version=version,
        to_stage=Stage.CLOSED,
        note=str(closure.get_reason_display()),
    )
    closure.status = Closure.Status.CLOSED
    closure.closed_on = today
    closure.closed_by = actor
    closure.save(update_fields=["status", "closed_on", "closed_by", "updated_at"])
    visits = FollowUpVisit.objects.bulk_create(
        FollowUpVisit(workspace=case.workspace, closure=closure, due_on=due)
        for due in follow_up_dates(today, closure.follow_up_months)
    )
    record(
        actor=actor,
        action="case.close",
        target=closure,
        organisation=case.organisation,
        details={
            "case": case.pk,
            "reason": closure.reason,
            "follow_up": [visit.due_on.isoformat() for visit in visits],
        },
    )
    return closure


@transaction.atomic
def follow_up_start(*, actor: User, closure: Closure, version: int) -> Closure:
    case = closure.case
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not change this case."))
    if closure.status == Closure.Status.FOLLOW_UP:
        return closure
    if closure.status != Closure.Status.CLOSED:
        raise ValidationError(_("Follow-up starts after the case is closed."))
    stage_move(actor=actor, case=case, version=version, to_stage=Stage.FOLLOW_UP)
    closure.status = Closure.Status.FOLLOW_UP
    closure.save(update_fields=["status", "updated_at"])
    return closure


@transaction.atomic
def follow_up_record(
    *, actor: User, visit: FollowUpVisit, visited_on: date, note: str, took_place: bool = True
) -> FollowUpVisit:
    """Record a follow-up visit (or that it could not take place); recorded once."""
    closure = visit.closure
    case = closure.case
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not record follow-up on this case."))
    visit = FollowUpVisit.objects.in_workspace(case.workspace).select_for_update().get(pk=visit.pk)
    if visit.status != FollowUpVisit.Status.PLANNED:
        return visit
    errors: dict[str, str] = {}
    if closure.status not in (Closure.Status.CLOSED, Closure.Status.FOLLOW_UP):
        errors["__all__"] = _("The follow-up of this case is over.")
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit cannot be recorded in the future.")
    elif closure.closed_on and visited_on < closure.closed_on:
        errors["visited_on"] = _("A follow-up visit comes after the closure.")
    if not note.strip():
        errors["note"] = _("Write down what the visit found.")
    if errors:
        raise ValidationError(errors)
    visit.status = FollowUpVisit.Status.DONE if took_place else FollowUpVisit.Status.MISSED
    visit.visited_on = visited_on
    visit.note = note.strip()
    visit.recorded_by = actor
    visit.save(update_fields=["status", "visited_on", "note", "recorded_by", "updated_at"])
    record(
        actor=actor,
        action="follow_up.record",
        target=visit,
        organisation=case.organisation,
        details={"case": case.pk, "status": visit.status},
    )
    return visit


@transaction.atomic
def follow_up_finish(*, actor: User, closure: Closure, version: int, note: str = "") -> Closure:
    """End the follow-up: the case is closed for good; visits still planned are cancelled."""
    case = closure.case
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not change this case."))
    if closure.status == Closure.Status.FINISHED:
        return closure
    if closure.status != Closure.Status.FOLLOW_UP:
        raise ValidationError(_("Start the follow-up before finishing it."))
    stage_move(actor=actor, case=case, version=version, to_stage=Stage.CLOSED, note=note)
    FollowUpVisit.objects.in_workspace(case.workspace).filter(
        closure=closure, status=FollowUpVisit.Status.PLANNED
    ).update(status=FollowUpVisit.Status.CANCELLED, updated_at=timezone.now())
    closure.status = Closure.Status.FINISHED
    closure.finished_on = timezone.localdate()
    closure.save(update_fields=["status", "finished_on", "updated_at"])
    record(
        actor=actor,
        action="follow_up.finish",
        target=closure,
        organisation=case.organisation,
        details={"case": case.pk},
    )
    return closure


@transaction.atomic
def case_reopen(*, actor: User, case: Case, version: int, reason: str) -> Case:
    """Reopen a closed case into assistance, with a reason; the history stays."""
    if not can(actor, "case.close", case):
        raise PermissionDenied(_("You may not reopen this case."))
    if case.stage not in (Stage.CLOSED, Stage.FOLLOW_UP):
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    closures = Closure.objects.in_workspace(case.workspace).filter(
        case=case, status__in=(*OPEN_CLOSURE, Closure.Status.FINISHED)
    )
    case = stage_move(
        actor=actor, case=case, version=version, to_stage=Stage.ASSISTANCE, note=reason
    )
    for closure in closures:
        FollowUpVisit.objects.in_workspace(case.workspace).filter(
            closure=closure, status=FollowUpVisit.Status.PLANNED
        ).update(status=FollowUpVisit.Status.CANCELLED, updated_at=timezone.now())
        closure.status = Closure.Status.REOPENED
        closure.reopened_at = timezone.now()
        closure.reopened_by = actor
        closure.reopen_reason = reason.strip()
        closure.save(
            update_fields=["status", "reopened_at", "reopened_by", "reopen_reason", "updated_at"]
        )
    record(
        actor=actor,
        action="case.reopen",
        target=case,
        organisation=case.organisation,
        details={"reason": reason.strip()},
    )
    return case
