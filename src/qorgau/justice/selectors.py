"""Every read of proceedings, interviews and claims, scoped to the user and the workspace.

The non-punishment flag is computed on every read (never stored), so it is right whether the
victim-status decision came before or after the child was named a suspect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import (
    JUSTICE_BODY_ROLES,
    JUSTICE_CASE_ROLES,
    JUSTICE_NOTICE_ROLES,
    can,
    grants,
)
from qorgau.audit.services import record
from qorgau.cases.models import Case, ChildName, TeamMember
from qorgau.core.models import Workspace
from qorgau.justice.models import (
    SUSPECT_ROLES,
    CompensationClaim,
    Decision,
    Interview,
    NonPunishmentNotice,
    Proceeding,
)
from qorgau.screening.models import VictimStatusDecision

INVESTIGATING_TYPES = ("police", "prosecutor")
PROSECUTOR_TYPES = ("prosecutor",)
VICTIM_STATUSES = (
    VictimStatusDecision.Status.PRESUMED,
    VictimStatusDecision.Status.IDENTIFIED,
)


def _org_ids(user: User, roles: frozenset[str]) -> set[int]:
    return {g.organisation_id for g in grants(user) if g.role in roles}


def presumed_victim(workspace: Workspace, child_ref: Any) -> Exists:
    """A current (not superseded) decision on any of the child's cases: presumed or identified."""
    return Exists(
        VictimStatusDecision.objects.in_workspace(workspace).filter(
            identification__case__child_id=child_ref,
            status__in=VICTIM_STATUSES,
            superseded_by__isnull=True,
        )
    )


def with_flag(proceedings: QuerySet[Proceeding], workspace: Workspace) -> QuerySet[Proceeding]:
    flag = presumed_victim(workspace, OuterRef("case__child_id")) & Q(child_role__in=SUSPECT_ROLES)
    return proceedings.annotate(non_punishment=ExpressionWrapper(flag, output_field=BooleanField()))


def _base(workspace: Workspace) -> QuerySet[Proceeding]:
    return with_flag(
        Proceeding.objects.in_workspace(workspace).select_related(
            "case", "case__organisation", "investigating_organisation", "prosecutor_organisation"
        ),
        workspace,
    )


def is_flagged(proceeding: Proceeding) -> bool:
    """The flag of one proceeding, read fresh (services use it after a write)."""
    return bool(
        _base(proceeding.workspace)
        .filter(pk=proceeding.pk)
        .values_list("non_punishment", flat=True)  # type: ignore[misc]
        .first()
    )


def proceedings_visible_to(
    *, user: User, workspace: Workspace, number: str = ""
) -> QuerySet[Proceeding]:
    """Proceedings of the user's cases and teams, and those their bodies run."""
    case_orgs = _org_ids(user, JUSTICE_CASE_ROLES)
    body_orgs = _org_ids(user, JUSTICE_BODY_ROLES)
    on_team = TeamMember.objects.across_workspaces().filter(
        case=OuterRef("case_id"), organisation_id__in=case_orgs, status=TeamMember.Status.ACCEPTED
    )
    proceedings = _base(workspace).filter(
        Q(case__organisation_id__in=case_orgs)
        | Q(Exists(on_team))
        | Q(investigating_organisation_id__in=body_orgs)
        | Q(prosecutor_organisation_id__in=body_orgs)
    )
    digits = "".join(ch for ch in number if ch.isdigit())[:15]
    if digits:
        proceedings = proceedings.filter(register_number__contains=digits)
    return proceedings


def case_proceedings(*, user: User, case: Case) -> list[Proceeding]:
    if not can(user, "proceeding.view_case", case):
        raise PermissionDenied
    return list(_base(case.workspace).filter(case=case))


def access_proceeding(*, user: User, workspace: Workspace, pk: int, action: str) -> Proceeding:
    """Fetch and check: 404 for a proceeding the user may not know of, 403 for one they see
    but may not act on. A read by an organisation other than the case's is audited."""
    proceeding = (
        _base(workspace)
        .select_related("case__child", "case__region", "recorded_by")
        .prefetch_related(
            Prefetch("case__child__names", queryset=ChildName.objects.across_workspaces())
        )
        .filter(pk=pk)
        .first()
    )
    if proceeding is None or not can(user, "proceeding.view", proceeding):
        raise Http404
    if not can(user, action, proceeding):
        raise PermissionDenied
    owner = proceeding.case.organisation_id
    if owner not in {g.organisation_id for g in grants(user)}:
        record(actor=user, action="proceeding.read", target=proceeding, details={"owner": owner})
    return proceeding


def access_claim(*, user: User, workspace: Workspace, pk: int, action: str) -> CompensationClaim:
    claim = (
        CompensationClaim.objects.in_workspace(workspace)
        .select_related("proceeding", "proceeding__case")
        .filter(pk=pk)
        .first()
    )
    if claim is None or not can(user, "proceeding.view", claim.proceeding):
        raise Http404
    if not can(user, action, claim):
        raise PermissionDenied
    return claim


def decisions_of(proceeding: Proceeding) -> list[Decision]:
    return list(
        Decision.objects.in_workspace(proceeding.workspace)
        .filter(proceeding=proceeding)
        .select_related("recorded_by")
    )


def interviews_of(proceeding: Proceeding) -> list[Interview]:
    return list(
        Interview.objects.in_workspace(proceeding.workspace)
        .filter(proceeding=proceeding)
        .select_related("recorded_by")
    )


def claims_of(proceeding: Proceeding) -> list[CompensationClaim]:
    return list(
        CompensationClaim.objects.in_workspace(proceeding.workspace).filter(proceeding=proceeding)
    )


def recorded_statements(*, proceeding: Proceeding) -> list[Interview]:
    """The child's video-recorded interviews in any proceeding of any of the child's cases."""
    return list(
        Interview.objects.in_workspace(proceeding.workspace)
        .filter(proceeding__case__child_id=proceeding.case.child_id, video_recorded=True)
        .select_related("proceeding__case")
        .order_by("held_on", "pk")
    )


@dataclass(frozen=True)
class RecordedStatement:
    """A recorded statement as this user may see it: the date always (the re-interview warning
    must fire), the interviewer and ERDR number only if the user may view that proceeding."""

    held_on: date
    interview: Interview | None


def recorded_statements_seen_by(*, user: User, proceeding: Proceeding) -> list[RecordedStatement]:
    visible: dict[int, bool] = {}
    seen = []
    for interview in recorded_statements(proceeding=proceeding):
        if interview.proceeding_id not in visible:
            visible[interview.proceeding_id] = can(user, "proceeding.view", interview.proceeding)
        shown = interview if visible[interview.proceeding_id] else None
        seen.append(RecordedStatement(held_on=interview.held_on, interview=shown))
    return seen


def notices_for(*, user: User, workspace: Workspace) -> QuerySet[NonPunishmentNotice]:
    """Non-punishment notices to the user's organisations (supervisors and prosecutors)."""
    return (
        NonPunishmentNotice.objects.in_workspace(workspace)
        .filter(organisation_id__in=_org_ids(user, JUSTICE_NOTICE_ROLES))
        .select_related("proceeding", "proceeding__case", "organisation")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def investigating_bodies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True, type__key__in=INVESTIGATING_TYPES).order_by(
        "name"
    )


def prosecutor_offices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True, type__key__in=PROSECUTOR_TYPES).order_by(
        "name"
    )
