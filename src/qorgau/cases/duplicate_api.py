"""The duplicate review API, under /api/cases/duplicates: pairs, not-a-duplicate, merge,
unmerge and scans, with the same selectors and services (and rules) as the pages."""

# No `from __future__ import annotations`: django-ninja must see real types.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from qorgau.cases import duplicates
from qorgau.cases.duplicate_models import ChildMerge, DuplicateScan
from qorgau.cases.models import Child
from qorgau.core.http import api_user, api_workspace, page_window

router = Router(tags=["duplicates"])


class NameOut(Schema):
    full_name: str
    script: str
    source: str


class SideOut(Schema):
    child_id: int
    version: int
    names: list[NameOut]


class EvidenceOut(Schema):
    field: str
    level: str
    weight: float
    agrees: bool


class PairOut(Schema):
    id: int
    probability: float
    match_weight: float
    status: str
    # Both children when both are the caller's organisation's; otherwise only the caller's
    # child, and the organisation holding the possible match.
    children: list[SideOut]
    other_organisation: str | None
    reasons: list[str]
    evidence: list[EvidenceOut]
    may_merge: bool
    may_mark_not_duplicate: bool


class PairPage(Schema):
    items: list[PairOut]
    count: int


class MergeIn(Schema):
    keep: int = Field(description="The child that stays (one of the pair).")
    left_version: int
    right_version: int
    reason: str = Field("", max_length=500)


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    moved: dict[str, int]
    unmerged: bool


class ScanIn(Schema):
    organisation_id: int


class ScanOut(Schema):
    id: int
    organisation_id: int
    status: str
    percent: int
    records: int
    pairs_total: int
    pairs_scored: int
    pairs_found: int


def _side(child: Child) -> dict[str, Any]:
    return {
        "child_id": child.pk,
        "version": child.version,
        "names": [
            {"full_name": n.full_name, "script": n.script, "source": n.source}
            for n in child.names.all()
        ],
    }


def _pair(view: duplicates.PairView) -> dict[str, Any]:
    return {
        "id": view.pair.pk,
        "probability": view.pair.probability,
        "match_weight": view.pair.match_weight,
        "status": view.pair.status,
        "children": [_side(child) for child in view.children],
        "other_organisation": view.other_organisation.name if view.other_organisation else None,
        "reasons": view.reasons,
        "evidence": [
            {"field": e.field, "level": e.level, "weight": e.weight, "agrees": e.agrees}
            for e in view.evidence
        ],
        "may_merge": view.may_merge,
        "may_mark_not_duplicate": view.may_dismiss,
    }


def _merge(merge: ChildMerge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "merged_id": merge.merged_id,
        "moved": {label: len(entry["pks"]) for label, entry in merge.moved.items()},
        "unmerged": merge.unmerged_at is not None,
    }


def _scan(scan: DuplicateScan) -> dict[str, Any]:
    return {
        "id": scan.pk,
        "organisation_id": scan.organisation_id,
        "status": scan.status,
        "percent": scan.percent,
        "records": scan.records,
        "pairs_total": scan.pairs_total,
        "pairs_scored": scan.pairs_scored,
        "pairs_found": scan.pairs_found,
    }


@router.get("/", response=PairPage)
def pair_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Open pairs touching the caller's organisations, most likely first."""
    user = api_user(request)
    if not duplicates.review_organisations(user=user).exists():
        raise PermissionDenied
    pairs = duplicates.pairs_visible_to(user=user, workspace=api_workspace(request))
    start, stop = page_window(limit, offset)
    views = duplicates.pair_views(user=user, pairs=list(pairs[start:stop]))
    return {"items": [_pair(view) for view in views], "count": pairs.count()}


@router.get("/{int:pair_id}", response=PairOut)
def pair_detail(request: HttpRequest, pair_id: int) -> dict[str, Any]:
    user = api_user(request)
    pair = duplicates.access_pair(
        user=user, workspace=api_workspace(request), pk=pair_id, action="duplicates.view"
    )
    (view,) = duplicates.pair_views(user=user, pairs=[pair])
    return _pair(view)


@router.post("/{int:pair_id}/not-duplicate", response=PairOut)
def pair_not_duplicate(request: HttpRequest, pair_id: int) -> dict[str, Any]:
    """Two different children: the pair is remembered and does not return."""
    user = api_user(request)
    pair = duplicates.access_pair(
        user=user, workspace=api_workspace(request), pk=pair_id, action="duplicates.dismiss"
    )
    pair = duplicates.pair_mark_not_duplicate(actor=user, pair=pair)
    (view,) = duplicates.pair_views(user=user, pairs=[pair])
    return _pair(view)


@router.post("/{int:pair_id}/merge", response={201: MergeOut})
def pair_merge(request: HttpRequest, pair_id: int, payload: MergeIn) -> tuple[int, dict[str, Any]]:
    """Merge the pair's other child into `keep`; send both versions you read (a 422 "stale" if
    either changed since)."""
    user = api_user(request)
    pair = duplicates.access_pair(
        user=user, workspace=api_workspace(request), pk=pair_id, action="child.merge"
    )
    merge = duplicates.child_merge(
        actor=user,
        pair=pair,
        keep=payload.keep,
        left_version=payload.left_version,
        right_version=payload.right_version,
        reason=payload.reason,
    )
    return 201, _merge(merge)


@router.post("/merges/{int:merge_id}/unmerge", response=MergeOut)
def merge_undo(request: HttpRequest, merge_id: int) -> dict[str, Any]:
    """Undo a merge, restoring both records exactly as they were."""
    user = api_user(request)
    merge = duplicates.access_merge(user=user, workspace=api_workspace(request), pk=merge_id)
    return _merge(duplicates.child_unmerge(actor=user, merge=merge))


@router.post("/scans", response={202: ScanOut})
def scan_start(request: HttpRequest, payload: ScanIn) -> tuple[int, dict[str, Any]]:
    """Start a search for duplicates in one of the caller's organisations (the worker runs it)."""
    user = api_user(request)
    organisation = (
        duplicates.review_organisations(user=user).filter(pk=payload.organisation_id).first()
    )
    if organisation is None:
        raise Http404
    scan = duplicates.duplicate_scan_start(
        actor=user, workspace=api_workspace(request), organisation=organisation
    )
    scan.refresh_from_db()
    return 202, _scan(scan)


@router.get("/scans/{int:scan_id}", response=ScanOut)
def scan_detail(request: HttpRequest, scan_id: int) -> dict[str, Any]:
    scan = duplicates.access_scan(
        user=api_user(request), workspace=api_workspace(request), pk=scan_id
    )
    return _scan(scan)
