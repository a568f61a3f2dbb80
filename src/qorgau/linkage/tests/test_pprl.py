"""Privacy-preserving counts: encodings are keyed, the linker sees bytes only, counts are right."""

from __future__ import annotations

import inspect
import random
import typing
from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linkage import pprl
from qorgau.linkage.pprl import (
    Encoder,
    Encoding,
    PlainRecord,
    cluster,
    count_overlap,
    dice,
    frequency_attack,
)

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def test_encoding_is_deterministic_and_keyed() -> None:
    record = PlainRecord("Жұмабаев", "Ерлан", date(2012, 3, 14))
    assert Encoder(KEY).encode("a", "1", record) == Encoder(KEY).encode("a", "1", record)
    assert (
        Encoder(KEY).encode("a", "1", record).bits
        != Encoder(OTHER_KEY).encode("a", "1", record).bits
    )
    assert len(Encoder(KEY).encode("a", "1", record).bits) == 2 * pprl.FILTER_BITS // 8


def test_short_key_refused() -> None:
    with pytest.raises(ValueError):
        Encoder(b"short")


def test_linking_side_takes_encodings_only() -> None:
    for function in (cluster, count_overlap, pprl.candidate_pairs, frequency_attack):
        hints = typing.get_type_hints(function)
        first = next(iter(inspect.signature(function).parameters))
        assert "Encoding" in str(hints[first])
    assert set(Encoding.__dataclass_fields__) == {"organisation", "label", "bits", "person"}
    with pytest.raises(TypeError):
        cluster([PlainRecord("Жұмабаев", "Ерлан")])  # type: ignore[list-item]


@pytest.mark.parametrize("harden", [True, False])
def test_dice_across_scripts(harden: bool) -> None:
    encoder = Encoder(KEY, harden=harden)
    born = date(2011, 5, 2)
    cyrillic = encoder.encode("a", "1", PlainRecord("Жұмабаев", "Айгерім", born)).bits
    latin = encoder.encode("b", "1", PlainRecord("ZHUMABAEV", "AIGERIM", born)).bits
    informal = encoder.encode("b", "2", PlainRecord("Jumabayev", "Aigerim", born)).bits
    other = encoder.encode("b", "3", PlainRecord("Сергеев", "Павел", date(2009, 11, 20))).bits
    threshold = pprl.THRESHOLD if harden else pprl.PLAIN_THRESHOLD
    assert dice(cyrillic, latin) >= threshold
    assert dice(cyrillic, informal) >= threshold
    assert dice(cyrillic, other) < threshold - 0.1


def test_overlap_exact_on_curated_example() -> None:
    encoder = Encoder(KEY)
    police = [
        PlainRecord("Жумабаев", "Ерлан", date(2012, 3, 14)),
        PlainRecord("Иванова", "Мария", date(2010, 7, 1)),
        PlainRecord("Ким", "Виктор", date(2013, 9, 30)),
        PlainRecord("Сейткали", "Динара", date(2011, 2, 8)),
    ]
    ngo = [
        PlainRecord("Zhumabayev", "Yerlan", date(2012, 3, 14)),
        PlainRecord("Ivanova", "Mariya", date(2010, 1, 7)),  # day and month swapped
        PlainRecord("Omarov", "Arman", date(2008, 12, 5)),
    ]
    social = [
        PlainRecord("Жұмабай", "Ерлан", date(2012, 3, 14)),  # suffix dropped
        PlainRecord("Омаров", "Арман", date(2008, 12, 5)),
        PlainRecord("Нұрланова", "Әсем", date(2014, 4, 4)),
    ]
    encodings = [encoder.encode("police", str(i), r) for i, r in enumerate(police)]
    encodings += [encoder.encode("ngo", str(i), r) for i, r in enumerate(ngo)]
    encodings += [encoder.encode("social", str(i), r) for i, r in enumerate(social)]
    counts = count_overlap(encodings)
    assert counts.get(frozenset({"police", "ngo"})) == 2
    assert counts.get(frozenset({"police", "social"})) == 1
    assert counts.get(frozenset({"ngo", "social"})) == 2
    assert counts.get(frozenset({"police", "ngo", "social"})) == 1


