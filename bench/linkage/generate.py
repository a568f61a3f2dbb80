"""Synthetic children across four agencies, with known truth, for the linkage benchmark.

    uv run python bench/linkage/generate.py --records 10000 --seed 1 --out children.jsonl

Each child (sex, Kazakh, Russian or Korean family, given name, surname, father's name, birth
date, home region, maybe a destination region, maybe a sibling or a twin) is recorded by some
of these agencies, each with its own script and habits:

    police     Russian Cyrillic: Kazakh letters typed as their Russian look-alikes (Жумабаев)
    social     Kazakh Cyrillic (Жұмабаев), suffixes often dropped (Жұмабай), Kazakh patronymics
    ngo        informal Latin: BGN, Kazakh Latin 2021 or ad-hoc spellings (Jumabaeva, Zhumabayeva)
    passport   ICAO 9303 in capitals (ZHUMABAEVA AIGERIM), no patronymic

Noise, at per-agency rates: typos by key adjacency on ЙЦУКЕН and QWERTY keyboards (substitution,
deletion, double tap, transposition); dropped surname suffixes and patronymics; surname and given
name in each other's fields; missing birth dates, age estimates instead of dates, the 1 January
placeholder, day/month swaps, a wrong day, month or year; missing or wrong sex; the region where
the child was found instead of the home region; several records of one child in one agency.

Names come from the reference lists in qorgau.linkage.reference_spellings (extended here), with
a Zipf-like frequency so that some names are common and others rare. The transliterations are
written here and in reference_spellings, independently of the canonicaliser. Deterministic for a
seed: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qorgau.linkage.reference_spellings import bgn, icao, kazakh_2021

# --- Names -----------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


KAZAKH_MALE = _words(
    """
Абай Абылай Әділет Айбек Айбол Айдар Айдос Ақжол Алмас Алтынбек Амангелді Арман Арсен Асқар Асхат
Асылбек Ахмет Әлихан Әлішер Бағдат Бақыт Бауыржан Бейбарыс Бекжан Бекзат Берік Дамир Данияр Дәулет
Ерасыл Ербол Ерболат Ержан Еркебұлан Еркін Ерлан Ермек Ернар Жандос Жанболат Жасұлан Ілияс Ислам
Қайрат Қанат Қуаныш Құрманғазы Мағжан Мақсат Марат Мұрат Мұхтар Нұрбол Нұржан Нұрлан Нұрсұлтан
Олжас Орынбасар Рауан Ринат Руслан Самат Санжар Серік Сұлтан Талғат Тимур Төлеген Ұлан Шыңғыс
Темірлан Нұрислам Алдияр Ансар Диас Әмір Ернұр Батыр Бекарыс Нұрдәулет Әлінұр Ақылбек
Дидар Ғалым Жәнібек Исатай Қасым Медет Мирас Нұрасыл Сағын Өмірзақ
    """
)
KAZAKH_FEMALE = _words(
    """
Айгерім Айгүл Айжан Айсұлу Ақбота Ақмарал Аружан Арайлым Әсел Әсем Әлия Гүлмира Гүлнар Дана Диана
Дина Жанар Жансая Жұлдыз Зарина Іңкәр Камила Қарлығаш Лаура Мәдина Меруерт Назерке Нұргүл Сабина
Салтанат Сәуле Томирис Ұлжан Шынар Шолпан Динара Балжан Баян Гауһар Жібек Күнсұлу Мөлдір Перизат
Райхан Толғанай Үміт Хадиша Аяулым Ақерке Еркежан Жасмин Айша Амина Нұрай Дариға Асылым Аяжан
Әйгерім Жаннұр Ақниет Мейрамгүл Гүлназ Әмина Ханшайым Айым Қаламқас Сымбат Аида Эльмира
"""
)
RUSSIAN_MALE = _words(
    """
Александр Алексей Андрей Артём Виктор Владимир Денис Дмитрий Евгений Иван Игорь Кирилл Максим
Михаил Никита Николай Павел Роман Сергей Юрий Ярослав Вячеслав Фёдор Пётр Егор Илья Константин
Олег Василий Григорий Станислав Эмиль Матвей Тимофей Даниил Арсений Глеб Степан Антон Вадим
    """
)
RUSSIAN_FEMALE = _words(
    """
Анастасия Анна Валентина Виктория Галина Дарья Екатерина Елена Ирина Ксения Людмила Марина Мария
Наталья Ольга Полина Светлана Софья Татьяна Юлия Вера Надежда Любовь Алина Карина Кристина Валерия
Вероника Елизавета Эльвира Яна Алиса Варвара Милана Ульяна Есения Таисия Василиса Злата
    """
)
KAZAKH_SURNAMES = _words(
    """
