"""Pages of pre/post tests: the organiser's tests and results pages, the participant's test page.

The participant's pages need no account and no JavaScript: a plain form, with a "save" button
(answers are kept, the attempt stays open) and a "submit" button (scored, closed for good).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qorgau.accounts.permissions import can
from qorgau.core.forms import attach_errors, flash_errors
from qorgau.core.http import request_user
from qorgau.core.qr import qr_svg
from qorgau.training import assessment_selectors, assessments, identify, selectors, stats
from qorgau.training.forms import PersonalCodeForm
from qorgau.training.lost_code import lost_code_step
from qorgau.training.models import Assessment, Attempt, Question

PUBLIC = "training/assessment/public"


# --- organisers and trainers --------------------------------------------------------------
@login_required
def event_tests(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.assessment.manage")
    tests = assessment_selectors.event_assessments(event)
    links = []
    for phase in (Assessment.Phase.PRE, Assessment.Phase.POST):
        test = tests.get(phase)
        if test is None:
            continue
        url = request.build_absolute_uri(
            reverse(
                "training_public:test",
                kwargs={"token": assessments.assessment_token(assessment=test)},
            )
        )
        links.append({"test": test, "url": url, "qr_svg": qr_svg(url) if test.is_open else ""})
    return render(
        request,
        "training/assessment/tests.html",
        {
            "event": event,
            "links": links,
            "has_forms": assessment_selectors.event_has_forms(event),
            "may_see_results": can(user, "training.assessment.results", event),
            "hours": int(assessments.TEST_LINK_MAX_AGE.total_seconds() // 3600),
        },
    )


@login_required
@require_POST
def event_tests_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.assessment.manage")
    try:
        assessments.tests_prepare(actor=user, event=event)
        messages.success(request, _("Forms A and B are ready. Open the pre-test when you start."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("training:event_tests", pk=event.pk)


@login_required
@require_POST
def assessment_switch(request: HttpRequest, pk: int, phase: str, action: str) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.assessment.manage")
    test = Assessment.objects.filter(event=event, phase=phase).first()
    if test is None or action not in {"open", "close"}:
        raise Http404
    test.event = event
    try:
        if action == "open":
            assessments.assessment_open(actor=user, assessment=test)
        else:
            assessments.assessment_close(actor=user, assessment=test)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("training:event_tests", pk=event.pk)


@login_required
def event_test_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.assessment.results")
    results = assessment_selectors.event_results(event, request.LANGUAGE_CODE)
    return render(
        request,
        "training/assessment/results.html",
        {
            "event": event,
            "results": results,
            "language": request.LANGUAGE_CODE,
            "limits": {
                "facility_low": stats.FACILITY_RANGE[0],
                "facility_high": stats.FACILITY_RANGE[1],
                "discrimination": stats.DISCRIMINATION_MIN,
                "alpha": stats.ALPHA_MIN,
            },
        },
    )


# --- participants (no account) ------------------------------------------------------------
@never_cache
def take(request: HttpRequest, token: str) -> HttpResponse:
    try:
        test = assessments.assessment_for_token(token=token)
    except assessments.AssessmentLinkExpired:
        return render(request, f"{PUBLIC}/identify.html", {"expired": True}, status=410)
    except assessments.AssessmentLinkInvalid as error:
        raise Http404 from error
    lost = lost_code_step(request, event=test.event)
    form = PersonalCodeForm(None if lost.asked else (request.POST or None))
    status = lost.status
    if request.method == "POST" and not lost.asked and form.is_valid():
        try:
            attempt = identify.with_code_throttle(
                request,
                page=f"test:{test.pk}",
                attempt=lambda: assessments.attempt_start(
                    token=token, identifier=form.cleaned_data["identifier"]
                ),
            )
        except assessments.AssessmentLinkExpired:
            return render(request, f"{PUBLIC}/identify.html", {"expired": True}, status=410)
        except assessments.AttemptClosed:
            return render(
                request, f"{PUBLIC}/identify.html", {"test": test, "closed": True}, status=409
            )
        except identify.TooManyWrongCodes as error:
            form.add_error("identifier", error.message)
            status = 429
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("training_public:attempt", key=attempt.key)
    return render(
        request,
        f"{PUBLIC}/identify.html",
        {
            "test": test,
            "event": test.event,
            "form": form,
            "closed": not test.is_open,
            "lost_code": lost,
        },
        status=status,
    )


def _answers_from(request: HttpRequest, attempt: Attempt) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for item in assessments.attempt_items(attempt):
        values = request.POST.getlist(f"q{item.pk}")
        answers[item.pk] = [int(v) for v in values if v.isdigit()]
    return answers


@never_cache
def attempt_page(request: HttpRequest, key: str) -> HttpResponse:
    attempt = assessments.attempt_for_key(key=key)
    if attempt is None:
        raise Http404
    error = ""
    if request.method == "POST":
        answers = _answers_from(request, attempt)
        try:
            if "submit" in request.POST:
                assessments.attempt_submit(attempt=attempt, answers=answers)
            else:
                assessments.attempt_save(attempt=attempt, answers=answers)
                if request.headers.get("HX-Request") == "true":
                    return HttpResponse(status=204)  # autosave: nothing to show
                messages.success(request, _("Your answers are saved. You can come back to them."))
        except assessments.AttemptClosed:
            error = _("This test is closed: your answers can no longer change.")
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("training_public:attempt", key=attempt.key)
        attempt.refresh_from_db()
    chosen = {a.item_id: set(a.chosen) for a in attempt.answers.all()}
    language = attempt.language
    questions = []
    for number, item in enumerate(assessments.attempt_items(attempt), start=1):
        question = item.question
        questions.append(
            {
                "number": number,
                "name": f"q{item.pk}",
                "text": question.text_in(language),
                "multiple": question.kind == Question.Kind.MULTIPLE,
                "options": [
                    {
                        "pk": o.pk,
                        "text": o.text_in(language),
                        "checked": o.pk in chosen.get(item.pk, set()),
                    }
                    for o in question.options.all()
                ],
            }
        )
    return render(
        request,
        f"{PUBLIC}/attempt.html",
        {
            "attempt": attempt,
            "event": attempt.assessment.event,
            "questions": questions,
            "error": error,
            "writable": attempt.submitted_at is None and attempt.assessment.is_open,
        },
    )
