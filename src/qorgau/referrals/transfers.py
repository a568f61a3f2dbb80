"""Every write of a case transfer: request with a handover note, accept, decline, cancel.

The receiving organisation's case managers and supervisors answer; on acceptance the case's
organisation, region and manager move through ``cases.handover.case_hand_over``, and the
previous organisation stays on the case team (read only) if the sender chose so (ADR 0013).
Both sides are told in the app (the transfers page) and by an e-mail that names no child.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can, case_lead_ids
from qorgau.audit.services import record
from qorgau.cases.handover import case_hand_over
from qorgau.cases.models import Case, CaseNotification, Stage
from qorgau.core.models import Workspace
from qorgau.referrals.models import Transfer
from qorgau.referrals.tasks import send_transfer_emails

HANDOVER_MAX_LENGTH = 5000


def _tell(transfer: Transfer, organisation_id: int, kind: str) -> None:
    CaseNotification.objects.create(
        workspace=transfer.workspace,
        case=transfer.case,
        organisation_id=organisation_id,
        kind=kind,
    )
    if transfer.workspace.kind == Workspace.Kind.REAL:
        pk = transfer.pk
        transaction.on_commit(
            lambda: send_transfer_emails.enqueue(
                transfer_id=pk, organisation_id=organisation_id, kind=kind
            )
        )


def _transfer_with_key(case: Case, idempotency_key: uuid.UUID) -> Transfer | None:
    return (
        Transfer.objects.in_workspace(case.workspace)
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _waiting_transfer(case: Case) -> Transfer | None:
    return (
        Transfer.objects.in_workspace(case.workspace)
        .filter(case=case, status=Transfer.Status.REQUESTED)
        .first()
    )


def _repeated_transfer(existing: Transfer, case: Case, actor: User) -> Transfer:
    if existing.case_id != case.pk or existing.requested_by_id != actor.pk:
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return existing


@transaction.atomic
def transfer_request(
    *,
    actor: User,
    case: Case,
    to_organisation: Organisation,
    handover_note: str,
    keep_access: bool,
    idempotency_key: uuid.UUID,
) -> Transfer:
    """Offer the case to another organisation; the same key again returns the same request."""
    existing = _transfer_with_key(case, idempotency_key)
    if existing is not None:
        return _repeated_transfer(existing, case, actor)
    if not can(actor, "transfer.request", case):
        raise PermissionDenied(_("You may not transfer this case."))
    errors: dict[str, str] = {}
    handover_note = handover_note.strip()
    if case.stage == Stage.CLOSED:
        errors["__all__"] = _("The case is closed; reopen it before transferring it.")
    if not handover_note:
        errors["handover_note"] = _("Write the handover note: what the new case manager must know.")
    elif len(handover_note) > HANDOVER_MAX_LENGTH:
        errors["handover_note"] = _("The handover note is at most %(limit)s characters.") % {
            "limit": HANDOVER_MAX_LENGTH
        }
    if to_organisation.pk == case.organisation_id:
        errors["to_organisation"] = _("Choose another organisation than the one running the case.")
    elif not to_organisation.is_active or not case_lead_ids(to_organisation):
        errors["to_organisation"] = _(
            "This organisation has no case manager or supervisor to take the case."
        )
    if _waiting_transfer(case):
        errors["__all__"] = _("A transfer of this case is waiting for an answer already.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        workspace=case.workspace,
        idempotency_key=idempotency_key,
        case=case,
        from_organisation_id=case.organisation_id,
        from_region_id=case.region_id,
        from_manager_id=case.manager_id,
        to_organisation=to_organisation,
        handover_note=handover_note,
        keep_access=keep_access,
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as error:
        existing = _transfer_with_key(case, idempotency_key)
        if existing is not None:  # the same key saved by a concurrent request: that one wins
            return _repeated_transfer(existing, case, actor)
        # Another request offered this case meanwhile, with another key.
        raise ValidationError(
            _("A transfer of this case is waiting for an answer already.")
        ) from error
    _tell(transfer, to_organisation.pk, "transfer_requested")
    record(
        actor=actor,
        action="transfer.request",
        target=transfer,
        organisation=case.organisation,
        details={
            "case": case.pk,
            "to_organisation": to_organisation.pk,
            "keep_access": keep_access,
        },
    )
    return transfer


def _locked(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.in_workspace(transfer.workspace)
        .select_for_update()
        .select_related("case", "workspace", "from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )


def _close(
    actor: User, current: Transfer, status: str, *, action: str, tell: int, reason: str = ""
) -> Transfer:
    current.status = status
    current.responded_by = actor
    current.responded_at = timezone.now()
    current.decline_reason = reason
    current.save(
        update_fields=[
            "status",
            "responded_by",
            "responded_at",
            "decline_reason",
            "new_manager",
            "updated_at",
        ]
    )
    _tell(current, tell, f"transfer_{status}")
    record(
        actor=actor,
        action=action,
        target=current,
        organisation=current.to_organisation
        if action != "transfer.cancel"
        else current.from_organisation,
        details={"case": current.case_id, "status": status, "reason": reason},
    )
    return current


@transaction.atomic
def transfer_accept(*, actor: User, transfer: Transfer, manager: User | None = None) -> Transfer:
    """Take the case over: the receiving organisation, its region and the new manager."""
    current = _locked(transfer)
    if current.status == Transfer.Status.ACCEPTED and current.responded_by_id == actor.pk:
        return current  # a repeated click
    if current.status != Transfer.Status.REQUESTED:
        raise ValidationError(_("This transfer has been answered already."))
    if not can(actor, "transfer.respond", current):
        raise PermissionDenied(_("Only the receiving organisation may answer this transfer."))
    manager = manager or actor
    if manager.pk not in case_lead_ids(current.to_organisation):
        raise ValidationError({"manager": _("The case manager must work on cases here.")})
    case_hand_over(
        actor=actor,
        case=current.case,
        organisation=current.to_organisation,
        manager=manager,
        keep_previous_on_team=current.keep_access,
        transfer_id=current.pk,
    )
    current.new_manager = manager
    return _close(
        actor,
        current,
        Transfer.Status.ACCEPTED,
        action="transfer.accept",
        tell=current.from_organisation_id,
    )


@transaction.atomic
def transfer_decline(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    current = _locked(transfer)
    if current.status == Transfer.Status.DECLINED:
        return current
    if current.status != Transfer.Status.REQUESTED:
        raise ValidationError(_("This transfer has been answered already."))
    if not can(actor, "transfer.respond", current):
        raise PermissionDenied(_("Only the receiving organisation may answer this transfer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is declined.")})
    return _close(
        actor,
        current,
        Transfer.Status.DECLINED,
        action="transfer.decline",
        tell=current.from_organisation_id,
        reason=reason.strip(),
    )


@transaction.atomic
def transfer_cancel(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    current = _locked(transfer)
    if current.status == Transfer.Status.CANCELLED:
        return current
    if current.status != Transfer.Status.REQUESTED:
        raise ValidationError(_("This transfer has been answered already."))
    if not can(actor, "transfer.cancel", current):
        raise PermissionDenied(_("Only the organisation running the case may cancel this."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is cancelled.")})
    return _close(
        actor,
        current,
        Transfer.Status.CANCELLED,
        action="transfer.cancel",
        tell=current.to_organisation_id,
        reason=reason.strip(),
    )
