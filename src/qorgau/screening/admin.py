"""The Django admin shows the published reference data, read-only.

Catalogues and pathway rules are published through their services (the system admin's pages
under /screening/), which validate and audit; a published version is never edited. Screenings,
alerts, identifications and decisions are records about children in a workspace: they are
not in the Django admin at all, so it can neither mix training and real data nor bypass the
audited reads of the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qorgau.screening.models import Catalogue, Indicator, PathwayRules


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Catalogue)
class CatalogueAdmin(ReadOnlyAdmin):
    list_display = ("version", "published_on", "published_by", "created_at")
    readonly_fields = ("version", "published_on", "notes", "published_by", "labels", "created_at")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("key", "catalogue", "list", "dimension", "strength", "provisional")
    list_filter = ("catalogue", "list", "dimension", "strength", "provisional")
    search_fields = ("key", "label_en", "label_ru", "label_kk")
    list_select_related = ("catalogue",)


@admin.register(PathwayRules)
class PathwayRulesAdmin(ReadOnlyAdmin):
    list_display = ("version", "published_by", "created_at", "notes")
    readonly_fields = ("version", "document", "notes", "published_by", "created_at")
