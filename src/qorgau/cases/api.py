"""The case API: cases and children, under the same rules as the pages.

Thin: selectors decide what the caller sees, services write (with their audit events).
"""

# No `from __future__ import annotations`: under @paginate, django-ninja must see real types.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from qorgau.accounts.permissions import can
from qorgau.cases import selectors, services
from qorgau.cases.duplicate_api import router as duplicate_router
from qorgau.cases.models import Case, Child, ChildName
from qorgau.cases.schemas import (
    CaseOut,
    CasePage,
    ChildOut,
    ChildPage,
    OpenFromIdentificationIn,
    StageIn,
)
from qorgau.cases.search import search_cases
from qorgau.core.http import api_user, api_workspace, page_window
from qorgau.screening.selectors import access_identification

router = Router(tags=["cases"])
router.add_router("/duplicates", duplicate_router)  # duplicate review: cases/duplicate_api.py


def _summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "stage": case.stage,
        "organisation": case.organisation.name,
        "region": case.region.key,
        "child_id": case.child_id,
        "manager": case.manager.get_username(),
        "opened_at": case.created_at,
    }


def _child(child: Child, names: list[ChildName]) -> dict[str, Any]:
    return {
        "id": child.pk,
        "organisation": child.organisation.name,
        "names": [
            {"full_name": n.full_name, "script": n.script, "source": n.source} for n in names
        ],
        "birth_date": child.birth_date,
        "age_min": child.age_min,
        "age_max": child.age_max,
        "age_estimated_on": child.age_estimated_on,
        "sex": child.sex,
        "citizenship": child.citizenship,
        "languages": child.languages,
        "care_status": child.care_status,
        "region": child.region.key,
        "version": child.version,
    }


def _case_body(case: Case) -> dict[str, Any]:
    page = selectors.case_page(case=case)
    return {
        **_summary(case),
        "version": case.version,
        "identification_id": case.identification_id,
        "child": _child(case.child, page["names"]),
        "team": [{"organisation": m.organisation.name, "status": m.status} for m in page["team"]],
        "consents": [
            {
                "id": c.pk,
                "purpose": c.purpose,
                "organisation": c.organisation.name if c.organisation else None,
                "given_by_name": c.given_by_name,
                "given_by_relation": c.given_by_relation,
                "given_on": c.given_on,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in page["consents"]
        ],
        "approvals": [{"subject": a.subject, "status": a.status} for a in page["approvals"]],
        "stages": [s.to_stage for s in page["stages"]],
    }


@router.get("/", response=CasePage)
def case_list(
    request: HttpRequest, number: str = "", limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """Cases the caller may see: own organisations', team organisations', and a guardianship
    authority's region. ``number``: (part of) the case number, or the child's name in any
    script (Жумабаев finds Zhumabayev)."""
    user = api_user(request)
    if not can(user, "case.list"):
        raise PermissionDenied
    workspace = api_workspace(request)
    cases = search_cases(
        selectors.cases_visible_to(user=user, workspace=workspace), workspace=workspace, text=number
    )
    start, stop = page_window(limit, offset)
    return {"items": [_summary(case) for case in cases[start:stop]], "count": cases.count()}


@router.get("/children", response=ChildPage)
def child_list(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Children the caller may see: own organisations', and those of cases they may see."""
    user = api_user(request)
    if not can(user, "case.list"):
        raise PermissionDenied
    children = selectors.children_visible_to(user=user, workspace=api_workspace(request))
    start, stop = page_window(limit, offset)
    return {
        "items": [_child(child, list(child.names.all())) for child in children[start:stop]],
        "count": children.count(),
    }


@router.get("/children/{child_id}", response=ChildOut)
def child_detail(request: HttpRequest, child_id: int) -> dict[str, Any]:
    workspace = api_workspace(request)
    child = selectors.access_child(
        user=api_user(request), workspace=workspace, pk=child_id, action="child.view"
    )
    names = list(ChildName.objects.in_workspace(workspace).filter(child=child))
    return _child(child, names)


@router.post("/from-identification", response={201: CaseOut})
def case_open_from_identification(
    request: HttpRequest, payload: OpenFromIdentificationIn
) -> tuple[int, dict[str, Any]]:
    """Open a case from an identification, carrying the screening's facts about the child.
    The same idempotency key, or the same identification, returns the same case."""
    user = api_user(request)
    workspace = api_workspace(request)
    identification = access_identification(
        user=user, workspace=workspace, pk=payload.identification_id, action="identification.view"
    )
    case = services.case_open_from_identification(
        actor=user, identification=identification, idempotency_key=payload.idempotency_key
    )
    case = selectors.access_case(user=user, workspace=workspace, pk=case.pk, action="case.view")
    return 201, _case_body(case)


@router.get("/{case_id}", response=CaseOut)
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.access_case(
        user=api_user(request), workspace=api_workspace(request), pk=case_id, action="case.view"
    )
    return _case_body(case)


@router.post("/{case_id}/stage", response=CaseOut)
def case_stage(request: HttpRequest, case_id: int, payload: StageIn) -> dict[str, Any]:
    """Move the case on; send the version you read (409-style 422 "stale" if someone saved)."""
    user = api_user(request)
    workspace = api_workspace(request)
    case = selectors.access_case(user=user, workspace=workspace, pk=case_id, action="case.edit")
    services.case_change_stage(
        actor=user, case=case, version=payload.version, to_stage=payload.stage, note=payload.note
    )
    case = selectors.access_case(user=user, workspace=workspace, pk=case_id, action="case.view")
    return _case_body(case)


# Notes and documents live in their own module, on this router.
from qorgau.cases import record_api  # noqa: E402, F401
