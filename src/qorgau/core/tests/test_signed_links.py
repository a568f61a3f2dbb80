"""Signed links (core/signed_links.py): a round trip gives the value back; a tampered token,
another salt or an old one is refused with the link's own exception; and tokens made the way
the training pages made them before the helper (already sent in e-mails) still verify."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.core import signing

from qorgau.core.signed_links import LinkExpired, LinkInvalid, SignedLink, TimestampedLink

SALT = "qorgau.test.link"
KINDS = [SignedLink, TimestampedLink]


@pytest.mark.parametrize("kind", KINDS)
def test_a_signed_pk_comes_back(kind):
    link = kind(salt=SALT)

    assert link.unsign_pk(link.sign(42)) == 42


def test_a_json_value_comes_back():
    link = SignedLink(salt=SALT)

    assert link.unsign(link.sign({"s": 1, "r": 2})) == {"s": 1, "r": 2}


def test_timestamped_text_comes_back_as_text():
    link = TimestampedLink(salt=SALT)

    assert link.unsign(link.sign(7)) == "7"
    assert link.unsign(link.sign("abc")) == "abc"


@pytest.mark.parametrize("kind", KINDS)
def test_a_tampered_token_is_invalid(kind):
    link = kind(salt=SALT)
    token = link.sign(42)
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")

    with pytest.raises(LinkInvalid) as refused:
        link.unsign(tampered)
    assert not isinstance(refused.value, LinkExpired)


@pytest.mark.parametrize("kind", KINDS)
def test_a_changed_value_is_invalid(kind):
    link = kind(salt=SALT)
    token = link.sign(42)
    other = link.sign(43)
    # The value of one token with the stamp and signature of another.
    forged = other.split(":", 1)[0] + ":" + token.split(":", 1)[1]

    with pytest.raises(LinkInvalid):
        link.unsign(forged)


@pytest.mark.parametrize("kind", KINDS)
def test_a_token_for_another_salt_is_invalid(kind):
    token = kind(salt="qorgau.test.other").sign(42)

    with pytest.raises(LinkInvalid):
        kind(salt=SALT).unsign(token)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("token", ["", "42", "not a token", "a:b:c"])
def test_garbage_is_invalid(kind, token):
    with pytest.raises(LinkInvalid):
        kind(salt=SALT).unsign(token)


@pytest.mark.parametrize("kind", KINDS)
def test_an_old_token_is_expired_and_a_young_one_is_not(kind):
    link = kind(salt=SALT, max_age=timedelta(minutes=15))
    with time_machine.travel("2026-12-01 09:00:00Z", tick=False) as machine:
        token = link.sign(42)
        machine.shift(timedelta(minutes=14))
        assert link.unsign_pk(token) == 42

        machine.shift(timedelta(minutes=2))
        with pytest.raises(LinkExpired):
            link.unsign(token)


@pytest.mark.parametrize("kind", KINDS)
def test_without_max_age_a_token_never_expires(kind):
    link = kind(salt=SALT)
    with time_machine.travel("2026-12-01 09:00:00Z", tick=False) as machine:
        token = link.sign(42)
        machine.shift(timedelta(days=3 * 365))
        assert link.unsign_pk(token) == 42


def test_expired_is_a_kind_of_invalid():
    """A page that shows one error for both catches LinkInvalid alone."""
    assert issubclass(LinkExpired, LinkInvalid)


@pytest.mark.parametrize("value", ["42", 4.2, True, None, [42], {"pk": 42}])
def test_a_signed_link_carrying_something_else_than_a_pk_is_invalid(value):
    link = SignedLink(salt=SALT)

    with pytest.raises(LinkInvalid):
        link.unsign_pk(link.sign(value))


@pytest.mark.parametrize("value", ["abc", "-1", "4.2", ""])
def test_a_timestamped_link_carrying_no_number_is_invalid(value):
    link = TimestampedLink(salt=SALT)

    with pytest.raises(LinkInvalid):
        link.unsign_pk(link.sign(value))


# --- links already sent keep working -------------------------------------------------------
def test_a_token_made_with_signing_dumps_verifies():
    sent = signing.dumps(42, salt=SALT)

    assert SignedLink(salt=SALT).unsign_pk(sent) == 42
    assert signing.loads(SignedLink(salt=SALT).sign(42), salt=SALT) == 42


def test_a_token_made_with_the_timestamp_signer_verifies():
    sent = signing.TimestampSigner(salt=SALT).sign("42")

    assert TimestampedLink(salt=SALT).unsign_pk(sent) == 42
    assert signing.TimestampSigner(salt=SALT).unsign(TimestampedLink(salt=SALT).sign(42)) == "42"


DAY = timedelta(hours=24)


@pytest.mark.parametrize(
    ("module", "name", "kind", "salt", "max_age"),
    [
        ("assessments", "TEST_LINK", TimestampedLink, "qorgau.training.test", DAY),
        (
            "services.attendance",
            "CHECKIN_LINK",
            TimestampedLink,
            "qorgau.training.checkin",
            timedelta(minutes=15),
        ),
        ("views", "THANKS_LINK", TimestampedLink, "qorgau.training.registered", DAY),
        ("emails", "CANCEL_LINK", SignedLink, "qorgau.training.cancel", None),
        ("surveys", "SURVEY_LINK", SignedLink, "qorgau.training.survey", None),
        ("surveys", "RESPONDENT_LINK", SignedLink, "qorgau.training.survey.respondent", None),
        ("certificates", "DOWNLOAD_LINK", SignedLink, "qorgau.training.certificate", None),
    ],
)
def test_the_training_links_keep_their_salt_form_and_age(module, name, kind, salt, max_age):
    """A changed salt or form would refuse every link already sent in an e-mail."""
    link = getattr(importlib.import_module(f"qorgau.training.{module}"), name)

    assert type(link) is kind
    assert (link.salt, link.max_age) == (salt, max_age)
