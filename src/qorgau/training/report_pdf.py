"""The reports as PDF files (WeasyPrint, like the certificates): the page's tables and its SVG
charts on A4, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from qorgau.training.certificates import load_weasyprint
from qorgau.training.charts import event_charts, programme_charts
from qorgau.training.reports import EventReport, ProgrammeReport


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    weasyprint = load_weasyprint()
    html = render_to_string(template, {**context, "pdf": True, "made_at": timezone.now()})
    return bytes(weasyprint.HTML(string=html).write_pdf())


def event_pdf(report: EventReport) -> bytes:
    return _pdf(
        "training/report/event_pdf.html", {"report": report, "charts": event_charts(report)}
    )


def programme_pdf(report: ProgrammeReport) -> bytes:
    return _pdf(
        "training/report/programme_pdf.html", {"report": report, "charts": programme_charts(report)}
    )
