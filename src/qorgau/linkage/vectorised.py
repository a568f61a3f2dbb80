"""The matcher's batch path on arrays: blocking and comparison vectors for many pairs at once.

`Matcher.link` turns every record into a row of small integers once (token, skeleton, date and
value ids, `RecordTable`) and then works on arrays of candidate pairs with numpy: blocking keys
become 64-bit codes that are sorted instead of hashed into dictionaries of lists, and each
comparison level is computed for all pairs at once. What is not array arithmetic - Jaro-Winkler
and the one-edit test - runs once per distinct pair of strings (rapidfuzz computes
Jaro-Winkler on code points with the same constants as `similarity.jaro_winkler`).

The levels are exactly those of `features.compare_names`, `features.birth_level` and
`features.other_level`, which remain the reference for one pair (the one-record lookup and the
explanations use them); the tests check that both paths agree pair by pair. Records with more
than one written name are compared by the reference code. Design: docs/adr/0017-matcher-speed.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from qorgau.linkage.features import (
    BIRTH_ELSE,
    BIRTH_EXACT,
    BIRTH_NEAR_YEAR,
    BIRTH_ONE_PART,
    BIRTH_OVERLAP,
    BIRTH_PLACEHOLDER,
    BIRTH_SWAPPED,
    JW_HIGH,
    JW_LOW,
    MISSING,
    NAME_ELSE,
    NAME_EXACT,
    NAME_JW_HIGH,
    NAME_JW_LOW,
    NAME_SHARED,
    OTHER_JW,
    RecordFeatures,
    Token,
)

Int = np.ndarray[Any, np.dtype[np.int64]]
Bool = np.ndarray[Any, np.dtype[np.bool_]]

_FAR = 1 << 40  # an interval bound no date reaches: padding never overlaps


def jaro_winkler_many(left: Sequence[str], right: Sequence[str]) -> np.ndarray[Any, Any]:
    """Jaro-Winkler of each (left[i], right[i]), arguments ordered as cached_jaro_winkler does
    (the measure is symmetric up to rounding)."""
    if not len(left):
        return np.empty(0, dtype=np.float64)
    first = [a if a <= b else b for a, b in zip(left, right, strict=True)]
    second = [b if a <= b else a for a, b in zip(left, right, strict=True)]
    return np.asarray(
        process.cpdist(
            first,
            second,
            scorer=JaroWinkler.similarity,
            dtype=np.float64,
            scorer_kwargs={"prefix_weight": 0.1},
        ),
        dtype=np.float64,
    )


def within_one_edit_many(left: Sequence[str], right: Sequence[str]) -> Bool:
    """similarity.within_one_edit of each pair: optimal string alignment distance <= 1."""
    if not len(left):
        return np.empty(0, dtype=bool)
    distance = process.cpdist(left, right, scorer=OSA.distance, dtype=np.int32)
    return np.asarray(distance) <= 1


class _Interner:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found


class KeyRows:
    """Each token's keys as interned ids, in one flat array with offsets (sorted, distinct)."""

    def __init__(self, rows: Sequence[Sequence[int]]) -> None:
        self.lengths = np.array([len(r) for r in rows], dtype=np.int64)
        self.offsets = np.cumsum(self.lengths) - self.lengths
        self.flat = np.fromiter(
            (k for r in rows for k in r), dtype=np.int64, count=int(self.lengths.sum())
        )

    def expand(self, tokens: Int) -> tuple[Int, Int]:
        """(position in `tokens`, key id) for every key of every token listed."""
        lengths = self.lengths[tokens]
        where = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
        index = np.repeat(self.offsets[tokens], lengths) + _ranks(lengths)
        return where, self.flat[index]

    def shared(self, a: Int, b: Int) -> tuple[Int, Int]:
        """(pair position, key id) for every key that tokens a[p] and b[p] share."""
        wa, ka = self.expand(a)
        wb, kb = self.expand(b)
        width = np.int64(int(max(ka.max(initial=0), kb.max(initial=0))) + 1)
        common = np.intersect1d(wa * width + ka, wb * width + kb, assume_unique=True)
        return common // width, common % width


