"""Every read of the service directory."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import DIRECTORY_EDITOR_ROLES, can, grants
from qorgau.directory.models import CapacityUpdate, ProviderProfile, ProviderService, ServiceType


def service_types() -> QuerySet[ServiceType]:
    return ServiceType.objects.order_by("position")


def _language_in(field: str, language: str) -> Q:
    return Q(**{f"{field}__regex": rf"(^|,){language}(,|$)"})


def _with_services(profiles: QuerySet[ProviderProfile]) -> QuerySet[ProviderProfile]:
    services = (
        ProviderService.objects.filter(is_active=True)
        .select_related("service_type")
        .prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("name_en")))
        .order_by("service_type__position")
    )
    return profiles.select_related("organisation__type", "organisation__region").prefetch_related(
        Prefetch("services", queryset=services, to_attr="offered")
    )


def directory_search(
    *,
    user: User,
    region: Region | None = None,
    service_type: ServiceType | None = None,
    language: str = "",
    text: str = "",
    has_free_capacity: bool = False,
) -> QuerySet[ProviderProfile]:
    """Listed providers with at least one offered service matching every filter given.

    Three queries whatever the number of rows (providers, their services, the services'
    regions), plus the paginator's count.
    """
    if not can(user, "directory.view"):
        return ProviderProfile.objects.none()
    matching = ProviderService.objects.filter(provider=OuterRef("pk"), is_active=True)
    if region is not None:
        matching = matching.filter(regions=region)
    if service_type is not None:
        matching = matching.filter(service_type=service_type)
    if has_free_capacity:
        matching = matching.filter(capacity_free__gt=0)
    if language:
        language = language.strip().lower()
        matching = matching.filter(
            _language_in("languages", language)
            | (Q(languages="") & _language_in("provider__languages", language))
        )
    profiles = ProviderProfile.objects.filter(
        Exists(matching), is_listed=True, organisation__is_active=True
    )
    text = text.strip()
    if text:
        profiles = profiles.filter(
            Q(organisation__name__icontains=text)
            | Q(description__icontains=text)
            | Q(address__icontains=text)
        )
    return _with_services(profiles).order_by("organisation__name", "pk")


def editable_organisations(*, user: User) -> QuerySet[Organisation]:
    """The user's own organisations whose directory entry they edit (system admins: via pages)."""
    ids = {g.organisation_id for g in grants(user) if g.role in DIRECTORY_EDITOR_ROLES}
    return Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name")


def capacity_history(*, service: ProviderService, limit: int = 20) -> list[CapacityUpdate]:
    return list(service.capacity_updates.select_related("updated_by")[:limit])


# --- fetch and check in one call ----------------------------------------------------------
def access_provider(*, user: User, pk: int, action: str) -> ProviderProfile:
    """404 for a provider the user may not see, 403 for one they may see but not change."""
    profile = _with_services(ProviderProfile.objects.filter(pk=pk)).first()
    if profile is None or not can(user, "directory.provider.view", profile):
        raise Http404
    if action != "directory.provider.view" and not can(user, action, profile.organisation):
        raise PermissionDenied
    return profile


def access_provider_service(*, user: User, pk: int, action: str) -> ProviderService:
    service = (
        ProviderService.objects.select_related("provider__organisation", "service_type")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404
    access_provider(user=user, pk=service.provider_id, action=action)
    return service


def access_organisation_for_directory(*, user: User, pk: int) -> Organisation:
    """An organisation whose directory entry the user edits (it may have no entry yet)."""
    organisation = Organisation.objects.filter(pk=pk, is_active=True).first()
    if organisation is None or not can(user, "directory.provider.edit", organisation):
        raise Http404
    return organisation
