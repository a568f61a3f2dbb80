"""Pages of the case module: list, register a child, case page, team, consent, supervision.

Thin: parse the input, call a selector or a service, render. Every page works without
JavaScript; actions that change a case are POST forms with a confirmation where they matter.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.accounts.selectors import current_regions
from qorgau.cases import selectors, services
from qorgau.cases.forms import (
    NAME_ROWS,
    ApprovalRequestForm,
    ChildForm,
    ConsentForm,
    InviteForm,
    StageForm,
    WithdrawForm,
)
from qorgau.cases.models import NEXT_STAGES, Case, Stage
from qorgau.cases.search import search_cases
from qorgau.cases.services import ChildInput, FamilyInput, NameInput
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace
from qorgau.screening.selectors import access_identification

PAGE_SIZE = 25


def _key(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return uuid.uuid4()


def _child_input(data: dict[str, Any]) -> ChildInput:
    family = []
    if data.get("family_name"):
        family.append(
            FamilyInput(data["family_name"], data["family_relation"], data["family_contact"])
        )
    return ChildInput(
        region=data["region"],
        names=[
            NameInput(data[f"name_{row}"], data[f"script_{row}"], data[f"source_{row}"])
            for row in range(1, NAME_ROWS + 1)
            if data.get(f"name_{row}")
        ],
        birth_date=data["birth_date"],
        age_min=data["age_min"],
        age_max=data["age_max"],
        sex=data["sex"],
        citizenship=data["citizenship"],
        languages=data["languages"],
        disability=data["disability"],
        special_needs=data["special_needs"],
        care_status=data["care_status"],
        address=data["address"],
        guardian_name=data["guardian_name"],
        guardian_relation=data["guardian_relation"],
        guardian_contact=data["guardian_contact"],
        family=family,
    )


def _matches(request: HttpRequest, data: dict[str, Any]) -> list[selectors.PossibleMatch]:
    return selectors.possible_matches(
        user=request_user(request),
        workspace=request_workspace(request),
        names=[data[f"name_{row}"] for row in range(1, NAME_ROWS + 1) if data.get(f"name_{row}")],
        birth_date=data.get("birth_date"),
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        sex=data.get("sex") or None,
        region_id=data["region"].pk if data.get("region") else None,
    )


# --- list ---------------------------------------------------------------------------------
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "case.list"):
        raise PermissionDenied
    workspace = request_workspace(request)
    number = request.GET.get("number", "")[:100]
    cases = search_cases(
        selectors.cases_visible_to(user=user, workspace=workspace),
        workspace=workspace,
        text=number,
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "number": number,
        "can_register": selectors.case_organisations(user=user).exists(),
        "invitations": list(selectors.invitations_for(user=user, workspace=workspace)),
    }
    return render(request, "cases/list.html", context)


# --- register a child and open the case ---------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def child_register(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    organisations = list(selectors.case_organisations(user=user).select_related("region"))
    if not organisations:
        raise PermissionDenied
    organisation = organisations[0]
    form = ChildForm(
        request.POST or None,
        regions=current_regions(),
        initial={"region": organisation.region_id, "citizenship": "KZ"},
    )
    matches: list[selectors.PossibleMatch] | None = None
    if request.method == "POST" and form.is_valid():
        matches = _matches(request, form.cleaned_data)
        checked = request.POST.get("checked") == "yes"
        if checked or not matches:
            try:
                child = services.child_register(
                    actor=user,
                    organisation=organisation,
                    workspace=workspace,
                    data=_child_input(form.cleaned_data),
                )
                case = services.case_open(
                    actor=user,
                    organisation=organisation,
                    workspace=workspace,
                    idempotency_key=_key(request),
                    child=child,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Case %(number)s is open. The guardianship authority has been told.")
                    % {"number": case.number},
                )
                return redirect("cases:detail", pk=case.pk)
    context = {
        "form": form,
        "matches": matches,
        "organisation": organisation,
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
    }
    return render(request, "cases/register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def open_from_identification(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    identification = access_identification(
        user=user, workspace=workspace, pk=pk, action="identification.view"
    )
    if not can(user, "case.open", identification.organisation):
        raise PermissionDenied
    existing = Case.objects.in_workspace(workspace).filter(identification=identification).first()
    if existing is not None:
        return redirect("cases:detail", pk=existing.pk)
    facts = services.child_input_from_identification(identification)
    if request.method == "POST":
        try:
            case = services.case_open_from_identification(
                actor=user, identification=identification, idempotency_key=_key(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Case %(number)s is open. The guardianship authority has been told.")
                % {"number": case.number},
            )
            return redirect("cases:detail", pk=case.pk)
    matches = selectors.possible_matches(
        user=user,
        workspace=workspace,
        names=[n.full_name for n in facts.names],
        birth_date=facts.birth_date,
        age_min=facts.age_min,
        age_max=facts.age_max,
        on=facts.age_estimated_on,
    )
    context = {
        "identification": identification,
        "screening": identification.screening,
        "facts": facts,
        "matches": matches,
        "idempotency_key": uuid.uuid4(),
    }
    return render(request, "cases/open_from_identification.html", context)


def _child_initial(child: Any, names: list[Any], family: list[Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(child, name)
        for name in (
            "birth_date",
            "age_min",
            "age_max",
            "sex",
            "citizenship",
            "languages",
            "disability",
            "special_needs",
            "care_status",
            "address",
            "guardian_name",
            "guardian_relation",
            "guardian_contact",
        )
    }
    initial["region"] = child.region_id
    initial["version"] = child.version
    for row, name in enumerate(names[:NAME_ROWS], start=1):
        initial[f"name_{row}"] = name.full_name
        initial[f"script_{row}"] = name.script
        initial[f"source_{row}"] = name.source
    if family:
        initial.update(
            family_name=family[0].name,
            family_relation=family[0].relation,
            family_contact=family[0].contact,
        )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the child's record of a case; a save over someone else's newer save is refused."""
    user = request_user(request)
    case = selectors.access_case(
        user=user, workspace=request_workspace(request), pk=pk, action="case.view"
    )
    if not can(user, "child.edit", case.child):
        raise PermissionDenied
    page = selectors.case_page(case=case)
    form = ChildForm(
        request.POST or None,
        regions=current_regions(),
        initial=_child_initial(case.child, page["names"], page["family"]),
        with_version=True,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                actor=user,
                child=case.child,
                version=form.cleaned_data["version"],
                data=_child_input(form.cleaned_data),
            )
        except ValidationError as error:
            attach_errors(form, error)
            status = 409
        else:
            messages.success(request, _("The child's record is saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/child_edit.html", {"form": form, "case": case}, status=status)


# --- the case page ------------------------------------------------------------------------
def _stage_choices(case: Case) -> list[tuple[str, str]]:
    labels = dict(Stage.choices)
    return [(stage, str(labels[stage])) for stage in NEXT_STAGES.get(case.stage, ())]


def _partners(case: Case) -> Any:
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(pk=case.organisation_id)
        .select_related("region")
        .order_by("name")
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    case = selectors.access_case(user=user, workspace=workspace, pk=pk, action="case.view")
    return _render_case(request, user, case)


def _render_case(request: HttpRequest, user: User, case: Case, **forms: Any) -> HttpResponse:
    may_edit = can(user, "case.edit", case)
    context: dict[str, Any] = {
        "case": case,
        "child": case.child,
        **selectors.case_page(case=case),
        "may_edit": may_edit,
        "may_approve": can(user, "case.approve", case),
        "stage_form": forms.get("stage_form")
        or (
            StageForm(stages=_stage_choices(case), initial={"version": case.version})
            if may_edit and _stage_choices(case)
            else None
        ),
        "invite_form": forms.get("invite_form")
        or (InviteForm(organisations=_partners(case)) if may_edit else None),
        "consent_form": forms.get("consent_form")
        or (ConsentForm(organisations=_partners(case)) if may_edit else None),
        "approval_form": forms.get("approval_form")
        or (ApprovalRequestForm() if may_edit else None),
    }
    return render(request, "cases/detail.html", context, status=forms.get("status", 200))


def _case_for_post(request: HttpRequest, pk: int, action: str) -> tuple[User, Case]:
    user = request_user(request)
    case = selectors.access_case(
        user=user, workspace=request_workspace(request), pk=pk, action=action
    )
    return user, case


@login_required
@require_POST
def case_stage(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_for_post(request, pk, "case.edit")
    form = StageForm(request.POST, stages=_stage_choices(case))
    if form.is_valid():
        try:
            services.case_change_stage(
                actor=user,
                case=case,
                version=form.cleaned_data["version"],
                to_stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The stage is changed."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, user, case, stage_form=form, status=409 if form.errors else 200)


@login_required
@require_POST
def case_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_for_post(request, pk, "case.invite")
    form = InviteForm(request.POST, organisations=_partners(case))
    if form.is_valid():
        try:
            services.team_invite(
                actor=user,
                case=case,
                organisation=form.cleaned_data["organisation"],
                role_note=form.cleaned_data["role_note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The organisation is invited."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, user, case, invite_form=form, status=400)


@login_required
@require_POST
def consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_for_post(request, pk, "case.consent")
    form = ConsentForm(request.POST, organisations=_partners(case))
    if form.is_valid():
        try:
            services.consent_give(actor=user, case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, user, case, consent_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    consent = selectors.access_consent(user=user, workspace=request_workspace(request), pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(actor=user, consent=consent, reason=form.cleaned_data["reason"])
        messages.success(request, _("The consent is withdrawn. Its history is kept."))
        return redirect("cases:detail", pk=consent.case_id)
    return render(request, "cases/withdraw.html", {"consent": consent, "form": form})


@login_required
@require_POST
def approval_request(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_for_post(request, pk, "case.request_approval")
    form = ApprovalRequestForm(request.POST)
    if form.is_valid():
        services.approval_request(actor=user, case=case, **form.cleaned_data)
        messages.success(request, _("The supervisor is asked to approve."))
        return redirect("cases:detail", pk=case.pk)
    return _render_case(request, user, case, approval_form=form, status=400)


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    approval = selectors.access_approval(user=user, workspace=request_workspace(request), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.approval_decide(
            actor=user, approval=approval, approve=approve, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect("cases:detail", pk=approval.case_id)


@login_required
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    member = selectors.access_team_member(user=user, workspace=request_workspace(request), pk=pk)
    accept = request.POST.get("decision") == "accept"
    services.team_respond(actor=user, member=member, accept=accept)
    if accept:
        messages.success(request, _("Your organisation is on the case team."))
        return redirect("cases:detail", pk=member.case_id)
    messages.success(request, _("The invitation is declined."))
    return redirect("cases:list")


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """A supervisor's page: approvals waiting, and every urgent consent override."""
    user = request_user(request)
    workspace = request_workspace(request)
    context = {
        "approvals": list(selectors.pending_approvals(user=user, workspace=workspace)),
        "overrides": list(selectors.overrides_for_supervisor(user=user, workspace=workspace)),
        "notifications": list(selectors.notifications_for(user=user, workspace=workspace)[:50]),
    }
    return render(request, "cases/supervision.html", context)
