"""Scoring a screening: the ILO/EC combination rule per dimension, then the outcome.

Pure functions over plain values, so the rule can be read, tested with Hypothesis and
explained on the result page without touching the database.

- A dimension is *positive* with two strong indicators; or one strong and one medium or weak;
  or three medium; or two medium and one weak (ILO/EC 2009).
- A person is treated as a child when under 18, or when the age is uncertain and there are
  signs of childhood (presumption of minority).
- Outcome for a child: *strong indication* (presumed victim) when a recruitment dimension and
  the exploitation dimension are positive (for children the means are not needed: Palermo
  Protocol Art. 3(c)), or when exploitation and coercion at destination are both positive;
  otherwise *concern* when even one indicator or sign is present (assessment and notification
  of child protection); otherwise *no indication*.
- Outcome for an adult: *strong indication* when a recruitment dimension, exploitation and a
  destination dimension (coercion or abuse of vulnerability) are all positive; *concern* when
  any dimension is positive or any strong indicator is present.
Every rule only ever adds: answering one more indicator "yes" never lowers the outcome.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


class Strength(enum.StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"
    SIGN = "sign"  # UNODC signs: never make a dimension positive on their own


class Outcome(enum.IntEnum):
    NO_INDICATION = 0
    CONCERN = 1
    STRONG_INDICATION = 2

    @property
    def key(self) -> str:
        return self.name.lower()


RECRUITMENT = frozenset(
    {"deceptive_recruitment", "coercive_recruitment", "vulnerability_recruitment"}
)
EXPLOITATION = "exploitation"
COERCION_DESTINATION = "coercion_destination"
DESTINATION = frozenset({COERCION_DESTINATION, "vulnerability_destination"})
ADULT_AGE = 18


@dataclass(frozen=True)
class Present:
    """One indicator answered "yes"."""

    key: str
    dimension: str
    strength: Strength


@dataclass(frozen=True)
class Score:
    outcome: Outcome
    is_child: bool
    positive_dimensions: frozenset[str]
    drivers: tuple[str, ...] = field(default=())  # indicator keys that decided the outcome
    reasons: tuple[str, ...] = field(default=())  # machine keys of the rules that fired


def dimension_is_positive(strengths: Iterable[Strength]) -> bool:
    counted = list(strengths)
    strong = counted.count(Strength.STRONG)
    medium = counted.count(Strength.MEDIUM)
    weak = counted.count(Strength.WEAK)
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def age_on(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    return years - ((on.month, on.day) < (birth_date.month, birth_date.day))


def treated_as_child(
    *,
    birth_date: date | None,
    age_min: int | None,
    age_max: int | None,
    declared_child: bool | None,
    signs_of_childhood: bool,
    on: date,
) -> bool:
    """Presumption of minority: a child until shown to be an adult.

    A known birth date decides. Otherwise a person said to be a child, estimated under 18, or
    showing signs of childhood is a child; so is a person about whom nothing is known, because
    wrongly treating a child as an adult costs far more than the reverse.
    """
    if birth_date is not None:
        return age_on(birth_date, on) < ADULT_AGE
    if declared_child or signs_of_childhood:
        return True
    if age_min is not None or age_max is not None:
        # An estimate that reaches below 18 leaves the age uncertain: presume a child.
        return (age_min or 0) < ADULT_AGE
    return declared_child is None


def score(present: Iterable[Present], *, is_child: bool) -> Score:
    answered = list(present)
    by_dimension: dict[str, list[Present]] = {}
    for item in answered:
        by_dimension.setdefault(item.dimension, []).append(item)
    positive = frozenset(
        dimension
        for dimension, items in by_dimension.items()
        if dimension_is_positive(i.strength for i in items)
    )

    def drivers_of(dimensions: Iterable[str]) -> tuple[str, ...]:
        wanted = set(dimensions)
        return tuple(i.key for i in answered if i.dimension in wanted)

    recruitment = positive & RECRUITMENT
    if is_child:
        if recruitment and EXPLOITATION in positive:
            return Score(
                Outcome.STRONG_INDICATION,
                True,
                positive,
                drivers_of(recruitment | {EXPLOITATION}),
                ("child_recruitment_for_exploitation",),
            )
        if EXPLOITATION in positive and COERCION_DESTINATION in positive:
            return Score(
                Outcome.STRONG_INDICATION,
                True,
                positive,
                drivers_of({EXPLOITATION, COERCION_DESTINATION}),
                ("child_exploitation_under_coercion",),
            )
        if answered:
            return Score(
                Outcome.CONCERN, True, positive, tuple(i.key for i in answered), ("child_any",)
            )
        return Score(Outcome.NO_INDICATION, True, positive)

    destination = positive & DESTINATION
    if recruitment and EXPLOITATION in positive and destination:
        return Score(
            Outcome.STRONG_INDICATION,
            False,
            positive,
            drivers_of(recruitment | {EXPLOITATION} | destination),
            ("adult_all_elements",),
        )
    strong_items = tuple(i.key for i in answered if i.strength == Strength.STRONG)
    if positive or strong_items:
        drivers = drivers_of(positive) + tuple(
            k for k in strong_items if k not in drivers_of(positive)
        )
        return Score(Outcome.CONCERN, False, positive, drivers, ("adult_positive_or_strong",))
    return Score(Outcome.NO_INDICATION, False, positive)
