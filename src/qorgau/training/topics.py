"""The topic catalogue of training sessions: versioned, translated reference data.

Topics live in ``data/topics.yaml`` and are read once per process; sessions store a topic's key,
so a report can group by topic and a retired topic keeps its name on old sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language

from qorgau.core.reference import ReferenceDataError, read_reference, translations


@dataclass(frozen=True)
class Topic:
    key: str
    names: dict[str, str]
    retired: bool = False

    @property
    def name(self) -> str:
        return self.names.get((get_language() or "kk")[:2]) or self.names["en"]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class TopicCatalogue:
    version: int
    topics: tuple[Topic, ...]

    def get(self, key: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.key == key), None)

    def name(self, key: str) -> str:
        """The topic's name in the active language; the bare key for an unknown one."""
        topic = self.get(key)
        return topic.name if topic is not None else key

    def choices(self) -> list[tuple[str, str]]:
        """Topics that new sessions may use, in catalogue order, named in the active language."""
        return [(topic.key, topic.name) for topic in self.topics if not topic.retired]


@cache
def topic_catalogue() -> TopicCatalogue:
    document = read_reference("qorgau.training", "topics.yaml", "topics")
    topics = []
    for item in document.items:
        if not isinstance(item.get("retired", False), bool):
            raise ReferenceDataError(f"{item['key']}: retired must be true or false")
        topics.append(
            Topic(
                key=str(item["key"]),
                names=translations(item, "name"),
                retired=bool(item.get("retired", False)),
            )
        )
    return TopicCatalogue(version=document.version, topics=tuple(topics))
