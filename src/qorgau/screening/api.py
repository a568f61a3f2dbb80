"""The identification API: catalogue, screenings, alerts and victim-status decisions.

Thin, like the pages: parse, call a selector or a service, shape the answer. Every rule lives
in services.py, selectors.py and accounts/permissions.py, so the API and the pages agree.
"""

# No `from __future__ import annotations` here: under @paginate, django-ninja must see the
# endpoint's annotations as real types, not strings, or every request fails with a 500.

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.core.http import api_user, api_workspace
from qorgau.core.models import Workspace
from qorgau.core.reference import LANGUAGES
from qorgau.screening import selectors, services
from qorgau.screening.catalogue import LISTS, SCORED_DIMENSIONS, SIGN_DIMENSIONS
from qorgau.screening.models import (
    Alert,
    Catalogue,
    Identification,
    Screening,
    VictimStatusDecision,
)
from qorgau.screening.schemas import (
    AlertOut,
    CatalogueOut,
    DecisionIn,
    DecisionOut,
    IdentificationOut,
    ScreeningIn,
    ScreeningOut,
    ScreeningSummaryOut,
    in_language,
)

router = Router(tags=["screening"])


# --- the catalogue ------------------------------------------------------------------------
def _named(catalogue: Catalogue, group: str, order: tuple[str, ...]) -> list[dict[str, str]]:
    names: dict[str, dict[str, str]] = catalogue.labels.get(group, {})
    keys = [key for key in order if key in names] + sorted(set(names) - set(order))
    return [
        {
            "key": key,
            "label": catalogue.label(group, key),
            **{f"label_{lang}": str(names[key].get(lang, "")) for lang in LANGUAGES},
        }
        for key in keys
    ]


def _catalogue_body(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "version": catalogue.version,
        "published_on": catalogue.published_on,
        "notes": catalogue.notes,
        "lists": _named(catalogue, "lists", LISTS),
        "dimensions": _named(catalogue, "dimensions", SCORED_DIMENSIONS + SIGN_DIMENSIONS),
        "indicators": list(catalogue.indicators.order_by("position")),
    }


@router.get("/catalogue", response=CatalogueOut)
def catalogue_current(request: HttpRequest) -> dict[str, Any]:
    """The indicator catalogue that new screenings use."""
    catalogue = selectors.current_catalogue()
    if catalogue is None:
        raise Http404
    return _catalogue_body(catalogue)


@router.get("/catalogue/{version}", response=CatalogueOut)
def catalogue_version(request: HttpRequest, version: int) -> dict[str, Any]:
    """One published version: old screenings show and score with their own."""
    catalogue = Catalogue.objects.filter(version=version).first()
    if catalogue is None:
        raise Http404
    return _catalogue_body(catalogue)


# --- screenings ---------------------------------------------------------------------------
def _screening_body(screening: Screening, workspace: Workspace) -> dict[str, Any]:
    """One screening read through selectors.access_screening (answers already fetched)."""
    catalogue = screening.catalogue
    answers = list(screening.answers.all())
    labels = {answer.indicator.key: answer.indicator.label for answer in answers}
    steps: list[dict[str, Any]] = list(screening.steps or [])
    notify_names: dict[str, str] = {}
    if steps:
        kinds = OrganisationType.objects.filter(key__in={step["notify"] for step in steps})
        notify_names = {kind.key: kind.name for kind in kinds}
    submitted_at = screening.submitted_at
    identification_id = (
        Identification.objects.in_workspace(workspace)
        .filter(screening_id=screening.pk)
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "id": screening.pk,
        "idempotency_key": screening.idempotency_key,
        "status": screening.status,
        "outcome": screening.outcome or None,
        "outcome_label": (
            str(Screening.Outcome(screening.outcome).label) if screening.outcome else None
        ),
        "is_child": screening.is_child,
        "positive_dimensions": [
            {"key": key, "label": catalogue.label("dimensions", key)}
            for key in screening.positive_dimensions
        ],
        "drivers": [{"key": key, "label": labels.get(key, key)} for key in screening.drivers],
        "steps": [
            {
                "key": step["key"],
                "action": in_language(step.get("action")),
                "legal_basis": in_language(step.get("legal_basis")),
                "notify": step["notify"],
                "notify_name": notify_names.get(step["notify"], step["notify"]),
                "within_hours": step["within_hours"],
                "due_at": (
                    submitted_at + timedelta(hours=step["within_hours"]) if submitted_at else None
                ),
            }
            for step in steps
        ],
        "catalogue_version": catalogue.version,
        "identification_id": identification_id,
        "organisation_id": screening.organisation_id,
        "organisation": screening.organisation.name,
        "screened_by": screening.screened_by.get_full_name() or screening.screened_by.username,
        "screened_at": screening.screened_at,
        "submitted_at": submitted_at,
        "region": screening.region.key,
        "place": screening.place,
        "exploitation_form": screening.exploitation_form,
        "child_name": screening.child_name,
        "birth_date": screening.birth_date,
        "age_min": screening.age_min,
        "age_max": screening.age_max,
        "declared_child": screening.declared_child,
        "signs_of_childhood": screening.signs_of_childhood,
        "sex": screening.sex,
        "citizenship": screening.citizenship,
        "unaccompanied": screening.unaccompanied,
        "immediate_danger": screening.immediate_danger,
        "observations": screening.observations,
        "answers": [
            {
                "indicator": answer.indicator.key,
                "dimension": answer.indicator.dimension,
                "label": answer.indicator.label,
                "answer": answer.value,
                "note": answer.note,
            }
            for answer in answers
        ],
    }


