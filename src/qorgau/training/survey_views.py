"""Pages of surveys: the organiser's survey page, settings and questions, the results page and
its PDF; the participant's pages (no account): identify, then answer once (training/surveys.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qorgau.accounts.permissions import can
from qorgau.core.forms import attach_errors, flash_errors
from qorgau.core.http import request_user
from qorgau.core.qr import qr_svg
from qorgau.training import identify, selectors, surveys
from qorgau.training.certificates import PdfUnavailable, load_weasyprint
from qorgau.training.forms import PersonalCodeForm
from qorgau.training.lost_code import lost_code_step
from qorgau.training.models import Survey, SurveyQuestion
from qorgau.training.survey_charts import likert_chart
from qorgau.training.survey_templates import survey_templates

PUBLIC = "training/survey/public"


class SettingsForm(forms.Form):
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous: store no link from an answer to the person"),
        required=False,
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Open from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Open until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SurveyQuestion.Kind.choices)
    text_kk = forms.CharField(
        label=gettext_lazy("Question in Kazakh"), max_length=500, required=False
    )
    text_ru = forms.CharField(
        label=gettext_lazy("Question in Russian"), max_length=500, required=False
    )
    text_en = forms.CharField(
        label=gettext_lazy("Question in English"), max_length=500, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)

    def texts(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"text_{lang}"] for lang in ("kk", "ru", "en")}


def _managed(request: HttpRequest, pk: int) -> Survey:
    return surveys.access_survey(user=request_user(request), pk=pk, action="training.survey.manage")


def _question(request: HttpRequest, pk: int) -> SurveyQuestion:
    question = get_object_or_404(SurveyQuestion.objects.only("pk", "survey_id"), pk=pk)
    survey = _managed(request, question.survey_id)
    found = SurveyQuestion.objects.get(pk=pk)
    found.survey = survey
    return found


# --- organisers ---------------------------------------------------------------------------
@login_required
def event_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.survey.manage")
    existing = surveys.event_surveys(event=event)
    cards = []
    for kind, label in Survey.Kind.choices:
        survey = existing.get(kind)
        card: dict[str, Any] = {"kind": kind, "label": label, "survey": survey}
        if survey is not None:
            url = surveys.survey_url(survey)
            card.update(
                url=url,
                qr_svg=qr_svg(url),
                is_open=surveys.is_open(survey),
                answered=survey.participations.count(),
                invited=survey.invitations.count(),
            )
        cards.append(card)
    return render(
        request,
        "training/survey/event.html",
        {
            "event": event,
            "cards": cards,
            "today": timezone.localdate(),
            "reminder_days": survey_templates().feedback_reminder_days_after_end,
        },
    )


@login_required
@require_POST
def survey_prepare(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.survey.manage")
    if kind not in Survey.Kind.values:
        raise Http404
    survey = surveys.survey_prepare(actor=user, event=event, kind=kind)
    messages.success(request, _("The survey is ready. Check its questions and dates."))
    return redirect("training:survey_edit", pk=survey.pk)


@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    form = SettingsForm(
        request.POST or None,
        initial={
            "anonymous": survey.anonymous,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "revision": survey.revision,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_update(actor=request_user(request), survey=survey, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("training:survey_edit", pk=survey.pk)
    language = request.LANGUAGE_CODE
    questions = [
        {"question": q, "text": q.text_in(language), "languages": sorted(q.text)}
        for q in survey.questions.all()
    ]
    return render(
        request,
        "training/survey/edit.html",
        {
            "survey": survey,
            "event": survey.event,
            "form": form,
            "questions": questions,
            "locked": survey.participations.exists(),
            "add_form": QuestionForm(initial={"kind": SurveyQuestion.Kind.LIKERT}),
        },
    )


@login_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_question_add(
                actor=request_user(request),
                survey=survey,
                kind=form.cleaned_data["kind"],
                texts=form.texts(),
                required=form.cleaned_data["required"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("training:survey_edit", pk=survey.pk)
    return render(
        request,
        "training/survey/question_form.html",
        {"survey": survey, "event": survey.event, "form": form, "question": None},
    )


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    initial = {f"text_{lang}": question.text.get(lang, "") for lang in ("kk", "ru", "en")}
    initial.update(kind=question.kind, required=question.required)
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_question_edit(
                actor=request_user(request),
                question=question,
                kind=form.cleaned_data["kind"],
                texts=form.texts(),
                required=form.cleaned_data["required"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("training:survey_edit", pk=question.survey_id)
    return render(
        request,
        "training/survey/question_form.html",
        {
            "survey": question.survey,
            "event": question.survey.event,
            "form": form,
            "question": question,
        },
    )


@login_required
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    back = reverse("training:survey_edit", kwargs={"pk": question.survey_id})
    if request.method == "POST":
        try:
            surveys.survey_question_remove(actor=request_user(request), question=question)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The question is removed."))
        return redirect(back)
    return render(
        request,
        "training/confirm.html",
        {
            "title": _("Remove this question?"),
            "question": question.text_in(request.LANGUAGE_CODE),
            "confirm_label": _("Yes, remove it"),
            "back_url": back,
            "danger": True,
        },
    )


def _results_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    results = surveys.survey_results_for(user=request_user(request), survey=survey)
    from qorgau.training.survey_charts import COLOURS

    return {
        "survey": survey,
        "event": survey.event,
        "results": results,
        "chart": likert_chart(results.questions, results.scale),
        "legend": [(point, label, COLOURS[point]) for point, label in results.scale],
        "likert": [q for q in results.questions if q.is_likert],
        "open": []
        if results.open_answers_hidden
        else [q for q in results.questions if not q.is_likert],
    }


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.access_survey(
        user=request_user(request), pk=pk, action="training.survey.results"
    )
    context = _results_context(request, survey)
    context["may_manage"] = can(request_user(request), "training.survey.manage", survey.event)
    return render(request, "training/survey/results.html", context)


def results_pdf(request: HttpRequest, survey: Survey) -> bytes:
    from django.template.loader import render_to_string

    html = render_to_string("training/survey/pdf.html", _results_context(request, survey))
    return bytes(load_weasyprint().HTML(string=html).write_pdf())


@login_required
def survey_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.access_survey(
        user=request_user(request), pk=pk, action="training.survey.results"
    )
    try:
        pdf = results_pdf(request, survey)
    except PdfUnavailable:
        return HttpResponse(
            _("PDF files cannot be made on this server (WeasyPrint is not installed)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="survey-{survey.event.code}-{survey.kind}.pdf"'
    )
    return response


# --- participants (no account) ------------------------------------------------------------
@never_cache
def survey_public(request: HttpRequest, token: str) -> HttpResponse:
    survey = surveys.survey_for_token(token)
    lost = lost_code_step(request, event=survey.event)
    form = PersonalCodeForm(None if lost.asked else (request.POST or None))
    status = lost.status
    if request.method == "POST" and not lost.asked and form.is_valid():
        try:
            registration = identify.with_code_throttle(
                request,
                page=f"survey:{survey.pk}",
                attempt=lambda: surveys.respondent_find(
                    survey=survey, identifier=form.cleaned_data["identifier"]
                ),
            )
        except identify.TooManyWrongCodes as error:
            form.add_error("identifier", error.message)
            status = 429
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect(
                "training_public:survey_answer",
                token=surveys.respondent_token(survey, registration),
            )
    return render(
        request,
        f"{PUBLIC}/identify.html",
        {
            "survey": survey,
            "event": survey.event,
            "form": form,
            "is_open": surveys.is_open(survey),
            "lost_code": lost,
        },
        status=status,
    )


@never_cache
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    survey, registration = surveys.respondent_for_token(token)
    state = ""
    errors: dict[str, str] = {}
    given: dict[str, str] = {}
    if surveys.has_answered(survey=survey, registration=registration):
        state = "answered"
    elif not surveys.is_open(survey):
        state = "closed"
    elif request.method == "POST":
        given = {key: str(request.POST.get(key, "")) for key in request.POST if key.startswith("q")}
        try:
            surveys.survey_submit(
                survey=survey,
                registration=registration,
                raw_answers=given,
                language=request.LANGUAGE_CODE,
            )
        except surveys.AlreadyAnswered:
            state = "answered"
        except surveys.SurveyClosed:
            state = "closed"
        except ValidationError as error:
            errors = {
                name: " ".join(str(m) for m in found) for name, found in error.message_dict.items()
            }
        else:
            return redirect("training_public:survey_answer", token=token)
    language = request.LANGUAGE_CODE
    from qorgau.training.survey_templates import survey_templates

    scale = survey_templates().scale_labels(language)
    questions = [
        {
            "pk": q.pk,
            "name": f"q{q.pk}",
            "number": number,
            "text": q.text_in(language),
            "likert": q.kind == SurveyQuestion.Kind.LIKERT,
            "required": q.required,
            "value": given.get(f"q{q.pk}", ""),
            "error": errors.get(f"q{q.pk}", ""),
        }
        for number, q in enumerate(survey.questions.all(), start=1)
    ]
    return render(
        request,
        f"{PUBLIC}/answer.html",
        {
            "survey": survey,
            "event": survey.event,
            "state": state,
            "questions": questions,
            "scale": scale,
            "has_errors": bool(errors),
        },
        status=409 if state == "closed" and request.method == "POST" else 200,
    )
