"""Every write of the identification module: catalogues, pathway rules, screenings, alerts,
victim-status decisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.models import Workspace
from qorgau.screening import scoring
from qorgau.screening.catalogue import (
    CatalogueError,
    read_packaged_catalogue,
    validate_catalogue,
)
from qorgau.screening.models import (
    Alert,
    Answer,
    Catalogue,
    ExploitationForm,
    Identification,
    Indicator,
    PathwayRules,
    Screening,
    VictimStatusDecision,
)
from qorgau.screening.pathways import (
    Facts,
    PathwayRulesError,
    applicable_steps,
    validate_rules,
)
from qorgau.screening.tasks import send_alert_emails

HOME_COUNTRY = "KZ"
LEGAL_BASIS_LENGTH = VictimStatusDecision._meta.get_field("legal_basis").max_length or 300


# --- catalogue and pathway rules ----------------------------------------------------------
@transaction.atomic
def catalogue_publish(
    *, actor: User | None, document: dict[str, Any], published_on: date | None = None
) -> Catalogue:
    """Publish a catalogue version. A version, once published, is never changed."""
    if actor is not None and not can(actor, "catalogue.publish"):
        raise PermissionDenied(_("Only a system admin publishes the indicator catalogue."))
    try:
        validate_catalogue(document)
    except CatalogueError as error:
        raise ValidationError({"document": str(error)}) from error
    if Catalogue.objects.filter(version__gte=document["version"]).exists():
        raise ValidationError(
            {
                "document": _("Version %(v)s is not newer than the published catalogue.")
                % {"v": document["version"]}
            }
        )
    catalogue = Catalogue.objects.create(
        version=document["version"],
        published_on=published_on or _as_date(document.get("published")) or timezone.localdate(),
        notes=str(document.get("notes", "")),
        published_by=actor,
        labels={"lists": document.get("lists", {}), "dimensions": document.get("dimensions", {})},
    )
    Indicator.objects.bulk_create(
        Indicator(
            catalogue=catalogue,
            position=position,
            key=item["key"],
            list=item["list"],
            dimension=item["dimension"],
            strength=item["strength"],
            source=str(item.get("source", ""))[:300],
            confidence=str(item.get("confidence", "")),
            provisional=bool(item.get("provisional", False)),
            **{f"label_{lang}": item["label"][lang] for lang in ("kk", "ru", "en")},
            **{f"question_{lang}": item["question"][lang] for lang in ("kk", "ru", "en")},
        )
        for position, item in enumerate(document["indicators"])
    )
    record(
        actor=actor,
        action="catalogue.publish",
        target=catalogue,
        details={"version": catalogue.version, "indicators": len(document["indicators"])},
    )
    return catalogue


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def catalogue_load_packaged() -> Catalogue:
    """Publish the catalogue shipped in data/ unless that version exists (idempotent)."""
    document = read_packaged_catalogue()
    existing = Catalogue.objects.filter(version=document["version"]).first()
    return existing or catalogue_publish(actor=None, document=document)


@transaction.atomic
def pathway_rules_publish(
    *, actor: User | None, document: dict[str, Any], notes: str = ""
) -> PathwayRules:
    if actor is not None and not can(actor, "pathway.publish"):
        raise PermissionDenied(_("Only a system admin publishes pathway rules."))
    types = set(OrganisationType.objects.values_list("key", flat=True))
    try:
        validate_rules(document, types)
    except PathwayRulesError as error:
        raise ValidationError({"document": str(error)}) from error
    latest = PathwayRules.objects.order_by("-version").first()
    rules = PathwayRules.objects.create(
        version=(latest.version + 1) if latest else 1,
        document={"steps": document["steps"]},
        notes=notes,
        published_by=actor,
    )
    record(actor=actor, action="pathway.publish", target=rules, details={"version": rules.version})
    return rules


def pathway_rules_load_packaged() -> PathwayRules:
    text = resources.files("qorgau.screening").joinpath("data", "pathways.yaml").read_text("utf-8")
    document = yaml.safe_load(text)
    latest = PathwayRules.objects.order_by("-version").first()
    if latest is not None:
        return latest
    return pathway_rules_publish(actor=None, document=document, notes=_("Initial rules"))


# --- screenings ---------------------------------------------------------------------------
@dataclass
class ScreeningInput:
    """What a front-line worker enters; every field may be missing in a draft."""

    catalogue_version: int
    region: Region
    screened_at: datetime
    place: str = ""
    exploitation_form: str = ExploitationForm.UNKNOWN
    child_name: str = ""
    birth_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    declared_child: bool | None = None
    signs_of_childhood: bool = False
    sex: str = Screening._meta.get_field("sex").default
    citizenship: str = HOME_COUNTRY
    unaccompanied: bool = False
    immediate_danger: bool = False
    observations: str = ""
    # indicator key -> (answer, note)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)


def _check_facts(data: ScreeningInput, catalogue: Catalogue | None) -> dict[str, str]:
    """Contradictions and impossible values, as field -> translated message."""
    errors: dict[str, str] = {}
    now = timezone.now()
    if timezone.is_naive(data.screened_at):
        # A time without a zone is the worker's local time.
        data.screened_at = timezone.make_aware(data.screened_at)
    if catalogue is None:
        errors["catalogue_version"] = _("There is no indicator catalogue with this version.")
    if data.screened_at > now + timedelta(minutes=5):
        errors["screened_at"] = _("The screening cannot be in the future.")
    if data.birth_date is not None:
        if data.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        elif data.birth_date > _local_day(data.screened_at):
            errors["birth_date"] = _("The date of birth cannot be after the screening.")
        elif data.age_min is not None or data.age_max is not None:
            errors["age_min"] = _("Give either a date of birth or an estimated age, not both.")
        else:
            age = scoring.age_on(data.birth_date, _local_day(data.screened_at))
            if data.declared_child is True and age >= scoring.ADULT_AGE:
                errors["declared_child"] = _(
                    "The date of birth makes this person an adult, but they are marked as a child."
                )
            if data.declared_child is False and age < scoring.ADULT_AGE:
                errors["declared_child"] = _(
                    "The date of birth makes this person a child, but they are marked as an adult."
                )
    for name in ("age_min", "age_max"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 120:
            errors[name] = _("Enter an age between 0 and 120.")
    if (
        data.age_min is not None
        and data.age_max is not None
        and data.age_min > data.age_max
        and "age_min" not in errors
    ):
        errors["age_max"] = _("The upper age cannot be below the lower age.")
    if data.exploitation_form not in ExploitationForm.values:
        errors["exploitation_form"] = _("Choose one of the listed forms of exploitation.")
    code = data.citizenship
    if code and (len(code) != 2 or not code.isascii() or not code.isalpha()):
        errors["citizenship"] = _("Use the two-letter country code, for example KZ.")
    values = set(Answer.Value.values)
    if any(answer not in values for answer, _note in data.answers.values()):
        errors["answers"] = _("Answer each question with yes, no or don't know.")
    return errors


def _local_day(moment: datetime) -> date:
    """The calendar day of a moment where the screening happened (the project's time zone)."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _answer_rows(
    data: ScreeningInput, catalogue: Catalogue
) -> tuple[list[tuple[Indicator, str, str]], list[str]]:
    """The answered indicators of this catalogue version (one query), and unknown keys."""
    indicators = {i.key: i for i in catalogue.indicators.filter(key__in=list(data.answers))}
    unknown = sorted(set(data.answers) - set(indicators))
    rows = [(indicators[k], v, note) for k, (v, note) in data.answers.items() if k in indicators]
    return rows, unknown


