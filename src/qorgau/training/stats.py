"""The figures of pre/post tests: knowledge gain and test quality. Pure Python, no Django.

Scores are on a 0-100 scale. Definitions follow shared design/DOMAIN.md ("How the field
measures training"):

- per participant Δ = post − pre, on **matched pairs** only (people who took both tests);
  people who took only one test are counted as attrition, never silently dropped;
- class normalised gain ⟨g⟩ = (⟨post⟩ − ⟨pre⟩) / (100 − ⟨pre⟩) (Hake), banded
  low < 0.3 ≤ medium ≤ 0.7 < high;
- average individual normalised gain = mean of gᵢ = (postᵢ − preᵢ) / (100 − preᵢ) over the
  participants whose pre-test was below 100 (gᵢ is undefined at 100; they are counted apart);
- effect size d = mean(Δ) / sd(Δ) with the sample standard deviation (n − 1), i.e. Cohen's
  d for paired data (d_z); undefined for fewer than two pairs or when every Δ is the same;
- item facility p = share of respondents who answered the item correctly (0-1);
- item discrimination D by the **upper-lower 27 % method**: the respondents are ranked by
  their total score, and D = p(upper 27 %) − p(lower 27 %); undefined below 4 respondents;
- internal consistency: Cronbach's α, which for items scored 0/1 is exactly KR-20; undefined
  for fewer than two items, fewer than two respondents or when every total is the same.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

GAIN_LOW_BELOW = 0.3
GAIN_HIGH_ABOVE = 0.7
FACILITY_RANGE = (0.3, 0.7)
DISCRIMINATION_MIN = 0.25
ALPHA_MIN = 0.7
UPPER_LOWER_SHARE = 0.27


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def gain_band(g: float | None) -> Band | None:
    """low < 0.3 ≤ medium ≤ 0.7 < high."""
    if g is None:
        return None
    if g < GAIN_LOW_BELOW:
        return Band.LOW
    if g > GAIN_HIGH_ABOVE:
        return Band.HIGH
    return Band.MEDIUM


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def _population_variance(values: Sequence[float]) -> float:
    m = sum(values) / len(values)
    return sum((v - m) ** 2 for v in values) / len(values)


@dataclass(frozen=True)
class Pair:
    key: Hashable
    pre: float
    post: float

    @property
    def delta(self) -> float:
        return self.post - self.pre

    @property
    def gain(self) -> float | None:
        """gᵢ; None when the pre-test was already 100."""
        return None if self.pre >= 100 else (self.post - self.pre) / (100 - self.pre)


@dataclass(frozen=True)
class Matched:
    pairs: tuple[Pair, ...]
    pre_only: int
    post_only: int

    @property
    def attrition(self) -> int:
        return self.pre_only + self.post_only


def match(pre: Mapping[Any, float], post: Mapping[Any, float]) -> Matched:
    """Pairs of the people who took both tests, and how many took only one of them."""
    both = [key for key in pre if key in post]
    pairs = tuple(Pair(key, float(pre[key]), float(post[key])) for key in both)
    return Matched(
        pairs=pairs,
        pre_only=sum(1 for key in pre if key not in post),
        post_only=sum(1 for key in post if key not in pre),
    )


def class_gain(pre_scores: Sequence[float], post_scores: Sequence[float]) -> float | None:
    """⟨g⟩ from the class means; None when there is nothing to gain (⟨pre⟩ = 100) or no data."""
    pre_mean, post_mean = mean(pre_scores), mean(post_scores)
    if pre_mean is None or post_mean is None or pre_mean >= 100:
        return None
    return (post_mean - pre_mean) / (100 - pre_mean)


def effect_size(deltas: Sequence[float]) -> float | None:
    """d = mean(Δ) / sd(Δ); None for fewer than two values or sd = 0."""
    sd = sample_sd(deltas)
    if sd is None or sd == 0:
        return None
    return sum(deltas) / len(deltas) / sd


@dataclass(frozen=True)
class Gain:
    n_pairs: int
    pre_only: int
    post_only: int
    mean_pre: float | None
    mean_post: float | None
    mean_delta: float | None
    sd_delta: float | None
    class_gain: float | None
    class_gain_band: Band | None
    average_individual_gain: float | None
    ceiling: int  # pairs left out of the average individual gain (pre-test = 100)
    effect_size: float | None


def gain(pre: Mapping[Any, float], post: Mapping[Any, float]) -> Gain:
    """Every knowledge-gain figure, computed on matched pairs only."""
    matched = match(pre, post)
    pairs = matched.pairs
    pre_scores = [p.pre for p in pairs]
    post_scores = [p.post for p in pairs]
    deltas = [p.delta for p in pairs]
    individual = [g for g in (p.gain for p in pairs) if g is not None]
    g = class_gain(pre_scores, post_scores)
    return Gain(
        n_pairs=len(pairs),
        pre_only=matched.pre_only,
        post_only=matched.post_only,
        mean_pre=mean(pre_scores),
        mean_post=mean(post_scores),
        mean_delta=mean(deltas),
        sd_delta=sample_sd(deltas),
        class_gain=g,
        class_gain_band=gain_band(g),
        average_individual_gain=mean(individual),
        ceiling=len(pairs) - len(individual),
        effect_size=effect_size(deltas),
    )


# --- item analysis --------------------------------------------------------------------------
def facility(item_scores: Sequence[float]) -> float | None:
    """Share answered correctly (mean item score, items scored 0-1)."""
    return mean(item_scores)


def discrimination(item_scores: Sequence[float], totals: Sequence[float]) -> float | None:
    """Upper-lower 27 %: p(upper group) − p(lower group), groups of round(0.27·n) ≥ 1 people.

    Ties in the total are broken by the order of the respondents, so the result is stable.
    """
    n = len(item_scores)
    if n != len(totals):
        raise ValueError("one total per respondent")
    if n < 4:
        return None
    size = max(1, round(UPPER_LOWER_SHARE * n))
    order = sorted(range(n), key=lambda i: totals[i])
    lower = [item_scores[i] for i in order[:size]]
    upper = [item_scores[i] for i in order[-size:]]
    return sum(upper) / size - sum(lower) / size


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """α = k/(k−1) · (1 − Σ var(item) / var(total)); equals KR-20 for 0/1 items.

    ``matrix`` has one row per respondent and one column per item.
    """
    if len(matrix) < 2:
        return None
    k = len(matrix[0])
    if any(len(row) != k for row in matrix):
        raise ValueError("every respondent needs a score for every item")
    if k < 2:
        return None
    totals = [sum(row) for row in matrix]
    total_variance = _population_variance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(_population_variance([row[j] for row in matrix]) for j in range(k))
    return k / (k - 1) * (1 - item_variance / total_variance)


@dataclass(frozen=True)
class ItemFigures:
    key: Hashable
    n: int
    facility: float | None
    discrimination: float | None

    @property
    def too_hard(self) -> bool:
        return self.facility is not None and self.facility < FACILITY_RANGE[0]

    @property
    def too_easy(self) -> bool:
        return self.facility is not None and self.facility > FACILITY_RANGE[1]

    @property
    def weak(self) -> bool:
        return self.discrimination is not None and self.discrimination < DISCRIMINATION_MIN

    @property
    def flagged(self) -> bool:
        return self.too_hard or self.too_easy or self.weak


@dataclass(frozen=True)
class ItemAnalysis:
    n: int
    items: tuple[ItemFigures, ...]
    alpha: float | None

    @property
    def alpha_ok(self) -> bool | None:
        return None if self.alpha is None else self.alpha >= ALPHA_MIN


def item_analysis(item_keys: Sequence[Hashable], matrix: Sequence[Sequence[float]]) -> ItemAnalysis:
    """Facility and discrimination of every item, and α of the whole form."""
    totals = [sum(row) for row in matrix]
    items = []
    for j, key in enumerate(item_keys):
        column = [row[j] for row in matrix]
        items.append(
            ItemFigures(
                key=key,
                n=len(column),
                facility=facility(column),
                discrimination=discrimination(column, totals),
            )
        )
    return ItemAnalysis(n=len(matrix), items=tuple(items), alpha=cronbach_alpha(matrix))
