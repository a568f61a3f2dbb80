"""Every write of the case module: children, cases, stages, team, approvals, consent.

Each service checks the access policy, validates, writes, records its audit event and
schedules its own notifications. Edits of a child or a case carry the version the user read:
a save over someone else's newer save is refused with a clear message (optimistic locking).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import (
    NEXT_STAGES,
    Approval,
    CareStatus,
    Case,
    CaseNotification,
    Child,
    ChildName,
    ChildNameKey,
    Consent,
    ConsentOverride,
    ConsentPurpose,
    FamilyMember,
    Script,
    StageChange,
    TeamMember,
)
from qorgau.cases.tasks import send_case_notifications
from qorgau.core.models import Workspace
from qorgau.linkage.dates import BirthInterval, from_age_estimate, from_date
from qorgau.linkage.names import given_name_keys, name_keys, parse_name, surname_stem_keys
from qorgau.screening.models import Identification

GUARDIANSHIP = "guardianship"
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def stale_error() -> ValidationError:
    return ValidationError(
        _(
            "Someone else saved this record after you opened it. Reload the page to see "
            "their changes, then make yours again."
        ),
        code="stale",
    )


def guess_script(text: str) -> str:
    """Kazakh Cyrillic if a Kazakh letter appears, Russian Cyrillic if any Cyrillic, else Latin."""
    if any(char in _KAZAKH_LETTERS for char in text):
        return Script.KAZAKH
    if any("\u0400" <= char <= "\u04ff" for char in text):
        return Script.RUSSIAN
    return Script.LATIN


# --- children -----------------------------------------------------------------------------
@dataclass
class NameInput:
    full_name: str
    script: str = ""
    source: str = ""


@dataclass
class FamilyInput:
    name: str
    relation: str
    contact: str = ""


@dataclass
class ChildInput:
    region: Region
    names: list[NameInput]
    birth_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_estimated_on: date | None = None
    sex: str = "unknown"
    citizenship: str = ""
    languages: str = ""
    disability: str = ""
    special_needs: str = ""
    care_status: str = ""
    address: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_contact: str = ""
    family: list[FamilyInput] = field(default_factory=list)


def birth_interval(
    *,
    birth_date: date | None,
    age_min: int | None,
    age_max: int | None,
    on: date | None,
) -> BirthInterval | None:
    if birth_date is not None:
        return from_date(birth_date)
    if age_min is not None or age_max is not None:
        low = age_min if age_min is not None else age_max
        high = age_max if age_max is not None else age_min
        assert low is not None and high is not None
        return from_age_estimate(low, max(low, high), on or timezone.localdate())
    return None


def _check_child(data: ChildInput) -> None:
    errors: dict[str, str] = {}
    if not [n for n in data.names if n.full_name.strip()]:
        errors["names"] = _("Give at least one name, as a source writes it.")
    for name in data.names:
        if name.script and name.script not in Script.values:
            errors["names"] = _("Choose the script of each name.")
    if data.birth_date is not None:
        if data.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if data.age_min is not None or data.age_max is not None:
            errors["age_min"] = _("Give either a date of birth or an estimated age, not both.")
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        errors["age_max"] = _("The upper age cannot be below the lower age.")
    for value, field_name in ((data.age_min, "age_min"), (data.age_max, "age_max")):
        if value is not None and not 0 <= value <= 30:
            errors[field_name] = _("An estimated age is from 0 to 30 years.")
    if data.age_estimated_on is not None and data.age_estimated_on > timezone.localdate():
        errors["age_estimated_on"] = _("The age cannot be estimated in the future.")
    if data.care_status and data.care_status not in CareStatus.values:
        errors["care_status"] = _("Choose one of the care statuses.")
    if errors:
        raise ValidationError(errors)


def _apply_child(child: Child, data: ChildInput) -> None:
    child.region = data.region
    child.birth_date = data.birth_date
    child.age_min = data.age_min
    child.age_max = data.age_max
    child.age_estimated_on = (
        (data.age_estimated_on or timezone.localdate())
        if data.age_min is not None or data.age_max is not None
        else None
    )
    interval = birth_interval(
        birth_date=data.birth_date,
        age_min=data.age_min,
        age_max=data.age_max,
        on=child.age_estimated_on,
    )
    child.birth_year_min = interval.earliest.year if interval else None
    child.birth_year_max = interval.latest.year if interval else None
    for name in (
        "sex",
        "citizenship",
        "languages",
        "disability",
        "special_needs",
        "care_status",
        "address",
        "guardian_name",
        "guardian_relation",
        "guardian_contact",
    ):
        value = getattr(data, name)
        setattr(child, name, value.strip() if isinstance(value, str) else value)
    child.citizenship = child.citizenship.upper()


def name_key_rows(full_name: str) -> set[tuple[str, str]]:
    """(key, kind) pairs of one name, from the linkage canonicaliser."""
    rows = {(key, ChildNameKey.Kind.NAME) for key in name_keys(full_name)}
    parsed = parse_name(full_name)
    if parsed.surname:
        rows |= {(key, ChildNameKey.Kind.SURNAME_STEM) for key in surname_stem_keys(parsed.surname)}
    if parsed.given:
        rows |= {(key, ChildNameKey.Kind.GIVEN) for key in given_name_keys(parsed.given)}
    return {(key[:64], kind) for key, kind in rows if key}


def _write_names(child: Child, names: list[NameInput]) -> None:
    ChildName.objects.filter(child=child).delete()
    ChildNameKey.objects.filter(child=child).delete()
    rows: set[tuple[str, str]] = set()
    kept = [n for n in names if n.full_name.strip()]
    ChildName.objects.bulk_create(
        ChildName(
            workspace=child.workspace,
            child=child,
            full_name=n.full_name.strip()[:200],
            script=n.script or guess_script(n.full_name),
            source=n.source.strip()[:200],
        )
        for n in kept
    )
    for n in kept:
        rows |= name_key_rows(n.full_name)
    ChildNameKey.objects.bulk_create(
        ChildNameKey(workspace=child.workspace, child=child, key=key, kind=kind)
        for key, kind in sorted(rows)
    )


def _write_family(child: Child, family: list[FamilyInput]) -> None:
    FamilyMember.objects.filter(child=child).delete()
    FamilyMember.objects.bulk_create(
        FamilyMember(
            workspace=child.workspace,
            child=child,
            name=m.name.strip()[:200],
            relation=m.relation.strip()[:100],
            contact=m.contact.strip()[:200],
        )
        for m in family
        if m.name.strip()
    )


@transaction.atomic
def child_register(
    *, actor: User, organisation: Organisation, workspace: Workspace, data: ChildInput
) -> Child:
    if not can(actor, "child.register", organisation):
        raise PermissionDenied(_("You may not register children for this organisation."))
    _check_child(data)
    child = Child(workspace=workspace, organisation=organisation, registered_by=actor)
    _apply_child(child, data)
    child.validate(exclude=["workspace", "organisation", "registered_by"])
    child.save()
    _write_names(child, data.names)
    _write_family(child, data.family)
    record(actor=actor, action="child.register", target=child, organisation=organisation)
    return child


@transaction.atomic
def child_update(*, actor: User, child: Child, version: int, data: ChildInput) -> Child:
    """Save an edit made on the version the user read; refuse if someone saved since."""
    if not can(actor, "child.edit", child):
        raise PermissionDenied(_("You may not change this child's record."))
    _check_child(data)
    current = Child.objects.in_workspace(child.workspace).select_for_update().get(pk=child.pk)
    if current.version != version:
        raise stale_error()
    _apply_child(current, data)
    current.version = version + 1
    current.validate(exclude=["workspace", "organisation", "registered_by"])
    current.save()
    _write_names(current, data.names)
    _write_family(current, data.family)
    record(actor=actor, action="child.update", target=current, organisation=current.organisation)
    return current


# --- cases --------------------------------------------------------------------------------
def _notify_guardianship(*, case: Case) -> list[CaseNotification]:
    recipients = Organisation.objects.filter(
        type__key=GUARDIANSHIP, region_id=case.region_id, is_active=True
    )
    notices = CaseNotification.objects.bulk_create(
        CaseNotification(workspace=case.workspace, case=case, organisation=organisation)
        for organisation in recipients
    )
    if case.workspace.kind == Workspace.Kind.REAL and notices:
        case_pk = case.pk
        transaction.on_commit(lambda: send_case_notifications.enqueue(case_id=case_pk))
    return notices


def _case_with_key(workspace: Workspace, idempotency_key: uuid.UUID) -> Case | None:
    return Case.objects.in_workspace(workspace).filter(idempotency_key=idempotency_key).first()


def _repeated_case(existing: Case, actor: User) -> Case:
    if existing.opened_by_id != actor.pk:
        raise PermissionDenied(_("This case belongs to someone else."))
    return existing


@transaction.atomic
def case_open(
    *,
    actor: User,
    organisation: Organisation,
    workspace: Workspace,
    idempotency_key: uuid.UUID,
    child: Child,
    manager: User | None = None,
    identification: Identification | None = None,
) -> Case:
    """Open a case for a registered child; the same key again returns the same case."""
    existing = _case_with_key(workspace, idempotency_key)
    if existing is not None:
        return _repeated_case(existing, actor)
    if not can(actor, "case.open", organisation):
        raise PermissionDenied(_("You may not open cases for this organisation."))
    if child.workspace_id != workspace.pk or child.organisation_id != organisation.pk:
        raise PermissionDenied(_("This child is registered by another organisation."))
    manager = manager or actor
    if not can(manager, "case.edit", Case(organisation=organisation)):
        raise ValidationError({"manager": _("The case manager must work on cases here.")})
    case = Case(
        workspace=workspace,
        idempotency_key=idempotency_key,
        number=uuid.uuid4().hex[:32],
        child=child,
        organisation=organisation,
        region=child.region,
        identification=identification,
        manager=manager,
        opened_by=actor,
    )
    try:
        with transaction.atomic():  # a savepoint: a racing double submit may take the key
            case.save()
    except IntegrityError as error:
        existing = _case_with_key(workspace, idempotency_key)
        if existing is not None:  # the same key saved by a concurrent request: that one wins
            return _repeated_case(existing, actor)
        if Case.objects.across_workspaces().filter(idempotency_key=idempotency_key).exists():
            raise PermissionDenied(_("This case belongs to someone else.")) from error
        # The same identification, opened by a concurrent request with another key.
        raise ValidationError(
            _("This case is being opened already. Reload the page."), code="duplicate"
        ) from error
    case.number = f"{timezone.localdate().year}-{case.pk:06d}"
    case.save(update_fields=["number"])
    StageChange.objects.create(
        workspace=workspace, case=case, from_stage="", to_stage=case.stage, changed_by=actor
    )
    notices = _notify_guardianship(case=case)
    record(
        actor=actor,
        action="case.open",
        target=case,
        organisation=organisation,
        details={
            "identification": identification.pk if identification else None,
            "guardianship_notified": [n.organisation_id for n in notices],
        },
    )
    return case


def child_input_from_identification(identification: Identification) -> ChildInput:
    """The child's facts as the screening recorded them."""
    screening = identification.screening
    names = [NameInput(screening.child_name, source=_("Screening"))] if screening.child_name else []
    return ChildInput(
        region=identification.region,
        names=names,
        birth_date=screening.birth_date,
        age_min=screening.age_min,
        age_max=screening.age_max,
        age_estimated_on=timezone.localdate(screening.screened_at),
        sex=screening.sex,
        citizenship=screening.citizenship,
        care_status=CareStatus.UNACCOMPANIED if screening.unaccompanied else "",
    )


