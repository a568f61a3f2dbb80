"""String similarity on Unicode code points (a Python str), never on encoded bytes.

UTF-8 spends two bytes on every Cyrillic letter and most share the lead byte (0xD0 or 0xD1), so
a byte-level Jaro-Winkler finds "matches" between any two Cyrillic names and counts Жанна as
twice as long as Zhanna. These functions index str, which is a sequence of code points.
"""

from __future__ import annotations

from functools import lru_cache

# Winkler's prefix bonus: up to 4 leading characters, scale 0.1, only above Jaro 0.7 (the
# "boost threshold"); the same constants as rapidfuzz, which DuckDB and so Splink use.
PREFIX_SCALE = 0.1
MAX_PREFIX = 4
BOOST_THRESHOLD = 0.7


def jaro(a: str, b: str) -> float:
    """Jaro similarity in [0, 1]: 1 for equal strings, 0 when either is empty (and they differ)."""
    if a == b:
        return 1.0
    len_a, len_b = len(a), len(b)
    if not len_a or not len_b:
        return 0.0
    window = max(0, max(len_a, len_b) // 2 - 1)
    taken = [False] * len_b
    matched_a: list[str] = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(i + window + 1, len_b)):
            if not taken[j] and b[j] == char:
                taken[j] = True
                matched_a.append(char)
                break
    matches = len(matched_a)
    if not matches:
        return 0.0
    matched_b = [b[j] for j in range(len_b) if taken[j]]
    half_transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True))
    transpositions = half_transpositions // 2
    return (matches / len_a + matches / len_b + (matches - transpositions) / matches) / 3


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, at most 4, boost threshold 0.7)."""
    similarity = jaro(a, b)
    if similarity <= BOOST_THRESHOLD:
        return similarity
    prefix = 0
    for x, y in zip(a[:MAX_PREFIX], b[:MAX_PREFIX], strict=False):
        if x != y:
            break
        prefix += 1
    return similarity + prefix * PREFIX_SCALE * (1.0 - similarity)


@lru_cache(maxsize=1 << 20)
def _cached_jaro_winkler(a: str, b: str) -> float:
    return jaro_winkler(a, b)


def cached_jaro_winkler(a: str, b: str) -> float:
    """jaro_winkler with a cache; the arguments are ordered first, as the measure is symmetric."""
    return _cached_jaro_winkler(a, b) if a <= b else _cached_jaro_winkler(b, a)


def within_one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours (optimal string
    alignment distance <= 1)."""
    if a == b:
        return True
    len_a, len_b = len(a), len(b)
    if abs(len_a - len_b) > 1:
        return False
    if len_a > len_b:
        a, b, len_a, len_b = b, a, len_b, len_a
    i = 0
    while i < len_a and a[i] == b[i]:
        i += 1
    if len_a == len_b:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one substitution
        return i + 1 < len_a and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]  # one insertion into a
