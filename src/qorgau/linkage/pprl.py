"""Privacy-preserving counts: hardened Bloom-filter encodings and an overlap counter (ADR 0010).

Two sides, two APIs:

* Each organisation runs `Encoder` LOCALLY, with a secret key shared by the organisations only.
  A record's name (canonicalised as in ADR 0007: script-free skeleton keys and surname stems) is
  cut into padded bigrams, its birth year and day/month become tokens, and every token sets `k`
  bits of an `m`-bit filter, by double hashing of HMAC-SHA256 under the key (CLK).
  Hardening: the filter is balanced (followed by its complement, so every encoding has exactly
  `m` of `2m` bits set) and permuted by a permutation drawn from the key; optionally the name
  bigrams are salted with the birth year. Only `Encoding` objects (bytes) leave.
* The linking side (`count_overlap`, `cluster`) accepts only `Encoding` values - never a name,
  never a key - finds candidate pairs by Hamming LSH (bit sampling in bands) and keeps the pairs
  whose Dice similarity reaches a threshold, merging them best first into clusters.
* For counts per pair of organisations, `FieldEncoder` keeps the name filter (hardened as above)
  apart from keyed tokens of the birth years, day/month and region, and
  `qorgau.linkage.pprl_counts.estimate_overlap` estimates the shared children from them without
  deciding any single pair (ADR 0010, amendment (c)).

numpy for the linking side's arrays; otherwise the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .canonical import canonical_keys
from .names import given_name_keys, surname_stem_keys

ENCODING_VERSION = 2  # 1: record-level filters only; 2: FieldEncoder added (ADR 0010 (c))

FILTER_BITS = 1024  # m: bits of the filter before balancing
HASHES = 20  # k: bits set per name bigram
DATE_HASHES = 20  # bits set per birth-year and day/month token
Q = 2  # bigrams
THRESHOLD = 0.925  # Dice similarity for a match on balanced (hardened) filters, ADR 0010
# Chance agreements between namesakes grow with the square of the number of records, true
# matches with the number: the threshold rises with the size of the linkage (ADR 0010).
THRESHOLD_AT = 10_000  # THRESHOLD is calibrated for this many encodings
THRESHOLD_PER_DECADE = 0.022  # and rises by this for ten times as many
PLAIN_THRESHOLD = 0.83  # the same on unbalanced filters (the baseline without hardening)
LSH_BANDS = 40
LSH_BITS_PER_BAND = 24
# FieldEncoder: the hardened name filter, then SLOTS keyed tokens of SLOT_BYTES each: four
# years of the birth interval, the year before and the year after it, day/month, region.
NAME_BYTES = 2 * FILTER_BITS // 8
SLOTS = 8
SLOT_BYTES = 8
MAX_BIRTH_YEARS = 4  # a wider birth interval says too little: encoded as unknown


@dataclass(frozen=True)
class Encoding:
    """What leaves an organisation: an opaque bit array (big-endian bytes) and a record label
    the organisation chose (not derived from the record)."""

    organisation: str
    label: str
    bits: bytes
    # The organisation's own person number: records it knows to be one child share it
    # (its duplicate review); "" = this record is its own person.
    person: str = ""


@dataclass(frozen=True)
class PlainRecord:
    """A record as the organisation holds it. Never passed to the linking side."""

    surname: str | None
    given: str | None
    birth_date: date | None = None
    birth_year: int | None = None  # when only a year (or an age estimate's middle year) is known
    # An age estimate as the interval of birth years it allows (FieldEncoder; Encoder takes
    # birth_year); and the region, for FieldEncoder.
    birth_years: tuple[int, int] | None = None
    region: str | None = None


class Encoder:
    """Encodes records locally. `key` is the secret shared by the organisations."""

    def __init__(
        self,
        key: bytes,
        *,
        bits: int = FILTER_BITS,
        hashes: int = HASHES,
        date_hashes: int = DATE_HASHES,
        harden: bool = True,
        salt_year: bool = False,
        dates: bool = True,
        year_windows: bool = False,
    ) -> None:
        if len(key) < 16:
            raise ValueError("the key must have at least 16 bytes")
        self._key = key
        self.bits = bits
        self.hashes = hashes
        self.date_hashes = date_hashes
        self.harden = harden
        self.salt_year = salt_year and harden
        self.dates = dates
        self.year_windows = year_windows
        self._positions_cache: dict[str, tuple[int, ...]] = {}
        width = 2 * bits if harden else bits
        self._permutation = _keyed_permutation(key, width)
        self._permutation_array = np.array(self._permutation, dtype=np.int64)

    @property
    def width(self) -> int:
        return 2 * self.bits if self.harden else self.bits

    def tokens(self, record: PlainRecord) -> set[str]:
        year = record.birth_date.year if record.birth_date else record.birth_year
        salt = f"{year}|" if self.salt_year and year is not None else ""
        grams: set[str] = set()
        for keys in _name_keys(record):
            for key in keys:
                padded = f"_{key}_"
                grams |= {salt + "n" + padded[i : i + Q] for i in range(len(padded) - Q + 1)}
        if self.dates:
            if year is not None:
                grams.add(f"y{year}")
                if self.year_windows:  # two-year windows: a year off by one still shares one
                    grams.update((f"yw{year - 1}", f"yw{year}"))
            if record.birth_date is not None and (
                record.birth_date.month,
                record.birth_date.day,
            ) != (1, 1):
                day_month = sorted((record.birth_date.day, record.birth_date.month))
                grams.add(f"dm{day_month[0]}-{day_month[1]}")
        return grams

    def _positions(self, token: str) -> tuple[int, ...]:
        cached = self._positions_cache.get(token)
        if cached is None:
            digest = hmac.new(self._key, token.encode(), hashlib.sha256).digest()
            h1 = int.from_bytes(digest[:16], "big")
            h2 = int.from_bytes(digest[16:], "big") | 1
            count = self.date_hashes if token.startswith(("y", "dm")) else self.hashes
            cached = tuple((h1 + i * h2) % self.bits for i in range(count))
            self._positions_cache[token] = cached
        return cached

    def filter(self, record: PlainRecord) -> int:
        """The bit array as an integer (bit i = position i)."""
        value = 0
        for token in self.tokens(record):
            for position in self._positions(token):
                value |= 1 << position
        if not self.harden:
            return value
        return int.from_bytes(self._hardened(value), "big")

    def _hardened(self, value: int) -> bytes:
        """Balanced (the filter, then its complement) and permuted by the key's permutation,
        as big-endian bytes (bit i of the integer is position i)."""
        bits = np.unpackbits(np.frombuffer(value.to_bytes(self.bits // 8, "big"), dtype=np.uint8))[
            ::-1
        ].astype(bool)
        balanced = np.concatenate((bits, ~bits))
        permuted = np.zeros(2 * self.bits, dtype=bool)
        permuted[self._permutation_array] = balanced
        return np.packbits(permuted[::-1]).tobytes()

    def encode(self, organisation: str, label: str, record: PlainRecord) -> Encoding:
        value = 0
        for token in self.tokens(record):
            for position in self._positions(token):
                value |= 1 << position
        bits = self._hardened(value) if self.harden else value.to_bytes(self.width // 8, "big")
        return Encoding(organisation, label, bits)


class FieldEncoder:
    """Field-level encodings for estimated counts (qorgau.linkage.pprl_counts): the name as a
    hardened filter (balanced and permuted, no dates in it), then keyed tokens of the birth
    years, the day/month and the region. `key` is the secret shared by the organisations."""

    def __init__(self, key: bytes) -> None:
        self._names = Encoder(key, dates=False)
        self._key = key

    def _token(self, text: str) -> bytes:
        digest = hmac.new(self._key, b"field|" + text.encode(), hashlib.sha256).digest()
        return digest[:SLOT_BYTES] if any(digest[:SLOT_BYTES]) else b"\x01" * SLOT_BYTES

    def slots(self, record: PlainRecord) -> list[bytes]:
        """The eight token slots (empty = zero bytes)."""
        empty = bytes(SLOT_BYTES)
        low_high = _birth_interval(record)
        years = [empty] * MAX_BIRTH_YEARS
        near = [empty, empty]
        if low_high is not None:
            low, high = low_high
            # Sorted, so that the slots do not tell which year is the earlier.
            years = sorted(self._token(f"y{y}") for y in range(low, high + 1))
            years += [empty] * (MAX_BIRTH_YEARS - len(years))
            near = sorted((self._token(f"y{low - 1}"), self._token(f"y{high + 1}")))
        born = record.birth_date
        day_month = empty
        if born is not None and (born.month, born.day) != (1, 1):  # 1 January: a placeholder
            first, second = sorted((born.day, born.month))  # a day/month swap still agrees
            day_month = self._token(f"dm{first}-{second}")
        region = self._token(f"r{record.region.casefold()}") if record.region else empty
        return [*years, *near, day_month, region]

    def encode(
        self, organisation: str, label: str, record: PlainRecord, person: str = ""
    ) -> Encoding:
        """`person`: the organisation's own number for the child (its records share it); it
        leaves keyed, so the linker sees which records share one and nothing else."""
        names = self._names.encode(organisation, label, record).bits
        if person:
            digest = hmac.new(self._key, f"person|{organisation}|{person}".encode(), hashlib.sha256)
            person = digest.hexdigest()[:24]
        return Encoding(organisation, label, names + b"".join(self.slots(record)), person)


def _birth_interval(record: PlainRecord) -> tuple[int, int] | None:
    if record.birth_date is not None:
        return record.birth_date.year, record.birth_date.year
    if record.birth_years is not None:
        low, high = sorted(record.birth_years)
        if high - low < MAX_BIRTH_YEARS:
            return low, high
    if record.birth_year is not None:
        return record.birth_year, record.birth_year
    return None


def _keyed_permutation(key: bytes, width: int) -> list[int]:
    """Fisher-Yates with HMAC-SHA256 draws: a permutation only the key holders can compute."""
    order = list(range(width))
    for i in range(width - 1, 0, -1):
        draw = hmac.new(key, b"permutation%d" % i, hashlib.sha256).digest()
        j = int.from_bytes(draw[:8], "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def _name_keys(record: PlainRecord) -> list[frozenset[str]]:
    """Canonical keys of the name words, order-free (a swapped surname and given name encode the
    same): surname stems and given-name keys of every word of both fields."""
    out: list[frozenset[str]] = []
    for text in (record.surname, record.given):
        if not text:
            continue
        for word in text.replace("-", " ").split():
            stems = surname_stem_keys(word)
            keys = given_name_keys(word) if not stems else frozenset()
            out.append(stems or keys or canonical_keys(word))
    return out


# --- The linking side: encodings in, counts out ------------------------------------------------


def dice(a: bytes, b: bytes) -> float:
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0


def _bit_matrix(encodings: Sequence[Encoding]) -> np.ndarray[Any, Any]:
    """One row of bytes per encoding."""
    width = len(encodings[0].bits)
    return np.frombuffer(b"".join(e.bits for e in encodings), dtype=np.uint8).reshape(-1, width)


def dice_many(rows: np.ndarray[Any, Any], a: Any, b: Any) -> np.ndarray[Any, Any]:
    """Dice similarity of rows a[p] and b[p] of a byte matrix, for every p."""
    words = rows.view(np.uint64) if rows.shape[1] % 8 == 0 else rows
    ones = np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    out = np.empty(len(a), dtype=np.float64)
    step = 1_000_000
    for start in range(0, len(a), step):
        x, y = a[start : start + step], b[start : start + step]
        common = np.bitwise_count(words[x] & words[y]).sum(axis=1, dtype=np.int64)
        total = ones[x] + ones[y]
        out[start : start + step] = np.where(total > 0, 2 * common / np.maximum(total, 1), 0.0)
    return out


def candidate_pairs(
    encodings: Sequence[Encoding],
    bands: int = LSH_BANDS,
    bits_per_band: int = LSH_BITS_PER_BAND,
    seed: int = 0,
) -> set[tuple[int, int]]:
    """Hamming LSH: each band samples `bits_per_band` bit positions; records agreeing on every
    sampled bit of some band are candidates. Deterministic for a seed (the seed is not secret)."""
    if not encodings:
        return set()
    a, b = _candidate_arrays(_bit_matrix(encodings), bands, bits_per_band, seed)
    return set(zip(a.tolist(), b.tolist(), strict=True))


MAX_BUCKET = 500  # a bucket this full is a pattern too common to say anything


def _candidate_arrays(
    rows: np.ndarray[Any, Any], bands: int, bits_per_band: int, seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    n, width_bytes = rows.shape
    width = width_bytes * 8
    # Bit i of the big-endian integer is column width - 1 - i of the unpacked bits.
    unpacked = np.unpackbits(rows, axis=1)
    rng = random.Random(seed)  # noqa: S311 - public band choice, not a secret
    weights = np.int64(1) << np.arange(bits_per_band, dtype=np.int64)
    chunks = []
    for _ in range(bands):
        sample = rng.sample(range(width), bits_per_band)
        columns = np.array([width - 1 - position for position in sample], dtype=np.int64)
        keys = unpacked[:, columns].astype(np.int64) @ weights
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        sizes = np.diff(np.append(starts, n))
        keep = (sizes > 1) & (sizes <= MAX_BUCKET)
        kept_starts, kept_sizes = starts[keep], sizes[keep]
        band = []
        for size in np.unique(kept_sizes).tolist():
            block = kept_starts[kept_sizes == size]
            x, y = np.triu_indices(size, k=1)
            left = order[(block[:, None] + x).ravel()]
            right = order[(block[:, None] + y).ravel()]
            band.append(np.minimum(left, right) * n + np.maximum(left, right))
        if band:
            chunks.append(_sorted_unique(np.concatenate(band)))
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    codes = _sorted_unique(np.concatenate(chunks))
    return codes // n, codes % n


def _sorted_unique(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Distinct values, sorted (by one sort: numpy's unique hashes first, slower here)."""
    values = np.sort(values)
    if not len(values):
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def cluster(
    encodings: Sequence[Encoding], threshold: float = THRESHOLD, max_per_organisation: int = 2
) -> list[int]:
    """A cluster id per encoding. Candidate pairs with Dice >= threshold are merged best first,
    unless the merged cluster would hold more than `max_per_organisation` records of one
    organisation (a chain through similar names must not swallow many persons)."""
    if any(not isinstance(e, Encoding) for e in encodings):
        raise TypeError("the linking side accepts Encoding values only")
    widths = {len(e.bits) for e in encodings}
    if len(widths) > 1:
        raise ValueError("encodings of different widths")
    if not encodings:
        return []
    parent = list(range(len(encodings)))
    organisations = [Counter((e.organisation,)) for e in encodings]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = _bit_matrix(encodings)
    a, b = _candidate_arrays(rows, LSH_BANDS, LSH_BITS_PER_BAND, 0)
    similarity = dice_many(rows, a, b)
    keep = similarity >= threshold
    a, b, similarity = a[keep], b[keep], similarity[keep]
    order = np.lexsort((b, a, -similarity))  # best first, then by position
    for x, y in zip(a[order].tolist(), b[order].tolist(), strict=True):
        root_a, root_b = find(x), find(y)
        if root_a == root_b:
            continue
        merged = organisations[root_a] + organisations[root_b]
        if max(merged.values()) > max_per_organisation:
            continue
        parent[root_a] = root_b
        organisations[root_b] = merged
    return [find(i) for i in range(len(encodings))]


