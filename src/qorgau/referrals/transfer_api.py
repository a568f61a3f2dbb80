"""The referral API's case transfers and shared documents, on the referrals router.

Same selectors, services and rules as the pages. Lists are paginated with limit/offset.
"""

# No `from __future__ import annotations`: django-ninja must see real types.

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from qorgau.accounts.models import Organisation, User
from qorgau.cases import record_selectors, record_services
from qorgau.cases import selectors as case_selectors
from qorgau.cases.record_views import attachment_response
from qorgau.core.http import api_user, api_workspace, page_window
from qorgau.referrals import selectors, services, transfer_selectors, transfers
from qorgau.referrals.api import router
from qorgau.referrals.models import Transfer
from qorgau.referrals.selectors import age_band, initials


class TransferIn(Schema):
    case_id: int
    to_organisation_id: int
    handover_note: str
    keep_access: bool = True
    idempotency_key: uuid.UUID


class AcceptIn(Schema):
    manager_id: int | None = None


class TransferReasonIn(Schema):
    reason: str


class TransferRowOut(Schema):
    """A list row: no handover note, which is read on the detail (``access_transfer``
    checks and records the receiver's read)."""

    id: int
    status: str
    case_id: int
    case_number: str
    child_initials: str
    child_age_band: str
    from_organisation: str
    from_region: str
    to_organisation: str
    to_region: str
    keep_access: bool
    requested_by: str
    requested_at: Any
    responded_at: Any | None
    new_manager: str | None
    decline_reason: str


class TransferOut(TransferRowOut):
    handover_note: str


class TransferPage(Schema):
    items: list[TransferRowOut]
    count: int


class SharedDocumentOut(Schema):
    id: int
    title: str
    original_name: str
    content_type: str
    size: int


class AttachIn(Schema):
    document_id: int


def _row(transfer: Transfer) -> dict[str, Any]:
    child = transfer.case.child
    return {
        "id": transfer.pk,
        "status": transfer.status,
        "case_id": transfer.case_id,
        "case_number": transfer.case.number,
        "child_initials": initials(child),
        "child_age_band": age_band(child),
        "from_organisation": transfer.from_organisation.name,
        "from_region": transfer.from_region.key,
        "to_organisation": transfer.to_organisation.name,
        "to_region": transfer.to_organisation.region.key,
        "keep_access": transfer.keep_access,
        "requested_by": transfer.requested_by.get_username(),
        "requested_at": transfer.created_at,
        "responded_at": transfer.responded_at,
        "new_manager": transfer.new_manager.get_username() if transfer.new_manager else None,
        "decline_reason": transfer.decline_reason,
    }


def _body(transfer: Transfer) -> dict[str, Any]:
    """The detail: only for a transfer fetched through ``access_transfer``."""
    return {**_row(transfer), "handover_note": transfer.handover_note}


def _page(transfers_qs: Any, limit: int, offset: int) -> dict[str, Any]:
    start, stop = page_window(limit, offset)
    return {"items": [_row(t) for t in transfers_qs[start:stop]], "count": transfers_qs.count()}


