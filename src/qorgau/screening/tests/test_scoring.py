"""The scoring rule: the ILO/EC combination rule per dimension, the outcome, and who is a child.

Pure functions, so most of this file is tables and Hypothesis properties; no database.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qorgau.screening.catalogue import SCORED_DIMENSIONS, SIGN_DIMENSIONS
from qorgau.screening.scoring import (
    Outcome,
    Present,
    Score,
    Strength,
    age_on,
    dimension_is_positive,
    score,
    treated_as_child,
)

S, M, W, SIGN = Strength.STRONG, Strength.MEDIUM, Strength.WEAK, Strength.SIGN


# --- the combination rule -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("strengths", "positive"),
    [
        # the four combinations that make a dimension positive (ILO/EC 2009)
        ([S, S], True),
        ([S, M], True),
        ([S, W], True),
        ([M, M, M], True),
        ([M, M, W], True),
        # order does not matter, and more than enough is still enough
        ([W, M, M], True),
        ([M, S], True),
        ([S, S, S, M, W], True),
        ([M, M, M, M], True),
        ([W, W, M, M, W], True),
        # boundary negatives: one short of each combination
        ([], False),
        ([S], False),
        ([M], False),
        ([W], False),
        ([M, M], False),
        ([M, W], False),
        ([M, W, W], False),
        ([W, W], False),
        ([W, W, W], False),
        ([W, W, W, W, W], False),
        # signs never count, whatever they accompany
        ([SIGN], False),
        ([S, SIGN], False),
        ([M, M, SIGN], False),
        ([SIGN, SIGN, SIGN, SIGN], False),
        ([M, W, SIGN, SIGN], False),
    ],
    ids=lambda value: "-".join(s.value for s in value) if isinstance(value, list) else None,
)
def test_a_dimension_is_positive_exactly_on_the_ilo_combinations(strengths, positive):
    assert dimension_is_positive(strengths) is positive


# The rule restated independently: a dimension is positive when one of the listed
# combinations is contained in what was answered.
COMBINATIONS = [Counter(c) for c in ([S, S], [S, M], [S, W], [M, M, M], [M, M, W])]


def _contains_a_combination(strengths: list[Strength]) -> bool:
    answered = Counter(strengths)
    return any(all(answered[s] >= n for s, n in combo.items()) for combo in COMBINATIONS)


any_strength = st.sampled_from(list(Strength))


@settings(max_examples=200)
@given(st.lists(any_strength, max_size=8))
def test_the_rule_agrees_with_the_list_of_combinations(strengths):
    assert dimension_is_positive(strengths) is _contains_a_combination(strengths)


@settings(max_examples=200)
@given(st.lists(any_strength, max_size=8), any_strength)
def test_one_more_indicator_never_makes_a_dimension_negative(strengths, extra):
    if dimension_is_positive(strengths):
        assert dimension_is_positive([*strengths, extra])


def test_the_rule_reads_a_generator_once():
    assert dimension_is_positive(s for s in (S, M)) is True


# --- outcomes, by example -----------------------------------------------------------------
def _p(key: str, dimension: str, strength: Strength) -> Present:
    return Present(key, dimension, strength)


DECEIVED = _p("deceived_job", "deceptive_recruitment", S)
DECEIVED_WAGES = _p("deceived_wages", "deceptive_recruitment", M)
ABDUCTED = _p("abducted", "coercive_recruitment", S)
ABDUCTED_WEAK = _p("family_pressure", "coercive_recruitment", W)
HOURS = _p("long_hours", "exploitation", S)
NO_PAY = _p("no_pay", "exploitation", M)
PAPERS = _p("papers_taken", "coercion_destination", S)
THREATS = _p("threats", "coercion_destination", S)
UNKNOWN_AREA = _p("unknown_area", "vulnerability_destination", M)
DEPENDENT = _p("dependent", "vulnerability_destination", M)
ISOLATED = _p("isolated", "vulnerability_destination", W)
NEED = _p("economic_need", "vulnerability_recruitment", M)
NO_PARENTS = _p("no_parents", "child_signs", SIGN)
TOYS = _p("toys_in_workshop", "place_signs", SIGN)


@pytest.mark.parametrize(
    ("answered", "outcome", "drivers", "reasons"),
    [
        ([], Outcome.NO_INDICATION, set(), ()),
        # even one indicator, of any strength, in a child: concern
        ([NEED], Outcome.CONCERN, {"economic_need"}, ("child_any",)),
        ([ISOLATED], Outcome.CONCERN, {"isolated"}, ("child_any",)),
        ([NO_PARENTS], Outcome.CONCERN, {"no_parents"}, ("child_any",)),
        # recruitment and exploitation positive: presumed victim; no means are needed
        (
            [DECEIVED, DECEIVED_WAGES, HOURS, NO_PAY],
            Outcome.STRONG_INDICATION,
            {"deceived_job", "deceived_wages", "long_hours", "no_pay"},
            ("child_recruitment_for_exploitation",),
        ),
        # exploitation under coercion at destination, recruitment unknown: presumed victim
        (
            [HOURS, NO_PAY, PAPERS, THREATS],
            Outcome.STRONG_INDICATION,
            {"long_hours", "no_pay", "papers_taken", "threats"},
            ("child_exploitation_under_coercion",),
        ),
        # the drivers are the indicators of the dimensions that decided, not the bystanders
        (
            [DECEIVED, DECEIVED_WAGES, HOURS, NO_PAY, UNKNOWN_AREA, NO_PARENTS],
            Outcome.STRONG_INDICATION,
            {"deceived_job", "deceived_wages", "long_hours", "no_pay"},
            ("child_recruitment_for_exploitation",),
        ),
        # one element positive is a concern, not yet a presumed victim
        (
            [DECEIVED, DECEIVED_WAGES, HOURS],
            Outcome.CONCERN,
            {"deceived_job", "deceived_wages", "long_hours"},
            ("child_any",),
        ),
        (
            [HOURS, NO_PAY, UNKNOWN_AREA, DEPENDENT, ISOLATED],
            Outcome.CONCERN,
            {"long_hours", "no_pay", "unknown_area", "dependent", "isolated"},
            ("child_any",),
        ),
    ],
)
def test_a_child_scores_by_example(answered, outcome, drivers, reasons):
    result = score(answered, is_child=True)

    assert result.outcome is outcome
    assert result.is_child is True
    assert set(result.drivers) == drivers
    assert result.reasons == reasons


@pytest.mark.parametrize(
    ("answered", "outcome", "drivers"),
    [
        ([], Outcome.NO_INDICATION, set()),
        # a single medium or weak indicator, or a sign, is not enough for an adult
        ([NEED], Outcome.NO_INDICATION, set()),
        ([ISOLATED], Outcome.NO_INDICATION, set()),
        ([NO_PARENTS, TOYS], Outcome.NO_INDICATION, set()),
        ([DECEIVED_WAGES, NO_PAY], Outcome.NO_INDICATION, set()),
        # a single strong indicator is a concern
        ([PAPERS], Outcome.CONCERN, {"papers_taken"}),
        # any positive dimension is a concern
        (
            [UNKNOWN_AREA, DEPENDENT, ISOLATED],
            Outcome.CONCERN,
            {"unknown_area", "dependent", "isolated"},
        ),
        # recruitment and exploitation without a destination element: still only a concern
        (
            [DECEIVED, DECEIVED_WAGES, HOURS, NO_PAY],
            Outcome.CONCERN,
            {"deceived_job", "deceived_wages", "long_hours", "no_pay"},
        ),
        # all three elements: strong indication (coercion at destination)
        (
            [ABDUCTED, ABDUCTED_WEAK, HOURS, NO_PAY, PAPERS, THREATS],
            Outcome.STRONG_INDICATION,
            {"abducted", "family_pressure", "long_hours", "no_pay", "papers_taken", "threats"},
        ),
        # ... or abuse of vulnerability at destination as the destination element
        (
            [DECEIVED, DECEIVED_WAGES, HOURS, NO_PAY, UNKNOWN_AREA, DEPENDENT, ISOLATED, NEED],
            Outcome.STRONG_INDICATION,
            {
                "deceived_job",
                "deceived_wages",
                "long_hours",
                "no_pay",
                "unknown_area",
                "dependent",
                "isolated",
            },
        ),
    ],
)
def test_an_adult_scores_by_example(answered, outcome, drivers):
    result = score(answered, is_child=False)

    assert result.outcome is outcome
    assert result.is_child is False
    assert set(result.drivers) == drivers


def test_an_adult_concern_names_both_the_positive_dimension_and_a_lone_strong_indicator():
    result = score([UNKNOWN_AREA, DEPENDENT, ISOLATED, PAPERS], is_child=False)

    assert result.outcome is Outcome.CONCERN
    assert sorted(result.drivers) == ["dependent", "isolated", "papers_taken", "unknown_area"]
    assert len(result.drivers) == len(set(result.drivers))


def test_the_positive_dimensions_are_reported():
    result = score([DECEIVED, DECEIVED_WAGES, HOURS, NEED], is_child=True)

    assert result.positive_dimensions == frozenset({"deceptive_recruitment"})


def test_outcome_keys_are_the_stored_values():
    assert [o.key for o in Outcome] == ["no_indication", "concern", "strong_indication"]


# --- outcomes, as properties --------------------------------------------------------------
_scored_item = st.tuples(st.sampled_from(SCORED_DIMENSIONS), st.sampled_from([S, M, W]))
_sign_item = st.tuples(st.sampled_from(SIGN_DIMENSIONS), st.just(SIGN))
_item = st.one_of(_scored_item, _scored_item, _sign_item)


def _answers(pairs: list[tuple[str, Strength]], prefix: str = "k") -> list[Present]:
    return [
        Present(f"{prefix}{n}", dimension, strength)
        for n, (dimension, strength) in enumerate(pairs)
    ]


answers = st.lists(_item, max_size=14).map(_answers)
is_child = st.booleans()


@settings(max_examples=200)
@given(answers, _item, is_child)
def test_answering_one_more_indicator_yes_never_lowers_the_outcome(base, extra, child):
    more = [*base, Present("extra", *extra)]

    before, after = score(base, is_child=child), score(more, is_child=child)

    assert after.outcome >= before.outcome
    assert after.positive_dimensions >= before.positive_dimensions


@settings(max_examples=200)
@given(answers, st.lists(_item, max_size=6))
def test_answering_many_more_never_lowers_the_outcome(base, extra_pairs):
    more = base + _answers(extra_pairs, prefix="x")
    for person_is_child in (True, False):
        assert (
            score(more, is_child=person_is_child).outcome
            >= score(base, is_child=person_is_child).outcome
        )


@settings(max_examples=200)
@given(answers)
def test_the_child_rule_never_gives_less_than_the_adult_rule(answered):
    assert score(answered, is_child=True).outcome >= score(answered, is_child=False).outcome


@settings(max_examples=200)
@given(answers.filter(bool))
def test_any_indicator_in_a_child_is_at_least_a_concern(answered):
    assert score(answered, is_child=True).outcome >= Outcome.CONCERN


@settings(max_examples=200)
@given(answers, is_child)
def test_the_drivers_are_answered_indicators_and_explain_every_indication(answered, child):
    result = score(answered, is_child=child)

    assert set(result.drivers) <= {item.key for item in answered}
    assert len(result.drivers) == len(set(result.drivers))
    if result.outcome > Outcome.NO_INDICATION:
        assert result.drivers
        assert result.reasons
    else:
        assert result.drivers == ()


@settings(max_examples=200)
@given(answers, is_child)
def test_a_strong_indication_rests_on_positive_dimensions(answered, child):
    result = score(answered, is_child=child)

    if result.outcome is Outcome.STRONG_INDICATION:
        assert "exploitation" in result.positive_dimensions
        driving = {item.dimension for item in answered if item.key in result.drivers}
        assert driving <= result.positive_dimensions


@settings(max_examples=200)
@given(st.data(), answers, is_child)
def test_the_score_does_not_depend_on_the_order_of_the_answers(data, answered, child):
    shuffled = data.draw(st.permutations(answered))

    first, again, other = (
        score(answered, is_child=child),
        score(answered, is_child=child),
        score(shuffled, is_child=child),
    )

    assert first == again
    assert _comparable(first) == _comparable(other)


def _comparable(result: Score) -> tuple[object, ...]:
    return (
        result.outcome,
        result.is_child,
        result.positive_dimensions,
        frozenset(result.drivers),
        result.reasons,
    )


# --- who is a child -----------------------------------------------------------------------
ON = date(2026, 3, 10)


def _child(
    *,
    birth_date: date | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    declared_child: bool | None = None,
    signs_of_childhood: bool = False,
    on: date = ON,
) -> bool:
    return treated_as_child(
        birth_date=birth_date,
        age_min=age_min,
        age_max=age_max,
        declared_child=declared_child,
        signs_of_childhood=signs_of_childhood,
        on=on,
    )


@pytest.mark.parametrize(
    ("birth_date", "on", "child"),
    [
        (date(2008, 3, 11), ON, True),  # 17 years and 364 days
        (date(2008, 3, 10), ON, False),  # the 18th birthday
        (date(2008, 3, 9), ON, False),
        (date(2026, 3, 10), ON, True),  # born today
        # born on 29 February: 18 on 1 March of a common year, not on 28 February
        (date(2008, 2, 29), date(2026, 2, 28), True),
        (date(2008, 2, 29), date(2026, 3, 1), False),
        (date(2004, 2, 29), date(2022, 2, 28), True),
        (date(2004, 2, 29), date(2022, 3, 1), False),
        # a leap day on the other side: 17 on 29 February 2024 for someone born 1 March 2006
        (date(2006, 3, 1), date(2024, 2, 29), True),
        (date(2006, 2, 28), date(2024, 2, 29), False),
    ],
)
def test_a_known_birth_date_decides(birth_date, on, child):
    assert _child(birth_date=birth_date, on=on) is child


def test_a_birth_date_decides_over_everything_else():
    adult_birth_date = date(2000, 1, 1)
    child_birth_date = date(2015, 1, 1)

    assert (
        _child(birth_date=adult_birth_date, signs_of_childhood=True, age_min=10, age_max=12)
        is False
    )
    assert _child(birth_date=child_birth_date, declared_child=False, age_min=30, age_max=40) is True


@pytest.mark.parametrize(
    ("facts", "child"),
    [
        ({"age_min": 16, "age_max": 19}, True),  # straddles 18: presumed a child
        ({"age_min": 17, "age_max": 18}, True),
        ({"age_min": 17, "age_max": 17}, True),
        ({"age_max": 25}, True),  # no lower bound: could be a child
        ({"age_min": 18, "age_max": 22}, False),
        ({"age_min": 18}, False),
        ({"age_min": 19, "age_max": 22, "signs_of_childhood": True}, True),
        ({"age_min": 19, "age_max": 22, "declared_child": True}, True),
        ({"age_min": 15, "age_max": 17, "declared_child": False}, True),  # estimate wins
        ({}, True),  # nothing known: a child until shown otherwise
        ({"signs_of_childhood": True}, True),
        ({"declared_child": True}, True),
        ({"declared_child": False}, False),  # said to be an adult, nothing against it
        ({"declared_child": False, "signs_of_childhood": True}, True),
        ({"declared_child": False, "age_min": 20, "age_max": 30}, False),
    ],
)
def test_the_presumption_of_minority(facts, child):
    assert _child(**facts) is child


def _eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February: the day after 28 February
        return date(born.year + 18, 3, 1)


dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=200)
@given(dates, dates)
def test_age_on_agrees_with_counting_birthdays(born, on):
    assume(on >= born)
    assert (age_on(born, on) >= 18) is (on >= _eighteenth_birthday(born))
    assert age_on(born, born) == 0
    assert age_on(born, on + timedelta(days=366 * 2)) >= age_on(born, on) + 1


ages = st.none() | st.integers(min_value=0, max_value=120)


@settings(max_examples=200)
@given(st.none() | dates, ages, ages, st.sampled_from([None, True, False]), dates)
def test_signs_of_childhood_never_turn_a_child_into_an_adult(
    birth_date, age_min, age_max, declared_child, on
):
    without = _child(
        birth_date=birth_date,
        age_min=age_min,
        age_max=age_max,
        declared_child=declared_child,
        on=on,
    )
    with_signs = _child(
        birth_date=birth_date,
        age_min=age_min,
        age_max=age_max,
        declared_child=declared_child,
        signs_of_childhood=True,
        on=on,
    )

    if without:
        assert with_signs
    if birth_date is None:
        assert with_signs  # with no birth date, signs of childhood are enough


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=17), st.integers(min_value=0, max_value=120))
def test_an_estimate_that_reaches_below_18_is_a_child(low, high):
    assert _child(age_min=low, age_max=max(low, high), declared_child=False) is True