def size_threshold(encodings: int) -> float:
    """The Dice threshold for balanced filters at this many encodings: THRESHOLD at
    THRESHOLD_AT, THRESHOLD_PER_DECADE more for every tenfold (calibrated on seed-1 data at
    10,000 and 100,000 records; ADR 0010), within [0.9, 0.97]."""
    rise = THRESHOLD_PER_DECADE * math.log10(max(encodings, 1) / THRESHOLD_AT)
    return min(max(THRESHOLD + rise, 0.9), 0.97)


def count_overlap(
    encodings: Iterable[Encoding], threshold: float | None = None
) -> dict[frozenset[str], int]:
    """How many clusters (persons) are shared by each pair of organisations (and by all of them,
    when there are more than two): {frozenset({org_a, org_b}): count, ...}. Without a
    threshold, the one for balanced filters at this size (size_threshold)."""
    items = list(encodings)
    ids = cluster(items, size_threshold(len(items)) if threshold is None else threshold)
    members: defaultdict[int, set[str]] = defaultdict(set)
    for encoding, cluster_id in zip(items, ids, strict=True):
        members[cluster_id].add(encoding.organisation)
    organisations = sorted({e.organisation for e in items})
    counts: Counter[frozenset[str]] = Counter()
    for orgs in members.values():
        for i, a in enumerate(organisations):
            for b in organisations[i + 1 :]:
                if a in orgs and b in orgs:
                    counts[frozenset((a, b))] += 1
        if len(organisations) > 2 and len(orgs) == len(organisations):
            counts[frozenset(organisations)] += 1
    return {pair: counts[pair] for pair in counts}


def frequency_attack(
    encodings: Sequence[Encoding], public_names: Sequence[str]
) -> list[str | None]:
    """A pattern-frequency attack: the attacker groups identical encodings, ranks the groups by
    size and assigns them, in order, the names of a public list ranked by frequency. Returns the
    guessed name per encoding (None beyond the list)."""
    groups = Counter(e.bits for e in encodings)
    ranked = [bits for bits, _ in groups.most_common()]
    guess = {bits: public_names[i] for i, bits in enumerate(ranked[: len(public_names)])}
    return [guess.get(e.bits) for e in encodings]