def test_hardening_changes_bits_and_defeats_a_toy_frequency_attack() -> None:
    record = PlainRecord(None, "Айгерим", date(2012, 1, 5))
    plain_bits = Encoder(KEY, harden=False).filter(record)
    hardened = Encoder(KEY).filter(record)
    assert hardened != plain_bits
    assert hardened.bit_count() == pprl.FILTER_BITS  # balanced
    # A population where name frequency is public; the attacker aligns frequent patterns.
    names = ["Айгерим"] * 40 + ["Ерлан"] * 25 + ["Динара"] * 15 + ["Арман"] * 10 + ["Асель"] * 5
    public = [name for name, _ in Counter(names).most_common()]
    years = [2005 + i % 11 for i in range(len(names))]
    records = [PlainRecord(None, n, None, y) for n, y in zip(names, years, strict=True)]

    def success(encoder: Encoder) -> float:
        encodings = [encoder.encode("a", str(i), r) for i, r in enumerate(records)]
        guesses = frequency_attack(encodings, public)
        return sum(g == n for g, n in zip(guesses, names, strict=True)) / len(names)

    unhardened = success(Encoder(KEY, harden=False, dates=False))
    salted = success(Encoder(KEY, dates=False, salt_year=True))
    assert unhardened == 1.0
    assert salted <= 0.2


def _reference_hardened(encoder: Encoder, value: int) -> int:
    """Balancing and the keyed permutation bit by bit, as first written."""
    balanced = value | ((~value & ((1 << encoder.bits) - 1)) << encoder.bits)
    permuted = 0
    for source, target in enumerate(encoder._permutation):
        if balanced >> source & 1:
            permuted |= 1 << target
    return permuted


@given(st.integers(min_value=0, max_value=(1 << 256) - 1))
def test_hardening_on_arrays_equals_the_bit_by_bit_definition(value: int) -> None:
    encoder = Encoder(KEY, bits=256)
    assert int.from_bytes(encoder._hardened(value), "big") == _reference_hardened(encoder, value)


@given(
    st.lists(st.binary(min_size=32, max_size=32), min_size=2, max_size=12),
    st.integers(min_value=0, max_value=3),
)
def test_dice_on_arrays_and_lsh_candidates(rows: list[bytes], seed: int) -> None:
    encodings = [Encoding("a", str(i), bits) for i, bits in enumerate(rows)]
    matrix = pprl._bit_matrix(encodings)
    pairs = [(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows))]
    a = np.array([i for i, _ in pairs], dtype=np.int64)
    b = np.array([j for _, j in pairs], dtype=np.int64)
    many = pprl.dice_many(matrix, a, b)
    for index, (i, j) in enumerate(pairs):
        assert many[index] == dice(rows[i], rows[j])
    # LSH: two records are candidates exactly when some band's sampled bits all agree.
    found = pprl.candidate_pairs(encodings, bands=3, bits_per_band=4, seed=seed)
    rng = random.Random(seed)
    bands = [rng.sample(range(256), 4) for _ in range(3)]
    values = [int.from_bytes(r, "big") for r in rows]
    expected = {
        (i, j)
        for i, j in pairs
        if any(all(values[i] >> p & 1 == values[j] >> p & 1 for p in band) for band in bands)
    }
    assert found == expected


def test_year_windows_let_a_year_off_by_one_share_a_token() -> None:
    encoder = Encoder(KEY, year_windows=True)
    tokens = encoder.tokens(PlainRecord("Жұмабаев", "Ерлан", birth_year=2012))
    near = encoder.tokens(PlainRecord("Жұмабаев", "Ерлан", birth_year=2013))
    far = encoder.tokens(PlainRecord("Жұмабаев", "Ерлан", birth_year=2015))
    dates = {t for t in tokens if t.startswith("y")}
    assert len(dates & near) == 1
    assert not dates & far
