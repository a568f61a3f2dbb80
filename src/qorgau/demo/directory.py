"""The service directory of the demo: profiles and services of the demo's providers.

Services, regions and capacities are plausible, not reported: the contacts are synthetic
(example.org addresses, +7 700 000 00 xx numbers). Loading is idempotent: a profile or a
service that exists is updated to these values, and a first capacity report is written only
for a service that has none.
"""

# ruff: noqa: E501 - the demo data below reads best one record per line

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.accounts.models import Organisation, Region
from qorgau.directory.models import CapacityUpdate, ProviderProfile, ProviderService, ServiceType
from qorgau.directory.services import service_types_load


@dataclass(frozen=True)
class DemoService:
    type_key: str
    regions: tuple[str, ...]
    eligibility: str = ""
    languages: str = ""
    capacity: tuple[int, int] | None = None  # (total, free)
    days_ago: int = 1  # when the capacity was last reported


@dataclass(frozen=True)
class DemoProvider:
    organisation: str  # key in demo/data.py ORGANISATIONS
    description: str
    phone: str
    email: str
    address: str
    opening_hours: str
    languages: str
    accessibility: str = ""
    services: tuple[DemoService, ...] = field(default_factory=tuple)


CHILDREN = (
    "Дети и подростки до 18 лет, пострадавшие от торговли людьми, и сопровождающие их родственники"
)

PROVIDERS = [
    DemoProvider(
        "shymkent-crisis",
        "Кризисный центр для детей и женщин, пострадавших от насилия и торговли людьми: временное проживание, психологическая, юридическая и медицинская помощь.",
        "+7 700 000 00 11",
        "zhan.shymkent@example.org",
        "г. Шымкент, ул. Примерная, 1",
        "Круглосуточно; приём документов пн–пт 9:00–18:00",
        "kk,ru,uz",
        "Первый этаж, пандус у входа",
        (
            DemoService("shelter", ("KZ-79", "KZ-61"), CHILDREN, capacity=(12, 3), days_ago=2),
            DemoService("psychological", ("KZ-79", "KZ-61"), CHILDREN),
            DemoService("legal", ("KZ-79",), CHILDREN),
            DemoService("medical", ("KZ-79",), CHILDREN),
            DemoService("social_household", ("KZ-79",), CHILDREN),
        ),
    ),
    DemoProvider(
        "pavlodar-crisis",
        "Кризисный центр: временное проживание и комплексная помощь пострадавшим от торговли людьми.",
        "+7 700 000 00 12",
        "umit.pavlodar@example.org",
        "г. Павлодар, ул. Примерная, 2",
        "Круглосуточно",
        "kk,ru",
        "",
        (
            DemoService("shelter", ("KZ-55",), CHILDREN, capacity=(8, 0), days_ago=6),
            DemoService("psychological", ("KZ-55",), CHILDREN),
            DemoService("pedagogical", ("KZ-55",), "Дети школьного возраста"),
            DemoService("labour", ("KZ-55",), "Подростки с 16 лет и взрослые родственники"),
        ),
    ),
    DemoProvider(
        "pavlodar-health",
        "Областная детская больница: медицинское обследование и лечение, в том числе по направлению кризисного центра.",
        "+7 700 000 00 13",
        "hospital.pavlodar@example.org",
        "г. Павлодар, ул. Примерная, 3",
        "Приёмный покой круглосуточно; консультации пн–пт 8:00–17:00",
        "kk,ru",
        "Лифт, палаты для детей с инвалидностью",
        (
            DemoService("medical", ("KZ-55",), "Дети до 18 лет", capacity=(40, 7), days_ago=1),
            DemoService("psychological", ("KZ-55",), "Дети до 18 лет"),
        ),
    ),
    DemoProvider(
        "almaty-ngo",
        "Общественный фонд: сопровождение детей и семей, психологическая помощь, юридические консультации, розыск семьи.",
        "+7 700 000 00 14",
        "amanat.almaty@example.org",
        "г. Алматы, ул. Примерная, 4",
        "Пн–сб 9:00–19:00; горячая линия круглосуточно",
        "kk,ru,en",
        "",
        (
            DemoService("psychological", ("KZ-75", "KZ-19"), CHILDREN),
            DemoService("legal", ("KZ-75", "KZ-19"), CHILDREN),
            DemoService(
                "family_tracing", ("KZ-75", "KZ-19", "KZ-79", "KZ-61"), CHILDREN, "kk,ru,en,uz,ky"
            ),
            DemoService("shelter", ("KZ-75",), "Девочки 12–17 лет", capacity=(6, 2), days_ago=12),
        ),
    ),
    DemoProvider(
        "feminist-league",
        "Общественное объединение: бесплатная юридическая помощь, представительство интересов пострадавших в уголовном процессе.",
        "+7 700 000 00 15",
        "legal@feminist-league.example.org",
        "г. Алматы, ул. Примерная, 5",
        "Пн–пт 10:00–18:00",
        "kk,ru,en",
        "",
        (
            DemoService(
                "legal_aid_in_proceedings",
                ("KZ-75", "KZ-19", "KZ-71"),
                "Пострадавшие и их законные представители",
            ),
            DemoService("legal", ("KZ-75",), "Пострадавшие и их семьи"),
        ),
    ),
    DemoProvider(
        "iom-kazakhstan",
        "Помощь в добровольном возвращении, розыске семьи и услуги переводчика для иностранных граждан.",
        "+7 700 000 00 16",
        "iom.astana@example.org",
        "г. Астана, ул. Примерная, 6",
        "Пн–пт 9:00–18:00",
        "kk,ru,en",
        "",
        (
            DemoService(
                "interpretation",
                ("KZ-71", "KZ-75", "KZ-79"),
                "Иностранные граждане и лица без гражданства",
                "ru,en,uz,ky,tg",
            ),
            DemoService(
                "family_tracing",
                ("KZ-71", "KZ-75", "KZ-79"),
                "Иностранные граждане, в том числе дети без сопровождения",
                "ru,en,uz,ky,tg",
            ),
            DemoService(
                "economic", ("KZ-71",), "Пострадавшие, возвращающиеся в страну происхождения"
            ),
        ),
    ),
]


@transaction.atomic
def directory_demo_load(*, organisations: dict[str, Organisation]) -> int:
    """Create or refresh the demo's provider profiles; returns how many were created."""
    service_types_load()
    types = {t.key: t for t in ServiceType.objects.all()}
    regions = {r.key: r for r in Region.objects.filter(valid_to__isnull=True)}
    now = timezone.now()
    created_count = 0
    for spec in PROVIDERS:
        profile, created = ProviderProfile.objects.update_or_create(
            organisation=organisations[spec.organisation],
            defaults={
                "description": spec.description,
                "phone": spec.phone,
                "email": spec.email,
                "address": spec.address,
                "opening_hours": spec.opening_hours,
                "languages": spec.languages,
                "accessibility": spec.accessibility,
                "is_listed": True,
            },
        )
        created_count += created
        for item in spec.services:
            service, _new = ProviderService.objects.update_or_create(
                provider=profile,
                service_type=types[item.type_key],
                defaults={"eligibility": item.eligibility, "languages": item.languages},
            )
            service.regions.set([regions[key] for key in item.regions])
            if item.capacity and not service.capacity_updates.exists():
                total, free = item.capacity
                at = now - timedelta(days=item.days_ago)
                CapacityUpdate.objects.create(
                    service=service, total=total, free=free, updated_at=at, note="demo"
                )
                ProviderService.objects.filter(pk=service.pk).update(
                    capacity_total=total, capacity_free=free, capacity_updated_at=at
                )
    return created_count
