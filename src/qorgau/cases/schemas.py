"""Shapes of the case API."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Schema


class NameOut(Schema):
    full_name: str
    script: str
    source: str


class ChildOut(Schema):
    id: int
    organisation: str
    names: list[NameOut]
    birth_date: date | None
    age_min: int | None
    age_max: int | None
    age_estimated_on: date | None
    sex: str
    citizenship: str
    languages: str
    care_status: str
    region: str
    version: int


class CaseSummaryOut(Schema):
    id: int
    number: str
    stage: str
    organisation: str
    region: str
    child_id: int
    manager: str
    opened_at: datetime


class TeamOut(Schema):
    organisation: str
    status: str


class ConsentOut(Schema):
    id: int
    purpose: str
    organisation: str | None
    given_by_name: str
    given_by_relation: str
    given_on: date
    withdrawn_at: datetime | None


class ApprovalOut(Schema):
    subject: str
    status: str


class CaseOut(CaseSummaryOut):
    version: int
    identification_id: int | None
    child: ChildOut
    team: list[TeamOut]
    consents: list[ConsentOut]
    approvals: list[ApprovalOut]
    stages: list[str]


class OpenFromIdentificationIn(Schema):
    identification_id: int
    idempotency_key: uuid.UUID


class StageIn(Schema):
    stage: str
    version: int
    note: str = ""


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int


class ChildPage(Schema):
    items: list[ChildOut]
    count: int
