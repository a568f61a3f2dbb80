"""The justice API: proceedings, their decisions, interviews of the child, compensation claims
and the non-punishment notices, under the same rules and services as the pages.
"""

# No `from __future__ import annotations`: django-ninja must see the real types.

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from qorgau.accounts.models import Organisation
from qorgau.accounts.permissions import can
from qorgau.cases import selectors as case_selectors
from qorgau.core.http import api_user, api_workspace, page_window
from qorgau.justice import selectors, services
from qorgau.justice.articles import criminal_code_articles
from qorgau.justice.models import CompensationClaim, Interview, Proceeding
from qorgau.justice.schemas import (
    ArticleOut,
    ClaimCreateIn,
    ClaimIn,
    ClaimOut,
    ClaimUpdateIn,
    DecisionIn,
    DecisionOut,
    InterviewCreateIn,
    InterviewOut,
    NoticeOut,
    ProceedingCreateIn,
    ProceedingIn,
    ProceedingOut,
    ProceedingPage,
    ProceedingUpdateIn,
)

router = Router(tags=["justice"])


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk, is_active=True).select_related("type").first()
    if organisation is None:
        raise ValidationError({field: [_("Choose an organisation from the list.")]})
    return organisation


def _input(payload: ProceedingIn) -> services.ProceedingInput:
    investigating = _organisation(
        payload.investigating_organisation_id, "investigating_organisation_id"
    )
    assert investigating is not None
    return services.ProceedingInput(
        register_number=payload.register_number,
        registered_on=payload.registered_on,
        articles=list(payload.articles),
        investigating_organisation=investigating,
        prosecutor_organisation=_organisation(
            payload.prosecutor_organisation_id, "prosecutor_organisation_id"
        ),
        stage=payload.stage.value,
        outcome=payload.outcome.value,
        child_role=payload.child_role.value,
    )


def _ref(organisation: Organisation | None) -> dict[str, Any] | None:
    return None if organisation is None else {"id": organisation.pk, "name": organisation.name}


def _body(proceeding: Proceeding) -> dict[str, Any]:
    articles = criminal_code_articles()
    listed = [(key, articles.get(key)) for key in proceeding.articles]
    return {
        "id": proceeding.pk,
        "case_id": proceeding.case_id,
        "case_number": proceeding.case.number,
        "register_number": proceeding.register_number,
        "registered_on": proceeding.registered_on,
        "articles": [
            {
                "key": key,
                "article": article.article if article else key,
                "name": article.name if article else key,
                "trafficking": bool(article and article.trafficking),
            }
            for key, article in listed
        ],
        "articles_version": proceeding.articles_version,
        "stage": proceeding.stage,
        "outcome": proceeding.outcome,
        "child_role": proceeding.child_role,
        "investigating_organisation": _ref(proceeding.investigating_organisation),
        "prosecutor_organisation": _ref(proceeding.prosecutor_organisation),
        "non_punishment": bool(getattr(proceeding, "non_punishment", False)),
        "version": proceeding.version,
    }


def _access(request: HttpRequest, pk: int, action: str = "proceeding.view") -> Proceeding:
    return selectors.access_proceeding(
        user=api_user(request), workspace=api_workspace(request), pk=pk, action=action
    )


@router.get("/articles", response=list[ArticleOut])
def articles(request: HttpRequest) -> list[dict[str, Any]]:
    """The Criminal Code articles a proceeding may name (versioned reference data)."""
    return [
        {"key": a.key, "article": a.article, "name": a.name, "trafficking": a.trafficking}
        for a in criminal_code_articles().articles
    ]


@router.get("/proceedings", response=ProceedingPage)
def proceeding_list(
    request: HttpRequest, number: str = "", limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    user = api_user(request)
    if not can(user, "proceeding.list"):
        raise PermissionDenied
    found = selectors.proceedings_visible_to(
        user=user, workspace=api_workspace(request), number=number
    )
    start, stop = page_window(limit, offset)
    return {"items": [_body(p) for p in found[start:stop]], "count": found.count()}


@router.post("/proceedings", response={201: ProceedingOut})
def proceeding_create(request: HttpRequest, payload: ProceedingCreateIn) -> tuple[int, Any]:
    user = api_user(request)
    case = case_selectors.access_case(
        user=user, workspace=api_workspace(request), pk=payload.case_id, action="proceeding.create"
    )
    proceeding = services.proceeding_create(
        actor=user, case=case, data=_input(payload), idempotency_key=payload.idempotency_key
    )
    return 201, _body(_access(request, proceeding.pk))


@router.get("/proceedings/{proceeding_id}", response=ProceedingOut)
def proceeding_detail(request: HttpRequest, proceeding_id: int) -> dict[str, Any]:
    return _body(_access(request, proceeding_id))


@router.put("/proceedings/{proceeding_id}", response=ProceedingOut)
def proceeding_update(
    request: HttpRequest, proceeding_id: int, payload: ProceedingUpdateIn
) -> dict[str, Any]:
    """Send the ``version`` you read; a newer save by someone else is refused (422, stale)."""
    proceeding = _access(request, proceeding_id, "proceeding.edit")
    services.proceeding_update(
        actor=api_user(request),
        proceeding=proceeding,
        version=payload.version,
        data=_input(payload),
    )
    return _body(_access(request, proceeding_id))


@router.get("/proceedings/{proceeding_id}/decisions", response=list[DecisionOut])
def decision_list(request: HttpRequest, proceeding_id: int) -> list[Any]:
    return selectors.decisions_of(_access(request, proceeding_id))


@router.post("/proceedings/{proceeding_id}/decisions", response={201: DecisionOut})
def decision_create(
    request: HttpRequest, proceeding_id: int, payload: DecisionIn
) -> tuple[int, Any]:
    proceeding = _access(request, proceeding_id, "proceeding.edit")
    decision = services.decision_record(
        actor=api_user(request),
        proceeding=proceeding,
        kind=payload.kind.value,
        decided_on=payload.decided_on,
        summary=payload.summary,
        idempotency_key=payload.idempotency_key,
    )
    return 201, decision


@router.get("/proceedings/{proceeding_id}/interviews", response=list[InterviewOut])
def interview_list(request: HttpRequest, proceeding_id: int) -> list[Interview]:
    return selectors.interviews_of(_access(request, proceeding_id))


@router.post("/proceedings/{proceeding_id}/interviews", response={201: InterviewOut})
def interview_create(
    request: HttpRequest, proceeding_id: int, payload: InterviewCreateIn
) -> tuple[int, Interview]:
    """Where the child already gave a recorded statement, ``repeat_justification`` is required
    (422 naming it otherwise); it is kept in the audit trail."""
    proceeding = _access(request, proceeding_id, "interview.record")
    interview = services.interview_record(
        actor=api_user(request),
        proceeding=proceeding,
        data=services.InterviewInput(**payload.dict(exclude={"idempotency_key"})),
        idempotency_key=payload.idempotency_key,
    )
    return 201, interview


def _claim_input(payload: ClaimIn) -> services.ClaimInput:
    return services.ClaimInput(
        route=payload.route.value,
        status=payload.status.value,
        amount_claimed=payload.amount_claimed,
        amount_awarded=payload.amount_awarded,
        amount_received=payload.amount_received,
        filed_on=payload.filed_on,
        decided_on=payload.decided_on,
        received_on=payload.received_on,
        note=payload.note,
    )


@router.get("/proceedings/{proceeding_id}/claims", response=list[ClaimOut])
def claim_list(request: HttpRequest, proceeding_id: int) -> list[CompensationClaim]:
    return selectors.claims_of(_access(request, proceeding_id))


@router.post("/proceedings/{proceeding_id}/claims", response={201: ClaimOut})
def claim_create(
    request: HttpRequest, proceeding_id: int, payload: ClaimCreateIn
) -> tuple[int, CompensationClaim]:
    """Amounts in tenge (KZT), not negative; received never more than awarded."""
    proceeding = _access(request, proceeding_id, "claim.record")
    claim = services.claim_create(
        actor=api_user(request),
        proceeding=proceeding,
        data=_claim_input(payload),
        idempotency_key=payload.idempotency_key,
    )
    return 201, claim


@router.put("/claims/{claim_id}", response=ClaimOut)
def claim_update(request: HttpRequest, claim_id: int, payload: ClaimUpdateIn) -> Any:
    claim = selectors.access_claim(
        user=api_user(request), workspace=api_workspace(request), pk=claim_id, action="claim.edit"
    )
    return services.claim_update(
        actor=api_user(request), claim=claim, version=payload.version, data=_claim_input(payload)
    )


@router.get("/notices", response=list[NoticeOut])
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    """Non-punishment notices to the caller's organisations (supervisors and prosecutors)."""
    user = api_user(request)
    if not can(user, "proceeding.notices"):
        raise PermissionDenied
    return [
        {
            "id": notice.pk,
            "proceeding_id": notice.proceeding_id,
            "register_number": notice.proceeding.register_number,
            "case_number": notice.proceeding.case.number,
            "organisation": notice.organisation.name,
            "created_at": notice.created_at,
            "read_at": notice.read_at,
        }
        for notice in selectors.notices_for(user=user, workspace=api_workspace(request))[:100]
    ]
