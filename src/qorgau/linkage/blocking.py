"""Candidate pairs of the batch path: the blocking keys of `matcher.blocking_keys`, as 64-bit
codes (`vectorised.block_code`), found for groups of records rather than for each record.

Most of the pair codes come from the name rule (a key of one word with a key, a stem or a
one-letter deletion of another), and records whose names give the same keys give the same
codes: at 100,000 benchmark records, 38,000 groups. So the name rule is blocked once per group
(each group weighing its number of records, so that `max_block_size` skips exactly the blocks
it skipped record by record), pairs of groups are found once, and only then become pairs of
records: every record of one group with every record of the other, and the records of one group
with each other. A pair of records sharing twenty codes is no longer made, sorted and dropped
twenty times. The codes of every group are built at once from per-word arrays of ids, without a
Python loop per name. The rules on the birth date and on other fields stay per record (few
codes). The result is exactly the pairs of the key strings: tests/test_vectorised.py compares
them under several configurations. Design: docs/adr/0017-matcher-speed.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qorgau.linkage import vectorised
from qorgau.linkage.features import RecordFeatures, Token, normalise_value
from qorgau.linkage.vectorised import (
    _ID_SHIFT,
    _TYPE_SHIFT,
    BIRTH_DATE,
    DATE_LETTERS,
    DATE_WORD,
    OTHER,
    VARIANT,
    KeyRows,
    _block_pairs,
    _Interner,
    _ranks,
    _sorted_unique,
    block_code,
)

Int = np.ndarray[Any, np.dtype[np.int64]]
_EMPTY = np.empty(0, dtype=np.int64)


@dataclass
class BlockingStats:
    keys: int = 0
    skipped_blocks: int = 0
    skipped_records: int = 0


def deletion_variants(token: Token) -> frozenset[str]:
    """The skeleton and the primary stem, with any one letter deleted: one slip (a substitution,
    a lost or doubled letter, two letters swapped) leaves a deletion in common."""
    out: set[str] = set()
    for text in {token.skeleton, *token.stems}:
        out.add(text)
        if len(text) > 3:  # "ли" less a letter would block with half the register
            out.update(text[:i] + text[i + 1 :] for i in range(len(text)))
    return frozenset(out)


class _Words:
    """Distinct blocking words (by what blocking reads of them: keys, skeleton, stems) as ids,
    and each word's own keys, variants and first letter as interned ids."""

    def __init__(self, intern: _Interner) -> None:
        self.intern = intern
        self._by_object: dict[int, int] = {}  # id(token) -> word; the features keep tokens alive
        self._by_value: dict[tuple[frozenset[str], str, frozenset[str]], int] = {}
        self.own: list[list[int]] = []
        self.variants: list[list[int]] = []
        self.first: list[str] = []

    def add(self, token: Token) -> int:
        found = self._by_object.get(id(token))
        if found is not None:
            return found
        value = (token.all_keys, token.skeleton, token.stems)
        found = self._by_value.get(value)
        if found is None:
            found = self._by_value[value] = len(self.own)
            intern = self.intern
            own = sorted({intern(k) for k in token.all_keys})
            self.own.append(own)
            self.variants.append(sorted({intern(x) for x in deletion_variants(token)} | set(own)))
            self.first.append(token.skeleton[:1])
        self._by_object[id(token)] = found
        return found


