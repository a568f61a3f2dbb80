from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import RegionFactory, UserFactory, user_with_role
from qorgau.directory.selectors import directory_search
from qorgau.directory.tests.factories import (
    ProviderProfileFactory,
    ProviderServiceFactory,
    ServiceTypeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return user_with_role(Role.FRONT_LINE)


def _names(qs) -> set[str]:
    return {profile.organisation.name for profile in qs}


def _provider(name: str, **service):
    profile = ProviderProfileFactory(organisation__name=name, **service.pop("profile", {}))
    ProviderServiceFactory(provider=profile, **service)
    return profile


def test_search_by_region_service_type_language_text_and_free_capacity(reader):
    south, north = RegionFactory(), RegionFactory()
    shelter, legal = ServiceTypeFactory(key="shelter"), ServiceTypeFactory(key="legal")
    _provider("Zhan", service_type=shelter, regions=[south], capacity_total=12, capacity_free=3)
    _provider("Umit", service_type=shelter, regions=[north], capacity_total=8, capacity_free=0)
    _provider("Lawyers", service_type=legal, regions=[south], languages="en")
    _provider("Hidden", service_type=shelter, regions=[south], profile={"is_listed": False})

    assert _names(directory_search(user=reader)) == {"Zhan", "Umit", "Lawyers"}
    assert _names(directory_search(user=reader, region=south)) == {"Zhan", "Lawyers"}
    assert _names(directory_search(user=reader, service_type=shelter)) == {"Zhan", "Umit"}
    assert _names(directory_search(user=reader, has_free_capacity=True)) == {"Zhan"}
    # a service's own languages win over the provider's (kk,ru)
    assert _names(directory_search(user=reader, language="en")) == {"Lawyers"}
    assert _names(directory_search(user=reader, language="ru")) == {"Zhan", "Umit"}
    assert _names(directory_search(user=reader, text="zha")) == {"Zhan"}
    assert _names(directory_search(user=reader, region=north, service_type=legal)) == set()


def test_all_filters_must_hold_for_one_and_the_same_service(reader):
    south, north = RegionFactory(), RegionFactory()
    shelter, legal = ServiceTypeFactory(key="shelter"), ServiceTypeFactory(key="legal")
    profile = _provider("Split", service_type=shelter, regions=[north])
    ProviderServiceFactory(provider=profile, service_type=legal, regions=[south])

    assert _names(directory_search(user=reader, region=south, service_type=shelter)) == set()


def test_inactive_services_and_people_without_a_role_find_nothing(reader):
    ProviderServiceFactory(is_active=False)

    assert _names(directory_search(user=reader)) == set()
    ProviderServiceFactory()
    assert _names(directory_search(user=UserFactory())) == set()


def _page_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(directory_search(user=user), 20).get_page(1)
        for profile in page.object_list:
            for service in profile.offered:
                list(service.regions.all())
                _ = service.service_type.name, service.language_list
            _ = profile.organisation.type.name, profile.organisation.region.name
    return len(queries)


def test_search_runs_a_constant_number_of_queries(reader):
    for _ in range(2):
        ProviderServiceFactory(service_type=ServiceTypeFactory(key="shelter"))
    _page_queries(reader)  # the first call also reads the person's memberships, once
    few = _page_queries(reader)
    for _ in range(12):
        profile = ProviderServiceFactory(service_type=ServiceTypeFactory(key="shelter")).provider
        ProviderServiceFactory(
            provider=profile,
            service_type=ServiceTypeFactory(key="legal"),
            regions=[RegionFactory(), RegionFactory()],
        )

    assert _page_queries(reader) == few == 4  # count, providers, services, regions