def _any_shared(keys: KeyRows, a: Int, b: Int) -> Bool:
    """For each pair of token ids, do they share a key?"""
    out = np.zeros(len(a), dtype=bool)
    where, _ = keys.shared(a, b)
    out[where] = True
    return out


class TokenTable:
    """Every distinct name part of the records, as rows of ids."""

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self._index: dict[int, int] = {}  # id(token) -> row; the list keeps the tokens alive
        self._strings = _Interner()

    def add(self, token: Token | None) -> int:
        if token is None:
            return -1
        found = self._index.get(id(token))
        if found is None:
            found = self._index[id(token)] = len(self.tokens)
            self.tokens.append(token)
        return found

    def freeze(self) -> None:
        intern = self._strings
        tokens = self.tokens
        self.skeleton = np.array([intern(t.skeleton) for t in tokens], dtype=np.int64)
        self.stem = np.array([intern(t.stem_skeleton) for t in tokens], dtype=np.int64)
        self.first = np.array([intern(t.skeleton[:1]) for t in tokens], dtype=np.int64)
        self.keys = KeyRows([sorted({intern(k) for k in t.keys}) for t in tokens])
        self.stems = KeyRows([sorted({intern(k) for k in t.stems}) for t in tokens])
        self.all_keys = KeyRows([sorted({intern(k) for k in t.all_keys}) for t in tokens])
        self.strings = intern.values

    def key_counts(self, counts: Mapping[str, int]) -> tuple[Int, Int]:
        """The count of every interned string (as a key), and of each token's skeleton."""
        by_string = np.array([counts.get(x, 0) for x in self.strings] + [0], dtype=np.int64)
        return by_string, by_string[self.skeleton]

    def levels(self, a: Int, b: Int) -> Int:
        """features.token_level for each pair of token ids; MISSING where either is -1."""
        out = np.full(len(a), MISSING, dtype=np.int64)
        present = (a >= 0) & (b >= 0)
        index = np.flatnonzero(present)
        if not len(index):
            return out
        x, y = a[index], b[index]
        level = np.full(len(index), NAME_ELSE, dtype=np.int64)
        exact = self.skeleton[x] == self.skeleton[y]
        level[exact] = NAME_EXACT
        rest = np.flatnonzero(~exact)
        shared = _any_shared(self.keys, x[rest], y[rest]) | _any_shared(
            self.stems, x[rest], y[rest]
        )
        level[rest[shared]] = NAME_SHARED
        rest = rest[~shared]
        if len(rest):
            level[rest] = self._similarity_levels(x[rest], y[rest])
        out[index] = level
        return out

    def _similarity_levels(self, x: Int, y: Int) -> Int:
        """Jaro-Winkler of the skeletons, or of the stems when that is higher and either has a
        stem of its own, at the two thresholds (features.token_level)."""
        sa, sb = self.skeleton[x], self.skeleton[y]
        similarity = _pair_similarity(sa, sb, self.strings)
        has_stem = (self.stem[x] != sa) | (self.stem[y] != sb)
        again = np.flatnonzero((similarity < JW_HIGH) & has_stem)
        if len(again):
            stems = _pair_similarity(self.stem[x[again]], self.stem[y[again]], self.strings)
            similarity[again] = np.maximum(similarity[again], stems)
        return np.where(
            similarity >= JW_HIGH,
            NAME_JW_HIGH,
            np.where(similarity >= JW_LOW, NAME_JW_LOW, NAME_ELSE),
        )


