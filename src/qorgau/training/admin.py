"""Read-mostly admin views for support staff. Changes go through the pages and their services,
which check access and write the audit trail; the admin does neither, so it edits nothing.

The admin (/django-admin/) opens to staff accounts only, with the second factor when the
server requires one (config/urls.py). It shows no participant's name or contact, and of a
survey's answers nothing at all: a response shows its survey and language only, never its
answers, and a participation (who answered) only its registration number, so nothing here
joins an answer to a person or bypasses the small-group rule of the results (ADR 0015).
Material files are not linked: they are served only by the view that checks access."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qorgau.training.models import (
    Attendance,
    Event,
    Material,
    MaterialAttachment,
    MaterialVersion,
    Programme,
    Registration,
    Series,
    Session,
    Speaker,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
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


# --- surveys ------------------------------------------------------------------------------
class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("position", "kind", "text", "required")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("event", "kind", "anonymous", "opens_on", "closes_on", "template_version")
    list_filter = ("kind", "anonymous")
    search_fields = ("event__title", "event__code")
    list_select_related = ("event",)
    fields = ("event", "kind", "anonymous", "opens_on", "closes_on", "template_version")
    inlines = [SurveyQuestionInline]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(ReadOnlyAdmin):
    list_display = ("survey", "position", "kind", "required")
    list_filter = ("kind", "required")
    list_select_related = ("survey",)
    fields = ("survey", "position", "kind", "text", "required")


@admin.register(SurveyParticipation)
class SurveyParticipationAdmin(ReadOnlyAdmin):
    # That someone answered, by registration number; never what they answered.
    list_display = ("survey", "registration_id")
    list_select_related = ("survey",)
    fields = ("survey", "registration")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    # Neither the answers nor, for a named survey, the registration or the time.
    list_display = ("survey", "language")
    list_filter = ("language",)
    list_select_related = ("survey",)
    fields = ("survey", "language")
    ordering = ("survey",)


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ("survey", "registration_id", "queued_at", "sent_at")
    list_select_related = ("survey",)
    fields = ("survey", "registration", "queued_at", "sent_at")


# --- materials ----------------------------------------------------------------------------
@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "owner", "is_public", "for_special_needs", "created_at")
    list_filter = ("kind", "is_public", "for_special_needs")
    search_fields = ("title",)
    list_select_related = ("owner",)
    fields = (
        "title",
        "kind",
        "description",
        "topics",
        "sectors",
        "audience",
        "for_special_needs",
        "is_public",
        "owner",
        "created_by",
        "created_at",
    )


@admin.register(MaterialVersion)
class MaterialVersionAdmin(ReadOnlyAdmin):
    # No link to the file: files are served only by the view that checks access.
    list_display = (
        "material",
        "language",
        "format",
        "number",
        "original_name",
        "size",
        "created_at",
        "superseded_at",
    )
    list_filter = ("format", "language")
    search_fields = ("material__title", "original_name")
    list_select_related = ("material",)
    fields = (
        "material",
        "language",
        "format",
        "number",
        "original_name",
        "content_type",
        "size",
        "external_url",
        "note",
        "uploaded_by",
        "created_at",
        "superseded_at",
    )


@admin.register(MaterialAttachment)
class MaterialAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("material", "event", "session", "added_by")
    list_select_related = ("material", "event", "session", "added_by")
    fields = ("material", "event", "session", "added_by")
