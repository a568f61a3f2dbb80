"""Name structure: surname, given name and patronymic, in any order and script.

Records write "Жумабаев Кайрат Серикович", "Kairat Zhumabayev", "Жұмабай Қайрат Серікұлы" or
"Айгерім Ерлан қызы" for people the linker must recognise as possibly the same. parse_name says
which word is which (for display and for field-by-field comparison); the *_keys functions give
blocking keys that do not depend on that guess, so a swapped order still meets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from qorgau.linkage.canonical import canonical_keys

Gender = Literal["m", "f"]

# Patronymic endings, on skeleton keys so that every script is covered at once
# (-ович, -ovich, -ovitch, -owitsch all end in "ovich" on the skeleton).
_PATRONYMIC_ENDINGS: dict[str, Gender] = {
    "ovich": "m", "evich": "m", "ovna": "f", "evna": "f", "ichna": "f",
}  # fmt: skip
# Kazakh (and Turkic) "son of" / "daughter of": -ұлы, -uly, -ugly, -oglu; -қызы, -kyzy, -gyzy.
_KAZAKH_PATRONYMIC: dict[str, Gender] = {
    "uli": "m", "ugli": "m", "ogli": "m", "oglu": "m", "kizi": "f", "gizi": "f",
}  # fmt: skip

# Surname suffixes as written (case-insensitive), longest first: the stem is what is left.
_SURNAME_SUFFIXES: dict[str, Gender] = {
    # Russian Cyrillic
    "ская": "f", "цкая": "f", "ский": "m", "цкий": "m", "ской": "m",
    "ова": "f", "ёва": "f", "ева": "f", "ина": "f", "ына": "f",
    "ов": "m", "ёв": "m", "ев": "m", "ин": "m", "ын": "m",
    # Kazakh surnames made from the father's name
    "ұлы": "m", "улы": "m", "қызы": "f", "кызы": "f",
    # Latin (ICAO, BGN, GOST, ISO, informal)
    "skaya": "f", "skaia": "f", "skaja": "f", "skaâ": "f",
    "skiy": "m", "skii": "m", "skij": "m", "sky": "m", "ski": "m",
    "ova": "f", "yeva": "f", "eva": "f", "ina": "f", "yna": "f",
    "ov": "m", "yev": "m", "ev": "m", "in": "m", "yn": "m",
    "uly": "m", "ūly": "m", "kyzy": "f", "qyzy": "f", "qızı": "f",
}  # fmt: skip
_SURNAME_SUFFIX_RE = re.compile(
    "(" + "|".join(sorted(_SURNAME_SUFFIXES, key=len, reverse=True)) + ")$", re.IGNORECASE
)
# The same suffixes on skeleton keys ("-ский", "-sky", "-skiy" are all "ski").
_SKELETON_SUFFIXES = (
    "skaia", "ckaia", "skoi", "ski", "cki", "ova", "eva", "ina", "ov", "ev", "in", "uli", "kizi",
)  # fmt: skip
# Enough of a stem to block on: "Лин" is not "Л" + "-ин".
_MIN_STEM = 3
_MIN_SKELETON_STEM = 2

# Given names that end like surnames (-ина, -ин, -ын, -ев): never taken for the surname when a
# real one is there. Skeleton keys, so every spelling counts.
_GIVEN_LOOKALIKES = frozenset(
    {
        "alina", "marina", "karina", "galina", "irina", "polina", "dina", "nina", "zarina",
        "madina", "amina", "regina", "kristina", "angelina", "valentina", "ekaterina", "albina",
        "sabina", "medina", "arina", "ersin", "aidin", "altin", "amin",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ParsedName:
    surname: str | None
    given: str | None
    patronymic: str | None
    patronymic_gender: Gender | None
    surname_stem: str | None
    surname_suffix: str | None
    surname_gender: Gender | None
    tokens: tuple[str, ...]


def parse_name(text: str) -> ParsedName:
    """Which word is the surname, the given name and the patronymic.

    Order: a comma means "Surname, Given"; otherwise a word with a surname suffix is the surname;
    otherwise the official order (surname, given, patronymic) is assumed.
    """
    before_comma, _, after_comma = unicodedata.normalize("NFKC", text).partition(",")
    head = _words(before_comma)
    tail = _words(after_comma)
    words = _join_patronymic_markers(head + tail)
    keys = [_word_keys(word) for word in words]

    patronymic_at = _find_patronymic(words, keys)
    patronymic = words[patronymic_at] if patronymic_at is not None else None
    rest = [i for i in range(len(words)) if i != patronymic_at]

    surname_at: int | None
    if tail and head and patronymic_at != 0:
        surname_at = 0
    else:
        surname_at = _find_surname(words, keys, rest, patronymic_at)
    given_words = [words[i] for i in rest if i != surname_at]

    surname = words[surname_at] if surname_at is not None else None
    stem, suffix, surname_gender = _split_surname(surname) if surname else (None, None, None)
    return ParsedName(
        surname=surname,
        given=" ".join(given_words) or None,
        patronymic=patronymic,
        patronymic_gender=(
            _patronymic_gender(keys[patronymic_at]) if patronymic_at is not None else None
        ),
        surname_stem=stem,
        surname_suffix=suffix,
        surname_gender=surname_gender,
        tokens=tuple(words),
    )


def surname_stem_keys(text: str) -> frozenset[str]:
    """Skeleton stems of a surname: -ов/-ова/-ев/-ин/-ский/-ұлы removed, so that Жанбулатов,
    Zhanbulatova and the Kazakh Жанбулат meet. A hyphenated surname gives the stems of each part."""
    stems: set[str] = set()
    for part in _parts(text):
        for key in canonical_keys(part):
            stems |= _skeleton_stems(key)
    return frozenset(stems)


def given_name_keys(text: str) -> frozenset[str]:
    """Keys of a given name: of each part of "Анна-Мария" / "Анна Мария" and of the whole."""
    parts = _parts(text)
    keys = set(canonical_keys("".join(parts))) if len(parts) > 1 else set()
    for part in parts:
        keys |= canonical_keys(part)
    return frozenset(keys)


def name_keys(full_name: str) -> frozenset[str]:
    """Blocking keys of a full name, the same whatever the word order: each word's keys and its
    surname stems (a word may be either). Patronymics and initials are left out: they are often
    missing, and an initial would block with half the register."""
    words = _join_patronymic_markers(_words(unicodedata.normalize("NFKC", full_name)))
    # Only an unmistakable patronymic is left out: which of two -ович words is the surname
    # depends on the order, and these keys must not.
    found = _patronymic_candidates(words, [_word_keys(word) for word in words])
    skip = set(found) if len(found) == 1 else set()
    keys: set[str] = set()
    for i, word in enumerate(words):
        if i in skip:
            continue
        for part in _parts(word):
            part_keys = canonical_keys(part)
            if all(len(key) < 2 for key in part_keys):
                continue
            keys |= part_keys
            if not part_keys & _GIVEN_LOOKALIKES:  # Ирина is not Ир + -ина
                keys |= surname_stem_keys(part)
    return frozenset(keys)


def _words(text: str) -> list[str]:
    """Words with their surrounding punctuation removed; "К.А." becomes two initials."""
    words: list[str] = []
    for raw in _WORD_SPLIT(text):
        for piece in raw.split(".") if "." in raw.strip(".") else [raw]:
            word = piece.strip(".,;:()[]{}\"'«»-–—")
            if _has_letter(word):
                words.append(word)
    return words


_WORD_SPLIT = re.compile(r"[\s,;]+").split
_PART_SPLIT = re.compile(r"[\s\-–—]+").split


def _has_letter(text: str) -> bool:
    """Whether any character is a letter (str.isalpha; the whole-word test first, as most are)."""
    return text.isalpha() or any(char.isalpha() for char in text)


def _parts(text: str) -> list[str]:
    return [part for part in _PART_SPLIT(text) if _has_letter(part)]


@lru_cache(maxsize=1 << 18)
def _word_keys(word: str) -> frozenset[str]:
    """Keys of the whole word ("Ерлан ұлы" reads as Ерланұлы) and of each of its parts."""
    keys = set(canonical_keys(word))
    for part in _parts(word):
        keys |= canonical_keys(part)
    return frozenset(keys)


def _join_patronymic_markers(words: list[str]) -> list[str]:
    """A separate marker ("Ерлан ұлы", "Erlan kyzy") belongs to the father's name before it."""
    joined: list[str] = []
    for word in words:
        if joined and canonical_keys(word) & _KAZAKH_PATRONYMIC.keys():
            joined[-1] = f"{joined[-1]} {word}"
        else:
            joined.append(word)
    return joined


