"""Records, their comparison features, and the comparison levels the matcher weighs.

A record is what one agency wrote about one child: one or more names (each in its own script),
a birth date or an age estimate on the day it was recorded, sex, region and any other fields.
`record_features` turns it into what comparisons need: canonical keys, surname stems and
skeletons for every name part (names.py, canonical.py) and birth-date intervals (dates.py).
`compare` turns two records into a comparison vector: one level per field, -1 where either
side is missing. The levels are ordered from the strongest agreement to disagreement; the
matcher learns how much each one weighs (matcher.py). Design: docs/adr/0008-matcher.md.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from qorgau.linkage import dates
from qorgau.linkage.canonical import canonical_keys, fold, primary_key
from qorgau.linkage.names import (
    _GIVEN_LOOKALIKES,
    _parts,
    _skeleton_stems,
    given_name_keys,
    parse_name,
    surname_stem_keys,
)
from qorgau.linkage.similarity import cached_jaro_winkler, within_one_edit

MISSING = -1

# Name levels (surname, given name, patronymic): the same scale for each part.
NAME_LEVELS = (
    "same canonical key",
    "shared key or stem",
    "similar skeleton (Jaro-Winkler >= {high})",
    "close skeleton (Jaro-Winkler >= {low})",
    "different",
)
NAME_EXACT, NAME_SHARED, NAME_JW_HIGH, NAME_JW_LOW, NAME_ELSE = range(5)
JW_HIGH = 0.92
JW_LOW = 0.84

BIRTH_LEVELS = (
    "same date",
    "day and month swapped",
    "one of day, month, year differs",
    "1 January placeholder, same year",
    "estimated intervals overlap",
    "birth years within one year",
    "different",
)
(
    BIRTH_EXACT,
    BIRTH_SWAPPED,
    BIRTH_ONE_PART,
    BIRTH_PLACEHOLDER,
    BIRTH_OVERLAP,
    BIRTH_NEAR_YEAR,
    BIRTH_ELSE,
) = range(7)

EQUALITY_LEVELS = ("same", "different")
OTHER_LEVELS = ("same", "one edit apart", "similar (Jaro-Winkler >= 0.88)", "different")
OTHER_JW = 0.88

# Patronymic endings on the skeleton: what is left is the father's name.
_PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovna", "evna", "ichna", "ugli", "ogli", "uli", "kizi")


@dataclass(frozen=True)
class Name:
    """One written form of a child's full name, as an agency recorded it."""

    text: str
    # ISO 15924 script, optionally with a language ("ru-Cyrl", "kk-Cyrl", "Latn"); informative.
    script: str | None = None


@dataclass(frozen=True)
class Record:
    """What one source knows about one child. Only `id` is required."""

    id: str
    names: tuple[Name, ...] = ()
    birth_date: date | None = None
    # An age estimate ("12 to 14") on the day of the record, used when there is no birth date.
    age_min: int | None = None
    age_max: int | None = None
    recorded_on: date | None = None
    sex: str | None = None
    region: str | None = None
    source: str | None = None
    other: Mapping[str, str] = field(default_factory=dict)


_RECORD_FIELDS = {
    "id",
    "names",
    "birth_date",
    "age_min",
    "age_max",
    "age",
    "recorded_on",
    "sex",
    "region",
    "source",
    "other",
}


def as_record(value: Record | Mapping[str, object]) -> Record:
    """A Record from a Record or a dict. Dict keys: id, names (strings, (text, script) pairs or
    {"text", "script"} dicts), birth_date (date or ISO string), age (int or (min, max)) or
    age_min/age_max, recorded_on, sex, region, source, other (a dict); unknown keys join other."""
    if isinstance(value, Record):
        return value
    names = record_names(value)
    age_min, age_max = _opt_int(value.get("age_min")), _opt_int(value.get("age_max"))
    age = value.get("age")
    if isinstance(age, int):
        age_min = age_max = age
    elif isinstance(age, Sequence) and len(age) == 2:
        age_min, age_max = int(age[0]), int(age[1])
    other = {str(k): str(v) for k, v in value.items() if k not in _RECORD_FIELDS and v}
    extra = value.get("other")
    if isinstance(extra, Mapping):
        other.update({str(k): str(v) for k, v in extra.items() if v not in (None, "")})
    return Record(
        id=str(value["id"]),
        names=names,
        birth_date=_opt_date(value.get("birth_date")),
        age_min=age_min,
        age_max=age_max,
        recorded_on=_opt_date(value.get("recorded_on")),
        sex=_opt_str(value.get("sex")),
        region=_opt_str(value.get("region")),
        source=_opt_str(value.get("source")),
        other=other,
    )


