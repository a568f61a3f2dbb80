"""Pages of a case's care: assessments, plan, services delivered, closure and follow-up.

Thin: parse the form, call the service, go back to the case page. A refused input renders
the form again on its own page, with the errors beside the fields and nothing saved.
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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.permissions import can
from qorgau.cases import forms_care, selectors, selectors_care
from qorgau.cases import services_assessments as assessments
from qorgau.cases import services_closure as closures
from qorgau.cases import services_plan as plans
from qorgau.cases.models import Case
from qorgau.cases.templatetags.case_care import assessment_kinds
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace


def _case(request: HttpRequest, pk: int, action: str) -> Case:
    return selectors.access_case(
        user=request_user(request), workspace=request_workspace(request), pk=pk, action=action
    )


def _back(case_pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case_pk]) + f"#{anchor}")


def _again(
    request: HttpRequest, *, case: Case, form: Any, title: str, action: str, submit: str
) -> HttpResponse:
    """The form once more, with its errors, on a page of its own."""
    context = {"case": case, "form": form, "title": title, "action": action, "submit": submit}
    return render(request, "cases/care_form.html", context, status=400)


# --- assessments --------------------------------------------------------------------------
def _assessment_input(data: dict[str, Any], kind: str) -> assessments.AssessmentInput:
    return assessments.AssessmentInput(
        kind=kind,
        assessed_on=data["assessed_on"],
        findings=data["findings"],
        recommendations=data["recommendations"],
        safety_risk=data["safety_risk"],
        retrafficking_risk=data["retrafficking_risk"],
        family_risk=data["family_risk"],
        outcome=data["outcome"],
        family_assessed=data["family_assessed"],
        child_views=data["child_views"],
    )


@login_required
@require_POST
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk, "case.view")
    kinds = assessment_kinds(user, case)
    if not kinds:
        raise PermissionDenied
    form = forms_care.NewAssessmentForm(request.POST, prefix="assessment", kinds=kinds)
    if form.is_valid():
        try:
            assessments.assessment_record(
                actor=user,
                case=case,
                idempotency_key=form.cleaned_data["idempotency_key"],
                data=_assessment_input(form.cleaned_data, form.cleaned_data["kind"]),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The assessment is saved."))
            return _back(case.pk, "assessments-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Record an assessment"),
        action=reverse("cases:assessment_add", args=[case.pk]),
        submit=_("Save the assessment"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assessment = selectors_care.access_assessment(
        user=user, workspace=request_workspace(request), pk=pk
    )
    fields = (
        "assessed_on",
        "findings",
        "recommendations",
        "safety_risk",
        "retrafficking_risk",
        "family_risk",
        "outcome",
        "family_assessed",
        "child_views",
        "version",
    )
    form = forms_care.EditAssessmentForm(
        request.POST or None,
        prefix="assessment",
        initial={name: getattr(assessment, name) for name in fields},
    )
    del form.fields["kind"]
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            assessments.assessment_update(
                actor=user,
                assessment=assessment,
                version=form.cleaned_data["version"],
                data=_assessment_input(form.cleaned_data, assessment.kind),
            )
        except ValidationError as error:
            attach_errors(form, error)
            status = 409
        else:
            messages.success(request, _("The assessment is saved."))
            return _back(assessment.case_id, "assessments-section")
    context = {
        "case": assessment.case,
        "form": form,
        "title": assessment.get_kind_display(),
        "action": reverse("cases:assessment_edit", args=[assessment.pk]),
        "submit": _("Save the assessment"),
        "assessment": assessment,
    }
    return render(request, "cases/care_form.html", context, status=status)


@login_required
@require_POST
def reflection_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "case.assess")
    form = forms_care.ReflectionForm(request.POST, prefix="reflection")
    if form.is_valid():
        try:
            assessments.reflection_start(
                actor=request_user(request), case=case, starts_on=form.cleaned_data["starts_on"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The reflection and recovery period is recorded."))
            return _back(case.pk, "assessments-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Reflection and recovery period"),
        action=reverse("cases:reflection", args=[case.pk]),
        submit=_("Start the reflection and recovery period"),
    )


# --- the plan -----------------------------------------------------------------------------
@login_required
@require_POST
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "case.plan")
    form = forms_care.PlanForm(request.POST, prefix="plan")
    if form.is_valid():
        try:
            plans.plan_create(actor=request_user(request), case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("The plan is made. Add its services, then ask for approval.")
            )
            return _back(case.pk, "plan-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Individual assistance plan"),
        action=reverse("cases:plan_create", args=[case.pk]),
        submit=_("Make the plan"),
    )


def _plan_post(
    request: HttpRequest, pk: int, form_class: Any, prefix: str, write: Any, done: str, **page: str
) -> HttpResponse:
    case = _case(request, pk, "case.plan")
    plan = selectors_care.plan_of(case=case)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            write(plan, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, done)
            return _back(case.pk, "plan-section")
    return _again(request, case=case, form=form, **page)


@login_required
@require_POST
def plan_goals(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _plan_post(
        request,
        pk,
        forms_care.PlanGoalsForm,
        "goals",
        lambda plan, data: plans.plan_update(
            actor=user, plan=plan, version=data["version"], goals=data["goals"]
        ),
        _("The goals are saved. The plan goes to the supervisor again."),
        title=_("Change the goals"),
        action=reverse("cases:plan_goals", args=[pk]),
        submit=_("Save the goals"),
    )


@login_required
@require_POST
def plan_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    return _plan_post(
        request,
        pk,
        forms_care.PlanExtendForm,
        "extend",
        lambda plan, data: plans.plan_extend(
            actor=user, plan=plan, version=data["version"], reason=data["reason"]
        ),
        _("The plan is extended to 9 months."),
        title=_("Extend the plan to 9 months"),
        action=reverse("cases:plan_extend", args=[pk]),
        submit=_("Extend the plan"),
    )


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk, "case.plan")
    plan = selectors_care.plan_of(case=case)
    try:
        version = int(request.POST.get("version", ""))
        plans.plan_submit(actor=user, plan=plan, version=version)
    except ValueError:
        messages.error(request, _("Reload the page and try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The supervisor is asked to approve the plan."))
    return _back(case.pk, "plan-section")


@login_required
@require_POST
def plan_service(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk, "case.plan")
    plan = selectors_care.plan_of(case=case)
    form = forms_care.PlanServiceForm(
        request.POST, prefix="service", providers=selectors_care.providers_for(case=case)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            plans.plan_service_add(
                actor=user,
                plan=plan,
                version=data["version"],
                idempotency_key=data["idempotency_key"],
                data=plans.ServiceInput(
                    service_type=data["service_type"],
                    provider=data["provider"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    description=data["description"],
                ),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The service is added to the plan."))
            return _back(case.pk, "plan-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Add a service"),
        action=reverse("cases:plan_service", args=[case.pk]),
        submit=_("Add the service"),
    )


# --- services delivered: the provider's page ----------------------------------------------
@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """The planned services a provider delivers: the minimum about the child, and a form."""
    user = request_user(request)
    if not can(user, "case.service.inbox"):
        raise PermissionDenied
    rows = selectors_care.services_to_deliver(user=user, workspace=request_workspace(request))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [
            {"view": selectors_care.delivery_view(service), "key": uuid.uuid4()}
            for service in page.object_list
        ],
        "form": forms_care.DeliveryForm(prefix="delivery"),
    }
    return render(request, "cases/deliveries.html", context)


@login_required
@require_POST
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    service = selectors_care.access_plan_service(
        user=user, workspace=request_workspace(request), pk=pk, action="case.service.deliver"
    )
    form = forms_care.DeliveryForm(request.POST, prefix="delivery")
    if form.is_valid():
        try:
            plans.service_deliver(actor=user, service=service, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The service delivered is recorded."))
            return redirect(reverse("cases:deliveries") + f"#service-{service.pk}")
    context = {
        "view": selectors_care.delivery_view(service),
        "form": form,
        "key": request.POST.get("delivery-idempotency_key") or uuid.uuid4(),
    }
    return render(request, "cases/deliver.html", context, status=400)


# --- closure and follow-up ----------------------------------------------------------------
@login_required
@require_POST
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "case.close")
    form = forms_care.ClosureForm(request.POST, prefix="closure")
    if form.is_valid():
        try:
            closures.closure_request(actor=request_user(request), case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The supervisor is asked to approve the closure."))
            return _back(case.pk, "closure-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Ask to close the case"),
        action=reverse("cases:closure", args=[case.pk]),
        submit=_("Ask the supervisor to approve the closure"),
    )


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _closure_step(request: HttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
    user = request_user(request)
    closure = selectors_care.access_closure(user=user, workspace=request_workspace(request), pk=pk)
    try:
        step(user, closure, _version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(closure.case_id, "closure-section")


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _closure_step(
        request,
        pk,
        lambda user, closure, version: closures.case_close(
            actor=user, closure=closure, version=version
        ),
        _("The case is closed. The follow-up visits are scheduled."),
    )


@login_required
@require_POST
def follow_up_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _closure_step(
        request,
        pk,
        lambda user, closure, version: closures.follow_up_start(
            actor=user, closure=closure, version=version
        ),
        _("The follow-up has started."),
    )


@login_required
@require_POST
def follow_up_finish(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")[:500]
    return _closure_step(
        request,
        pk,
        lambda user, closure, version: closures.follow_up_finish(
            actor=user, closure=closure, version=version, note=note
        ),
        _("The follow-up is finished; the case is closed."),
    )


@login_required
@require_POST
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors_care.access_follow_up_visit(
        user=user, workspace=request_workspace(request), pk=pk
    )
    case = visit.closure.case
    form = forms_care.VisitForm(request.POST, prefix="visit")
    if form.is_valid():
        try:
            closures.follow_up_record(actor=user, visit=visit, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return _back(case.pk, "closure-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Record this visit"),
        action=reverse("cases:visit", args=[visit.pk]),
        submit=_("Record the visit"),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "case.close")
    form = forms_care.ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            closures.case_reopen(actor=request_user(request), case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The case is reopened. Its history is kept."))
            return _back(case.pk, "closure-section")
    return _again(
        request,
        case=case,
        form=form,
        title=_("Reopen the case"),
        action=reverse("cases:reopen", args=[case.pk]),
        submit=_("Reopen the case"),
    )
