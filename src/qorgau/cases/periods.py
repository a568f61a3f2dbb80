"""The periods of a child's care, from data/care_periods.yaml, and their date arithmetic."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "care_periods.yaml"


@dataclass(frozen=True)
class Periods:
    version: int
    reflection_days: int
    plan_months: int
    plan_extended_months: int
    plan_extensions_allowed: int
    follow_up_default_months: int
    follow_up_min_months: int
    follow_up_max_months: int
    visit_every_months: int
    plan_ending_reminder_days: int


@cache
def periods() -> Periods:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    plan, follow_up = data["plan"], data["follow_up"]
    return Periods(
        version=int(data["version"]),
        reflection_days=int(data["reflection"]["days"]),
        plan_months=int(plan["months"]),
        plan_extended_months=int(plan["extended_months"]),
        plan_extensions_allowed=int(plan["extensions_allowed"]),
        follow_up_default_months=int(follow_up["default_months"]),
        follow_up_min_months=int(follow_up["min_months"]),
        follow_up_max_months=int(follow_up["max_months"]),
        visit_every_months=int(follow_up["visit_every_months"]),
        plan_ending_reminder_days=int(data["reminders"]["plan_ending_days"]),
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where that day does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reflection_end(start: date) -> date:
    """The last day of the reflection and recovery period that starts on ``start``."""
    return start + timedelta(days=periods().reflection_days - 1)


def plan_end(start: date, *, extended: bool = False) -> date:
    """The last day of a plan that starts on ``start``: 6 months, or 9 once extended."""
    limits = periods()
    months = limits.plan_extended_months if extended else limits.plan_months
    return add_months(start, months) - timedelta(days=1)


def follow_up_dates(closed_on: date, months: int) -> list[date]:
    """The dates of the follow-up visits: every few months after closure, the last on the end."""
    every = periods().visit_every_months
    dates = [add_months(closed_on, offset) for offset in range(every, months + 1, every)]
    end = add_months(closed_on, months)
    if not dates or dates[-1] != end:
        dates.append(end)
    return dates
