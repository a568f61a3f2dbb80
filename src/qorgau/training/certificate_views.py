"""Certificates: the organiser's page (rule, issue, revoke, download), the participant's signed
download link and the public verification page (training/certificates.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qorgau.core.forms import flash_errors
from qorgau.core.http import request_user
from qorgau.training import certificates, selectors
from qorgau.training.models import Certificate, Event, Registration


class RuleForm(forms.Form):
    attendance_threshold = forms.IntegerField(
        label=gettext_lazy("Attendance needed, in percent of sessions"), min_value=0, max_value=100
    )
    post_test_required = forms.BooleanField(
        label=gettext_lazy("The post-test must be passed"), required=False
    )
    post_test_min_score = forms.IntegerField(
        label=gettext_lazy("Minimum post-test score, in percent"), min_value=0, max_value=100
    )
    hours = forms.IntegerField(
        label=gettext_lazy("Hours shown on the certificate"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=gettext_lazy("Leave empty to count the hours of the timetable."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=32)


def _managed_event(request: HttpRequest, pk: int) -> Event:
    return selectors.access_event(
        user=request_user(request), pk=pk, action="training.certificate.manage"
    )


def _pdf_response(certificate: Certificate) -> HttpResponse:
    try:
        pdf = certificates.certificate_pdf(certificate)
    except certificates.PdfUnavailable:
        return HttpResponse(
            _("PDF files cannot be made on this server (WeasyPrint is not installed)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


# --- organiser ----------------------------------------------------------------------------
@login_required
def event_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    rule = certificates.rule_of(event)
    form = RuleForm(
        request.POST or None,
        initial={
            "attendance_threshold": rule.attendance_threshold,
            "post_test_required": rule.post_test_required,
            "post_test_min_score": rule.post_test_min_score,
            "hours": rule.hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        certificates.certificate_rule_set(
            actor=request_user(request), event=event, **form.cleaned_data
        )
        messages.success(request, _("The certificate rule is saved."))
        return redirect("training:event_certificates", pk=event.pk)
    standings = certificates.standings(event=event)
    rows = [
        {
            "standing": standing,
            "download_url": certificates.download_url(standing.certificate)
            if standing.certificate
            else "",
        }
        for standing in standings
    ]
    return render(
        request,
        "training/certificate/event.html",
        {
            "event": event,
            "form": form,
            "rows": rows,
            "sessions": event.sessions.count(),
            "eligible_without": sum(
                1 for s in standings if s.eligibility.eligible and s.certificate is None
            ),
        },
    )


@login_required
@require_POST
def certificates_issue_eligible(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    issued = certificates.certificates_issue_eligible(actor=request_user(request), event=event)
    messages.success(request, _("Certificates issued: %(n)d.") % {"n": len(issued)})
    return redirect("training:event_certificates", pk=event.pk)


@login_required
@require_POST
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    event = _managed_event(request, registration.event_id)
    try:
        certificates.certificate_issue(actor=request_user(request), registration=registration)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The certificate is issued."))
    return redirect("training:event_certificates", pk=event.pk)


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration", "event"), pk=pk
    )
    _managed_event(request, certificate.event_id)
    return certificate


@login_required
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.certificate_revoke(
                actor=request_user(request),
                certificate=certificate,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The certificate is revoked."))
        return redirect("training:event_certificates", pk=certificate.event_id)
    return render(
        request,
        "training/certificate/revoke.html",
        {
            "certificate": certificate,
            "event": certificate.event,
            "code": certificates.display_code(certificate.code),
            "form": form,
        },
    )


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(_certificate(request, pk))


# --- public -------------------------------------------------------------------------------
@never_cache
def certificate_public(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's copy, from the signed link they were given (no account)."""
    certificate = certificates.certificate_for_token(token)
    if certificate is None:
        raise Http404
    if certificate.is_revoked:
        return render(
            request,
            "training/certificate/verify.html",
            {"state": "revoked", "certificate": certificate, "form": VerifyForm()},
            status=410,
        )
    return _pdf_response(certificate)


def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = certificates.normalise_code(form.cleaned_data["code"]) or "0"
        return redirect("training_public:verify", code=code)
    return render(request, "training/certificate/verify.html", {"state": "", "form": form})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Valid, revoked or unknown; shows only the name, the event and the date."""
    normalised = certificates.normalise_code(code)
    certificate = (
        Certificate.objects.select_related("registration", "event").filter(code=normalised).first()
        if normalised
        else None
    )
    state = "unknown"
    if certificate is not None:
        state = "revoked" if certificate.is_revoked else "valid"
    return render(
        request,
        "training/certificate/verify.html",
        {
            "state": state,
            "certificate": certificate,
            "code": certificates.display_code(normalised) if normalised else code[:32],
            "form": VerifyForm(),
        },
        status=404 if certificate is None else 200,
    )
