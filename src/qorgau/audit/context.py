"""Who is asking, from where: the current request, so services need not pass it around."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("qorgau_request", default=None)


def client_address() -> str | None:
    request = _current.get()
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (see README, production).
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def workspace_id() -> int | None:
    request = _current.get()
    workspace = getattr(request, "workspace", None) if request is not None else None
    return workspace.pk if workspace is not None else None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
