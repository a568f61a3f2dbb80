"""Read-mostly admin views for support staff. Changes go through the pages and their services,
which check access and write the audit trail; the admin does neither, so it edits nothing."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qorgau.training.models import (
    Attendance,
    Event,
    Programme,
    Registration,
    Series,
    Session,
    Speaker,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "implementer", "starts_on", "ends_on")
    search_fields = ("name",)


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ("name", "organiser", "programme")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "city", "starts_on", "organiser", "capacity")
    list_filter = ("kind",)
    search_fields = ("title", "city", "code")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("event", "date", "starts_at", "ends_at", "topic")


@admin.register(Speaker)
class SpeakerAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "organisation_name", "owner")
    search_fields = ("name",)


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    # Names and contacts stay on the organisers' pages, where access is checked and audited.
    list_display = ("pk", "event", "status", "source", "created_at")
    list_filter = ("status", "source")
    fields = ("event", "status", "source", "created_at", "decided_at")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("registration_id", "session", "method", "created_at")
