"""Pages of case transfers (request, the transfers page, answer) and documents shared with a
referral's provider. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can, case_lead_ids, case_taking_organisation_ids
from qorgau.cases import record_selectors, record_services
from qorgau.cases import selectors as case_selectors
from qorgau.cases.models import CaseDocument, Confidentiality
from qorgau.cases.record_views import attachment_response
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace
from qorgau.referrals import selectors, services, transfer_selectors, transfers
from qorgau.referrals.forms import AcceptTransferForm, AttachDocumentForm, ReasonForm, TransferForm
from qorgau.referrals.models import Referral, Transfer
from qorgau.referrals.selectors import age_band, initials

PAGE_SIZE = 20


def receiving_organisations(case_organisation_id: int) -> object:
    return (
        Organisation.objects.filter(is_active=True, pk__in=case_taking_organisation_ids())
        .exclude(pk=case_organisation_id)
        .select_related("region")
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_transfer(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_selectors.access_case(
        user=user, workspace=request_workspace(request), pk=case_pk, action="transfer.request"
    )
    form = TransferForm(
        request.POST or None, organisations=receiving_organisations(case.organisation_id)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = transfers.transfer_request(actor=user, case=case, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                offered = _(
                    "The transfer is offered to %(organisation)s. The case stays yours until "
                    "they accept."
                )
                organisation = transfer.to_organisation.name
                messages.success(request, offered % {"organisation": organisation})
                return redirect("referrals:transfer", pk=transfer.pk)
        status = 400
    return render(
        request, "referrals/transfer_request.html", {"case": case, "form": form}, status=status
    )


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "transfer.inbox"):
        raise PermissionDenied
    workspace = request_workspace(request)
    incoming = Paginator(
        transfer_selectors.transfers_incoming(user=user, workspace=workspace), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    outgoing = Paginator(
        transfer_selectors.transfers_outgoing(user=user, workspace=workspace), PAGE_SIZE
    ).get_page(request.GET.get("sent"))
    context = {"incoming": incoming, "outgoing": outgoing}
    return render(request, "referrals/transfers.html", context)


def _transfer_context(user: User, transfer: Transfer, **extra: object) -> dict[str, object]:
    may_respond = can(user, "transfer.respond", transfer)
    managers = User.objects.filter(pk__in=case_lead_ids(transfer.to_organisation)).order_by(
        "first_name", "username"
    )
    child = transfer.case.child
    return {
        "transfer": transfer,
        "initials": initials(child),
        "age_band": age_band(child),
        "sees_case": can(user, "case.view", transfer.case),
        "may_respond": may_respond,
        "may_cancel": can(user, "transfer.cancel", transfer),
        "accept_form": extra.get("accept_form")
        or (AcceptTransferForm(managers=managers) if may_respond else None),
    }


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    transfer = transfer_selectors.access_transfer(
        user=user, workspace=request_workspace(request), pk=pk, action="transfer.view"
    )
    return render(request, "referrals/transfer.html", _transfer_context(user, transfer))


@login_required
@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    transfer = transfer_selectors.access_transfer(
        user=user, workspace=request_workspace(request), pk=pk, action="transfer.view"
    )
    if transfer.status == Transfer.Status.ACCEPTED and transfer.responded_by_id == user.pk:
        return redirect("cases:detail", pk=transfer.case_id)  # a double click
    if not can(user, "transfer.respond", transfer):
        raise PermissionDenied
    managers = User.objects.filter(pk__in=case_lead_ids(transfer.to_organisation))
    form = AcceptTransferForm(request.POST, managers=managers)
    if form.is_valid():
        try:
            transfers.transfer_accept(
                actor=user, transfer=transfer, manager=form.cleaned_data["manager"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The case is now run by your organisation."))
            return redirect("cases:detail", pk=transfer.case_id)
    context = _transfer_context(user, transfer, accept_form=form)
    return render(request, "referrals/transfer.html", context, status=400)


_WITH_REASON = {
    "decline": ("transfer.respond", transfers.transfer_decline),
    "cancel": ("transfer.cancel", transfers.transfer_cancel),
}


@login_required
@require_http_methods(["GET", "POST"])
def transfer_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _WITH_REASON:
        raise Http404
    permission, service = _WITH_REASON[action]
    user = request_user(request)
    transfer = transfer_selectors.access_transfer(
        user=user, workspace=request_workspace(request), pk=pk, action=permission
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=user, transfer=transfer, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The transfer is updated."))
            return redirect("referrals:transfer", pk=pk)
    title = _("Decline the transfer") if action == "decline" else _("Cancel the transfer")
    context = {"form": form, "title": title, "transfer": transfer}
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/transfer_confirm.html", context, status=status)


# --- documents shared with the provider ---------------------------------------------------
def shareable_documents(*, user: User, referral: Referral) -> object:
    return (
        record_selectors.documents_for(user=user, case=referral.case)
        .filter(status=CaseDocument.Status.ACTIVE, level=Confidentiality.TEAM)
        .exclude(referral_attachments__referral=referral)
    )


@login_required
@require_POST
def attach_document(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    referral = selectors.referral_for(user=user, workspace=request_workspace(request), pk=pk)
    if not can(user, "referral.attach_document", referral):
        raise PermissionDenied
    form = AttachDocumentForm(
        request.POST, documents=shareable_documents(user=user, referral=referral)
    )
    if form.is_valid():
        try:
            services.referral_attach_document(
                actor=user, referral=referral, document=form.cleaned_data["document"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The provider can now read this document."))
    else:
        messages.error(request, _("Choose a document to share."))
    return redirect("referrals:detail", pk=pk)


@login_required
def shared_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A provider downloads a document shared on its referral (checked and recorded)."""
    user = request_user(request)
    referral = selectors.referral_for(user=user, workspace=request_workspace(request), pk=pk)
    shared = {d.pk: d for d in transfer_selectors.referral_documents(user=user, referral=referral)}
    document = shared.get(document_pk)
    if document is None:
        raise Http404
    handle = record_services.document_download(actor=user, document=document)
    return attachment_response(handle, document)