def _screening_organisation(
    user: User, organisation_id: int | None, existing: Screening | None
) -> Organisation:
    """The organisation in whose name the user screens (a draft keeps its own)."""
    if existing is not None:
        if organisation_id is not None and organisation_id != existing.organisation_id:
            raise ValidationError(
                {"organisation_id": _("This screening was started for another organisation.")}
            )
        return existing.organisation
    organisations = list(selectors.screening_organisations(user=user))
    if organisation_id is not None:
        for organisation in organisations:
            if organisation.pk == organisation_id:
                return organisation
        raise ValidationError(
            {"organisation_id": _("You do not screen children for this organisation.")}
        )
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise PermissionDenied(_("You may not screen children for any organisation."))
    raise ValidationError(
        {"organisation_id": _("You screen for more than one organisation: choose one.")}
    )


def _region(key: str | None, organisation: Organisation) -> Region:
    if not key:
        return organisation.region
    region = Region.objects.filter(key=key).first()
    if region is None or not region.is_current:
        raise ValidationError({"region": _("Choose a current region, for example KZ-55.")})
    return region


def _answers(payload: ScreeningIn) -> dict[str, tuple[str, str]]:
    answers: dict[str, tuple[str, str]] = {}
    for index, item in enumerate(payload.answers):
        if item.indicator in answers:
            raise ValidationError(
                {f"answers.{index}.indicator": _("This indicator is answered more than once.")}
            )
        answers[item.indicator] = (item.answer, item.note)
    return answers


def _catalogue_version(payload: ScreeningIn, existing: Screening | None) -> int:
    if payload.catalogue_version is not None:
        return payload.catalogue_version
    if existing is not None:
        return existing.catalogue.version
    current = selectors.current_catalogue()
    return current.version if current is not None else 0  # 0: refused as an unknown version


@router.post("/screenings", response={200: ScreeningOut, 201: ScreeningOut})
def screening_save(request: HttpRequest, payload: ScreeningIn) -> tuple[int, dict[str, Any]]:
    """Save a draft (submit: false) or submit it for scoring (submit: true).

    Each save sends the whole screening under the client's idempotency key: 201 when it makes
    a new screening, 200 when it updates the draft with that key. Sending a key that was
    already submitted changes nothing and returns the first result again (200).
    """
    user = api_user(request)
    workspace = api_workspace(request)
    existing = selectors.screening_by_key(
        user=user, workspace=workspace, key=payload.idempotency_key
    )
    if existing is not None and existing.status == Screening.Status.SUBMITTED:
        screening = selectors.access_screening(
            user=user, workspace=workspace, pk=existing.pk, action="screening.view"
        )
        return 200, _screening_body(screening, workspace)
    organisation = _screening_organisation(user, payload.organisation_id, existing)
    data = services.ScreeningInput(
        catalogue_version=_catalogue_version(payload, existing),
        region=_region(payload.region, organisation),
        screened_at=payload.screened_at
        or (existing.screened_at if existing is not None else timezone.now()),
        place=payload.place,
        exploitation_form=payload.exploitation_form,
        child_name=payload.child_name,
        birth_date=payload.birth_date,
        age_min=payload.age_min,
        age_max=payload.age_max,
        declared_child=payload.declared_child,
        signs_of_childhood=payload.signs_of_childhood,
        sex=payload.sex,
        citizenship=payload.citizenship,
        unaccompanied=payload.unaccompanied,
        immediate_danger=payload.immediate_danger,
        observations=payload.observations,
        answers=_answers(payload),
    )
    save = services.screening_submit if payload.submit else services.screening_save_draft
    saved = save(
        actor=user,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=payload.idempotency_key,
        data=data,
    )
    screening = selectors.access_screening(
        user=user, workspace=workspace, pk=saved.pk, action="screening.view"
    )
    return (201 if existing is None else 200), _screening_body(screening, workspace)