def record_names(value: Record | Mapping[str, object]) -> tuple[Name, ...]:
    """The written names of a record, or of a dict as `as_record` reads them."""
    if isinstance(value, Record):
        return value.names
    raw_names = value.get("names", ())
    if isinstance(raw_names, str):
        raw_names = (raw_names,)
    names: list[Name] = []
    for item in raw_names if isinstance(raw_names, Iterable) else ():
        if isinstance(item, Name):
            names.append(item)
        elif isinstance(item, str):
            names.append(Name(item))
        elif isinstance(item, Mapping):
            names.append(Name(str(item["text"]), _opt_str(item.get("script"))))
        else:
            text, script = item
            names.append(Name(str(text), _opt_str(script)))
    return tuple(names)


def _opt_str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _opt_int(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))


def _opt_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- Features ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One name part (a surname, the given name(s), a patronymic) ready for comparison."""

    text: str
    keys: frozenset[str]  # canonical keys of the part (and of each word of it)
    stems: frozenset[str]  # surname stems (father's name for a patronymic); keys if none apply
    skeleton: str  # the primary key: what Jaro-Winkler compares
    stem_skeleton: str  # the primary stem
    all_keys: frozenset[str]  # keys | stems


@dataclass(frozen=True, slots=True)
class NameFeatures:
    text: str
    script: str | None
    surname: Token | None
    given: Token | None
    patronymic: Token | None
    # The parts that block (not patronymics or initials), in any order.
    words: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class BirthFeatures:
    written: date | None  # the recorded date, when it is a real date (not a 1 January placeholder)
    swapped: date | None  # that date with day and month swapped, when valid and different
    placeholder: bool  # 1 January: only the year is known
    intervals: tuple[dates.BirthInterval, ...]  # every reading, as intervals

    @property
    def years(self) -> tuple[int, int]:
        return (
            min(i.earliest.year for i in self.intervals),
            max(i.latest.year for i in self.intervals),
        )


@dataclass(frozen=True, slots=True)
class RecordFeatures:
    record: Record
    names: tuple[NameFeatures, ...]
    birth: BirthFeatures | None
    sex: str | None
    region: str | None
    other: tuple[str | None, ...]  # normalised values of MatcherConfig.other_fields, in order
    name_keys: frozenset[str]  # every key and stem of every blocking word (for TF)


def record_features(record: Record, other_fields: Sequence[str] = ()) -> RecordFeatures:
    names = tuple(name_features(name.text, name.script) for name in record.names if name.text)
    if len(names) == 1:
        name_keys = _word_keys_of(names[0])
    else:
        name_keys = frozenset(k for name in names for k in _word_keys_of(name))
    return RecordFeatures(
        record=record,
        names=names,
        birth=_birth_features(
            record.birth_date, record.age_min, record.age_max, record.recorded_on
        ),
        sex=normalise_value(record.sex),
        region=normalise_value(record.region),
        other=tuple(normalise_value(record.other.get(name)) for name in other_fields),
        name_keys=name_keys,
    )


def _word_keys_of(name: NameFeatures) -> frozenset[str]:
    """Every key and stem of every blocking word of a name (cached with the name)."""
    found = _WORD_KEYS.get(id(name))
    if found is None or found[0] is not name:
        if len(_WORD_KEYS) >= _NAME_CACHE_LIMIT:
            _WORD_KEYS.clear()
        keys = frozenset(k for word in name.words for k in word.keys | word.stems)
        found = _WORD_KEYS[id(name)] = (name, keys)
    return found[1]


_WORD_KEYS: dict[int, tuple[NameFeatures, frozenset[str]]] = {}


def birth_features(record: Record) -> BirthFeatures | None:
    return _birth_features(record.birth_date, record.age_min, record.age_max, record.recorded_on)


def _birth_features(
    birth_date: date | None, age_min: int | None, age_max: int | None, recorded_on: date | None
) -> BirthFeatures | None:
    if birth_date is not None:
        return _from_birth_date(birth_date)  # the day of the record does not matter then
    if age_min is not None and recorded_on is not None:
        return _from_age_estimate(age_min, age_max if age_max is not None else age_min, recorded_on)
    return None


@lru_cache(maxsize=1 << 16)
def _from_birth_date(birth_date: date) -> BirthFeatures:
    readings = dates.candidates(birth_date)
    first = readings[0]
    swapped = readings[1].earliest if len(readings) > 1 and not first.placeholder else None
    return BirthFeatures(
        written=None if first.placeholder else birth_date,
        swapped=swapped,
        placeholder=first.placeholder,
        intervals=readings,
    )


@lru_cache(maxsize=1 << 16)
def _from_age_estimate(age_min: int, age_max: int, recorded_on: date) -> BirthFeatures:
    interval = dates.from_age_estimate(age_min, age_max, recorded_on)
    return BirthFeatures(written=None, swapped=None, placeholder=False, intervals=(interval,))


@lru_cache(maxsize=1 << 16)
def normalise_value(value: str | None) -> str | None:
    """NFKC, case-folded, inner spaces collapsed; None for nothing."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return text or None


