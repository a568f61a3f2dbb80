"""Showing a service's ValidationError to the person who caused it: beside the form's fields,
or as messages at the top of the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def attach_errors(
    form: Any, error: ValidationError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Put each of the error's messages beside the form field it names; a message about a field
    the form does not show (hidden, unknown, or the whole input) goes above the form.

    ``fields`` maps a service's field name to the form field that asks it, where they differ.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target: str | None = (fields or {}).get(name, name)
        if target not in form.fields:
            target = name
        if target not in form.fields or form[target].is_hidden:
            target = None
        for item in errors:
            form.add_error(target, item)


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    """Each of the error's messages as an error message on the next page."""
    for message in error.messages:
        messages.error(request, message)
