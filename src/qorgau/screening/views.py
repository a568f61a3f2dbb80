"""Pages of the identification module: screening, result, inbox, identification, reference data.

Thin, like every view here: parse the input, call a selector or a service, render. The rules
(who may do what, scoring, pathways, contradictions) live in selectors, services and
accounts/permissions.py, and the REST API shares them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.models import Organisation, Region
from qorgau.accounts.permissions import can
from qorgau.accounts.selectors import current_regions
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace
from qorgau.screening import selectors, services
from qorgau.screening.forms import (
    ANSWER_PREFIX,
    DECLARED_CHILD,
    NOTE_PREFIX,
    CatalogueUploadForm,
    DecisionForm,
    PathwayRulesForm,
    ScreeningFactsForm,
    ScreeningForm,
    initial_for_new,
    initial_from,
    presumed_child,
)
from qorgau.screening.models import (
    Answer,
    Catalogue,
    ExploitationForm,
    Identification,
    Indicator,
    PathwayRules,
    Screening,
)

PAGE_SIZE = 25
_SAVE_ACTIONS = ("draft", "submit")
_REFRESH = "refresh"
_MAX_CARRIED = 500


# --- helpers ------------------------------------------------------------------------------
def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _language() -> str:
    return (get_language() or "kk")[:2]


def _in_language(texts: Any) -> str:
    """One text of a {kk, ru, en} mapping from the data files, in the active language."""
    if not isinstance(texts, dict):
        return str(texts or "")
    return str(texts.get(_language()) or texts.get("en") or "")


def _answer_errors(error: ValidationError) -> list[str]:
    """The messages about the answers, which the questions block shows as well."""
    if not hasattr(error, "error_dict"):
        return []
    return [message for item in error.error_dict.get("answers", []) for message in item.messages]


def _refusal(refusal: PermissionDenied) -> str:
    return str(refusal) or _("You may not do this.")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _with_action_texts(alerts: Any) -> None:
    """What each alert asks, in the active language (the step is data in three languages)."""
    for alert in alerts:
        alert.action_text = _in_language((alert.step or {}).get("action"))


def _identification_of(screening: Screening) -> Identification | None:
    try:
        return screening.identification
    except Identification.DoesNotExist:
        return None


# --- screening form -----------------------------------------------------------------------
@dataclass
class _ScreeningPage:
    """What the screening form needs besides the form itself."""

    catalogue: Catalogue
    organisations: list[Organisation]
    screening: Screening | None = None
    carried: list[tuple[str, str]] = field(default_factory=list)
    answer_errors: list[str] = field(default_factory=list)


def _facts_from_initial(initial: dict[str, Any]) -> dict[str, Any]:
    facts = dict(initial)
    facts["declared_child"] = DECLARED_CHILD.get(str(initial.get("declared_child") or "unsure"))
    return facts


def _indicators_for(catalogue: Catalogue, facts: dict[str, Any]) -> list[Indicator]:
    lists = selectors.lists_for(
        child=presumed_child(facts),
        form=str(facts.get("exploitation_form") or ExploitationForm.UNKNOWN),
    )
    return selectors.catalogue_indicators(catalogue=catalogue, lists=lists)


def _bound_form(data: QueryDict, page: _ScreeningPage) -> ScreeningForm:
    """The form for what was posted, asking the questions that fit the facts posted."""
    regions = current_regions()
    probe = ScreeningFactsForm(data, organisations=page.organisations, regions=regions)
    probe.is_valid()  # only to read the facts that parse; errors are the full form's job
    form = ScreeningForm(
        data,
        organisations=page.organisations,
        regions=regions,
        indicators=_indicators_for(page.catalogue, probe.cleaned_data),
    )
    shown = {ANSWER_PREFIX + i.key for i in form.indicators} | {
        NOTE_PREFIX + i.key for i in form.indicators
    }
    # Answers to questions that no longer apply ride along hidden, so that changing the facts
    # back brings them back; they are not saved while their questions are not shown.
    page.carried = [
        (name, str(value))
        for name, value in data.items()
        if name.startswith((ANSWER_PREFIX, NOTE_PREFIX))
        and name not in shown
        and value
        and value != Answer.Value.UNKNOWN
        and len(name) < 200
    ][:_MAX_CARRIED]
    return form


def _unbound_form(initial: dict[str, Any], page: _ScreeningPage) -> ScreeningForm:
    return ScreeningForm(
        initial=initial,
        organisations=page.organisations,
        regions=current_regions(),
        indicators=_indicators_for(page.catalogue, _facts_from_initial(initial)),
    )


def _questions_for(form: ScreeningForm, page: _ScreeningPage) -> str:
    """Names the questions shown (catalogue version and lists), to tell when they change."""
    lists = sorted({indicator.list for indicator in form.indicators})
    return f"{page.catalogue.version}:{','.join(lists)}"


def _render_screening_form(
    request: HttpRequest, form: ScreeningForm, page: _ScreeningPage, *, questions_only: bool
) -> HttpResponse:
    context = {
        "form": form,
        "catalogue": page.catalogue,
        "screening": page.screening,
        "groups": form.question_groups(page.catalogue),
        "carried": page.carried,
        "answer_errors": page.answer_errors,
        "form_url": request.get_full_path(),
        "questions_for": _questions_for(form, page),
    }
    template = "screening/_questions.html" if questions_only else "screening/form.html"
    return render(request, template, context)


def _parse_key(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _screening_form_page(request: HttpRequest, page: _ScreeningPage) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    if request.method != "POST":
        if page.screening is not None:
            initial = initial_from(page.screening)
        else:
            initial = initial_for_new(organisation=page.organisations[0], catalogue=page.catalogue)
        return _render_screening_form(
            request, _unbound_form(initial, page), page, questions_only=False
        )

    action = request.POST.get("action", "")
    if page.screening is None and action in _SAVE_ACTIONS:
        # A resubmission after a lost connection, or a second click: show the first result.
        posted_key = _parse_key(request.POST.get("idempotency_key"))
        done = (
            selectors.screening_by_key(user=user, workspace=workspace, key=posted_key)
            if posted_key
            else None
        )
        if done is not None and done.status == Screening.Status.SUBMITTED:
            return redirect("screening:detail", pk=done.pk)

    form = _bound_form(request.POST, page)
    if action not in _SAVE_ACTIONS:
        form.quiet()
        questions_only = _htmx(request) and action == _REFRESH
        if questions_only and request.POST.get("questions_for") == _questions_for(form, page):
            # The same questions: nothing to swap, so nothing answered meanwhile is lost.
            return HttpResponse(status=204)
        return _render_screening_form(request, form, page, questions_only=questions_only)
    if form.is_valid():
        if page.screening is not None:
            organisation = page.screening.organisation
            key = page.screening.idempotency_key
        else:
            organisation = form.chosen_organisation()
            key = form.cleaned_data["idempotency_key"]
        save = services.screening_submit if action == "submit" else services.screening_save_draft
        try:
            screening = save(
                actor=user,
                organisation=organisation,
                workspace=workspace,
                idempotency_key=key,
                data=form.to_input(),
            )
        except ValidationError as error:
            attach_errors(form, error)
            page.answer_errors = _answer_errors(error)
        except PermissionDenied as refusal:
            form.add_error(None, _refusal(refusal))
        else:
            if screening.status == Screening.Status.SUBMITTED:
                return redirect("screening:detail", pk=screening.pk)
            messages.success(request, _("Draft saved. You can come back to it from “Screenings”."))
            return redirect("screening:edit", pk=screening.pk)
    return _render_screening_form(request, form, page, questions_only=False)


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisations = list(selectors.screening_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    catalogue = selectors.current_catalogue()
    if catalogue is None:
        return render(request, "screening/no_catalogue.html")
    return _screening_form_page(request, _ScreeningPage(catalogue, organisations))


@login_required
@require_http_methods(["GET", "POST"])
def screening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    screening = selectors.access_screening(
        user=user, workspace=workspace, pk=pk, action="screening.view"
    )
    if screening.status == Screening.Status.SUBMITTED:
        # Submitted already (perhaps by a second click): its result is the page to show.
        return redirect("screening:detail", pk=screening.pk)
    if not can(user, "screening.edit", screening):
        raise PermissionDenied
    page = _ScreeningPage(screening.catalogue, [screening.organisation], screening)
    return _screening_form_page(request, page)


# --- result -------------------------------------------------------------------------------
@dataclass
class _Step:
    key: str
    action: str
    notify: str
    due_at: datetime | None
    within_hours: int
    legal_basis: str


@dataclass
class _AnsweredDimension:
    list_name: str
    name: str
    answers: list[Answer]


def _steps(screening: Screening) -> list[_Step]:
    types = selectors.organisation_types({str(s.get("notify")) for s in screening.steps})
    steps = []
    for step in screening.steps:
        notify = types.get(str(step.get("notify")))
        hours = int(step.get("within_hours") or 0)
        steps.append(
            _Step(
                key=str(step.get("key", "")),
                action=_in_language(step.get("action")),
                notify=notify.name if notify else str(step.get("notify", "")),
                due_at=screening.submitted_at + timedelta(hours=hours)
                if screening.submitted_at
                else None,
                within_hours=hours,
                legal_basis=_in_language(step.get("legal_basis")),
            )
        )
    return steps


def _answered_dimensions(screening: Screening, answers: list[Answer]) -> list[_AnsweredDimension]:
    groups: dict[tuple[str, str], _AnsweredDimension] = {}
    for answer in sorted(answers, key=lambda a: a.indicator.position):
        indicator = answer.indicator
        place = (indicator.list, indicator.dimension)
        if place not in groups:
            groups[place] = _AnsweredDimension(
                screening.catalogue.label("lists", indicator.list),
                screening.catalogue.label("dimensions", indicator.dimension),
                [],
            )
        groups[place].answers.append(answer)
    return list(groups.values())


def _drivers(screening: Screening, answers: list[Answer]) -> list[Indicator]:
    """The indicators behind the outcome, in the screening's own catalogue version."""
    known = {a.indicator.key: a.indicator for a in answers}
    missing = [key for key in screening.drivers if key not in known]
    if missing:
        known.update({i.key: i for i in screening.catalogue.indicators.filter(key__in=missing)})
    return [known[key] for key in screening.drivers if key in known]


