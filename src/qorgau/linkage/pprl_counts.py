"""Estimated overlap counts from field-level encodings (ADR 0010, amendment 2026-12-02 (c)).

The linking side receives `FieldEncoder` encodings only: a keyed Bloom filter of the name
and keyed tokens of the birth years, day/month and region. It never decides which two records
are the same child. For each ordered pair of organisations (A, B) it estimates how many of A's
children have a partner in B, and returns the mean of the two directions:

* candidate pairs: A's and B's name filters that LSH finds and that are at least NAME_FLOOR
  similar; a pair falls in a group (how many of B's names are close to a's, how close this
  one is, what a's birth data is) and a cell (how the birth data and region compare);
* u is measured, never fitted: the cells of a's namesakes that are not a's partner are
  distributed as a's birth data against all of B's (a decoy), and their region agrees as often
  as among candidates whose birth years are two or more apart (certainly not the same child);
* each group has its own number of true pairs, m is shared (date cells by a's kind of birth
  data, times the region's), m of "years two or more apart" is zero; both by EM on the counts.

Records an organisation knows to be one child share `Encoding.person`; each pair weighs
1 / (records of a's person x records of b's person), so a child counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .pprl import (
    LSH_BANDS,
    LSH_BITS_PER_BAND,
    NAME_BYTES,
    SLOT_BYTES,
    SLOTS,
    Encoding,
    _candidate_arrays,
    dice_many,
)

NAME_FLOOR = 0.7  # Dice of the name filters below which a pair is not a candidate
NAME_LEVELS = (0.8, 0.85, 0.9, 0.95)  # edges of the name similarity levels above the floor
CLOSE_NAME = NAME_LEVELS[1]  # how many of B's names are this close to a's: the group's stratum
NEIGHBOUR_STRATA = (1.5, 4.0, 12.0)  # edges of that (weighted) count
# Date cells: 0 either side without a year; 1 same year and day/month; 2 same year, day/month
# differ; 3 same year, one side without day/month; 4 a year apart, same day/month; 5 a year
# apart otherwise; 6 two or more years apart (taken as never the same child: m = 0).
DATE_CELLS = 7
APART = 6
# Kinds of a's birth data: 0 none, 1 a year only, 2 an interval of years, 3 a full date.
KINDS = 4
REGION_PRIOR = 50.0  # pseudo-count pulling a group's region agreement to the pooled one
EM_ITERATIONS = 500


@dataclass(frozen=True)
class _Fields:
    years: np.ndarray[Any, Any]  # (n, 4) year tokens of the birth interval, 0 = empty
    near_years: np.ndarray[Any, Any]  # (n, 2) the year before and after the interval
    day_month: np.ndarray[Any, Any]  # (n,) 0 = none
    region: np.ndarray[Any, Any]  # (n,) 0 = none
    kind: np.ndarray[Any, Any]  # (n,) KINDS


def estimate_overlap(encodings: Iterable[Encoding]) -> dict[frozenset[str], float]:
    """Estimated number of children shared by each pair of organisations:
    {frozenset({org_a, org_b}): estimate}, from `FieldEncoder` encodings alone."""
    items = list(encodings)
    if any(not isinstance(e, Encoding) for e in items):
        raise TypeError("the linking side accepts Encoding values only")
    if not items:
        return {}
    width = NAME_BYTES + SLOTS * SLOT_BYTES
    if any(len(e.bits) != width for e in items):
        raise ValueError("not field-level encodings of this version")
    organisations = sorted({e.organisation for e in items})
    org = np.array([organisations.index(e.organisation) for e in items], dtype=np.int64)
    weight = _person_weights(items)
    names = np.frombuffer(b"".join(e.bits[:NAME_BYTES] for e in items), dtype=np.uint8)
    names = names.reshape(len(items), NAME_BYTES)
    fields = _fields(items)
    a, b = _candidate_arrays(names, LSH_BANDS, LSH_BITS_PER_BAND, 0)
    similarity = dice_many(names, a, b)
    keep = (similarity >= NAME_FLOOR) & (org[a] != org[b])
    a, b, similarity = a[keep], b[keep], similarity[keep]
    out: dict[frozenset[str], float] = {}
    for i, first in enumerate(organisations):
        for j in range(i + 1, len(organisations)):
            both = []
            for x, y in ((i, j), (j, i)):
                forward = (org[a] == x) & (org[b] == y)
                backward = (org[b] == x) & (org[a] == y)
                left = np.concatenate((a[forward], b[backward]))
                right = np.concatenate((b[forward], a[backward]))
                close = np.concatenate((similarity[forward], similarity[backward]))
                others = np.flatnonzero(org == y)
                both.append(_directed(left, right, close, weight, fields, others))
            out[frozenset((first, organisations[j]))] = (both[0] + both[1]) / 2
    return out


def _person_weights(items: Sequence[Encoding]) -> np.ndarray[Any, Any]:
    records: defaultdict[tuple[str, str], int] = defaultdict(int)
    for e in items:
        records[(e.organisation, e.person or e.label)] += 1
    return np.array([1.0 / records[(e.organisation, e.person or e.label)] for e in items])


def _fields(items: Sequence[Encoding]) -> _Fields:
    slots = np.frombuffer(b"".join(e.bits[NAME_BYTES:] for e in items), dtype=">u8")
    slots = slots.reshape(len(items), SLOTS).astype(np.uint64)
    years, near_years = slots[:, :4], slots[:, 4:6]
    day_month, region = slots[:, 6], slots[:, 7]
    year_count = (years != 0).sum(axis=1)
    kind = np.where(year_count == 0, 0, np.where(year_count > 1, 2, np.where(day_month != 0, 3, 1)))
    return _Fields(years, near_years, day_month, region, kind)


def _shares(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Row by row: does a token of x (n, p) equal a token of y (n, q)? Zeros never match."""
    hit = np.zeros(len(x), dtype=bool)
    for p in range(x.shape[1]):
        for q in range(y.shape[1]):
            hit |= (x[:, p] == y[:, q]) & (x[:, p] != 0)
    return hit


