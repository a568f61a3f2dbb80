"""The referral API: incoming and outgoing lists, one referral, and its actions.

Same rules as the pages: the provider gets only the minimum, the sender's case team the case.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.cases import selectors as case_selectors
from qorgau.core.http import api_user, api_workspace, page_window
from qorgau.directory.models import ServiceType
from qorgau.referrals import selectors, services
from qorgau.referrals.models import Referral
from qorgau.referrals.schemas import ReasonIn, ReferralOut, ReferralPage, SendIn

router = Router(tags=["referrals"])


def _body(user: User, referral: Referral) -> dict[str, Any]:
    view = selectors.provider_view(referral)
    body: dict[str, Any] = {
        "id": view.pk,
        "status": view.status,
        "service_type": referral.service_type.key,
        "initials": view.initials,
        "age_band": view.age_band,
        "languages": view.languages,
        "needs": view.needs,
        "sender_organisation": view.sender_organisation,
        "sender_name": view.sender_name,
        "sender_email": view.sender_email,
        "respond_by": view.respond_by,
        "complete_by": view.complete_by,
        "decline_reason": view.decline_reason,
        "outcome": view.outcome,
        "is_overdue": view.is_overdue,
        "case": None,
    }
    if can(user, "referral.view_case", referral):
        body["case"] = {
            "id": referral.case_id,
            "number": referral.case.number,
            "provider": referral.provider.name,
            "urgent_reason": referral.urgent_reason,
        }
    return body


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = api_user(request)
    referral = selectors.referral_for(user=user, workspace=api_workspace(request), pk=pk)
    return _body(user, referral)


@router.get("/incoming", response=ReferralPage)
def incoming(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Referrals to the caller's provider organisations: the minimum only. Paginated."""
    referrals = selectors.incoming_referrals(
        user=api_user(request), workspace=api_workspace(request)
    )
    start, stop = page_window(limit, offset)
    items = []
    for referral in referrals[start:stop]:
        view = selectors.provider_view(referral)
        items.append(
            {
                "id": view.pk,
                "status": view.status,
                "service_type": referral.service_type.key,
                "initials": view.initials,
                "age_band": view.age_band,
                "languages": view.languages,
                "needs": view.needs,
                "sender_organisation": view.sender_organisation,
                "sender_name": view.sender_name,
                "sender_email": view.sender_email,
                "respond_by": view.respond_by,
                "complete_by": view.complete_by,
                "decline_reason": view.decline_reason,
                "outcome": view.outcome,
                "is_overdue": view.is_overdue,
            }
        )
    return {"items": items, "count": referrals.count()}


@router.get("/outgoing", response=ReferralPage)
def outgoing(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Referrals sent by the caller's organisations, with their case. Paginated."""
    user = api_user(request)
    referrals = selectors.with_child(
        selectors.outgoing(user=user, workspace=api_workspace(request))
    )
    start, stop = page_window(limit, offset)
    return {
        "items": [_body(user, referral) for referral in referrals[start:stop]],
        "count": referrals.count(),
    }


@router.post("/", response={201: ReferralOut})
def send(request: HttpRequest, payload: SendIn) -> tuple[int, dict[str, Any]]:
    """Send a referral; the same idempotency key sends it once. Without consent for referral,
    give ``urgent_reason`` (audited, shown to the supervisor), or it is refused (403)."""
    user = api_user(request)
    workspace = api_workspace(request)
    case = case_selectors.access_case(
        user=user, workspace=workspace, pk=payload.case_id, action="referral.send"
    )
    provider = Organisation.objects.filter(pk=payload.provider_id, is_active=True).first()
    service_type = ServiceType.objects.filter(key=payload.service_type).first()
    if provider is None:
        raise ValidationError({"provider_id": [_("Choose a provider from the directory.")]})
    if service_type is None:
        raise ValidationError({"service_type": [_("Choose one of the allowed values.")]})
    referral = services.referral_send(
        actor=user,
        case=case,
        provider=provider,
        service_type=service_type,
        reason=payload.reason,
        idempotency_key=payload.idempotency_key,
        urgent_reason=payload.urgent_reason,
    )
    return 201, _detail(request, referral.pk)


@router.get("/{referral_id}", response=ReferralOut)
def detail(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _detail(request, referral_id)


def _referral(request: HttpRequest, pk: int) -> Referral:
    return selectors.referral_for(user=api_user(request), workspace=api_workspace(request), pk=pk)


@router.post("/{referral_id}/accept", response=ReferralOut)
def accept(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    services.referral_accept(actor=api_user(request), referral=_referral(request, referral_id))
    return _detail(request, referral_id)


@router.post("/{referral_id}/start", response=ReferralOut)
def start(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    services.referral_start(actor=api_user(request), referral=_referral(request, referral_id))
    return _detail(request, referral_id)


@router.post("/{referral_id}/decline", response=ReferralOut)
def decline(request: HttpRequest, referral_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.referral_decline(
        actor=api_user(request), referral=_referral(request, referral_id), reason=payload.reason
    )
    return _detail(request, referral_id)


@router.post("/{referral_id}/complete", response=ReferralOut)
def complete(request: HttpRequest, referral_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.referral_complete(
        actor=api_user(request), referral=_referral(request, referral_id), outcome=payload.reason
    )
    return _detail(request, referral_id)


@router.post("/{referral_id}/cancel", response=ReferralOut)
def cancel(request: HttpRequest, referral_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.referral_cancel(
        actor=api_user(request), referral=_referral(request, referral_id), reason=payload.reason
    )
    return _detail(request, referral_id)


# Transfers and the documents shared with a provider live in their own module, on this router.
from qorgau.referrals import transfer_api  # noqa: E402, F401
