"""Every write of the justice module: proceedings, decisions, interviews, claims, notices.

Each service checks the access policy, validates (a ValidationError naming the field, nothing
saved), writes, and records its audit event. Edits of a proceeding or a claim carry the
version the user read (optimistic locking). A proceeding in which a presumed or identified
victim is a suspect or accused tells the case's supervisors and the prosecutor's office once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Case
from qorgau.cases.services import stale_error
from qorgau.core.idempotency import save_or_replay
from qorgau.core.models import Workspace
from qorgau.justice import selectors
from qorgau.justice.articles import criminal_code_articles
from qorgau.justice.models import (
    ChildRole,
    ClaimStatus,
    CompensationClaim,
    Decision,
    DecisionKind,
    Interview,
    NonPunishmentNotice,
    Outcome,
    Proceeding,
    Route,
    Stage,
)
from qorgau.justice.registry import normalise_register_number, register_year
from qorgau.justice.tasks import send_non_punishment_emails

DECIDED_STAGES = frozenset({Stage.TRIAL, Stage.APPEAL, Stage.CLOSED})


def _replay(model: type[Model], workspace: Workspace, key: uuid.UUID | None, actor: User) -> Any:
    """The row a repeated submit (double click, resend after a lost connection) already made."""
    if key is None:
        return None
    existing = model.objects.in_workspace(workspace).filter(idempotency_key=key).first()  # type: ignore[attr-defined]
    if existing is not None and existing.recorded_by_id != actor.pk:
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return existing


# --- proceedings --------------------------------------------------------------------------
@dataclass
class ProceedingInput:
    register_number: str
    registered_on: date
    articles: list[str]
    investigating_organisation: Organisation
    prosecutor_organisation: Organisation | None = None
    stage: str = Stage.PRE_TRIAL
    outcome: str = Outcome.PENDING
    child_role: str = ChildRole.VICTIM


def _check_proceeding(data: ProceedingInput) -> str:
    """Validate; return the normalised register number."""
    errors: dict[str, str] = {}
    number = ""
    try:
        number = normalise_register_number(data.register_number)
    except ValidationError as error:
        errors["register_number"] = error.messages[0]
    if data.registered_on > timezone.localdate():
        errors["registered_on"] = _("The date of registration cannot be in the future.")
    elif number and register_year(number) != data.registered_on.year:
        errors["registered_on"] = _(
            "The ERDR number says the offence was registered in %(year)s; check the date or "
            "the number."
        ) % {"year": register_year(number)}
    articles = criminal_code_articles()
    if not data.articles:
        errors["articles"] = _("Choose at least one article of the Criminal Code.")
    elif any(articles.get(key) is None for key in data.articles):
        errors["articles"] = _("Choose articles from the list.")
    elif len(set(data.articles)) != len(data.articles):
        errors["articles"] = _("Each article once, please.")
    if data.investigating_organisation.type.key not in selectors.INVESTIGATING_TYPES:
        errors["investigating_organisation"] = _(
            "Choose a police or prosecutor's body that investigates."
        )
    prosecutor = data.prosecutor_organisation
    if prosecutor is not None and prosecutor.type.key not in selectors.PROSECUTOR_TYPES:
        errors["prosecutor_organisation"] = _("Choose a prosecutor's office.")
    if data.stage not in Stage.values:
        errors["stage"] = _("Choose one of the allowed values.")
    if data.child_role not in ChildRole.values:
        errors["child_role"] = _("Choose one of the allowed values.")
    if data.outcome not in Outcome.values:
        errors["outcome"] = _("Choose one of the allowed values.")
    elif data.stage == Stage.CLOSED and not data.outcome:
        errors["outcome"] = _("Say how the proceeding ended before closing it.")
    elif data.outcome and data.stage not in DECIDED_STAGES and data.outcome != Outcome.DISCONTINUED:
        errors["outcome"] = _("Only a proceeding at trial, on appeal or closed has an outcome.")
    if errors:
        raise ValidationError(errors)
    return number


def _apply(proceeding: Proceeding, data: ProceedingInput, number: str) -> None:
    proceeding.register_number = number
    proceeding.registered_on = data.registered_on
    proceeding.articles = list(data.articles)
    proceeding.articles_version = criminal_code_articles().version
    proceeding.investigating_organisation = data.investigating_organisation
    proceeding.prosecutor_organisation = data.prosecutor_organisation
    proceeding.stage = data.stage
    proceeding.outcome = data.outcome
    proceeding.child_role = data.child_role


def _duplicate(workspace: Workspace, case: Case, number: str, exclude: int | None) -> bool:
    return (
        Proceeding.objects.in_workspace(workspace)
        .filter(case=case, register_number=number)
        .exclude(pk=exclude or 0)
        .exists()
    )


def _facts(proceeding: Proceeding) -> dict[str, object]:
    return {
        "case": proceeding.case_id,
        "register_number": proceeding.register_number,
        "registered_on": proceeding.registered_on.isoformat(),
        "articles": proceeding.articles,
        "stage": proceeding.stage,
        "outcome": proceeding.outcome,
        "child_role": proceeding.child_role,
        "investigating_organisation": proceeding.investigating_organisation_id,
        "prosecutor_organisation": proceeding.prosecutor_organisation_id,
    }


@transaction.atomic
def proceeding_create(
    *, actor: User, case: Case, data: ProceedingInput, idempotency_key: uuid.UUID | None = None
) -> Proceeding:
    if not can(actor, "proceeding.create", case):
        raise PermissionDenied(_("You may not record proceedings of this case."))
    replayed = _replay(Proceeding, case.workspace, idempotency_key, actor)
    if replayed is not None:
        return replayed
    number = _check_proceeding(data)
    if _duplicate(case.workspace, case, number, None):
        raise ValidationError(
            {"register_number": _("This case already has a proceeding with this ERDR number.")}
        )
    proceeding = Proceeding(
        workspace=case.workspace, case=case, recorded_by=actor, idempotency_key=idempotency_key
    )
    _apply(proceeding, data, number)
    try:
        with transaction.atomic():
            proceeding.save()
    except IntegrityError as error:  # the same key or number saved by a concurrent request
        replayed = _replay(Proceeding, case.workspace, idempotency_key, actor)
        if replayed is not None:
            return replayed
        raise ValidationError(
            {"register_number": _("This case already has a proceeding with this ERDR number.")}
        ) from error
    Decision.objects.create(
        workspace=case.workspace,
        proceeding=proceeding,
        kind=DecisionKind.REGISTERED,
        decided_on=data.registered_on,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="proceeding.create",
        target=proceeding,
        organisation=case.organisation,
        details=_facts(proceeding),
    )
    non_punishment_check(proceeding=proceeding)
    return proceeding


@transaction.atomic
def proceeding_update(
    *, actor: User, proceeding: Proceeding, version: int, data: ProceedingInput
) -> Proceeding:
    """Save an edit made on the version the user read; refuse if someone saved since."""
    if not can(actor, "proceeding.edit", proceeding):
        raise PermissionDenied(_("You may not change this proceeding."))
    current = (
        Proceeding.objects.in_workspace(proceeding.workspace)
        .select_for_update()
        .select_related("case", "case__organisation")
        .get(pk=proceeding.pk)
    )
    if current.version != version:
        raise stale_error()
    number = _check_proceeding(data)
    if _duplicate(current.workspace, current.case, number, current.pk):
        raise ValidationError(
            {"register_number": _("This case already has a proceeding with this ERDR number.")}
        )
    before = _facts(current)
    _apply(current, data, number)
    current.version = version + 1
    current.save()
    after = _facts(current)
    record(
        actor=actor,
        action="proceeding.update",
        target=current,
        organisation=current.case.organisation,
        details={"changed": {k: after[k] for k in after if after[k] != before[k]}},
    )
    non_punishment_check(proceeding=current)
    return current


@transaction.atomic
def decision_record(
    *,
    actor: User,
    proceeding: Proceeding,
    kind: str,
    decided_on: date,
    summary: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Decision:
    if not can(actor, "proceeding.edit", proceeding):
        raise PermissionDenied(_("You may not change this proceeding."))
    replayed = _replay(Decision, proceeding.workspace, idempotency_key, actor)
    if replayed is not None:
        return replayed
    errors: dict[str, str] = {}
    if kind not in DecisionKind.values:
        errors["kind"] = _("Choose one of the allowed values.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The date of a decision cannot be in the future.")
    elif decided_on < proceeding.registered_on:
        errors["decided_on"] = _("A decision cannot come before the proceeding was registered.")
    if errors:
        raise ValidationError(errors)
    decision = Decision(
        workspace=proceeding.workspace,
        idempotency_key=idempotency_key,
        proceeding=proceeding,
        kind=kind,
        decided_on=decided_on,
        summary=summary.strip(),
        recorded_by=actor,
    )
    replayed = save_or_replay(
        decision, lambda: _replay(type(decision), proceeding.workspace, idempotency_key, actor)
    )
    if replayed is not None:
        return replayed
    record(
        actor=actor,
        action="proceeding.decision",
        target=proceeding,
        organisation=proceeding.case.organisation,
        details={"decision": decision.pk, "kind": kind, "decided_on": decided_on.isoformat()},
    )
    return decision


# --- non-punishment -----------------------------------------------------------------------
def non_punishment_check(*, proceeding: Proceeding) -> list[NonPunishmentNotice]:
    """If a presumed or identified victim is a suspect or accused here, tell the case's
    organisation (its supervisors) and the prosecutor's office, once each. Returns new notices."""
    if not selectors.is_flagged(proceeding):
        return []
    organisation_ids = [proceeding.case.organisation_id]
    if proceeding.prosecutor_organisation_id:
        organisation_ids.append(proceeding.prosecutor_organisation_id)
    created: list[NonPunishmentNotice] = []
    for organisation_id in organisation_ids:
        notice, is_new = NonPunishmentNotice.objects.in_workspace(
            proceeding.workspace
        ).get_or_create(
            proceeding=proceeding,
            organisation_id=organisation_id,
            defaults={"workspace": proceeding.workspace},
        )
        if is_new:
            created.append(notice)
    if created:
        record(
            actor=None,
            action="proceeding.non_punishment",
            target=proceeding,
            organisation=proceeding.case.organisation,
            details={"notified": [notice.organisation_id for notice in created]},
        )
        if not proceeding.workspace.is_training:
            ids = [notice.pk for notice in created]
            transaction.on_commit(lambda: send_non_punishment_emails.enqueue(notice_ids=ids))
    return created


