"""Who is asking, from where: the current request, so services need not pass it around."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest, HttpResponse
from django.utils.ipv6 import clean_ipv6_address

_current: ContextVar[HttpRequest | None] = ContextVar("qorgau_request", default=None)


def client_address() -> str | None:
    request = _current.get()
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (see README, production).
    raw = str(request.META.get("REMOTE_ADDR") or "") if request is not None else ""
    try:
        validate_ipv46_address(raw)
    except ValidationError:
        return None
    # In the form the column stores (IPv6 compressed, lower case), so that the hash computed
    # before saving still matches the row read back by `audit verify`.
    return clean_ipv6_address(raw) if ":" in raw else raw


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