def _apply(screening: Screening, data: ScreeningInput) -> None:
    for name in (
        "region",
        "screened_at",
        "place",
        "exploitation_form",
        "child_name",
        "birth_date",
        "age_min",
        "age_max",
        "declared_child",
        "signs_of_childhood",
        "sex",
        "unaccompanied",
        "immediate_danger",
        "observations",
    ):
        setattr(screening, name, getattr(data, name))
    screening.citizenship = (data.citizenship or "").upper()


def _validated(data: ScreeningInput) -> tuple[Catalogue, list[tuple[Indicator, str, str]]]:
    catalogue = Catalogue.objects.filter(version=data.catalogue_version).first()
    errors = _check_facts(data, catalogue)
    rows: list[tuple[Indicator, str, str]] = []
    if catalogue is not None:
        rows, unknown = _answer_rows(data, catalogue)
        if unknown:
            errors["answers"] = _(
                "These indicators are not in catalogue version %(v)s: %(keys)s."
            ) % {"v": catalogue.version, "keys": ", ".join(unknown[:5])}
    if errors:
        raise ValidationError(errors)
    assert catalogue is not None
    return catalogue, rows


def _screening_with_key(workspace: Workspace, key: uuid.UUID) -> Screening | None:
    return (
        Screening.objects.select_for_update()
        .in_workspace(workspace)
        .filter(idempotency_key=key)
        .first()
    )