Абдрахманов Ахметов Әбенов Байжанов Бекмұханбетов Бердібеков Досмұхамедов Ерғалиев Есенов
Жақсыбеков Жұмабаев Жанбулатов Исаев Қасымов Кенжебаев Қожахметов Мамыров Мусин Нұрғалиев Оспанов
Оразов Рахимов Сағынтаев Сәрсенбаев Сейітов Сүлейменов Тоқаев Төлеубаев Тұрсынов Хасенов Шәріпов
Ыбыраев Әбдіров Ахметжанов Байменов Бекболатов Бектұров Дәулетов Есімов Жақыпов Жаңабаев Жұмағұлов
Жүсіпов Ибраев Искаков Кәрімов Қалиев Қуанышев Мұхамедов Мұратов Нұрланов Омаров Рахметов
Сейітжанов Смағұлов Тәжібаев Тұрсынбаев Өтегенов Әлиев Байтұрсынов Бекенов Дүйсенов Әбілқасымов
Құнанбаев Назарбаев Сұлтанов Серікбаев Мұқанов Нұрпейісов Тоқтаров Бейсенов Жексенов Қожабеков
Есенбаев Қайратов Айтжанов Ермеков Асанов Кемелов Сапаров Шайхиев Әуезов Мақанов Тастанов
    """
)
RUSSIAN_SURNAMES = _words(
    """
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов
Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов
Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов
Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов
Щербаков Назаров Калинин Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов
Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев
Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов
Вишневский Троцкий Шевченко Бондаренко
    """
)
KOREAN_SURNAMES = _words("Цой Ким Пак Ли Тен Хан Шин")


def forefather_surname(name: str) -> str:
    """Most Kazakh surnames are a forefather's name with a Russian suffix: Серік -> Серіков,
    Абай -> Абаев, Ерасыл -> Ерасылов, Әмір -> Әміров."""
    if name.endswith("й"):
        return name[:-1] + "ев"
    if name[-1] in "аеиоуыэюяәөұүі":
        return name + "ев"
    return name + "ов"


# The listed surnames, then one from every Kazakh man's name (the longer tail of the register).
KAZAKH_SURNAMES = sorted(set(KAZAKH_SURNAMES) | {forefather_surname(name) for name in KAZAKH_MALE})

REGIONS = _words(
    """
