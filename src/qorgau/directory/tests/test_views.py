from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qorgau.accounts.models import Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import UserFactory, user_with_role
from qorgau.directory.models import CapacityUpdate, ProviderProfile, ProviderService, ServiceType
from qorgau.directory.tests.factories import ProviderProfileFactory, ProviderServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def shelter(reference_data, service_types):
    region = Region.objects.get(key="KZ-79")
    service = ProviderServiceFactory(
        provider__organisation__name="Crisis Centre Zhan",
        provider__organisation__region=region,
        service_type=ServiceType.objects.get(key="shelter"),
        regions=[region],
    )
    ProviderService.objects.filter(pk=service.pk).update(capacity_total=12, capacity_free=3)
    return service


def test_search_lists_providers_with_services_contacts_and_the_nav_link(shelter):
    page = _client(user_with_role(Role.FRONT_LINE)).get(reverse("directory:search"))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Crisis Centre Zhan" in body
    assert "3 of 12 places free" in body
    assert "centre@example.org" in body
    assert reverse("directory:search") in body  # the menu item


def test_search_filters_and_says_honestly_when_nothing_matches(shelter):
    client = _client(user_with_role(Role.FRONT_LINE))
    other = Region.objects.get(key="KZ-55")

    found = client.get(reverse("directory:search"), {"region": shelter.regions.get().pk})
    missing = client.get(reverse("directory:search"), {"region": other.pk, "free": "on"})

    assert "Crisis Centre Zhan" in found.content.decode()
    assert "No listed provider offers a service that matches all these filters" in (
        missing.content.decode()
    )


def test_search_answers_htmx_with_the_results_only(shelter):
    client = _client(user_with_role(Role.FRONT_LINE))

    page = client.get(reverse("directory:search"), headers={"hx-request": "true"})

    assert "Crisis Centre Zhan" in page.content.decode()
    assert "<h1>" not in page.content.decode()


def test_someone_without_a_role_is_refused_and_anonymous_sent_to_sign_in(shelter):
    assert _client(UserFactory()).get(reverse("directory:search")).status_code == 403
    assert Client().get(reverse("directory:search")).status_code == 302


def test_provider_page_shows_capacity_form_to_its_staff_only(shelter):
    url = reverse("directory:provider", args=[shelter.provider_id])
    staff = user_with_role(Role.PROVIDER_STAFF, shelter.provider.organisation)

    reader_page = _client(user_with_role(Role.INVESTIGATOR)).get(url).content.decode()
    staff_page = _client(staff).get(url).content.decode()

    assert "Crisis Centre Zhan" in reader_page
    assert "Report capacity" not in reader_page
    assert "Report capacity" in staff_page


def test_staff_report_capacity_and_bad_numbers_are_shown_beside_the_field(shelter):
    staff = user_with_role(Role.PROVIDER_STAFF, shelter.provider.organisation)
    client = _client(staff)
    url = reverse("directory:capacity", args=[shelter.pk])
    prefix = f"s{shelter.pk}"

    ok = client.post(url, {f"{prefix}-total": "12", f"{prefix}-free": "2"})
    bad = client.post(url, {f"{prefix}-total": "12", f"{prefix}-free": "13"})

    assert ok.status_code == 302
    assert bad.status_code == 422
    assert "There cannot be more free places than the capacity." in bad.content.decode()
    shelter.refresh_from_db()
    assert shelter.capacity_free == 2
    assert CapacityUpdate.objects.count() == 1


def test_another_organisation_cannot_post_capacity(shelter):
    client = _client(user_with_role(Role.PROVIDER_STAFF))
    prefix = f"s{shelter.pk}"

    response = client.post(
        reverse("directory:capacity", args=[shelter.pk]),
        {f"{prefix}-total": "12", f"{prefix}-free": "2"},
    )

    assert response.status_code == 403
    assert not CapacityUpdate.objects.exists()


def test_an_org_admin_creates_the_entry_and_adds_a_service(reference_data, service_types):
    admin = user_with_role(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation
    client = _client(admin)

    response = client.post(
        reverse("directory:profile_edit", args=[organisation.pk]),
        {
            "description": "Legal aid",
            "phone": "+7 700 000 00 21",
            "email": "aid@example.org",
            "languages": ["kk", "ru"],
            "other_languages": "uz",
            "is_listed": "on",
        },
    )
    profile = ProviderProfile.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert profile.languages == "kk,ru,uz"

    kz79 = Region.objects.get(key="KZ-79")
    legal = ServiceType.objects.get(key="legal")
    response = client.post(
        reverse("directory:service_new", args=[profile.pk]),
        {"service_type": legal.pk, "regions": [kz79.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    assert list(profile.services.get().regions.all()) == [kz79]


def test_a_bad_language_code_on_the_form_is_422_beside_the_field(reference_data):
    admin = user_with_role(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation

    response = _client(admin).post(
        reverse("directory:profile_edit", args=[organisation.pk]),
        {"other_languages": "Russian"},
    )

    assert response.status_code == 422
    assert "ISO 639" in response.content.decode()
    assert not ProviderProfile.objects.exists()


def test_edit_pages_of_another_organisation_are_not_found(shelter):
    client = _client(user_with_role(Role.ORG_ADMIN))

    assert (
        client.get(
            reverse("directory:profile_edit", args=[shelter.provider.organisation_id])
        ).status_code
        == 404
    )
    assert client.get(reverse("directory:service_edit", args=[shelter.pk])).status_code == 403


def test_an_unlisted_entry_is_not_found_for_others(reference_data):
    profile = ProviderProfileFactory(is_listed=False)

    response = _client(user_with_role(Role.FRONT_LINE)).get(
        reverse("directory:provider", args=[profile.pk])
    )

    assert response.status_code == 404


def test_staff_see_earlier_reports_and_everyone_how_old_the_figure_is(shelter):
    from datetime import timedelta

    from django.utils import timezone

    staff = user_with_role(Role.PROVIDER_STAFF, shelter.provider.organisation)
    client = _client(staff)
    prefix = f"s{shelter.pk}"
    client.post(
        reverse("directory:capacity", args=[shelter.pk]),
        {f"{prefix}-total": "12", f"{prefix}-free": "4", f"{prefix}-note": "one left"},
    )
    ProviderService.objects.filter(pk=shelter.pk).update(
        capacity_updated_at=timezone.now() - timedelta(days=3)
    )

    staff_page = client.get(reverse("directory:provider", args=[shelter.provider_id]))
    search = _client(user_with_role(Role.FRONT_LINE)).get(reverse("directory:search"))

    assert "Earlier reports" in staff_page.content.decode()
    assert "one left" in staff_page.content.decode()
    assert "updated 3\xa0days ago" in search.content.decode()
