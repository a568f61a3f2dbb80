"""Criminal Code articles that proceedings are opened under: versioned, translated data.

Articles live in ``data/criminal_code_articles.yaml`` and are read once per process. A
proceeding stores the articles' keys and the data version, so an old proceeding keeps its
articles' names after the list changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language

from qorgau.core.reference import ReferenceDataError, read_reference, translations


@dataclass(frozen=True)
class Article:
    key: str
    article: str
    names: dict[str, str]
    trafficking: bool
    check: str = ""

    @property
    def name(self) -> str:
        return self.names.get((get_language() or "kk")[:2]) or self.names["en"]

    @property
    def label(self) -> str:
        return f"{self.article} — {self.name}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class ArticleList:
    version: int
    articles: tuple[Article, ...]

    def get(self, key: str) -> Article | None:
        return next((article for article in self.articles if article.key == key), None)

    def labels(self, keys: list[str]) -> list[str]:
        """Each key's label in the active language; an unknown key as it is."""
        found = (self.get(key) for key in keys)
        return [a.label if a is not None else k for a, k in zip(found, keys, strict=True)]

    def choices(self) -> list[tuple[str, str]]:
        return [(article.key, article.label) for article in self.articles]


@cache
def criminal_code_articles() -> ArticleList:
    document = read_reference("qorgau.justice", "criminal_code_articles.yaml", "articles")
    articles = []
    for item in document.items:
        if not isinstance(item.get("trafficking"), bool):
            raise ReferenceDataError(f"{item['key']}: trafficking must be true or false")
        if not str(item.get("article", "")).strip():
            raise ReferenceDataError(f"{item['key']}: needs an article number")
        articles.append(
            Article(
                key=str(item["key"]),
                article=str(item["article"]),
                names=translations(item, "name"),
                trafficking=item["trafficking"],
                check=str(item.get("check", "")),
            )
        )
    return ArticleList(version=document.version, articles=tuple(articles))
