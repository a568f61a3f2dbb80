"""Response and completion deadlines of referrals, from data/referral_deadlines.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "referral_deadlines.yaml"


@dataclass(frozen=True)
class Deadlines:
    respond_by: datetime
    complete_by: datetime
    version: int


@cache
def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def deadlines_for(service_type_key: str, sent_at: datetime) -> Deadlines:
    data = _load()
    values = {**data["default"], **(data.get("service_types") or {}).get(service_type_key, {})}
    return Deadlines(
        respond_by=sent_at + timedelta(hours=int(values["respond_hours"])),
        complete_by=sent_at + timedelta(days=int(values["complete_days"])),
        version=int(data["version"]),
    )
