"""Pages of the justice module: the list, one proceeding, and the forms that record.

Thin: parse the input, call a selector or a service, render. Every write goes through the
services (and their audit events); every object comes through the access_* selectors.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.permissions import can
from qorgau.cases import selectors as case_selectors
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace
from qorgau.justice import selectors, services
from qorgau.justice.articles import criminal_code_articles
from qorgau.justice.forms import ClaimForm, DecisionForm, InterviewForm, ProceedingForm
from qorgau.justice.models import CompensationClaim, NonPunishmentNotice, Proceeding

PAGE_SIZE = 25


@login_required
def proceeding_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "proceeding.list"):
        raise PermissionDenied
    workspace = request_workspace(request)
    number = request.GET.get("number", "")[:32]
    proceedings = selectors.proceedings_visible_to(user=user, workspace=workspace, number=number)
    page = Paginator(proceedings, PAGE_SIZE).get_page(request.GET.get("page"))
    articles = criminal_code_articles()
    for proceeding in page.object_list:
        proceeding.article_labels = articles.labels(proceeding.articles)  # type: ignore[attr-defined]
    notices = (
        list(selectors.notices_for(user=user, workspace=workspace)[:20])
        if can(user, "proceeding.notices")
        else []
    )
    context = {"page": page, "number": number, "notices": notices}
    return render(request, "justice/list.html", context)


def _proceeding_input(form: ProceedingForm) -> services.ProceedingInput:
    data = form.cleaned_data
    return services.ProceedingInput(
        register_number=data["register_number"],
        registered_on=data["registered_on"],
        articles=list(data["articles"]),
        investigating_organisation=data["investigating_organisation"],
        prosecutor_organisation=data["prosecutor_organisation"],
        stage=data["stage"],
        outcome=data["outcome"] or "",
        child_role=data["child_role"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_selectors.access_case(
        user=user, workspace=request_workspace(request), pk=case_pk, action="proceeding.create"
    )
    form = ProceedingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proceeding = services.proceeding_create(
                actor=user,
                case=case,
                data=_proceeding_input(form),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The proceeding is recorded."))
            return redirect("justice:detail", pk=proceeding.pk)
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "form": form, "title": _("Record a criminal proceeding")}
    return render(request, "justice/proceeding_form.html", context, status=status)


@login_required
def proceeding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proceeding = selectors.access_proceeding(
        user=user, workspace=request_workspace(request), pk=pk, action="proceeding.view"
    )
    may_edit = can(user, "proceeding.edit", proceeding)
    context = {
        "proceeding": proceeding,
        "articles": criminal_code_articles().labels(proceeding.articles),
        "names": list(proceeding.case.child.names.all()),
        "may_see_case": can(user, "case.view", proceeding.case),
        "may_edit": may_edit,
        "may_interview": can(user, "interview.record", proceeding),
        "may_claim": can(user, "claim.record", proceeding),
        "decisions": selectors.decisions_of(proceeding),
        "interviews": selectors.interviews_of(proceeding),
        "claims": selectors.claims_of(proceeding),
        "decision_form": DecisionForm() if may_edit else None,
    }
    return render(request, "justice/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proceeding = selectors.access_proceeding(
        user=user, workspace=request_workspace(request), pk=pk, action="proceeding.edit"
    )
    initial = {
        "version": proceeding.version,
        "register_number": proceeding.register_number,
        "registered_on": proceeding.registered_on,
        "articles": proceeding.articles,
        "child_role": proceeding.child_role,
        "investigating_organisation": proceeding.investigating_organisation_id,
        "prosecutor_organisation": proceeding.prosecutor_organisation_id,
        "stage": proceeding.stage,
        "outcome": proceeding.outcome,
    }
    form = ProceedingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.proceeding_update(
                actor=user,
                proceeding=proceeding,
                version=form.cleaned_data["version"] or 0,
                data=_proceeding_input(form),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The proceeding is updated."))
            return redirect("justice:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "case": proceeding.case,
        "proceeding": proceeding,
        "form": form,
        "title": _("Edit the proceeding"),
    }
    return render(request, "justice/proceeding_form.html", context, status=status)


@login_required
@require_POST
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proceeding = selectors.access_proceeding(
        user=user, workspace=request_workspace(request), pk=pk, action="proceeding.edit"
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(actor=user, proceeding=proceeding, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("justice:detail", pk=pk)
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
    return redirect("justice:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def interview_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proceeding = selectors.access_proceeding(
        user=user, workspace=request_workspace(request), pk=pk, action="interview.record"
    )
    recorded = selectors.recorded_statements_seen_by(user=user, proceeding=proceeding)
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data)
            key = fields.pop("idempotency_key")
            services.interview_record(
                actor=user,
                proceeding=proceeding,
                data=services.InterviewInput(**fields),
                idempotency_key=key,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The interview is recorded."))
            return redirect("justice:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"proceeding": proceeding, "form": form, "recorded": recorded}
    return render(request, "justice/interview_form.html", context, status=status)


def _claim_input(form: ClaimForm) -> services.ClaimInput:
    data = form.cleaned_data
    return services.ClaimInput(
        route=data["route"],
        status=data["status"],
        amount_claimed=data["amount_claimed"],
        amount_awarded=data["amount_awarded"],
        amount_received=data["amount_received"] or Decimal("0"),
        filed_on=data["filed_on"],
        decided_on=data["decided_on"],
        received_on=data["received_on"],
        note=data["note"],
    )


def _claim_page(
    request: HttpRequest, form: ClaimForm, proceeding: Proceeding, claim: Any = None
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"proceeding": proceeding, "claim": claim, "form": form}
    return render(request, "justice/claim_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proceeding = selectors.access_proceeding(
        user=user, workspace=request_workspace(request), pk=pk, action="claim.record"
    )
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_create(
                actor=user,
                proceeding=proceeding,
                data=_claim_input(form),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The claim is recorded."))
            return redirect("justice:detail", pk=pk)
    return _claim_page(request, form, proceeding)


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    claim: CompensationClaim = selectors.access_claim(
        user=user, workspace=request_workspace(request), pk=pk, action="claim.edit"
    )
    initial = {name: getattr(claim, name) for name in ClaimForm.base_fields if hasattr(claim, name)}
    form = ClaimForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(
                actor=user,
                claim=claim,
                version=form.cleaned_data["version"] or 0,
                data=_claim_input(form),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The claim is updated."))
            return redirect("justice:detail", pk=claim.proceeding_id)
    return _claim_page(request, form, claim.proceeding, claim)


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    notice = (
        NonPunishmentNotice.objects.in_workspace(request_workspace(request))
        .select_related("organisation", "proceeding")
        .filter(pk=pk)
        .first()
    )
    if notice is None or not can(user, "proceeding.notices", notice.organisation):
        raise Http404
    services.notice_mark_read(actor=user, notice=notice)
    return redirect("justice:list")
