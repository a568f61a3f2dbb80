"""The pure figures of pre/post tests, against values computed by hand, and their invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.training import stats
from qorgau.training.stats import Band

scores = st.floats(min_value=0, max_value=100, allow_nan=False)


# --- table tests (hand-computed) ------------------------------------------------------------
def test_gain_on_matched_pairs_with_attrition():
    pre = {"a": 40, "b": 60, "c": 50, "d": 30}  # d took only the pre-test
    post = {"a": 70, "b": 80, "c": 50, "e": 90}  # e took only the post-test
    g = stats.gain(pre, post)
    assert (g.n_pairs, g.pre_only, g.post_only) == (3, 1, 1)
    assert g.mean_pre == pytest.approx(50)
    assert g.mean_post == pytest.approx(200 / 3)
    # Δ = 30, 20, 0: mean 50/3, sd = sqrt(((40/3)² + (10/3)² + (50/3)²) / 2) = sqrt(700/3)
    assert g.mean_delta == pytest.approx(50 / 3)
    assert g.sd_delta == pytest.approx(math.sqrt(700 / 3))
    # ⟨g⟩ = (66.67 − 50) / (100 − 50) = 1/3
    assert g.class_gain == pytest.approx(1 / 3)
    assert g.class_gain_band is Band.MEDIUM
    # gᵢ = 30/60, 20/40, 0/50 → mean 1/3
    assert g.average_individual_gain == pytest.approx(1 / 3)
    assert g.effect_size == pytest.approx((50 / 3) / math.sqrt(700 / 3))  # ≈ 1.091


@pytest.mark.parametrize(
    ("g", "band"),
    [
        (None, None),
        (-0.2, Band.LOW),
        (0.29, Band.LOW),
        (0.3, Band.MEDIUM),
        (0.7, Band.MEDIUM),
        (0.71, Band.HIGH),
        (1.0, Band.HIGH),
    ],
)
def test_bands(g, band):
    assert stats.gain_band(g) is band


def test_a_perfect_pre_test_leaves_nothing_to_gain():
    g = stats.gain({"a": 100, "b": 100}, {"a": 100, "b": 90})
    assert g.class_gain is None
    assert g.average_individual_gain is None
    assert g.ceiling == 2


def test_effect_size_is_undefined_for_one_pair_or_no_spread():
    assert stats.effect_size([10]) is None
    assert stats.effect_size([10, 10, 10]) is None
    assert stats.effect_size([]) is None
    assert stats.effect_size([10, 20]) == pytest.approx(15 / math.sqrt(50))


def test_kr20_by_hand():
    # 4 people × 3 items; totals 3, 2, 1, 0; p = .5, .5, .5 → Σpq = .75; var(total) = 1.25
    matrix = [[1, 1, 1], [1, 1, 0], [0, 0, 1], [0, 0, 0]]
    alpha = stats.cronbach_alpha(matrix)
    assert alpha == pytest.approx(3 / 2 * (1 - 0.75 / 1.25))  # 0.6


def test_alpha_is_undefined_with_one_item_one_person_or_no_spread():
    assert stats.cronbach_alpha([[1], [0], [1]]) is None
    assert stats.cronbach_alpha([[1, 0, 1]]) is None
    assert stats.cronbach_alpha([[1, 0], [0, 1]]) is None  # every total is 1
    with pytest.raises(ValueError, match="every item"):
        stats.cronbach_alpha([[1, 0], [1]])


def test_discrimination_upper_lower_27_percent():
    # 10 people: groups of round(2.7) = 3. Totals rank people 0..9.
    totals = list(range(10))
    item = [0, 0, 1, 0, 1, 1, 0, 1, 1, 1]
    # lower 3 (0, 1, 2): 1/3 right; upper 3 (7, 8, 9): 3/3 → D = 2/3
    assert stats.discrimination(item, totals) == pytest.approx(2 / 3)
    assert stats.discrimination([1, 0, 1], [3, 2, 1]) is None  # fewer than 4


def test_item_analysis_flags_bad_questions():
    matrix = [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
        [1, 0, 1, 0],
        [1, 0, 0, 1],
        [1, 1, 0, 0],
    ]
    analysis = stats.item_analysis(["easy", "good", "mixed", "hard"], matrix)
    by_key = {item.key: item for item in analysis.items}
    assert by_key["easy"].facility == 1.0
    assert by_key["easy"].too_easy and by_key["easy"].flagged
    assert by_key["hard"].facility == pytest.approx(0.2)
    assert by_key["hard"].too_hard
    assert by_key["good"].facility == pytest.approx(0.6)
    assert analysis.n == 5


# --- invariants -------------------------------------------------------------------------------
@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=40))
def test_class_gain_is_at_most_one(pairs):
    g = stats.class_gain([p for p, _ in pairs], [q for _, q in pairs])
    assert g is None or g <= 1 + 1e-9
    assert stats.gain_band(g) in {None, Band.LOW, Band.MEDIUM, Band.HIGH}


@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=40), scores)
def test_a_participant_without_change_keeps_the_sign_of_the_mean_change(pairs, same):
    pre = {i: p for i, (p, _) in enumerate(pairs)}
    post = {i: q for i, (_, q) in enumerate(pairs)}
    before = stats.gain(pre, post).mean_delta
    pre["new"] = post["new"] = same
    after = stats.gain(pre, post).mean_delta
    assert before is not None and after is not None
    sign = (before > 1e-9) - (before < -1e-9)
    assert (after > 0 and sign == 1) or (after < 0 and sign == -1) or sign == 0
    assert abs(after) <= abs(before) + 1e-9


@given(st.lists(st.lists(st.integers(0, 1), min_size=1, max_size=1), min_size=1, max_size=30))
def test_alpha_is_undefined_for_fewer_than_two_items(matrix):
    assert stats.cronbach_alpha(matrix) is None


@given(
    st.integers(1, 8).flatmap(
        lambda k: st.lists(st.lists(st.integers(0, 1), min_size=k, max_size=k), min_size=1)
    )
)
def test_facility_is_a_share_and_discrimination_within_minus_one_one(matrix):
    analysis = stats.item_analysis(list(range(len(matrix[0]))), matrix)
    for item in analysis.items:
        assert item.facility is not None and 0 <= item.facility <= 1
        assert item.discrimination is None or -1 <= item.discrimination <= 1
    assert analysis.alpha is None or analysis.alpha <= 1 + 1e-9
