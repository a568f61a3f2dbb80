"""The default survey questions, the scale labels and the survey schedule.

Read from data/survey_templates.yaml (versioned, translated reference data).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.utils.translation import get_language

from qorgau.core.reference import LANGUAGES, ReferenceDataError

SCALE = (1, 2, 3, 4, 5)
KINDS = ("feedback", "follow_up")
QUESTION_KINDS = ("likert", "open")


@dataclass(frozen=True)
class TemplateQuestion:
    kind: str
    text: dict[str, str]
    required: bool


@dataclass(frozen=True)
class SurveyTemplates:
    version: int
    scale: dict[int, dict[str, str]]
    feedback_closes_days_after_end: int
    feedback_reminder_days_after_end: int
    follow_up_months_after_end: int
    follow_up_open_days: int
    anonymous_minimum: int
    questions: dict[str, tuple[TemplateQuestion, ...]]

    def scale_label(self, point: int, language: str | None = None) -> str:
        names = self.scale[point]
        return names.get((language or get_language() or "kk")[:2]) or names["en"]

    def scale_labels(self, language: str | None = None) -> list[tuple[int, str]]:
        return [(point, self.scale_label(point, language)) for point in SCALE]


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ReferenceDataError(f"survey_templates.yaml: {where} needs kk, ru and en")
    missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
    if missing:
        raise ReferenceDataError(f"survey_templates.yaml: {where} lacks {', '.join(missing)}")
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}


def parse_templates(document: Any) -> SurveyTemplates:
    """Check and read the document (a ReferenceDataError names what is wrong)."""
    if not isinstance(document, dict) or not isinstance(document.get("version"), int):
        raise ReferenceDataError("survey_templates.yaml: needs an integer 'version'")
    scale_data = document.get("scale") or {}
    if sorted(scale_data) != list(SCALE):
        raise ReferenceDataError("survey_templates.yaml: the scale needs the points 1 to 5")
    scale = {int(point): _texts(scale_data[point], f"scale {point}") for point in SCALE}
    schedule = document.get("schedule") or {}
    try:
        closes = int(schedule["feedback"]["closes_days_after_end"])
        remind = int(schedule["feedback"]["reminder_days_after_end"])
        months = int(schedule["follow_up"]["months_after_end"])
        open_days = int(schedule["follow_up"]["open_days"])
        minimum = int(document["anonymous_minimum"])
    except (KeyError, TypeError, ValueError) as error:
        raise ReferenceDataError(f"survey_templates.yaml: schedule: {error}") from error
    if not (0 <= closes <= 365 and 1 <= months <= 24 and 1 <= open_days <= 365 and minimum >= 1):
        raise ReferenceDataError("survey_templates.yaml: a schedule value is out of range")
    if not 0 <= remind <= closes:
        raise ReferenceDataError(
            "survey_templates.yaml: the feedback reminder comes before the survey closes"
        )
    questions: dict[str, tuple[TemplateQuestion, ...]] = {}
    for kind in KINDS:
        items = (document.get("templates") or {}).get(kind)
        if not isinstance(items, list) or not items:
            raise ReferenceDataError(f"survey_templates.yaml: templates.{kind} needs questions")
        parsed = []
        for number, item in enumerate(items, start=1):
            if item.get("kind") not in QUESTION_KINDS:
                raise ReferenceDataError(f"{kind} question {number}: kind is likert or open")
            parsed.append(
                TemplateQuestion(
                    kind=str(item["kind"]),
                    text=_texts(item.get("text"), f"{kind} question {number}"),
                    required=bool(item.get("required", False)),
                )
            )
        questions[kind] = tuple(parsed)
    return SurveyTemplates(
        version=document["version"],
        scale=scale,
        feedback_closes_days_after_end=closes,
        feedback_reminder_days_after_end=remind,
        follow_up_months_after_end=months,
        follow_up_open_days=open_days,
        anonymous_minimum=minimum,
        questions=questions,
    )


@cache
def survey_templates() -> SurveyTemplates:
    text = (
        resources.files("qorgau.training")
        .joinpath("data", "survey_templates.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_templates(yaml.safe_load(text))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter
    (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_period(*, kind: str, event_ends_on: date, event_starts_on: date) -> tuple[date, date]:
    """When a new survey of this kind is open, computed from the event's days and the data."""
    templates = survey_templates()
    if kind == "follow_up":
        opens = add_months(event_ends_on, templates.follow_up_months_after_end)
        return opens, opens + timedelta(days=templates.follow_up_open_days)
    return event_starts_on, event_ends_on + timedelta(days=templates.feedback_closes_days_after_end)
