"""Exporting a report (PDF or XLSX) is a disclosure: each export is written to the audit trail."""

from __future__ import annotations

from django.db import models, transaction

from qorgau.accounts.models import User
from qorgau.audit.services import record
from qorgau.training import report_pdf, report_xlsx
from qorgau.training.reports import EventReport, ProgrammeReport

FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@transaction.atomic
def report_export(*, actor: User, report: EventReport | ProgrammeReport, fmt: str) -> bytes:
    """The report as a file; raises certificates.PdfUnavailable when PDFs cannot be made."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    target: models.Model
    if isinstance(report, EventReport):
        content = report_pdf.event_pdf(report) if fmt == "pdf" else report_xlsx.event_xlsx(report)
        target, organisation, kind = report.event, report.event.organiser, "event"
    else:
        content = (
            report_pdf.programme_pdf(report) if fmt == "pdf" else report_xlsx.programme_xlsx(report)
        )
        target = report.programme
        organisation, kind = report.programme.implementer, "programme"
    record(
        actor=actor,
        action="training.report.export",
        target=target,
        organisation=organisation,
        details={
            "report": kind,
            "format": fmt,
            "small_numbers_hidden": report.suppressed,
            "bytes": len(content),
        },
    )
    return content