def _write(
    *,
    actor: User,
    organisation: Organisation,
    workspace: Workspace,
    key: uuid.UUID,
    data: ScreeningInput,
    racing: bool = False,
) -> tuple[Screening, list[tuple[Indicator, str, str]], bool]:
    """Create or update the draft with this idempotency key; False if already submitted.

    A replay of a submitted key returns the stored screening before anything is re-checked,
    so a resubmission after a lost connection always gets the first answer. A double submit
    that races on a new key writes once: the second finds the first one's row and goes on as a
    replay (``racing`` is that second pass).
    """
    if not can(actor, "screening.create", organisation):
        raise PermissionDenied(_("You may not screen children for this organisation."))
    screening = _screening_with_key(workspace, key)
    if screening is not None and screening.screened_by_id != actor.pk:
        raise PermissionDenied(_("This screening belongs to someone else."))
    if screening is not None and screening.status == Screening.Status.SUBMITTED:
        return screening, [], False
    catalogue, rows = _validated(data)
    if screening is None:
        # A key of another workspace fails the save below; the second pass says whose it is.
        if racing and Screening.objects.across_workspaces().filter(idempotency_key=key).exists():
            raise PermissionDenied(_("This screening belongs to someone else."))
        screening = Screening(
            idempotency_key=key,
            workspace=workspace,
            organisation=organisation,
            screened_by=actor,
            catalogue=catalogue,
        )
    screening.catalogue = catalogue
    _apply(screening, data)
    screening.validate(exclude=["workspace", "catalogue", "organisation", "screened_by"])
    try:
        with transaction.atomic():  # a savepoint: a racing double submit may take the key
            screening.save()
    except IntegrityError:
        if racing:
            raise
        # The same key saved by a concurrent request: read its row (locked) and go on from it.
        return _write(
            actor=actor,
            organisation=organisation,
            workspace=workspace,
            key=key,
            data=data,
            racing=True,
        )
    Answer.objects.filter(screening=screening).delete()
    Answer.objects.bulk_create(
        Answer(screening=screening, indicator=indicator, value=value, note=note[:500])
        for indicator, value, note in rows
    )
    return screening, rows, True


@transaction.atomic
def screening_save_draft(
    *,
    actor: User,
    organisation: Organisation,
    workspace: Workspace,
    idempotency_key: uuid.UUID,
    data: ScreeningInput,
) -> Screening:
    """Save what is entered so far; saving again with the same key updates the same draft."""
    screening, _rows, changed = _write(
        actor=actor, organisation=organisation, workspace=workspace, key=idempotency_key, data=data
    )
    if changed:
        record(
            actor=actor, action="screening.save_draft", target=screening, organisation=organisation
        )
    return screening


@transaction.atomic
def screening_submit(
    *,
    actor: User,
    organisation: Organisation,
    workspace: Workspace,
    idempotency_key: uuid.UUID,
    data: ScreeningInput,
) -> Screening:
    """Score, decide the pathway, open an identification and alert the bodies it names.

    Submitting the same key again returns the first result and changes nothing.
    """
    screening, rows, changed = _write(
        actor=actor, organisation=organisation, workspace=workspace, key=idempotency_key, data=data
    )
    if not changed:
        return screening
    is_child = scoring.treated_as_child(
        birth_date=data.birth_date,
        age_min=data.age_min,
        age_max=data.age_max,
        declared_child=data.declared_child,
        signs_of_childhood=data.signs_of_childhood,
        on=_local_day(data.screened_at),
    )
    result = scoring.score(
        (
            scoring.Present(i.key, i.dimension, scoring.Strength(i.strength))
            for i, value, _note in rows
            if value == Answer.Value.YES
        ),
        is_child=is_child,
    )
    rules = pathway_rules_load_packaged()
    facts = Facts(
        outcome=result.outcome.key,
        child=is_child,
        unaccompanied=data.unaccompanied,
        foreign=(screening.citizenship or "") != HOME_COUNTRY,
        immediate_danger=data.immediate_danger,
        form=data.exploitation_form,
        region=data.region.key,
    )
    steps = applicable_steps(rules.document, facts)
    screening.status = Screening.Status.SUBMITTED
    screening.submitted_at = timezone.now()
    screening.is_child = is_child
    screening.outcome = result.outcome.key
    screening.positive_dimensions = sorted(result.positive_dimensions)
    screening.drivers = list(result.drivers)
    screening.pathway_rules = rules
    screening.steps = steps
    screening.save()
    record(
        actor=actor,
        action="screening.submit",
        target=screening,
        organisation=organisation,
        details={"outcome": screening.outcome, "steps": [s["key"] for s in steps]},
    )
    if result.outcome >= scoring.Outcome.CONCERN or data.immediate_danger:
        _open_identification(actor=actor, screening=screening, steps=steps)
    return screening


