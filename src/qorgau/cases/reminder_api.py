"""The reminders API, under /api/reminders: the same rows as the reminders page (ADR 0022),
through the same selector, so the same people see the same reminders."""

# No `from __future__ import annotations`: django-ninja must see real types.

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.cases.reminder_models import CareReminder
from qorgau.cases.reminders import reminders_for
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace

router = Router(tags=["care reminders"])
MAX_LIMIT = 100


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


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _workspace(request: HttpRequest) -> Workspace:
    workspace: Workspace = getattr(request, "workspace", None) or real_workspace()
    return workspace


@router.get("", response=ReminderPage)
def reminder_list(
    request: HttpRequest, kind: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """The caller's current reminders, soonest first (``kind``: one kind; ``q``: case number)."""
    user = _user(request)
    if not can(user, "case.reminders"):
        raise PermissionDenied
    today = timezone.localdate()
    rows = reminders_for(user=user, workspace=_workspace(request), today=today)
    if kind in CareReminder.Kind.values:
        rows = rows.filter(kind=kind)
    if q.strip():
        rows = rows.filter(case__number__icontains=q.strip()[:32])
    start = max(offset, 0)
    stop = start + min(max(limit, 1), MAX_LIMIT)
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
