"""Estimated overlap counts from field-level encodings (ADR 0010, amendment 2026-12-02 (c)).

The linking side receives `FieldEncoder` encodings only: a hardened Bloom filter of the name
and keyed tokens of the birth years, day/month and region. It never decides which two records
are the same child. For each ordered pair of organisations (A, B) it estimates how many of A's
children have a partner in B, and returns the mean of the two directions:

* candidate pairs: A's and B's name filters that LSH finds and that are at least NAME_FLOOR
  similar; a pair falls in a group (how many other persons of A have a name close to a's, and
  what a's birth data is), a name level, and a cell (how the birth data and region compare);
* u is measured, never fitted: the cells of a's namesakes that are not a's partner are
  distributed as a's birth data against all of B's (a decoy), and their region agrees as often
  as among candidates whose birth years are two or more apart (certainly not the same child),
  times how much more often an organisation's own namesakes agree in the same date cell
  (twins share date and home);
* each group has its own number of true pairs, m is shared (date cells by a's kind of birth
  data, times the region's; one distribution of name levels), m of "years two or more apart"
  is zero; EM on the counts, then each group's root unclipped. A count is never below zero.

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
    NAME_BYTES,
    SLOT_BYTES,
    SLOTS,
    Encoding,
    _candidate_arrays,
    dice_many,
)

# Bands of 20 sampled bits (the record-level linker uses 24): the name filter alone carries
# less than a record-level filter, and a true pair LSH misses is a child not counted. 80 bands
# (the record-level linker uses 40) find a pair at the floor's Dice of 0.8 with probability
# 0.60 and at 0.85 with 0.96 (40 bands: 0.37 and 0.79; ADR 0010 (d)).
LSH_BANDS = 80
LSH_BITS_PER_BAND = 20
# Dice of the balanced name filters below which a pair is not a candidate (on balanced filters
# Dice is 1 - Hamming distance / FILTER_BITS), and the edges of the name levels above it.
NAME_FLOOR = 0.8
NAME_LEVELS = (0.86, 0.9, 0.93, 0.965)
# A record's stratum: how many other persons of its own organisation have a name this close
# (how common the name is; independent of whether the record has a partner): none, one, two to
# five, six or more.
CLOSE_NAME = NAME_LEVELS[1]
NAMESAKE_STRATA = (0.5, 2.0, 6.0)
# Date cells: 0 either side without a year; 1 same year and day/month; 2 same year, day/month
# differ; 3 same year, one side without day/month; 4 a year apart, same day/month; 5 a year
# apart otherwise; 6 two or more years apart (taken as never the same child: m = 0).
DATE_CELLS = 7
APART = 6
# Kinds of a's birth data: 0 none, 1 a year only, 2 an interval of years, 3 a full date.
KINDS = 4
# Region: 0 differs, 1 agrees, 2 unknown (either side without one; as likely for the same child
# as for another, so it says nothing).
REGIONS = 3
REGION_PRIOR = 50.0  # pseudo-count pulling a group's region agreement to the pooled one
# Namesakes who share a birth date share a region more often than namesakes born years apart:
# twins (same surname, date and home) and siblings. Measured per date cell on pairs of one
# organisation's own persons, certainly not one child, relative to those two or more years
# apart; FAMILY_PRIOR pseudo-pairs pull a cell to "no difference" (ADR 0010 (d)).
FAMILY_PRIOR = 50.0
NO_APART_PAIRS_REGION_AGREES = 1 / 20  # the pooled rate when no pair is certainly apart: 20 regions
EM_ITERATIONS = 500
# A weak prior on m: PRIOR_PAIRS pseudo-pairs for each kind's date cells (how two records of one
# child usually compare, cells as DATE_CELLS) and as many for the region (known regions agree
# 80% of the time). It matters only when few children are shared: with none, m fitted to
# chance alone would turn chance agreements into children.
PRIOR_PAIRS = 50.0
PRIOR_DATES = np.array(
    [
        [1.0, 0, 0, 0, 0, 0, 0],  # no birth data: every pair is "either side without a year"
        [0.1, 0, 0, 0.75, 0, 0.15, 0],  # a year only
        [0.1, 0, 0, 0.7, 0, 0.2, 0],  # an interval
        [0.07, 0.55, 0.1, 0.2, 0.03, 0.05, 0],  # a full date
    ]
)
PRIOR_REGION_AGREES = 0.8


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
    index = {name: i for i, name in enumerate(organisations)}
    org = np.array([index[e.organisation] for e in items], dtype=np.int64)
    weight, person = _persons(items)
    names = np.frombuffer(b"".join(e.bits[:NAME_BYTES] for e in items), dtype=np.uint8)
    names = names.reshape(len(items), NAME_BYTES)
    fields = _fields(items)
    a, b = _candidate_arrays(names, LSH_BANDS, LSH_BITS_PER_BAND, 0)
    similarity = dice_many(names, a, b)
    # pairs of one organisation's different persons: certainly not one child
    own_persons = (org[a] == org[b]) & (person[a] != person[b])
    inside = own_persons & (similarity >= CLOSE_NAME)
    namesakes = np.bincount(a[inside], weights=weight[b[inside]], minlength=len(items))
    namesakes += np.bincount(b[inside], weights=weight[a[inside]], minlength=len(items))
    stratum = np.searchsorted(np.array(NAMESAKE_STRATA), namesakes, side="right")
    own = own_persons & (similarity >= NAME_FLOOR)
    family = _family_region_ratio(fields, a[own], b[own], weight[a[own]] * weight[b[own]])
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
                both.append(_directed(left, right, close, weight, stratum, fields, others, family))
            out[frozenset((first, organisations[j]))] = max(0.0, (both[0] + both[1]) / 2)
    return out


def _persons(items: Sequence[Encoding]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each record's weight (1 / its person's records) and a person number."""
    number: dict[tuple[str, str, str], int] = {}
    records: defaultdict[int, int] = defaultdict(int)
    person = np.empty(len(items), dtype=np.int64)
    for i, e in enumerate(items):
        # A label without a person is its own person, even if it reads like another's person.
        key = (
            (e.organisation, "person", e.person) if e.person else (e.organisation, "label", e.label)
        )
        person[i] = number.setdefault(key, len(number))
        records[int(person[i])] += 1
    return np.array([1.0 / records[int(p)] for p in person]), person


