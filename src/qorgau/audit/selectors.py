"""Reading the audit trail, for those the policy lets read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from qorgau.accounts.permissions import can
from qorgau.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events(*, user: object, filters: AuditFilters) -> QuerySet[AuditEvent]:
    if not can(user, "audit.view"):  # type: ignore[arg-type]
        raise PermissionDenied
    qs = AuditEvent.objects.select_related("organisation").order_by("-seq")
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.actor:
        qs = qs.filter(actor_label__iexact=filters.actor)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs
