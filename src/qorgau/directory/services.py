"""Every write to the service directory: reference data, provider profiles, services, capacity."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.reference import read_reference, translations
from qorgau.directory.models import (
    CapacityUpdate,
    ProviderProfile,
    ProviderService,
    ServiceType,
    split_languages,
    validate_languages,
)


# --- reference data -----------------------------------------------------------------------
@transaction.atomic
def service_types_load() -> int:
    """Create or update the service types from their data file (idempotent)."""
    data = read_reference("qorgau.directory", "service_types.yaml", "service_types")
    for position, item in enumerate(data.items):
        names = translations(item, "name")
        ServiceType.objects.update_or_create(
            key=item["key"],
            defaults={
                **{f"name_{lang}": value for lang, value in names.items()},
                "social_code": bool(item.get("social_code", False)),
                "position": position,
                "data_version": data.version,
            },
        )
    return len(data.items)


# --- providers ----------------------------------------------------------------------------
def _languages(value: Iterable[str] | str, field: str) -> str:
    codes = split_languages(value if isinstance(value, str) else ",".join(value))
    text = ",".join(dict.fromkeys(codes))
    try:
        validate_languages(text)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return text


@transaction.atomic
def provider_profile_save(
    *,
    actor: User,
    organisation: Organisation,
    description: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    opening_hours: str = "",
    languages: Iterable[str] | str = "",
    accessibility: str = "",
    is_listed: bool = True,
) -> ProviderProfile:
    """Create or update the organisation's directory profile."""
    if not can(actor, "directory.provider.edit", organisation):
        raise PermissionDenied(_("You may not edit this provider's directory entry."))
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    created = profile is None
    if profile is None:
        profile = ProviderProfile(organisation=organisation)
    profile.description = description.strip()
    profile.phone = phone.strip()
    profile.email = email.strip()
    profile.address = address.strip()
    profile.opening_hours = opening_hours.strip()
    profile.languages = _languages(languages, "languages")
    profile.accessibility = accessibility.strip()
    profile.is_listed = is_listed
    profile.full_clean()
    profile.save()
    record(
        actor=actor,
        action="directory.provider.create" if created else "directory.provider.update",
        target=profile,
        organisation=organisation,
        details={"is_listed": is_listed},
    )
    return profile


@transaction.atomic
def provider_service_save(
    *,
    actor: User,
    provider: ProviderProfile,
    service_type: ServiceType,
    regions: Iterable[Region],
    languages: Iterable[str] | str = "",
    eligibility: str = "",
    description: str = "",
    is_active: bool = True,
) -> ProviderService:
    """Create or update the provider's offer of one type of service."""
    if not can(actor, "directory.provider.edit", provider.organisation):
        raise PermissionDenied(_("You may not edit this provider's services."))
    regions = list(regions)
    if not regions:
        raise ValidationError({"regions": _("Choose at least one region served.")})
    service = ProviderService.objects.filter(provider=provider, service_type=service_type).first()
    created = service is None
    if service is None:
        service = ProviderService(provider=provider, service_type=service_type)
    service.languages = _languages(languages, "languages")
    service.eligibility = eligibility.strip()
    service.description = description.strip()
    service.is_active = is_active
    service.full_clean(validate_constraints=False)
    service.save()
    service.regions.set(regions)
    record(
        actor=actor,
        action="directory.service.create" if created else "directory.service.update",
        target=service,
        organisation=provider.organisation,
        details={
            "service_type": service_type.key,
            "regions": sorted(region.key for region in regions),
            "is_active": is_active,
        },
    )
    return service


@transaction.atomic
def capacity_update(
    *, actor: User, service: ProviderService, total: int, free: int, note: str = ""
) -> CapacityUpdate:
    """Report a service's capacity now; the old figures stay in its history."""
    organisation = service.provider.organisation
    if not can(actor, "directory.capacity.update", organisation):
        raise PermissionDenied(_("Only the provider's own staff may report its capacity."))
    errors: dict[str, str] = {}
    if total < 0:
        errors["total"] = _("The capacity cannot be negative.")
    if free < 0:
        errors["free"] = _("The number of free places cannot be negative.")
    elif free > total >= 0:
        errors["free"] = _("There cannot be more free places than the capacity.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    update = CapacityUpdate(
        service=service,
        total=total,
        free=free,
        note=note.strip(),
        updated_at=now,
        updated_by=actor,
    )
    update.full_clean()
    update.save()
    previous = {"total": service.capacity_total, "free": service.capacity_free}
    service.capacity_total = total
    service.capacity_free = free
    service.capacity_updated_at = now
    service.capacity_updated_by = actor
    service.save(
        update_fields=[
            "capacity_total",
            "capacity_free",
            "capacity_updated_at",
            "capacity_updated_by",
            "updated_at",
        ]
    )
    record(
        actor=actor,
        action="directory.capacity.update",
        target=service,
        organisation=organisation,
        details={"total": total, "free": free, "previous": previous},
    )
    return update