@router.get("/transfers/incoming", response=TransferPage, tags=["transfers"])
def transfer_incoming(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Cases offered to the caller's organisations (where they manage or supervise cases)."""
    qs = transfer_selectors.transfers_incoming(
        user=api_user(request), workspace=api_workspace(request)
    )
    return _page(qs, limit, offset)


@router.get("/transfers/outgoing", response=TransferPage, tags=["transfers"])
def transfer_outgoing(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Cases the caller's organisations offered to others."""
    qs = transfer_selectors.transfers_outgoing(
        user=api_user(request), workspace=api_workspace(request)
    )
    return _page(qs, limit, offset)


def _transfer(request: HttpRequest, pk: int, action: str) -> Transfer:
    return transfer_selectors.access_transfer(
        user=api_user(request), workspace=api_workspace(request), pk=pk, action=action
    )


@router.post("/transfers/", response={201: TransferOut}, tags=["transfers"])
def transfer_request(request: HttpRequest, payload: TransferIn) -> tuple[int, dict[str, Any]]:
    """Offer a case to another organisation with a handover note; the same idempotency key
    offers it once. The case stays with the sender until the receiver accepts."""
    user = api_user(request)
    case = case_selectors.access_case(
        user=user, workspace=api_workspace(request), pk=payload.case_id, action="transfer.request"
    )
    organisation = Organisation.objects.filter(pk=payload.to_organisation_id).first()
    if organisation is None:
        raise ValidationError({"to_organisation_id": [_("Choose an organisation.")]})
    transfer = transfers.transfer_request(
        actor=user,
        case=case,
        to_organisation=organisation,
        handover_note=payload.handover_note,
        keep_access=payload.keep_access,
        idempotency_key=payload.idempotency_key,
    )
    return 201, _body(_transfer(request, transfer.pk, "transfer.view"))


@router.get("/transfers/{transfer_id}", response=TransferOut, tags=["transfers"])
def transfer_detail(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    return _body(_transfer(request, transfer_id, "transfer.view"))


@router.post("/transfers/{transfer_id}/accept", response=TransferOut, tags=["transfers"])
def transfer_accept(request: HttpRequest, transfer_id: int, payload: AcceptIn) -> dict[str, Any]:
    """Take the case over; ``manager_id`` (default: the caller) becomes its case manager."""
    transfer = _transfer(request, transfer_id, "transfer.respond")
    manager = None
    if payload.manager_id is not None:
        manager = User.objects.filter(pk=payload.manager_id, is_active=True).first()
        if manager is None:
            raise ValidationError({"manager_id": [_("The case manager must work on cases here.")]})
    transfers.transfer_accept(actor=api_user(request), transfer=transfer, manager=manager)
    return _body(_transfer(request, transfer_id, "transfer.view"))


@router.post("/transfers/{transfer_id}/decline", response=TransferOut, tags=["transfers"])
def transfer_decline(
    request: HttpRequest, transfer_id: int, payload: TransferReasonIn
) -> dict[str, Any]:
    transfer = _transfer(request, transfer_id, "transfer.respond")
    transfers.transfer_decline(actor=api_user(request), transfer=transfer, reason=payload.reason)
    return _body(_transfer(request, transfer_id, "transfer.view"))


@router.post("/transfers/{transfer_id}/cancel", response=TransferOut, tags=["transfers"])
def transfer_cancel(
    request: HttpRequest, transfer_id: int, payload: TransferReasonIn
) -> dict[str, Any]:
    transfer = _transfer(request, transfer_id, "transfer.cancel")
    transfers.transfer_cancel(actor=api_user(request), transfer=transfer, reason=payload.reason)
    return _body(_transfer(request, transfer_id, "transfer.view"))


# --- documents shared with the provider ---------------------------------------------------
@router.get("/{referral_id}/documents", response=list[SharedDocumentOut], tags=["referrals"])
def shared_documents(request: HttpRequest, referral_id: int) -> list[Any]:
    """The documents the sender shared on this referral (the provider sees no other)."""
    user = api_user(request)
    referral = selectors.referral_for(user=user, workspace=api_workspace(request), pk=referral_id)
    return transfer_selectors.referral_documents(user=user, referral=referral)


@router.post("/{referral_id}/documents", response={201: SharedDocumentOut}, tags=["referrals"])
def attach_document(request: HttpRequest, referral_id: int, payload: AttachIn) -> tuple[int, Any]:
    """Share one current, team-level case document with the referral's provider."""
    user = api_user(request)
    referral = selectors.referral_for(user=user, workspace=api_workspace(request), pk=referral_id)
    document = (
        record_selectors.documents_for(user=user, case=referral.case)
        .filter(pk=payload.document_id)
        .first()
    )
    if document is None:
        raise ValidationError({"document_id": [_("Choose a document of this referral's case.")]})
    services.referral_attach_document(actor=user, referral=referral, document=document)
    return 201, document


@router.get("/{referral_id}/documents/{document_id}", tags=["referrals"])
def shared_document_download(
    request: HttpRequest, referral_id: int, document_id: int
) -> FileResponse:
    """Download a shared document (recorded in the audit trail)."""
    user = api_user(request)
    referral = selectors.referral_for(user=user, workspace=api_workspace(request), pk=referral_id)
    shared = {d.pk: d for d in transfer_selectors.referral_documents(user=user, referral=referral)}
    document = shared.get(document_id)
    if document is None:
        raise Http404
    return attachment_response(
        record_services.document_download(actor=user, document=document), document
    )
