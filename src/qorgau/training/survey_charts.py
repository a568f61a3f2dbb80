"""Survey charts as SVG drawn on the server: the same markup in the page and in the PDF.

One horizontal bar per scale question, split into the shares of the five points, with the
mean at its end. The page shows the numbers as a table beside it (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qorgau.training.surveys import QuestionResult

# Red to blue through grey, readable when printed in greys too.
COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#bdbdbd", 4: "#67a9cf", 5: "#2166ac"}
TEXT_ON = {1: "#ffffff", 2: "#000000", 3: "#000000", 4: "#000000", 5: "#ffffff"}

# Drawn at phone size (a 360 px screen shows it 1:1); larger screens scale it up.
WIDTH, LABEL, MEAN, ROW, GAP = 340, 26, 44, 26, 8


def _number(value: float) -> str:
    # The same rounding and local decimal mark as the table's floatformat (4.25 -> 4.3 / 4,3).
    return str(floatformat(value, 1))


def likert_chart(
    questions: Sequence[QuestionResult], scale: Sequence[tuple[int, str]]
) -> SafeString:
    """The stacked-bar chart of the scale questions (empty string when there are none)."""
    rows = [q for q in questions if q.is_likert]
    if not rows:
        return mark_safe("")
    names = dict(scale)
    bar = WIDTH - LABEL - MEAN
    height = len(rows) * (ROW + GAP) + GAP
    title = escape(_("Answers to the scale questions, share of each point from 1 to 5"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="survey-chart-title"><title id="survey-chart-title">{title}</title>'
    ]
    for index, question in enumerate(rows):
        y = GAP + index * (ROW + GAP)
        middle = y + ROW / 2 + 5
        parts.append(
            f'<text x="{LABEL - 8}" y="{middle}" text-anchor="end" font-size="13">'
            f"{question.position}</text>"
        )
        if question.n == 0:
            empty = escape(_("no answers"))
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{bar}" height="{ROW}" fill="#f2f2f2"/>'
                f'<text x="{LABEL + 8}" y="{middle}" font-size="12">{empty}</text>'
            )
            continue
        x = float(LABEL)
        for point, count in sorted(question.counts.items()):
            if not count:
                continue
            width = bar * count / question.n
            tip = escape(f"{point} · {names.get(point, point)}: {count}")
            parts.append(
                f'<rect x="{x:.2f}" y="{y}" width="{width:.2f}" height="{ROW}" '
                f'fill="{COLOURS[point]}"><title>{tip}</title></rect>'
            )
            if width >= 18:
                parts.append(
                    f'<text x="{x + width / 2:.2f}" y="{middle}" text-anchor="middle" '
                    f'font-size="11" fill="{TEXT_ON[point]}">{count}</text>'
                )
            x += width
        if question.mean is not None:
            parts.append(
                f'<text x="{WIDTH - MEAN + 6}" y="{middle}" font-size="13" font-weight="bold">'
                f"{_number(question.mean)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text inside is escaped)
