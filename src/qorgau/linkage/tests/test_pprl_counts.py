"""Estimated overlap counts from field-level encodings (ADR 0010, amendment (c))."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from qorgau.linkage import pprl_counts
from qorgau.linkage.pprl import (
    NAME_BYTES,
    SLOT_BYTES,
    SLOTS,
    Encoder,
    Encoding,
    FieldEncoder,
    PlainRecord,
)
from qorgau.linkage.pprl_counts import estimate_overlap
from qorgau.linkage.reference_spellings import COMMON_GIVEN_NAMES, COMMON_SURNAMES, icao

KEY = b"k" * 32


def test_field_encoding_layout_is_keyed_and_deterministic() -> None:
    record = PlainRecord("Жұмабаев", "Ерлан", date(2012, 3, 14), region="Павлодар")
    first = FieldEncoder(KEY).encode("police", "1", record, person="p1")
    assert first == FieldEncoder(KEY).encode("police", "1", record, person="p1")
    assert first.person and "p1" not in first.person  # keyed: shared, not readable
    assert first.person == FieldEncoder(KEY).encode("police", "2", record, person="p1").person
    assert first.person != FieldEncoder(KEY).encode("social", "1", record, person="p1").person
    assert len(first.bits) == NAME_BYTES + SLOTS * SLOT_BYTES
    assert first.bits != FieldEncoder(b"o" * 32).encode("police", "1", record).bits


def test_slots_hold_the_birth_interval_day_month_and_region() -> None:
    encoder = FieldEncoder(KEY)
    empty = bytes(SLOT_BYTES)
    dated = encoder.slots(PlainRecord("A", "B", date(2012, 3, 14), region="Абай"))
    swapped = encoder.slots(PlainRecord("A", "B", date(2012, 3, 4)))
    estimate = encoder.slots(PlainRecord("A", "B", birth_years=(2011, 2013)))
    placeholder = encoder.slots(PlainRecord("A", "B", date(2012, 1, 1)))
    too_wide = encoder.slots(PlainRecord("A", "B", birth_years=(2005, 2012)))
    assert dated[0] != empty and dated[1:4] == [empty] * 3  # one year
    assert dated[0] in estimate[:3] and estimate[3] == empty  # 2011-2013: three years
    year_token = [encoder.slots(PlainRecord("A", "B", birth_year=y))[0] for y in (2010, 2014)]
    assert estimate[4:6] == year_token
    assert swapped[6] == encoder.slots(PlainRecord("A", "B", date(2012, 4, 3)))[6]
    assert placeholder[6] == empty and placeholder[0] == dated[0]
    assert too_wide[:6] == [empty] * 6
    assert dated[7] != empty and swapped[7] == empty


def test_date_cells() -> None:
    encoder = FieldEncoder(KEY)
    base = PlainRecord("A", "B", date(2012, 3, 4))
    others = {
        "same date": (PlainRecord("A", "B", date(2012, 3, 4)), 1),
        "day and month swapped": (PlainRecord("A", "B", date(2012, 4, 3)), 1),
        "same year, another day": (PlainRecord("A", "B", date(2012, 5, 4)), 2),
        "an estimate that holds the year": (PlainRecord("A", "B", birth_years=(2011, 2012)), 3),
        "a year later, same day": (PlainRecord("A", "B", date(2013, 3, 4)), 4),
        "an estimate a year off": (PlainRecord("A", "B", birth_years=(2013, 2014)), 5),
        "two years apart": (PlainRecord("A", "B", date(2014, 3, 4)), 6),
        "no birth data": (PlainRecord("A", "B"), 0),
    }
    encodings = [encoder.encode("x", "0", base)] + [
        encoder.encode("y", str(i), record) for i, (record, _) in enumerate(others.values())
    ]
    fields = pprl_counts._fields(encodings)
    cells = pprl_counts.date_cells(
        fields, np.zeros(len(others), dtype=np.int64), np.arange(1, len(others) + 1)
    )
    assert dict(zip(others, cells.tolist(), strict=True)) == {
        label: cell for label, (_, cell) in others.items()
    }


def _population(
    children: int, seed: int, duplicate_share: float = 0.0, regions: str = "both"
) -> tuple[list[Encoding], int, int]:
    """Two organisations: one writes Cyrillic, the other ICAO Latin with some typos, age
    estimates and missing dates. Returns the encodings, the true overlap, and how many records
    the duplicates added."""
    rng = random.Random(seed)
    encoder = FieldEncoder(KEY)
    region_names = [f"region {i}" for i in range(17)]
    encodings: list[Encoding] = []
    shared = extra = 0
    for child in range(children):
        surname, given = rng.choice(COMMON_SURNAMES), rng.choice(COMMON_GIVEN_NAMES)
        born = date(2007, 1, 1) + timedelta(days=rng.randrange(17 * 365))
        region: str | None = rng.choice(region_names)
        in_police, in_ngo = rng.random() < 0.6, rng.random() < 0.5
        shared += in_police and in_ngo
        if in_police:
            record = PlainRecord(surname, given, born, region=region if regions != "none" else None)
            copies = 2 if rng.random() < duplicate_share else 1
            extra += copies - 1
            for copy in range(copies):
                encodings.append(encoder.encode("police", f"{child}-{copy}", record, str(child)))
        if in_ngo:
            region = region if regions == "both" else None
            roll = rng.random()
            latin = icao(surname)
            if rng.random() < 0.1:
                latin = latin[:-2] + latin[-1] + latin[-2]  # two letters swapped
            if roll < 0.15:
                record = PlainRecord(latin, icao(given), region=region)
            elif roll < 0.4:
                low = born.year - rng.randint(0, 1)
                record = PlainRecord(latin, icao(given), birth_years=(low, low + 1), region=region)
            else:
                record = PlainRecord(latin, icao(given), born, region=region)
            encodings.append(encoder.encode("ngo", str(child), record))
    return encodings, shared, extra


def test_estimate_is_near_the_true_overlap() -> None:
    encodings, shared, _ = _population(3000, seed=5)
    estimate = estimate_overlap(encodings)[frozenset({"police", "ngo"})]
    assert abs(estimate - shared) / shared < 0.05, (estimate, shared)


def test_duplicates_known_to_their_organisation_count_once() -> None:
    plain, shared, _ = _population(2000, seed=6)
    duplicated, same_shared, extra = _population(2000, seed=6, duplicate_share=0.3)
    assert same_shared == shared and extra > 200
    pair = frozenset({"police", "ngo"})
    once = estimate_overlap(plain)[pair]
    assert estimate_overlap(duplicated)[pair] == pytest.approx(once, rel=1e-9)
    # Without person numbers every record is its own person: duplicates count twice.
    unknown = [Encoding(e.organisation, e.label, e.bits) for e in duplicated]
    assert estimate_overlap(unknown)[pair] > once * 1.15


def test_linking_side_refuses_records_and_other_encodings() -> None:
    with pytest.raises(TypeError):
        estimate_overlap([PlainRecord("Жұмабаев", "Ерлан")])  # type: ignore[list-item]
    record_level = Encoder(KEY).encode("a", "1", PlainRecord("Жұмабаев", "Ерлан"))
    with pytest.raises(ValueError):
        estimate_overlap([record_level])
    assert estimate_overlap([]) == {}


def test_decoy_shares_equal_the_cells_against_every_other_record() -> None:
    rng = random.Random(3)
    encoder = FieldEncoder(KEY)

    def record() -> PlainRecord:
        roll = rng.random()
        year = rng.randint(2008, 2013)
        if roll < 0.15:
            return PlainRecord("A", "B")
        if roll < 0.35:
            return PlainRecord("A", "B", birth_years=(year, year + rng.randint(0, 2)))
        if roll < 0.45:
            return PlainRecord("A", "B", date(year, 1, 1))
        return PlainRecord("A", "B", date(year, rng.randint(1, 3), rng.randint(1, 3)))

    encodings = [encoder.encode("x", str(i), record()) for i in range(120)]
    fields = pprl_counts._fields(encodings)
    weight = np.array([rng.choice((1.0, 0.5)) for _ in encodings])
    mine, others = np.arange(40), np.arange(40, 120)
    shares = pprl_counts._decoy_dates(fields, mine, others, weight)
    for a in mine.tolist():
        cells = pprl_counts.date_cells(fields, np.full(len(others), a), others)
        expected = np.bincount(cells, weights=weight[others], minlength=pprl_counts.DATE_CELLS)
        assert shares[a] == pytest.approx(expected / weight[others].sum(), abs=1e-12)


def test_no_shared_children_gives_a_count_near_zero() -> None:
    # Two organisations with the same common names and no child in common: every candidate is
    # a namesake, and chance agreements of birth data must not be counted as children.
    encodings, shared, _ = _population(3000, seed=8)
    police = [e for e in encodings if e.organisation == "police"]
    ngo = [e for e in encodings if e.organisation == "ngo"]
    # Keep NGO records of children the police do not know.
    police_children = {e.label.split("-")[0] for e in police}
    strangers = [e for e in ngo if e.label not in police_children]
    assert shared > 500 and len(strangers) > 500
    estimate = estimate_overlap(police + strangers)[frozenset({"police", "ngo"})]
    assert abs(estimate) < 0.02 * len(strangers), estimate


@pytest.mark.parametrize("regions", ["police only", "none"])
def test_records_without_a_region_are_counted_as_well(regions: str) -> None:
    encodings, shared, _ = _population(3000, seed=5, regions=regions)
    estimate = estimate_overlap(encodings)[frozenset({"police", "ngo"})]
    assert abs(estimate - shared) / shared < 0.05, (estimate, shared)


def test_a_label_is_never_taken_for_another_records_person() -> None:
    bits = FieldEncoder(KEY).encode("a", "x", PlainRecord("A", "B")).bits
    weights, persons = pprl_counts._persons(
        [Encoding("a", "p1", bits), Encoding("a", "x", bits, "p1"), Encoding("a", "y", bits, "p1")]
    )
    assert weights.tolist() == [1.0, 0.5, 0.5]
    assert persons[1] == persons[2] != persons[0]


def test_every_pair_of_organisations_gets_a_count() -> None:
    encodings, _, _ = _population(600, seed=7)
    stranger = FieldEncoder(KEY).encode("consulate", "1", PlainRecord("Цой", "Виктор"))
    counts = estimate_overlap([*encodings, stranger])
    assert set(counts) == {
        frozenset(pair)
        for pair in (("police", "ngo"), ("police", "consulate"), ("ngo", "consulate"))
    }
    assert counts[frozenset({"police", "consulate"})] < 0.5  # less than one child
    assert counts[frozenset({"ngo", "consulate"})] < 0.5


def test_family_ratio_measures_region_agreement_of_namesakes_born_the_same_day() -> None:
    # One organisation's own persons with close names: twins share the birth date and the
    # region; namesakes born years apart share a region by chance (here one in four).
    encoder = FieldEncoder(KEY)
    rng = random.Random(4)
    records = []
    for i in range(400):
        # days after the 12th: no other date has the same unordered day/month
        born = date(2008 + i // 180, 1 + i % 12, 13 + (i // 12) % 15)
        region = f"r{i % 4}"
        for twin in ("Aigerim", "Aizhan"):  # same day, same region
            records.append(PlainRecord("Serikova", twin, born, region=region))
        apart = born.replace(year=born.year + 8)  # years on, a chance region
        records.append(PlainRecord("Serikova", "Aigul", apart, region=f"r{rng.randrange(4)}"))
    encodings = [
        encoder.encode("police", f"p{i}", record, f"person{i}") for i, record in enumerate(records)
    ]
    fields = pprl_counts._fields(encodings)
    a, b = np.triu_indices(len(encodings), k=1)
    ratio = pprl_counts._family_region_ratio(fields, a, b, np.ones(len(a)))
    assert ratio[pprl_counts.APART] == pytest.approx(1.0)
    # twins agree always, against about 1/4 apart: near 4 (the prior pulls it a little to 1)
    assert 3.0 < ratio[1] < 4.5, ratio


def test_lsh_finds_most_pairs_just_above_the_name_floor() -> None:
    # Two spellings of one child, each with a typo, are about as similar as the floor allows:
    # a pair LSH misses is a shared child never counted. Rows that agree on 83% of their bits
    # (sampled bits agree with that chance, as on name filters of Dice 0.83) must mostly meet.
    rng = np.random.default_rng(3)
    pairs = 300
    first = rng.integers(0, 256, size=(pairs, NAME_BYTES), dtype=np.uint8)
    flips = np.packbits(rng.random((pairs, NAME_BYTES * 8)) < 0.17, axis=1)
    names = np.concatenate((first, first ^ flips))
    a, b = pprl_counts._candidate_arrays(
        names, pprl_counts.LSH_BANDS, pprl_counts.LSH_BITS_PER_BAND, 0
    )
    found = np.isin(np.arange(pairs) * len(names) + np.arange(pairs) + pairs, a * len(names) + b)
    # 80 bands of 20 bits: 1 - (1 - 0.83**20)**80 = 0.86 expected (40 bands: 0.62)
    assert found.mean() > 0.78, found.mean()
