"""Writing to the audit trail. Every service that changes or discloses something calls record()."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from qorgau.audit import context
from qorgau.audit.chain import GENESIS, event_digest
from qorgau.audit.models import AuditEvent

# Serialises writers on PostgreSQL so two events never claim the same place in the chain.
_PG_CHAIN_LOCK = 0x51_6F_72_67  # "Qorg"
_SECRET_KEY = re.compile(r"pass|secret|token|otp|key", re.IGNORECASE)


def _without_secrets(details: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in details.items():
        if _SECRET_KEY.search(key):
            clean[key] = "[redacted]"
        elif isinstance(value, dict):
            clean[key] = _without_secrets(value)
        elif isinstance(value, list):
            clean[key] = [_without_secrets(v) if isinstance(v, dict) else v for v in value]
        else:
            clean[key] = value
    return clean


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    organisation: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction, if any)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "",
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        workspace_id=context.workspace_id(),
        client_address=context.client_address(),
        details=_without_secrets(details or {}),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event_digest(event)
    event.save(force_insert=True)
    return event