def non_punishment_sweep(*, workspace: Workspace) -> list[NonPunishmentNotice]:
    """Catch proceedings flagged by a victim-status decision recorded after them; idempotent."""
    flagged = (
        selectors.with_flag(Proceeding.objects.in_workspace(workspace), workspace)
        .filter(non_punishment=True)  # type: ignore[misc]
        .select_related("workspace", "case")
    )
    created: list[NonPunishmentNotice] = []
    for proceeding in flagged:
        with transaction.atomic():
            created += non_punishment_check(proceeding=proceeding)
    return created


@transaction.atomic
def notice_mark_read(*, actor: User, notice: NonPunishmentNotice) -> NonPunishmentNotice:
    if not can(actor, "proceeding.notices", notice.organisation):
        raise PermissionDenied
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at", "updated_at"])
        record(actor=actor, action="proceeding.notice_read", target=notice.proceeding)
    return notice


# --- interviews ---------------------------------------------------------------------------
@dataclass
class InterviewInput:
    held_on: date
    interviewer: str
    interviewer_trained: bool = False
    video_recorded: bool = False
    psychologist_present: bool = False
    legal_representative_present: bool = False
    child_friendly_room: bool = False
    place: str = ""
    repeat_justification: str = ""


class RepeatInterview(ValidationError):
    """The child already gave a recorded statement: a new interview needs a justification."""


