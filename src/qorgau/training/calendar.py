"""iCalendar (RFC 5545) files for events: what the confirmation e-mail attaches.

One VEVENT per day that has sessions (first session's start to the last one's end, in UTC), so a
two-day seminar does not block the night in between; an event without a timetable yet is one
all-day VEVENT over its days. Lines end in CRLF, are folded at 75 octets without splitting a
UTF-8 character, and text values escape backslash, semicolon, comma and newlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

CRLF = "\r\n"
PRODID = "-//Qorgau//Training//EN"


@dataclass(frozen=True)
class Slot:
    day: date
    starts_at: time
    ends_at: time


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (continuations start with a space)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
            limit = 74  # the leading space of a continuation line counts
        else:
            current += char
    parts.append(current)
    return (CRLF + " ").join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


def day_spans(slots: Iterable[Slot]) -> list[tuple[datetime, datetime]]:
    """Per day: from the earliest start to the latest end."""
    days: dict[date, tuple[time, time]] = {}
    for slot in slots:
        first, last = days.get(slot.day, (slot.starts_at, slot.ends_at))
        days[slot.day] = (min(first, slot.starts_at), max(last, slot.ends_at))
    return [(_local(day, first), _local(day, last)) for day, (first, last) in sorted(days.items())]


def build_ics(
    *,
    uid: str,
    summary: str,
    location: str,
    description: str,
    first_day: date,
    last_day: date,
    slots: Iterable[Slot] = (),
    url: str = "",
    stamp: datetime | None = None,
) -> str:
    stamp_text = _utc(stamp or timezone.now())
    spans = day_spans(slots)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]

    def vevent(number: int, timing: list[str]) -> list[str]:
        body = [
            "BEGIN:VEVENT",
            f"UID:{uid}-{number}" if number else f"UID:{uid}",
            f"DTSTAMP:{stamp_text}",
            *timing,
            f"SUMMARY:{escape_text(summary)}",
            f"LOCATION:{escape_text(location)}",
        ]
        if description:
            body.append(f"DESCRIPTION:{escape_text(description)}")
        if url:
            body.append(f"URL:{url}")
        body.append("END:VEVENT")
        return body

    if spans:
        for number, (start, end) in enumerate(spans, start=1):
            lines += vevent(number, [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"])
    else:
        # All-day: DTEND is the day after the last day (exclusive).
        lines += vevent(
            0,
            [
                f"DTSTART;VALUE=DATE:{first_day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{last_day + timedelta(days=1):%Y%m%d}",
            ],
        )
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