@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    screening = selectors.access_screening(
        user=user, workspace=request_workspace(request), pk=pk, action="screening.view"
    )
    if screening.status == Screening.Status.DRAFT:
        return redirect("screening:edit", pk=screening.pk)
    answers = list(screening.answers.all())
    identification = _identification_of(screening)
    context = {
        "screening": screening,
        "catalogue": screening.catalogue,
        "drivers": _drivers(screening, answers),
        "positive_dimensions": [
            screening.catalogue.label("dimensions", key) for key in screening.positive_dimensions
        ],
        "steps": _steps(screening),
        "identification": identification,
        "alerts": selectors.alerts_of(identification) if identification else [],
        "can_open_identification": identification is not None
        and can(user, "identification.view", identification),
        "answered": _answered_dimensions(screening, answers),
        "age_known": screening.birth_date is not None,
    }
    return render(request, "screening/detail.html", context)


# --- lists --------------------------------------------------------------------------------
@login_required
def screening_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    screenings = selectors.screenings_visible_to(user=user, workspace=request_workspace(request))
    page = Paginator(screenings.order_by("-screened_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "screening/list.html",
        {"page": page, "can_screen": selectors.screening_organisations(user=user).exists()},
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    alerts = selectors.inbox(user=user, workspace=request_workspace(request))
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_action_texts(page.object_list)
    return render(request, "screening/inbox.html", {"page": page, "now": timezone.now()})


@login_required
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    alert = selectors.access_alert(
        user=user, workspace=request_workspace(request), pk=pk, action="alert.view"
    )
    services.alert_mark_read(actor=user, alert=alert)
    if _htmx(request):
        _with_action_texts([alert])
        return render(request, "screening/_alert_row.html", {"alert": alert, "now": timezone.now()})
    messages.success(request, _("Marked as read."))
    return redirect(_safe_next(request, reverse("screening:inbox")))


# --- formal identification ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def identification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    identification = selectors.access_identification(
        user=user,
        workspace=workspace,
        pk=pk,
        action="identification.decide" if request.method == "POST" else "identification.view",
    )
    decisions = list(selectors.decisions_of(identification=identification))
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    current = next((d for d in decisions if d.pk not in superseded), None)
    deciding = (
        selectors.deciding_organisations(user=user, identification=identification)
        if can(user, "identification.decide", identification)
        else []
    )
    form: DecisionForm | None = None
    if deciding:
        form = DecisionForm(
            request.POST or None,
            organisations=deciding,
            supersedes=current is not None,
            initial={
                "decided_on": timezone.localdate(),
                "legal_basis": _("Law No. 110-VIII, Art. 16"),
            },
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.victim_status_decide(
                    actor=user,
                    identification=identification,
                    organisation=data["organisation"],
                    status=data["status"],
                    decided_on=data["decided_on"],
                    legal_basis=data["legal_basis"],
                    reasons=data["reasons"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            except PermissionDenied as refusal:
                form.add_error("organisation", _refusal(refusal))
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("screening:identification", pk=identification.pk)
    screening = identification.screening
    context = {
        "identification": identification,
        "screening": screening,
        "can_view_screening": can(user, "screening.view", screening),
        "alerts": selectors.alerts_of(identification),
        "decisions": decisions,
        "superseded": superseded,
        "current": current,
        "form": form,
        "now": timezone.now(),
        "can_open_case": can(user, "case.open", identification.organisation),
    }
    return render(request, "screening/identification.html", context)


# --- system admin: indicator catalogue and pathway rules ----------------------------------
def _yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return _("This is not valid YAML: check line %(line)s, column %(column)s.") % {
            "line": mark.line + 1,
            "column": mark.column + 1,
        }
    return _("This is not valid YAML.")


@login_required
@require_http_methods(["GET", "POST"])
def catalogues(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "catalogue.publish"):
        raise PermissionDenied
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            document = yaml.safe_load(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            form.add_error("document", _("The file is not UTF-8 text."))
        except yaml.YAMLError as error:
            form.add_error("document", _yaml_error(error))
        else:
            try:
                catalogue = services.catalogue_publish(actor=user, document=document)
            except ValidationError as error:
                attach_errors(form, error)
            except PermissionDenied as refusal:
                form.add_error(None, _refusal(refusal))
            else:
                messages.success(
                    request,
                    _(
                        "Catalogue version %(version)s is published. New screenings use it; "
                        "earlier screenings keep the version they used."
                    )
                    % {"version": catalogue.version},
                )
                return redirect("screening:catalogues")
    page = Paginator(selectors.catalogue_versions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "screening/catalogues.html", {"form": form, "page": page})


@dataclass
class _RuleRow:
    key: str
    conditions: list[str]
    notify: str
    within_hours: int
    action: str
    legal_basis: str


def _yes_no(value: Any, yes: str, no: str) -> str:
    return yes if value else no


def _conditions(when: dict[str, Any], regions: dict[str, Region]) -> list[str]:
    outcomes = dict(Screening.Outcome.choices)
    forms = dict(ExploitationForm.choices)
    described: list[str] = []
    for name, value in when.items():
        values = value if isinstance(value, list) else [value]
        if name == "outcome":
            described.append(
                _("outcome: %(values)s")
                % {"values": ", ".join(str(outcomes.get(v, v)) for v in values)}
            )
        elif name == "child":
            described.append(_yes_no(value, _("a child or presumed child"), _("an adult")))
        elif name == "unaccompanied":
            described.append(
                _yes_no(value, _("unaccompanied or separated"), _("not unaccompanied"))
            )
        elif name == "foreign":
            described.append(
                _yes_no(value, _("foreign or unknown citizenship"), _("citizen of Kazakhstan"))
            )
        elif name == "immediate_danger":
            described.append(_yes_no(value, _("in immediate danger"), _("not in immediate danger")))
        elif name == "forms":
            described.append(
                _("form of exploitation: %(values)s")
                % {"values": ", ".join(str(forms.get(v, v)) for v in values)}
            )
        elif name == "regions" and values:
            described.append(
                _("regions: %(values)s")
                % {"values": ", ".join(regions[v].name if v in regions else str(v) for v in values)}
            )
    return described or [_("always")]


def _rule_rows(rules: PathwayRules | None) -> list[_RuleRow]:
    if rules is None:
        return []
    steps = [s for s in rules.document.get("steps", []) if isinstance(s, dict)]
    types = selectors.organisation_types({str(s.get("notify")) for s in steps})
    region_keys = {str(r) for s in steps for r in (s.get("when") or {}).get("regions") or []}
    regions = selectors.regions_by_key(region_keys)
    rows = []
    for step in steps:
        notify = types.get(str(step.get("notify")))
        rows.append(
            _RuleRow(
                key=str(step.get("key", "")),
                conditions=_conditions(step.get("when") or {}, regions),
                notify=notify.name if notify else str(step.get("notify", "")),
                within_hours=int(step.get("within_hours") or 0),
                action=_in_language(step.get("action")),
                legal_basis=_in_language(step.get("legal_basis")),
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def pathways(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "pathway.publish"):
        raise PermissionDenied
    current = selectors.current_pathway_rules()
    text = (
        yaml.safe_dump(current.document, allow_unicode=True, sort_keys=False, width=100)
        if current
        else ""
    )
    form = PathwayRulesForm(request.POST or None, initial={"document": text})
    if request.method == "POST" and form.is_valid():
        try:
            document = yaml.safe_load(form.cleaned_data["document"])
        except yaml.YAMLError as error:
            form.add_error("document", _yaml_error(error))
        else:
            try:
                rules = services.pathway_rules_publish(
                    actor=user, document=document, notes=form.cleaned_data["notes"].strip()
                )
            except ValidationError as error:
                attach_errors(form, error)
            except PermissionDenied as refusal:
                form.add_error(None, _refusal(refusal))
            else:
                messages.success(
                    request,
                    _(
                        "Pathway rules version %(version)s are published. New screenings follow "
                        "them; earlier screenings keep the steps they were given."
                    )
                    % {"version": rules.version},
                )
                return redirect("screening:pathways")
    history = selectors.pathway_rules_history()
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/pathways.html",
        {"form": form, "current": current, "rows": _rule_rows(current), "page": page},
    )
