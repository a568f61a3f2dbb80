"""Reminders of a child's care (ADR 0022): the daily write, and the read of the reminders page.

Three thresholds, each told once per visit or plan:
- a follow-up visit still planned after its due date (the case closed or in follow-up):
  the case manager and the organisation's supervisors;
- an open case's plan whose last day is ``plan_ending_days`` away or nearer (data,
  care_periods.yaml): the case manager;
- an open case's plan past its last day, neither extended nor closed: the case manager and
  the supervisors.
Closing or reopening a case, recording or cancelling a visit, or extending the plan stops what
no longer holds: nothing new is written for it, and the page no longer lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import CASE_LEAD_ROLES, can, organisation_ids_of
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.cases.models import Stage
from qorgau.cases.models_care import AssistancePlan, Closure, FollowUpVisit
from qorgau.cases.periods import periods
from qorgau.cases.reminder_models import SUPERVISOR_KINDS, CareReminder
from qorgau.cases.services_assessments import OPEN_STAGES
from qorgau.core.models import Workspace

Kind = CareReminder.Kind
CLOSED_STAGES = (Stage.CLOSED, Stage.FOLLOW_UP)


@dataclass(frozen=True)
class _Due:
    kind: str
    case_id: int
    organisation_id: int
    due_on: date
    visit_id: int | None = None
    plan_id: int | None = None


def _visits_overdue(workspace: Workspace, today: date) -> list[_Due]:
    told = CareReminder.objects.in_workspace(workspace).filter(
        visit=OuterRef("pk"), kind=Kind.VISIT_OVERDUE
    )
    rows = (
        FollowUpVisit.objects.in_workspace(workspace)
        .filter(
            status=FollowUpVisit.Status.PLANNED,
            due_on__lt=today,
            closure__status__in=(Closure.Status.CLOSED, Closure.Status.FOLLOW_UP),
            closure__case__stage__in=CLOSED_STAGES,
        )
        .filter(~Exists(told))
        .values_list("pk", "closure__case_id", "closure__case__organisation_id", "due_on")
    )
    return [
        _Due(Kind.VISIT_OVERDUE, case_id, org_id, due_on, visit_id=pk)
        for pk, case_id, org_id, due_on in rows
    ]


def _plans(workspace: Workspace, kind: str, ends: Q) -> list[_Due]:
    told = CareReminder.objects.in_workspace(workspace).filter(
        plan=OuterRef("pk"), kind=kind, due_on=OuterRef("ends_on")
    )
    rows = (
        AssistancePlan.objects.in_workspace(workspace)
        .filter(ends, case__stage__in=OPEN_STAGES)
        .filter(~Exists(told))
        .values_list("pk", "case_id", "case__organisation_id", "ends_on")
    )
    return [
        _Due(kind, case_id, org_id, ends_on, plan_id=pk) for pk, case_id, org_id, ends_on in rows
    ]


def reminders_due(*, workspace: Workspace, today: date) -> list[_Due]:
    """What should be told today and has not been (a cheap filter; the constraints decide)."""
    ending = today + timedelta(days=periods().plan_ending_reminder_days)
    return [
        *_visits_overdue(workspace, today),
        *_plans(workspace, Kind.PLAN_ENDING, Q(ends_on__gte=today, ends_on__lte=ending)),
        *_plans(workspace, Kind.PLAN_ENDED, Q(ends_on__lt=today)),
    ]


def care_reminders_send(*, workspace: Workspace, today: date | None = None) -> list[CareReminder]:
    """Write each reminder due in the workspace once, audit it, and (in the real workspace)
    queue its e-mails. Idempotent: a reminder already written is a unique-constraint conflict
    and is skipped, so a second run, or two at once, tell nobody twice. Returns the new ones."""
    from qorgau.cases.reminder_tasks import send_care_reminder_emails

    today = today or timezone.localdate()
    dues = reminders_due(workspace=workspace, today=today)
    organisations = Organisation.objects.in_bulk({due.organisation_id for due in dues})
    created: list[CareReminder] = []
    for due in dues:
        try:
            with transaction.atomic():
                reminder = CareReminder.objects.create(
                    workspace=workspace,
                    case_id=due.case_id,
                    kind=due.kind,
                    visit_id=due.visit_id,
                    plan_id=due.plan_id,
                    due_on=due.due_on,
                )
                record(
                    actor=None,
                    action="case.remind",
                    target=reminder,
                    organisation=organisations.get(due.organisation_id),
                    details={"case": due.case_id, "kind": due.kind, "due_on": str(due.due_on)},
                )
        except IntegrityError:
            continue  # told already (another run got there first)
        created.append(reminder)
    if created and not workspace.is_training:
        ids = [reminder.pk for reminder in created]
        transaction.on_commit(lambda: send_care_reminder_emails.enqueue(reminder_ids=ids))
    return created


# --- the reminders page -------------------------------------------------------------------
def still_true(today: date) -> Q:
    """A reminder whose subject still holds: the visit still planned, or the plan's last day
    the one told and the case open (an ending plan only until that day)."""
    plan_current = Q(plan__ends_on=F("due_on"), case__stage__in=OPEN_STAGES)
    return (
        Q(kind=Kind.VISIT_OVERDUE, visit__status=FollowUpVisit.Status.PLANNED)
        | (Q(kind=Kind.PLAN_ENDING, due_on__gte=today) & plan_current)
        | (Q(kind=Kind.PLAN_ENDED) & plan_current)
    )


def reminders_for(
    *, user: User, workspace: Workspace, today: date | None = None
) -> QuerySet[CareReminder]:
    """The current reminders of the user: of the cases they manage (in an organisation where
    they still lead cases), and the overdue ones of the organisations they supervise."""
    if not can(user, "case.reminders"):
        return CareReminder.objects.in_workspace(workspace).none()
    today = today or timezone.localdate()
    leads = {org_id for role in CASE_LEAD_ROLES for org_id in organisation_ids_of(user, role)}
    supervised = organisation_ids_of(user, Role.SUPERVISOR)
    mine = Q(case__manager=user, case__organisation_id__in=leads)
    supervising = Q(kind__in=SUPERVISOR_KINDS, case__organisation_id__in=supervised)
    return (
        CareReminder.objects.in_workspace(workspace)
        .filter(mine | supervising)
        .filter(still_true(today))
        .select_related("case", "case__manager", "plan", "visit")
        .order_by("due_on", "pk")
    )


def open_reminders_count(
    *, user: User, workspace: Workspace, today: date | None = None
) -> int | None:
    """How many reminders the user's reminders page lists now, for the home page; None for
    someone without a reminders page. One count query, whatever the number of reminders."""
    if not can(user, "case.reminders"):
        return None
    return reminders_for(user=user, workspace=workspace, today=today).order_by().count()
