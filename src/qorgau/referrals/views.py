"""Pages of referrals: send from a case, the provider's inbox, one referral, the overdue list.

Thin: parse the input, call a selector or a service, render. Decline, complete and cancel ask
for a reason on a page of their own, which is the confirmation.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.cases import selectors as case_selectors
from qorgau.cases.services import ConsentRequired
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace
from qorgau.directory.models import ServiceType
from qorgau.referrals import selectors, services, transfer_selectors
from qorgau.referrals.forms import AttachDocumentForm, OutcomeForm, ReasonForm, SendForm
from qorgau.referrals.models import Referral
from qorgau.referrals.transfer_views import shareable_documents

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_selectors.access_case(
        user=user, workspace=request_workspace(request), pk=case_pk, action="referral.send"
    )
    data = request.POST if request.method == "POST" else None
    type_pk = (data or request.GET).get("service_type")
    service_type = (
        ServiceType.objects.filter(pk=int(type_pk)).first()
        if type_pk and type_pk.isdigit()
        else None
    )
    providers = (
        selectors.providers_for(case=case, service_type=service_type) if service_type else []
    )
    form = SendForm(
        data, providers=providers, initial={"service_type": service_type} if service_type else None
    )
    status = 200
    if data is not None and form.is_valid():
        try:
            referral = services.referral_send(
                actor=user,
                case=case,
                provider=form.cleaned_data["provider"],
                service_type=form.cleaned_data["service_type"],
                reason=form.cleaned_data["reason"],
                urgent_reason=form.cleaned_data["urgent_reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ConsentRequired as error:
            form.add_error("urgent_reason", str(error))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("referrals:detail", pk=referral.pk)
        status = 400
    elif data is not None:
        status = 400
    context = {"case": case, "form": form, "service_type": service_type, "providers": providers}
    return render(request, "referrals/send.html", context, status=status)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not (can(user, "referral.inbox") or can(user, "case.list")):
        raise PermissionDenied
    workspace = request_workspace(request)
    incoming = Paginator(
        selectors.incoming_referrals(user=user, workspace=workspace), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    outgoing = Paginator(selectors.outgoing(user=user, workspace=workspace), PAGE_SIZE).get_page(
        request.GET.get("sent")
    )
    context = {
        "incoming": [selectors.provider_view(referral) for referral in incoming.object_list],
        "incoming_page": incoming,
        "outgoing_page": outgoing,
        "perms_transfer_inbox": can(user, "transfer.inbox"),
    }
    return render(request, "referrals/inbox.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "referral.overdue"):
        raise PermissionDenied
    referrals = selectors.overdue(user=user, workspace=request_workspace(request))
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/overdue.html", {"page": page})


def _detail_context(user: User, referral: Referral) -> dict[str, object]:
    full = can(user, "referral.view_case", referral)
    return {
        "referral": referral if full else None,
        "summary": selectors.provider_view(referral),
        "full": full,
        "history": selectors.referral_history(referral) if full else [],
        "may_respond": can(user, "referral.respond", referral),
        "may_cancel": can(user, "referral.cancel", referral),
        "status": referral.status,
        "documents": transfer_selectors.referral_documents(user=user, referral=referral),
        "attach_form": AttachDocumentForm(
            documents=shareable_documents(user=user, referral=referral)
        )
        if can(user, "referral.attach_document", referral)
        else None,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    referral = selectors.referral_for(user=user, workspace=request_workspace(request), pk=pk)
    return render(request, "referrals/detail.html", _detail_context(user, referral))


_WITH_REASON = {
    "decline": (ReasonForm, _("Decline the referral")),
    "complete": (OutcomeForm, _("Complete the referral")),
    "cancel": (ReasonForm, _("Cancel the referral")),
}


@login_required
@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    referral = selectors.referral_for(user=user, workspace=request_workspace(request), pk=pk)
    if action in ("accept", "start"):
        if request.method != "POST":
            return redirect("referrals:detail", pk=pk)
        service = services.referral_accept if action == "accept" else services.referral_start
        try:
            service(actor=user, referral=referral)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The referral is updated."))
        return redirect("referrals:detail", pk=pk)
    if action not in _WITH_REASON:
        raise Http404
    form_class, title = _WITH_REASON[action]
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if action == "decline":
                services.referral_decline(actor=user, referral=referral, reason=reason)
            elif action == "complete":
                services.referral_complete(actor=user, referral=referral, outcome=reason)
            else:
                services.referral_cancel(actor=user, referral=referral, reason=reason)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The referral is updated."))
            return redirect("referrals:detail", pk=pk)
    context = {"form": form, "title": title, "summary": selectors.provider_view(referral)}
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/confirm.html", context, status=status)
