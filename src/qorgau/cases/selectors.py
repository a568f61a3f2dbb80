"""Reads of the case module, always scoped to the request's workspace and the user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import (
    CASE_LEAD_ROLES,
    CASE_ROLES,
    IDENTITY_ROLES,
    can,
    grants,
)
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.cases import duplicates
from qorgau.cases.models import (
    Approval,
    Case,
    CaseNotification,
    Child,
    ChildName,
    Consent,
    ConsentOverride,
    FamilyMember,
    StageChange,
    TeamMember,
)
from qorgau.cases.services import GUARDIANSHIP
from qorgau.core.models import Workspace


def _org_ids(user: User, roles: frozenset[str]) -> set[int]:
    return {g.organisation_id for g in grants(user) if g.role in roles}


def case_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations in whose name the user may register children and open cases."""
    return Organisation.objects.filter(pk__in=_org_ids(user, CASE_ROLES), is_active=True)


def cases_visible_to(*, user: User, workspace: Workspace, number: str = "") -> QuerySet[Case]:
    """Own organisations' cases, cases of accepted team organisations, and for a guardianship
    officer the cases of their authority's region."""
    own = _org_ids(user, CASE_ROLES)
    team_orgs = _org_ids(user, IDENTITY_ROLES)
    guardianship_regions = Organisation.objects.filter(
        pk__in=_org_ids(user, frozenset({Role.GUARDIANSHIP_OFFICER})),
        type__key=GUARDIANSHIP,
        is_active=True,
    ).values("region_id")
    on_team = TeamMember.objects.across_workspaces().filter(
        case=OuterRef("pk"), organisation_id__in=team_orgs, status=TeamMember.Status.ACCEPTED
    )
    cases = (
        Case.objects.in_workspace(workspace)
        .filter(
            Q(organisation_id__in=own) | Q(Exists(on_team)) | Q(region_id__in=guardianship_regions)
        )
        .select_related("organisation", "region", "manager", "child")
        .prefetch_related(Prefetch("child__names", queryset=ChildName.objects.across_workspaces()))
    )
    if number.strip():
        cases = cases.filter(number__icontains=number.strip())
    return cases


def _audit_foreign_read(*, user: User, obj: Any, owner_id: int, action: str) -> None:
    """Reading identifying data held by another organisation is always recorded."""
    if owner_id not in {g.organisation_id for g in grants(user)}:
        record(actor=user, action=action, target=obj, details={"owner": owner_id})


def access_case(*, user: User, workspace: Workspace, pk: int, action: str) -> Case:
    case = (
        Case.objects.in_workspace(workspace)
        .select_related("organisation", "region", "manager", "child", "child__region")
        .filter(pk=pk)
        .first()
    )
    if case is None or not can(user, "case.view", case):
        raise Http404
    if not can(user, action, case):
        raise PermissionDenied
    _audit_foreign_read(user=user, obj=case, owner_id=case.organisation_id, action="case.read")
    return case


def access_child(*, user: User, workspace: Workspace, pk: int, action: str) -> Child:
    child = (
        Child.objects.in_workspace(workspace)
        .select_related("organisation", "region")
        .filter(pk=pk)
        .first()
    )
    if child is None or not can(user, "child.view", child):
        raise Http404
    if not can(user, action, child):
        raise PermissionDenied
    _audit_foreign_read(user=user, obj=child, owner_id=child.organisation_id, action="child.read")
    return child


def children_visible_to(*, user: User, workspace: Workspace) -> QuerySet[Child]:
    visible_cases = cases_visible_to(user=user, workspace=workspace).values("child_id")
    return (
        Child.objects.in_workspace(workspace)
        .filter(Q(organisation_id__in=_org_ids(user, CASE_ROLES)) | Q(pk__in=visible_cases))
        .filter(merged_into__isnull=True)
        .select_related("organisation", "region")
        .prefetch_related(Prefetch("names", queryset=ChildName.objects.across_workspaces()))
    )


