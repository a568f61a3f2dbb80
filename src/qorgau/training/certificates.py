"""Certificates: who earns one, issuing and revoking them, their PDF and their public check.

A participant earns a certificate when their registration is approved, they attended enough of
the event's sessions and, if the event says so, passed the post-test. Each certificate has an
unguessable verification code (10 random base-32 characters and a check character, so about
2^50 codes: guessing a valid one is hopeless) that anyone may check at ``/t/verify/<code>/``.

WeasyPrint needs Pango on the machine; it is imported only when a PDF is rendered, so the rest
of the application runs without it.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.signed_links import LinkInvalid, SignedLink
from qorgau.training.emails import site_url
from qorgau.training.models import (
    LANGUAGE_CODES,
    Assessment,
    Attempt,
    Attendance,
    Certificate,
    CertificateRule,
    Event,
    Registration,
)

DOWNLOAD_SALT = "qorgau.training.certificate"
DOWNLOAD_LINK = SignedLink(salt=DOWNLOAD_SALT)
# Crockford's base 32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_LENGTH = 10
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


# --- codes --------------------------------------------------------------------------------
def _check_character(body: str) -> str:
    total = sum((position + 1) * ALPHABET.index(char) for position, char in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _i in range(_RANDOM_LENGTH))
    return body + _check_character(body)


def normalise_code(typed: str) -> str | None:
    """The stored form of a typed code (any case, dashes and spaces, O for 0), or None when it
    cannot be a code (wrong length, letters outside the alphabet, wrong check character)."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_TYPO)
    if len(code) != _RANDOM_LENGTH + 1 or any(char not in ALPHABET for char in code):
        return None
    return code if _check_character(code[:-1]) == code[-1] else None


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


# --- eligibility (a pure function) ---------------------------------------------------------
@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = ()


def eligibility(
    *,
    sessions: int,
    attended: int,
    threshold: int,
    post_test_required: bool,
    min_score: int,
    post_score: Decimal | None,
) -> Eligibility:
    """Whether a participant earns the certificate, and if not, why (translated)."""
    reasons = []
    if sessions <= 0:
        reasons.append(_("The event has no sessions in its timetable."))
    elif attended * 100 < threshold * sessions:
        reasons.append(
            _("Attended %(attended)d of %(sessions)d sessions; %(threshold)d%% are needed.")
            % {"attended": attended, "sessions": sessions, "threshold": threshold}
        )
    if post_test_required:
        if post_score is None:
            reasons.append(_("The post-test was not taken."))
        elif post_score < min_score:
            reasons.append(
                _("Post-test score %(score)s%% is below the minimum of %(minimum)d%%.")
                % {"score": post_score, "minimum": min_score}
            )
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))


def rule_of(event: Event) -> CertificateRule:
    rule = CertificateRule.objects.filter(event=event).first()
    return rule if rule is not None else CertificateRule(event=event)


@dataclass(frozen=True)
class Standing:
    registration: Registration
    attended: int
    post_score: Decimal | None
    eligibility: Eligibility
    certificate: Certificate | None


def standings(*, event: Event) -> list[Standing]:
    """Every approved participant of the event with their attendance, post-test score,
    eligibility and certificate (if any)."""
    rule = rule_of(event)
    sessions = event.sessions.count()
    attended: Mapping[int, int] = dict(
        Attendance.objects.filter(session__event=event)
        .values("registration")
        .annotate(n=Count("id"))
        .values_list("registration", "n")
    )
    scores: Mapping[int, Decimal | None] = dict(
        Attempt.objects.filter(
            assessment__event=event,
            assessment__phase=Assessment.Phase.POST,
            submitted_at__isnull=False,
        ).values_list("registration_id", "score")
    )
    certificates = {c.registration_id: c for c in Certificate.objects.filter(event=event)}
    result = []
    for registration in Registration.objects.filter(
        event=event, status=Registration.Status.APPROVED
    ).order_by("full_name", "pk"):
        result.append(
            Standing(
                registration=registration,
                attended=attended.get(registration.pk, 0),
                post_score=scores.get(registration.pk),
                eligibility=eligibility(
                    sessions=sessions,
                    attended=attended.get(registration.pk, 0),
                    threshold=rule.attendance_threshold,
                    post_test_required=rule.post_test_required,
                    min_score=rule.post_test_min_score,
                    post_score=scores.get(registration.pk),
                ),
                certificate=certificates.get(registration.pk),
            )
        )
    return result


# --- services -----------------------------------------------------------------------------
def _require_manager(actor: User | None, event: Event) -> None:
    if actor is not None and not can(actor, "training.certificate.manage", event):
        raise PermissionDenied(_("You may not manage the certificates of this event."))


