"""Name canonicaliser: one name token, in any script, to a small set of skeleton keys.

Жұмабаев (Kazakh), Жумабаев (Russian), ZHUMABAEV (passport), Zhumabayev (BGN), Jūmabaev
(informal) and Žumabaev (ISO 9) must share a key; Марат and Мурат must not. Every key is a
"skeleton": an ICAO-like lowercase ASCII spelling of the Russian form of the name, folded only
where the transliteration systems disagree. Where a Latin spelling has more than one reading (J is
ж in Kazakh Latin and й in GOST) every reading is kept, up to MAX_KEYS, rather than guessed.
Design and measurements: docs/adr/0007-name-canonicalisation.md.

Skeleton alphabet: vowels a e i o u; consonants b c d f g k l m n p r s t v z; and the digraphs
ch (ч), kh (х), sh (ш, щ), zh (ж). "c" is ц. An "h" never stands alone, so no key can be misread
as another when it is canonicalised again (the idempotence the tests check).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bump when any table or fold changes: stored keys of another version must be recomputed.
CANONICALISER_VERSION = 1
# At most this many keys per token; the cheapest readings (fewest alternatives taken) win.
MAX_KEYS = 8
_BEAM = 32

SKELETON_RE = re.compile(r"(?:[abcdefgiklmnoprstuvz]|(?<=[cksz])h)+")

# Apostrophe look-alikes, mapped before NFKC (which would turn ´ into a space and an accent).
_APOSTROPHES = str.maketrans(dict.fromkeys('’‘ʼʻʹʺ`´′″"', "'"))

# Kazakh letters to their Russian forms (DOMAIN.md, "Names across scripts").
_KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")

# Russian Cyrillic to skeleton. ы, и, й share "i" and э, е, ё share "e": the Latin systems
# disagree on exactly these (y/i/j, e/ye/ie), so the skeleton does not keep them apart.
_CYRILLIC: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sh", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Ukrainian and Belarusian letters met in CIS documents.
    "є": "ie", "ї": "i", "ґ": "g", "ў": "u",
}  # fmt: skip
# ъ is silent to BGN and informal writers (Podyachev) but IE in ICAO 9303 (PODIEIACHEV).
_CYRILLIC_AMBIGUOUS: dict[str, tuple[str, ...]] = {"ъ": ("", "ie")}

# Latin spellings to skeleton; the longest pattern that matches wins. The first reading is the
# primary one; the others are the ambiguities kept as extra keys.
_LATIN: dict[str, tuple[str, ...]] = {
    # ш and щ: ICAO SH/SHCH, GOST B shh, ISO 9 š/ŝ, Czech šč, German sch, Kazakh 2017 s', 2021 ş.
    # In Kazakh 2021 Latin (ш = ş) "sh" is с + х: Ashat is Асхат. s' is also с + ь (Afanas'yev).
    "shch": ("sh",), "shh": ("sh",), "sch": ("sh",), "sh": ("sh", "skh"), "s'": ("sh", "s"),
    "šč": ("sh",), "š": ("sh",), "ŝ": ("sh",), "ş": ("sh",),
    # ч: ch everywhere, German tsch, French tch, informal tsh, ISO č, Kazakh 2017 c', 2021 ç.
    "tsch": ("ch",), "tch": ("ch",), "tsh": ("ch",), "ch": ("ch",), "c'": ("ch",),
    "č": ("ch",), "ç": ("ch",),
    # ж: zh, ž; informal dzh/dj (дж folds into ж); J is ж (Kazakh Latin) or й (GOST, ISO).
    "dzh": ("zh",), "dž": ("zh",), "dj": ("zh",), "zh": ("zh",), "ž": ("zh",),
    "j": ("zh", "i"),
    # х: kh (ICAO, BGN), h (Kazakh Latin, ISO 9, informal), x (GOST B) -- but x is also кс.
    "kh": ("kh",), "h": ("kh",), "x": ("ks", "kh"),
    # ц: ts (ICAO, BGN), c (ISO 9, Czech), cz (GOST B); c is also к in English spellings.
    "ts": ("c",), "cz": ("c",), "c": ("c", "k"),
    # г, к, н: Kazakh ғ/қ/ң in every system fold to г/к/н; BGN ng may be ң or н+г, ngh is н+ғ.
    "gh": ("g",), "g'": ("g",), "ğ": ("g",), "ǵ": ("g",), "q": ("k",),
    "ngh": ("ng",), "ng": ("ng", "n"), "n'": ("n",), "ñ": ("n",), "ń": ("n",),
    # Vowels: Kazakh ä/á/a' (ә), ö/ó/o' (ө), ū/ü/ú/u' (ұ, ү), ı/i' (и, й). ISO 9 â = я, û = ю.
    "ä": ("a",), "á": ("a",), "ə": ("a",), "a'": ("a",), "â": ("ia",),
    "è": ("e",), "é": ("e",), "ê": ("e",), "ë": ("e",),
    "ı": ("i",), "i'": ("i",), "y": ("i",),
    # у: Kazakh 2018 ý and 2017 y'; GOST B writes ы as y' too.
    "ý": ("u", "i"), "y'": ("u", "i"),
    "ö": ("o",), "ó": ("o",), "o'": ("o",),
    "ü": ("u",), "ú": ("u",), "ū": ("u",), "u'": ("u",), "û": ("iu",),
    "w": ("v",), "ph": ("f",), "ł": ("l",),
    **{letter: (letter,) for letter in "abdefgiklmnoprstuvz"},
}  # fmt: skip
_LONGEST = max(len(pattern) for pattern in _LATIN)

# Letters that look alike in both scripts; data entry mixes them ("Aйгерим" with a Latin A).
_LATIN_TO_CYRILLIC = str.maketrans(
    {"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "i": "і", "ı": "і", "k": "к",
     "m": "м", "o": "о", "p": "р", "t": "т", "x": "х", "y": "у", "ə": "ә"}
)  # fmt: skip
_CYRILLIC_TO_LATIN = str.maketrans(
    {"а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "і": "i", "к": "k", "м": "m",
     "о": "o", "р": "p", "т": "t", "х": "x", "у": "y", "ә": "ə"}
)  # fmt: skip
_LATIN_LOOKALIKES = frozenset(chr(code) for code in _LATIN_TO_CYRILLIC)
_CYRILLIC_LOOKALIKES = frozenset(chr(code) for code in _CYRILLIC_TO_LATIN)

# Letters with a meaning of their own: kept whole instead of losing their diacritic.
_KEEP = frozenset("".join(_LATIN) + "".join(_CYRILLIC) + "ъәғқңөұүһі")

# Folds on the skeleton, repeated until nothing changes. Each one merges spellings that the
# systems (or Russian pronunciation) treat as one sound.
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"dzh"), "zh"),  # дж is ж: Джамиля ~ Жамиля ~ Jamilya
    (re.compile(r"t(?:sh|ch)"), "ch"),  # тч, тш; tsh, tch
    (re.compile(r"sh?ch"), "sh"),  # сч and шч are said щ, and щ is ш here
    (re.compile(r"ts|cz"), "c"),  # тс is said ц (Братский ~ Брацкий)
    (re.compile(r"ie"), "e"),  # Yerlan ~ Ерлан, -iev/-yev ~ -ев, ICAO Ъ = IE
    (re.compile(r"(?<=[bcdfghklmnprstvz])iu"), "u"),  # Lyudmila ~ Ludmila, Дюсен ~ Dusen
    (re.compile(r"(?<=[bcdfghklmnprstvz])io"), "e"),  # Fyodor ~ Fedor ~ Фёдор, Pyotr ~ Petr
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Assel ~ Асель, IULIIA ~ Yulia
)


def canonical_keys(token: str) -> frozenset[str]:
    """The skeleton keys of one name token (no spaces; hyphens and punctuation are dropped).

    Deterministic, at most MAX_KEYS keys, empty for a token without letters.
    """
    return _canonical_keys(token)


@lru_cache(maxsize=1 << 18)
def primary_key(token: str) -> str:
    """The single most likely key (every ambiguity read its first way); "" without letters."""
    keys = _ranked_keys(_normalise(token))
    return keys[0] if keys else ""


@lru_cache(maxsize=1 << 18)
def _canonical_keys(token: str) -> frozenset[str]:
    return frozenset(_ranked_keys(_normalise(token)))


def _normalise(token: str) -> str:
    """NFKC + casefold, one script per token, Kazakh letters folded to Russian, other accents
    stripped, anything that is not a letter or an apostrophe dropped."""
    text = unicodedata.normalize("NFKC", token.translate(_APOSTROPHES))
    text = unicodedata.normalize("NFKC", text.casefold())
    text = _one_script(text)
    text = text.translate(_KAZAKH_TO_RUSSIAN)
    out: list[str] = []
    for char in text:
        if char in _KEEP:
            out.append(char)
        elif char.isalpha() or unicodedata.combining(char):
            # Letters no table lists (ś, ġ, ḥ, ì, ô): keep the base letter.
            base = unicodedata.normalize("NFKD", char)
            out.extend(c for c in base if c in _KEEP and c != "'")
    return "".join(out)


def _one_script(text: str) -> str:
    """Read look-alike letters in the token's main script (Cyrillic wins ties)."""
    cyrillic = latin = only_cyrillic = only_latin = 0
    for c in text:
        if "\u0400" <= c <= "\u04ff":
            cyrillic += 1
            if c not in _CYRILLIC_LOOKALIKES:
                only_cyrillic += 1
        elif c.isalpha():
            latin += 1
            if c not in _LATIN_LOOKALIKES:
                only_latin += 1
    if (only_cyrillic, cyrillic) >= (only_latin, latin):
        return text.translate(_LATIN_TO_CYRILLIC)
    return text.translate(_CYRILLIC_TO_LATIN)


