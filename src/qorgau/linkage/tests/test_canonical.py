"""The canonicaliser: spellings of one name meet, different names stay apart, keys are stable."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linkage.canonical import (
    CANONICALISER_VERSION,
    MAX_KEYS,
    SKELETON_RE,
    _canonical_keys,
    canonical_keys,
    fold,
    primary_key,
)
from qorgau.linkage.names import surname_stem_keys
from qorgau.linkage.reference_spellings import (
    COMMON_GIVEN_NAMES,
    COMMON_SURNAMES,
    DISTINCT_PAIRS,
    GROUPS,
    NameGroup,
)
from qorgau.linkage.reference_spellings import SYSTEMS as REFERENCE_SYSTEMS

# Below this share of pairs of different curated names sharing a key (measured: see the ADR).
FALSE_COLLISION_THRESHOLD = 0.02

KeyFunction = Callable[[str], frozenset[str]]


def keys_for(group: NameGroup) -> KeyFunction:
    """Given names compare whole; surnames by stem, so that Жанбулатов meets Жанбулат."""
    return canonical_keys if group.kind == "given" else surname_stem_keys


def within_group_agreement() -> tuple[int, int]:
    """(spelling pairs that share a key, all spelling pairs) inside the curated groups."""
    agreeing = total = 0
    for group in GROUPS:
        keys = keys_for(group)
        for a, b in itertools.combinations(group.spellings, 2):
            total += 1
            agreeing += bool(keys(a) & keys(b))
    return agreeing, total


def false_collisions() -> tuple[list[tuple[str, str]], int]:
    """Pairs of different curated names (same kind) with a key in common, and all such pairs."""
    union = [frozenset().union(*map(keys_for(g), g.spellings)) for g in GROUPS]
    colliding: list[tuple[str, str]] = []
    total = 0
    for (i, a), (j, b) in itertools.combinations(enumerate(GROUPS), 2):
        if a.kind != b.kind:
            continue
        total += 1
        if union[i] & union[j]:
            colliding.append((a.spellings[0], b.spellings[0]))
    return colliding, total


def generated_spellings(names: tuple[str, ...]) -> dict[str, list[str]]:
    """Each name in Cyrillic and as ICAO, BGN and Kazakh 2021 Latin would write it."""
    return {name: [name, *(system(name) for system in REFERENCE_SYSTEMS)] for name in names}


def generated_false_collisions(names: tuple[str, ...]) -> tuple[int, int]:
    """(pairs of different common names with a key in common over all their spellings, pairs)"""
    spellings = generated_spellings(names)
    union = {name: frozenset().union(*map(canonical_keys, spellings[name])) for name in names}
    colliding = sum(1 for a, b in itertools.combinations(names, 2) if union[a] & union[b])
    return colliding, len(names) * (len(names) - 1) // 2


def test_the_curated_list_is_large_enough() -> None:
    assert len(GROUPS) >= 40
    assert all(4 <= len(group.spellings) <= 8 for group in GROUPS)
    assert len(DISTINCT_PAIRS) >= 30


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.spellings[0])
def test_every_spelling_of_a_name_shares_a_key_with_every_other(group: NameGroup) -> None:
    keys = keys_for(group)
    apart = [(a, b) for a, b in itertools.combinations(group.spellings, 2) if not keys(a) & keys(b)]
    assert apart == [], {spelling: sorted(keys(spelling)) for spelling in group.spellings}


def test_agreement_on_the_curated_groups_is_complete() -> None:
    agreeing, total = within_group_agreement()
    assert agreeing == total


@pytest.mark.parametrize(("a", "b"), DISTINCT_PAIRS, ids="/".join)
def test_different_names_share_no_key(a: str, b: str) -> None:
    assert not canonical_keys(a) & canonical_keys(b), (
        sorted(canonical_keys(a)),
        sorted(canonical_keys(b)),
    )


def test_few_different_curated_names_collide() -> None:
    colliding, total = false_collisions()
    assert len(colliding) / total < FALSE_COLLISION_THRESHOLD, colliding


@pytest.mark.parametrize("names", [COMMON_GIVEN_NAMES, COMMON_SURNAMES], ids=["given", "surname"])
def test_generated_spellings_of_common_names_meet_their_cyrillic(names: tuple[str, ...]) -> None:
    assert len(set(names)) == len(names) >= 150
    apart = [
        (name, spelling)
        for name, spellings in generated_spellings(names).items()
        for spelling in spellings
        if not canonical_keys(name) & canonical_keys(spelling)
    ]
    assert apart == []


@pytest.mark.parametrize("names", [COMMON_GIVEN_NAMES, COMMON_SURNAMES], ids=["given", "surname"])
def test_few_different_common_names_collide_in_any_spelling(names: tuple[str, ...]) -> None:
    colliding, total = generated_false_collisions(names)
    assert colliding / total < FALSE_COLLISION_THRESHOLD


# Each system's own spelling meets the Cyrillic. Letters: ICAO 9303 (Ъ = IE, Й = I), the older
# passport rules (-IY, YU, YA), GOST 7.79 B (x, cz, shh, y', e', `), ISO 9 (ž č š ŝ û â è ë),
# BGN/PCGN (ye-, kh, gh, q, ng), Kazakh Latin 2017 (apostrophes), 2018 (acutes), 2021 (Ä Ğ Q
# Ñ Ö Ū Ü Ş Ç, J = ж), and informal writing.
SYSTEMS: dict[str, list[tuple[str, str]]] = {
    "icao": [
        ("Юлия", "IULIIA"), ("Хасен", "KHASEN"), ("Цой", "TSOI"), ("Щукин", "SHCHUKIN"),
        ("Жанна", "ZHANNA"), ("Чингиз", "CHINGIZ"), ("Шолпан", "SHOLPAN"), ("Рысбек", "RYSBEK"),
        ("Эльвира", "ELVIRA"), ("Яна", "IANA"), ("Айдос", "AIDOS"), ("Подъячев", "PODIEIACHEV"),
        ("Дмитрий", "DMITRII"), ("Жұмабаев", "ZHUMABAEV"),
    ],
    "older passport": [
        ("Юлия", "YULIYA"), ("Дмитрий", "DMITRIY"), ("Яна", "YANA"), ("Юрий", "YURIY"),
        ("Андрей", "ANDREY"), ("Евгений", "YEVGENIY"),
    ],
    "gost 7.79 b": [
        ("Юлия", "Yuliya"), ("Щукин", "Shhukin"), ("Цой", "Czoj"), ("Хасен", "Xasen"),
        ("Рысбек", "Ry'sbek"), ("Эльвира", "E'l`vira"), ("Подъячев", "Pod``yachev"),
        ("Андрей", "Andrej"),
    ],
    "iso 9": [
        ("Юлия", "Ûliâ"), ("Жанна", "Žanna"), ("Чингиз", "Čingiz"), ("Шолпан", "Šolpan"),
        ("Щукин", "Ŝukin"), ("Эльвира", "Èlʹvira"), ("Фёдор", "Fëdor"), ("Андрей", "Andrej"),
        ("Ғалым", "Ġalym"), ("Қайрат", "Ķajrat"),
    ],
    "bgn/pcgn": [
        ("Юлия", "Yuliya"), ("Жанна", "Zhanna"), ("Хасен", "Khasen"), ("Ерлан", "Yerlan"),
        ("Фёдор", "Fëdor"), ("Подъячев", "Podʺyachev"), ("Ғалым", "Ghalym"),
        ("Қайрат", "Qayrat"), ("Шыңғыс", "Shynggys"), ("Әсел", "Äsel"),
    ],
    "kazakh latin 2017": [
        ("Әсел", "A'sel"), ("Ғалым", "G'alym"), ("Өмір", "O'mir"), ("Шынар", "S'ynar"),
        ("Шоқан", "S'oqan"), ("Ұлжан", "Uljan"), ("Үміт", "U'mit"), ("Іңкәр", "In'ka'r"),
        ("Сәуле", "Sa'y'le"), ("Чингиз", "C'ingiz"),
    ],
    "kazakh latin 2018": [
        ("Әсел", "Ásel"), ("Ғалым", "Ǵalym"), ("Өмірзақ", "Ómirzaq"), ("Үміт", "Úmit"),
        ("Іңкәр", "Ińkár"), ("Сәуле", "Sáýle"), ("Қайрат", "Qaırat"), ("Шынар", "Shynar"),
        ("Чингиз", "Chıngız"), ("Жансая", "Jansaıa"),
    ],
    "kazakh latin 2021": [
        ("Әсел", "Äsel"), ("Ғалым", "Ğalym"), ("Өмірзақ", "Ömirzaq"), ("Ұлжан", "Ūljan"),
        ("Үміт", "Ümit"), ("Іңкәр", "Iñkär"), ("Шынар", "Şynar"), ("Чингиз", "Çingiz"),
        ("Жансая", "Jansaia"), ("Хадиша", "Hadişa"), ("Асхат", "Ashat"), ("Ілияс", "İlias"),
    ],
    "informal": [
        ("Жанна", "Janna"), ("Джамиля", "Djamilya"), ("Джамиля", "Jamilya"),
        ("Джамиля", "Dzhamilia"), ("Чингиз", "Tshingiz"), ("Щукин", "Schukin"),
        ("Щукин", "Shchukin"), ("Юлия", "Julia"), ("Юлия", "Iulia"), ("Яна", "Jana"),
        ("Яна", "Ia-na"), ("Хасен", "Hasen"), ("Хасен", "Xasen"), ("Айдос", "Aydos"),
        ("Айдос", "Ajdos"), ("Асель", "Assel"), ("Алиев", "Aliyev"), ("Алиев", "Aliev"),
        ("Алиев", "Aliiev"), ("Ерлан", "Erlan"), ("Людмила", "Ludmila"), ("Фёдор", "Fyodor"),
        ("Вячеслав", "Wjatscheslaw"), ("Николай", "Nicolai"), ("Александр", "Alexandr"),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("system", "cyrillic", "latin"),
    [(system, c, latin) for system, pairs in SYSTEMS.items() for c, latin in pairs],
)
def test_each_transliteration_system_meets_the_cyrillic(
    system: str, cyrillic: str, latin: str
) -> None:
    assert canonical_keys(cyrillic) & canonical_keys(latin), (
        sorted(canonical_keys(cyrillic)),
        sorted(canonical_keys(latin)),
    )


@pytest.mark.parametrize(
    ("spelling", "readings"),
    [
        ("Jana", {"zhana", "iana"}),  # J: ж in Kazakh Latin, й in GOST
        ("Xenia", {"ksenia", "khenia"}),  # x: кс, or х in GOST B
        ("Coj", {"coi", "koi"}),  # c: ц in ISO 9, к in English
        ("Ingkar", {"ingkar", "inkar"}),  # ng: н + г, or BGN ң
        ("Ashat", {"ashat", "askhat"}),  # sh: ш, or с + х in Kazakh 2021
        ("Sáýle", {"saule", "saile"}),  # ý: Kazakh 2018 у, Czech-style ы
        ("Подъячев", {"podiachev", "podeiachev"}),  # ъ: silent, or ICAO IE
    ],
)
def test_ambiguous_spellings_keep_every_reading(spelling: str, readings: set[str]) -> None:
    assert readings <= canonical_keys(spelling)


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Жұмабаев", "zhumabaev"),  # Kazakh letters fold to Russian ones
        ("Щербаков", "sherbakov"),  # щ is ш
        ("Юлия", "iulia"),  # ю, я are iu, ia; doubled letters collapse
        ("Ерлан", "erlan"),  # е, э, ye, ie are e
        ("Фёдор", "fedor"),  # ё is e
        ("Джамиля", "zhamilia"),  # дж is ж
        ("Кузнецов", "kuznecov"),  # ц is c
    ],
)
def test_cyrillic_has_one_key_in_the_skeleton(spelling: str, key: str) -> None:
    assert canonical_keys(spelling) == {key}
    assert primary_key(spelling) == key


@pytest.mark.parametrize(
    ("mixed", "clean"),
    [("Aйгерим", "Айгерим"), ("КAЙPAT", "КАЙРАТ"), ("Kаirat", "Kairat"), ("Бекзaт", "Бекзат")],
)
def test_look_alike_letters_from_the_other_script_are_read_in_the_token_s_script(
    mixed: str, clean: str
) -> None:
    assert canonical_keys(mixed) == canonical_keys(clean)


@pytest.mark.parametrize("token", ["", "   ", "123", "-", "'", "§5"])
def test_a_token_without_letters_has_no_key(token: str) -> None:
    assert canonical_keys(token) == frozenset()
    assert primary_key(token) == ""


def test_the_version_is_recorded() -> None:
    assert CANONICALISER_VERSION == 1


def test_every_curated_key_canonicalises_to_itself() -> None:
    for group in GROUPS:
        for spelling in group.spellings:
            for key in canonical_keys(spelling):
                assert key in canonical_keys(key), (spelling, key, sorted(canonical_keys(key)))


def test_keys_do_not_depend_on_the_process_hash_seed() -> None:
    script = (
        "from qorgau.linkage.canonical import canonical_keys\n"
        "from qorgau.linkage.reference_spellings import GROUPS\n"
        "print(sorted((s, sorted(canonical_keys(s))) for g in GROUPS for s in g.spellings))\n"
    )
    outputs = {
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "12345")
    }
    assert len(outputs) == 1


def test_the_package_needs_no_django() -> None:
    script = (
        "import sys\n"
        "import qorgau.linkage.canonical, qorgau.linkage.names, qorgau.linkage.dates\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)  # noqa: S603 - fixed arguments


# --- properties over arbitrary tokens in every script the canonicaliser knows
LETTERS = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    "әғқңөұүһі"
    "abcdefghijklmnopqrstuvwxyz"
    "äáâèéêëıýöóüúūûšŝşčçžğǵñńə"
    "'-"
)
tokens = st.text(alphabet=LETTERS, max_size=16)


@given(tokens)
def test_canonicalising_is_deterministic(token: str) -> None:
    assert _canonical_keys.__wrapped__(token) == canonical_keys(token)


@given(tokens)
def test_keys_are_few_and_in_the_skeleton_alphabet(token: str) -> None:
    keys = canonical_keys(token)
    assert len(keys) <= MAX_KEYS
    assert all(SKELETON_RE.fullmatch(key) for key in keys), sorted(keys)
    if any(char.isalpha() and char not in "ьъ" for char in token):  # the signs alone are silent
        assert keys


@given(tokens)
def test_canonicalising_a_key_again_gives_that_key(token: str) -> None:
    for key in canonical_keys(token):
        assert key in canonical_keys(key), (key, sorted(canonical_keys(key)))


@given(tokens)
def test_case_and_unicode_form_do_not_matter(token: str) -> None:
    keys = canonical_keys(token)
    assert canonical_keys(token.upper()) == keys
    assert canonical_keys(unicodedata.normalize("NFD", token)) == keys


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі", max_size=16))
def test_kazakh_letters_fold_to_their_russian_forms(token: str) -> None:
    russian = token.translate(str.maketrans("әғқңөұүһі", "агкноуухи"))
    assert canonical_keys(token) == canonical_keys(russian)


@given(st.text(alphabet="abcdefgiklmnoprstuvzh", max_size=24))
def test_the_folds_are_idempotent(skeleton: str) -> None:
    assert fold(fold(skeleton)) == fold(skeleton)