def date_cells(f: _Fields, a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> Any:
    """The date cell (see DATE_CELLS) of each pair (a[p], b[p])."""
    missing = (f.kind[a] == 0) | (f.kind[b] == 0)
    same_year = _shares(f.years[a], f.years[b])
    near = _shares(f.years[a], np.concatenate((f.years[b], f.near_years[b]), axis=1))
    both_day = (f.day_month[a] != 0) & (f.day_month[b] != 0)
    same_day = both_day & (f.day_month[a] == f.day_month[b])
    cell = np.full(len(a), APART, dtype=np.int64)
    cell[near] = np.where(same_day[near], 4, 5)
    cell[same_year] = np.where(same_day[same_year], 1, np.where(both_day[same_year], 2, 3))
    cell[missing] = 0
    return cell


def _decoy_dates(
    f: _Fields, mine: np.ndarray[Any, Any], others: np.ndarray[Any, Any], weight: Any
) -> np.ndarray[Any, Any]:
    """For each record of `mine`, the weighted share of `others` in each date cell: where a
    namesake who is not the same child falls (its birth data is anyone's). The same cells as
    date_cells, computed from how the distinct year sets relate and from histograms of
    day/month per year set, so the cost does not grow with the records."""
    out = np.zeros((len(mine), DATE_CELLS))
    if not len(others):
        return out
    mine_years, mine_set = np.unique(f.years[mine], axis=0, return_inverse=True)
    other_keys = np.concatenate((f.years[others], f.near_years[others]), axis=1)
    other_years, other_set = np.unique(other_keys, axis=0, return_inverse=True)
    mine_set, other_set = mine_set.ravel(), other_set.ravel()
    day_months, day_index = np.unique(
        np.concatenate((f.day_month[mine], f.day_month[others])), return_inverse=True
    )
    day_index = day_index.ravel()
    mine_day, other_day = day_index[: len(mine)], day_index[len(mine) :]
    # mass[y, d]: share of the others with year set y and day/month d (d = 0: none, if present)
    mass = np.zeros((len(other_years), len(day_months)))
    np.add.at(mass, (other_set, other_day), weight[others])
    mass /= mass.sum()
    by_set = mass.sum(axis=1)
    none = np.flatnonzero(day_months == 0)
    with_day = by_set - (mass[:, none[0]] if len(none) else 0.0)
    left = np.repeat(np.arange(len(mine_years)), len(other_years))
    right = np.tile(np.arange(len(other_years)), len(mine_years))
    same = _shares(mine_years[left], other_years[right, :4]).reshape(len(mine_years), -1)
    near = _shares(mine_years[left], other_years[right]).reshape(len(mine_years), -1) & ~same
    known = (mine_years != 0).any(axis=1)[:, None] & (other_years[:, :4] != 0).any(axis=1)[None]
    same, near = (same & known).astype(float), (near & known).astype(float)
    has_day = day_months[mine_day] != 0
    same_total = (same @ by_set)[mine_set]
    same_day = np.where(has_day, (same @ mass)[mine_set, mine_day], 0.0)
    same_both = np.where(has_day, (same @ with_day)[mine_set], 0.0)
    near_total = (near @ by_set)[mine_set]
    near_day = np.where(has_day, (near @ mass)[mine_set, mine_day], 0.0)
    out[:, 0] = ((1 - known.astype(float)) @ by_set)[mine_set]
    out[:, 1] = same_day
    out[:, 2] = same_both - same_day
    out[:, 3] = same_total - same_both
    out[:, 4] = near_day
    out[:, 5] = near_total - near_day
    out[:, APART] = 1.0 - out[:, :APART].sum(axis=1)
    return np.maximum(out, 0.0)


def _directed(
    a: np.ndarray[Any, Any],
    b: np.ndarray[Any, Any],
    similarity: np.ndarray[Any, Any],
    weight: np.ndarray[Any, Any],
    f: _Fields,
    others: np.ndarray[Any, Any],
) -> float:
    """How many of the records on the left (one organisation) have a partner on the right."""
    if not len(a):
        return 0.0
    pair_weight = weight[a] * weight[b]
    levels = len(NAME_LEVELS) + 1
    level = np.searchsorted(np.array(NAME_LEVELS), similarity, side="right")
    close = np.bincount(a, weights=pair_weight * (similarity >= CLOSE_NAME), minlength=len(weight))
    stratum = np.searchsorted(np.array(NEIGHBOUR_STRATA), close / weight, side="right")
    kind = f.kind[a]
    group_of_level = stratum[a] * levels + level
    group = group_of_level * KINDS + kind
    groups = (len(NEIGHBOUR_STRATA) + 1) * levels * KINDS
    dates = date_cells(f, a, b)
    region = ((f.region[a] == f.region[b]) & (f.region[a] != 0)).astype(np.int64)
    cells = DATE_CELLS * 2
    observed = np.zeros((groups, cells))
    np.add.at(observed, (group, dates * 2 + region), pair_weight)

    mine, where = np.unique(a, return_inverse=True)
    decoy_by_record = _decoy_dates(f, mine, others, weight)
    decoy = np.zeros((groups, DATE_CELLS))
    np.add.at(decoy, group, pair_weight[:, None] * decoy_by_record[where.ravel()])
    decoy /= np.maximum(decoy.sum(axis=1, keepdims=True), 1e-300)
    # Region agreement of certain non-matches, per stratum and level, pooled when few.
    apart = observed[:, APART * 2 : APART * 2 + 2]
    by_level = np.arange(groups) // KINDS
    agree = np.bincount(by_level, weights=apart[:, 1], minlength=groups // KINDS)
    seen = np.bincount(by_level, weights=apart.sum(axis=1), minlength=groups // KINDS)
    pooled = agree.sum() / seen.sum() if seen.sum() > 0 else 0.05
    rho = ((agree + REGION_PRIOR * pooled) / (seen + REGION_PRIOR))[by_level]
    u = np.stack((decoy * (1 - rho)[:, None], decoy * rho[:, None]), axis=2).reshape(groups, cells)
    return _fit_true_pairs(observed, u, np.arange(groups) % KINDS)


def _fit_true_pairs(
    observed: np.ndarray[Any, Any], u: np.ndarray[Any, Any], kind: np.ndarray[Any, Any]
) -> float:
    """EM for: observed[g, c] = true[g] * m[kind[g], c] + (total[g] - true[g]) * u[g, c],
    m = m_date[kind] x m_region, m_date[APART] = 0. Returns the sum of true[g]."""
    total = observed.sum(axis=1)
    true = 0.3 * total
    m: np.ndarray[Any, Any] = np.full((KINDS, DATE_CELLS, 2), 1.0)
    m[:, APART, :] = 0.0
    m /= m.sum(axis=(1, 2), keepdims=True)
    for _ in range(EM_ITERATIONS):
        mk = m.reshape(KINDS, -1)[kind]
        numerator = true[:, None] * mk
        denominator = numerator + (total - true)[:, None] * u
        part = np.divide(
            observed * numerator, denominator, out=np.zeros_like(observed), where=denominator > 0
        )
        true = part.sum(axis=1)
        flat = np.zeros((KINDS, DATE_CELLS * 2))
        np.add.at(flat, kind, part)
        per_kind = flat.reshape(KINDS, DATE_CELLS, 2)
        date_share = per_kind.sum(axis=2)
        date_share /= np.maximum(date_share.sum(axis=1, keepdims=True), 1e-300)
        region_share = per_kind.sum(axis=(0, 1))
        region_share /= max(region_share.sum(), 1e-300)
        m = date_share[:, :, None] * region_share[None, None, :]
    return float(true.sum())
