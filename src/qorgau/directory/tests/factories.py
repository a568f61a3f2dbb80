from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from qorgau.accounts.tests.factories import OrganisationFactory
from qorgau.directory.models import ProviderProfile, ProviderService, ServiceType


class ServiceTypeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceType
        django_get_or_create = ("key",)

    key = "shelter"
    name_kk = factory.LazyAttribute(lambda o: f"{o.key} (kk)")
    name_ru = factory.LazyAttribute(lambda o: f"{o.key} (ru)")
    name_en = factory.LazyAttribute(lambda o: f"{o.key} (en)")


class ProviderProfileFactory(DjangoModelFactory):
    class Meta:
        model = ProviderProfile

    organisation = factory.SubFactory(OrganisationFactory)
    description = "Shelter and counselling"
    phone = "+7 700 000 00 01"
    email = "centre@example.org"
    address = "1 Example Street"
    opening_hours = "24/7"
    languages = "kk,ru"
    is_listed = True


class ProviderServiceFactory(DjangoModelFactory):
    class Meta:
        model = ProviderService
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderProfileFactory)
    service_type = factory.SubFactory(ServiceTypeFactory)

    @factory.post_generation
    def regions(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.regions.set(extracted or [self.provider.organisation.region])