def _open_identification(*, actor: User, screening: Screening, steps: list[dict[str, Any]]) -> None:
    submitted_at = screening.submitted_at or timezone.now()
    identification = Identification.objects.create(
        workspace=screening.workspace,
        screening=screening,
        organisation=screening.organisation,
        region=screening.region,
    )
    bodies = {step["notify"] for step in steps}
    recipients = list(
        Organisation.objects.filter(
            type__key__in=bodies, region=screening.region, is_active=True
        ).select_related("type")
    )
    alerts = [
        Alert(
            workspace=screening.workspace,
            identification=identification,
            organisation=organisation,
            step=step,
            due_at=submitted_at + timedelta(hours=step["within_hours"]),
        )
        for step in steps
        for organisation in recipients
        if organisation.type.key == step["notify"]
    ]
    Alert.objects.bulk_create(alerts)
    record(
        actor=actor,
        action="identification.open",
        target=identification,
        organisation=screening.organisation,
        details={
            "alerts": len(alerts),
            "organisations": sorted({r.pk for r in recipients}),
        },
    )
    if screening.workspace.kind == Workspace.Kind.REAL:
        identification_pk = identification.pk
        transaction.on_commit(
            lambda: send_alert_emails.enqueue(identification_id=identification_pk)
        )


@transaction.atomic
def alert_mark_read(*, actor: User, alert: Alert) -> Alert:
    if not can(actor, "alert.view", alert):
        raise PermissionDenied
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.read_by = actor
        alert.save(update_fields=["read_at", "read_by", "updated_at"])
        record(actor=actor, action="alert.read", target=alert, organisation=alert.organisation)
    return alert


# --- formal identification ----------------------------------------------------------------
@transaction.atomic
def victim_status_decide(
    *,
    actor: User,
    identification: Identification,
    organisation: Organisation,
    status: str,
    decided_on: date,
    legal_basis: str,
    reasons: str,
) -> VictimStatusDecision:
    """An authorized body's decision; a later one supersedes the earlier, which stays visible."""
    if (
        not can(actor, "identification.decide", identification)
        or not can(actor, "identification.decide_for", organisation)
        or organisation.region_id != identification.region_id
    ):
        raise PermissionDenied(_("Only an authorized body (police or social protection) decides."))
    errors: dict[str, str] = {}
    if status not in VictimStatusDecision.Status.values:
        errors["status"] = _("Choose presumed victim, identified victim or not a victim.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if not legal_basis.strip():
        errors["legal_basis"] = _("Name the legal basis of the decision.")
    else:
        try:
            MaxLengthValidator(LEGAL_BASIS_LENGTH)(legal_basis.strip())
        except ValidationError as error:
            errors["legal_basis"] = error.messages[0]
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the decision.")
    if errors:
        raise ValidationError(errors)
    # Lock the identification, not the decisions: the query below has an outer join, which
    # PostgreSQL cannot lock; and concurrent decisions queue here, each superseding the last.
    Identification.objects.in_workspace(identification.workspace).select_for_update().filter(
        pk=identification.pk
    ).first()
    previous = (
        VictimStatusDecision.objects.in_workspace(identification.workspace)
        .filter(identification=identification, superseded_by__isnull=True)
        .first()
    )
    decision = VictimStatusDecision.objects.create(
        workspace=identification.workspace,
        identification=identification,
        status=status,
        organisation=organisation,
        decided_by=actor,
        decided_on=decided_on,
        legal_basis=legal_basis.strip(),
        reasons=reasons.strip(),
        supersedes=previous,
    )
    record(
        actor=actor,
        action="identification.decide",
        target=decision,
        organisation=organisation,
        details={"status": status, "supersedes": previous.pk if previous else None},
    )
    return decision
