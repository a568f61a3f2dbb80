"""Who is asking, and in which workspace: the small helpers every app's views and API share.

Pages run behind ``login_required`` and ``WorkspaceMiddleware``; API endpoints behind the API's
session or token authentication. The helpers only name what those already guarantee.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from qorgau.accounts.models import User
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace

API_PAGE_MAX = 100


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a page (views using this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def request_workspace(request: HttpRequest) -> Workspace:
    """The page's workspace (real or training), set by WorkspaceMiddleware."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    return workspace


def api_user(request: HttpRequest) -> User:
    """The caller of an API endpoint, as the API's authentication found it."""
    return cast(User, request.user)


def api_workspace(request: HttpRequest) -> Workspace:
    """The request's workspace (a session may have entered a training one), else the real one.

    The middleware puts a lazy object on every request; a token call carries no session, so it
    resolves to the real workspace.
    """
    workspace: Workspace = getattr(request, "workspace", None) or real_workspace()
    return workspace


def page_window(limit: int, offset: int, *, most: int = API_PAGE_MAX) -> tuple[int, int]:
    """The slice ``[start:stop]`` of a list endpoint's ``limit``/``offset``: no negative offset,
    at least one row and at most ``most``."""
    start = max(offset, 0)
    return start, start + min(max(limit, 1), most)
