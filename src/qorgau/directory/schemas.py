"""What the directory API reads and writes.

The output schemas read the models directly (through resolvers), so a paginated list and a
single provider are shaped by one definition.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class NamedOut(Schema):
    key: str
    name: str = Field(description="In the caller's language.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.name)


class ServiceOut(Schema):
    id: int
    service_type: NamedOut
    description: str
    regions: list[NamedOut]
    languages: list[str] = Field(description="ISO 639 codes; the provider's when not given.")
    eligibility: str
    capacity_total: int | None
    capacity_free: int | None
    capacity_updated_at: datetime | None
    is_active: bool

    @staticmethod
    def resolve_regions(obj: Any) -> list[Any]:
        return list(obj.regions.all())

    @staticmethod
    def resolve_languages(obj: Any) -> list[str]:
        return list(obj.language_list)


class ProviderOut(Schema):
    id: int
    organisation_id: int
    name: str
    organisation_type: NamedOut
    region: NamedOut
    description: str
    phone: str
    email: str
    address: str
    opening_hours: str
    languages: list[str] = Field(description="ISO 639 codes.")
    accessibility: str
    is_listed: bool
    services: list[ServiceOut] = Field(description="The services offered now.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_organisation_type(obj: Any) -> Any:
        return obj.organisation.type

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj.organisation.region

    @staticmethod
    def resolve_languages(obj: Any) -> list[str]:
        return list(obj.language_list)

    @staticmethod
    def resolve_services(obj: Any) -> list[Any]:
        return list(obj.offered)


class CapacityIn(Schema):
    total: int = Field(ge=0, le=100_000)
    free: int = Field(ge=0, le=100_000)
    note: str = Field(default="", max_length=300)


class CapacityOut(Schema):
    service_id: int
    total: int
    free: int
    note: str
    updated_at: datetime