def _fields(items: Sequence[Encoding]) -> _Fields:
    slots = np.frombuffer(b"".join(e.bits[NAME_BYTES:] for e in items), dtype=">u8")
    slots = slots.reshape(len(items), SLOTS).astype(np.uint64)
    years, near_years = slots[:, :4], slots[:, 4:6]
    day_month, region = slots[:, 6], slots[:, 7]
    year_count = (years != 0).sum(axis=1)
    kind = np.where(year_count == 0, 0, np.where(year_count > 1, 2, np.where(day_month != 0, 3, 1)))
    return _Fields(years, near_years, day_month, region, kind)


def _family_region_ratio(
    f: _Fields, a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], pair_weight: Any
) -> np.ndarray[Any, Any]:
    """Per date cell: how much more often two different persons with close names agree on
    the region than such persons two or more years apart do (1 = no more often)."""
    known = (f.region[a] != 0) & (f.region[b] != 0)
    a, b, pair_weight = a[known], b[known], pair_weight[known]
    cell = date_cells(f, a, b)
    pairs = np.bincount(cell, weights=pair_weight, minlength=DATE_CELLS)
    agree = np.bincount(
        cell, weights=pair_weight * (f.region[a] == f.region[b]), minlength=DATE_CELLS
    )
    if pairs[APART] <= 0 or agree[APART] <= 0:
        return np.ones(DATE_CELLS)
    base = agree[APART] / pairs[APART]
    return (agree + FAMILY_PRIOR * base) / (pairs + FAMILY_PRIOR) / base


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


