from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema


class SendIn(Schema):
    case_id: int
    provider_id: int
    service_type: str
    reason: str
    idempotency_key: uuid.UUID
    urgent_reason: str = ""


class ReasonIn(Schema):
    reason: str


class ReferralOut(Schema):
    """What the receiving provider sees; the sender's case team also gets ``case``."""

    id: int
    status: str
    service_type: str
    initials: str
    age_band: str
    languages: str
    needs: str
    sender_organisation: str
    sender_name: str
    sender_email: str
    respond_by: datetime
    complete_by: datetime
    decline_reason: str
    outcome: str
    is_overdue: bool
    case: CaseLink | None = None


class CaseLink(Schema):
    id: int
    number: str
    provider: str
    urgent_reason: str


ReferralOut.model_rebuild()


class ReferralPage(Schema):
    items: list[ReferralOut]
    count: int
