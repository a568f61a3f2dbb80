"""The batch path on arrays agrees with the one-pair reference code, pair by pair: blocking,
comparison levels and term frequencies (vectorised.py against features.py and blocking_keys)."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linkage import features as features_module
from qorgau.linkage import matcher, vectorised
from qorgau.linkage.features import RecordFeatures, as_record, record_features
from qorgau.linkage.matcher import (
    BlockingStats,
    Matcher,
    MatcherConfig,
    ModelParameters,
    _compare_all,
    blocking_keys,
    candidate_pairs,
    comparison_vector,
)
from qorgau.linkage.similarity import jaro_winkler, within_one_edit
from qorgau.linkage.tests.test_matcher import population


def _reference_pairs(features: list[RecordFeatures], config: MatcherConfig) -> list[int]:
    """Candidate pairs the plain way: files of record numbers per blocking key string."""
    n = len(features)
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(features):
        for key in blocking_keys(f, config.block_on_other, config.block_on_birth_date):
            blocks[key].append(index)
    one_word = [all(len(name.words) < 2 for name in f.names) for f in features]
    pairs = set()
    for key, members in blocks.items():
        if len(members) > config.max_block_size:
            continue
        for i, j in itertools.combinations(members, 2):
            if (
                config.link_type == "link"
                and features[i].record.source == features[j].record.source
            ):
                continue
            if key.startswith("k|") and not (one_word[i] or one_word[j]):
                continue
            pairs.add(i * n + j)
    return sorted(pairs)


def _mixed_records() -> list[RecordFeatures]:
    """The test population, plus records of several names, one word, other fields, sources."""
    rng = random.Random(3)
    records = population(children=120, seed=11)
    extra = [
        {"id": "m1", "names": ["Жумабаев Кайрат", "KAIRAT ZHUMABAYEV"], "birth_date": "2011-04-03"},
        {"id": "m2", "names": ["Zhumabaev Kairat Serikovich"], "birth_date": "2011-03-04"},
        {"id": "m3", "names": ["Кайрат"], "birth_date": "2011-04-03", "other": {"doc": "N123"}},
        {"id": "m4", "names": ["Қайрат Жұмабай", "Kairat"], "age": (12, 13),
         "recorded_on": "2024-05-01", "other": {"doc": "N124"}},
        {"id": "m5", "names": [], "birth_date": "2011-04-03", "other": {"doc": "N123"}},
        {"id": "m6", "names": ["Цой Виктор"], "birth_date": "2011-01-01", "sex": "m"},
        {"id": "m7", "names": ["Viktor Tsoi"], "birth_date": "2011-06-21", "sex": "m"},
    ]  # fmt: skip
    out = [as_record(r) for r in records] + [as_record(r) for r in extra]
    sources = ("police", "social", "ngo")
    out = [
        as_record(
            {
                "id": r.id,
                "names": [(n.text, n.script) for n in r.names],
                "birth_date": r.birth_date,
                "age_min": r.age_min,
                "age_max": r.age_max,
                "recorded_on": r.recorded_on,
                "sex": r.sex,
                "region": r.region,
                "source": rng.choice(sources),
                "other": {"doc": r.other.get("doc") or rng.choice(("N1", "N2", "M1", ""))},
            }
        )
        for r in out
    ]
    return [record_features(r, ("doc",)) for r in out]


@pytest.mark.parametrize(
    "config",
    [
        MatcherConfig(),
        MatcherConfig(link_type="link", block_on_birth_date=True, block_on_other=("doc",)),
        MatcherConfig(max_block_size=5),
    ],
)
def test_blocking_on_codes_finds_exactly_the_pairs_of_the_key_strings(
    config: MatcherConfig,
) -> None:
    features = _mixed_records()
    assert candidate_pairs(features, config, ("doc",)) == _reference_pairs(features, config)


def test_comparisons_on_arrays_equal_the_reference_for_every_pair() -> None:
    features = _mixed_records()
    n = len(features)
    key_counts: defaultdict[str, int] = defaultdict(int)
    for f in features:
        for key in f.name_keys:
            key_counts[key] += 1
    value_counts = [{"N1": 7, "N2": 3, "N123": 2}]
    params = ModelParameters(
        specs=(), m=[], u=[], prior=0.1, key_counts=dict(key_counts), value_counts=value_counts
    )
    pairs = [i * n + j for i in range(n) for j in range(i + 1, n)]
    table = vectorised.RecordTable(features)
    compared = _compare_all(table, features, pairs, params)
    checked_several = 0
    for index, pair in enumerate(pairs):
        i, j = divmod(pair, n)
        vector, found = comparison_vector(features[i], features[j], key_counts, value_counts)
        assert compared.patterns[compared.pattern_ids[index]] == vector, (i, j)
        expected = dict(found)
        for k, column in compared.frequencies.items():
            assert column[index] == expected.get(k, 0), (i, j, k)
        checked_several += len(features[i].names) > 1 or len(features[j].names) > 1
    assert checked_several  # the reference path for records of several names ran too
    # Without counts: the same vectors, no frequencies.
    plain = _compare_all(table, features, pairs)
    assert not plain.frequencies
    assert [plain.patterns[p] for p in plain.pattern_ids] == [
        compared.patterns[p] for p in compared.pattern_ids
    ]


_TEXT = st.text(alphabet="aeiokrstnzhжакнсәұ", max_size=9)


def _repeated_records() -> list[RecordFeatures]:
    """Names written the same way several times (records in one blocking group), in several
    sources and with several names, so that the groups' weights decide the skipped blocks."""
    rng = random.Random(5)
    base = _mixed_records()
    out = []
    for index, f in enumerate(base[:60]):
        for copy in range(rng.choice((1, 1, 2, 3, 5))):
            r = f.record
            names = [(n.text, n.script) for n in r.names]
            if copy == 2 and names:
                names.append(("Kairat Zhumabayev", "Latn"))
            out.append(
                as_record(
                    {
                        "id": f"{r.id}-{index}-{copy}",
                        "names": names,
                        "birth_date": r.birth_date if copy != 1 else None,
                        "source": rng.choice(("police", "social")),
                    }
                )
            )
    return [record_features(r) for r in out]


