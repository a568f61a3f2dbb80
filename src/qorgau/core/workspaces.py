"""Finding the real workspace and the request's current one."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import Workspace

SESSION_KEY = "qorgau_workspace_id"


def real_workspace() -> Workspace:
    workspace, _created = Workspace.objects.get_or_create(
        kind=Workspace.Kind.REAL, defaults={"name": str(_("Real cases"))}
    )
    return workspace


def workspace_for_request(request: HttpRequest) -> Workspace:
    """The training workspace the user entered this session, else the real one.

    The permission is checked again on every request, so leaving a training group or having
    the workspace closed takes effect at once.
    """
    from qorgau.accounts.permissions import can  # accounts depends on core, not the reverse

    workspace_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if workspace_id is not None:
        workspace = Workspace.objects.filter(pk=workspace_id, kind=Workspace.Kind.TRAINING).first()
        if workspace is not None and can(request.user, "workspace.enter", workspace):
            return workspace
        request.session.pop(SESSION_KEY, None)
    return real_workspace()
