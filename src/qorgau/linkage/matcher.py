"""Fellegi–Sunter matcher over canonical name keys, birth-date intervals, sex, region and other
fields. Plain Python: no Django, no pandas, no database.

    result = Matcher(MatcherConfig(threshold=0.9)).link(records)
    result.pairs            # scored candidate pairs (match weight and probability)
    result.clusters         # records of one child, by union-find over pairs above the threshold
    result.model.explain(a, b)   # per-field levels and weights, for the duplicate review page

1. Blocking: candidate pairs share, in either word order, a canonical key (or surname stem) of
   one name word and a key, a stem or a one-letter deletion of another word's skeleton (so one
   slip still meets); or the exact (or day/month-swapped) birth date and either the first
   letters of two name words or the key of one; or, when configured, an exact value of chosen
   other fields, or the birth date alone.
2. Comparison vectors (features.py): one level per field, from "same canonical key" down to
   "different", -1 where either record lacks the field.
3. Parameters from the data, without labels: u (how often non-matches reach each level) from
   random pairs; m (how often matches do) by expectation maximisation in two sessions, as Splink
   does, so that no field is estimated on pairs that were chosen for agreeing on it (or on
   something that implies it): pairs with the same birth date estimate the names, sex and the
   rest; candidate pairs whose surname and given name agree estimate the birth date and the rest
   (not sex, which a given name implies). The prior comes from the second session, divided by
   how often a match passes its rule.
4. Term-frequency adjustment: agreeing on a rare canonical key (or other value) weighs more than
   agreeing on a common one: the level's u is replaced by the key's frequency, as in Splink.
5. Match weight = log2 prior odds + sum of log2(m/u); probability = 2^w / (1 + 2^w).

Deterministic for a given seed and input order. Design and measurements: docs/adr/0008-matcher.md.
"""

from __future__ import annotations

import gc
import itertools
import math
import multiprocessing
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from qorgau.linkage import blocking, vectorised
from qorgau.linkage.blocking import BlockingStats, deletion_variants
from qorgau.linkage.features import (
    _NAME_CACHE,
    BIRTH_LEVELS,
    EQUALITY_LEVELS,
    JW_HIGH,
    JW_LOW,
    MISSING,
    NAME_EXACT,
    NAME_LEVELS,
    NAME_SHARED,
    OTHER_LEVELS,
    NameFeatures,
    Record,
    RecordFeatures,
    Token,
    as_record,
    birth_level,
    compare_names,
    name_features,
    normalise_value,
    other_level,
    record_features,
    record_names,
)

MATCHER_VERSION = 1

LinkType = Literal["dedupe", "link"]

# Fixed comparison order in every vector.
SURNAME, GIVEN, PATRONYMIC, BIRTH, SEX, REGION = range(6)
_FIXED = ("surname", "given name", "patronymic", "birth date", "sex", "region")


@dataclass(frozen=True)
class MatcherConfig:
    seed: int = 20261123
    # "dedupe": every pair of records; "link": only pairs from different sources.
    link_type: LinkType = "dedupe"
    # Clustering threshold on the match probability.
    threshold: float = 0.9
    # Other fields to compare (Record.other keys); None: every key seen in the records.
    other_fields: tuple[str, ...] | None = None
    # Other fields (Record.other keys, compared or not) whose exact values also make a candidate
    # pair: a field ("soc_sec_id") or a combination (("street_number", "address_1")).
    block_on_other: tuple[str | tuple[str, ...], ...] = ()
    # The same exact birth date alone also makes a candidate pair (for data whose names are too
    # damaged to block on; it adds many pairs).
    block_on_birth_date: bool = False
    # Blocks larger than this are skipped (a name so common that it carries no information).
    max_block_size: int = 1000
    # Random pairs for u, and the most pairs EM looks at in each session.
    u_pairs: int = 100_000
    em_pairs: int = 100_000
    em_max_iterations: int = 100
    em_tolerance: float = 1e-6
    term_frequency: bool = True
    # Pairs below this probability are counted as scored but not returned.
    keep_probability: float = 1e-3
    # Processes for large linkages (forked; 1 = all in this process): with 2, names are parsed
    # in two processes, the candidate pairs found in a second one while this one builds the
    # record table, u and EM session A, and the candidate pairs compared half and half.
    workers: int = 1


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    levels: tuple[str, ...]
    term_frequency: bool  # are the agreeing levels adjusted by the frequency of the value?


def comparison_specs(other_fields: Sequence[str]) -> tuple[ComparisonSpec, ...]:
    name_levels = tuple(level.format(high=JW_HIGH, low=JW_LOW) for level in NAME_LEVELS)
    return (
        ComparisonSpec("surname", name_levels, True),
        ComparisonSpec("given name", name_levels, True),
        ComparisonSpec("patronymic", name_levels, False),
        ComparisonSpec("birth date", BIRTH_LEVELS, False),
        ComparisonSpec("sex", EQUALITY_LEVELS, False),
        ComparisonSpec("region", EQUALITY_LEVELS, False),
        *(ComparisonSpec(name, OTHER_LEVELS, True) for name in other_fields),
    )


# --- Comparison vectors -----------------------------------------------------------------------

Vector = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PairComparison:
    vector: Vector
    # For each comparison: how many records carry the agreeing value (its term frequency), or 0.
    frequencies: tuple[int, ...]
    swapped: bool
    detail: tuple[str, ...]  # what was compared, for explanations


def _shared_frequency(x: Token, y: Token, counts: Mapping[str, int]) -> int:
    shared = x.all_keys & y.all_keys or {x.skeleton}
    return max(counts.get(key, 0) for key in shared)