def cell_index(
    a: np.ndarray[Any, Any],
    b: np.ndarray[Any, Any],
    similarity: np.ndarray[Any, Any],
    stratum: np.ndarray[Any, Any],
    f: _Fields,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each pair's flat index into (group, name level, date cell x region), its group and
    its name level."""
    level = np.searchsorted(np.array(NAME_LEVELS), similarity, side="right")
    group = stratum[a] * KINDS + f.kind[a]
    unknown = (f.region[a] == 0) | (f.region[b] == 0)
    region = np.where(unknown, 2, f.region[a] == f.region[b]).astype(np.int64)
    cell = date_cells(f, a, b) * REGIONS + region
    return (group * (len(NAME_LEVELS) + 1) + level) * DATE_CELLS * REGIONS + cell, group, level


def _directed(
    a: np.ndarray[Any, Any],
    b: np.ndarray[Any, Any],
    similarity: np.ndarray[Any, Any],
    weight: np.ndarray[Any, Any],
    stratum: np.ndarray[Any, Any],
    f: _Fields,
    others: np.ndarray[Any, Any],
    family: np.ndarray[Any, Any],
) -> float:
    """How many of the records on the left (one organisation) have a partner on the right."""
    if not len(a):
        return 0.0
    pair_weight = weight[a] * weight[b]
    levels = len(NAME_LEVELS) + 1
    groups = (len(NAMESAKE_STRATA) + 1) * KINDS
    cells = DATE_CELLS * REGIONS
    at, group, level = cell_index(a, b, similarity, stratum, f)
    observed = np.bincount(at, weights=pair_weight, minlength=groups * levels * cells)
    observed = observed.reshape(groups, levels, cells)

    mine, where = np.unique(a, return_inverse=True)
    decoy_by_record = _decoy_dates(f, mine, others, weight)[where.ravel()]
    decoy = np.zeros((groups * levels, DATE_CELLS))
    for cell in range(DATE_CELLS):
        decoy[:, cell] = np.bincount(
            group * levels + level,
            weights=pair_weight * decoy_by_record[:, cell],
            minlength=groups * levels,
        )
    decoy /= np.maximum(decoy.sum(axis=1, keepdims=True), 1e-300)
    # How often a namesake's region is unknown: always when a's is, else B's share without one.
    weights_other = weight[others]
    without = weights_other[f.region[others] == 0].sum() / weights_other.sum()
    unknown_share = np.where(f.region[a] == 0, 1.0, without)
    at_level = group * levels + level
    unknown_at = np.bincount(
        at_level, weights=pair_weight * unknown_share, minlength=groups * levels
    ) / np.maximum(np.bincount(at_level, weights=pair_weight, minlength=groups * levels), 1e-300)
    # Region agreement of certain non-matches per stratum and level, pulled to the pooled one.
    apart = observed[:, :, APART * REGIONS : APART * REGIONS + 2]
    apart = apart.reshape(-1, KINDS, levels, 2).sum(axis=1)
    seen = apart.sum()
    pooled = apart[..., 1].sum() / seen if seen > 0 else NO_APART_PAIRS_REGION_AGREES
    rho = (apart[..., 1] + REGION_PRIOR * pooled) / (apart.sum(axis=2) + REGION_PRIOR)
    rho = np.repeat(rho, KINDS, axis=0).reshape(groups * levels)
    known = (1 - unknown_at)[:, None]
    agrees = np.minimum(rho[:, None] * family[None, :], 1.0)  # (group x level, date cell)
    region_u = np.stack(
        (known * (1 - agrees), known * agrees, np.repeat(1 - known, DATE_CELLS, 1)), 2
    )
    u = decoy[:, :, None] * region_u
    return _fit_true_pairs(observed, u.reshape(groups, levels, cells), np.arange(groups) % KINDS)


def _fit_true_pairs(
    observed: np.ndarray[Any, Any], u: np.ndarray[Any, Any], kind: np.ndarray[Any, Any]
) -> float:
    """EM for observed[g, l, c] = true[g] * level[l] * m[kind[g], c]
    + (total[g, l] - true[g] * level[l]) * u[g, l, c], with m = m_date[kind] x m_region and
    m_date[APART] = 0: the name levels of true pairs are the same in every group, so a group
    of common names far from a's cannot invent true pairs out of noise. Returns sum(true)."""
    total = observed.sum(axis=2)
    true = 0.3 * total.sum(axis=1)
    level_share = np.full(total.shape[1], 1.0 / total.shape[1])
    by_region = observed.reshape(*observed.shape[:2], DATE_CELLS, REGIONS).sum(axis=(0, 1, 2))
    unknown = by_region[2] / max(by_region.sum(), 1e-300)  # as likely for a true pair as any
    region_prior = PRIOR_PAIRS * np.array(
        [(1 - PRIOR_REGION_AGREES) * (1 - unknown), PRIOR_REGION_AGREES * (1 - unknown), unknown]
    )
    m: np.ndarray[Any, Any] = np.full((KINDS, DATE_CELLS, REGIONS), 1.0)
    m[:, APART, :] = 0.0
    m /= m.sum(axis=(1, 2), keepdims=True)
    for _ in range(EM_ITERATIONS):
        true_at_level = np.minimum(true[:, None] * level_share[None, :], 0.999 * total)
        numerator = true_at_level[:, :, None] * m.reshape(KINDS, -1)[kind][:, None, :]
        denominator = numerator + (total - true_at_level)[:, :, None] * u
        part = np.divide(
            observed * numerator, denominator, out=np.zeros_like(observed), where=denominator > 0
        )
        true = part.sum(axis=(1, 2))
        level_share = part.sum(axis=(0, 2)) / max(part.sum(), 1e-300)
        flat = np.zeros((KINDS, DATE_CELLS * REGIONS))
        np.add.at(flat, kind, part.sum(axis=1))
        per_kind = flat.reshape(KINDS, DATE_CELLS, REGIONS)
        date_share = per_kind.sum(axis=2) + PRIOR_PAIRS * PRIOR_DATES
        date_share /= date_share.sum(axis=1, keepdims=True)
        region_share = per_kind.sum(axis=(0, 1)) + region_prior
        region_share /= region_share.sum()
        m = date_share[:, :, None] * region_share[None, None, :]
    return float(_unclipped(observed, u, m.reshape(KINDS, -1)[kind], level_share, true).sum())


def _unclipped(
    observed: np.ndarray[Any, Any],
    u: np.ndarray[Any, Any],
    m: np.ndarray[Any, Any],
    level_share: np.ndarray[Any, Any],
    true: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """Each group's true pairs as the root of its likelihood score with m and u fixed, by
    Newton steps that may go below zero. EM cannot: a group with no true pair but a chance
    excess of agreements keeps a positive count, one with a chance shortfall stays at zero, and
    over many groups those clipped errors add up to children who are not there."""
    total = observed.sum(axis=2)
    # d mean / d true, per cell; a level without candidates has no cells to move
    slope = level_share[None, :, None] * (m[:, None, :] - u) * (total > 0)[:, :, None]
    base = total[:, :, None] * u
    estimate = true.copy()
    for _ in range(20):
        mean = base + estimate[:, None, None] * slope
        safe = np.maximum(mean, 1e-12)
        score = (observed * slope / safe).sum(axis=(1, 2)) - slope.sum(axis=(1, 2))
        information = (observed * slope**2 / safe**2).sum(axis=(1, 2))
        step = np.divide(score, information, out=np.zeros_like(score), where=information > 0)
        step = np.clip(step, -total.sum(axis=1), total.sum(axis=1))
        for _ in range(60):  # halve a step that would make a mean negative (or zero with counts)
            trial = base + (estimate + step)[:, None, None] * slope
            bad = ((trial < 0) | ((trial <= 0) & (observed > 0))).any(axis=(1, 2))
            if not bad.any():
                break
            step = np.where(bad, step / 2, step)
        estimate = estimate + np.where(bad, 0.0, step)
    # A group cannot hold more true pairs, or fewer than minus as many, than it has candidates.
    return np.clip(estimate, -total.sum(axis=1), total.sum(axis=1))
