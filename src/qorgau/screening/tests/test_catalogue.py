"""The indicator catalogue as data: the packaged version, and the documents that are refused."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from qorgau.core.reference import LANGUAGES
from qorgau.screening.catalogue import (
    LISTS,
    SCORED_DIMENSIONS,
    SIGN_DIMENSIONS,
    CatalogueError,
    read_packaged_catalogue,
    validate_catalogue,
)
from qorgau.screening.tests.factories import catalogue_document, indicator_item, texts

PACKAGED = read_packaged_catalogue()
ITEMS = PACKAGED["indicators"]
ILO_LISTS = ("child_labour", "child_sexual", "adult_labour", "adult_sexual")


def _of(list_name: str) -> list[dict[str, Any]]:
    return [item for item in ITEMS if item["list"] == list_name]


# --- the packaged catalogue ---------------------------------------------------------------
def test_the_packaged_catalogue_validates():
    validate_catalogue(read_packaged_catalogue())


def test_it_reads_the_manifest_and_every_file_it_names_into_one_document():
    assert isinstance(PACKAGED["version"], int) and PACKAGED["version"] >= 1
    assert "files" not in PACKAGED
    assert set(PACKAGED) >= {"version", "published", "notes", "lists", "dimensions", "indicators"}


def test_it_has_the_five_lists_and_each_is_filled():
    counts = Counter(item["list"] for item in ITEMS)

    assert (
        set(counts)
        == set(LISTS)
        == {
            "child_labour",
            "child_sexual",
            "adult_labour",
            "adult_sexual",
            "unodc_child",
        }
    )
    assert all(counts[name] > 0 for name in LISTS), counts
    # the ILO/EC lists are long (dozens of items each); UNODC gives a dozen signs
    assert all(counts[name] >= 40 for name in ILO_LISTS), counts
    assert counts["unodc_child"] >= 8


def test_every_key_is_unique():
    keys = [item["key"] for item in ITEMS]

    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("list_name", ILO_LISTS)
def test_every_ilo_list_covers_the_six_dimensions(list_name):
    assert {item["dimension"] for item in _of(list_name)} == set(SCORED_DIMENSIONS)


@pytest.mark.parametrize("list_name", ["child_labour", "child_sexual"])
def test_a_child_list_can_reach_a_strong_indication(list_name):
    # recruitment and exploitation must each be able to turn positive
    strong = {item["dimension"] for item in _of(list_name) if item["strength"] == "strong"}

    assert "exploitation" in strong
    assert strong & {"deceptive_recruitment", "coercive_recruitment"}


def test_the_unodc_signs_are_signs_and_nothing_else_is():
    assert {item["strength"] for item in _of("unodc_child")} == {"sign"}
    assert {item["dimension"] for item in _of("unodc_child")} == set(SIGN_DIMENSIONS)
    signs_elsewhere = [
        item["key"]
        for item in ITEMS
        if item["list"] != "unodc_child" and item["strength"] == "sign"
    ]
    assert signs_elsewhere == []


@pytest.mark.parametrize("list_name", ["child_sexual", "adult_sexual"])
def test_every_sexual_exploitation_item_is_provisional(list_name):
    not_provisional = [
        item["key"] for item in _of(list_name) if item.get("provisional") is not True
    ]

    assert not_provisional == []


@pytest.mark.parametrize("list_name", ["child_labour", "adult_labour", "unodc_child"])
def test_labour_items_and_signs_are_not_provisional(list_name):
    provisional = [item["key"] for item in _of(list_name) if item.get("provisional")]

    assert provisional == []


def test_every_item_says_where_it_comes_from_and_how_sure_we_are():
    missing = [
        item["key"] for item in ITEMS if not item.get("source") or not item.get("confidence")
    ]

    assert missing == []


def test_every_item_has_a_label_and_a_question_in_each_language_really_translated():
    untranslated = [
        (item["key"], field)
        for item in ITEMS
        for field in ("label", "question")
        if item[field]["kk"] == item[field]["en"] or item[field]["ru"] == item[field]["en"]
    ]

    assert untranslated == []


def test_the_questions_are_questions():
    assert [
        item["key"] for item in ITEMS if not item["question"]["en"].rstrip().endswith("?")
    ] == []


def test_every_list_and_dimension_has_a_translated_name():
    for group, names in (("lists", LISTS), ("dimensions", SCORED_DIMENSIONS + SIGN_DIMENSIONS)):
        for name in names:
            labels = PACKAGED[group][name]
            assert all(str(labels[lang]).strip() for lang in LANGUAGES), (group, name)


# --- refusing a bad catalogue -------------------------------------------------------------
def _document_with(**item_fields: Any) -> dict[str, Any]:
    """A valid small catalogue whose second indicator is replaced by the given one."""
    document = catalogue_document()
    document["indicators"][1] = {**document["indicators"][1], **item_fields}
    return document


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


BAD: dict[str, Any] = {
    "not a mapping: a list": [indicator_item("a")],
    "not a mapping: text": "version: 2",
    "not a mapping: nothing": None,
    "no version": _without(catalogue_document(), "version"),
    "version zero": catalogue_document(version=0),
    "version negative": catalogue_document(version=-1),
    "version as text": catalogue_document(version="2"),
    "version fractional": catalogue_document(version=1.5),
    "version as a boolean": catalogue_document(version=True),
    "no indicators": _without(catalogue_document(), "indicators"),
    "empty indicators": catalogue_document(items=[]),
    "indicators not a list": {**catalogue_document(), "indicators": {"a": 1}},
    "an indicator not a mapping": {**catalogue_document(), "indicators": ["deceived?"]},
    "an indicator without key": {
        **catalogue_document(),
        "indicators": [_without(indicator_item("x"), "key")],
    },
    "duplicate key": catalogue_document(items=[indicator_item("same"), indicator_item("same")]),
    "unknown list": _document_with(list="child_begging"),
    "no list": {**catalogue_document(), "indicators": [_without(indicator_item("x"), "list")]},
    "unknown dimension": _document_with(dimension="transport"),
    "a sign dimension on an ILO list": _document_with(dimension="child_signs"),
    "an ILO dimension on the UNODC list": _document_with(
        list="unodc_child", dimension="exploitation", strength="sign"
    ),
    "unknown strength": _document_with(strength="very strong"),
    "no strength": {
        **catalogue_document(),
        "indicators": [_without(indicator_item("x"), "strength")],
    },
    "label without Kazakh": _document_with(label=_without(texts("Deceived"), "kk")),
    "label without Russian": _document_with(label=_without(texts("Deceived"), "ru")),
    "label without English": _document_with(label=_without(texts("Deceived"), "en")),
    "label blank in Kazakh": _document_with(label={**texts("Deceived"), "kk": " "}),
    "label as plain text": _document_with(label="Deceived"),
    "question without Kazakh": _document_with(question=_without(texts("Deceived?"), "kk")),
    "question without Russian": _document_with(question=_without(texts("Deceived?"), "ru")),
    "question without English": _document_with(question=_without(texts("Deceived?"), "en")),
    "no question": {
        **catalogue_document(),
        "indicators": [_without(indicator_item("x"), "question")],
    },
}


@pytest.mark.parametrize("document", BAD.values(), ids=BAD.keys())
def test_it_refuses_a_malformed_catalogue(document):
    with pytest.raises(CatalogueError):
        validate_catalogue(document)


def test_the_refusal_names_the_indicator_at_fault():
    with pytest.raises(CatalogueError, match="no_pay"):
        validate_catalogue(
            catalogue_document(
                items=[indicator_item("long_hours"), indicator_item("no_pay", strength="huge")]
            )
        )


def test_the_small_test_catalogue_is_valid():
    # The control for the refusals above: each breaks one thing in this document.
    validate_catalogue(catalogue_document())
    validate_catalogue(_document_with())