@transaction.atomic
def case_open_from_identification(
    *,
    actor: User,
    identification: Identification,
    idempotency_key: uuid.UUID,
    data: ChildInput | None = None,
    child: Child | None = None,
) -> Case:
    """Screening -> case: register the child from the screening's facts (or use a known child)."""
    workspace = identification.workspace
    existing = Case.objects.in_workspace(workspace).filter(identification=identification).first()
    if existing is not None:
        if can(actor, "case.view", existing):
            return existing
        raise PermissionDenied(_("A case is already open for this identification."))
    organisation = identification.organisation
    if not can(actor, "case.open", organisation):
        raise PermissionDenied(_("You may not open cases for this organisation."))
    if child is None:
        data = data or child_input_from_identification(identification)
        child = child_register(
            actor=actor, organisation=organisation, workspace=workspace, data=data
        )
    case = case_open(
        actor=actor,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=idempotency_key,
        child=child,
        identification=identification,
    )
    return case


@transaction.atomic
def case_change_stage(
    *, actor: User, case: Case, version: int, to_stage: str, note: str = ""
) -> Case:
    if not can(actor, "case.edit", case):
        raise PermissionDenied(_("You may not change this case."))
    current = Case.objects.in_workspace(case.workspace).select_for_update().get(pk=case.pk)
    if current.version != version:
        raise stale_error()
    if to_stage not in NEXT_STAGES.get(current.stage, ()):
        raise ValidationError({"stage": _("The case cannot move to this stage from here.")})
    return stage_move(actor=actor, case=current, version=version, to_stage=to_stage, note=note)