@transaction.atomic
def interview_record(
    *,
    actor: User,
    proceeding: Proceeding,
    data: InterviewInput,
    idempotency_key: uuid.UUID | None = None,
) -> Interview:
    if not can(actor, "interview.record", proceeding):
        raise PermissionDenied(_("You may not record interviews in this proceeding."))
    # Before the re-interview rule: a double click on the first interview is not a second one.
    replayed = _replay(Interview, proceeding.workspace, idempotency_key, actor)
    if replayed is not None:
        return replayed
    errors: dict[str, str] = {}
    if data.held_on > timezone.localdate():
        errors["held_on"] = _("The date of the interview cannot be in the future.")
    if not data.interviewer.strip():
        errors["interviewer"] = _("Say who interviewed the child.")
    if errors:
        raise ValidationError(errors)
    recorded = selectors.recorded_statements(proceeding=proceeding)
    justification = data.repeat_justification.strip()
    if recorded and not justification:
        raise RepeatInterview(
            {
                "repeat_justification": _(
                    "The child already gave a recorded statement on %(date)s. Interview the "
                    "child again only if the recording cannot serve, and say why."
                )
                % {"date": date_format(recorded[-1].held_on, "DATE_FORMAT")}
            }
        )
    interview = Interview(
        workspace=proceeding.workspace,
        idempotency_key=idempotency_key,
        proceeding=proceeding,
        held_on=data.held_on,
        interviewer=data.interviewer.strip(),
        interviewer_trained=data.interviewer_trained,
        video_recorded=data.video_recorded,
        psychologist_present=data.psychologist_present,
        legal_representative_present=data.legal_representative_present,
        child_friendly_room=data.child_friendly_room,
        place=data.place.strip(),
        repeat_justification=justification if recorded else "",
        recorded_by=actor,
    )
    interview.validate(exclude=["workspace", "proceeding", "recorded_by"])
    replayed = save_or_replay(
        interview, lambda: _replay(type(interview), proceeding.workspace, idempotency_key, actor)
    )
    if replayed is not None:
        return replayed
    record(
        actor=actor,
        action="interview.record",
        target=interview,
        organisation=proceeding.case.organisation,
        details={
            "proceeding": proceeding.pk,
            "video_recorded": data.video_recorded,
            "trained": data.interviewer_trained,
            "repeat": bool(recorded),
        },
    )
    if recorded:
        # The justification for interviewing the child again is on the record, in the trail.
        record(
            actor=actor,
            action="interview.repeat_justified",
            target=interview,
            organisation=proceeding.case.organisation,
            details={
                "proceeding": proceeding.pk,
                "recorded_statements": [item.pk for item in recorded],
                "justification": justification,
            },
        )
    return interview


