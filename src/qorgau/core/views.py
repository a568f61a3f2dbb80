from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from qorgau.cases.reminders import open_reminders_count
from qorgau.core import selectors, services
from qorgau.core.home import panels_for
from qorgau.core.http import request_user, request_workspace

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {
        "panels": panels_for(user),
        # None: no reminders page for this user, and no reminders panel on the home page.
        "open_reminders": open_reminders_count(user=user, workspace=request_workspace(request)),
    }
    return render(request, "core/home.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def workspaces(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "core/workspaces.html",
        {"workspaces": selectors.training_workspaces_for(user=user)},
    )


@login_required
@require_POST
def workspace_enter(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = selectors.access_workspace(user=user, pk=pk, action="workspace.enter")
    services.workspace_enter(actor=user, session=request.session, workspace=workspace)
    return redirect("core:home")


@login_required
@require_POST
def workspace_leave(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    services.workspace_leave(actor=user, session=request.session)
    return redirect("core:home")