@transaction.atomic
def certificate_rule_set(
    *,
    actor: User | None,
    event: Event,
    attendance_threshold: int,
    post_test_required: bool,
    post_test_min_score: int,
    hours: int | None,
) -> CertificateRule:
    _require_manager(actor, event)
    rule = rule_of(event)
    rule.attendance_threshold = attendance_threshold
    rule.post_test_required = post_test_required
    rule.post_test_min_score = post_test_min_score
    rule.hours = hours
    rule.full_clean()
    rule.save()
    record(
        actor=actor,
        action="training.certificate.rule",
        target=event,
        organisation=event.organiser,
        details={
            "attendance_threshold": attendance_threshold,
            "post_test_required": post_test_required,
            "post_test_min_score": post_test_min_score,
            "hours": hours,
        },
    )
    return rule


def _create(actor: User | None, registration: Registration) -> Certificate:
    language = registration.language if registration.language in LANGUAGE_CODES else "ru"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    registration=registration,
                    event=registration.event,
                    code=new_code(),
                    language=language,
                    issued_at=timezone.now(),
                    issued_by=actor,
                )
        except IntegrityError:
            if Certificate.objects.filter(registration=registration).exists():
                raise
            continue  # the one-in-2^50 code collision: draw again
        record(
            actor=actor,
            action="training.certificate.issue",
            target=certificate,
            organisation=registration.event.organiser,
            details={"event": registration.event_id, "registration": registration.pk},
        )
        return certificate
    raise RuntimeError("no free certificate code")  # pragma: no cover


@transaction.atomic
def certificate_issue(*, actor: User | None, registration: Registration) -> Certificate:
    """Issue the certificate of one participant; refuses a second one and the ineligible."""
    event = registration.event
    _require_manager(actor, event)
    if Certificate.objects.filter(registration=registration).exists():
        raise ValidationError(_("This participant already has a certificate."))
    if registration.status != Registration.Status.APPROVED:
        raise ValidationError(_("Only approved participants can receive a certificate."))
    standing = next(s for s in standings(event=event) if s.registration.pk == registration.pk)
    if not standing.eligibility.eligible:
        raise ValidationError(list(standing.eligibility.reasons))
    return _create(actor, registration)


@transaction.atomic
def certificates_issue_eligible(*, actor: User | None, event: Event) -> list[Certificate]:
    """Issue a certificate to every eligible participant who has none yet (safe to repeat)."""
    _require_manager(actor, event)
    Event.objects.select_for_update().filter(pk=event.pk).first()
    return [
        _create(actor, standing.registration)
        for standing in standings(event=event)
        if standing.eligibility.eligible and standing.certificate is None
    ]


@transaction.atomic
def certificate_revoke(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    _require_manager(actor, certificate.event)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if certificate.is_revoked:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoked_reason = reason[:1000]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "updated_at"])
    record(
        actor=actor,
        action="training.certificate.revoke",
        target=certificate,
        organisation=certificate.event.organiser,
        details={"event": certificate.event_id, "reason": certificate.revoked_reason},
    )
    return certificate


# --- links, QR code and PDF -----------------------------------------------------------------
def verify_url(certificate: Certificate) -> str:
    return site_url() + reverse("training_public:verify", kwargs={"code": certificate.code})


def download_token(certificate: Certificate) -> str:
    return DOWNLOAD_LINK.sign(certificate.pk)


def download_url(certificate: Certificate) -> str:
    path = reverse("training_public:certificate", kwargs={"token": download_token(certificate)})
    return site_url() + path


def certificate_for_token(token: str) -> Certificate | None:
    try:
        pk = DOWNLOAD_LINK.unsign_pk(token)
    except LinkInvalid:
        return None
    return Certificate.objects.select_related("registration", "event").filter(pk=pk).first()


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline: without the XML declaration


def _hours(event: Event, rule: CertificateRule) -> int:
    if rule.hours:
        return rule.hours
    minutes = 0
    for session in event.sessions.all():
        start = datetime.combine(session.date, session.starts_at)
        end = datetime.combine(session.date, session.ends_at)
        minutes += max(0, int((end - start).total_seconds() // 60))
    return round(minutes / 60)


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library under it) is not installed on this machine."""


def load_weasyprint() -> Any:
    try:
        import weasyprint  # Pango is loaded only when a PDF is made
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def certificate_html(certificate: Certificate) -> str:
    event = certificate.event
    with translation.override(certificate.language):
        return render_to_string(
            "training/certificate/pdf.html",
            {
                "certificate": certificate,
                "registration": certificate.registration,
                "event": event,
                "organisers": [event.organiser, *event.co_organisers.all()],
                "hours": _hours(event, rule_of(event)),
                "code": display_code(certificate.code),
                "verify_url": verify_url(certificate),
                "qr": mark_safe(qr_svg(verify_url(certificate))),  # noqa: S308 (our own SVG)
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF in the participant's language."""
    weasyprint = load_weasyprint()
    return bytes(weasyprint.HTML(string=certificate_html(certificate)).write_pdf())
