"""The REST API: one NinjaAPI, session or personal-token auth, one JSON error shape.

Every error body is ``{"error": {"code": str, "message": str, "fields": {path: [str]}}}`` with
the message in the caller's language; bad input is a 4xx naming the field, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from qorgau.accounts.permissions import requires_two_factor
from qorgau.accounts.services import api_token_authenticate

logger = logging.getLogger(__name__)


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF on writes, and the second factor where the role needs it."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from django.conf import settings

        user = request.user
        if not user.is_authenticated:
            return None
        verified = getattr(user, "is_verified", lambda: False)()
        if settings.QORGAU_REQUIRE_2FA and requires_two_factor(user) and not verified:
            return None
        return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            if user.language:
                # As for a session: the person's own language wins over Accept-Language.
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


api = NinjaAPI(
    title="Qorgau API",
    version="1",
    description=(
        "Qorgau's API for partner systems. Authenticate with a personal token "
        "(Authorization: Bearer qrg_…) or a browser session. Errors share one shape: "
        '{"error": {"code", "message", "fields"}}.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


_PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "string_too_long": lambda: _("This value is too long."),
    "string_too_short": lambda: _("This value is too short."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "datetime_parsing": lambda: _("Enter a date and time such as 2026-12-31T17:00:00+05:00."),
    "datetime_from_date_parsing": lambda: _(
        "Enter a date and time such as 2026-12-31T17:00:00+05:00."
    ),
    "date_from_datetime_parsing": lambda: _("Enter a date such as 2026-12-31."),
    "date_parsing": lambda: _("Enter a date such as 2026-12-31."),
    "enum": lambda: _("Choose one of the allowed values."),
    "literal_error": lambda: _("Choose one of the allowed values."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
}


def _field_path(loc: list[Any]) -> str:
    # ninja prefixes locations with the source and parameter name: ["body", "payload", "name"].
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        message_for = _PYDANTIC_MESSAGES.get(error.get("type", ""))
        message = message_for() if message_for else _("This value is not valid.")
        fields.setdefault(_field_path(list(error.get("loc", []))), []).append(message)
    return error_response(request, 422, "invalid", _("Some fields need correcting."), fields)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        return error_response(request, 422, "invalid", _("Some fields need correcting."), fields)
    return error_response(request, 422, "invalid", " ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", _("Sign in, or send a valid personal API token.")
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


# django-ninja's own refusals carry fixed English texts: give them a code, in the caller's language.
_NINJA_ERRORS = {
    "CSRF check Failed": ("csrf_failed", lambda: _("CSRF verification failed. Request aborted.")),
    "Cannot parse request body": ("invalid", lambda: _("The request body is not valid JSON.")),
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    known = _NINJA_ERRORS.get(str(exc))
    if known is not None:
        code, message = known
        return error_response(request, exc.status_code, code, message())
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error")
    return error_response(
        request, 500, "server_error", _("Something went wrong on our side. It has been logged.")
    )


api.add_router("/", "qorgau.accounts.api.router")
api.add_router("/audit", "qorgau.audit.api.router")
api.add_router("/screening", "qorgau.screening.api.router")
api.add_router("/cases", "qorgau.cases.api.router")
api.add_router("/cases", "qorgau.cases.api_care.router")
api.add_router("/reminders", "qorgau.cases.reminder_api.router")  # care reminders (ADR 0022)
api.add_router("/directory", "qorgau.directory.api.router")
api.add_router("/referrals", "qorgau.referrals.api.router")
api.add_router("/justice", "qorgau.justice.api.router")
api.add_router("/training", "qorgau.training.resources_api.router")
