from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.directory.models import CapacityUpdate, ProviderService, ServiceType
from qorgau.directory.services import (
    capacity_update,
    provider_profile_save,
    provider_service_save,
    service_types_load,
)
from qorgau.directory.tests.factories import ProviderServiceFactory

pytestmark = pytest.mark.django_db

SOCIAL_CODE = {
    "social_household",
    "medical",
    "psychological",
    "pedagogical",
    "labour",
    "cultural",
    "economic",
    "legal",
}


def test_service_types_load_the_eight_social_code_types_and_four_more_idempotently():
    assert service_types_load() == 12
    service_types_load()

    assert ServiceType.objects.count() == 12
    assert set(ServiceType.objects.filter(social_code=True).values_list("key", flat=True)) == (
        SOCIAL_CODE
    )
    shelter = ServiceType.objects.get(key="shelter")
    assert shelter.name_ru and shelter.name_kk and shelter.name_en


def test_load_reference_command_loads_the_service_types(db):
    from django.core.management import call_command

    call_command("load_reference", stdout=None)

    assert ServiceType.objects.filter(key="family_tracing").exists()


def test_provider_staff_save_their_profile_and_it_is_audited():
    organisation = OrganisationFactory()
    staff = user_with_role(Role.PROVIDER_STAFF, organisation)

    profile = provider_profile_save(
        actor=staff, organisation=organisation, phone=" +7 700 000 00 01 ", languages=["kk", "RU"]
    )
    again = provider_profile_save(actor=staff, organisation=organisation, languages="kk,en")

    assert again.pk == profile.pk
    assert again.languages == "kk,en"
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["directory.provider.create", "directory.provider.update"]


def test_a_bad_language_code_is_refused_naming_the_field():
    organisation = OrganisationFactory()
    staff = user_with_role(Role.ORG_ADMIN, organisation)

    with pytest.raises(ValidationError) as error:
        provider_profile_save(actor=staff, organisation=organisation, languages="kk,Russian")

    assert "languages" in error.value.message_dict


def test_someone_elses_profile_is_refused():
    outsider = user_with_role(Role.PROVIDER_STAFF)

    with pytest.raises(PermissionDenied):
        provider_profile_save(actor=outsider, organisation=OrganisationFactory())


def test_a_service_needs_a_region_and_is_saved_once_per_type(service_types):
    organisation = OrganisationFactory()
    staff = user_with_role(Role.CASE_MANAGER, organisation)
    profile = provider_profile_save(actor=staff, organisation=organisation)
    shelter = ServiceType.objects.get(key="shelter")

    with pytest.raises(ValidationError) as error:
        provider_service_save(actor=staff, provider=profile, service_type=shelter, regions=[])
    assert "regions" in error.value.message_dict

    first = provider_service_save(
        actor=staff, provider=profile, service_type=shelter, regions=[organisation.region]
    )
    second = provider_service_save(
        actor=staff,
        provider=profile,
        service_type=shelter,
        regions=[organisation.region, RegionFactory()],
        eligibility="Girls 12-17",
    )
    assert first.pk == second.pk
    assert ProviderService.objects.count() == 1
    assert second.regions.count() == 2


def test_capacity_updates_keep_their_history_and_are_audited():
    service = ProviderServiceFactory()
    staff = user_with_role(Role.PROVIDER_STAFF, service.provider.organisation)

    capacity_update(actor=staff, service=service, total=12, free=5)
    capacity_update(actor=staff, service=service, total=12, free=3, note="two admitted")

    service.refresh_from_db()
    assert (service.capacity_total, service.capacity_free) == (12, 3)
    assert service.capacity_updated_by == staff
    history = list(CapacityUpdate.objects.filter(service=service).values_list("free", flat=True))
    assert history == [3, 5]
    event = AuditEvent.objects.filter(action="directory.capacity.update").order_by("-seq").first()
    assert event is not None
    assert event.details["previous"] == {"total": 12, "free": 5}


@pytest.mark.parametrize(
    ("total", "free", "field"), [(5, 6, "free"), (-1, 0, "total"), (3, -1, "free")]
)
def test_impossible_capacity_is_refused_naming_the_field(total, free, field):
    service = ProviderServiceFactory()
    staff = user_with_role(Role.ORG_ADMIN, service.provider.organisation)

    with pytest.raises(ValidationError) as error:
        capacity_update(actor=staff, service=service, total=total, free=free)

    assert field in error.value.message_dict
    assert not CapacityUpdate.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_LINE, Role.SUPERVISOR, Role.AUDITOR])
def test_capacity_from_other_roles_of_the_provider_is_refused(role):
    service = ProviderServiceFactory()
    someone = user_with_role(role, service.provider.organisation)

    with pytest.raises(PermissionDenied):
        capacity_update(actor=someone, service=service, total=3, free=1)


def test_capacity_from_another_organisations_staff_is_refused_but_a_system_admin_may():
    service = ProviderServiceFactory()

    with pytest.raises(PermissionDenied):
        capacity_update(actor=user_with_role(Role.PROVIDER_STAFF), service=service, total=3, free=1)
    capacity_update(actor=user_with_role(Role.SYSTEM_ADMIN), service=service, total=3, free=1)
    assert CapacityUpdate.objects.count() == 1
