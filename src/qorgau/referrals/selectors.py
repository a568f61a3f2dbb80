"""Every read of referrals. The sender's case team reads everything; the receiving provider
reads only ``ProviderView``: initials, age band, languages, needs and the sender's contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import (
    CASE_ROLES,
    REFERRAL_PROVIDER_ROLES,
    can,
    grants,
)
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.cases.models import Case, Child, ChildName
from qorgau.core.models import Workspace
from qorgau.directory.models import ProviderService, ServiceType
from qorgau.referrals.models import Escalation, Referral, ReferralEvent


def _org_ids(user: User, roles: frozenset[str]) -> set[int]:
    return {g.organisation_id for g in grants(user) if g.role in roles}


def _base(workspace: Workspace) -> QuerySet[Referral]:
    return Referral.objects.in_workspace(workspace).select_related(
        "sender_organisation", "provider", "service_type", "sent_by", "case"
    )


def with_child(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related("case__child").prefetch_related(
        Prefetch("case__child__names", queryset=ChildName.objects.across_workspaces())
    )


def _with_escalations(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    open_escalations = Escalation.objects.across_workspaces().filter(
        referral=OuterRef("pk"), resolved_at__isnull=True
    )
    return referrals.annotate(is_overdue=Exists(open_escalations))


def case_referrals(*, user: User, case: Case) -> list[Referral]:
    """The referrals of a case, for its case team."""
    if not can(user, "case.view", case):
        raise PermissionDenied
    return list(_with_escalations(_base(case.workspace).filter(case=case)))


def incoming_referrals(*, user: User, workspace: Workspace) -> QuerySet[Referral]:
    """Referrals to the user's provider organisations (show them only as ``provider_view``)."""
    org_ids = _org_ids(user, REFERRAL_PROVIDER_ROLES)
    return _with_escalations(with_child(_base(workspace).filter(provider_id__in=org_ids)))


def incoming(*, user: User, workspace: Workspace) -> list[ProviderView]:
    """Referrals to the user's provider organisations, as the provider may see them."""
    return [provider_view(r) for r in incoming_referrals(user=user, workspace=workspace)]


def outgoing(*, user: User, workspace: Workspace) -> QuerySet[Referral]:
    """Referrals sent by the user's organisations (their case work)."""
    org_ids = _org_ids(user, CASE_ROLES)
    return _with_escalations(_base(workspace).filter(sender_organisation_id__in=org_ids))


def overdue(*, user: User, workspace: Workspace) -> QuerySet[Referral]:
    """Every referral of the user's supervised organisations with an open escalation."""
    org_ids = _org_ids(user, frozenset({Role.SUPERVISOR}))
    open_escalations = Escalation.objects.in_workspace(workspace).filter(resolved_at__isnull=True)
    referrals = (
        _base(workspace)
        .filter(sender_organisation_id__in=org_ids)
        .filter(Exists(open_escalations.filter(referral=OuterRef("pk"))))
        .prefetch_related(Prefetch("escalations", queryset=open_escalations, to_attr="open"))
        .order_by("respond_by", "pk")
    )
    return referrals


def referral_for(*, user: User, workspace: Workspace, pk: int) -> Referral:
    referral = (
        _with_escalations(with_child(_base(workspace)))
        .select_related("case__organisation")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    if not can(user, "referral.view", referral):
        raise PermissionDenied(_("You may not see this referral."))
    if referral.sender_organisation_id not in {g.organisation_id for g in grants(user)}:
        # The provider reads a little of a child held by another organisation: recorded.
        record(
            actor=user,
            action="referral.read",
            target=referral,
            details={"owner": referral.sender_organisation_id},
        )
    return referral


def referral_history(referral: Referral) -> list[ReferralEvent]:
    return list(
        ReferralEvent.objects.in_workspace(referral.workspace)
        .filter(referral=referral)
        .select_related("actor")
    )


def providers_for(*, case: Case, service_type: ServiceType) -> list[Organisation]:
    """Listed providers (not the case's own organisation) offering the service in its region."""
    offering = ProviderService.objects.filter(
        provider__organisation=OuterRef("pk"),
        provider__is_listed=True,
        service_type=service_type,
        is_active=True,
        regions=case.region_id,
    )
    return list(
        Organisation.objects.filter(is_active=True)
        .exclude(pk=case.organisation_id)
        .filter(Exists(offering))
        .order_by("name")
    )


# --- the provider's minimum ---------------------------------------------------------------
@dataclass(frozen=True)
class ProviderView:
    """All a receiving provider learns of the child: never the case file or other referrals."""

    pk: int
    status: str
    status_display: str
    service_type: str
    initials: str
    age_band: str
    sex: str
    languages: str
    needs: str
    special_needs: str
    sender_organisation: str
    sender_name: str
    sender_email: str
    sender_phone: str
    respond_by: object
    complete_by: object
    decline_reason: str
    outcome: str
    is_overdue: bool
    created_at: object


def initials(child: Child) -> str:
    names = list(child.names.all())
    if not names:
        return "—"
    return " ".join(f"{part[0].upper()}." for part in names[0].full_name.split() if part)


def age_band(child: Child, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if child.birth_date is not None:
        born = child.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return str(age)
    if child.age_min is not None and child.age_max is not None:
        return f"{child.age_min}–{child.age_max}"
    return _("unknown")


def provider_view(referral: Referral) -> ProviderView:
    child = referral.case.child
    return ProviderView(
        pk=referral.pk,
        status=referral.status,
        status_display=referral.get_status_display(),
        service_type=str(referral.service_type),
        initials=initials(child),
        age_band=age_band(child),
        sex=child.get_sex_display(),
        languages=child.languages,
        needs=referral.reason,
        special_needs=child.special_needs,
        sender_organisation=referral.sender_organisation.name,
        sender_name=referral.sent_by.get_full_name(),
        sender_email=referral.sent_by.email,
        sender_phone=getattr(referral.sent_by, "phone", ""),
        respond_by=referral.respond_by,
        complete_by=referral.complete_by,
        decline_reason=referral.decline_reason,
        outcome=referral.outcome,
        is_overdue=bool(getattr(referral, "is_overdue", False)),
        created_at=referral.created_at,
    )
