from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class RegionOut(Schema):
    key: str
    iso_code: str
    kind: str
    name: str
    name_kk: str
    name_ru: str
    name_en: str
    valid_from: date | None
    valid_to: date | None


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    language: str
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The raw token. Shown once; store it safely.")
