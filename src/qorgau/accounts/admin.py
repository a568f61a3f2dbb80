from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from qorgau.accounts.models import Membership, Organisation, OrganisationType, Region, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class QorgauUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "language")
    fieldsets = (*UserAdmin.fieldsets, ("Qorgau", {"fields": ("language",)}))  # type: ignore[misc]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "region", "is_active")
    list_filter = ("type", "region", "is_active")
    search_fields = ("name",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("key", "name_en", "kind", "valid_from", "valid_to")


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ("key", "name_en", "sector", "authorized_body")
