"""The topic catalogue is complete in the three working languages."""

from __future__ import annotations

import re

from django.utils import translation

from qorgau.training.topics import topic_catalogue

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KAZAKH_ONLY = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
REQUIRED = {
    "identification",
    "assistance_standards",
    "legal_framework",
    "child_friendly_procedures",
    "rehabilitation_reintegration",
    "compensation",
    "psea",
    "safe_migration",
}


def test_the_catalogue_has_the_topics_the_field_trains_on():
    assert {topic.key for topic in topic_catalogue().topics} >= REQUIRED


def test_every_topic_is_named_in_kazakh_and_russian_cyrillic_and_in_english():
    for topic in topic_catalogue().topics:
        assert CYRILLIC.search(topic.names["kk"]), topic.key
        assert CYRILLIC.search(topic.names["ru"]), topic.key
        assert not CYRILLIC.search(topic.names["en"]), topic.key
        assert topic.names["kk"] != topic.names["ru"], topic.key


def test_the_kazakh_names_are_kazakh_not_russian():
    kazakh = " ".join(topic.names["kk"] for topic in topic_catalogue().topics)

    assert len(KAZAKH_ONLY.findall(kazakh)) > 20


def test_choices_are_named_in_the_active_language():
    with translation.override("kk"):
        kk = dict(topic_catalogue().choices())
    with translation.override("ru"):
        ru = dict(topic_catalogue().choices())

    assert kk["safe_migration"] == "Қауіпсіз көші-қон"
    assert ru["safe_migration"] == "Безопасная миграция"


def test_an_unknown_key_shows_as_itself():
    assert topic_catalogue().name("retired-topic") == "retired-topic"
