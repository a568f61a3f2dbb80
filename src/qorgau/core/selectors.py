"""Reads about workspaces."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qorgau.accounts.models import User
from qorgau.accounts.permissions import TRAINING_ROLES, can, roles_of
from qorgau.core.models import Workspace


def training_workspaces_for(*, user: User) -> QuerySet[Workspace]:
    """Training spaces the user may enter: their own, or all open ones for trainers."""
    qs = Workspace.objects.filter(kind=Workspace.Kind.TRAINING, is_active=True).order_by("-pk")
    if roles_of(user) & TRAINING_ROLES:
        return qs
    return qs.filter(members=user)


def access_workspace(*, user: User, pk: int, action: str) -> Workspace:
    workspace = Workspace.objects.filter(pk=pk).first()
    if workspace is None or not can(user, "workspace.enter", workspace):
        raise Http404
    if not can(user, action, workspace):
        raise PermissionDenied
    return workspace
