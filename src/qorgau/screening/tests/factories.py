"""Factories for the identification module: catalogue documents, screenings and what follows.

Two kinds of helper live here:

- documents (``indicator_item``, ``catalogue_document``, ``pathway_step``): the plain data a
  system admin publishes, so the pure rules and the publishing services are tested on data
  the test can read in full;
- model factories (``ScreeningFactory`` and friends) that write rows directly, for the
  permission grid and the selectors, where going through ``screening_submit`` would hide
  which fact a cell depends on.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from qorgau.accounts.models import Organisation, Region
from qorgau.accounts.tests.factories import (
    OrganisationFactory,
    OrganisationTypeFactory,
    RegionFactory,
    UserFactory,
)
from qorgau.core.workspaces import real_workspace
from qorgau.screening.models import (
    Alert,
    Catalogue,
    Identification,
    Screening,
    VictimStatusDecision,
)
from qorgau.screening.services import ScreeningInput


# --- documents ----------------------------------------------------------------------------
def texts(english: str) -> dict[str, str]:
    """The same text in the three working languages (tagged, so each is non-empty)."""
    return {"kk": f"{english} (kk)", "ru": f"{english} (ru)", "en": english}


def indicator_item(
    key: str,
    *,
    list: str = "child_labour",
    dimension: str = "exploitation",
    strength: str = "medium",
    **extra: Any,
) -> dict[str, Any]:
    """One indicator as it appears in a catalogue document."""
    return {
        "key": key,
        "list": list,
        "dimension": dimension,
        "strength": strength,
        "label": texts(f"Label of {key}"),
        "question": texts(f"Question about {key}?"),
        "source": "test",
        "confidence": "test",
        **extra,
    }


# A small child-labour catalogue whose every key says what it is, so a test reads on its own.
SMALL_CATALOGUE = [
    indicator_item("deceived_job", dimension="deceptive_recruitment", strength="strong"),
    indicator_item("deceived_wages", dimension="deceptive_recruitment", strength="medium"),
    indicator_item("abducted", dimension="coercive_recruitment", strength="strong"),
    indicator_item("long_hours", dimension="exploitation", strength="strong"),
    indicator_item("no_pay", dimension="exploitation", strength="medium"),
    indicator_item("no_school", dimension="exploitation", strength="medium"),
    indicator_item("papers_taken", dimension="coercion_destination", strength="strong"),
    indicator_item("threats", dimension="coercion_destination", strength="strong"),
    indicator_item("unknown_area", dimension="vulnerability_destination", strength="medium"),
    indicator_item("economic_need", dimension="vulnerability_recruitment", strength="medium"),
    indicator_item("no_parents", list="unodc_child", dimension="child_signs", strength="sign"),
    indicator_item(
        "adult_deceived_job",
        list="adult_labour",
        dimension="deceptive_recruitment",
        strength="strong",
    ),
]


def catalogue_document(
    version: int = 1, items: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    """A catalogue document ready to publish (a fresh copy every call)."""
    return {
        "version": version,
        "published": "2026-01-15",
        "notes": f"Test catalogue v{version}",
        "lists": {"child_labour": texts("Children: labour")},
        "dimensions": {"exploitation": texts("Exploitation")},
        "indicators": [dict(item) for item in (items if items is not None else SMALL_CATALOGUE)],
        **extra,
    }


def large_catalogue_items(count: int) -> list[dict[str, Any]]:
    """``count`` distinct medium indicators spread over the six ILO dimensions."""
    dimensions = [
        "deceptive_recruitment",
        "coercive_recruitment",
        "vulnerability_recruitment",
        "exploitation",
        "coercion_destination",
        "vulnerability_destination",
    ]
    return [
        indicator_item(f"item_{n:04d}", dimension=dimensions[n % len(dimensions)])
        for n in range(count)
    ]


def pathway_step(key: str = "tell_guardianship", **overrides: Any) -> dict[str, Any]:
    """One valid pathway step (notifies the guardianship authority about a child of concern)."""
    return {
        "key": key,
        "when": {"outcome": ["concern", "strong_indication"], "child": True},
        "notify": "guardianship",
        "within_hours": 24,
        "action": texts(f"Do {key}"),
        "legal_basis": texts("Law No. 110-VIII, Art. 18"),
        **overrides,
    }


def screening_input(*, region: Region, catalogue_version: int = 1, **fields: Any) -> ScreeningInput:
    """What a worker enters: a child of about 14 screened an hour ago, unless told otherwise."""
    values: dict[str, Any] = {
        "screened_at": timezone.now() - timedelta(hours=1),
        "place": "Bus station",
        "child_name": "",
        "age_min": 13,
        "age_max": 15,
        **fields,
    }
    return ScreeningInput(catalogue_version=catalogue_version, region=region, **values)


def yes(*keys: str) -> dict[str, tuple[str, str]]:
    return {key: ("yes", "") for key in keys}


def no(*keys: str) -> dict[str, tuple[str, str]]:
    return {key: ("no", "") for key in keys}


# --- rows ---------------------------------------------------------------------------------
def organisation_of_type(
    type_key: str, region: Region | None = None, **kwargs: Any
) -> Organisation:
    return OrganisationFactory(
        type=OrganisationTypeFactory(key=type_key, name_en=type_key),
        region=region or RegionFactory(),
        **kwargs,
    )


class CatalogueFactory(DjangoModelFactory):
    class Meta:
        model = Catalogue
        django_get_or_create = ("version",)

    version = 1
    published_on = factory.LazyFunction(timezone.localdate)


class ScreeningFactory(DjangoModelFactory):
    """A submitted screening of a child (concern) in the organisation's region."""

    class Meta:
        model = Screening

    idempotency_key = factory.LazyFunction(uuid.uuid4)
    workspace = factory.LazyFunction(real_workspace)
    status = Screening.Status.SUBMITTED
    catalogue = factory.SubFactory(CatalogueFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    screened_by = factory.SubFactory(UserFactory)
    screened_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    region = factory.SelfAttribute("organisation.region")
    child_name = "Aigerim Test"
    age_min = 13
    age_max = 15
    submitted_at = factory.LazyFunction(timezone.now)
    is_child = True
    outcome = Screening.Outcome.CONCERN


class IdentificationFactory(DjangoModelFactory):
    class Meta:
        model = Identification

    screening = factory.SubFactory(ScreeningFactory)
    workspace = factory.SelfAttribute("screening.workspace")
    organisation = factory.SelfAttribute("screening.organisation")
    region = factory.SelfAttribute("screening.region")


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = Alert

    identification = factory.SubFactory(IdentificationFactory)
    workspace = factory.SelfAttribute("identification.workspace")
    organisation = factory.SubFactory(OrganisationFactory)
    step = factory.LazyFunction(lambda: pathway_step())
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))


class VictimStatusDecisionFactory(DjangoModelFactory):
    class Meta:
        model = VictimStatusDecision

    identification = factory.SubFactory(IdentificationFactory)
    workspace = factory.SelfAttribute("identification.workspace")
    status = VictimStatusDecision.Status.PRESUMED
    organisation = factory.SubFactory(OrganisationFactory)
    decided_by = factory.SubFactory(UserFactory)
    decided_on = factory.LazyFunction(timezone.localdate)
    legal_basis = "Law No. 110-VIII, Art. 16"
    reasons = "Recruited and exploited"
