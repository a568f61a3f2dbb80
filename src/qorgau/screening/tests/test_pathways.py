"""Pathway rules: which next steps follow from a screening, and which rule documents are refused.

Read straight from the packaged data file, so a change to ``screening/data/pathways.yaml``
that breaks a pathway a front-line worker relies on fails here.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from importlib import resources
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.core.reference import LANGUAGES, read_reference
from qorgau.screening.models import ExploitationForm
from qorgau.screening.pathways import (
    OUTCOMES,
    Facts,
    PathwayRulesError,
    applicable_steps,
    validate_rules,
)
from qorgau.screening.tests.factories import pathway_step, texts


def _packaged() -> dict[str, Any]:
    text = resources.files("qorgau.screening").joinpath("data", "pathways.yaml").read_text("utf-8")
    return yaml.safe_load(text)


RULES = _packaged()
ORGANISATION_TYPES = {
    item["key"]
    for item in read_reference(
        "qorgau.accounts", "organisation_types.yaml", "organisation_types"
    ).items
}


def _facts(**overrides: Any) -> Facts:
    values: dict[str, Any] = {
        "outcome": "no_indication",
        "child": True,
        "unaccompanied": False,
        "foreign": False,
        "immediate_danger": False,
        "form": "labour",
        "region": "KZ-55",
        **overrides,
    }
    return Facts(**values)


def _keys(facts: Facts, document: dict[str, Any] = RULES) -> list[str]:
    return [step["key"] for step in applicable_steps(document, facts)]


# --- the packaged rules -------------------------------------------------------------------
def test_the_packaged_rules_are_valid():
    validate_rules(copy.deepcopy(RULES), ORGANISATION_TYPES)


@pytest.mark.parametrize("step", RULES["steps"], ids=lambda step: step["key"])
def test_every_packaged_step_notifies_a_known_body_by_a_deadline_on_a_legal_basis(step):
    assert step["notify"] in ORGANISATION_TYPES
    assert isinstance(step["within_hours"], int) and step["within_hours"] > 0
    for field in ("action", "legal_basis"):
        assert set(step[field]) >= set(LANGUAGES)
        assert all(step[field][lang].strip() for lang in LANGUAGES)
    # the Kazakh and Russian texts are translations, not the English copied across
    assert step["action"]["kk"] != step["action"]["en"]
    assert step["action"]["ru"] != step["action"]["en"]


def test_immediate_danger_means_calling_the_police_now_whatever_the_outcome():
    for outcome in sorted(OUTCOMES):
        for child in (True, False):
            keys = _keys(_facts(outcome=outcome, child=child, immediate_danger=True))
            assert keys[0] == "call_police_now"
    [step] = applicable_steps(RULES, _facts(child=False, immediate_danger=True))
    assert step["notify"] == "police"
    assert step["within_hours"] == 1


def test_a_concern_about_a_child_notifies_guardianship_and_asks_for_a_risk_assessment():
    assert _keys(_facts(outcome="concern")) == ["notify_guardianship", "assess_risk"]
    notified = {s["key"]: s["notify"] for s in applicable_steps(RULES, _facts(outcome="concern"))}
    assert notified == {"notify_guardianship": "guardianship", "assess_risk": "social_protection"}


def test_a_strong_indication_for_an_unaccompanied_foreign_child_sexually_exploited():
    facts = _facts(outcome="strong_indication", unaccompanied=True, foreign=True, form="sexual")

    assert _keys(facts) == [
        "notify_guardianship",
        "identify_police",
        "refer_social_services",
        "shelter_crisis_centre",
        "appoint_guardian",
        "foreign_child_no_return",
        "medical_psychological_help",
    ]


def test_a_strong_indication_for_a_child_at_home_in_labour():
    facts = _facts(outcome="strong_indication")

    assert _keys(facts) == [
        "notify_guardianship",
        "identify_police",
        "refer_social_services",
        "shelter_crisis_centre",
    ]


def test_a_strong_indication_for_an_adult_goes_to_the_authorized_bodies_only():
    facts = _facts(outcome="strong_indication", child=False, unaccompanied=True, foreign=True)

    assert _keys(facts) == ["identify_police", "refer_social_services"]


@pytest.mark.parametrize("child", [True, False])
@pytest.mark.parametrize("form", ExploitationForm.values)
def test_no_indication_leads_nowhere_unless_the_person_is_in_danger(child, form):
    calm = _facts(child=child, form=form, unaccompanied=True, foreign=True)
    danger = _facts(child=child, form=form, unaccompanied=True, foreign=True, immediate_danger=True)

    assert _keys(calm) == []
    assert _keys(danger) == ["call_police_now"]


facts_strategy = st.builds(
    Facts,
    outcome=st.sampled_from(sorted(OUTCOMES)),
    child=st.booleans(),
    unaccompanied=st.booleans(),
    foreign=st.booleans(),
    immediate_danger=st.booleans(),
    form=st.sampled_from(ExploitationForm.values),
    region=st.sampled_from(["KZ-55", "KZ-75", "KZ-10"]),
)


@settings(max_examples=200)
@given(facts_strategy)
def test_the_steps_come_in_the_document_order_each_once(facts):
    keys = _keys(facts)
    order = [step["key"] for step in RULES["steps"]]

    assert keys == [key for key in order if key in keys]
    assert len(keys) == len(set(keys))


@settings(max_examples=200)
@given(facts_strategy)
def test_a_child_of_concern_is_always_reported_to_guardianship(facts):
    keys = _keys(facts)

    if facts.child and facts.outcome != "no_indication":
        assert "notify_guardianship" in keys
    if facts.outcome == "strong_indication":
        assert "identify_police" in keys  # an authorized body decides victim status
    if facts.immediate_danger:
        assert "call_police_now" in keys


@settings(max_examples=200)
@given(facts_strategy)
def test_a_worse_outcome_never_drops_a_body_to_notify(facts):
    # Outcome-specific actions change (assess_risk gives way to identification), but every
    # body told about a concern is still told about a strong indication.
    concern = replace(facts, outcome="concern")
    strong = replace(facts, outcome="strong_indication")

    def bodies(f: Facts) -> set[str]:
        return {step["notify"] for step in applicable_steps(RULES, f)}

    assert bodies(concern) <= bodies(strong)


# --- conditions ---------------------------------------------------------------------------
def test_a_step_limited_to_regions_applies_only_there():
    document = {
        "steps": [
            pathway_step("everywhere", when={"child": True}),
            pathway_step("pavlodar_only", when={"child": True, "regions": ["KZ-55"]}),
            pathway_step("empty_list", when={"child": True, "regions": []}),
        ]
    }

    assert _keys(_facts(region="KZ-55"), document) == ["everywhere", "pavlodar_only", "empty_list"]
    assert _keys(_facts(region="KZ-75"), document) == ["everywhere", "empty_list"]


def test_every_condition_of_a_step_must_hold():
    step = pathway_step(
        "all",
        when={
            "outcome": ["concern"],
            "child": True,
            "unaccompanied": True,
            "foreign": False,
            "immediate_danger": False,
            "forms": ["begging", "labour"],
        },
    )
    document = {"steps": [step]}
    matching = _facts(outcome="concern", unaccompanied=True, form="begging")

    assert _keys(matching, document) == ["all"]
    for change in (
        {"outcome": "strong_indication"},
        {"child": False},
        {"unaccompanied": False},
        {"foreign": True},
        {"immediate_danger": True},
        {"form": "sexual"},
    ):
        assert _keys(replace(matching, **change), document) == [], change


def test_a_step_without_conditions_always_applies():
    document = {"steps": [pathway_step("always", when={}), pathway_step("also", when=None)]}

    assert _keys(_facts(), document) == ["always", "also"]


# --- refusing a bad rules document --------------------------------------------------------
def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


BAD_DOCUMENTS: dict[str, Any] = {
    "not a mapping": ["a list"],
    "no steps": {"version": 2},
    "steps not a list": {"steps": {"a": 1}},
    "a step not a mapping": {"steps": ["call the police"]},
    "a step without key": {"steps": [_without(pathway_step(), "key")]},
    "duplicate key": {"steps": [pathway_step("same"), pathway_step("same")]},
    "unknown condition": {"steps": [pathway_step(when={"outcome": ["concern"], "age": 12})]},
    "conditions not a mapping": {"steps": [pathway_step(when=["child"])]},
    "unknown outcome": {"steps": [pathway_step(when={"outcome": ["presumed_victim"]})]},
    "unknown organisation type": {"steps": [pathway_step(notify="ministry_of_magic")]},
    "no organisation type": {"steps": [_without(pathway_step(), "notify")]},
    "zero hours": {"steps": [pathway_step(within_hours=0)]},
    "negative hours": {"steps": [pathway_step(within_hours=-24)]},
    "fractional hours": {"steps": [pathway_step(within_hours=1.5)]},
    "hours as text": {"steps": [pathway_step(within_hours="24")]},
    "hours as a boolean": {"steps": [pathway_step(within_hours=True)]},
    "no deadline": {"steps": [_without(pathway_step(), "within_hours")]},
    "action without Kazakh": {"steps": [pathway_step(action=_without(texts("Go"), "kk"))]},
    "action without Russian": {"steps": [pathway_step(action=_without(texts("Go"), "ru"))]},
    "action without English": {"steps": [pathway_step(action=_without(texts("Go"), "en"))]},
    "action blank in Russian": {"steps": [pathway_step(action={**texts("Go"), "ru": "  "})]},
    "action as plain text": {"steps": [pathway_step(action="Call the police")]},
    "legal basis without Kazakh": {
        "steps": [pathway_step(legal_basis=_without(texts("Art. 16"), "kk"))]
    },
    "legal basis without Russian": {
        "steps": [pathway_step(legal_basis=_without(texts("Art. 16"), "ru"))]
    },
    "legal basis without English": {
        "steps": [pathway_step(legal_basis=_without(texts("Art. 16"), "en"))]
    },
    "no legal basis": {"steps": [_without(pathway_step(), "legal_basis")]},
}


@pytest.mark.parametrize("document", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_it_refuses_a_bad_rules_document(document):
    with pytest.raises(PathwayRulesError):
        validate_rules(document, ORGANISATION_TYPES)


def test_the_refusal_names_the_step_at_fault():
    document = {"steps": [pathway_step("fine"), pathway_step("late_step", within_hours=0)]}

    with pytest.raises(PathwayRulesError, match="late_step"):
        validate_rules(document, ORGANISATION_TYPES)


def test_a_minimal_valid_document_passes():
    # The control for the refusals above: the step they each break is valid as it stands.
    validate_rules({"steps": [pathway_step()]}, ORGANISATION_TYPES)
    validate_rules({"steps": [pathway_step(when=None)]}, ORGANISATION_TYPES)


def test_an_organisation_type_must_exist_where_the_rules_are_published():
    with pytest.raises(PathwayRulesError):
        validate_rules({"steps": [pathway_step(notify="guardianship")]}, {"police"})
