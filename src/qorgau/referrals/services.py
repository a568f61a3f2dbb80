"""Every write of a referral: send, answer, start, complete, cancel, and escalate when overdue.

Each service checks the access policy, validates, writes the status and its history row, and
records its audit event. Sending is consent-gated (cases.services.require_consent), with the
audited urgent override; a repeated send with the same idempotency key returns the first one.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Case, CaseDocument, Confidentiality, ConsentPurpose, Stage
from qorgau.cases.services import require_consent
from qorgau.core.models import Workspace
from qorgau.directory.models import ProviderService, ServiceType
from qorgau.referrals.deadlines import deadlines_for
from qorgau.referrals.models import (
    NEXT_STATUSES,
    Deadline,
    Escalation,
    Referral,
    ReferralDocument,
    ReferralEvent,
    Status,
)
from qorgau.referrals.tasks import send_escalation_emails


def provider_offers(*, provider: Organisation, service_type: ServiceType) -> bool:
    return ProviderService.objects.filter(
        provider__organisation=provider, service_type=service_type, is_active=True
    ).exists()


def _referral_with_key(case: Case, idempotency_key: uuid.UUID) -> Referral | None:
    return (
        Referral.objects.in_workspace(case.workspace)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _repeated_referral(existing: Referral, case: Case, actor: User) -> Referral:
    if existing.case_id != case.pk or existing.sent_by_id != actor.pk:
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return existing


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    provider: Organisation,
    service_type: ServiceType,
    reason: str,
    idempotency_key: uuid.UUID,
    urgent_reason: str = "",
) -> Referral:
    existing = _referral_with_key(case, idempotency_key)
    if existing is not None:
        return _repeated_referral(existing, case, actor)
    if not can(actor, "referral.send", case):
        raise PermissionDenied(_("You may not refer this child."))
    errors: dict[str, str] = {}
    if case.stage in (Stage.CLOSED,):
        errors["__all__"] = _("The case is closed; reopen it before referring the child.")
    if not reason.strip():
        errors["reason"] = _("Say what the child needs from this service.")
    if provider.pk == case.organisation_id:
        errors["provider"] = _("Choose another organisation than your own.")
    elif not provider_offers(provider=provider, service_type=service_type):
        errors["provider"] = _("This provider does not offer this service.")
    if errors:
        raise ValidationError(errors)
    # Refused (ConsentRequired) without consent for referral or an urgent reason.
    require_consent(
        case=case,
        purpose=ConsentPurpose.REFERRAL,
        organisation=provider,
        actor=actor,
        urgent_reason=urgent_reason,
    )
    now = timezone.now()
    deadlines = deadlines_for(service_type.key, now)
    referral = Referral(
        workspace=case.workspace,
        idempotency_key=idempotency_key,
        case=case,
        sender_organisation=case.organisation,
        sent_by=actor,
        provider=provider,
        service_type=service_type,
        reason=reason.strip(),
        urgent_reason=urgent_reason.strip(),
        respond_by=deadlines.respond_by,
        complete_by=deadlines.complete_by,
        deadlines_version=deadlines.version,
    )
    referral.validate(
        exclude=["workspace", "case", "sender_organisation", "sent_by", "provider", "service_type"]
    )
    try:
        with transaction.atomic():  # a savepoint: a racing double submit may take the key
            referral.save()
    except IntegrityError:
        # The same key saved by a concurrent request: that one wins, if it is this person's.
        existing = _referral_with_key(case, idempotency_key)
        if existing is None:
            raise
        return _repeated_referral(existing, case, actor)
    ReferralEvent.objects.create(
        workspace=case.workspace, referral=referral, to_status=Status.SENT, actor=actor
    )
    record(
        actor=actor,
        action="referral.send",
        target=referral,
        organisation=case.organisation,
        details={
            "case": case.pk,
            "provider": provider.pk,
            "service_type": service_type.key,
            "urgent": bool(urgent_reason.strip()),
        },
    )
    return referral


def _resolve(referral: Referral, *deadlines: str) -> None:
    Escalation.objects.in_workspace(referral.workspace).filter(
        referral=referral, deadline__in=deadlines, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def _move(
    *,
    actor: User,
    referral: Referral,
    to_status: str,
    action: str,
    note: str = "",
    fields: dict[str, object] | None = None,
) -> Referral:
    current = (
        Referral.objects.in_workspace(referral.workspace)
        .select_for_update()
        .select_related("sender_organisation", "workspace")
        .get(pk=referral.pk)
    )
    if current.status == to_status:
        return current  # a repeated click: already done
    if to_status not in NEXT_STATUSES.get(current.status, ()):
        raise ValidationError(
            _("This referral is %(status)s and cannot be changed so.")
            % {"status": current.get_status_display().lower()}
        )
    from_status = current.status
    current.status = to_status
    now = timezone.now()
    update = ["status", "updated_at"]
    if from_status == Status.SENT:
        current.responded_at = now
        update.append("responded_at")
    if to_status in (Status.DECLINED, Status.COMPLETED, Status.CANCELLED):
        current.closed_at = now
        update.append("closed_at")
    for name, value in (fields or {}).items():
        setattr(current, name, value)
        update.append(name)
    current.save(update_fields=update)
    ReferralEvent.objects.create(
        workspace=current.workspace,
        referral=current,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )
    if from_status == Status.SENT:
        _resolve(current, Deadline.RESPOND)
    if current.is_closed:
        _resolve(current, Deadline.RESPOND, Deadline.COMPLETE)
    record(
        actor=actor,
        action=action,
        target=current,
        organisation=current.provider
        if action != "referral.cancel"
        else current.sender_organisation,
        details={"case": current.case_id, "from": from_status, "to": to_status},
    )
    referral.refresh_from_db()
    return current


def _require_provider(actor: User, referral: Referral) -> None:
    if not can(actor, "referral.respond", referral):
        raise PermissionDenied(_("Only the receiving provider may answer this referral."))


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    _require_provider(actor, referral)
    return _move(
        actor=actor, referral=referral, to_status=Status.ACCEPTED, action="referral.accept"
    )


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    _require_provider(actor, referral)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    return _move(
        actor=actor,
        referral=referral,
        to_status=Status.DECLINED,
        action="referral.decline",
        note=reason.strip(),
        fields={"decline_reason": reason.strip()},
    )


@transaction.atomic
def referral_start(*, actor: User, referral: Referral) -> Referral:
    _require_provider(actor, referral)
    return _move(
        actor=actor, referral=referral, to_status=Status.IN_PROGRESS, action="referral.start"
    )


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str) -> Referral:
    _require_provider(actor, referral)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Note what was done for the child.")})
    return _move(
        actor=actor,
        referral=referral,
        to_status=Status.COMPLETED,
        action="referral.complete",
        note=outcome.strip(),
        fields={"outcome": outcome.strip()},
    )


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral, reason: str) -> Referral:
    if not can(actor, "referral.cancel", referral):
        raise PermissionDenied(_("Only the referring organisation may cancel this referral."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is cancelled.")})
    return _move(
        actor=actor,
        referral=referral,
        to_status=Status.CANCELLED,
        action="referral.cancel",
        note=reason.strip(),
        fields={"cancel_reason": reason.strip()},
    )


# --- escalation ---------------------------------------------------------------------------
def _overdue(workspace: Workspace, now: datetime) -> list[tuple[Referral, str, datetime]]:
    open_referrals = Referral.objects.in_workspace(workspace).select_related("workspace")
    found: list[tuple[Referral, str, datetime]] = [
        (referral, Deadline.RESPOND, referral.respond_by)
        for referral in open_referrals.filter(status=Status.SENT, respond_by__lt=now)
    ]
    found += [
        (referral, Deadline.COMPLETE, referral.complete_by)
        for referral in open_referrals.filter(
            status__in=(Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS), complete_by__lt=now
        )
    ]
    return found


def escalate_overdue(*, workspace: Workspace, now: datetime | None = None) -> list[Escalation]:
    """Open one escalation per referral per missed deadline; idempotent. Returns the new ones."""
    now = now or timezone.now()
    created: list[Escalation] = []
    for referral, deadline, due_at in _overdue(workspace, now):
        with transaction.atomic():
            escalation, is_new = Escalation.objects.in_workspace(workspace).get_or_create(
                referral=referral,
                deadline=deadline,
                defaults={
                    "workspace": workspace,
                    "organisation_id": referral.sender_organisation_id,
                    "due_at": due_at,
                },
            )
            if not is_new:
                continue
            record(
                actor=None,
                action="referral.escalate",
                target=referral,
                organisation=referral.sender_organisation,
                details={"deadline": deadline, "escalation": escalation.pk},
            )
            created.append(escalation)
    if created and not workspace.is_training:
        ids = [escalation.pk for escalation in created]
        transaction.on_commit(lambda: send_escalation_emails.enqueue(escalation_ids=ids))
    return created


# --- documents shared with the provider ---------------------------------------------------
@transaction.atomic
def referral_attach_document(
    *, actor: User, referral: Referral, document: CaseDocument
) -> ReferralDocument:
    """Share one current, team-level case document with the referral's provider (only it)."""
    if not can(actor, "referral.attach_document", referral):
        raise PermissionDenied(_("You may not share documents on this referral."))
    if document.case_id != referral.case_id:
        raise ValidationError({"document": _("Choose a document of this referral's case.")})
    if not document.is_active:
        raise ValidationError({"document": _("This document was withdrawn or replaced.")})
    if document.level != Confidentiality.TEAM:
        raise ValidationError(
            {
                "document": _(
                    "Only documents the whole case team may read can be shared with a provider."
                )
            }
        )
    attachment, created = ReferralDocument.objects.in_workspace(referral.workspace).get_or_create(
        referral=referral,
        document=document,
        defaults={"workspace": referral.workspace, "attached_by": actor},
    )
    if created:
        record(
            actor=actor,
            action="referral.attach_document",
            target=referral,
            organisation=referral.sender_organisation,
            details={"case": referral.case_id, "document": document.pk},
        )
    return attachment
