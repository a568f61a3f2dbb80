"""The training API for the materials library (search, one material) and survey results.

Thin, like the pages: parse, call a selector, shape the answer. Signed-in callers only: the
public materials are also on the library page for anyone.
"""

# No `from __future__ import annotations` here: under @paginate, django-ninja must see the
# endpoint's annotations as real types, not strings.

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from qorgau.core.http import api_user
from qorgau.training import materials, surveys
from qorgau.training.models import Material, MaterialVersion, Sector
from qorgau.training.topics import topic_catalogue

router = Router(tags=["training"])

KindName = Literal["handbook", "brochure", "presentation", "video", "other"]
FormatName = Literal["standard", "easy_read", "large_print", "audio", "sign_language", "braille"]
SectorName = Literal[
    "law_enforcement",
    "justice",
    "social",
    "education",
    "health",
    "civil_society",
    "international",
    "government",
    "academia",
    "other",
]
assert set(KindName.__args__) == set(Material.Kind.values)  # type: ignore[attr-defined]
assert set(FormatName.__args__) == set(MaterialVersion.Format.values)  # type: ignore[attr-defined]
assert set(SectorName.__args__) == set(Sector.values)  # type: ignore[attr-defined]


class MaterialFilters(Schema):
    q: str = Field(default="", max_length=100, description="Part of the title or description.")
    topic: str | None = Field(default=None, description="Topic key, e.g. identification.")
    sector: SectorName | None = None
    kind: KindName | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$", description="e.g. kk")
    format: FormatName | None = None
    accessible: bool = Field(default=False, description="Only with an accessible format.")
    special_needs: bool = Field(
        default=False, description="Adapted for children with special needs."
    )


class VersionOut(Schema):
    id: int
    language: str
    format: str
    number: int
    is_link: bool
    content_type: str
    size: int
    url: str


class MaterialOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    topics: list[str]
    sectors: list[str]
    audience: str
    for_special_needs: bool
    is_public: bool
    owner: str
    versions: list[VersionOut]


def _version(version: MaterialVersion, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": version.pk,
        "language": version.language,
        "format": version.format,
        "number": version.number,
        "is_link": version.is_link,
        "content_type": version.content_type,
        "size": version.size,
        "url": request.build_absolute_uri(
            reverse("training:material_download", kwargs={"pk": version.pk})
        ),
    }


def _material(material: Material, request: HttpRequest) -> dict[str, Any]:
    versions = getattr(material, "current_versions", None)
    if versions is None:
        versions = list(material.versions.filter(superseded_at__isnull=True))
    return {
        "id": material.pk,
        "title": material.title,
        "kind": material.kind,
        "description": material.description,
        "topics": list(material.topics),
        "sectors": list(material.sectors),
        "audience": material.audience,
        "for_special_needs": material.for_special_needs,
        "is_public": material.is_public,
        "owner": material.owner.name,
        "versions": [_version(v, request) for v in versions],
    }


@router.get("/materials", response=list[MaterialOut])
@paginate(LimitOffsetPagination)
def material_search(request: HttpRequest, filters: Query[MaterialFilters]) -> Any:
    """Materials matching every filter given, with their current versions."""
    if filters.topic and topic_catalogue().get(filters.topic) is None:
        raise ValidationError({"topic": [_("Unknown key: %(key)s") % {"key": filters.topic}]})
    if filters.language and filters.language not in dict(materials.library_data().languages):
        raise ValidationError({"language": [_("Unknown key: %(key)s") % {"key": filters.language}]})
    found = materials.library_search(
        user=api_user(request),
        filters=materials.LibraryFilters(
            query=filters.q.strip(),
            topic=filters.topic or "",
            sector=filters.sector or "",
            kind=filters.kind or "",
            language=filters.language or "",
            format=filters.format or "",
            accessible=filters.accessible,
            special_needs=filters.special_needs,
        ),
    )
    return _ShapedQuerySet.wrap(found, request)


class _ShapedQuerySet:
    """Lets the paginator slice the queryset, then shapes only the page's rows."""

    def __init__(self, queryset: QuerySet[Material], request: HttpRequest) -> None:
        self.queryset, self.request = queryset, request

    @classmethod
    def wrap(cls, queryset: QuerySet[Material], request: HttpRequest) -> Any:
        return cls(queryset, request)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_material(m, self.request) for m in self.queryset[index]]


@router.get("/materials/{pk}", response=MaterialOut)
def material_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _material(materials.access_material(user=api_user(request), pk=pk), request)


class LikertOut(Schema):
    point: int
    label: str
    count: int


class QuestionResultOut(Schema):
    position: int
    kind: str
    text: str
    n: int
    mean: float | None
    share_agree: float | None
    counts: list[LikertOut]
    answers: list[str]


class SurveyResultsOut(Schema):
    survey: int
    event: int
    kind: str
    anonymous: bool
    respondents: int
    participants: int
    suppressed: bool
    open_answers_hidden: bool
    questions: list[QuestionResultOut]


@router.get("/surveys/{pk}/results", response=SurveyResultsOut)
def survey_results(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Per question: n, counts per point 1-5, mean and share of 4-5, or the open answers."""
    survey = surveys.access_survey(user=api_user(request), pk=pk, action="training.survey.results")
    results = surveys.survey_results_for(user=api_user(request), survey=survey)
    labels = dict(results.scale)
    return {
        "survey": survey.pk,
        "event": survey.event_id,
        "kind": survey.kind,
        "anonymous": survey.anonymous,
        "respondents": results.respondents,
        "participants": results.participants,
        "suppressed": results.suppressed,
        "open_answers_hidden": results.open_answers_hidden,
        "questions": [
            {
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "n": q.n,
                "mean": q.mean,
                "share_agree": q.share_agree,
                "counts": [
                    {"point": point, "label": labels[point], "count": count}
                    for point, count in sorted(q.counts.items())
                ],
                "answers": list(q.answers),
            }
            for q in results.questions
        ],
    }
