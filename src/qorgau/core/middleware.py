from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from qorgau.core.workspaces import workspace_for_request


class WorkspaceMiddleware:
    """Puts the request's workspace on ``request.workspace`` (looked up on first use)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = SimpleLazyObject(lambda: workspace_for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)
