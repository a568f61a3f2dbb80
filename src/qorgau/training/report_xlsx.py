"""The reports as Excel workbooks (openpyxl): one sheet per table, in the reader's language.

A hidden small number is written as the text "< 3", never as its value.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qorgau.training.reports import (
    SMALL,
    EventReport,
    Feedback,
    Figure,
    Knowledge,
    ProgrammeReport,
    Table,
)

_HEADER = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
_BOLD = Font(bold=True)
_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, Figure):
        return value.shown if not value.hidden else str(value)
    return value


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Worksheet:
    sheet = book.create_sheet(_BAD.sub(" ", title)[:31])
    sheet.append(list(header))
    for column, _label in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = _HEADER
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # titles and names are text, never a formula to run
    sheet.freeze_panes = "A2"
    for column, _label in enumerate(header, start=1):
        width = max(
            len(str(sheet.cell(row=r, column=column).value or ""))
            for r in range(1, sheet.max_row + 1)
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, width + 2), 60)
    return sheet


def _table(book: Workbook, table: Table) -> None:
    sheet = _sheet(
        book,
        table.title,
        [table.label or "", *table.columns],
        [[row.label, *row.figures] for row in (*table.rows, table.total)],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD


def _number(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _knowledge(book: Workbook, knowledge: Knowledge) -> None:
    gain = knowledge.gain
    if knowledge.hidden:
        rows: list[list[Any]] = [[_("Matched pairs"), f"< {SMALL}"]]
    else:
        rows = [
            [_("Pre-tests submitted"), knowledge.submitted.get("pre", 0)],
            [_("Post-tests submitted"), knowledge.submitted.get("post", 0)],
            [_("Matched pairs"), gain.n_pairs],
            [_("Attrition (took only one test)"), knowledge.attrition],
            [_("Mean pre-test score, %"), _number(gain.mean_pre, 1)],
            [_("Mean post-test score, %"), _number(gain.mean_post, 1)],
            [_("Mean gain, points"), _number(gain.mean_delta, 1)],
            [_("Class normalised gain ⟨g⟩"), _number(gain.class_gain)],
            [_("Band"), str(band_label(gain.class_gain_band)) if gain.class_gain_band else ""],
            [_("Average individual gain"), _number(gain.average_individual_gain)],
            [_("Effect size d"), _number(gain.effect_size)],
        ]
    _sheet(book, _("Knowledge gain"), [_("Figure"), _("Value")], rows)


def _feedback(book: Workbook, feedback: Feedback) -> None:
    results = feedback.results
    points = [str(point) for point, _label in results.scale]
    header = [_("Question"), "n", _("Mean"), _("4 or 5, %"), *points]
    rows: list[list[Any]] = [
        [_("Answers"), results.respondents],
        [_("Response rate, %"), feedback.response_rate],
    ]
    if feedback.hidden:
        rows.append(
            [
                _("The results of an anonymous survey are shown from %(n)s answers.")
                % {"n": results.minimum}
            ]
        )
    else:
        for line in feedback.likert:
            q = line.result
            if line.hidden:
                rows.append([f"{q.position}. {q.text}", f"< {SMALL}"])
                continue
            share = None if q.share_agree is None else round(100 * q.share_agree)
            counts = [q.counts.get(point, 0) for point, _label in results.scale]
            rows.append([f"{q.position}. {q.text}", q.n, _number(q.mean), share, *counts])
        for line in feedback.open:
            q = line.result
            rows.append([f"{q.position}. {q.text}", q.n])
            if feedback.open_answers:
                rows.extend([["", "", answer] for answer in q.answers])
    _sheet(book, str(feedback.survey.get_kind_display()), header, rows)


def band_label(band: object) -> str:
    labels = {"low": _("low"), "medium": _("medium"), "high": _("high")}
    return labels.get(str(band), "")


def _save(book: Workbook) -> bytes:
    del book[book.sheetnames[0]]  # the empty default sheet
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _day(value: Any) -> str:
    return date_format(value, "d.m.Y")


def event_xlsx(report: EventReport) -> bytes:
    event = report.event
    book = Workbook()
    _sheet(
        book,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Event"), event.title],
            [_("Kind"), str(event.get_kind_display())],
            [_("City"), event.city],
            [_("Region"), event.region.name],
            [_("Dates"), f"{_day(event.starts_on)} – {_day(event.ends_on)}"],
            [_("Organiser"), event.organiser.name],
            [_("Co-organisers"), "; ".join(o.name for o in report.co_organisers)],
            [_("Participants (approved)"), report.approved],
            [_("Attended one session or more"), report.attended_any],
            [_("Completed (attendance threshold reached)"), report.completed],
            [_("Attendance threshold, %"), report.threshold],
            [_("Certificates issued"), report.certificates_issued],
            [_("Certificates revoked"), report.certificates_revoked],
        ],
    )
    _sheet(book, _("Registrations"), [_("Status"), _("Registrations")], report.status_rows())
    for table in (report.gender, *report.tables):
        _table(book, table)
    _sheet(
        book,
        _("Sessions"),
        [_("Date"), _("Time"), _("Session"), _("Present"), _("Share of participants, %")],
        [
            [
                _day(line.session.date),
                f"{line.session.starts_at:%H:%M}–{line.session.ends_at:%H:%M}",
                line.session.heading,
                line.present,
                line.share,
            ]
            for line in report.sessions
        ],
    )
    _sheet(
        book,
        _("Days"),
        [_("Date"), _("Sessions"), _("Present"), _("Share of participants, %")],
        [[_day(d.day), d.sessions, d.present, d.share] for d in report.days],
    )
    _knowledge(book, report.knowledge)
    for feedback in report.feedback:
        _feedback(book, feedback)
    return _save(book)


def programme_xlsx(report: ProgrammeReport) -> bytes:
    programme = report.programme
    book = Workbook()
    period = _day(programme.starts_on) + (
        f" – {_day(programme.ends_on)}" if programme.ends_on else ""
    )
    _sheet(
        book,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Programme"), programme.name],
            [_("Implementer"), programme.implementer.name],
            [_("Donors"), "; ".join(o.name for o in report.donors)],
            [_("Co-organisers and partners"), "; ".join(o.name for o in report.partners)],
            [_("Period"), period],
            [_("People trained (each person once)"), report.people],
            [_("Women among people trained, %"), report.women_share],
            [_("Events held"), report.events_held],
            [_("Cities"), report.cities_held],
            [_("Regions covered"), report.regions_covered],
            [_("Certificates issued"), report.certificates_issued],
        ],
    )
    _sheet(
        book,
        _("Targets"),
        [_("Target"), _("Planned"), _("Reached"), _("Reached, percent of the target")],
        [[t.label, t.target, t.result, t.share] for t in report.targets],
    )
    for table in (report.gender, *report.tables):
        _table(book, table)
    _sheet(
        book,
        _("Cities"),
        [_("City"), _("Region"), _("Events"), _("First day"), _("Last day"), _("People trained")],
        [
            [c.city, c.region, c.events, _day(c.first), _day(c.last), c.trained]
            for c in report.cities
        ],
    )
    _sheet(
        book,
        _("Events"),
        [_("Event"), _("Kind"), _("City"), _("First day"), _("Last day"), _("People trained")],
        [
            [
                line.event.title,
                str(line.event.get_kind_display()),
                line.event.city,
                _day(line.event.starts_on),
                _day(line.event.ends_on),
                line.trained,
            ]
            for line in report.events
        ],
    )
    _knowledge(book, report.knowledge)
    return _save(book)