def comparison_vector(
    a: RecordFeatures,
    b: RecordFeatures,
    key_counts: Mapping[str, int] | None = None,
    value_counts: Sequence[Mapping[str, int]] = (),
) -> tuple[Vector, tuple[tuple[int, int], ...]]:
    """The comparison vector, and (comparison, frequency) for the agreeing values that carry
    a term frequency (only when counts are given). The hot path of the matcher."""
    names = compare_names(a.names, b.names)
    vector: Vector = (
        names.surname,
        names.given,
        names.patronymic,
        birth_level(a.birth, b.birth),
        MISSING if a.sex is None or b.sex is None else int(a.sex != b.sex),
        MISSING if a.region is None or b.region is None else int(a.region != b.region),
        *(other_level(x, y) for x, y in zip(a.other, b.other, strict=True)),
    )
    frequencies: list[tuple[int, int]] = []
    if key_counts is not None:
        left, right = names.left, names.right
        if left is not None and right is not None:
            if names.swapped:
                pairs = ((left.surname, right.given), (left.given, right.surname))
            else:
                pairs = ((left.surname, right.surname), (left.given, right.given))
            for index, (x, y) in ((SURNAME, pairs[0]), (GIVEN, pairs[1])):
                if x is not None and y is not None and vector[index] in (NAME_EXACT, NAME_SHARED):
                    frequencies.append((index, _shared_frequency(x, y, key_counts)))
        for k, counts in enumerate(value_counts):
            index = len(_FIXED) + k
            if vector[index] == 0:
                frequencies.append((index, counts.get(a.other[k] or "", 0)))
    return vector, tuple(frequencies)


def compare(
    a: RecordFeatures,
    b: RecordFeatures,
    key_counts: Mapping[str, int] | None = None,
    value_counts: Sequence[Mapping[str, int]] = (),
    *,
    detail: bool = False,
) -> PairComparison:
    vector, found = comparison_vector(a, b, key_counts, value_counts)
    frequencies = [0] * len(vector)
    for index, frequency in found:
        frequencies[index] = frequency
    names = compare_names(a.names, b.names)
    texts: tuple[str, ...] = ()
    if detail:
        texts = _details(a, b, names.swapped, names.left is not None and names.right is not None)
    return PairComparison(vector, tuple(frequencies), names.swapped, texts)


def _details(a: RecordFeatures, b: RecordFeatures, swapped: bool, named: bool) -> tuple[str, ...]:
    names = compare_names(a.names, b.names)
    left, right = names.left, names.right

    def show(x: Token | None, y: Token | None) -> str:
        if x is None or y is None:
            return f"{x.text if x else '—'} / {y.text if y else '—'}"
        shared = sorted((x.keys | x.stems) & (y.keys | y.stems))
        keys = f" (shared: {', '.join(shared)})" if shared else ""
        return f"{x.text} [{x.skeleton}] / {y.text} [{y.skeleton}]{keys}"

    if named and left is not None and right is not None:
        surname = show(left.surname, right.given if swapped else right.surname)
        given = show(left.given, right.surname if swapped else right.given)
        if swapped:
            surname += " (order swapped)"
        patronymic = show(left.patronymic, right.patronymic)
    else:
        surname = given = patronymic = "—"

    def birth_text(f: RecordFeatures) -> str:
        if f.birth is None:
            return "—"
        if f.birth.written is not None:
            return f.birth.written.isoformat()
        interval = f.birth.intervals[0]
        kind = "1 January placeholder" if f.birth.placeholder else "estimate"
        return f"{interval.earliest.isoformat()}..{interval.latest.isoformat()} ({kind})"

    return (
        surname,
        given,
        patronymic,
        f"{birth_text(a)} / {birth_text(b)}",
        f"{a.sex or '—'} / {b.sex or '—'}",
        f"{a.region or '—'} / {b.region or '—'}",
        *(f"{x or '—'} / {y or '—'}" for x, y in zip(a.other, b.other, strict=True)),
    )


# --- Blocking ---------------------------------------------------------------------------------


def blocking_keys(
    features: RecordFeatures,
    block_on_other: Sequence[str | tuple[str, ...]] = (),
    birth_date: bool = False,
) -> set[str]:
    """Keys under which a record is filed; two records sharing one become a candidate pair.

    Order-free, for every ordered pair of distinct name words: a key (or stem) of one word with
    a key, a stem or a one-letter deletion of the other's skeleton, so that one slip in the
    other word still meets. With the exact (or day/month-swapped) birth date: the first letters
    of two words, for slips in both; and each word's keys, which candidate_pairs uses only when
    one of the two names has a single word."""
    keys: set[str] = set()
    letters: set[str] = set()
    words: set[str] = set()
    for name in features.names:
        name_keys, first_letters, word_keys = name_blocking_keys(name.text, name.script)
        keys |= name_keys
        letters |= first_letters
        words |= word_keys
    birth = features.birth
    if birth is not None and birth.written is not None:
        days = [birth.written.isoformat()]
        if birth.swapped is not None:
            days.append(birth.swapped.isoformat())
        for day in days:
            keys.update(f"d|{day}|{pair}" for pair in letters)
            keys.update(f"k|{day}|{key}" for key in words)
    if birth_date and birth is not None and birth.written is not None:
        keys.add(f"b|{birth.written.isoformat()}")
    other = features.record.other
    for index, fields in enumerate(block_on_other):
        names = (fields,) if isinstance(fields, str) else fields
        values = [normalise_value(other.get(name)) for name in names]
        if all(values):
            keys.add(f"o{index}|" + "|".join(v or "" for v in values))
    return keys


