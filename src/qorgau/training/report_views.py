"""The event report and the programme report for donors: page, PDF and XLSX (thin views)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.accounts.permissions import can
from qorgau.core.http import request_user
from qorgau.training import reports
from qorgau.training.certificates import PdfUnavailable
from qorgau.training.charts import event_charts, programme_charts
from qorgau.training.report_exports import CONTENT_TYPES, FORMATS, report_export


def _file(
    request: HttpRequest, report: reports.EventReport | reports.ProgrammeReport, fmt: str, name: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    try:
        content = report_export(actor=request_user(request), report=report, fmt=fmt)
    except PdfUnavailable:
        return HttpResponse(
            _("PDF files cannot be made on this server (WeasyPrint is not installed)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _event_report(request: HttpRequest, pk: int) -> reports.EventReport:
    user = request_user(request)
    event = reports.access_event_report(user=user, pk=pk)
    return reports.event_report(user=user, event=event, language=translation.get_language())


def _programme_report(request: HttpRequest, pk: int) -> reports.ProgrammeReport:
    user = request_user(request)
    programme = reports.access_programme_report(user=user, pk=pk)
    return reports.programme_report(
        user=user, programme=programme, language=translation.get_language()
    )


@login_required
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _event_report(request, pk)
    return render(
        request,
        "training/report/event.html",
        {
            "report": report,
            "charts": event_charts(report),
            "may_open_event": can(request_user(request), "training.event.view", report.event),
        },
    )


@login_required
def event_report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _event_report(request, pk)
    return _file(request, report, fmt, f"event-report-{report.event.code}")


@login_required
def programme_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _programme_report(request, pk)
    user = request_user(request)
    return render(
        request,
        "training/report/programme.html",
        {
            "report": report,
            "charts": programme_charts(report),
            "event_links": {
                line.event.pk
                for line in report.events
                if can(user, "training.report.event", line.event)
            },
        },
    )


@login_required
def programme_report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _programme_report(request, pk)
    return _file(request, report, fmt, f"programme-report-{report.programme.pk}")