# Names repeat, and parsing is the costly part. Cleared when it grows past the limit.
_NAME_CACHE: dict[tuple[str, str | None], NameFeatures] = {}
_NAME_CACHE_LIMIT = 500_000


def name_features(text: str, script: str | None = None) -> NameFeatures:
    """Parsed, canonicalised parts of one written name (cached)."""
    key = (text, script)
    cached = _NAME_CACHE.get(key)
    if cached is None:
        if len(_NAME_CACHE) >= _NAME_CACHE_LIMIT:
            _NAME_CACHE.clear()
        cached = _NAME_CACHE[key] = _name_features(text, script)
    return cached


def _name_features(text: str, script: str | None) -> NameFeatures:
    parsed = parse_name(text)
    surname = _token(parsed.surname, "surname") if parsed.surname else None
    given = _token(parsed.given, "given") if parsed.given else None
    patronymic = _token(parsed.patronymic, "patronymic") if parsed.patronymic else None
    words: list[Token] = []
    for word in parsed.tokens:
        if word == parsed.patronymic:
            continue
        token = _token(word, "word")
        if token.skeleton and len(token.skeleton) >= 2:  # initials do not block
            words.append(token)
    return NameFeatures(text, script, surname, given, patronymic, tuple(words))


@lru_cache(maxsize=200_000)
def _token(text: str, role: str) -> Token:
    parts = _parts(text)
    if role == "given":
        keys = set(given_name_keys(text))
    else:
        keys = set(canonical_keys(text))
        for part in parts:
            keys |= canonical_keys(part)
    skeleton = primary_key(text)
    if role == "patronymic":
        stems = {_father_name(key) for key in keys | {skeleton} if key}
        stem_skeleton = _father_name(skeleton)
    elif role == "given" or keys & _GIVEN_LOOKALIKES:  # Ирина is not Ир + -ина
        stems = set(keys)
        stem_skeleton = skeleton
    else:
        stems = set(surname_stem_keys(text))
        own = _skeleton_stems(skeleton) if skeleton else set()
        stem_skeleton = min(own, key=lambda s: (len(s), s)) if own else skeleton
    own_keys = frozenset(k for k in keys if k)
    own_stems = frozenset(s for s in stems if s) or own_keys
    return Token(
        text=text,
        keys=own_keys,
        stems=own_stems,
        skeleton=skeleton,
        stem_skeleton=stem_skeleton,
        all_keys=own_keys | own_stems,
    )


def _father_name(key: str) -> str:
    """The father's name in a patronymic skeleton: serikovich, serikuli, serik kizi -> serik."""
    for suffix in _PATRONYMIC_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return fold(key[: -len(suffix)])
    return key


# --- Comparison levels -----------------------------------------------------------------------