_NameKeys = tuple[frozenset[str], frozenset[str], frozenset[str]]
_BLOCKING_CACHE: dict[tuple[str, str | None], _NameKeys] = {}


def name_blocking_keys(text: str, script: str | None) -> _NameKeys:
    """The blocking keys of one written name, the first letters of its word pairs, and the keys
    and stems of its words."""
    cached = _BLOCKING_CACHE.get((text, script))
    if cached is None:
        if len(_BLOCKING_CACHE) >= 500_000:
            _BLOCKING_CACHE.clear()
        cached = _BLOCKING_CACHE[(text, script)] = _name_blocking_keys(text, script)
    return cached


def _name_blocking_keys(text: str, script: str | None) -> _NameKeys:
    name = name_features(text, script)
    tokens = list({word.skeleton: word for word in name.words}.values())
    keys: set[str] = set()
    own = [t.all_keys for t in tokens]
    variants = [deletion_variants(t) | own[j] for j, t in enumerate(tokens)]
    letters: set[str] = set()
    for i, left in enumerate(own):
        for j, right in enumerate(variants):
            if i == j:
                continue
            keys.update(f"v|{k}|{x}" for k in left for x in right)
            if i < j:
                pair = sorted((tokens[i].skeleton[:1], tokens[j].skeleton[:1]))
                letters.add(pair[0] + pair[1])
    return frozenset(keys), frozenset(letters), frozenset(k for ks in own for k in ks)


def candidate_pairs(
    features: Sequence[RecordFeatures],
    config: MatcherConfig,
    other_fields: Sequence[str],
    stats: BlockingStats | None = None,
) -> list[int]:
    """Candidate pairs as sorted integers i * n + j (i < j), deterministic."""
    return [int(x) for x in _candidate_pairs(features, config, stats)]


