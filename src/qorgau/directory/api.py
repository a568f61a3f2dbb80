"""The directory API: search providers, read one, and report a service's capacity.

Thin, like the pages: parse, call a selector or a service, shape the answer.
"""

# No `from __future__ import annotations` here: under @paginate, django-ninja must see the
# endpoint's annotations as real types, not strings.

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from qorgau.accounts.models import Region
from qorgau.accounts.permissions import can
from qorgau.core.http import api_user
from qorgau.directory import selectors, services
from qorgau.directory.models import ProviderProfile, ServiceType
from qorgau.directory.schemas import CapacityIn, CapacityOut, ProviderOut

router = Router(tags=["directory"])


class SearchFilters(Schema):
    region: str | None = Field(default=None, description="Region key, e.g. KZ-79.")
    service_type: str | None = Field(default=None, description="Service type key, e.g. shelter.")
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2,3}$", description="ISO 639 code, e.g. kk."
    )
    q: str = Field(default="", max_length=100, description="Part of a name or an address.")
    has_free_capacity: bool = False


def _by_key(model: Any, field: str, key: str | None) -> Any:
    if not key:
        return None
    found = model.objects.filter(key=key).first()
    if found is None:
        raise ValidationError({field: [_("Unknown key: %(key)s") % {"key": key}]})
    return found


@router.get("/providers", response=list[ProviderOut])
@paginate(LimitOffsetPagination)
def provider_search(
    request: HttpRequest, filters: Query[SearchFilters]
) -> QuerySet[ProviderProfile]:
    """Listed providers offering a service that matches every filter given."""
    user = api_user(request)
    if not can(user, "directory.view"):
        raise PermissionDenied
    return selectors.directory_search(
        user=user,
        region=_by_key(Region, "region", filters.region),
        service_type=_by_key(ServiceType, "service_type", filters.service_type),
        language=filters.language or "",
        text=filters.q,
        has_free_capacity=filters.has_free_capacity,
    )


@router.get("/providers/{pk}", response=ProviderOut)
def provider_detail(request: HttpRequest, pk: int) -> ProviderProfile:
    profile = selectors.access_provider(
        user=api_user(request), pk=pk, action="directory.provider.view"
    )
    return profile


@router.post("/services/{pk}/capacity", response={201: CapacityOut})
def capacity_report(request: HttpRequest, pk: int, payload: CapacityIn) -> tuple[int, Any]:
    """Report a service's capacity now (the provider's own staff)."""
    user = api_user(request)
    service = selectors.access_provider_service(
        user=user, pk=pk, action="directory.capacity.update"
    )
    update = services.capacity_update(
        actor=user, service=service, total=payload.total, free=payload.free, note=payload.note
    )
    return 201, {
        "service_id": service.pk,
        "total": update.total,
        "free": update.free,
        "note": update.note,
        "updated_at": update.updated_at,
    }