class _Groups:
    """Records grouped by the blocking words of their names: one group per distinct set of
    names (a name being its distinct words, one per skeleton, as the key strings take them)."""

    def __init__(self, features: Sequence[RecordFeatures], intern: _Interner) -> None:
        self.words = _Words(intern)
        by_text: dict[tuple[str, str | None], int] = {}
        names: dict[tuple[int, ...], int] = {}
        self.name_words: list[tuple[int, ...]] = []
        groups: dict[tuple[int, ...], int] = {}
        self.group_names: list[tuple[int, ...]] = []
        of = np.empty(len(features), dtype=np.int64)
        for index, f in enumerate(features):
            found = []
            for name in f.names:
                at = by_text.get((name.text, name.script))
                if at is None:
                    tokens = {word.skeleton: word for word in name.words}.values()
                    words = tuple(sorted({self.words.add(t) for t in tokens}))
                    at = names.get(words)
                    if at is None:
                        at = names[words] = len(self.name_words)
                        self.name_words.append(words)
                    by_text[(name.text, name.script)] = at
                found.append(at)
            key = (found[0],) if len(found) == 1 else tuple(sorted(set(found)))
            group = groups.get(key)
            if group is None:
                group = groups[key] = len(self.group_names)
                self.group_names.append(key)
            of[index] = group
        self.of = of
        self.sizes = np.bincount(of, minlength=len(self.group_names)).astype(np.int64)

    def variant_rows(self) -> tuple[Int, Int]:
        """(group, code) of every name-rule code of every group, each once."""
        words = self.words
        own, variants = KeyRows(words.own), KeyRows(words.variants)
        # Every ordered pair of distinct words of every name.
        pair_name, pair_left, pair_right = [], [], []
        for name, members in enumerate(self.name_words):
            for a in members:
                for b in members:
                    if a != b:
                        pair_name.append(name)
                        pair_left.append(a)
                        pair_right.append(b)
        left = np.array(pair_left, dtype=np.int64)
        right = np.array(pair_right, dtype=np.int64)
        width = variants.lengths[right]
        counts = own.lengths[left] * width
        pair = np.repeat(np.arange(len(left), dtype=np.int64), counts)
        rank, row_width = _ranks(counts), width[pair]
        own_ids = own.flat[own.offsets[left][pair] + rank // row_width]
        variant_ids = variants.flat[variants.offsets[right][pair] + rank % row_width]
        codes = (VARIANT << _TYPE_SHIFT) | (own_ids << _ID_SHIFT) | variant_ids
        row_name = np.array(pair_name, dtype=np.int64)[pair]
        # Names to groups: a group of one name takes its rows; a group of several, the union.
        single = np.full(len(self.name_words), -1, dtype=np.int64)
        several: list[tuple[int, tuple[int, ...]]] = []
        for group, names in enumerate(self.group_names):
            if len(names) == 1:
                single[names[0]] = group
            elif names:
                several.append((group, names))
        keep = single[row_name] >= 0
        groups, group_codes = [single[row_name[keep]]], [codes[keep]]
        if several:
            order = np.argsort(row_name, kind="stable")
            starts = np.searchsorted(row_name[order], np.arange(len(self.name_words) + 1))
            for group, members in several:
                union = np.concatenate([codes[order[starts[x] : starts[x + 1]]] for x in members])
                groups.append(np.full(len(union), group, dtype=np.int64))
                group_codes.append(union)
        return np.concatenate(groups), np.concatenate(group_codes)

    def letters_and_words(self) -> tuple[KeyRows, KeyRows]:
        """For each group: the first letters of its names' pairs of words (interned), and its
        words' keys."""
        words = self.words
        intern = words.intern
        name_letters: list[set[int]] = []
        name_keys: list[set[int]] = []
        for members in self.name_words:
            letters = set()
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    pair = sorted((words.first[a], words.first[b]))
                    letters.add(intern(pair[0] + pair[1]))
            name_letters.append(letters)
            name_keys.append({k for a in members for k in words.own[a]})
        letter_rows, key_rows = [], []
        for names in self.group_names:
            if len(names) == 1:
                letter_rows.append(sorted(name_letters[names[0]]))
                key_rows.append(sorted(name_keys[names[0]]))
            else:
                letter_rows.append(sorted(set().union(*(name_letters[x] for x in names))))
                key_rows.append(sorted(set().union(*(name_keys[x] for x in names))))
        return KeyRows(letter_rows), KeyRows(key_rows)


def candidate_pairs(
    features: Sequence[RecordFeatures],
    *,
    link_only: bool,
    block_on_other: Sequence[str | tuple[str, ...]],
    block_on_birth_date: bool,
    max_block_size: int,
    stats: BlockingStats | None = None,
) -> Int:
    """Candidate pairs i * n + j (i < j), sorted and distinct, of `matcher.blocking_keys`."""
    n = len(features)
    intern = _Interner()
    groups = _Groups(features, intern)
    sources = _source_ids(features)
    keep_pair = _link_only(sources) if link_only else None

    rows_group, rows_code = groups.variant_rows()
    group_pairs, selves, keys, skipped = _group_pairs(
        rows_group, rows_code, groups.sizes, max_block_size
    )
    by_name = _expand(groups, group_pairs, selves, n, keep_pair)

    records, codes = _record_codes(features, groups, intern, block_on_other, block_on_birth_date)
    one_word = np.array([all(len(name.words) < 2 for name in f.names) for f in features])

    def allowed(kind: int, i: Int, j: Int) -> Any:
        mask = keep_pair(i, j) if keep_pair is not None else None
        if kind == DATE_WORD:  # for names of one word: the others have better keys
            words = one_word[i] | one_word[j]
            mask = words if mask is None else mask & words
        return mask

    by_record, record_keys, record_skipped, record_skipped_records = vectorised.pairs_from_blocks(
        records, codes, n, max_block_size, allowed
    )
    if stats is not None:
        stats.keys = keys + record_keys
        stats.skipped_blocks = skipped[0] + record_skipped
        stats.skipped_records = skipped[1] + record_skipped_records
    return _sorted_unique(np.concatenate((by_name, by_record)))


def _source_ids(features: Sequence[RecordFeatures]) -> Int:
    ids: dict[str | None, int] = {}
    return np.array([ids.setdefault(f.record.source, len(ids)) for f in features], dtype=np.int64)


def _link_only(sources: Int) -> Any:
    def keep(i: Int, j: Int) -> Any:
        return sources[i] != sources[j]

    return keep


def _group_pairs(
    group: Int, code: Int, sizes: Int, max_block_size: int
) -> tuple[Int, Int, int, tuple[int, int]]:
    """Blocks of the (group, code) rows, each weighing its groups' records: the pairs of
    distinct groups that share a block (g * groups + h, g < h, sorted, distinct), the groups
    whose own records pair up, the number of distinct codes, and the blocks and records
    skipped for more than `max_block_size` records."""
    count = len(sizes)
    if not len(code):
        return _EMPTY, _EMPTY, 0, (0, 0)
    order = np.lexsort((group, code))
    code, group = code[order], group[order]
    # The same code from two pairs of words of one name (or from two names of one group).
    once = np.concatenate(([True], (code[1:] != code[:-1]) | (group[1:] != group[:-1])))
    code, group = code[once], group[once]
    starts = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    weight = np.add.reduceat(sizes[group], starts)
    too_big = weight > max_block_size
    skipped = (int(too_big.sum()), int(weight[too_big].sum()))
    rows = np.diff(np.append(starts, len(code)))
    # A group in a block it is not too big for pairs its own records with each other.
    open_rows = np.repeat(~too_big, rows)
    selves = np.flatnonzero(
        (np.bincount(group[open_rows], minlength=count) > 0) & (sizes > 1)
    ).astype(np.int64)
    keep = (rows > 1) & ~too_big
    starts, rows = starts[keep], rows[keep]
    chunks = []
    for size in np.unique(rows).tolist():
        block_starts = starts[rows == size]
        x, y = np.triu_indices(size, k=1)
        step = max(1, 5_000_000 // len(x))
        for lo in range(0, len(block_starts), step):
            base = block_starts[lo : lo + step, None]
            # Groups ascend inside a block (sorted by code, then group).
            chunks.append(group[(base + x).ravel()] * count + group[(base + y).ravel()])
    pairs = _sorted_unique(np.concatenate(chunks)) if chunks else _EMPTY
    return pairs, selves, len(weight), skipped


def _expand(groups: _Groups, pairs: Int, selves: Int, n: int, keep_pair: Any) -> Int:
    """Pairs of groups (and groups paired with themselves) as pairs of records, i * n + j."""
    count = len(groups.sizes)
    members = np.argsort(groups.of, kind="stable")  # records ascending within each group
    offsets = np.cumsum(groups.sizes) - groups.sizes
    g, h = pairs // max(count, 1), pairs % max(count, 1)
    width = groups.sizes[h]
    total = groups.sizes[g] * width
    pair = np.repeat(np.arange(len(pairs), dtype=np.int64), total)
    rank, row_width = _ranks(total), width[pair]
    x = members[offsets[g][pair] + rank // row_width]
    y = members[offsets[h][pair] + rank % row_width]
    left, right = _block_pairs(offsets[selves], groups.sizes[selves])
    i = np.concatenate((np.minimum(x, y), members[left]))
    j = np.concatenate((np.maximum(x, y), members[right]))
    if keep_pair is not None:
        mask = keep_pair(i, j)
        i, j = i[mask], j[mask]
    return i * n + j  # distinct: the groups are disjoint and each pair of groups comes once


def _record_codes(
    features: Sequence[RecordFeatures],
    groups: _Groups,
    intern: _Interner,
    block_on_other: Sequence[str | tuple[str, ...]],
    block_on_birth_date: bool,
) -> tuple[Int, Int]:
    """(record, code) of the rules on the birth date and on other fields."""
    days, swapped = [], []
    for f in features:
        birth = f.birth
        written = birth.written if birth is not None else None
        days.append(written.toordinal() if written is not None else -1)
        turned = birth.swapped if written is not None and birth is not None else None
        swapped.append(turned.toordinal() if turned is not None else -1)
    day = np.array(days + swapped, dtype=np.int64)
    record = np.concatenate([np.arange(len(features), dtype=np.int64)] * 2)
    dated = day >= 0
    day, record = day[dated], record[dated]
    letters, words = groups.letters_and_words()
    records, codes = [], []
    for kind, keys in ((DATE_LETTERS, letters), (DATE_WORD, words)):
        where, key = keys.expand(groups.of[record])
        records.append(record[where])
        codes.append((kind << _TYPE_SHIFT) | (day[where] << _ID_SHIFT) | key)
    extra_records: list[int] = []
    extra_codes: list[int] = []
    for index, f in enumerate(features):
        birth = f.birth
        if block_on_birth_date and birth is not None and birth.written is not None:
            extra_records.append(index)
            extra_codes.append(block_code(BIRTH_DATE, birth.written.toordinal()))
        other = f.record.other
        for at, fields in enumerate(block_on_other):
            names = (fields,) if isinstance(fields, str) else fields
            values = [normalise_value(other.get(name)) for name in names]
            if all(values):
                extra_records.append(index)
                extra_codes.append(block_code(OTHER, at, intern("|".join(v or "" for v in values))))
    records.append(np.array(extra_records, dtype=np.int64))
    codes.append(np.array(extra_codes, dtype=np.int64))
    record, code = np.concatenate(records), np.concatenate(codes)
    order = np.argsort(record, kind="stable")  # records ascending, as pairs_from_blocks wants
    return record[order], code[order]