Астана Алматы Шымкент Абай Ақмола Ақтөбе Алматы-облысы Атырау Батыс-Қазақстан Жамбыл Жетісу
Қарағанды Қостанай Қызылорда Маңғыстау Павлодар Солтүстік-Қазақстан Түркістан Ұлытау
Шығыс-Қазақстан
    """
)

_KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

# --- Keyboards ---------------------------------------------------------------------------------

_CYRILLIC_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
_LATIN_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _adjacency(rows: tuple[str, ...]) -> dict[str, str]:
    """Keys next to each key: left and right on its row, and the nearest keys above and below
    (the rows are staggered by about half a key)."""
    near: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, key in enumerate(row):
            around = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
            for other in (r - 1, r + 1):
                if 0 <= other < len(rows):
                    shift = c if other < r else c - 1
                    around += [
                        rows[other][x] for x in (shift, shift + 1) if 0 <= x < len(rows[other])
                    ]
            near[key] = "".join(a for a in around if a)
    return near


CYRILLIC_NEAR = _adjacency(_CYRILLIC_ROWS)
LATIN_NEAR = _adjacency(_LATIN_ROWS)


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip: an adjacent key, a dropped letter, a double tap or two letters swapped,
    away from the first letter more often than at it."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    position = rng.choice(letters[1:]) if rng.random() < 0.85 else letters[0]
    char = text[position]
    lower = char.lower()
    near = CYRILLIC_NEAR.get(lower) or LATIN_NEAR.get(lower) or ""
    operation = rng.random()
    if operation < 0.45 and near:
        replacement = rng.choice(near)
        replacement = replacement.upper() if char.isupper() else replacement
        return text[:position] + replacement + text[position + 1 :]
    if operation < 0.7:
        return text[:position] + text[position + 1 :]
    if operation < 0.85:
        extra = rng.choice(near) if near and rng.random() < 0.5 else lower
        extra = extra.upper() if char.isupper() else extra
        return text[: position + 1] + extra + text[position + 1 :]
    if position + 1 < len(text) and text[position + 1].isalpha():
        return text[:position] + text[position + 1] + char + text[position + 2 :]
    return text[:position] + text[position + 1 :]


# --- Transliteration (informal) ----------------------------------------------------------------

_INFORMAL: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e",),
    "ё": ("yo", "e", "io"), "ж": ("zh", "j"), "з": ("z",), "и": ("i",), "й": ("y", "i", "j"),
    "к": ("k",), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",),
    "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh", "h", "x"), "ц": ("ts", "c"),
    "ч": ("ch",), "ш": ("sh",), "щ": ("sch", "shch", "sh"), "ъ": ("",), "ы": ("y", "i"),
    "ь": ("", "'"), "э": ("e",), "ю": ("yu", "iu", "ju"), "я": ("ya", "ia", "ja"),
    "ә": ("a", "ä", "á"), "ғ": ("g", "gh", "ğ"), "қ": ("k", "q"), "ң": ("n", "ng"),
    "ө": ("o", "ö"), "ұ": ("u", "ū"), "ү": ("u", "ü"), "һ": ("h",), "і": ("i", "ı"),
}  # fmt: skip


def informal(name: str, style: dict[str, str]) -> str:
    """An NGO worker's spelling: each letter's variant fixed per record (`style`), Ye- at the
    start of a word for е."""
    out = []
    lower = name.lower()
    for i, char in enumerate(lower):
        if char in "-' ":
            out.append(char)
            continue
        options = _INFORMAL.get(char, (char,))
        latin = style.get(char, options[0])
        if char == "е" and (i == 0 or lower[i - 1] in " -") and style.get("ye") == "ye":
            latin = "ye"
        out.append(latin)
    text = "".join(out)
    return "-".join(part.capitalize() for part in text.split("-"))


def informal_style(rng: random.Random) -> dict[str, str]:
    style = {char: rng.choice(options) for char, options in _INFORMAL.items()}
    style["ye"] = rng.choice(("ye", "e"))
    return style


# --- Children and records -----------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    child_id: int
    sex: str
    family: str  # kazakh, russian, korean
    given: str  # Kazakh Cyrillic for Kazakh names
    surname_male: str  # the family surname in its male form
    father: str
    birth: date
    home: str
    found: str | None  # the region where the child was found, if not home


@dataclass(frozen=True)
class Agency:
    name: str
    script: str  # Cyrillic or Latin: the script-pair groups of the benchmark
    coverage: float  # share of children this agency records
    duplicate: float  # chance of a second record of the same child
    typo: float  # chance of a slip in each name field
    swap_fields: float  # surname and given name in each other's fields
    patronymic: float  # chance the patronymic is written
    drop_suffix: float  # Kazakh surname written without -ов/-ев (Жұмабай)
    birth_missing: float
    birth_estimate: float  # an age range on the day of the record instead of a date
    birth_placeholder: float  # only the year: 1 January
    birth_swap: float  # day and month swapped (when both are 12 or less)
    birth_typo: float  # day, month or year wrong
    sex_missing: float
    found_region: float  # chance of recording where the child was found (when not home)


AGENCIES = (
    Agency("police", "Cyrillic", 0.50, 0.08, 0.06, 0.05, 0.75, 0.03,
           0.08, 0.12, 0.05, 0.03, 0.03, 0.03, 0.7),
    Agency("social", "Cyrillic", 0.55, 0.10, 0.05, 0.04, 0.80, 0.25,
           0.05, 0.08, 0.08, 0.03, 0.03, 0.02, 0.2),
    Agency("ngo", "Latin", 0.45, 0.12, 0.10, 0.25, 0.10, 0.08,
           0.15, 0.35, 0.03, 0.06, 0.04, 0.10, 0.7),
    Agency("passport", "Latin", 0.35, 0.02, 0.015, 0.02, 0.0, 0.0,
           0.01, 0.0, 0.01, 0.005, 0.005, 0.0, 0.0),
)  # fmt: skip


def _zipf(
    items: list[str], rng: random.Random, exponent: float = 0.9
) -> tuple[list[str], list[float]]:
    order = sorted(set(items))
    rng.shuffle(order)
    return order, [1.0 / (rank + 5) ** exponent for rank in range(len(order))]


class _Pools:
    def __init__(self, rng: random.Random) -> None:
        self.given = {
            ("kazakh", "m"): _zipf(KAZAKH_MALE, rng),
            ("kazakh", "f"): _zipf(KAZAKH_FEMALE, rng),
            ("russian", "m"): _zipf(RUSSIAN_MALE, rng),
            ("russian", "f"): _zipf(RUSSIAN_FEMALE, rng),
        }
        self.surnames = {
            "kazakh": _zipf(KAZAKH_SURNAMES, rng),
            "russian": _zipf(RUSSIAN_SURNAMES, rng),
            "korean": _zipf(KOREAN_SURNAMES, rng),
        }

    def pick_given(self, family: str, sex: str, rng: random.Random) -> str:
        names, weights = self.given[("russian" if family == "korean" else family, sex)]
        return rng.choices(names, weights)[0]

    def pick_surname(self, family: str, rng: random.Random) -> str:
        names, weights = self.surnames[family]
        return rng.choices(names, weights)[0]


def feminine(surname: str) -> str:
    for male, female in (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ёв", "ёва"),
                         ("ев", "ева"), ("ин", "ина")):  # fmt: skip
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def without_suffix(surname: str) -> str:
    """The Kazakh form without the Russian suffix: Жанбулатов -> Жанбулат, Жұмабаев -> Жұмабай,
    Ерғалиев -> Ерғали."""
    for suffix in ("ова", "ева", "ов", "ев"):
        if surname.endswith(suffix):
            stem = surname[: -len(suffix)]
            if suffix.startswith("е") and stem and stem[-1] in "аоұұыәеө":
                return stem + "й"
            return stem
    return surname


def patronymic(father: str, sex: str, kazakh: bool) -> str:
    if kazakh:
        return father + ("ұлы" if sex == "m" else "қызы")
    base = father.translate(_KAZAKH_TO_RUSSIAN)
    if base.endswith("й"):
        return base[:-1] + ("евич" if sex == "m" else "евна")
    if base.endswith("ь"):
        return base[:-1] + ("евич" if sex == "m" else "евна")
    if base.endswith(("а", "я")):
        return base[:-1] + ("ич" if sex == "m" else "ична")
    return base + ("ович" if sex == "m" else "овна")


def make_children(count: int, rng: random.Random, pools: _Pools, first_id: int = 0) -> list[Child]:
    children: list[Child] = []
    start, end = date(2007, 1, 1).toordinal(), date(2024, 12, 31).toordinal()
    while len(children) < count:
        family = rng.choices(("kazakh", "russian", "korean"), (0.7, 0.25, 0.05))[0]
        surname = pools.pick_surname(family, rng)
        father = pools.pick_given(family, "m", rng)
        home = rng.choice(REGIONS)
        birth = date.fromordinal(rng.randint(start, end))
        size = 1
        roll = rng.random()
        if roll < 0.01:
            size = 2  # twins
        elif roll < 0.12:
            size = 2 if rng.random() < 0.8 else 3  # siblings
        used: set[str] = set()
        for member in range(size):
            sex = rng.choice("mf")
            given = pools.pick_given(family, sex, rng)
            while given in used:
                given = pools.pick_given(family, sex, rng)
            used.add(given)
            if member and roll >= 0.01:
                gap = rng.randint(365, 6 * 365) * rng.choice((-1, 1))
                born = date.fromordinal(min(max(birth.toordinal() + gap, start), end))
            else:
                born = birth
            found = rng.choice(REGIONS) if rng.random() < 0.5 else None
            children.append(
                Child(
                    first_id + len(children), sex, family, given, surname, father, born, home, found
                )
            )
    return children[:count]


def _with_typo(text: str, rate: float, rng: random.Random) -> str:
    if text and rng.random() < rate:
        return typo(text, rng)
    return text


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _shift_date(birth: date, rng: random.Random) -> date:
    """A wrong day, month or year."""
    part = rng.random()
    try:
        if part < 0.5:
            return birth.replace(day=max(1, min(28, birth.day + rng.choice((-10, -1, 1, 10)))))
        if part < 0.75:
            return birth.replace(month=max(1, min(12, birth.month + rng.choice((-1, 1)))))
        return birth.replace(year=birth.year + rng.choice((-1, 1)))
    except ValueError:
        return birth.replace(day=28)


def render(child: Child, agency: Agency, rng: random.Random) -> dict[str, Any]:
    """One agency's record of one child."""
    kazakh = child.family == "kazakh"
    surname = child.surname_male if child.sex == "m" else feminine(child.surname_male)
    if kazakh and rng.random() < agency.drop_suffix:
        surname = without_suffix(child.surname_male)
    given = child.given
    father_name: str | None = None
    if rng.random() < agency.patronymic:
        father_name = patronymic(
            child.father, child.sex, kazakh and agency.name == "social" and rng.random() < 0.6
        )
    if agency.name == "police" or (not kazakh and agency.name == "social"):
        surname, given = (x.translate(_KAZAKH_TO_RUSSIAN) for x in (surname, given))
        father_name = father_name.translate(_KAZAKH_TO_RUSSIAN) if father_name else None
    parts = [surname, given, father_name or ""]
    if agency.script == "Latin":
        if agency.name == "passport":
            parts = [icao(p) if p else "" for p in parts]
        else:
            system = rng.random()
            if system < 0.25:
                parts = [bgn(p) if p else "" for p in parts]
            elif system < 0.4:
                parts = [kazakh_2021(p) if p else "" for p in parts]
            else:
                style = informal_style(rng)
                parts = [informal(p, style) if p else "" for p in parts]
    surname_text, given_text, patronymic_text = (_with_typo(p, agency.typo, rng) for p in parts)
    if rng.random() < agency.swap_fields:
        surname_text, given_text = given_text, surname_text

    recorded = date(2023, 1, 1) + timedelta(days=rng.randint(0, 3 * 365 + 300))
    recorded = max(recorded, child.birth + timedelta(days=30))
    birth: date | None = child.birth
    age_min: int | None = None
    age_max: int | None = None
    roll = rng.random()
    if roll < agency.birth_missing:
        birth = None
    elif roll < agency.birth_missing + agency.birth_estimate:
        birth = None
        true_age = _age_on(child.birth, recorded)
        centre = max(0, true_age + round(rng.gauss(0, 0.8)))
        width = rng.choice((0, 1, 1, 2))
        age_min = max(0, centre - width // 2 - (width % 2 if rng.random() < 0.5 else 0))
        age_max = age_min + width
    else:
        roll = rng.random()
        if roll < agency.birth_placeholder:
            birth = date(child.birth.year, 1, 1)
        elif roll < agency.birth_placeholder + agency.birth_swap:
            if child.birth.day <= 12 and child.birth.day != child.birth.month:
                birth = date(child.birth.year, child.birth.day, child.birth.month)
        elif roll < agency.birth_placeholder + agency.birth_swap + agency.birth_typo:
            birth = _shift_date(child.birth, rng)
    sex: str | None = child.sex
    if rng.random() < agency.sex_missing:
        sex = None
    elif rng.random() < 0.01:
        sex = "f" if child.sex == "m" else "m"
    region = child.home
    if child.found is not None and rng.random() < agency.found_region:
        region = child.found
    return {
        "child_id": child.child_id,
        "source": agency.name,
        "script": agency.script,
        "surname": surname_text or None,
        "given": given_text or None,
        "patronymic": patronymic_text or None,
        "birth_date": birth.isoformat() if birth else None,
        "age_min": age_min,
        "age_max": age_max,
        "recorded_on": recorded.isoformat(),
        "sex": sex,
        "region": region,
    }


def generate(records: int, seed: int) -> list[dict[str, Any]]:
    """`records` records (exactly), ids r0000001..., in a seeded random order."""
    rng = random.Random(seed)
    pools = _Pools(rng)
    out: list[dict[str, Any]] = []
    batch = max(16, records // 2)
    made = 0
    while len(out) < records:
        more = make_children(batch, rng, pools, made)
        made += len(more)
        for child in more:
            chosen = [a for a in AGENCIES if rng.random() < a.coverage]
            if not chosen:
                chosen = [rng.choices(AGENCIES, [a.coverage for a in AGENCIES])[0]]
            for agency in chosen:
                out.append(render(child, agency, rng))
                if rng.random() < agency.duplicate:
                    out.append(render(child, agency, rng))
            if len(out) >= records:
                break
    out = out[:records]
    rng.shuffle(out)
    for number, record in enumerate(out, start=1):
        record["id"] = f"r{number:07d}"
    return out


def matcher_record(record: dict[str, Any]) -> dict[str, Any]:
    """A generated record as the matcher (qorgau.linkage.matcher) reads it."""
    name = " ".join(x for x in (record["surname"], record["given"], record["patronymic"]) if x)
    return {
        "id": record["id"],
        "names": [(name, record["script"])],
        "birth_date": record["birth_date"],
        "age_min": record["age_min"],
        "age_max": record["age_max"],
        "recorded_on": record["recorded_on"],
        "sex": record["sex"],
        "region": record["region"],
        "source": record["source"],
    }


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    children = Counter(r["child_id"] for r in records)
    return {
        "records": len(records),
        "children": len(children),
        "true_pairs": sum(k * (k - 1) // 2 for k in children.values()),
        "by_source": dict(sorted(Counter(r["source"] for r in records).items())),
        "records_per_child": dict(sorted(Counter(children.values()).items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="JSON lines file to write")
    args = parser.parse_args(argv)
    records = generate(args.records, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps(summary(records), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
