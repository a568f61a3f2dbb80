"""Charts of the reports as server-rendered SVG (no JavaScript, the same in the page and the PDF).

Every chart sits next to a table of the same numbers; the SVG carries a title and a text
description for screen readers. A bar whose number is hidden (small cells) is not drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qorgau.training.survey_charts import COLOURS, likert_chart

BAR_COLOURS = ("#1f5f8b", "#3d8c6e", "#c2793a", "#7a5c99", "#a33f4f", "#5b7083")
_WIDTH = 400  # the label sits above its bar, so the chart reads on a phone too
_ROW = 38
_BAR = 14
_VALUE_WIDTH = 52


def _cut(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    rows: Sequence[tuple[str, int | None]],
    *,
    title: str,
    unit: str = "",
    maximum: int | None = None,
    colour: str = BAR_COLOURS[0],
) -> SafeString:
    """Horizontal bars, one per (label, value); value None is shown as hidden ("< 3")."""
    values = [v for _label, v in rows if v is not None]
    top = maximum or max(values, default=0) or 1
    height = _ROW * len(rows) + 4
    span = _WIDTH - _VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family="DejaVu Sans, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape("; ".join(f"{label}: {'< 3' if v is None else v}{unit}" for label, v in rows))
        + "</desc>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 2 + i * _ROW
        parts.append(f'<text x="0" y="{y + 12}" fill="#1c2a3a">{escape(_cut(label))}</text>')
        parts.append(
            f'<rect x="0" y="{y + 17}" width="{span}" height="{_BAR}" rx="2" fill="#eef2f6"/>'
        )
        if value is None:
            shown = "&lt; 3"
        else:
            width = round(span * min(value, top) / top, 1)
            parts.append(
                f'<rect x="0" y="{y + 17}" width="{width}" height="{_BAR}" rx="2" fill="{colour}"/>'
            )
            shown = f"{value}{escape(unit)}"
        parts.append(
            f'<text x="{span + 6}" y="{y + 29}" fill="#1c2a3a" font-weight="bold">{shown}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# --- the charts of each report ------------------------------------------------------------
def _gender_rows(table: Any) -> list[tuple[str, int | None]]:
    return [
        (label, figure.shown)
        for label, figure in zip(table.columns[:-1], table.total.figures[:-1], strict=True)
    ]


def event_charts(report: Any) -> dict[str, Any]:
    """The SVG charts of the event report; "feedback" holds (feedback, chart, legend) per survey."""
    sector, region = report.tables
    return {
        "gender": bar_chart(_gender_rows(report.gender), title=_("By gender")),
        "sector": bar_chart(sector.chart(), title=_("By sector"), colour=BAR_COLOURS[1]),
        "region": bar_chart(region.chart(), title=_("By region"), colour=BAR_COLOURS[2]),
        "sessions": bar_chart(
            [(f"{s.session.date:%d.%m} {s.session.heading}", s.share) for s in report.sessions],
            title=_("Attendance per session"),
            unit="%",
            maximum=100,
            colour=BAR_COLOURS[3],
        ),
        "feedback": [
            (
                feedback,
                likert_chart([q.shown for q in feedback.questions], feedback.results.scale),
                [(point, label, COLOURS[point]) for point, label in feedback.results.scale],
            )
            for feedback in report.feedback
        ],
    }


def programme_charts(report: Any) -> dict[str, SafeString]:
    sector, region = report.tables
    shares = [t.share or 0 for t in report.targets]
    return {
        "targets": bar_chart(
            [(t.label, t.share) for t in report.targets],
            title=_("Targets: reached, percent of the target"),
            unit="%",
            maximum=max([100, *shares]),
            colour=BAR_COLOURS[1],
        ),
        "gender": bar_chart(_gender_rows(report.gender), title=_("By gender")),
        "sector": bar_chart(sector.chart(), title=_("By sector"), colour=BAR_COLOURS[1]),
        "region": bar_chart(region.chart(), title=_("By region"), colour=BAR_COLOURS[2]),
        "cities": bar_chart(
            [(c.city, c.trained) for c in report.cities],
            title=_("People trained by city"),
            colour=BAR_COLOURS[3],
        ),
    }
