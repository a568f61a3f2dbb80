"""The reminders page of case managers and supervisors (ADR 0022). Thin: cases/reminders.py
holds the rules of who sees which reminder and which still hold."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qorgau.accounts.permissions import can
from qorgau.cases.reminder_models import CareReminder
from qorgau.cases.reminders import reminders_for
from qorgau.core.http import request_user, request_workspace

PAGE_SIZE = 25


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "case.reminders"):
        raise PermissionDenied
    today = timezone.localdate()
    rows = reminders_for(user=user, workspace=request_workspace(request), today=today)
    number = request.GET.get("q", "").strip()[:32]
    if number:
        rows = rows.filter(case__number__icontains=number)
    kind = request.GET.get("kind", "")
    if kind in CareReminder.Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [
            {
                "reminder": reminder,
                "days": (reminder.due_on - today).days,
                "late": max(0, (today - reminder.due_on).days),
            }
            for reminder in page.object_list
        ],
        "kinds": CareReminder.Kind.choices,
        "kind": kind,
        "q": number,
        "filtered": bool(number or kind),
    }
    return render(request, "cases/reminders.html", context)
