# No `from __future__ import annotations` here: under @paginate, django-ninja must see
# `Query[AuditQuery]` as a real type, not a string, or every request fails with a 500.

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from qorgau.audit.selectors import AuditFilters, audit_events

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor_label: str
    organisation_id: int | None
    action: str
    target_type: str
    target_id: str
    client_address: str | None


class AuditQuery(Schema):
    action: str = ""
    actor: str = ""
    target_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


@router.get("/events", response=list[AuditEventOut])
@paginate(LimitOffsetPagination)
def events(request: HttpRequest, query: Query[AuditQuery]) -> object:
    return audit_events(user=request.user, filters=AuditFilters(**query.dict()))
