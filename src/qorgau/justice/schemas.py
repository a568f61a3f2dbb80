from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from ninja import Schema

from qorgau.justice.models import ChildRole, ClaimStatus, DecisionKind, Outcome, Route, Stage


class ArticleOut(Schema):
    key: str
    article: str
    name: str
    trafficking: bool


class OrganisationRef(Schema):
    id: int
    name: str


class ProceedingIn(Schema):
    register_number: str
    registered_on: date
    articles: list[str]
    investigating_organisation_id: int
    prosecutor_organisation_id: int | None = None
    stage: Stage = Stage.PRE_TRIAL
    outcome: Outcome = Outcome.PENDING
    child_role: ChildRole = ChildRole.VICTIM


class ProceedingCreateIn(ProceedingIn):
    case_id: int
    idempotency_key: uuid.UUID | None = None


class ProceedingUpdateIn(ProceedingIn):
    version: int


class ProceedingOut(Schema):
    id: int
    case_id: int
    case_number: str
    register_number: str
    registered_on: date
    articles: list[ArticleOut]
    articles_version: int
    stage: str
    outcome: str
    child_role: str
    investigating_organisation: OrganisationRef
    prosecutor_organisation: OrganisationRef | None
    non_punishment: bool
    version: int


class ProceedingPage(Schema):
    items: list[ProceedingOut]
    count: int


class DecisionIn(Schema):
    kind: DecisionKind
    decided_on: date
    summary: str = ""
    idempotency_key: uuid.UUID | None = None


class DecisionOut(Schema):
    id: int
    kind: str
    decided_on: date
    summary: str


class InterviewIn(Schema):
    held_on: date
    interviewer: str
    interviewer_trained: bool = False
    video_recorded: bool = False
    psychologist_present: bool = False
    legal_representative_present: bool = False
    child_friendly_room: bool = False
    place: str = ""
    repeat_justification: str = ""


class InterviewCreateIn(InterviewIn):
    idempotency_key: uuid.UUID | None = None


class InterviewOut(InterviewIn):
    id: int
    proceeding_id: int


class ClaimIn(Schema):
    route: Route
    status: ClaimStatus = ClaimStatus.PREPARING
    amount_claimed: Decimal
    amount_awarded: Decimal | None = None
    amount_received: Decimal = Decimal("0")
    filed_on: date | None = None
    decided_on: date | None = None
    received_on: date | None = None
    note: str = ""


class ClaimCreateIn(ClaimIn):
    idempotency_key: uuid.UUID | None = None


class ClaimUpdateIn(ClaimIn):
    version: int


class ClaimOut(Schema):
    id: int
    proceeding_id: int
    route: str
    status: str
    amount_claimed: Decimal
    amount_awarded: Decimal | None
    amount_received: Decimal
    filed_on: date | None
    decided_on: date | None
    received_on: date | None
    note: str
    version: int


class NoticeOut(Schema):
    id: int
    proceeding_id: int
    register_number: str
    case_number: str
    organisation: str
    created_at: datetime
    read_at: datetime | None
