"""The hash chain: each event's HMAC covers its own fields and the previous event's hash.

An HMAC keyed outside the database (``AUDIT_CHAIN_KEY``) means that someone who can write to
the database still cannot forge a consistent chain after altering, deleting or inserting rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from qorgau.audit.models import AuditEvent

GENESIS = "0" * 64


def event_digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "workspace_id": event.workspace_id,
        "client_address": event.client_address,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    message = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.problem_seq is None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order and name the first event that does not hold."""
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    events: Any = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq,
                f"event #{expected_seq} is missing (deleted); the chain resumes at #{event.seq}",
            )
        if event.hash != event_digest(event):
            return ChainReport(
                checked, event.seq, f"event #{event.seq} was altered or inserted: its hash is wrong"
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                checked,
                event.seq,
                f"event #{event.seq} does not follow #{event.seq - 1}: "
                "an event before it was replaced, deleted or inserted",
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked)
