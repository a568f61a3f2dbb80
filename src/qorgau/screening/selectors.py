"""Reads of the identification module, always scoped to the request's workspace and the user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.permissions import (
    IDENTITY_ROLES,
    SCREENING_ROLES,
    can,
    grants,
)
from qorgau.audit.services import record
from qorgau.core.models import Workspace
from qorgau.screening.models import (
    Alert,
    Answer,
    Catalogue,
    Identification,
    Indicator,
    PathwayRules,
    Screening,
    VictimStatusDecision,
)

# Which lists a screening asks, by whether the person is treated as a child and the form.
_LISTS = {
    (True, "sexual"): ("child_sexual", "unodc_child"),
    (False, "sexual"): ("adult_sexual",),
    (False, "labour"): ("adult_labour",),
    (False, "begging"): ("adult_labour",),
    (False, "criminal"): ("adult_labour",),
    (False, "unknown"): ("adult_labour", "adult_sexual"),
}


def lists_for(*, child: bool, form: str) -> tuple[str, ...]:
    return _LISTS.get((child, form), ("child_labour", "unodc_child"))


def current_catalogue() -> Catalogue | None:
    return Catalogue.objects.order_by("-version").first()


def current_pathway_rules() -> PathwayRules | None:
    return PathwayRules.objects.order_by("-version").first()


def catalogue_indicators(*, catalogue: Catalogue, lists: tuple[str, ...]) -> list[Indicator]:
    return list(catalogue.indicators.filter(list__in=lists).order_by("position"))


def screening_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations in whose name the user may screen."""
    ids = {g.organisation_id for g in grants(user) if g.role in SCREENING_ROLES}
    return Organisation.objects.filter(pk__in=ids, is_active=True).select_related("region")


def screenings_visible_to(*, user: User, workspace: Workspace) -> QuerySet[Screening]:
    """The user's own drafts and the submitted screenings of their organisations."""
    org_ids = {g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES}
    # As screening.view: a draft only while its author may still screen for its organisation.
    screening_org_ids = {g.organisation_id for g in grants(user) if g.role in SCREENING_ROLES}
    own_drafts = Screening.objects.in_workspace(workspace).filter(
        screened_by=user, status=Screening.Status.DRAFT, organisation_id__in=screening_org_ids
    )
    submitted = Screening.objects.in_workspace(workspace).filter(
        organisation_id__in=org_ids, status=Screening.Status.SUBMITTED
    )
    return (own_drafts | submitted).select_related("organisation", "region", "screened_by")


def inbox(*, user: User, workspace: Workspace) -> QuerySet[Alert]:
    """Alerts to the user's organisations, unread first, then by deadline."""
    if not can(user, "alert.inbox"):
        raise PermissionDenied
    org_ids = {g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES}
    return (
        Alert.objects.in_workspace(workspace)
        .filter(organisation_id__in=org_ids)
        .select_related("organisation", "identification__region", "identification__organisation")
        # Unread first on every database (PostgreSQL sorts NULL last unless told).
        .order_by(F("read_at").asc(nulls_first=True), "due_at", "pk")
    )


def _audit_foreign_read(*, user: User, obj: Any, owner_id: int, action: str) -> None:
    """Reading identifying data held by another organisation is always recorded."""
    if owner_id not in {g.organisation_id for g in grants(user)}:
        record(actor=user, action=action, target=obj, details={"owner": owner_id})


def access_screening(*, user: User, workspace: Workspace, pk: int, action: str) -> Screening:
    screening = (
        Screening.objects.in_workspace(workspace)
        .select_related("organisation", "region", "screened_by", "catalogue", "pathway_rules")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("indicator")))
        .filter(pk=pk)
        .first()
    )
    if screening is None or not can(user, "screening.view", screening):
        raise Http404
    if not can(user, action, screening):
        raise PermissionDenied
    _audit_foreign_read(
        user=user, obj=screening, owner_id=screening.organisation_id, action="screening.read"
    )
    return screening


def screening_by_key(*, user: User, workspace: Workspace, key: Any) -> Screening | None:
    """The user's own screening with this idempotency key, if any (for resubmission)."""
    return (
        Screening.objects.in_workspace(workspace)
        .filter(idempotency_key=key, screened_by=user)
        .first()
    )


def access_identification(
    *, user: User, workspace: Workspace, pk: int, action: str
) -> Identification:
    identification = (
        Identification.objects.in_workspace(workspace)
        .select_related("screening", "organisation", "region")
        .filter(pk=pk)
        .first()
    )
    if identification is None or not can(user, "identification.view", identification):
        raise Http404
    if not can(user, action, identification):
        raise PermissionDenied
    _audit_foreign_read(
        user=user,
        obj=identification,
        owner_id=identification.organisation_id,
        action="identification.read",
    )
    return identification


def access_alert(*, user: User, workspace: Workspace, pk: int, action: str) -> Alert:
    alert = (
        Alert.objects.in_workspace(workspace)
        .select_related("organisation", "identification")
        .filter(pk=pk)
        .first()
    )
    if alert is None or not can(user, "alert.view", alert):
        raise Http404
    if not can(user, action, alert):
        raise PermissionDenied
    return alert


def decisions_of(*, identification: Identification) -> QuerySet[VictimStatusDecision]:
    """The whole history, newest first; superseded decisions stay visible."""
    return (
        VictimStatusDecision.objects.in_workspace(identification.workspace)
        .filter(identification=identification)
        .select_related("organisation", "decided_by", "supersedes")
        .order_by("-created_at", "-pk")
    )


def deciding_organisations(*, user: User, identification: Identification) -> list[Organisation]:
    """The organisations in whose name the user may decide on this identification."""
    ids = {g.organisation_id for g in grants(user)}
    return [
        organisation
        for organisation in Organisation.objects.filter(pk__in=ids).select_related("type")
        if can(user, "identification.decide_for", organisation)
        and organisation.region_id == identification.region_id
    ]


def alerts_of(identification: Identification) -> list[Alert]:
    """Every alert the identification raised, in its workspace."""
    return list(
        Alert.objects.in_workspace(identification.workspace)
        .filter(identification=identification)
        .select_related("organisation__type")
        .order_by("due_at", "organisation__name", "pk")
    )


def organisation_types(keys: set[str]) -> dict[str, OrganisationType]:
    return {t.key: t for t in OrganisationType.objects.filter(key__in=keys)}


def regions_by_key(keys: set[str]) -> dict[str, Region]:
    return {r.key: r for r in Region.objects.filter(key__in=keys)} if keys else {}


def catalogue_versions() -> QuerySet[Catalogue]:
    """Every published catalogue with its indicator counts, newest first."""
    return (
        Catalogue.objects.select_related("published_by")
        .annotate(
            indicator_count=Count("indicators"),
            provisional_count=Count("indicators", filter=Q(indicators__provisional=True)),
        )
        .order_by("-version")
    )


def pathway_rules_history() -> QuerySet[PathwayRules]:
    return PathwayRules.objects.select_related("published_by").order_by("-version")
