"""Writes about workspaces: creating training workspaces, entering and leaving them."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.models import Workspace, WorkspaceMember
from qorgau.core.workspaces import SESSION_KEY


@transaction.atomic
def training_workspace_create(*, actor: User, name: str, members: list[Any]) -> Workspace:
    """A sandbox in which an exercise is played on the real screens with synthetic children."""
    if not can(actor, "training.manage"):
        raise PermissionDenied(_("Only trainers and training organisers create training spaces."))
    workspace = Workspace(kind=Workspace.Kind.TRAINING, name=name.strip())
    workspace.full_clean()
    workspace.save()
    WorkspaceMember.objects.bulk_create(
        [WorkspaceMember(workspace=workspace, user=member) for member in {actor, *members}]
    )
    record(
        actor=actor,
        action="workspace.create",
        target=workspace,
        details={"members": len(members)},
    )
    return workspace


def workspace_enter(*, actor: User, session: SessionBase, workspace: Workspace) -> None:
    if not can(actor, "workspace.enter", workspace):
        raise PermissionDenied(_("You are not a member of this training space."))
    if workspace.kind == Workspace.Kind.REAL:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = workspace.pk
    record(actor=actor, action="workspace.enter", target=workspace)


def workspace_leave(*, actor: User, session: SessionBase) -> None:
    if session.pop(SESSION_KEY, None) is not None:
        record(actor=actor, action="workspace.leave", target=actor)
