"""Synthetic organisations and one demo login per role. No real person or child is in here."""

from __future__ import annotations

from dataclasses import dataclass

from qorgau.accounts.roles import Role

DEMO_PASSWORD = "Qorgau-demo-2026"  # noqa: S105 - printed on purpose; the demo is not for real cases


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    type_key: str
    region_key: str
    parent: str | None = None


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    language: str


ORGANISATIONS = [
    DemoOrganisation(
        "ministry",
        "Министерство труда и социальной защиты населения РК",
        "social_protection",
        "KZ-71",
    ),
    DemoOrganisation(
        "kostanay-social",
        "Управление координации занятости и социальных программ Костанайской области",
        "social_protection",
        "KZ-39",
        "ministry",
    ),
    DemoOrganisation("pavlodar-school", "Школа-гимназия № 12 г. Павлодара", "school", "KZ-55"),
    DemoOrganisation(
        "pavlodar-guardianship",
        "Отдел опеки и попечительства Управления образования Павлодарской области",
        "guardianship",
        "KZ-55",
    ),
    DemoOrganisation("pavlodar-akimat", "Акимат Павлодарской области", "akimat", "KZ-55"),
    DemoOrganisation(
        "pavlodar-police", "Департамент полиции Павлодарской области", "police", "KZ-55"
    ),
    DemoOrganisation(
        "pavlodar-social",
        "Управление координации занятости и социальных программ Павлодарской области",
        "social_protection",
        "KZ-55",
    ),
    DemoOrganisation(
        "pavlodar-crisis", "Кризисный центр «Үміт» (Павлодар)", "crisis_centre", "KZ-55"
    ),
    DemoOrganisation("pavlodar-health", "Областная детская больница (Павлодар)", "health", "KZ-55"),
    DemoOrganisation("shymkent-police", "Департамент полиции города Шымкент", "police", "KZ-79"),
    DemoOrganisation("shymkent-prosecutor", "Прокуратура города Шымкент", "prosecutor", "KZ-79"),
    DemoOrganisation(
        "shymkent-crisis", "Кризисный центр «Жан» (Шымкент)", "crisis_centre", "KZ-79"
    ),
    DemoOrganisation("almaty-ngo", "ОФ «Аманат» (Алматы)", "ngo", "KZ-75"),
    DemoOrganisation(
        "almaty-academy", "Академия правоохранительных органов (Алматы)", "university", "KZ-75"
    ),
    # --- training: the organisers, co-organisers and donors named in the seed reports ---
    DemoOrganisation("osce-astana", "Программный офис ОБСЕ в Астане", "international_org", "KZ-71"),
    DemoOrganisation("us-embassy", "Посольство США в Казахстане", "embassy_donor", "KZ-71"),
    DemoOrganisation(
        "interior-ministry", "Министерство внутренних дел Республики Казахстан", "police", "KZ-71"
    ),
    DemoOrganisation(
        "children-rights-committee",
        "Комитет по охране прав детей Министерства образования и науки РК",
        "guardianship",
        "KZ-71",
    ),
    DemoOrganisation(
        "health-social-ministry",
        "Министерство здравоохранения и социального развития РК",
        "social_protection",
        "KZ-71",
    ),
    DemoOrganisation(
        "iom-kazakhstan",
        "Международная организация по миграции (МОМ) в Казахстане",
        "international_org",
        "KZ-71",
    ),
    DemoOrganisation("crisis-centres-union", "Союз кризисных центров Казахстана", "ngo", "KZ-75"),
    DemoOrganisation("feminist-league", "ОО «Феминистская лига»", "ngo", "KZ-75"),
    DemoOrganisation("winrock", "Winrock International (Казахстан)", "international_org", "KZ-75"),
    DemoOrganisation(
        "kaznu-law", "КазНУ им. аль-Фараби, кафедра международного права", "university", "KZ-75"
    ),
]

USERS = [
    DemoUser("frontline", "Айгерим", "Сатпаева", Role.FRONT_LINE, "pavlodar-school", "kk"),
    DemoUser("casemanager", "Даурен", "Омаров", Role.CASE_MANAGER, "kostanay-social", "ru"),
    DemoUser("supervisor", "Сауле", "Ибраева", Role.SUPERVISOR, "kostanay-social", "ru"),
    DemoUser("investigator", "Марат", "Жумабаев", Role.INVESTIGATOR, "shymkent-police", "ru"),
    DemoUser("prosecutor", "Ерлан", "Касымов", Role.PROSECUTOR, "shymkent-prosecutor", "ru"),
    DemoUser("provider", "Гульнара", "Ахметова", Role.PROVIDER_STAFF, "shymkent-crisis", "ru"),
    DemoUser(
        "guardianship",
        "Асель",
        "Нурланова",
        Role.GUARDIANSHIP_OFFICER,
        "pavlodar-guardianship",
        "kk",
    ),
    DemoUser("regional", "Нурлан", "Бекетов", Role.REGIONAL_COORDINATOR, "pavlodar-akimat", "kk"),
    DemoUser("national", "Дина", "Сериккызы", Role.NATIONAL_COORDINATOR, "ministry", "kk"),
    DemoUser("trainer", "Мадина", "Абенова", Role.TRAINER, "almaty-ngo", "en"),
    DemoUser("expert", "Болат", "Тулегенов", Role.EXPERT, "almaty-academy", "ru"),
    DemoUser("organiser", "Жанна", "Искакова", Role.TRAINING_ORGANISER, "osce-astana", "en"),
    DemoUser("donor", "Айнур", "Калиева", Role.DONOR_OFFICER, "us-embassy", "en"),
    DemoUser("auditor", "Тимур", "Алиев", Role.AUDITOR, "ministry", "ru"),
    DemoUser("orgadmin", "Алия", "Мусина", Role.ORG_ADMIN, "shymkent-crisis", "ru"),
    DemoUser("sysadmin", "Админ", "Системы", Role.SYSTEM_ADMIN, "ministry", "en"),
]
