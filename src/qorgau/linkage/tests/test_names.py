"""Name structure: which word is which, stems, and blocking keys that ignore word order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linkage.names import (
    ParsedName,
    given_name_keys,
    name_keys,
    parse_name,
    surname_stem_keys,
)


def roles(parsed: ParsedName) -> tuple[str | None, str | None, str | None]:
    return parsed.surname, parsed.given, parsed.patronymic


@pytest.mark.parametrize(
    ("text", "surname", "given", "patronymic", "gender"),
    [
        # Russian patronymics, official order and given-first order
        ("Жумабаев Кайрат Серикович", "Жумабаев", "Кайрат", "Серикович", "m"),
        ("Кайрат Серикович Жумабаев", "Жумабаев", "Кайрат", "Серикович", "m"),
        ("Иванова Анна Сергеевна", "Иванова", "Анна", "Сергеевна", "f"),
        ("Пушкина Ирина Александровна", "Пушкина", "Ирина", "Александровна", "f"),
        ("Сидорова Мария Ильинична", "Сидорова", "Мария", "Ильинична", "f"),
        ("Шевченко Олег Андреевич", "Шевченко", "Олег", "Андреевич", "m"),
        ("ZHUMABAEV KAIRAT SERIKOVICH", "ZHUMABAEV", "KAIRAT", "SERIKOVICH", "m"),
        ("Petrova Anna Ivanovna", "Petrova", "Anna", "Ivanovna", "f"),
        ("Abramovich Roman Arkadievich", "Abramovich", "Roman", "Arkadievich", "m"),
        # Kazakh patronymics, attached and as a separate word, in both scripts
        ("Сейітқали Айгерім Ерланқызы", "Сейітқали", "Айгерім", "Ерланқызы", "f"),
        ("Жұмабаев Қайрат Серікұлы", "Жұмабаев", "Қайрат", "Серікұлы", "m"),
        ("Қайрат Серік ұлы Жұмабаев", "Жұмабаев", "Қайрат", "Серік ұлы", "m"),
        ("Айгерим Ерлан қызы", None, "Айгерим", "Ерлан қызы", "f"),
        ("Zhumabaev Kairat Serikuly", "Zhumabaev", "Kairat", "Serikuly", "m"),
        ("Aigerim Erlankyzy Seitkali", "Seitkali", "Aigerim", "Erlankyzy", "f"),
        ("Seitkali Aigerim Erlan kyzy", "Seitkali", "Aigerim", "Erlan kyzy", "f"),
        ("Mammadov Ali Rashid ugly", "Mammadov", "Ali", "Rashid ugly", "m"),
        # A -ұлы word beside a single other word is a Kazakh surname, not a patronymic
        ("Нұрсұлтан Әбішұлы", "Әбішұлы", "Нұрсұлтан", None, None),
        ("Nursultan Abishuly", "Abishuly", "Nursultan", None, None),
    ],
)
def test_it_finds_surname_given_name_and_patronymic(
    text: str, surname: str | None, given: str, patronymic: str | None, gender: str | None
) -> None:
    parsed = parse_name(text)
    assert roles(parsed) == (surname, given, patronymic)
    if gender is not None:
        assert parsed.patronymic_gender == gender


def test_ilyich_alone_is_not_taken_for_a_patronymic() -> None:
    # Bare -ич endings are surnames too often (Бабич, Петкевич); only -ович/-евич count.
    assert parse_name("Бабич Иван").patronymic is None


@pytest.mark.parametrize(
    ("text", "stem", "suffix", "gender"),
    [
        ("Жанбулатов", "Жанбулат", "ов", "m"),
        ("Жанбулатова", "Жанбулат", "ова", "f"),
        ("Жумабаев", "Жумаба", "ев", "m"),
        ("Жумабаева", "Жумаба", "ева", "f"),
        ("Пушкин", "Пушк", "ин", "m"),
        ("Вишневская", "Вишнев", "ская", "f"),
        ("Вишневский", "Вишнев", "ский", "m"),
        ("Троцкий", "Тро", "цкий", "m"),
        ("Zhanbulatov", "Zhanbulat", "ov", "m"),
        ("ZHANBULATOVA", "ZHANBULAT", "OVA", "f"),
        ("Zhumabayev", "Zhumaba", "yev", "m"),
        ("Zhumabayeva", "Zhumaba", "yeva", "f"),
        ("Vishnevskaya", "Vishnev", "skaya", "f"),
        ("Vishnevskiy", "Vishnev", "skiy", "m"),
        ("Trotsky", "Trot", "sky", "m"),
        ("Ilyina", "Ily", "ina", "f"),
        ("Әбішұлы", "Әбіш", "ұлы", "m"),
        ("Жанбулат", "Жанбулат", None, None),  # Kazakh form without a suffix
        ("Цой", "Цой", None, None),
        ("Лин", "Лин", None, None),  # too short a stem to be Л + -ин
    ],
)
def test_it_splits_a_surname_into_stem_and_suffix(
    text: str, stem: str, suffix: str | None, gender: str | None
) -> None:
    parsed = parse_name(f"{text}, Кайрат")  # the comma marks it as the surname
    assert parsed.surname == text
    assert (parsed.surname_stem, parsed.surname_suffix, parsed.surname_gender) == (
        stem,
        suffix,
        gender,
    )


@pytest.mark.parametrize(
    "spellings",
    [
        # -ов / -ова and the Kazakh form without a suffix share the stem
        ["Жанбулатов", "Жанбулатова", "Жанбулат", "Zhanbulatov", "ZHANBULATOVA", "Janbulat"],
        # -ев after a vowel swallows the й of the Kazakh form
        ["Жумабаев", "Жұмабаева", "Жұмабай", "Zhumabayev", "Zhumabaiev", "Zhumabay"],
        ["Сергеев", "Sergeyeva", "Сергей"],
        ["Алиев", "Aliyev", "Aliyeva", "Али"],
        ["Вишневская", "Вишневский", "Vishnevskaya", "Višnevskij", "Vishnevsky"],
        ["Троцкий", "Trotsky", "Trotskaya"],
        ["Ильин", "Ильина", "Ilyin", "Il'ina"],
        ["Абишев", "Әбішұлы", "Abishuly", "Abisheva"],
        ["Сейітқызы", "Сейтова", "Seitova"],
    ],
)
def test_surname_forms_share_a_stem_key(spellings: list[str]) -> None:
    first = surname_stem_keys(spellings[0])
    for other in spellings[1:]:
        assert first & surname_stem_keys(other), (other, sorted(surname_stem_keys(other)))


def test_different_surnames_keep_different_stems() -> None:
    assert not surname_stem_keys("Иванов") & surname_stem_keys("Ивашов")
    assert not surname_stem_keys("Белов") & surname_stem_keys("Беляев")
    assert not surname_stem_keys("Жумабаев") & surname_stem_keys("Жанбулатов")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Кайрат Жумабаев", "Жумабаев Кайрат"),
        ("Kairat Zhumabayev", "ЖҰМАБАЕВ ҚАЙРАТ"),
        ("Zhumabayev, Kairat", "Кайрат Жумабаев"),
        ("Цой Виктор", "Виктор Цой"),  # no suffix to tell them apart: still the same keys
        ("Жумабаев Кайрат Серикович", "Кайрат Жумабаев"),  # patronymic missing
        ("Жұмабай Қайрат Серікұлы", "Kairat Zhumabaev"),  # Kazakh form of the surname
    ],
)
def test_swapped_or_shortened_names_share_blocking_keys(a: str, b: str) -> None:
    assert name_keys(a) & name_keys(b)


def test_a_comma_marks_the_surname() -> None:
    assert roles(parse_name("Цой, Виктор")) == ("Цой", "Виктор", None)
    assert roles(parse_name("Виктор, Цой")) == ("Виктор", "Цой", None)


def test_a_surname_suffix_beats_word_order() -> None:
    assert roles(parse_name("Кайрат Жумабаев")) == ("Жумабаев", "Кайрат", None)
    assert roles(parse_name("Ирина Петрова")) == ("Петрова", "Ирина", None)
    assert roles(parse_name("Ерсін Оспанов")) == ("Оспанов", "Ерсін", None)


def test_without_a_suffix_the_official_order_is_assumed() -> None:
    assert roles(parse_name("Цой Виктор")) == ("Цой", "Виктор", None)


def test_a_single_word_without_a_suffix_is_a_given_name() -> None:
    assert roles(parse_name("Кайрат")) == (None, "Кайрат", None)


def test_hyphenated_names_stay_whole_and_each_part_gives_keys() -> None:
    parsed = parse_name("Петрова-Водкина Анна-Мария")
    assert roles(parsed) == ("Петрова-Водкина", "Анна-Мария", None)
    assert parsed.surname_gender == "f"
    assert {"petr", "vodk"} <= surname_stem_keys("Петрова-Водкина")
    assert {"ana", "maria", "anamaria"} <= given_name_keys("Анна-Мария")
    assert given_name_keys("Анна-Мария") & given_name_keys("Anna Maria")
    assert name_keys("Анна-Мария Петрова-Водкина") & name_keys("Maria Vodkina")


def test_initials_are_kept_but_give_no_blocking_key() -> None:
    parsed = parse_name("Жумабаев К.А.")
    assert parsed.surname == "Жумабаев"
    assert parsed.tokens == ("Жумабаев", "К", "А")
    assert name_keys("Жумабаев К.А.") == name_keys("Жумабаев")


def test_given_names_that_look_like_surnames_give_no_stem_key() -> None:
    assert "ir" not in name_keys("Пушкина Ирина")
    assert "pushk" in name_keys("Пушкина Ирина")


def test_an_empty_name_parses_to_nothing() -> None:
    parsed = parse_name("  ,  ")
    assert roles(parsed) == (None, None, None)
    assert parsed.tokens == ()
    assert name_keys("") == frozenset()


NAME_WORDS = st.sampled_from(
    ["Жумабаев", "Кайрат", "Zhumabayeva", "Aigerim", "Цой", "Серикович", "Ерланқызы", "Анна-Мария"]
)


@given(st.lists(NAME_WORDS, min_size=1, max_size=4, unique=True), st.randoms())
def test_blocking_keys_do_not_depend_on_word_order(words: list[str], random: object) -> None:
    shuffled = list(words)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert name_keys(" ".join(words)) == name_keys(" ".join(shuffled))


@given(st.text(max_size=40))
def test_parsing_never_fails_and_keeps_every_word(text: str) -> None:
    parsed = parse_name(text)
    named = [w for w in (parsed.surname, parsed.given, parsed.patronymic) if w]
    assert sorted(" ".join(named).split()) == sorted(" ".join(parsed.tokens).split())
