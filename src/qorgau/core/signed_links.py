"""Signed values in links sent to people without an account: the registration's cancel link,
the survey and certificate links, the test and check-in QR codes.

One salt per kind of link, so a token made for one page is refused by every other. Two forms,
because links already sent in e-mails must keep working and each kept its own:

- ``SignedLink``: ``signing.dumps`` / ``signing.loads`` (a JSON value, timestamped);
- ``TimestampedLink``: ``TimestampSigner.sign(str(value))`` (text, ``value:stamp:signature``).

Both raise ``LinkExpired`` for a link older than ``max_age`` and ``LinkInvalid`` for any other
bad token (tampered, another salt, not ours). ``LinkExpired`` is a ``LinkInvalid``, as Django's
``SignatureExpired`` is a ``BadSignature``: a caller that does not tell them apart catches one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing


class LinkInvalid(Exception):
    """The token was not signed by Qorgau with this salt, or was changed since."""


class LinkExpired(LinkInvalid):
    """The token is genuine but older than the link's ``max_age``."""


@contextmanager
def _as_link_errors() -> Iterator[None]:
    """Django's signing errors as ours (expired first: it is a BadSignature too)."""
    try:
        yield
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error


@dataclass(frozen=True)
class SignedLink:
    """A JSON value (a pk, a small dict) signed with ``signing.dumps``."""

    salt: str
    max_age: timedelta | None = None

    def sign(self, value: Any) -> str:
        return signing.dumps(value, salt=self.salt)

    def unsign(self, token: str) -> Any:
        with _as_link_errors():
            return signing.loads(token, salt=self.salt, max_age=self.max_age)

    def unsign_pk(self, token: str) -> int:
        """The primary key the token carries; ``LinkInvalid`` if it carries anything else."""
        value = self.unsign(token)
        if not isinstance(value, int) or isinstance(value, bool):
            raise LinkInvalid
        return value


@dataclass(frozen=True)
class TimestampedLink:
    """A value signed as text with ``TimestampSigner``."""

    salt: str
    max_age: timedelta | None = None

    def sign(self, value: int | str) -> str:
        return signing.TimestampSigner(salt=self.salt).sign(str(value))

    def unsign(self, token: str) -> str:
        with _as_link_errors():
            return signing.TimestampSigner(salt=self.salt).unsign(token, max_age=self.max_age)

    def unsign_pk(self, token: str) -> int:
        """The primary key the token carries; ``LinkInvalid`` if it is not a number."""
        value = self.unsign(token)
        if not value.isdigit():
            raise LinkInvalid
        return int(value)
