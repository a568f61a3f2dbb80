"""How a participant without an account says who they are on a public page: the pre/post test,
the QR check-in and the surveys.

The personal code only, never the e-mail address alone: anyone may know someone's address, and
the test, the attendance or the answer would then go in that person's name. The code was sent
only to them (in the e-mail that confirmed their place, and on the page after registering).

Wrong codes are rate-limited per page (the test, the session or the survey) and client address,
counted exactly in the database (core/throttle.py; ADR 0020 and its amendment). Only failures
count: a room of participants shares one address.

A participant who lost their code asks for it again with their e-mail address on the same
pages (ADR 0024). The same database throttle limits that: each request counts against the
client address (whatever the event or address asked for), and an event and address get at most
one e-mail per window, so a second click sends nothing new. The page answers the same whether
or not the address is registered; the code goes only to the registered address. Asking for a
code never counts as a wrong code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qorgau.core.throttle import Throttle
from qorgau.training.models import Registration
from qorgau.training.normalise import code_key, email_key

# Wrong personal codes one address may try on one page, per window (seconds).
CODE_ATTEMPTS = 10
CODE_WINDOW = 15 * 60
WRONG_CODES = Throttle(
    scope="training.wrong-codes", limit=CODE_ATTEMPTS, window=timedelta(seconds=CODE_WINDOW)
)
# Requests for a lost code one address may make (any events and e-mail addresses), per window.
RESEND_REQUESTS = 10
LOST_CODE_REQUESTS = Throttle(
    scope="training.lost-code-requests",
    limit=RESEND_REQUESTS,
    window=timedelta(seconds=CODE_WINDOW),
)
# One e-mail per event and address per window: a second click sends nothing new.
LOST_CODE_SENDS = Throttle(
    scope="training.lost-code-sends", limit=1, window=timedelta(seconds=CODE_WINDOW)
)

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
    return f"{page}:{request.META.get('REMOTE_ADDR', '')}"


def _address_key(event_id: int, email: str) -> str:
    """The event and a keyed digest of the normalised address: the throttle table never holds
    an address in clear, and without the secret key a digest cannot be matched to a list of
    known addresses."""
    digest = salted_hmac(
        "qorgau.training.lost-code", email_key(email), algorithm="sha256"
    ).hexdigest()
    return f"{event_id}:{digest}"


def with_code_throttle(request: HttpRequest, *, page: str, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` (which raises ValidationError for a wrong code) unless this address gave
    CODE_ATTEMPTS wrong codes on this page within CODE_WINDOW; count a wrong one.

    ``page`` names the test, session or survey, e.g. ``"test:12"``. The attempt's place is taken
    before it runs, so parallel guesses cannot pass the limit, and given back unless it raised
    ValidationError: right codes (and other refusals, e.g. an expired link) do not count.
    """
    key = _key(request, page)
    if not WRONG_CODES.take(key):
        raise TooManyWrongCodes
    wrong = False
    try:
        return attempt()
    except ValidationError:
        wrong = True
        raise
    finally:
        if not wrong:
            WRONG_CODES.give_back(key)


def with_resend_throttle(
    request: HttpRequest, *, event_id: int, email: str, send: Callable[[], object]
) -> bool:
    """Run ``send`` (which e-mails the code if the address is registered) unless this client
    asked RESEND_REQUESTS times within CODE_WINDOW (TooManyRequests), or this event and
    address were asked for already within the window (nothing is sent; False).

    Every request that gets past the client limit keeps its place, registered address or not.
    The event and address's one place is taken before ``send`` runs, so two parallel clicks
    send one e-mail, and given back if ``send`` fails, so the participant may try again."""
    if not LOST_CODE_REQUESTS.take(request.META.get("REMOTE_ADDR", "")):
        raise TooManyRequests
    address = _address_key(event_id, email)
    if not LOST_CODE_SENDS.take(address):
        return False
    try:
        send()
    except Exception:
        LOST_CODE_SENDS.give_back(address)
        raise
    return True