def _segments(text: str) -> list[tuple[str, ...]]:
    """Split into spelling units, longest match first; each unit lists its readings."""
    segments: list[tuple[str, ...]] = []
    i = 0
    while i < len(text):
        if text[i] in _CYRILLIC or text[i] in _CYRILLIC_AMBIGUOUS:
            segments.append(_CYRILLIC_AMBIGUOUS.get(text[i]) or (_CYRILLIC[text[i]],))
            i += 1
            continue
        for size in range(min(_LONGEST, len(text) - i), 0, -1):
            readings = _LATIN.get(text[i : i + size])
            if readings is not None:
                segments.append(readings)
                i += size
                break
        else:
            i += 1  # a lone apostrophe (soft sign in GOST B, a typo elsewhere): no sound
    return segments


def _ranked_keys(text: str) -> list[str]:
    """Every reading, cheapest first (cost = alternatives taken), folded, capped at MAX_KEYS."""
    beam: dict[str, int] = {"": 0}
    for readings in _segments(text):
        grown: dict[str, int] = {}
        for prefix, cost in beam.items():
            for extra, reading in enumerate(readings):
                key, total = prefix + reading, cost + extra
                if total < grown.get(key, total + 1):
                    grown[key] = total
        if len(grown) > _BEAM:  # the same content as sorting always: the result is re-sorted
            grown = dict(sorted(grown.items(), key=lambda item: (item[1], item[0]))[:_BEAM])
        beam = grown
    folded: dict[str, int] = {}
    for raw, cost in beam.items():
        key = fold(raw)
        if key and cost < folded.get(key, cost + 1):
            folded[key] = cost
    return [key for key, _ in sorted(folded.items(), key=lambda item: (item[1], item[0]))][
        :MAX_KEYS
    ]


@lru_cache(maxsize=1 << 18)
def fold(skeleton: str) -> str:
    """Apply the skeleton folds until nothing changes (so fold(fold(s)) == fold(s))."""
    while True:
        before = skeleton
        for pattern, replacement in _FOLDS:
            skeleton = pattern.sub(replacement, skeleton)
        if skeleton == before:
            return skeleton