def case_page(*, case: Case) -> dict[str, Any]:
    """Everything the case page shows, in a fixed number of queries."""
    workspace = case.workspace
    return {
        "names": list(ChildName.objects.in_workspace(workspace).filter(child=case.child_id)),
        "family": list(FamilyMember.objects.in_workspace(workspace).filter(child=case.child_id)),
        "stages": list(
            StageChange.objects.in_workspace(workspace)
            .filter(case=case)
            .select_related("changed_by")
        ),
        "team": list(
            TeamMember.objects.in_workspace(workspace)
            .filter(case=case)
            .select_related("organisation")
        ),
        "consents": list(
            Consent.objects.in_workspace(workspace)
            .filter(case=case)
            .select_related("organisation", "recorded_by", "withdrawn_by")
        ),
        "approvals": list(
            Approval.objects.in_workspace(workspace)
            .filter(case=case)
            .select_related("requested_by", "decided_by")
        ),
        "overrides": list(
            ConsentOverride.objects.in_workspace(workspace)
            .filter(case=case)
            .select_related("actor", "organisation")
        ),
    }


def access_team_member(*, user: User, workspace: Workspace, pk: int) -> TeamMember:
    member = (
        TeamMember.objects.in_workspace(workspace)
        .select_related("case", "case__organisation", "organisation")
        .filter(pk=pk)
        .first()
    )
    if member is None or member.organisation_id not in _org_ids(user, IDENTITY_ROLES):
        raise Http404
    if not can(user, "case.respond", member):
        raise PermissionDenied
    return member


def invitations_for(*, user: User, workspace: Workspace) -> QuerySet[TeamMember]:
    """Open invitations to the user's organisations (they show no child until accepted)."""
    return (
        TeamMember.objects.in_workspace(workspace)
        .filter(organisation_id__in=_org_ids(user, CASE_LEAD_ROLES), status="invited")
        .select_related("case", "case__organisation", "organisation", "case__region")
    )


def access_consent(*, user: User, workspace: Workspace, pk: int) -> Consent:
    consent = Consent.objects.in_workspace(workspace).select_related("case").filter(pk=pk).first()
    if consent is None or not can(user, "case.view", consent.case):
        raise Http404
    if not can(user, "case.consent", consent.case):
        raise PermissionDenied
    return consent


def access_approval(*, user: User, workspace: Workspace, pk: int) -> Approval:
    approval = Approval.objects.in_workspace(workspace).select_related("case").filter(pk=pk).first()
    if approval is None or not can(user, "case.view", approval.case):
        raise Http404
    if not can(user, "case.approve", approval.case):
        raise PermissionDenied
    return approval


def overrides_for_supervisor(*, user: User, workspace: Workspace) -> QuerySet[ConsentOverride]:
    """Urgent consent overrides on the cases of the organisations the user supervises."""
    return (
        ConsentOverride.objects.in_workspace(workspace)
        .filter(case__organisation_id__in=_org_ids(user, frozenset({Role.SUPERVISOR})))
        .select_related("case", "actor", "organisation")
    )


def pending_approvals(*, user: User, workspace: Workspace) -> QuerySet[Approval]:
    return (
        Approval.objects.in_workspace(workspace)
        .filter(
            case__organisation_id__in=_org_ids(user, frozenset({Role.SUPERVISOR})),
            status=Approval.Status.REQUESTED,
        )
        .select_related("case", "requested_by")
    )


def notifications_for(*, user: User, workspace: Workspace) -> QuerySet[CaseNotification]:
    return (
        CaseNotification.objects.in_workspace(workspace)
        .filter(organisation_id__in=_org_ids(user, frozenset({Role.GUARDIANSHIP_OFFICER})))
        .select_related("case", "case__region", "organisation")
    )


# --- possible existing records ------------------------------------------------------------
# The one-record lookup lives with duplicate review (cases/duplicates.py), scored by the matcher.
PossibleMatch = duplicates.PossibleMatch
possible_matches = duplicates.possible_matches