@lru_cache(maxsize=1 << 18)
def _patronymic_gender(keys: frozenset[str]) -> Gender | None:
    for key in sorted(keys):
        for ending, gender in (*_PATRONYMIC_ENDINGS.items(), *_KAZAKH_PATRONYMIC.items()):
            if key.endswith(ending) and len(key) - len(ending) >= _MIN_SKELETON_STEM:
                return gender
    return None


def _patronymic_candidates(words: list[str], keys: list[frozenset[str]]) -> list[int]:
    """Words with a patronymic ending. A Kazakh -ұлы/-қызы word with only one other word is the
    surname (Нұрсұлтан Әбішұлы), unless the marker is written apart ("Ерлан ұлы")."""
    found: list[int] = []
    for i, word_keys in enumerate(keys):
        if not _patronymic_gender(word_keys):
            continue
        kazakh_attached = " " not in words[i] and not any(
            key.endswith(ending) for key in word_keys for ending in _PATRONYMIC_ENDINGS
        )
        if not (kazakh_attached and len(words) <= 2):
            found.append(i)
    return found


def _find_patronymic(words: list[str], keys: list[frozenset[str]]) -> int | None:
    """The last candidate: "Абрамович Роман Аркадьевич" has a surname ending in -ович too."""
    found = _patronymic_candidates(words, keys)
    return found[-1] if found else None


