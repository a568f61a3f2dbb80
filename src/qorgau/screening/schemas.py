"""What the screening API reads and writes.

Choices are ``Literal`` types (so a bad value is a 422 naming the field, and OpenAPI lists the
allowed values); ``tests/test_api.py`` checks that they stay equal to the models' choices.
Contradictions between fields are the services' to find, not these schemas'.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Schema
from pydantic import Field, field_validator

AnswerValue = Literal["yes", "no", "unknown"]
ExploitationFormValue = Literal["labour", "sexual", "begging", "criminal", "unknown"]
SexValue = Literal["female", "male", "unknown"]
DecisionStatusValue = Literal["presumed", "identified", "not_victim"]


def _local(value: datetime | None) -> datetime | None:
    """A time without an offset is Kazakhstan's local time, as a person would mean it."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return timezone.localtime(value)


def in_language(texts: Any) -> str:
    """A ``{kk, ru, en}`` mapping of the data files, in the caller's language (else English)."""
    if not isinstance(texts, dict):
        return str(texts or "")
    language = (get_language() or "kk")[:2]
    return str(texts.get(language) or texts.get("en") or "")


# --- reference data -----------------------------------------------------------------------
class NamedOut(Schema):
    key: str
    label: str = Field(description="In the caller's language.")
    label_kk: str
    label_ru: str
    label_en: str


class IndicatorOut(Schema):
    key: str
    list: str
    dimension: str
    strength: str
    label: str = Field(description="In the caller's language.")
    question: str = Field(description="In the caller's language.")
    label_kk: str
    label_ru: str
    label_en: str
    question_kk: str
    question_ru: str
    question_en: str
    source: str
    confidence: str
    provisional: bool


class CatalogueOut(Schema):
    version: int
    published_on: date
    notes: str
    lists: list[NamedOut]
    dimensions: list[NamedOut]
    indicators: list[IndicatorOut]


# --- screenings ---------------------------------------------------------------------------
class AnswerIn(Schema):
    indicator: str = Field(min_length=1, max_length=120, description="An indicator key.")
    answer: AnswerValue
    note: str = Field(default="", max_length=500)


class ScreeningIn(Schema):
    """The whole screening as entered so far; each save sends all of it again."""

    idempotency_key: uuid.UUID = Field(
        description="Made by the client once per screening; resending it never duplicates."
    )
    organisation_id: int | None = Field(
        default=None, description="Needed only when the user screens for several organisations."
    )
    submit: bool = Field(default=False, description="false saves a draft; true scores it.")
    catalogue_version: int | None = Field(
        default=None, description="The draft's version, else the current catalogue."
    )
    region: str | None = Field(
        default=None, max_length=32, description="A region key (KZ-55); else the organisation's."
    )
    screened_at: datetime | None = Field(default=None, description="Default: now.")
    place: str = Field(default="", max_length=200)
    exploitation_form: ExploitationFormValue = "unknown"
    child_name: str = Field(default="", max_length=200)
    birth_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    declared_child: bool | None = None
    signs_of_childhood: bool = False
    sex: SexValue = "unknown"
    citizenship: str = Field(default="KZ", max_length=2, description="ISO code; empty if unknown.")
    unaccompanied: bool = False
    immediate_danger: bool = False
    observations: str = Field(default="", max_length=20_000)
    answers: list[AnswerIn] = Field(default_factory=list)

    @field_validator("screened_at")
    @classmethod
    def _screened_at_local(cls, value: datetime | None) -> datetime | None:
        return _local(value)


class KeyLabelOut(Schema):
    key: str
    label: str


class AnswerOut(Schema):
    indicator: str
    dimension: str
    label: str
    answer: str
    note: str


class StepOut(Schema):
    key: str
    action: str = Field(description="In the caller's language.")
    legal_basis: str = Field(description="In the caller's language.")
    notify: str = Field(description="The organisation type to be told.")
    notify_name: str
    within_hours: int
    due_at: datetime | None


class ScreeningSummaryOut(Schema):
    id: int
    status: str
    outcome: str | None
    is_child: bool | None
    screened_at: datetime
    submitted_at: datetime | None
    organisation_id: int
    organisation: str
    region: str
    exploitation_form: str
    child_name: str
    catalogue_version: int
    identification_id: int | None

    # Read from a row of selectors.screenings_visible_to (with catalogue and identification).
    @staticmethod
    def resolve_outcome(obj: Any) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.region.key)

    @staticmethod
    def resolve_catalogue_version(obj: Any) -> int:
        return int(obj.catalogue.version)

    @staticmethod
    def resolve_identification_id(obj: Any) -> int | None:
        return getattr(obj, "identification_ref", None)


class ScreeningOut(Schema):
    id: int
    idempotency_key: uuid.UUID
    status: str
    outcome: str | None
    outcome_label: str | None
    is_child: bool | None
    positive_dimensions: list[KeyLabelOut]
    drivers: list[KeyLabelOut] = Field(description="The indicators that decided the outcome.")
    steps: list[StepOut]
    catalogue_version: int
    identification_id: int | None
    organisation_id: int
    organisation: str
    screened_by: str
    screened_at: datetime
    submitted_at: datetime | None
    region: str
    place: str
    exploitation_form: str
    child_name: str
    birth_date: date | None
    age_min: int | None
    age_max: int | None
    declared_child: bool | None
    signs_of_childhood: bool
    sex: str
    citizenship: str
    unaccompanied: bool
    immediate_danger: bool
    observations: str
    answers: list[AnswerOut]


# --- alerts and identifications -----------------------------------------------------------
class AlertOut(Schema):
    id: int
    identification_id: int
    screening_id: int
    organisation_id: int
    organisation: str
    region: str
    step: str
    action: str = Field(description="In the caller's language.")
    legal_basis: str = Field(description="In the caller's language.")
    within_hours: int
    due_at: datetime
    read_at: datetime | None
    created_at: datetime

    # Read from a row of selectors.inbox (with organisation and identification's region).
    @staticmethod
    def resolve_screening_id(obj: Any) -> int:
        return int(obj.identification.screening_id)

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.identification.region.key)

    @staticmethod
    def resolve_step(obj: Any) -> str:
        return str(obj.step.get("key", ""))

    @staticmethod
    def resolve_action(obj: Any) -> str:
        return in_language(obj.step.get("action"))

    @staticmethod
    def resolve_legal_basis(obj: Any) -> str:
        return in_language(obj.step.get("legal_basis"))

    @staticmethod
    def resolve_within_hours(obj: Any) -> int:
        return int(obj.step.get("within_hours", 0))


class DecisionIn(Schema):
    status: DecisionStatusValue
    organisation_id: int | None = Field(
        default=None, description="Needed only when the user decides for several bodies here."
    )
    decided_on: date
    legal_basis: str = Field(max_length=300)
    reasons: str = Field(max_length=20_000)


class DecisionOut(Schema):
    id: int
    status: str
    status_label: str
    organisation_id: int
    organisation: str
    decided_by: str
    decided_on: date
    legal_basis: str
    reasons: str
    supersedes_id: int | None
    superseded: bool
    created_at: datetime


class OrganisationRefOut(Schema):
    id: int
    name: str


class IdentificationOut(Schema):
    id: int
    status: str
    screening_id: int
    outcome: str | None
    is_child: bool | None
    organisation_id: int
    organisation: str
    region: str
    opened_at: datetime
    current_status: str | None = Field(description="The decision in force, if any.")
    decisions: list[DecisionOut] = Field(description="Newest first; superseded ones stay.")
    may_decide_for: list[OrganisationRefOut]