def _pair_similarity(a: Int, b: Int, strings: Sequence[str]) -> np.ndarray[Any, Any]:
    """Jaro-Winkler of interned strings, computed once per distinct pair."""
    width = np.int64(len(strings) + 1)
    codes, inverse = np.unique(a * width + b, return_inverse=True)
    left = [strings[int(c // width)] for c in codes]
    right = [strings[int(c % width)] for c in codes]
    return jaro_winkler_many(left, right)[inverse.ravel()]


class RecordTable:
    """Per record: its name's parts as token ids, birth evidence as day numbers, sex, region and
    other values as ids. Records with several written names are marked for the reference path."""

    def __init__(self, features: Sequence[RecordFeatures]) -> None:
        n = len(features)
        tokens = TokenTable()
        self.tokens = tokens
        surname = np.full(n, -1, dtype=np.int64)
        given = np.full(n, -1, dtype=np.int64)
        patronymic = np.full(n, -1, dtype=np.int64)
        several = np.zeros(n, dtype=bool)
        for index, f in enumerate(features):
            if len(f.names) > 1:
                several[index] = True
            elif f.names:
                name = f.names[0]
                surname[index] = tokens.add(name.surname)
                given[index] = tokens.add(name.given)
                patronymic[index] = tokens.add(name.patronymic)
        tokens.freeze()
        self.surname, self.given, self.patronymic, self.several = (
            surname,
            given,
            patronymic,
            several,
        )
        self._birth(features)
        values = _Interner()
        self.sex = np.array([values(f.sex) if f.sex else -1 for f in features], dtype=np.int64)
        self.region = np.array(
            [values(f.region) if f.region else -1 for f in features], dtype=np.int64
        )
        width = len(features[0].other) if features else 0
        self.other_strings = _Interner()
        self.other = np.array(
            [[self.other_strings(v) if v else -1 for v in f.other] for f in features],
            dtype=np.int64,
        ).reshape(n, width)

    def _birth(self, features: Sequence[RecordFeatures]) -> None:
        n = len(features)
        self.has_birth = np.zeros(n, dtype=bool)
        self.written = np.full(n, -1, dtype=np.int64)
        self.swapped = np.full(n, -2, dtype=np.int64)  # never equal to a written date or -1
        self.ymd = np.full((n, 3), -1, dtype=np.int64)
        self.placeholder = np.zeros(n, dtype=bool)
        intervals: list[list[tuple[int, int, int, int]]] = []
        for index, f in enumerate(features):
            birth = f.birth
            rows: list[tuple[int, int, int, int]] = []
            if birth is not None:
                self.has_birth[index] = True
                self.placeholder[index] = birth.placeholder
                if birth.written is not None:
                    day = birth.written
                    self.written[index] = day.toordinal()
                    self.ymd[index] = (day.year, day.month, day.day)
                if birth.swapped is not None:
                    self.swapped[index] = birth.swapped.toordinal()
                rows = [
                    (
                        i.earliest.toordinal(),
                        i.latest.toordinal(),
                        i.earliest.year,
                        i.latest.year,
                    )
                    for i in birth.intervals
                ]
            intervals.append(rows)
        width = max((len(r) for r in intervals), default=0) or 1
        # Padding: earliest after every latest, so that a pad never overlaps nor comes near.
        table = np.empty((n, width, 4), dtype=np.int64)
        table[:, :, 0] = _FAR
        table[:, :, 1] = -_FAR
        table[:, :, 2] = _FAR
        table[:, :, 3] = -_FAR
        for index, rows in enumerate(intervals):
            if rows:
                table[index, : len(rows)] = rows
        self.intervals = table

    # --- Levels for arrays of pairs (i, j) --------------------------------------------------

    def name_levels(self, i: Int, j: Int) -> tuple[Int, Int, Int, Bool]:
        """features.compare_names for records of at most one name: surname, given name and
        patronymic levels, and whether the parts were read crosswise."""
        t = self.tokens
        xs, xg, ys, yg = self.surname[i], self.given[i], self.surname[j], self.given[j]
        surname, given = t.levels(xs, ys), t.levels(xg, yg)
        cost = _cost(surname) + _cost(given)
        candidates = np.flatnonzero(cost > 0)
        swapped = np.zeros(len(i), dtype=bool)
        if len(candidates):
            a, b, c, d = xs[candidates], yg[candidates], xg[candidates], ys[candidates]
            complete = (a >= 0) & (b >= 0) & (c >= 0) & (d >= 0)
            may = ((a >= 0) & (b >= 0)) | ((c >= 0) & (d >= 0))
            full = np.flatnonzero(complete)
            if len(full):
                fa, fb, fc, fd = a[full], b[full], c[full], d[full]
                may[full] = (
                    _any_shared(t.all_keys, fa, fb)
                    | _any_shared(t.all_keys, fc, fd)
                    | ((t.first[fa] == t.first[fb]) & (t.first[fc] == t.first[fd]))
                )
            cross_at = candidates[may]
            if len(cross_at):
                cross_surname = t.levels(xs[cross_at], yg[cross_at])
                cross_given = t.levels(xg[cross_at], ys[cross_at])
                better = _cost(cross_surname) + _cost(cross_given) < cost[cross_at]
                take = cross_at[better]
                surname[take] = cross_surname[better]
                given[take] = cross_given[better]
                swapped[take] = True
        patronymic = t.levels(self.patronymic[i], self.patronymic[j])
        return surname, given, patronymic, swapped

    def name_frequencies(
        self,
        i: Int,
        j: Int,
        surname: Int,
        given: Int,
        swapped: Bool,
        counts: tuple[Int, Int],
    ) -> tuple[Int, Int]:
        """The term frequency of the agreeing surname and given name (matcher._shared_frequency:
        the most frequent key the two tokens share, else the left token's skeleton), 0 where
        the level does not agree."""
        by_string, skeleton = counts
        t = self.tokens
        xs, xg = self.surname[i], self.given[i]
        ys = np.where(swapped, self.given[j], self.surname[j])
        yg = np.where(swapped, self.surname[j], self.given[j])
        out = []
        for level, x, y in ((surname, xs, ys), (given, xg, yg)):
            frequency = np.zeros(len(i), dtype=np.int64)
            at = np.flatnonzero(
                ((level == NAME_EXACT) | (level == NAME_SHARED)) & (x >= 0) & (y >= 0)
            )
            best = np.full(len(at), -1, dtype=np.int64)
            where, key = t.all_keys.shared(x[at], y[at])
            np.maximum.at(best, where, by_string[key])
            frequency[at] = np.where(best >= 0, best, skeleton[x[at]])
            out.append(frequency)
        return out[0], out[1]

    def birth_levels(self, i: Int, j: Int) -> Int:
        """features.birth_level for each pair."""
        out = np.full(len(i), MISSING, dtype=np.int64)
        both = self.has_birth[i] & self.has_birth[j]
        at = np.flatnonzero(both)
        i, j = i[at], j[at]
        level = np.full(len(at), -9, dtype=np.int64)
        xw, yw = self.written[i], self.written[j]
        written = (xw >= 0) & (yw >= 0)
        level[written & (xw == yw)] = BIRTH_EXACT
        swap = written & (level < 0) & ((xw == self.swapped[j]) | (yw == self.swapped[i]))
        level[swap] = BIRTH_SWAPPED
        parts = (self.ymd[i] == self.ymd[j]).sum(axis=1)
        level[written & (level < 0) & (parts == 2)] = BIRTH_ONE_PART
        open_ = level < 0
        a, b = self.intervals[i], self.intervals[j]  # (pairs, width, 4)
        overlap = (
            (a[:, :, None, 0] <= b[:, None, :, 1]) & (b[:, None, :, 0] <= a[:, :, None, 1])
        ).any(axis=(1, 2))
        near = (
            (a[:, :, None, 2] - 1 <= b[:, None, :, 3] + 1)
            & (b[:, None, :, 2] - 1 <= a[:, :, None, 3] + 1)
        ).any(axis=(1, 2))
        placeholder = self.placeholder[i] | self.placeholder[j]
        interval_level = np.where(
            overlap,
            np.where(placeholder, BIRTH_PLACEHOLDER, BIRTH_OVERLAP),
            np.where(near, BIRTH_NEAR_YEAR, BIRTH_ELSE),
        )
        level[open_] = interval_level[open_]
        out[at] = level
        return out

    def other_levels(self, k: int, i: Int, j: Int) -> Int:
        """features.other_level of other field k for each pair."""
        a, b = self.other[i, k], self.other[j, k]
        out = np.full(len(i), MISSING, dtype=np.int64)
        present = (a >= 0) & (b >= 0)
        out[present & (a == b)] = 0
        rest = np.flatnonzero(present & (a != b))
        if len(rest):
            strings = self.other_strings.values
            width = np.int64(len(strings) + 1)
            codes, inverse = np.unique(a[rest] * width + b[rest], return_inverse=True)
            x = [strings[int(c // width)] for c in codes]
            y = [strings[int(c % width)] for c in codes]
            levels = np.where(
                within_one_edit_many(x, y),
                1,
                np.where(jaro_winkler_many(x, y) >= OTHER_JW, 2, 3),
            )
            out[rest] = levels[inverse.ravel()]
        return out

    def equality_levels(self, values: Int, i: Int, j: Int) -> Int:
        a, b = values[i], values[j]
        return np.where((a < 0) | (b < 0), MISSING, (a != b).astype(np.int64))


def _cost(level: Int) -> Int:
    return np.where(level == MISSING, 2, level)


# --- Blocking -----------------------------------------------------------------------------

_TYPE_SHIFT = 58
_ID_SHIFT = 29
_ID_MASK = (1 << _ID_SHIFT) - 1
VARIANT, DATE_LETTERS, DATE_WORD, BIRTH_DATE, OTHER = 1, 2, 3, 4, 5


def block_code(kind: int, a: int, b: int = 0) -> int:
    """One blocking key as a 64-bit integer: its rule, and two interned ids."""
    return (kind << _TYPE_SHIFT) | (a << _ID_SHIFT) | b


def pairs_from_blocks(
    records: Int,
    codes: Int,
    n: int,
    max_block_size: int,
    allowed: Any = None,
) -> tuple[Int, int, int, int]:
    """Candidate pairs (i * n + j, i < j, sorted, distinct) of records sharing a code.

    `records` and `codes` list each (record, code) once, records ascending. `allowed(kind, i,
    j)` may return a mask to drop pairs by rule. Returns the pairs, the number of distinct
    codes, and the blocks and records skipped for being larger than `max_block_size`."""
    order = np.argsort(codes, kind="stable")
    codes, records = codes[order], records[order]
    if not len(codes):
        return np.empty(0, dtype=np.int64), 0, 0, 0
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    sizes = np.diff(np.append(starts, len(codes)))
    too_big = sizes > max_block_size
    skipped_blocks = int(too_big.sum())
    skipped_records = int(sizes[too_big].sum())
    keep = (sizes > 1) & ~too_big
    starts, sizes = starts[keep], sizes[keep]
    kinds = codes[starts] >> _TYPE_SHIFT
    chunks = []
    # Blocks of one rule and one size at a time: the pairs of a block of size s are the same
    # s(s - 1)/2 offsets from its start.
    for kind in np.unique(kinds).tolist():
        of_kind = kinds == kind
        kind_starts, kind_sizes = starts[of_kind], sizes[of_kind]
        for size in np.unique(kind_sizes).tolist():
            block_starts = kind_starts[kind_sizes == size]
            x, y = np.triu_indices(size, k=1)
            step = max(1, 5_000_000 // len(x))
            for lo in range(0, len(block_starts), step):
                base = block_starts[lo : lo + step, None]
                i = records[(base + x).ravel()]
                j = records[(base + y).ravel()]
                if allowed is not None:
                    mask = allowed(int(kind), i, j)
                    if mask is not None:
                        i, j = i[mask], j[mask]
                chunks.append(i * n + j)
    pairs = _sorted_unique(np.concatenate(chunks)) if chunks else np.empty(0, dtype=np.int64)
    return pairs, len(starts) + int((~keep).sum()), skipped_blocks, skipped_records


def _sorted_unique(values: Int) -> Int:
    """np.unique by sorting (np.unique hashes first, which is slower for many integers)."""
    values = np.sort(values)
    if not len(values):
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _block_pairs(starts: Int, sizes: Int) -> tuple[Int, Int]:
    """Positions of every (x, y), x < y, inside each block [start, start + size)."""
    # Each position pairs with the positions after it in its block.
    positions = np.repeat(starts, sizes) + _ranks(sizes)
    after = np.repeat(sizes, sizes) - 1 - _ranks(sizes)
    left = np.repeat(positions, after)
    right = left + 1 + _ranks(after)
    return left, right


def _ranks(sizes: Int) -> Int:
    """0, 1, ..., size - 1 for each size, concatenated."""
    total = int(sizes.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - offsets
