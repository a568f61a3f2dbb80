"""The "Lost your code?" step of the pages that ask for the personal code (the test, the QR
check-in and the surveys; ADR 0024). Thin: the throttle is training/identify.py's, the write
and the e-mail are services.registration_code_request's.

Whatever the address, registered or not, the page answers the same sentence: the page never
tells who registered, and the code goes only to the registered address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from qorgau.training import identify, services
from qorgau.training.forms import LostCodeForm
from qorgau.training.models import Event

FIELD = "lost_code_email"


@dataclass(frozen=True)
class LostCode:
    form: LostCodeForm
    asked: bool = False  # this request was the lost-code form (not the personal code form)
    answered: bool = False  # the same sentence, registered or not
    status: int = 200


def lost_code_step(request: HttpRequest, *, event: Event) -> LostCode:
    """Handle the lost-code form when this POST is it; otherwise an empty form for the page."""
    if request.method != "POST" or FIELD not in request.POST:
        return LostCode(LostCodeForm())
    form = LostCodeForm(request.POST)
    if not form.is_valid():
        return LostCode(form, asked=True)
    email = form.cleaned_data[FIELD]
    try:
        identify.with_resend_throttle(
            request,
            event_id=event.pk,
            email=email,
            send=lambda: services.registration_code_request(event=event, email=email),
        )
    except identify.TooManyRequests as error:
        form.add_error(FIELD, error.message)
        return LostCode(form, asked=True, status=429)
    return LostCode(LostCodeForm(), asked=True, answered=True)
