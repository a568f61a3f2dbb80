"""Shapes of the case-care API: assessments, plan, services delivered, closure, follow-up."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Schema


class AssessmentFields(Schema):
    assessed_on: date
    findings: str
    recommendations: str = ""
    safety_risk: str = ""
    retrafficking_risk: str = ""
    family_risk: str = ""
    outcome: str = ""
    family_assessed: bool = False
    child_views: str = ""


class AssessmentIn(AssessmentFields):
    kind: str
    idempotency_key: uuid.UUID


class AssessmentEditIn(AssessmentFields):
    version: int


class AssessmentOut(AssessmentFields):
    id: int
    kind: str
    assessed_by: str
    approval_id: int | None
    approval_status: str | None
    version: int


class ReflectionIn(Schema):
    starts_on: date


class ReflectionOut(Schema):
    starts_on: date
    ends_on: date
    days: int
    days_left: int


class PlanIn(Schema):
    goals: str
    starts_on: date


class PlanGoalsIn(Schema):
    goals: str
    version: int


class VersionIn(Schema):
    version: int


class ExtendIn(Schema):
    version: int
    reason: str


class DeliveryOut(Schema):
    id: int
    delivered_on: date
    note: str
    organisation: str


class PlanServiceIn(Schema):
    version: int
    idempotency_key: uuid.UUID
    service_type: str
    provider_id: int
    starts_on: date
    ends_on: date
    description: str = ""


class PlanServiceOut(Schema):
    id: int
    service_type: str
    provider_id: int
    provider: str
    starts_on: date
    ends_on: date
    description: str
    deliveries: list[DeliveryOut]


class PlanOut(Schema):
    goals: str
    starts_on: date
    ends_on: date
    days_left: int
    overdue: bool
    extended: bool
    extension_reason: str
    approval_id: int | None
    approval_status: str | None
    version: int
    services: list[PlanServiceOut]


class VisitOut(Schema):
    id: int
    due_on: date
    status: str
    visited_on: date | None
    note: str


class ClosureIn(Schema):
    reason: str
    follow_up_months: int
    note: str = ""


class ClosureOut(Schema):
    id: int
    reason: str
    status: str
    follow_up_months: int
    best_interests_id: int
    approval_id: int | None
    approval_status: str | None
    closed_on: date | None
    reopened_at: datetime | None
    reopen_reason: str
    visits: list[VisitOut]


class CareOut(Schema):
    case_id: int
    stage: str
    case_version: int
    assessments: list[AssessmentOut]
    reflection: ReflectionOut | None
    plan: PlanOut | None
    closures: list[ClosureOut]


class DeliveryIn(Schema):
    idempotency_key: uuid.UUID
    delivered_on: date
    note: str


class VisitIn(Schema):
    visited_on: date
    note: str
    took_place: bool = True


class FinishIn(Schema):
    version: int
    note: str = ""


class ReopenIn(Schema):
    version: int
    reason: str


class ServiceToDeliverOut(Schema):
    """What a provider sees of a planned service: no names, no plan, no case file."""

    id: int
    service_type: str
    starts_on: date
    ends_on: date
    description: str
    plan_approved: bool
    case_open: bool
    initials: str
    age_band: str
    languages: str
    case_organisation: str
    contact_name: str
    contact_email: str
    deliveries: list[DeliveryOut]


class ServiceToDeliverPage(Schema):
    items: list[ServiceToDeliverOut]
    count: int


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class DecisionOut(Schema):
    id: int
    subject: str
    status: str
    note: str
