"""Demo materials library and surveys (idempotent: a second run adds nothing).

Materials: the handbooks, brochures and presentations the seeds mention (the 2012 Astana
conference called for prevention handbooks and brochures tailored to children with special
needs; the seminars' presentations), as link-only entries pointing to the publishers' public
pages, so no file is committed. Surveys: synthetic feedback answers for the 2016 series and the
2024 winter school, and a follow-up survey three months after the 2016 Almaty seminar.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from qorgau.accounts.models import Organisation
from qorgau.training import materials, surveys
from qorgau.training.models import (
    Event,
    Material,
    Registration,
    Survey,
    SurveyParticipation,
    SurveyQuestion,
)

OSCE = "https://www.osce.org/programme-office-in-astana"
OSCE_THB = "https://www.osce.org/combating-human-trafficking"
UNICEF = "https://www.unicef.org/kazakhstan/"
KAZNU = "https://www.kaznu.kz/"
NOTE = "Demo entry: the link opens the publisher's public page; the demo holds no files."


@dataclass(frozen=True)
class DemoMaterial:
    owner: str
    title: str
    kind: str
    description: str
    topics: tuple[str, ...]
    sectors: tuple[str, ...]
    audience: str
    special_needs: bool
    public: bool
    versions: tuple[tuple[str, str, str], ...]  # language, format, link
    events: tuple[str, ...] = ()


MATERIALS = (
    DemoMaterial(
        "osce-astana",
        "Preventing trafficking: a handbook for staff working with children with special needs",
        Material.Kind.HANDBOOK,
        "Called for at the 2012 Astana conference: prevention handbooks tailored to children "
        "with special needs, for orphanage, vocational-school and specialised-institution staff. "
        + NOTE,
        ("vulnerable_groups", "risk_factors", "identification"),
        ("education", "social", "health"),
        "orphanage and vocational-school staff, psychologists, teachers",
        True,
        True,
        (("ru", "standard", OSCE), ("kk", "standard", OSCE), ("kk", "large_print", OSCE)),
        ("osce-2012-astana-conference", "osce-2012-karaganda"),
    ),
    DemoMaterial(
        "feminist-league",
        "Staying safe: an easy-read brochure for children with special needs",
        Material.Kind.BROCHURE,
        "A brochure for children and young people with intellectual disabilities, in easy-read "
        "language with pictures, with a sign-language video and an audio version. " + NOTE,
        ("vulnerable_groups", "safe_migration"),
        ("education", "social"),
        "children with special needs, their teachers and carers",
        True,
        True,
        (
            ("kk", "easy_read", UNICEF),
            ("ru", "easy_read", UNICEF),
            ("ksl", "sign_language", UNICEF),
            ("kk", "audio", UNICEF),
        ),
        ("osce-2012-astana-conference",),
    ),
    DemoMaterial(
        "osce-astana",
        "Identifying child victims: police and NGO co-operation (seminar handbook)",
        Material.Kind.HANDBOOK,
        "Methods to identify child victims and standards of protection and assistance, from the "
        "2010 Almaty seminar for police officers and NGOs. " + NOTE,
        ("identification", "assistance_standards", "child_friendly_procedures"),
        ("law_enforcement", "civil_society"),
        "police officers, NGO outreach workers",
        False,
        True,
        (("ru", "standard", OSCE_THB), ("en", "standard", OSCE_THB)),
        ("osce-2010-almaty",),
    ),
    DemoMaterial(
        "osce-astana",
        "National and international standards of assistance to victims (seminar presentation)",
        Material.Kind.PRESENTATION,
        "Standards of assistance, rehabilitation and integration, and compensation for damages, "
        "as presented at the 2016 seminars for law-enforcement officers and social workers. "
        + NOTE,
        ("assistance_standards", "rehabilitation_reintegration", "compensation"),
        ("law_enforcement", "social"),
        "law-enforcement officers, social workers",
        False,
        False,
        (("ru", "standard", OSCE_THB), ("kk", "standard", OSCE_THB)),
        (
            "osce-2016-almaty",
            "osce-2016-astana",
            "osce-2016-karaganda",
            "osce-2016-kostanay",
            "osce-2016-shymkent",
        ),
    ),
    DemoMaterial(
        "kaznu-law",
        "International legal instruments for combating child trafficking (master class)",
        Material.Kind.PRESENTATION,
        "Master-class slides of the January 2024 winter school for young scientists. " + NOTE,
        ("legal_framework", "psea", "victims_rights"),
        ("academia", "justice"),
        "students, undergraduates and doctoral students",
        False,
        True,
        (("kk", "standard", KAZNU), ("ru", "standard", KAZNU), ("en", "standard", KAZNU)),
        ("kaznu-2024-winter-school",),
    ),
)


def _load_materials(organisations: dict[str, Organisation]) -> int:
    created = 0
    for spec in MATERIALS:
        owner = organisations[spec.owner]
        if Material.objects.filter(owner=owner, title=spec.title).exists():
            continue
        material = materials.material_create(
            actor=None,
            owner=owner,
            data=materials.MaterialData(
                title=spec.title,
                kind=spec.kind,
                description=spec.description,
                topics=spec.topics,
                sectors=spec.sectors,
                audience=spec.audience,
                for_special_needs=spec.special_needs,
                is_public=spec.public,
            ),
        )
        for language, format, url in spec.versions:
            materials.material_version_add(
                actor=None, material=material, language=language, format=format, external_url=url
            )
        for event in Event.objects.filter(code__in=spec.events):
            materials.material_attach(actor=None, material=material, event=event)
        created += 1
    return created


# --- surveys ------------------------------------------------------------------------------
OPEN_ANSWERS = {
    "feedback": (
        "Разбор кейсов и совместная работа с полицией",
        "Кейстерді топпен шешу",
        "Стандарты помощи и направление ребёнка в кризисный центр",
        "Больше времени на практику",
        "Материалы на казахском языке",
        "Индикаторлар тізімі өте пайдалы",
    ),
    "follow_up": (
        "Провели встречу с ювенальной полицией по выявлению",
        "Әріптестерге семинар өткіздім",
        "Не хватает контактов социальных служб в районе",
    ),
}


def _answer(survey: Survey, rng: random.Random, lean: float) -> dict[str, str]:
    answers: dict[str, str] = {}
    for question in SurveyQuestion.objects.filter(survey=survey):
        name = f"q{question.pk}"
        if question.kind == SurveyQuestion.Kind.LIKERT:
            answers[name] = str(min(5, max(1, round(rng.gauss(lean, 0.8)))))
        elif rng.random() < 0.4:
            answers[name] = rng.choice(OPEN_ANSWERS[survey.kind])
    return answers


def _fill(survey: Survey, *, share: float, lean: float, seed: str) -> int:
    if SurveyParticipation.objects.filter(survey=survey).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data)
    people = Registration.objects.filter(
        event_id=survey.event_id, status=Registration.Status.APPROVED
    ).order_by("pk")
    count = 0
    for person in people:
        if rng.random() >= share:
            continue
        surveys.survey_submit(
            survey=survey,
            registration=person,
            raw_answers=_answer(survey, rng, lean),
            language=person.language,
            today=survey.opens_on,
        )
        count += 1
    return count


def _load_surveys() -> int:
    answered = 0
    feedback = [
        "osce-2016-almaty",
        "osce-2016-astana",
        "osce-2016-karaganda",
        "osce-2016-kostanay",
        "osce-2016-shymkent",
        "kaznu-2024-winter-school",
    ]
    for event in Event.objects.filter(code__in=feedback).order_by("code"):
        survey = surveys.survey_prepare(actor=None, event=event, kind=Survey.Kind.FEEDBACK)
        answered += _fill(survey, share=0.85, lean=4.2, seed=f"feedback-{event.code}")
    almaty = Event.objects.filter(code="osce-2016-almaty").first()
    if almaty is not None:
        follow_up = surveys.survey_prepare(actor=None, event=almaty, kind=Survey.Kind.FOLLOW_UP)
        answered += _fill(follow_up, share=0.5, lean=3.6, seed="follow-up-osce-2016-almaty")
    return answered


@transaction.atomic
def training_resources_demo_load(*, organisations: dict[str, Organisation]) -> tuple[int, int]:
    """(materials created, survey answers created); both 0 on a second run."""
    return _load_materials(organisations), _load_surveys()
