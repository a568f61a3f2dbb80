"""How a participant without an account says who they are on a public page: the pre/post test,
the QR check-in and the surveys.

The personal code only, never the e-mail address alone: anyone may know someone's address, and
the test, the attendance or the answer would then go in that person's name. The code was sent
only to them (in the e-mail that confirmed their place, and on the page after registering).

Wrong codes are rate-limited per page (the test, the session or the survey) and client address,
in the shared cache (ADR 0020). Only failures count: a room of participants shares one address.

A participant who lost their code asks for it again with their e-mail address on the same
pages (ADR 0024). The same counter limits that: each request counts against the client address
(whatever the event or address asked for), and an event and address get at most one e-mail per
window, so a second click sends nothing new. The page answers the same whether or not the
address is registered; the code goes only to the registered address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qorgau.training.models import Registration
from qorgau.training.normalise import code_key, email_key

# Wrong personal codes one address may try on one page, per window (seconds).
CODE_ATTEMPTS = 10
CODE_WINDOW = 15 * 60
# Requests for a lost code one address may make (any events and e-mail addresses), per window.
RESEND_REQUESTS = 10

T = TypeVar("T")


def registration_by_code(*, event_id: int, identifier: str) -> Registration | None:
    """The approved participant of the event with this personal code (typed in any case, with
    or without the dash); None for an e-mail address or anything else."""
    code = "" if "@" in identifier else code_key(identifier)
    if not code:
        return None
    return Registration.objects.filter(
        event_id=event_id, status=Registration.Status.APPROVED, personal_code=code
    ).first()


def unknown_code() -> ValidationError:
    return ValidationError(
        {
            "identifier": _(
                "We found no approved registration for this event with this personal code. "
                "The code is in the e-mail that confirmed your place; or ask the organiser."
            )
        }
    )


class TooManyWrongCodes(Exception):
    """This address gave too many wrong codes on this page lately."""

    @property
    def message(self) -> str:
        return _("Too many attempts with a wrong code. Try again in %(minutes)d minutes.") % {
            "minutes": CODE_WINDOW // 60
        }


class TooManyRequests(Exception):
    """This address asked for lost codes too often lately."""

    @property
    def message(self) -> str:
        return _("Too many requests from this device. Try again in %(minutes)d minutes.") % {
            "minutes": CODE_WINDOW // 60
        }


def _key(request: HttpRequest, page: str) -> str:
    return f"qorgau:training:wrong-codes:{page}:{request.META.get('REMOTE_ADDR', '')}"


def _spent(key: str, limit: int) -> bool:
    return int(cache.get(key, 0)) >= limit


def _count(key: str) -> None:
    cache.add(key, 0, CODE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, CODE_WINDOW)


def with_code_throttle(request: HttpRequest, *, page: str, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` (which raises ValidationError for a wrong code) unless this address gave
    CODE_ATTEMPTS wrong codes on this page within CODE_WINDOW; count a wrong one.

    ``page`` names the test, session or survey, e.g. ``"test:12"``.
    """
    key = _key(request, page)
    if _spent(key, CODE_ATTEMPTS):
        raise TooManyWrongCodes
    try:
        return attempt()
    except ValidationError:
        _count(key)
        raise


def with_resend_throttle(
    request: HttpRequest, *, event_id: int, email: str, send: Callable[[], object]
) -> bool:
    """Run ``send`` (which e-mails the code if the address is registered) unless this client
    asked RESEND_REQUESTS times within CODE_WINDOW (TooManyRequests), or this event and
    address were asked for already within the window (nothing is sent; False).

    The address is kept in the cache only as a digest, never in clear."""
    client = _key(request, "lost-code")
    if _spent(client, RESEND_REQUESTS):
        raise TooManyRequests
    _count(client)
    digest = hashlib.sha256(email_key(email).encode()).hexdigest()
    if not cache.add(f"qorgau:training:lost-code:{event_id}:{digest}", 1, CODE_WINDOW):
        return False
    send()
    return True