@router.get("/screenings", response=list[ScreeningSummaryOut])
@paginate(LimitOffsetPagination)
def screening_list(request: HttpRequest) -> QuerySet[Screening]:
    """The user's own drafts and the submitted screenings of their organisations."""
    return (
        selectors.screenings_visible_to(user=api_user(request), workspace=api_workspace(request))
        .select_related("catalogue")
        .annotate(identification_ref=F("identification__id"))
        .order_by("-screened_at", "-pk")
    )


@router.get("/screenings/{screening_id}", response=ScreeningOut)
def screening_detail(request: HttpRequest, screening_id: int) -> dict[str, Any]:
    workspace = api_workspace(request)
    screening = selectors.access_screening(
        user=api_user(request), workspace=workspace, pk=screening_id, action="screening.view"
    )
    return _screening_body(screening, workspace)


# --- alerts -------------------------------------------------------------------------------
@router.get("/alerts", response=list[AlertOut])
@paginate(LimitOffsetPagination)
def alert_list(request: HttpRequest) -> QuerySet[Alert]:
    """The inbox of the user's organisations: unread first, then by deadline."""
    return selectors.inbox(user=api_user(request), workspace=api_workspace(request))


@router.post("/alerts/{alert_id}/read", response=AlertOut)
def alert_read(request: HttpRequest, alert_id: int) -> Alert:
    user = api_user(request)
    alert = selectors.access_alert(
        user=user, workspace=api_workspace(request), pk=alert_id, action="alert.view"
    )
    return services.alert_mark_read(actor=user, alert=alert)


# --- identification and victim-status decisions -------------------------------------------
def _decision_body(decision: VictimStatusDecision, *, superseded: bool) -> dict[str, Any]:
    decided_by = decision.decided_by
    return {
        "id": decision.pk,
        "status": decision.status,
        "status_label": str(VictimStatusDecision.Status(decision.status).label),
        "organisation_id": decision.organisation_id,
        "organisation": decision.organisation.name,
        "decided_by": decided_by.get_full_name() or decided_by.username,
        "decided_on": decision.decided_on,
        "legal_basis": decision.legal_basis,
        "reasons": decision.reasons,
        "supersedes_id": decision.supersedes_id,
        "superseded": superseded,
        "created_at": decision.created_at,
    }


@router.get("/identifications/{identification_id}", response=IdentificationOut)
def identification_detail(request: HttpRequest, identification_id: int) -> dict[str, Any]:
    """An identification with its whole decision history (superseded decisions stay)."""
    user = api_user(request)
    identification = selectors.access_identification(
        user=user,
        workspace=api_workspace(request),
        pk=identification_id,
        action="identification.view",
    )
    decisions = list(selectors.decisions_of(identification=identification))
    superseded_ids = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    in_force = [d for d in decisions if d.pk not in superseded_ids]
    screening = identification.screening
    return {
        "id": identification.pk,
        "status": identification.status,
        "screening_id": screening.pk,
        "outcome": screening.outcome or None,
        "is_child": screening.is_child,
        "organisation_id": identification.organisation_id,
        "organisation": identification.organisation.name,
        "region": identification.region.key,
        "opened_at": identification.created_at,
        "current_status": in_force[0].status if in_force else None,
        "decisions": [_decision_body(d, superseded=d.pk in superseded_ids) for d in decisions],
        "may_decide_for": [
            {"id": organisation.pk, "name": organisation.name}
            for organisation in selectors.deciding_organisations(
                user=user, identification=identification
            )
        ],
    }


def _deciding_organisation(
    user: User, identification: Identification, organisation_id: int | None
) -> Organisation:
    """The body in whose name the user decides; the service refuses one they may not sign for."""
    options = selectors.deciding_organisations(user=user, identification=identification)
    if organisation_id is None:
        if len(options) == 1:
            return options[0]
        if not options:
            raise PermissionDenied(
                _("Only an authorized body (police or social protection) decides.")
            )
        raise ValidationError(
            {"organisation_id": _("You decide for more than one body here: choose one.")}
        )
    for organisation in options:
        if organisation.pk == organisation_id:
            return organisation
    named = Organisation.objects.filter(pk=organisation_id).first()
    if named is None:
        raise ValidationError({"organisation_id": _("There is no such organisation.")})
    return named


@router.post("/identifications/{identification_id}/decisions", response={201: DecisionOut})
def decision_create(
    request: HttpRequest, identification_id: int, payload: DecisionIn
) -> tuple[int, dict[str, Any]]:
    """Record an authorized body's decision; it supersedes the decision in force, if any."""
    user = api_user(request)
    identification = selectors.access_identification(
        user=user,
        workspace=api_workspace(request),
        pk=identification_id,
        action="identification.decide",
    )
    decision = services.victim_status_decide(
        actor=user,
        identification=identification,
        organisation=_deciding_organisation(user, identification, payload.organisation_id),
        status=payload.status,
        decided_on=payload.decided_on,
        legal_basis=payload.legal_basis,
        reasons=payload.reasons,
    )
    return 201, _decision_body(decision, superseded=False)