def _find_surname(
    words: list[str],
    keys: list[frozenset[str]],
    rest: list[int],
    patronymic_at: int | None,
) -> int | None:
    if not rest:
        return None
    with_suffix = [
        i for i in rest if _split_surname(words[i])[1] and not keys[i] & _GIVEN_LOOKALIKES
    ]
    strong = [i for i in with_suffix if not _weak_suffix(words[i])]
    for candidates in (strong, with_suffix):
        if len(candidates) == 1:
            return candidates[0]
    if len(rest) == 1:
        return None  # one bare word ("Кайрат"): a given name
    if patronymic_at is not None and rest[0] < patronymic_at < rest[-1]:
        return rest[-1]  # "Кайрат Серикович Жумабаев": given, patronymic, surname
    return rest[0]  # the official order: surname first


def _weak_suffix(word: str) -> bool:
    """-ин/-ина/-ын are also the ends of given names (Ирина, Ерсін); -ов/-ев/-ский rarely are."""
    suffix = _split_surname(word)[1] or ""
    return suffix.casefold().replace("ı", "i") in {
        "ин",
        "ина",
        "ын",
        "ына",
        "in",
        "ina",
        "yn",
        "yna",
    }


@lru_cache(maxsize=1 << 18)
def _split_surname(surname: str) -> tuple[str, str | None, Gender | None]:
    """Stem and suffix as written: Жанбулатова -> Жанбулат + ова (f). The last hyphenated part
    carries the suffix (Петрова-Водкина)."""
    match = _SURNAME_SUFFIX_RE.search(surname)
    if match is None or match.start() < _MIN_STEM or not surname[match.start() - 1].isalpha():
        return surname, None, None
    suffix = match.group(1)
    # re.IGNORECASE lets "in" match Kazakh Latin "ın" (dotless ı), which casefold() keeps.
    gender = _SURNAME_SUFFIXES[suffix.casefold().replace("ı", "i")]
    return surname[: match.start()], suffix, gender


def _skeleton_stems(key: str) -> set[str]:
    for suffix in _SKELETON_SUFFIXES:
        stem = key.removesuffix(suffix)
        if stem != key and len(stem) >= _MIN_SKELETON_STEM:
            if not suffix.startswith("e"):
                return {stem}
            # -ев swallows a й: Жумабаев is Жұмабай + ев; Сергеев is Сергей + ев, and its "ee"
            # became one "e" on the skeleton; Алиев (Али + ев) lost its "i" to the ie fold.
            return (
                {stem, stem + "i", stem + "ei"} if stem[-1] not in "aeiou" else {stem, stem + "i"}
            )
    return {key}