def _candidate_pairs(
    features: Sequence[RecordFeatures],
    config: MatcherConfig,
    stats: BlockingStats | None = None,
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The pairs of `blocking_keys`, with every key as a 64-bit code, found per group of
    records whose names give the same keys (blocking.py)."""
    return blocking.candidate_pairs(
        features,
        link_only=config.link_type == "link",
        block_on_other=config.block_on_other,
        block_on_birth_date=config.block_on_birth_date,
        max_block_size=config.max_block_size,
        stats=stats,
    )


# --- Parameter estimation ---------------------------------------------------------------------


@dataclass
class ModelParameters:
    specs: tuple[ComparisonSpec, ...]
    m: list[list[float]]
    u: list[list[float]]
    prior: float  # probability that two random records are the same child
    # Records carrying each canonical name key, and each value of each other field; records total.
    key_counts: dict[str, int] = field(default_factory=dict)
    value_counts: list[dict[str, int]] = field(default_factory=list)
    records: int = 0
    em_sessions: list[dict[str, Any]] = field(default_factory=list)

    def weight(self, comparison: int, level: int) -> float:
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": MATCHER_VERSION,
            "comparisons": [
                {"name": s.name, "levels": list(s.levels), "term_frequency": s.term_frequency}
                for s in self.specs
            ],
            "m": self.m,
            "u": self.u,
            "prior": self.prior,
            "records": self.records,
            "em_sessions": self.em_sessions,
        }


def _initial_m(levels: int) -> list[float]:
    raw = [0.5**level for level in range(levels)]
    total = sum(raw)
    return [x / total for x in raw]


def _level_frequencies(
    vectors: Iterable[tuple[Vector, int]], specs: Sequence[ComparisonSpec]
) -> list[list[float]]:
    counts = [[0.0] * len(s.levels) for s in specs]
    for vector, count in vectors:
        for k, level in enumerate(vector):
            if level != MISSING:
                counts[k][level] += count
    result = []
    for row in counts:
        # Half a pair for a level never seen, so that no weight is infinite.
        smoothed = [c if c else 0.5 for c in row]
        total = sum(smoothed)
        result.append([c / total for c in smoothed])
    return result


def expectation_maximisation(
    patterns: Mapping[Vector, int],
    m: list[list[float]],
    u: Sequence[Sequence[float]],
    active: Sequence[int],
    prior: float = 0.1,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> tuple[list[list[float]], float, int]:
    """EM for m and the share of matches among the given pairs, u held fixed. Only the `active`
    comparisons take part: the others were used to choose the pairs. Returns (m, prior,
    iterations). Works on distinct vectors with their counts, so it is fast at any size."""
    m = [list(row) for row in m]
    items = sorted(patterns.items())
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        log_u = [[math.log(x) for x in row] for row in u]
        log_m = [[math.log(max(x, 1e-12)) for x in row] for row in m]
        base = math.log(prior / (1 - prior))
        expected = [[0.0] * len(row) for row in m]
        matched = 0.0
        total = 0
        for vector, count in items:
            log_odds = base
            for k in active:
                level = vector[k]
                if level != MISSING:
                    log_odds += log_m[k][level] - log_u[k][level]
            p = 1.0 / (1.0 + math.exp(-log_odds)) if log_odds > -700 else 0.0
            weight = p * count
            matched += weight
            total += count
            for k in active:
                level = vector[k]
                if level != MISSING:
                    expected[k][level] += weight
        new_prior = min(max(matched / total, 1e-9), 1 - 1e-9) if total else prior
        change = abs(new_prior - prior)
        for k in active:
            row_total = sum(expected[k])
            if row_total <= 0:
                continue
            new_row = [max(x / row_total, 1e-9) for x in expected[k]]
            change = max(change, *(abs(x - y) for x, y in zip(new_row, m[k], strict=True)))
            m[k] = new_row
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, iterations


# --- The matcher ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredPair:
    left: str  # record ids
    right: str
    match_weight: float
    probability: float


@dataclass(frozen=True)
class FieldContribution:
    field: str
    level: str  # the level's label, or "missing"
    compared: str  # what was compared
    m: float | None
    u: float | None
    weight: float  # log2(m/u), 0 when missing
    term_frequency_adjustment: float  # extra weight for a rare (negative: common) agreeing value


@dataclass(frozen=True)
class Explanation:
    left: str
    right: str
    prior_weight: float
    fields: tuple[FieldContribution, ...]
    match_weight: float
    probability: float

    def lines(self) -> list[str]:
        out = [f"prior: {self.prior_weight:+.2f}"]
        for c in self.fields:
            tf = (
                f" (term frequency {c.term_frequency_adjustment:+.2f})"
                if c.term_frequency_adjustment
                else ""
            )
            out.append(f"{c.field}: {c.level} — {c.compared}: {c.weight:+.2f}{tf}")
        out.append(f"match weight {self.match_weight:+.2f}, probability {self.probability:.4f}")
        return out


@dataclass
class Model:
    """A fitted model: parameters plus the features of the records it was fitted on."""

    config: MatcherConfig
    parameters: ModelParameters
    other_fields: tuple[str, ...]

    def features(self, record: Record | Mapping[str, object]) -> RecordFeatures:
        return record_features(as_record(record), self.other_fields)

    def _adjustment(self, k: int, level: int, frequency: int) -> float:
        p = self.parameters
        if not (self.config.term_frequency and p.specs[k].term_frequency and frequency):
            return 0.0
        if level != 0 and not (k in (SURNAME, GIVEN) and level == NAME_SHARED):
            return 0.0
        u_tf = max(frequency / max(p.records, 1), 1.0 / max(p.records, 1))
        return math.log2(p.u[k][level] / u_tf)

    def match_weight(self, comparison: PairComparison) -> float:
        p = self.parameters
        total = math.log2(p.prior / (1 - p.prior))
        for k, level in enumerate(comparison.vector):
            if level != MISSING:
                total += p.weight(k, level) + self._adjustment(k, level, comparison.frequencies[k])
        return total

    def compare(
        self, a: RecordFeatures, b: RecordFeatures, *, detail: bool = False
    ) -> PairComparison:
        p = self.parameters
        return compare(a, b, p.key_counts, p.value_counts, detail=detail)

    def explain(
        self, a: Record | Mapping[str, object], b: Record | Mapping[str, object]
    ) -> Explanation:
        """Why two records do (or do not) look like one child: each field's level, its m and u,
        its weight and its term-frequency adjustment."""
        fa, fb = self.features(a), self.features(b)
        comparison = self.compare(fa, fb, detail=True)
        p = self.parameters
        prior_weight = math.log2(p.prior / (1 - p.prior))
        fields = []
        for k, level in enumerate(comparison.vector):
            spec = p.specs[k]
            if level == MISSING:
                fields.append(
                    FieldContribution(spec.name, "missing", comparison.detail[k], None, None, 0, 0)
                )
                continue
            fields.append(
                FieldContribution(
                    spec.name,
                    spec.levels[level],
                    comparison.detail[k],
                    p.m[k][level],
                    p.u[k][level],
                    p.weight(k, level),
                    self._adjustment(k, level, comparison.frequencies[k]),
                )
            )
        weight = self.match_weight(comparison)
        return Explanation(
            fa.record.id, fb.record.id, prior_weight, tuple(fields), weight, _probability(weight)
        )


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0**weight
    return odds / (1.0 + odds)


@dataclass
class LinkResult:
    model: Model
    pairs: list[ScoredPair]  # kept pairs (probability >= keep_probability), best first
    clusters: list[list[str]]  # every record in exactly one cluster, ids sorted
    pairs_scored: int
    stats: dict[str, Any]


class Matcher:
    def __init__(self, config: MatcherConfig | None = None) -> None:
        self.config = config or MatcherConfig()

    def link(self, records: Iterable[Record | Mapping[str, object]]) -> LinkResult:
        """Fit the model on the records, score their candidate pairs, cluster them."""
        # The linkage makes millions of small objects and no reference cycles: the cyclic
        # garbage collector would only rescan them (ADR 0017). Restored as it was on the way out.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._link(records)
        finally:
            if collecting:
                gc.enable()

    def _link(self, records: Iterable[Record | Mapping[str, object]]) -> LinkResult:
        config = self.config
        rows = list(records)
        # Forked processes start parsing their share of the names at once, reading the written
        # names from the rows themselves, while this one turns the rows into records.
        parsing = _start_parsing_names(rows, config.workers)
        try:
            return self._link_records(rows, parsing)
        finally:
            for forked in parsing:
                forked.close()

    def _link_records(
        self, rows: Sequence[Record | Mapping[str, object]], parsing: Sequence[_InFork]
    ) -> LinkResult:
        config = self.config
        recs = [as_record(r) for r in rows]
        ids = [r.id for r in recs]
        if len(set(ids)) != len(ids):
            raise ValueError("record ids must be unique")
        other_fields = (
            config.other_fields
            if config.other_fields is not None
            else tuple(sorted({k for r in recs for k in r.other}))
        )
        seconds: dict[str, float] = {}
        cpu_seconds: dict[str, float] = {}  # this process's CPU (not forked workers')
        clock, cpu_clock = time.perf_counter(), time.process_time()

        def lap(stage: str) -> None:
            nonlocal clock, cpu_clock
            now, cpu_now = time.perf_counter(), time.process_time()
            seconds[stage] = round(now - clock, 3)
            cpu_seconds[stage] = round(cpu_now - cpu_clock, 3)
            clock, cpu_clock = now, cpu_now

        if config.workers > 1:
            _parse_names_in_parallel(recs, config.workers, parsing)
            lap("names parsed in parallel")
        # The candidate pairs take a process of their own (it builds the records' features
        # again, which is quicker than sending them) while this one prepares everything that
        # does not need them: the record table, u and the pairs of EM session A.
        forked = None
        if config.workers > 1 and len(recs) >= _PARALLEL_BLOCKING:
            forked = _InFork(_blocked, recs, config)
        try:
            features = [record_features(r, other_fields) for r in recs]
            specs = comparison_specs(other_fields)
            n = len(features)
            stats: dict[str, Any] = {"records": n, "seconds": seconds, "cpu_seconds": cpu_seconds}

            key_counts: Counter[str] = Counter()
            for f in features:
                key_counts.update(f.name_keys)
            value_counts = [
                dict(Counter(value for f in features if (value := f.other[k])))
                for k in range(len(other_fields))
            ]
            lap("record features")
            table = vectorised.RecordTable(features)
            lap("record table")

            params = ModelParameters(
                specs=specs,
                m=[_initial_m(len(s.levels)) for s in specs],
                u=[],
                prior=1e-4,
                key_counts=dict(key_counts),
                value_counts=value_counts,
                records=n,
            )
            rng = random.Random(config.seed)  # noqa: S311 - sampling, not secrets
            params.u = _estimate_u(table, features, specs, config, rng)
            lap("u from random pairs")
            # EM session A: pairs with the same exact birth date.
            session_a = _compare_all(table, features, _same_date_pairs(features, config, rng))
            lap("EM session A pairs")

            if forked is not None:
                pairs, blocking_stats = forked.result()
                lap("blocking (waited for)")
            else:
                pairs, blocking_stats = _blocked(recs, config, features)
                lap("blocking")
        finally:
            if forked is not None:
                forked.close()
        stats["candidate_pairs"] = len(pairs)
        stats["blocking"] = vars(blocking_stats)

        # Compare every candidate pair once; EM session B and the scores reuse the vectors.
        compared = _compare_all(table, features, pairs, params, config.workers)
        lap("comparing candidate pairs")
        self._fit_m(features, params, session_a.counts(), compared, config, rng, stats)
        model = Model(config, params, other_fields)
        lap("m by EM")

        rank = _id_ranks(ids)
        kept, left, right, probability = _score(
            model, compared, pairs, ids, rank, config.keep_probability
        )
        above = probability >= config.threshold
        clusters = _components(ids, left[above], right[above], rank)
        lap("scoring and clustering")
        return LinkResult(model, kept, clusters, len(pairs), stats)

    def _fit_m(
        self,
        features: Sequence[RecordFeatures],
        params: ModelParameters,
        session_a: Counter[Vector],
        compared: _Compared,
        config: MatcherConfig,
        rng: random.Random,
        stats: dict[str, Any],
    ) -> None:
        n_comparisons = len(params.specs)
        m_estimates: list[list[list[float]]] = [[] for _ in range(n_comparisons)]

        # Session A (session_a: pairs with the same exact birth date) estimates everything else.
        active_a = [k for k in range(n_comparisons) if k != BIRTH]
        session_b: Counter[Vector] = Counter()
        pattern_counts = compared.pattern_counts()
        for pattern_id, count in pattern_counts.items():
            vector = compared.patterns[pattern_id]
            if vector[SURNAME] in (NAME_EXACT, NAME_SHARED) and vector[GIVEN] == NAME_EXACT:
                session_b[vector] += count
        if sum(session_b.values()) > config.em_pairs:
            session_b = _thin(session_b, config.em_pairs, rng)
        # Session B: pairs whose surname and given name agree estimate the birth date and the
        # rest, but not sex: given names are male or female, so agreeing on one all but implies
        # the same sex, and non-matches in this session are not a random sample for sex.
        active_b = [k for k in range(n_comparisons) if k not in (SURNAME, GIVEN, SEX)]

        prior_b = 0.5
        for name, session, active in (("A", session_a, active_a), ("B", session_b, active_b)):
            if sum(session.values()) < 50:  # too few pairs to learn from
                params.em_sessions.append({"session": name, "pairs": sum(session.values())})
                continue
            m, prior, iterations = expectation_maximisation(
                session,
                params.m,
                params.u,
                active,
                prior=0.1,
                max_iterations=config.em_max_iterations,
                tolerance=config.em_tolerance,
            )
            for k in active:
                m_estimates[k].append(m[k])
            if name == "B":
                prior_b = prior
            params.em_sessions.append(
                {
                    "session": name,
                    "pairs": sum(session.values()),
                    "iterations": iterations,
                    "share_of_matches": prior,
                }
            )
        for k in range(n_comparisons):
            if m_estimates[k]:
                rows = m_estimates[k]
                params.m[k] = [sum(col) / len(rows) for col in zip(*rows, strict=True)]

        # The prior: matches expected in session B, over the share of matches that pass its rule.
        n = len(features)
        total_pairs = _total_pairs(features, config.link_type)
        both_named = sum(1 for f in features if any(x.surname and x.given for x in f.names)) / max(
            n, 1
        )
        passes = (
            (params.m[SURNAME][NAME_EXACT] + params.m[SURNAME][NAME_SHARED])
            * params.m[GIVEN][NAME_EXACT]
            * both_named**2
        )
        session_b_pairs = sum(
            count
            for pattern_id, count in pattern_counts.items()
            if compared.patterns[pattern_id][SURNAME] in (NAME_EXACT, NAME_SHARED)
            and compared.patterns[pattern_id][GIVEN] == NAME_EXACT
        )
        expected_matches = prior_b * session_b_pairs / max(passes, 1e-6)
        params.prior = min(max(expected_matches / max(total_pairs, 1), 1e-9), 0.5)
        stats["expected_matching_pairs"] = expected_matches


_PARALLEL_NAMES = 5_000  # below this, forking costs more than it saves
_PARALLEL_BLOCKING = 5_000  # records


def _blocked(
    records: Sequence[Record],
    config: MatcherConfig,
    features: Sequence[RecordFeatures] | None = None,
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], BlockingStats]:
    """The candidate pairs of the records, and the blocking's statistics. Blocking reads no
    compared other field, so features built here (in a forked process) leave them out."""
    if features is None:
        features = [record_features(r) for r in records]
    stats = BlockingStats()
    return _candidate_pairs(features, config, stats), stats


class _InFork:
    """A function run in a forked process, which sees this process's memory as it was; its
    result comes back in one pickle. Exceptions are raised again in `result`."""

    def __init__(self, function: Any, *args: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_result, args=(send, function, args))
        self._process.start()
        send.close()

    def result(self) -> Any:
        try:
            ok, value = self._receive.recv()
        except EOFError:
            ok, value = False, RuntimeError("the forked process ended without a result")
        self._receive.close()
        self._process.join()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the process if its result was never taken."""
        if not self._receive.closed:
            self._receive.close()
            self._process.terminate()
            self._process.join()


def _send_result(send: Any, function: Any, args: tuple[Any, ...]) -> None:
    try:
        result = (True, function(*args))
    except BaseException as error:
        result = (False, error)
    send.send(result)
    send.close()


def _names_to_parse(rows: Sequence[Record | Mapping[str, object]]) -> list[tuple[str, str | None]]:
    """The distinct written names of the rows not parsed yet, sorted."""
    return sorted(
        {(name.text, name.script) for r in rows for name in record_names(r) if name.text}
        - _NAME_CACHE.keys()
    )


# Shares of the names to parse, in every cycle of the sorted names: this process (share 0) also
# turns the rows into records and unpickles the others' names, so it takes fewer.
_OWN_SHARE, _FORKED_SHARE = 9, 11


def _share(
    names: Sequence[tuple[str, str | None]], start: int, workers: int
) -> list[tuple[str, str | None]]:
    """Share `start` of `workers`: a few names in every short cycle of the sorted list (halves
    would give one process the Latin names and the other the Cyrillic ones, which do not take
    the same time to parse)."""
    cycle = _OWN_SHARE + _FORKED_SHARE * (workers - 1)
    low = 0 if start == 0 else _OWN_SHARE + _FORKED_SHARE * (start - 1)
    high = low + (_OWN_SHARE if start == 0 else _FORKED_SHARE)
    return [name for k, name in enumerate(names) if low <= k % cycle < high]


def _start_parsing_names(
    rows: Sequence[Record | Mapping[str, object]], workers: int
) -> list[_InFork]:
    """Forked processes that parse shares 1 .. workers - 1 of the names (`_parse_share`), when
    there are probably enough names to parse for it to pay."""
    if workers < 2 or len(rows) < _PARALLEL_NAMES:
        return []
    return [_InFork(_parse_share, rows, start, workers) for start in range(1, workers)]


def _parse_share(
    rows: Sequence[Record | Mapping[str, object]], start: int, workers: int
) -> list[NameFeatures] | None:
    """The parsed names of one share, or None when there are too few names to share out."""
    todo = _names_to_parse(rows)
    if len(todo) < _PARALLEL_NAMES:
        return None
    return _parse_names(_share(todo, start, workers))


def _parse_names_in_parallel(
    records: Sequence[Record], workers: int, started: Sequence[_InFork]
) -> None:
    """Parse the distinct written names not parsed yet in forked processes, and file them in
    the name cache (features.name_features), so that record_features finds them. This process
    parses the first share itself while forked ones (`started` early, or forked now) parse the
    others: one process fewer to start, and a share that is neither pickled nor unpickled. A
    forked process finds the rows in the memory it shares with this one and works out the same
    sorted names; it returns its parsed names in one pickle, in which a name part shared by
    many names is one object."""
    todo = _names_to_parse(records)  # the same as the started processes' (record_names)
    if len(todo) < _PARALLEL_NAMES:
        return  # the started processes find the same and return nothing; closed by the caller
    forks = list(started) or [
        _InFork(_parse_share, records, start, workers) for start in range(1, workers)
    ]
    try:
        _parse_names(_share(todo, 0, workers))  # files them in the name cache
        for start, forked in enumerate(forks, start=1):
            share = _share(todo, start, workers)
            parsed = forked.result()
            if parsed is None:  # not expected: the forked process saw the same rows and cache
                parsed = _parse_names(share)
            _NAME_CACHE.update(zip(share, parsed, strict=True))
    finally:
        for forked in forks:
            forked.close()


def _parse_names(names: Sequence[tuple[str, str | None]]) -> list[NameFeatures]:
    return [name_features(text, script) for text, script in names]


def _total_pairs(features: Sequence[RecordFeatures], link_type: LinkType) -> int:
    n = len(features)
    if link_type == "dedupe":
        return n * (n - 1) // 2
    sizes = Counter(f.record.source for f in features)
    return (n * n - sum(s * s for s in sizes.values())) // 2


def _thin(patterns: Counter[Vector], limit: int, rng: random.Random) -> Counter[Vector]:
    """A deterministic random sample of `limit` pairs from pattern counts."""
    total = sum(patterns.values())
    keep = limit / total
    out: Counter[Vector] = Counter()
    for vector, count in sorted(patterns.items()):
        kept = sum(1 for _ in range(count) if rng.random() < keep)
        if kept:
            out[vector] = kept
    return out


def _random_pairs(
    features: Sequence[RecordFeatures], count: int, link_type: LinkType, rng: random.Random
) -> Iterator[int]:
    """Distinct random pairs as i * n + j (i < j); every pair when there are few."""
    n = len(features)
    if n < 2:
        return
    total = _total_pairs(features, link_type)
    if total <= count:
        for i in range(n):
            for j in range(i + 1, n):
                if link_type == "dedupe" or features[i].record.source != features[j].record.source:
                    yield i * n + j
        return
    seen: set[int] = set()
    attempts = 0
    while len(seen) < count and attempts < count * 20:
        attempts += 1
        i, j = rng.randrange(n), rng.randrange(n)
        if i == j:
            continue
        if i > j:
            i, j = j, i
        if link_type == "link" and features[i].record.source == features[j].record.source:
            continue
        key = i * n + j
        if key in seen:
            continue
        seen.add(key)
        yield key


def _estimate_u(
    table: vectorised.RecordTable,
    features: Sequence[RecordFeatures],
    specs: Sequence[ComparisonSpec],
    config: MatcherConfig,
    rng: random.Random,
) -> list[list[float]]:
    """u from random pairs: almost all of them are different children."""
    pairs = sorted(_random_pairs(features, config.u_pairs, config.link_type, rng))
    counts = _compare_all(table, features, pairs).counts()
    return _level_frequencies(counts.items(), specs)


def _same_date_pairs(
    features: Sequence[RecordFeatures], config: MatcherConfig, rng: random.Random
) -> list[int]:
    """Pairs with the same written birth date: the blocking rule of EM session A."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(features):
        if f.birth is not None and f.birth.written is not None:
            groups[f.birth.written.isoformat()].append(index)
    link_only = config.link_type == "link"
    total = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    keep = min(1.0, config.em_pairs / total) if total else 1.0
    pairs = []
    for key in sorted(groups):
        members = groups[key]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if link_only and features[i].record.source == features[j].record.source:
                    continue
                if keep >= 1.0 or rng.random() < keep:
                    pairs.append(i * len(features) + j)
    return pairs


@dataclass
class _Compared:
    patterns: list[Vector]  # distinct comparison vectors
    pattern_ids: np.ndarray[Any, np.dtype[np.int64]]  # for each pair, its vector
    # For each comparison with term frequencies: the agreeing value's count for each pair, or 0.
    frequencies: dict[int, np.ndarray[Any, np.dtype[np.int64]]]

    def pattern_counts(self) -> dict[int, int]:
        counts = np.bincount(self.pattern_ids, minlength=len(self.patterns))
        return {p: int(c) for p, c in enumerate(counts) if c}

    def counts(self) -> Counter[Vector]:
        return Counter({self.patterns[p]: c for p, c in self.pattern_counts().items()})


def _compare_all(
    table: vectorised.RecordTable,
    features: Sequence[RecordFeatures],
    pairs: Sequence[int] | np.ndarray[Any, np.dtype[np.int64]],
    params: ModelParameters | None = None,
    workers: int = 1,
) -> _Compared:
    """Comparison vectors of pairs (i * n + j), computed on arrays (vectorised.RecordTable);
    with term frequencies when `params` carries the counts. With `workers` > 1 and many pairs,
    a forked process compares the first half of them meanwhile."""
    codes = np.asarray(pairs, dtype=np.int64)
    if workers < 2 or len(codes) < _PARALLEL_PAIRS:
        return _distinct_vectors(*_compare_rows(table, features, codes, params))
    half = len(codes) // 2
    forked = _InFork(_compare_rows, table, features, codes[:half], params)
    try:
        matrix, frequencies = _compare_rows(table, features, codes[half:], params)
        first_matrix, first_frequencies = forked.result()
    finally:
        forked.close()
    return _distinct_vectors(
        np.concatenate((first_matrix, matrix)),
        {k: np.concatenate((first_frequencies[k], v)) for k, v in frequencies.items()},
    )


_PARALLEL_PAIRS = 200_000  # below this, forking costs more than it saves


def _compare_rows(
    table: vectorised.RecordTable,
    features: Sequence[RecordFeatures],
    codes: np.ndarray[Any, np.dtype[np.int64]],
    params: ModelParameters | None,
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[int, np.ndarray[Any, np.dtype[np.int64]]]]:
    """The levels of each pair (a row per pair), and the term frequencies by comparison. Pairs
    with a record of several written names go through comparison_vector, the reference for
    one pair."""
    n = len(features)
    i, j = codes // max(n, 1), codes % max(n, 1)
    surname, given, patronymic, swapped = table.name_levels(i, j)
    columns = [
        surname,
        given,
        patronymic,
        table.birth_levels(i, j),
        table.equality_levels(table.sex, i, j),
        table.equality_levels(table.region, i, j),
        *(table.other_levels(k, i, j) for k in range(table.other.shape[1])),
    ]
    matrix = np.stack(columns, axis=1) if columns else np.empty((len(codes), 0), np.int64)
    frequencies: dict[int, np.ndarray[Any, np.dtype[np.int64]]] = {}
    if params is not None:
        frequencies[SURNAME], frequencies[GIVEN] = table.name_frequencies(
            i, j, surname, given, swapped, table.tokens.key_counts(params.key_counts)
        )
        for k, counts in enumerate(params.value_counts):
            strings = table.other_strings.values
            by_id = np.array([counts.get(v, 0) for v in strings] + [0], dtype=np.int64)
            at_column = len(_FIXED) + k
            frequencies[at_column] = np.where(
                matrix[:, at_column] == 0, by_id[table.other[i, k]], 0
            )
    for at in np.flatnonzero(table.several[i] | table.several[j]).tolist():
        a, b = features[int(i[at])], features[int(j[at])]
        if params is not None:
            vector, found = comparison_vector(a, b, params.key_counts, params.value_counts)
            for values in frequencies.values():
                values[at] = 0
            for k, frequency in found:
                frequencies[k][at] = frequency
        else:
            vector, _ = comparison_vector(a, b)
        matrix[at] = vector
    return matrix, frequencies


def _distinct_vectors(
    matrix: np.ndarray[Any, np.dtype[np.int64]],
    frequencies: dict[int, np.ndarray[Any, np.dtype[np.int64]]],
) -> _Compared:
    # One integer per vector (levels + 1 in base 8) to find the distinct vectors.
    width = matrix.shape[1]
    weights = np.int64(8) ** np.arange(width, dtype=np.int64)
    vector_codes = (matrix + 1) @ weights if width else np.zeros(len(matrix), np.int64)
    distinct, inverse = np.unique(vector_codes, return_inverse=True)
    patterns = [tuple(int(x) for x in (c // weights) % 8 - 1) for c in distinct]
    return _Compared(patterns, inverse.ravel().astype(np.int64), frequencies)


def _score(
    model: Model,
    compared: _Compared,
    pairs: np.ndarray[Any, np.dtype[np.int64]],
    ids: Sequence[str],
    rank: np.ndarray[Any, np.dtype[np.int64]],
    keep_probability: float,
) -> tuple[list[ScoredPair], Any, Any, Any]:
    """Match weights and probabilities of the compared pairs, on arrays; the pairs kept
    (probability >= keep_probability), best first (then by ids), and the records and
    probabilities of the kept pairs in that order as arrays."""
    p = model.parameters
    n = len(ids)
    weights = np.array(_pattern_weights(model, compared.patterns) or [0.0], dtype=np.float64)
    weight = math.log2(p.prior / (1 - p.prior)) + weights[compared.pattern_ids]
    if compared.patterns:
        levels = np.array(compared.patterns, dtype=np.int64)[compared.pattern_ids]
    for k, frequency in sorted(compared.frequencies.items()):
        if not (model.config.term_frequency and p.specs[k].term_frequency):
            continue
        level = levels[:, k]
        agree = level == 0
        if k in (SURNAME, GIVEN):
            agree |= level == NAME_SHARED
        at = np.flatnonzero(agree & (frequency > 0))
        if not len(at):
            continue
        u = np.array(p.u[k], dtype=np.float64)[level[at]]
        records = max(p.records, 1)
        u_tf = np.maximum(frequency[at] / records, 1.0 / records)
        weight[at] += np.log2(u / u_tf)
    with np.errstate(over="ignore"):
        odds = np.exp2(np.minimum(weight, 60.0))
    probability = np.where(weight > 60, 1.0, odds / (1.0 + odds))
    at = np.flatnonzero(probability >= keep_probability)
    i, j = pairs[at] // max(n, 1), pairs[at] % max(n, 1)
    order = np.lexsort((rank[j], rank[i], -weight[at]))
    i, j, probability = i[order], j[order], probability[at][order]
    kept = [
        ScoredPair(ids[a], ids[b], w, q)
        for a, b, w, q in zip(
            i.tolist(), j.tolist(), weight[at][order].tolist(), probability.tolist(), strict=True
        )
    ]
    return kept, i, j, probability


def _pattern_weights(model: Model, patterns: Sequence[Vector]) -> list[float]:
    p = model.parameters
    return [
        sum(p.weight(k, level) for k, level in enumerate(vector) if level != MISSING)
        for vector in patterns
    ]


def cluster(ids: Sequence[str], pairs: Iterable[ScoredPair], threshold: float) -> list[list[str]]:
    """The connected components of the pairs at or above the threshold; every id in exactly one
    cluster, ids sorted, clusters by their first id."""
    index = {record_id: k for k, record_id in enumerate(ids)}
    above = [(index[p.left], index[p.right]) for p in pairs if p.probability >= threshold]
    left = np.array([a for a, _ in above], dtype=np.int64)
    right = np.array([b for _, b in above], dtype=np.int64)
    return _components(ids, left, right, _id_ranks(ids))


def _id_ranks(ids: Sequence[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Each record's place among the ids sorted."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return rank


def _components(
    ids: Sequence[str],
    left: np.ndarray[Any, np.dtype[np.int64]],
    right: np.ndarray[Any, np.dtype[np.int64]],
    rank: np.ndarray[Any, np.dtype[np.int64]],
) -> list[list[str]]:
    """Clusters of records joined by the pairs (left[k], right[k]), as cluster() gives them:
    every record takes the smallest label among its pairs' until nothing changes, each label
    following its own label meanwhile."""
    n = len(ids)
    if not n:
        return []
    label = np.arange(n, dtype=np.int64)
    while len(left):
        low = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        while not np.array_equal(jumped := new[new], new):
            new = jumped
        if np.array_equal(new, label):
            break
        label = new
    first = np.full(n, n, dtype=np.int64)
    np.minimum.at(first, label, rank)  # the place of each cluster's first id
    key = first[label]
    order = np.lexsort((rank, key))
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    ordered = [ids[x] for x in order.tolist()]
    edges = [0, *bounds.tolist(), n]
    return [ordered[a:b] for a, b in itertools.pairwise(edges)]