def token_level(x: Token, y: Token) -> int:
    """Same primary key; any key or stem shared; Jaro-Winkler of the skeletons (or of the stems,
    so -ов/-ова do not cost similarity) at the high or low threshold; otherwise different."""
    if x.skeleton == y.skeleton:
        return NAME_EXACT
    if x.keys & y.keys or x.stems & y.stems:
        return NAME_SHARED
    similarity = cached_jaro_winkler(x.skeleton, y.skeleton)
    if similarity < JW_HIGH and (x.stem_skeleton != x.skeleton or y.stem_skeleton != y.skeleton):
        similarity = max(similarity, cached_jaro_winkler(x.stem_skeleton, y.stem_skeleton))
    if similarity >= JW_HIGH:
        return NAME_JW_HIGH
    if similarity >= JW_LOW:
        return NAME_JW_LOW
    return NAME_ELSE


def _level(x: Token | None, y: Token | None) -> int:
    return MISSING if x is None or y is None else token_level(x, y)


def _cost(level: int) -> int:
    return 2 if level == MISSING else level


def _may_be_swapped(x: NameFeatures, y: NameFeatures) -> bool:
    """Worth reading crosswise: a crosswise key, or crosswise first letters, agree."""
    a, b, c, d = x.surname, y.given, x.given, y.surname
    if a is None or b is None or c is None or d is None:
        return (a is not None and b is not None) or (c is not None and d is not None)
    return bool(
        a.all_keys & b.all_keys
        or c.all_keys & d.all_keys
        or (a.skeleton[:1] == b.skeleton[:1] and c.skeleton[:1] == d.skeleton[:1])
    )


@dataclass(frozen=True, slots=True)
class NameComparison:
    surname: int
    given: int
    patronymic: int
    swapped: bool  # surname and given name were compared crosswise
    left: NameFeatures | None
    right: NameFeatures | None


def compare_names(a: Sequence[NameFeatures], b: Sequence[NameFeatures]) -> NameComparison:
    """The best-agreeing pair of names, each read in its own order and crosswise (a surname
    written in the given-name place, "Viktor Tsoi" against "Цой Виктор")."""
    best: NameComparison | None = None
    best_cost = 1 << 30
    for x in a:
        for y in b:
            surname, given = _level(x.surname, y.surname), _level(x.given, y.given)
            swapped = False
            cost = _cost(surname) + _cost(given)
            if cost > 0 and _may_be_swapped(x, y):
                cross_surname = _level(x.surname, y.given)
                cross_given = _level(x.given, y.surname)
                cross_cost = _cost(cross_surname) + _cost(cross_given)
                if cross_cost < cost:
                    surname, given, cost, swapped = cross_surname, cross_given, cross_cost, True
            if cost < best_cost:
                patronymic = _level(x.patronymic, y.patronymic)
                best = NameComparison(surname, given, patronymic, swapped, x, y)
                best_cost = cost
    if best is None:
        return NameComparison(MISSING, MISSING, MISSING, False, None, None)
    return best


def birth_level(a: BirthFeatures | None, b: BirthFeatures | None) -> int:
    if a is None or b is None:
        return MISSING
    if a.written is not None and b.written is not None:
        x, y = a.written, b.written
        if x == y:
            return BIRTH_EXACT
        if x == b.swapped or y == a.swapped:
            return BIRTH_SWAPPED
        if (x.year == y.year) + (x.month == y.month) + (x.day == y.day) == 2:
            return BIRTH_ONE_PART
    near = False
    for i in a.intervals:
        for j in b.intervals:
            if i.earliest <= j.latest and j.earliest <= i.latest:  # dates.compatible
                return BIRTH_PLACEHOLDER if a.placeholder or b.placeholder else BIRTH_OVERLAP
            # dates.years_overlap with one year's slack
            near = near or (
                i.earliest.year - 1 <= j.latest.year + 1
                and j.earliest.year - 1 <= i.latest.year + 1
            )
    return BIRTH_NEAR_YEAR if near else BIRTH_ELSE


def equality_level(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return MISSING
    return 0 if a == b else 1


def other_level(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return MISSING
    if a == b:
        return 0
    if within_one_edit(a, b):
        return 1
    if cached_jaro_winkler(a, b) >= OTHER_JW:
        return 2
    return 3