def stage_move(*, actor: User, case: Case, version: int, to_stage: str, note: str = "") -> Case:
    """Write a stage change: version-checked, with its history row and its audit event. The
    caller has checked that the move is allowed (ordinary order, or closure and reopening)."""
    previous = case.stage
    updated = (
        Case.objects.in_workspace(case.workspace)
        .filter(pk=case.pk, version=version)
        .update(stage=to_stage, version=F("version") + 1, updated_at=timezone.now())
    )
    if not updated:
        raise stale_error()
    StageChange.objects.create(
        workspace=case.workspace,
        case=case,
        from_stage=previous,
        to_stage=to_stage,
        changed_by=actor,
        note=note.strip()[:500],
    )
    record(
        actor=actor,
        action="case.stage",
        target=case,
        organisation=case.organisation,
        details={"from": previous, "to": to_stage},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def case_assign_manager(*, actor: User, case: Case, version: int, manager: User) -> Case:
    if not can(actor, "case.edit", case):
        raise PermissionDenied(_("You may not change this case."))
    if not can(manager, "case.edit", case):
        raise ValidationError({"manager": _("The case manager must work on cases here.")})
    updated = (
        Case.objects.in_workspace(case.workspace)
        .filter(pk=case.pk, version=version)
        .update(manager=manager, version=F("version") + 1, updated_at=timezone.now())
    )
    if not updated:
        raise stale_error()
    record(
        actor=actor,
        action="case.assign",
        target=case,
        organisation=case.organisation,
        details={"manager": manager.pk},
    )
    case.refresh_from_db()
    return case


# --- team ---------------------------------------------------------------------------------
@transaction.atomic
def team_invite(
    *, actor: User, case: Case, organisation: Organisation, role_note: str = ""
) -> TeamMember:
    if not can(actor, "case.invite", case):
        raise PermissionDenied(_("You may not invite organisations onto this case."))
    if organisation.pk == case.organisation_id:
        raise ValidationError({"organisation": _("This organisation runs the case already.")})
    if not organisation.is_active:
        raise ValidationError({"organisation": _("This organisation is no longer active.")})
    member = (
        TeamMember.objects.in_workspace(case.workspace)
        .select_for_update()
        .filter(case=case, organisation=organisation)
        .first()
    )
    if member is not None and member.status != TeamMember.Status.DECLINED:
        return member
    if member is None:
        member = TeamMember(workspace=case.workspace, case=case, organisation=organisation)
    member.status = TeamMember.Status.INVITED
    member.invited_by = actor
    member.role_note = role_note.strip()[:300]
    member.responded_by = None
    member.responded_at = None
    member.save()
    record(
        actor=actor,
        action="case.invite",
        target=case,
        organisation=case.organisation,
        details={"organisation": organisation.pk},
    )
    return member


@transaction.atomic
def team_respond(*, actor: User, member: TeamMember, accept: bool) -> TeamMember:
    if not can(actor, "case.respond", member):
        raise PermissionDenied(_("Only the invited organisation answers this invitation."))
    member.status = TeamMember.Status.ACCEPTED if accept else TeamMember.Status.DECLINED
    member.responded_by = actor
    member.responded_at = timezone.now()
    member.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    record(
        actor=actor,
        action="case.team_accept" if accept else "case.team_decline",
        target=member.case,
        organisation=member.organisation,
    )
    return member


# --- approvals ----------------------------------------------------------------------------
@transaction.atomic
def approval_request(*, actor: User, case: Case, subject: str, note: str = "") -> Approval:
    if not can(actor, "case.request_approval", case):
        raise PermissionDenied(_("You may not ask for approvals on this case."))
    if subject not in Approval.Subject.values:
        raise ValidationError({"subject": _("Choose what is to be approved.")})
    pending = (
        Approval.objects.in_workspace(case.workspace)
        .filter(case=case, subject=subject, status=Approval.Status.REQUESTED)
        .first()
    )
    if pending is not None:
        return pending
    approval = Approval.objects.create(
        workspace=case.workspace,
        case=case,
        subject=subject,
        requested_by=actor,
        note=note.strip()[:500],
    )
    record(
        actor=actor,
        action="case.approval_request",
        target=case,
        organisation=case.organisation,
        details={"subject": subject, "approval": approval.pk},
    )
    return approval


@transaction.atomic
def approval_decide(*, actor: User, approval: Approval, approve: bool, note: str = "") -> Approval:
    if not can(actor, "case.approve", approval.case):
        raise PermissionDenied(_("Only a supervisor of the case's organisation approves."))
    if approval.status != Approval.Status.REQUESTED:
        raise ValidationError(_("This request has been answered already."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say what needs to change.")})
    approval.status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    if note.strip():
        approval.note = note.strip()[:500]
    approval.save()
    record(
        actor=actor,
        action="case.approve" if approve else "case.approval_return",
        target=approval.case,
        organisation=approval.case.organisation,
        details={"subject": approval.subject, "approval": approval.pk},
    )
    return approval


# --- consent ------------------------------------------------------------------------------
class ConsentRequired(PermissionDenied):
    """No applicable consent for what is being done."""


@transaction.atomic
def consent_give(
    *,
    actor: User,
    case: Case,
    purpose: str,
    given_by_name: str,
    given_by_relation: str,
    given_on: date,
    organisation: Organisation | None = None,
    child_view: str = "",
    maturity_note: str = "",
) -> Consent:
    if not can(actor, "case.consent", case):
        raise PermissionDenied(_("You may not record consent on this case."))
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose what the consent is for.")
    if purpose == ConsentPurpose.SHARING and organisation is None:
        errors["organisation"] = _("Name the organisation the information may be shared with.")
    if not given_by_name.strip():
        errors["given_by_name"] = _("Name the legal representative who gave consent.")
    if not given_by_relation.strip():
        errors["given_by_relation"] = _("Say how the legal representative is related to the child.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("Consent cannot be given in the future.")
    if child_view.strip() and not maturity_note.strip():
        errors["maturity_note"] = _("Note the child's age and maturity beside their view.")
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        workspace=case.workspace,
        case=case,
        purpose=purpose,
        organisation=organisation if purpose == ConsentPurpose.SHARING else None,
        given_by_name=given_by_name.strip(),
        given_by_relation=given_by_relation.strip(),
        child_view=child_view.strip(),
        maturity_note=maturity_note.strip(),
        given_on=given_on,
        recorded_by=actor,
    )
    consent.validate(exclude=["workspace", "case", "recorded_by", "organisation"])
    consent.save()
    record(
        actor=actor,
        action="consent.give",
        target=consent,
        organisation=case.organisation,
        details={"case": case.pk, "purpose": purpose},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, reason: str) -> Consent:
    """Withdrawal is kept beside the consent: the history stays."""
    if not can(actor, "case.consent", consent.case):
        raise PermissionDenied(_("You may not record consent on this case."))
    if consent.withdrawn_at is not None:
        return consent
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the consent is withdrawn.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason.strip()[:500]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    record(
        actor=actor,
        action="consent.withdraw",
        target=consent,
        organisation=consent.case.organisation,
        details={"case": consent.case_id, "purpose": consent.purpose},
    )
    return consent


def applicable_consent(
    *, case: Case, purpose: str, organisation: Organisation | None = None
) -> Consent | None:
    consents = Consent.objects.in_workspace(case.workspace).filter(
        case=case, purpose=purpose, withdrawn_at__isnull=True
    )
    if purpose == ConsentPurpose.SHARING:
        if organisation is None:
            return None
        consents = consents.filter(organisation=organisation)
    return consents.order_by("-given_on", "-pk").first()


@transaction.atomic
def require_consent(
    *,
    case: Case,
    purpose: str,
    organisation: Organisation | None = None,
    actor: User | None = None,
    urgent_reason: str = "",
) -> Consent | ConsentOverride:
    """The consent that allows this, or an audited urgent override; otherwise ConsentRequired.

    For later modules (referrals, sharing): call before the action, inside its transaction.
    """
    consent = applicable_consent(case=case, purpose=purpose, organisation=organisation)
    if consent is not None:
        return consent
    if not urgent_reason.strip():
        raise ConsentRequired(
            _(
                "There is no valid consent for this. Record consent first, or act urgently "
                "with a reason."
            )
        )
    if actor is None or not can(actor, "case.override_consent", case):
        raise ConsentRequired(_("You may not act on this case without consent."))
    override = ConsentOverride.objects.create(
        workspace=case.workspace,
        case=case,
        purpose=purpose,
        organisation=organisation,
        reason=urgent_reason.strip(),
        actor=actor,
    )
    record(
        actor=actor,
        action="consent.override",
        target=case,
        organisation=case.organisation,
        details={
            "purpose": purpose,
            "organisation": organisation.pk if organisation else None,
            "override": override.pk,
        },
    )
    return override
