"""The reminders API, under /api/reminders: the same rows as the reminders page (ADR 0022),
through the same selector, so the same people see the same reminders."""

# No `from __future__ import annotations`: django-ninja must see real types.

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from qorgau.accounts.permissions import can
from qorgau.cases.reminder_models import CareReminder
from qorgau.cases.reminders import reminders_for
from qorgau.core.http import api_user, api_workspace, page_window

router = Router(tags=["care reminders"])


class ReminderOut(Schema):
    id: int
    kind: str
    case_id: int
    case_number: str
    due_on: datetime.date
    days_left: int
    visit_id: int | None
    plan_id: int | None


class ReminderPage(Schema):
    items: list[ReminderOut]
    count: int


@router.get("", response=ReminderPage)
def reminder_list(
    request: HttpRequest, kind: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """The caller's current reminders, soonest first (``kind``: one kind; ``q``: case number)."""
    user = api_user(request)
    if not can(user, "case.reminders"):
        raise PermissionDenied
    today = timezone.localdate()
    rows = reminders_for(user=user, workspace=api_workspace(request), today=today)
    if kind in CareReminder.Kind.values:
        rows = rows.filter(kind=kind)
    if q.strip():
        rows = rows.filter(case__number__icontains=q.strip()[:32])
    start, stop = page_window(limit, offset)
    items = [
        {
            "id": reminder.pk,
            "kind": reminder.kind,
            "case_id": reminder.case_id,
            "case_number": reminder.case.number,
            "due_on": reminder.due_on,
            "days_left": (reminder.due_on - today).days,
            "visit_id": reminder.visit_id,
            "plan_id": reminder.plan_id,
        }
        for reminder in rows[start:stop]
    ]
    return {"items": items, "count": rows.count()}