@pytest.mark.parametrize(
    "config",
    [
        MatcherConfig(),
        MatcherConfig(link_type="link"),
        MatcherConfig(max_block_size=2),
        MatcherConfig(max_block_size=4, link_type="link", block_on_birth_date=True),
    ],
)
def test_blocking_by_groups_of_records_with_the_same_names_finds_the_key_strings_pairs(
    config: MatcherConfig,
) -> None:
    features = _repeated_records()
    assert len({f.names for f in features}) < len(features) * 0.7  # groups of several records
    stats = BlockingStats()
    pairs = candidate_pairs(features, config, (), stats)
    assert pairs == _reference_pairs(features, config)
    keys: defaultdict[str, int] = defaultdict(int)
    for f in features:
        for key in blocking_keys(f, config.block_on_other, config.block_on_birth_date):
            keys[key] += 1
    too_big = [size for size in keys.values() if size > config.max_block_size]
    assert (stats.keys, stats.skipped_blocks, stats.skipped_records) == (
        len(keys),
        len(too_big),
        sum(too_big),
    )


@given(st.lists(st.tuples(_TEXT, _TEXT), max_size=30))
def test_many_at_once_equals_one_at_a_time(pairs: list[tuple[str, str]]) -> None:
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    similarity = vectorised.jaro_winkler_many(left, right)
    edits = vectorised.within_one_edit_many(left, right)
    for index, (a, b) in enumerate(pairs):
        assert similarity[index] == pytest.approx(jaro_winkler(min(a, b), max(a, b)), abs=1e-12)
        assert bool(edits[index]) == within_one_edit(a, b)


@given(st.lists(st.integers(min_value=1, max_value=7), max_size=12))
def test_block_pairs_are_every_pair_inside_each_block(sizes: list[int]) -> None:
    starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64) if sizes else np.empty(0, np.int64)
    left, right = vectorised._block_pairs(starts, np.array(sizes, dtype=np.int64))
    expected = {
        (start + x, start + y)
        for start, size in zip(starts.tolist(), sizes, strict=True)
        for x, y in itertools.combinations(range(size), 2)
    }
    got = list(zip(left.tolist(), right.tolist(), strict=True))
    assert len(got) == len(expected)
    assert set(got) == expected


def test_birth_levels_cover_swaps_placeholders_estimates_and_missing() -> None:
    rows = [
        {"id": "a", "birth_date": date(2011, 4, 3)},
        {"id": "b", "birth_date": date(2011, 3, 4)},
        {"id": "c", "birth_date": date(2011, 1, 1)},
        {"id": "d", "age": (12, 13), "recorded_on": date(2024, 5, 1)},
        {"id": "e"},
        {"id": "f", "birth_date": date(2012, 4, 3)},
        {"id": "g", "birth_date": date(2014, 9, 30)},
    ]
    features = [record_features(as_record(r)) for r in rows]
    table = vectorised.RecordTable(features)
    n = len(features)
    i, j = np.array([(a, b) for a in range(n) for b in range(n)]).T
    levels = table.birth_levels(i, j)
    from qorgau.linkage.features import birth_level

    for index in range(len(i)):
        assert levels[index] == birth_level(features[i[index]].birth, features[j[index]].birth)


def test_the_forked_stages_give_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    records = population(children=80, seed=9)
    one = Matcher(MatcherConfig()).link(records)
    # Fork at any size: names parsed in two processes, candidate pairs found in a forked one
    # while this one prepares, and the candidate pairs compared half and half.
    monkeypatch.setattr(matcher, "_PARALLEL_NAMES", 1)
    monkeypatch.setattr(matcher, "_PARALLEL_BLOCKING", 1)
    monkeypatch.setattr(matcher, "_PARALLEL_PAIRS", 1)
    fresh = _fresh_name_cache(monkeypatch)
    two = Matcher(MatcherConfig(workers=2)).link(records)
    assert {"names parsed in parallel", "blocking (waited for)"} <= two.stats["seconds"].keys()
    assert len(fresh) == len({name.text for r in records for name in r.names})
    assert two.pairs_scored == one.pairs_scored
    assert two.pairs == one.pairs
    assert two.clusters == one.clusters
    assert two.model.parameters.to_dict() == one.model.parameters.to_dict()


