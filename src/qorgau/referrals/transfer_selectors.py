"""Reads of case transfers and of the documents shared with a referral's provider."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from qorgau.accounts.models import User
from qorgau.accounts.permissions import CASE_LEAD_ROLES, can, grants
from qorgau.audit.services import record
from qorgau.cases.models import Case, CaseDocument, ChildName
from qorgau.core.models import Workspace
from qorgau.referrals.models import Referral, ReferralDocument, Transfer


def _lead_org_ids(user: User) -> set[int]:
    return {g.organisation_id for g in grants(user) if g.role in CASE_LEAD_ROLES}


def _base(workspace: Workspace) -> QuerySet[Transfer]:
    return (
        Transfer.objects.in_workspace(workspace)
        .select_related(
            "case",
            "case__child",
            "from_organisation",
            "from_region",
            "to_organisation",
            "to_organisation__region",
            "requested_by",
            "responded_by",
            "new_manager",
        )
        .prefetch_related(
            Prefetch("case__child__names", queryset=ChildName.objects.across_workspaces())
        )
    )


# What rule ``transfer.view`` lets the receiver read: a declined or cancelled offer is no
# business of theirs any more.
RECEIVER_VISIBLE_STATUSES = (Transfer.Status.REQUESTED, Transfer.Status.ACCEPTED)


def transfers_incoming(*, user: User, workspace: Workspace) -> QuerySet[Transfer]:
    """Transfers offered to the user's organisations (where they manage or supervise cases),
    while offered or once taken over, as rule ``transfer.view`` allows the receiver."""
    return _base(workspace).filter(
        to_organisation_id__in=_lead_org_ids(user), status__in=RECEIVER_VISIBLE_STATUSES
    )


def transfers_outgoing(*, user: User, workspace: Workspace) -> QuerySet[Transfer]:
    """Transfers the user's organisations offered to others."""
    return _base(workspace).filter(from_organisation_id__in=_lead_org_ids(user))


def case_transfers(*, user: User, case: Case) -> list[Transfer]:
    """The transfers of one case, for those who see the case (the history of who ran it)."""
    if not can(user, "case.view", case):
        raise PermissionDenied
    return list(_base(case.workspace).filter(case=case))


def access_transfer(*, user: User, workspace: Workspace, pk: int, action: str) -> Transfer:
    transfer = _base(workspace).select_related("case__organisation").filter(pk=pk).first()
    if transfer is None or not can(user, "transfer.view", transfer):
        raise Http404
    if not can(user, action, transfer):
        raise PermissionDenied
    if transfer.case.organisation_id not in {g.organisation_id for g in grants(user)}:
        # The receiving organisation reads the handover of a child held by another: recorded.
        record(
            actor=user,
            action="transfer.read",
            target=transfer,
            details={"owner": transfer.case.organisation_id},
        )
    return transfer


def referral_documents(*, user: User, referral: Referral) -> list[CaseDocument]:
    """The documents shared with a referral's provider that this user may read."""
    attachments = (
        ReferralDocument.objects.in_workspace(referral.workspace)
        .filter(referral=referral)
        .select_related("document", "document__case", "document__uploaded_by")
    )
    return [a.document for a in attachments if can(user, "case.document.view", a.document)]
