"""The matcher: Jaro-Winkler on code points, comparison levels, blocking, EM, term frequencies,
matching across scripts, and explanations. Fast: the fitted model is shared by the module."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linkage import features as F
from qorgau.linkage.canonical import primary_key
from qorgau.linkage.features import Name, Record, as_record, record_features
from qorgau.linkage.matcher import (
    BIRTH,
    GIVEN,
    REGION,
    SEX,
    SURNAME,
    LinkResult,
    Matcher,
    MatcherConfig,
    ScoredPair,
    blocking_keys,
    cluster,
    expectation_maximisation,
)
from qorgau.linkage.names import parse_name
from qorgau.linkage.reference_spellings import COMMON_GIVEN_NAMES, COMMON_SURNAMES, bgn, icao
from qorgau.linkage.similarity import jaro, jaro_winkler, within_one_edit

# --- Jaro-Winkler on code points ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Winkler's examples
        ("MARTHA", "MARHTA", 0.961111),
        ("DWAYNE", "DUANE", 0.84),
        ("DIXON", "DICKSONX", 0.813333),
        # Cyrillic, one code point per letter
        ("Жумабаев", "Жумабаева", 0.977778),
        ("Марат", "Мурат", 0.88),
        ("Айгерим", "Айгуль", 0.642857),
        ("Әсел", "Асель", 0.783333),
        # Different scripts share no code point
        ("Жанна", "Zhanna", 0.0),
        ("", "Анна", 0.0),
        ("Анна", "Анна", 1.0),
    ],
)
def test_jaro_winkler_known_values(a: str, b: str, expected: float) -> None:
    assert jaro_winkler(a, b) == pytest.approx(expected, abs=1e-6)


def test_cyrillic_is_compared_by_code_point_not_by_utf8_byte() -> None:
    # In UTF-8 every letter of these names starts with the byte 0xD0 or 0xD1, so a byte-level
    # comparison finds matches that are not there and counts each name twice as long.
    a, b = "Жанар", "Самат"
    as_bytes = (a.encode().decode("latin-1"), b.encode().decode("latin-1"))
    assert len(a) == 5 and len(as_bytes[0]) == 10
    assert jaro_winkler(a, b) == pytest.approx(0.6)
    assert jaro_winkler(*as_bytes) > jaro_winkler(a, b) + 0.1


@given(st.text(max_size=12), st.text(max_size=12))
def test_jaro_winkler_is_a_symmetric_similarity(a: str, b: str) -> None:
    score = jaro_winkler(a, b)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(jaro_winkler(b, a))
    assert jaro(a, b) <= score + 1e-12
    if a == b:
        assert score == 1.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Жумабаев", "Жумабаев", True),
        ("Жумабаев", "Жумобаев", True),  # substitution
        ("Жумабаев", "Жумаабаев", True),  # double tap
        ("Жумабаев", "Жмабаев", True),  # dropped letter
        ("Жумабаев", "Жуамбаев", True),  # neighbours swapped
        ("Жумабаев", "Жуамбаева", False),
        ("abc", "cab", False),
    ],
)
def test_within_one_edit(a: str, b: str, expected: bool) -> None:
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


# --- Comparison levels ---------------------------------------------------------------------------


def features(record_id: str, name: str, **fields: Any) -> F.RecordFeatures:
    return record_features(as_record({"id": record_id, "names": [name], **fields}))


def name_levels(a: str, b: str) -> tuple[int, int, int, bool]:
    result = F.compare_names(features("a", a).names, features("b", b).names)
    return result.surname, result.given, result.patronymic, result.swapped


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Same person in three scripts: same canonical keys
        ("Жумабаев Кайрат", "ZHUMABAEV KAIRAT", (F.NAME_EXACT, F.NAME_EXACT)),
        # Kazakh form without the suffix, and the feminine form: the stem is shared
        ("Жанбулат Айгерім", "Zhanbulatova Aigerim", (F.NAME_SHARED, F.NAME_EXACT)),
        # A slip in the given name: similar skeletons
        ("Сулейменов Нурсултан", "Suleimenov Nursulatn", (F.NAME_EXACT, F.NAME_JW_HIGH)),
        # Different people
        ("Ахметов Марат", "Кузнецов Мурат", (F.NAME_ELSE, F.NAME_JW_LOW)),
    ],
)
def test_name_levels(a: str, b: str, expected: tuple[int, int]) -> None:
    assert name_levels(a, b)[:2] == expected


def test_swapped_order_is_read_crosswise() -> None:
    surname, given_level, _, swapped = name_levels("Цой Виктор", "Viktor Tsoi")
    assert (surname, given_level, swapped) == (F.NAME_EXACT, F.NAME_EXACT, True)


def test_patronymics_compare_by_the_fathers_name() -> None:
    # Russian -ович and Kazakh -ұлы forms of the same father's name
    _, _, patronymic, _ = name_levels("Жумабаев Кайрат Серикович", "Жұмабаев Қайрат Серікұлы")
    assert patronymic == F.NAME_SHARED
    assert name_levels("Жумабаев Кайрат", "Жумабаев Кайрат Серикович")[2] == F.MISSING


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"birth_date": "2012-03-05"}, {"birth_date": "2012-03-05"}, F.BIRTH_EXACT),
        ({"birth_date": "2012-03-05"}, {"birth_date": "2012-05-03"}, F.BIRTH_SWAPPED),
        ({"birth_date": "2012-03-05"}, {"birth_date": "2012-03-15"}, F.BIRTH_ONE_PART),
        ({"birth_date": "2012-03-05"}, {"birth_date": "2013-03-05"}, F.BIRTH_ONE_PART),
        ({"birth_date": "2012-01-01"}, {"birth_date": "2012-08-19"}, F.BIRTH_PLACEHOLDER),
        (
            {"age": (11, 12), "recorded_on": "2024-06-01"},
            {"birth_date": "2012-08-19"},
            F.BIRTH_OVERLAP,
        ),
        (
            {"age": 10, "recorded_on": "2024-06-01"},
            {"birth_date": "2012-08-19"},
            F.BIRTH_NEAR_YEAR,
        ),
        ({"birth_date": "2012-03-05"}, {"birth_date": "2015-07-19"}, F.BIRTH_ELSE),
        ({"birth_date": "2012-03-05"}, {}, F.MISSING),
    ],
)
def test_birth_date_levels(a: dict[str, Any], b: dict[str, Any], expected: int) -> None:
    assert F.birth_level(features("a", "A", **a).birth, features("b", "B", **b).birth) == expected


def test_records_come_from_dicts_too() -> None:
    record = as_record(
        {
            "id": 7,
            "names": [("Жұмабаев Айгерим", "kk-Cyrl"), "ZHUMABAEVA AIGERIM"],
            "birth_date": "2012-03-05",
            "sex": "f",
            "mother": "Гүлнар",
        }
    )
    assert record.id == "7"
    assert record.names == (Name("Жұмабаев Айгерим", "kk-Cyrl"), Name("ZHUMABAEVA AIGERIM"))
    assert record.birth_date == date(2012, 3, 5)
    assert record.other == {"mother": "Гүлнар"}


def test_kazakh_latin_dotless_i_suffix_does_not_break_parsing() -> None:
    # re.IGNORECASE matched "in" against "ın" and the suffix table lookup failed.
    assert parse_name("Mūsın Aıgerım").surname == "Mūsın"


# --- Blocking ----------------------------------------------------------------------------------


def test_blocking_meets_across_scripts_order_and_one_slip() -> None:
    base = blocking_keys(features("a", "Жұмабаев Айгерим"))
    assert base & blocking_keys(features("b", "Aigerim Zhumabaeva"))
    assert base & blocking_keys(features("c", "Жумабаев Айгерим"))
    assert base & blocking_keys(features("d", "Жумабаев Айгреим"))  # two letters swapped
    assert not base & blocking_keys(features("e", "Кузнецов Иван"))


def test_a_name_of_one_word_meets_on_the_birth_date() -> None:
    alone = blocking_keys(features("a", "Айгерим", birth_date="2012-03-05"))
    assert alone & blocking_keys(features("b", "Zhumabaeva Aigerim", birth_date="2012-03-05"))
    assert alone & blocking_keys(features("c", "Жумабаева Айгерим", birth_date="2012-05-03"))
    assert not alone & blocking_keys(features("d", "Жумабаева Айгерим", birth_date="2013-03-05"))


# --- A small population ------------------------------------------------------------------------

_REGIONS = ("Астана", "Алматы", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар")


def _feminine(surname: str) -> str:
    for male, female in (("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def _without_suffix(surname: str) -> str:
    """The Kazakh form: Жанбулатов -> Жанбулат, Жумабаева -> Жумабай."""
    for suffix in ("ова", "ева", "ов", "ев"):
        if surname.endswith(suffix):
            stem = surname[: -len(suffix)]
            return stem + "й" if suffix[0] == "е" and stem[-1] in "аоуы" else stem
    return surname


def _slip(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def population(children: int = 260, seed: int = 5) -> list[Record]:
    """Children recorded in Cyrillic, in ICAO capitals and in BGN Latin, some twice, with slips,
    1 January placeholders, age estimates and missing dates. Ids: c<child>-<n>."""
    rng = random.Random(seed)
    given_names = list(COMMON_GIVEN_NAMES)
    surnames = list(COMMON_SURNAMES[:60])
    weights = [1 / (i + 3) for i in range(len(surnames))]
    records = []
    for child in range(children):
        sex = rng.choice("mf")
        surname = rng.choices(surnames, weights)[0]
        surname = _feminine(surname) if sex == "f" else surname
        given_name = rng.choice(given_names)
        born = date.fromordinal(
            rng.randint(date(2008, 1, 1).toordinal(), date(2020, 1, 1).toordinal())
        )
        region = rng.choice(_REGIONS)
        copies = rng.choice((1, 2, 2, 3))
        for copy in range(copies):
            system = (lambda s: s, icao, bgn)[copy % 3]
            written = _without_suffix(surname) if rng.random() < 0.15 else surname
            name = f"{system(written)} {system(given_name)}"
            if rng.random() < 0.15:
                name = _slip(name, rng)
            if rng.random() < 0.2:
                name = f"{system(given_name)} {system(written)}"
            fields: dict[str, Any] = {"sex": sex, "region": region}
            roll = rng.random()
            if roll < 0.1:
                pass
            elif roll < 0.2:
                fields["birth_date"] = date(born.year, 1, 1)
            elif roll < 0.3:
                age = 2024 - born.year - ((born.month, born.day) > (6, 1))  # on 1 June 2024
                low = age - rng.choice((0, 1))
                fields.update(age_min=low, age_max=low + 1, recorded_on=date(2024, 6, 1))
            else:
                fields["birth_date"] = born
            if rng.random() < 0.15:
                fields["region"] = rng.choice(_REGIONS)
            records.append(as_record({"id": f"c{child:04d}-{copy}", "names": [name], **fields}))
    rng.shuffle(records)
    return records


# The curated multi-script child, and a different child with a similar name.
CURATED = [
    {"id": "k-social", "names": [("Жұмабаев Айгерим", "kk-Cyrl")], "birth_date": "2012-03-05",
     "sex": "f", "region": "Астана"},
    {"id": "k-passport", "names": [("ZHUMABAEVA AIGERIM", "Latn")], "birth_date": "2012-03-05",
     "sex": "f", "region": "Астана"},
    # "Aigerim Jumabaeva, 2012": only the year, written as the 1 January placeholder
    {"id": "k-ngo", "names": [("Aigerim Jumabaeva", "Latn")], "birth_date": "2012-01-01",
     "region": "Алматы"},
    {"id": "other-girl", "names": [("Жумабаева Айгерим", "ru-Cyrl")], "birth_date": "2015-07-19",
     "sex": "f", "region": "Астана"},
]  # fmt: skip

CONFIG = MatcherConfig(u_pairs=40_000, em_pairs=40_000, threshold=0.9)


@pytest.fixture(scope="module")
def linked() -> LinkResult:
    return Matcher(CONFIG).link([*population(), *(as_record(r) for r in CURATED)])


def test_em_learns_that_matches_agree_more_than_non_matches(linked: LinkResult) -> None:
    parameters = linked.model.parameters
    for k in (SURNAME, GIVEN, BIRTH, SEX, REGION):
        m, u = parameters.m[k], parameters.u[k]
        assert m[0] > 0.5, parameters.specs[k].name
        assert m[0] / u[0] > 1.5, parameters.specs[k].name
        assert m[-1] < u[-1], parameters.specs[k].name  # disagreement counts against a match
        assert sum(m) == pytest.approx(1) and sum(u) == pytest.approx(1)
    sessions = {s["session"]: s for s in parameters.em_sessions}
    assert set(sessions) == {"A", "B"}
    assert all(s["iterations"] < CONFIG.em_max_iterations for s in sessions.values())
    # The prior: expected matching pairs, from session B, near the true count.
    true_pairs = _true_pairs(population())
    assert 0.5 * len(true_pairs) < linked.stats["expected_matching_pairs"] < 1.5 * len(true_pairs)


def _true_pairs(records: list[Record]) -> set[tuple[str, str]]:
    by_child: dict[str, list[str]] = {}
    for record in records:
        by_child.setdefault(record.id.split("-")[0], []).append(record.id)
    return {(a, b) for ids in by_child.values() for a in ids for b in ids if a < b}


def test_it_finds_most_pairs_of_the_population_and_few_wrong_ones(linked: LinkResult) -> None:
    truth = _true_pairs(population())
    predicted = {
        (min(p.left, p.right), max(p.left, p.right))
        for p in linked.pairs
        if p.probability >= 0.5 and p.left[0] == p.right[0] == "c"
    }
    hits = len(predicted & truth)
    assert hits / len(truth) > 0.85
    assert hits / len(predicted) > 0.9


def test_the_same_child_in_three_scripts_is_one_cluster(linked: LinkResult) -> None:
    clusters = {record_id: tuple(c) for c in linked.clusters for record_id in c}
    assert clusters["k-social"] == clusters["k-passport"] == clusters["k-ngo"]
    # A different girl with a similar name and another birth date stays apart.
    assert "other-girl" not in clusters["k-social"]


def test_explanation_lists_each_fields_contribution(linked: LinkResult) -> None:
    explanation = linked.model.explain(as_record(CURATED[0]), as_record(CURATED[2]))
    fields = {c.field: c for c in explanation.fields}
    assert list(fields) == ["surname", "given name", "patronymic", "birth date", "sex", "region"]
    assert fields["surname"].level == "shared key or stem"  # Жұмабаев / Jumabaeva
    assert "zhumaba" in fields["surname"].compared
    assert fields["given name"].level == "same canonical key"
    assert fields["birth date"].level == "1 January placeholder, same year"
    assert fields["sex"].level == "missing" and fields["sex"].weight == 0
    assert fields["patronymic"].level == "missing"
    total = explanation.prior_weight + sum(
        c.weight + c.term_frequency_adjustment for c in explanation.fields
    )
    assert explanation.match_weight == pytest.approx(total)
    assert explanation.probability > 0.5  # no sex, another region: weaker than the passport
    assert any("birth date: 1 January placeholder" in line for line in explanation.lines())

    apart = linked.model.explain(as_record(CURATED[0]), as_record(CURATED[3]))
    assert {c.field: c.level for c in apart.fields}["birth date"] == "different"
    assert apart.probability < 0.5


def test_rare_surname_agreement_weighs_more_than_a_common_one(linked: LinkResult) -> None:
    counts = linked.model.parameters.key_counts
    common = max(
        (s for s in COMMON_SURNAMES[:60] if s.endswith("ов")),
        key=lambda s: counts.get(primary_key(s), 0),
    )
    assert counts[primary_key(common)] > 10 * counts.get(primary_key("Щербаков"), 0)
    base = {"birth_date": "2011-02-03", "sex": "m", "region": "Астана"}
    common_pair = linked.model.explain(
        {"id": "a", "names": [f"{common} Арман"], **base},
        {"id": "b", "names": [f"{icao(common)} ARMAN"], **base},
    )
    rare_pair = linked.model.explain(
        {"id": "a", "names": ["Щербаков Арман"], **base},
        {"id": "b", "names": ["SHCHERBAKOV ARMAN"], **base},
    )
    common_surname = common_pair.fields[SURNAME]
    rare_surname = rare_pair.fields[SURNAME]
    assert common_surname.level == rare_surname.level == "same canonical key"
    assert rare_surname.term_frequency_adjustment > common_surname.term_frequency_adjustment
    assert rare_pair.match_weight > common_pair.match_weight


def test_linking_is_deterministic() -> None:
    records = population(children=60, seed=11)
    config = MatcherConfig(u_pairs=5_000, em_pairs=5_000)
    first = Matcher(config).link(records)
    again = Matcher(config).link(list(records))
    assert first.pairs == again.pairs
    assert first.clusters == again.clusters


def test_link_type_link_only_pairs_records_from_different_sources() -> None:
    records = [
        Record("a1", (Name("Жумабаев Кайрат"),), source="police"),
        Record("a2", (Name("Жумабаев Кайрат"),), source="police"),
        Record("b1", (Name("ZHUMABAEV KAIRAT"),), source="passport"),
    ]
    result = Matcher(MatcherConfig(link_type="link", u_pairs=100)).link(records)
    assert result.pairs_scored == 2
    assert {(p.left, p.right) for p in result.pairs} <= {("a1", "b1"), ("a2", "b1")}


def test_clusters_are_the_connected_pairs_above_the_threshold() -> None:
    pairs = [
        ScoredPair("a", "b", 5.0, 0.97),
        ScoredPair("b", "c", 4.0, 0.95),
        ScoredPair("d", "e", 1.0, 0.6),
    ]
    assert cluster(["a", "b", "c", "d", "e"], pairs, 0.9) == [["a", "b", "c"], ["d"], ["e"]]


def _union_find_clusters(
    ids: list[str], pairs: list[ScoredPair], threshold: float
) -> list[list[str]]:
    parent = {x: x for x in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for pair in pairs:
        if pair.probability >= threshold:
            a, b = find(pair.left), find(pair.right)
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for x in ids:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(
            st.permutations([f"r{k:02d}" for k in range(n)]),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0, 1)),
                max_size=60,
            ),
        )
    )
)
def test_clusters_are_those_of_union_find(
    case: tuple[list[str], list[tuple[int, int, float]]],
) -> None:
    ids, edges = case
    pairs = [ScoredPair(ids[a], ids[b], 0.0, p) for a, b, p in edges if a != b]
    assert cluster(ids, pairs, 0.5) == _union_find_clusters(ids, pairs, 0.5)


def test_expectation_maximisation_recovers_a_known_mixture() -> None:
    # Two binary comparisons; matches agree 90% and 80% of the time, non-matches 10% and 5%.
    m_true, u_true, share = ((0.9, 0.1), (0.8, 0.2)), ((0.1, 0.9), (0.05, 0.95)), 0.3
    patterns: dict[tuple[int, ...], int] = {}
    for a in (0, 1):
        for b in (0, 1):
            p = share * m_true[0][a] * m_true[1][b] + (1 - share) * u_true[0][a] * u_true[1][b]
            patterns[(a, b)] = round(p * 100_000)
    m, prior, _ = expectation_maximisation(
        patterns, [[0.6, 0.4], [0.6, 0.4]], [list(u) for u in u_true], [0, 1]
    )
    assert prior == pytest.approx(share, abs=0.01)
    assert m[0][0] == pytest.approx(0.9, abs=0.01)
    assert m[1][0] == pytest.approx(0.8, abs=0.01)
