"""The demo's service directory: the crisis centres, NGOs, health and legal-aid providers."""

from __future__ import annotations

import pytest

from qorgau.accounts.models import Organisation
from qorgau.demo.data import ORGANISATIONS
from qorgau.demo.directory import PROVIDERS, directory_demo_load
from qorgau.directory.models import CapacityUpdate, ProviderProfile, ProviderService

pytestmark = pytest.mark.django_db


def test_the_demo_lists_its_providers_with_services_and_capacity_idempotently(demo):
    counts = (
        ProviderProfile.objects.count(),
        ProviderService.objects.count(),
        CapacityUpdate.objects.count(),
    )
    organisations = {spec.key: Organisation.objects.get(name=spec.name) for spec in ORGANISATIONS}

    assert directory_demo_load(organisations=organisations) == 0
    assert counts == (
        len(PROVIDERS),
        sum(len(p.services) for p in PROVIDERS),
        sum(1 for p in PROVIDERS for s in p.services if s.capacity),
    )
    assert (
        ProviderProfile.objects.count(),
        ProviderService.objects.count(),
        CapacityUpdate.objects.count(),
    ) == counts
    zhan = ProviderService.objects.get(
        provider__organisation__name="Кризисный центр «Жан» (Шымкент)", service_type__key="shelter"
    )
    assert zhan.capacity_total == 12
    assert set(zhan.provider.services.values_list("service_type__key", flat=True)) >= {
        "shelter",
        "psychological",
        "legal",
        "medical",
    }
    assert all(p.email.endswith("example.org") for p in ProviderProfile.objects.all())
