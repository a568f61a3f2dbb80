"""Regions and organisation types load from their versioned, translated data files."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from qorgau.accounts.models import OrganisationType, Region
from qorgau.accounts.selectors import current_regions
from qorgau.accounts.services import reference_data_load

pytestmark = pytest.mark.django_db

CITIES = {"KZ-71", "KZ-75", "KZ-79"}  # Astana, Almaty, Shymkent


def test_it_loads_the_twenty_current_units_17_regions_and_3_cities(reference_data):
    current = Region.objects.filter(valid_to__isnull=True)

    assert current.count() == 20
    assert current.filter(kind=Region.Kind.REGION).count() == 17
    assert set(current.filter(kind=Region.Kind.CITY).values_list("key", flat=True)) == CITIES
    assert set(current_regions().values_list("key", flat=True)) == set(
        current.values_list("key", flat=True)
    )
    assert all(region.is_current for region in current)


def test_every_unit_has_a_kazakh_russian_and_english_name(reference_data):
    for region in Region.objects.all():
        assert region.name_kk and region.name_ru and region.name_en, region.key
        assert len({region.name_kk, region.name_ru, region.name_en}) > 1, region.key


def test_a_unit_is_named_in_the_active_language(reference_data):
    shymkent = Region.objects.get(key="KZ-79")

    names = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            names[language] = shymkent.name

    assert names == {"kk": "Шымкент қаласы", "ru": "город Шымкент", "en": "Shymkent City"}


def test_historical_units_end_and_name_their_successors(reference_data):
    historical = Region.objects.filter(valid_to__isnull=False)

    assert historical.exists()
    for region in historical:
        assert region.replaced_by.exists(), region.key
        assert not region.is_current, region.key
        assert all(successor.valid_to is None for successor in region.replaced_by.all())
    almaty_before_2022 = Region.objects.get(key="KZ-19-2001")
    assert almaty_before_2022.valid_to == date(2022, 6, 7)
    assert set(almaty_before_2022.replaced_by.values_list("key", flat=True)) == {
        "KZ-19",
        "KZ-33",
    }
    assert set(Region.objects.get(key="KZ-61-1992").replaced_by.values_list("key", flat=True)) == {
        "KZ-61",
        "KZ-79",
    }


def test_current_units_replace_nothing_that_is_still_current(reference_data):
    for region in Region.objects.filter(valid_to__isnull=True):
        assert not region.replaced_by.exists(), region.key


def test_it_loads_16_organisation_types_with_two_authorized_bodies(reference_data):
    assert OrganisationType.objects.count() == 16
    authorized = OrganisationType.objects.filter(authorized_body=True)
    assert set(authorized.values_list("key", flat=True)) == {"police", "social_protection"}
    for kind in OrganisationType.objects.all():
        assert kind.name_kk and kind.name_ru and kind.name_en, kind.key


def test_it_keeps_the_file_order_of_organisation_types(reference_data):
    positions = list(OrganisationType.objects.values_list("position", flat=True))

    assert positions == sorted(positions) == list(range(16))


def test_it_reports_what_it_loaded(reference_data):
    assert reference_data.organisation_types == 16
    assert reference_data.regions == Region.objects.count()


def test_loading_twice_adds_no_rows(reference_data):
    counts = (
        Region.objects.count(),
        OrganisationType.objects.count(),
        Region.replaced_by.through.objects.count(),
    )

    reference_data_load()

    assert (
        Region.objects.count(),
        OrganisationType.objects.count(),
        Region.replaced_by.through.objects.count(),
    ) == counts


def test_loading_again_restores_an_edited_row(reference_data):
    Region.objects.filter(key="KZ-75").update(name_en="Alma-Ata", valid_to=date(2000, 1, 1))
    OrganisationType.objects.filter(key="police").update(authorized_body=False)

    reference_data_load()

    almaty = Region.objects.get(key="KZ-75")
    assert (almaty.name_en, almaty.valid_to) == ("Almaty City", None)
    assert OrganisationType.objects.get(key="police").authorized_body is True