# --- compensation claims ------------------------------------------------------------------
@dataclass
class ClaimInput:
    route: str
    amount_claimed: Decimal
    status: str = ClaimStatus.PREPARING
    amount_awarded: Decimal | None = None
    amount_received: Decimal = field(default_factory=lambda: Decimal("0"))
    filed_on: date | None = None
    decided_on: date | None = None
    received_on: date | None = None
    note: str = ""


def money(amount: Decimal) -> str:
    """An amount as people read it in their language: grouped, two decimals."""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


AWARDED_STATUSES = frozenset({ClaimStatus.AWARDED, ClaimStatus.PARTLY_AWARDED, ClaimStatus.PAID})


def _check_claim(data: ClaimInput) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.route not in Route.values:
        errors["route"] = _("Choose one of the allowed values.")
    if data.status not in ClaimStatus.values:
        errors["status"] = _("Choose one of the allowed values.")
    amounts = {
        "amount_claimed": data.amount_claimed,
        "amount_awarded": data.amount_awarded,
        "amount_received": data.amount_received,
    }
    for name, amount in amounts.items():
        if amount is not None and amount < 0:
            errors[name] = _("An amount cannot be negative.")
    awarded = data.amount_awarded
    if "amount_received" not in errors and data.amount_received > 0:
        if awarded is None:
            errors["amount_received"] = _("Record the amount awarded before any amount received.")
        elif "amount_awarded" not in errors and data.amount_received > awarded:
            errors["amount_received"] = _(
                "The amount received (%(received)s KZT) cannot be more than the amount awarded "
                "(%(awarded)s KZT)."
            ) % {"received": money(data.amount_received), "awarded": money(awarded)}
    if data.status in AWARDED_STATUSES and awarded is None and "amount_awarded" not in errors:
        errors["amount_awarded"] = _("Enter the amount awarded.")
    if data.status == ClaimStatus.PAID and awarded is not None and data.amount_received < awarded:
        errors.setdefault(
            "amount_received", _("A claim paid in full has received the whole amount awarded.")
        )
    for name in ("filed_on", "decided_on", "received_on"):
        value = getattr(data, name)
        if value is not None and value > today:
            errors[name] = _("This date cannot be in the future.")
    if data.filed_on and data.decided_on and data.decided_on < data.filed_on:
        errors.setdefault("decided_on", _("A claim cannot be decided before it was filed."))
    if errors:
        raise ValidationError(errors)