def test_names_parsed_from_the_start_in_a_forked_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plain dicts in every form of name that as_record reads: the forked process reads the
    # names from the rows themselves, while this one turns them into records.
    rows: list[dict[str, object]] = [
        {"id": "a", "names": "Серікұлы Айдос Нұрланұлы", "birth_date": "2012-03-04"},
        {"id": "b", "names": [("SERIKULY AIDOS", "Latn")], "birth_date": "2012-03-04"},
        {"id": "c", "names": [{"text": "Иванова Анна", "script": "ru-Cyrl"}], "sex": "F"},
        {"id": "d", "names": [features_module.Name("IVANOVA ANNA", "Latn")], "sex": "F"},
        {"id": "e", "names": ["Ахметов Ерлан", "AKHMETOV YERLAN"], "age": 12},
        {"id": "f", "names": []},
    ]
    as_records = [as_record(r) for r in rows]
    assert [features_module.record_names(r) for r in rows] == [r.names for r in as_records]
    one = Matcher(MatcherConfig()).link(as_records)
    monkeypatch.setattr(matcher, "_PARALLEL_NAMES", 2)
    fresh = _fresh_name_cache(monkeypatch)
    started = _recorded_forks(monkeypatch)
    two = Matcher(MatcherConfig(workers=2)).link(rows)
    assert len(started) == 1  # forked before the rows became records
    assert len(fresh) == len({(n.text, n.script) for r in as_records for n in r.names})
    assert two.pairs == one.pairs
    assert two.clusters == one.clusters


def test_names_parsed_in_one_process_when_there_are_few(monkeypatch: pytest.MonkeyPatch) -> None:
    # Enough rows to fork at once, but too few distinct names: both processes see it, the
    # forked one returns nothing and this one parses every name.
    once = population(children=30, seed=4)
    records = once + [dataclasses.replace(r, id=f"{r.id}-again") for r in once]
    distinct = len({(n.text, n.script) for r in records for n in r.names})
    monkeypatch.setattr(matcher, "_PARALLEL_NAMES", distinct + 1)
    assert matcher._parse_share(records, 1, 2) is None
    assert len(records) >= distinct + 1
    fresh = _fresh_name_cache(monkeypatch)
    two = Matcher(MatcherConfig(workers=2)).link(records)
    one = Matcher(MatcherConfig()).link(records)
    assert len(fresh) == distinct
    assert two.pairs == one.pairs


def test_forked_name_parsing_stops_when_the_records_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matcher, "_PARALLEL_NAMES", 1)
    started = _recorded_forks(monkeypatch)
    rows = [{"id": "same", "names": ["Иванова Анна"]}, {"id": "same", "names": ["Петров Иван"]}]
    with pytest.raises(ValueError, match="record ids must be unique"):
        Matcher(MatcherConfig(workers=2)).link(rows)
    assert len(started) == 1
    assert not started[0]._process.is_alive()


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=2, max_value=4))
def test_the_shares_of_names_split_them_all_once(count: int, workers: int) -> None:
    names = [(f"name {k:04d}", None) for k in range(count)]
    shares = [matcher._share(names, start, workers) for start in range(workers)]
    assert sorted(itertools.chain(*shares)) == names  # each name in exactly one share, sorted
    assert all(share == sorted(share) for share in shares)
    # This process, which also builds the records, takes 9 names in each cycle, the others 11.
    cycle = 9 + 11 * (workers - 1)
    full = [matcher._share(names[: count - count % cycle], s, workers) for s in range(workers)]
    assert [len(share) for share in full] == [9 * (count // cycle)] + [11 * (count // cycle)] * (
        workers - 1
    )


def _fails(message: str) -> None:
    raise ValueError(message)


def test_a_forked_function_returns_its_result_or_raises_its_error() -> None:
    assert matcher._InFork(divmod, 17, 5).result() == (3, 2)
    with pytest.raises(ValueError, match="no such record"):
        matcher._InFork(_fails, "no such record").result()
    unused = matcher._InFork(divmod, 1, 1)
    unused.close()  # stopped without taking its result


def _fresh_name_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> dict[tuple[str, str | None], features_module.NameFeatures]:
    """An empty name cache for this test, the one both modules file parsed names in."""
    fresh: dict[tuple[str, str | None], features_module.NameFeatures] = {}
    monkeypatch.setattr(features_module, "_NAME_CACHE", fresh)
    monkeypatch.setattr(matcher, "_NAME_CACHE", fresh)
    return fresh


def _recorded_forks(monkeypatch: pytest.MonkeyPatch) -> list[matcher._InFork]:
    """The name-parsing processes the next links start, as they start them."""
    started: list[matcher._InFork] = []
    start = matcher._start_parsing_names

    def recording(*args: object) -> list[matcher._InFork]:
        forks = start(*args)  # type: ignore[arg-type]
        started.extend(forks)
        return forks

    monkeypatch.setattr(matcher, "_start_parsing_names", recording)
    return started
