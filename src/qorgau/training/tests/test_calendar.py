"""The calendar file attached to confirmations (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from qorgau.training.calendar import Slot, build_ics, escape_text, fold

STAMP = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _ics(**overrides) -> str:
    values = {
        "uid": "training-event-7@qorgau",
        "summary": "Identifying child victims",
        "location": "Police academy, Karaganda",
        "description": "",
        "first_day": date(2030, 3, 15),
        "last_day": date(2030, 3, 16),
        "stamp": STAMP,
    }
    values.update(overrides)
    return build_ics(**values)


def _utc(day: date, at: time) -> str:
    local = datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_every_line_ends_in_crlf_and_the_calendar_is_complete():
    text = _ics()

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "METHOD:PUBLISH" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "DTSTAMP:20300301T090000Z" in lines


def test_without_a_timetable_the_event_is_all_day_with_an_exclusive_end():
    lines = _unfold(_ics())

    assert "DTSTART;VALUE=DATE:20300315" in lines
    assert "DTEND;VALUE=DATE:20300317" in lines  # the day after the last day
    assert "SUMMARY:Identifying child victims" in lines
    assert "LOCATION:Police academy\\, Karaganda" in lines


def test_with_a_timetable_each_day_runs_from_its_first_start_to_its_last_end_in_utc():
    slots = [
        Slot(date(2030, 3, 15), time(14), time(16, 30)),
        Slot(date(2030, 3, 15), time(10), time(12, 30)),
        Slot(date(2030, 3, 16), time(10), time(12)),
    ]

    lines = _unfold(_ics(slots=slots))

    assert lines.count("BEGIN:VEVENT") == 2
    assert f"DTSTART:{_utc(date(2030, 3, 15), time(10))}" in lines
    assert f"DTEND:{_utc(date(2030, 3, 15), time(16, 30))}" in lines
    assert f"DTSTART:{_utc(date(2030, 3, 16), time(10))}" in lines
    assert {"UID:training-event-7@qorgau-1", "UID:training-event-7@qorgau-2"} <= set(lines)


def test_text_values_escape_what_rfc_5545_requires():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"

    lines = _unfold(_ics(summary="Law; practice, and\nchildren", description="Line 1\r\nLine 2"))

    assert "SUMMARY:Law\\; practice\\, and\\nchildren" in lines
    assert "DESCRIPTION:Line 1\\nLine 2" in lines


def test_long_lines_fold_at_75_octets_without_splitting_a_cyrillic_letter():
    summary = "Выявление жертв торговли людьми и механизм перенаправления " * 3
    text = _ics(summary=summary)

    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert f"SUMMARY:{summary}" in _unfold(text)


def test_fold_leaves_short_lines_alone():
    assert fold("SUMMARY:short") == "SUMMARY:short"