def _apply_claim(claim: CompensationClaim, data: ClaimInput) -> None:
    claim.route = data.route
    claim.status = data.status
    claim.amount_claimed = data.amount_claimed
    claim.amount_awarded = data.amount_awarded
    claim.amount_received = data.amount_received
    claim.filed_on = data.filed_on
    claim.decided_on = data.decided_on
    claim.received_on = data.received_on
    claim.note = data.note.strip()


def _claim_facts(claim: CompensationClaim) -> dict[str, object]:
    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "proceeding": claim.proceeding_id,
        "route": claim.route,
        "status": claim.status,
        "amount_claimed": money(claim.amount_claimed),
        "amount_awarded": money(claim.amount_awarded),
        "amount_received": money(claim.amount_received),
    }


@transaction.atomic
def claim_create(
    *,
    actor: User,
    proceeding: Proceeding,
    data: ClaimInput,
    idempotency_key: uuid.UUID | None = None,
) -> CompensationClaim:
    if not can(actor, "claim.record", proceeding):
        raise PermissionDenied(_("You may not record claims in this proceeding."))
    replayed = _replay(CompensationClaim, proceeding.workspace, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_claim(data)
    claim = CompensationClaim(
        workspace=proceeding.workspace,
        proceeding=proceeding,
        recorded_by=actor,
        idempotency_key=idempotency_key,
    )
    _apply_claim(claim, data)
    claim.validate(exclude=["workspace", "proceeding", "recorded_by"])
    replayed = save_or_replay(
        claim, lambda: _replay(type(claim), proceeding.workspace, idempotency_key, actor)
    )
    if replayed is not None:
        return replayed
    record(
        actor=actor,
        action="claim.create",
        target=claim,
        organisation=proceeding.case.organisation,
        details=_claim_facts(claim),
    )
    return claim


@transaction.atomic
def claim_update(
    *, actor: User, claim: CompensationClaim, version: int, data: ClaimInput
) -> CompensationClaim:
    if not can(actor, "claim.edit", claim):
        raise PermissionDenied(_("You may not change this claim."))
    current = (
        CompensationClaim.objects.in_workspace(claim.workspace)
        .select_for_update()
        .select_related("proceeding__case__organisation")
        .get(pk=claim.pk)
    )
    if current.version != version:
        raise stale_error()
    _check_claim(data)
    _apply_claim(current, data)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    record(
        actor=actor,
        action="claim.update",
        target=current,
        organisation=current.proceeding.case.organisation,
        details=_claim_facts(current),
    )
    return current
