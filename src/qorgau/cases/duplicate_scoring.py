"""The linkage matcher applied to the case module's children: records, scores and evidence.

Pure glue over `qorgau.linkage.matcher`'s public API (no database access here): a child (or the
facts typed into the registration form) becomes a matcher `Record`; a fitted `Model` built
from the parameters in `data/duplicate_model.json` and term frequencies of canonical keys
scores a pair; the comparison levels become translated reasons and evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.linkage import features as f
from qorgau.linkage.matcher import (
    BIRTH,
    GIVEN,
    MATCHER_VERSION,
    PATRONYMIC,
    REGION,
    SEX,
    SURNAME,
    MatcherConfig,
    Model,
    ModelParameters,
    comparison_specs,
)

MODEL_FILE = Path(__file__).resolve().parent / "data" / "duplicate_model.json"

# Shown at registration from this probability; listed for review from REVIEW_PROBABILITY.
LOOKUP_PROBABILITY = 0.2
REVIEW_PROBABILITY = 0.5

FIELD_LABELS = {
    SURNAME: gettext_lazy("surname"),
    GIVEN: gettext_lazy("given name"),
    PATRONYMIC: gettext_lazy("patronymic"),
    BIRTH: gettext_lazy("birth date"),
    SEX: gettext_lazy("sex"),
    REGION: gettext_lazy("region"),
}
_NAME_LEVELS = (
    gettext_lazy("same spelling across scripts"),
    gettext_lazy("same key or surname stem"),
    gettext_lazy("very similar spelling"),
    gettext_lazy("similar spelling"),
    gettext_lazy("different"),
)
_BIRTH_LEVELS = (
    gettext_lazy("same date"),
    gettext_lazy("day and month swapped"),
    gettext_lazy("one of day, month and year differs"),
    gettext_lazy("1 January placeholder, same year"),
    gettext_lazy("within the estimate"),
    gettext_lazy("birth years one year apart"),
    gettext_lazy("different"),
)
_EQUALITY_LEVELS = (gettext_lazy("same"), gettext_lazy("different"))
LEVEL_LABELS = {
    SURNAME: _NAME_LEVELS,
    GIVEN: _NAME_LEVELS,
    PATRONYMIC: _NAME_LEVELS,
    BIRTH: _BIRTH_LEVELS,
    SEX: _EQUALITY_LEVELS,
    REGION: _EQUALITY_LEVELS,
}
_AGREE = {
    SURNAME: (f.NAME_EXACT, f.NAME_SHARED, f.NAME_JW_HIGH),
    GIVEN: (f.NAME_EXACT, f.NAME_SHARED, f.NAME_JW_HIGH),
    PATRONYMIC: (f.NAME_EXACT, f.NAME_SHARED, f.NAME_JW_HIGH),
    BIRTH: tuple(range(f.BIRTH_NEAR_YEAR + 1)),
    SEX: (0,),
    REGION: (0,),
}


@lru_cache(maxsize=1)
def _parameters() -> dict[str, Any]:
    body: dict[str, Any] = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return body


def model(key_counts: Mapping[str, int], records: int) -> Model:
    """The matcher's model with the shipped parameters and these term frequencies.

    A key held by 1 of 3 records is not thereby common: below the size of the population the
    parameters were fitted on, frequencies are taken against that size instead."""
    body = _parameters()
    specs = comparison_specs(())
    parameters = ModelParameters(
        specs=specs,
        m=[list(row) for row in body["m"]],
        u=[list(row) for row in body["u"]],
        prior=float(body["prior"]),
        key_counts=dict(key_counts),
        value_counts=[],
        records=max(records, int(body["records"]), 1),
    )
    return Model(MatcherConfig(other_fields=()), parameters, ())


@dataclass(frozen=True)
class Facts:
    """What is known of a child, as the matcher compares it."""

    id: str
    names: Sequence[tuple[str, str]]  # (text, script)
    birth_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_estimated_on: date | None = None
    sex: str | None = None
    region: str | None = None

    def record(self) -> f.Record:
        sex = self.sex if self.sex in ("female", "male") else None
        age_min, age_max = self.age_min, self.age_max
        if age_min is None:
            age_min = age_max
        return f.Record(
            id=self.id,
            names=tuple(f.Name(text, script or None) for text, script in self.names if text),
            birth_date=self.birth_date,
            age_min=None if self.birth_date else age_min,
            age_max=None if self.birth_date else age_max,
            recorded_on=self.age_estimated_on or (localdate() if age_min is not None else None),
            sex=sex,
            region=self.region,
        )


def facts_of(child: Any, names: Iterable[Any]) -> Facts:
    """A Child row and its ChildName rows as Facts (region by id: equality is all that counts)."""
    return Facts(
        id=str(child.pk),
        names=[(n.full_name, n.script) for n in names],
        birth_date=child.birth_date,
        age_min=child.age_min,
        age_max=child.age_max,
        age_estimated_on=child.age_estimated_on,
        sex=child.sex,
        region=str(child.region_id) if child.region_id else None,
    )


@dataclass(frozen=True)
class Score:
    match_weight: float
    probability: float
    levels: tuple[int, ...]
    weights: tuple[float, ...]
    swapped: bool


def score(matcher_model: Model, a: f.RecordFeatures, b: f.RecordFeatures) -> Score:
    comparison = matcher_model.compare(a, b)
    weight = matcher_model.match_weight(comparison)
    parameters = matcher_model.parameters
    weights = tuple(
        0.0 if level == f.MISSING else round(parameters.weight(k, level), 2)
        for k, level in enumerate(comparison.vector)
    )
    return Score(
        match_weight=round(weight, 3),
        probability=probability_of(weight),
        levels=tuple(comparison.vector),
        weights=weights,
        swapped=comparison.swapped,
    )


def explained(
    matcher_model: Model, found: Score, records: Sequence[f.Record], i: int, j: int
) -> Score:
    """The score with each field's weight including its term-frequency adjustment (a rare
    name weighs more), from the matcher's own explanation: what the review page shows."""
    explanation = matcher_model.explain(records[i], records[j])
    weights = tuple(round(c.weight + c.term_frequency_adjustment, 2) for c in explanation.fields)
    return Score(found.match_weight, found.probability, found.levels, weights, found.swapped)


def prior_weight() -> float:
    """The weight every pair starts from: how rare it is that two records are one child."""
    prior = float(_parameters()["prior"])
    return round(math.log2(prior / (1 - prior)), 1)


def probability_of(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1.0 + odds)


def reasons(levels: Sequence[int], swapped: bool = False) -> list[str]:
    """Why a record may be the same child, in words ("same surname stem", ...)."""
    out: list[str] = []
    surname, given, patronymic, birth = (
        levels[SURNAME],
        levels[GIVEN],
        levels[PATRONYMIC],
        levels[BIRTH],
    )
    if surname in (f.NAME_EXACT, f.NAME_SHARED):
        out.append(_("same surname stem"))
    elif surname in (f.NAME_JW_HIGH, f.NAME_JW_LOW):
        out.append(_("similar surname"))
    if given in (f.NAME_EXACT, f.NAME_SHARED):
        out.append(_("same given name"))
    elif given in (f.NAME_JW_HIGH, f.NAME_JW_LOW):
        out.append(_("similar given name"))
    if patronymic in (f.NAME_EXACT, f.NAME_SHARED):
        out.append(_("same patronymic"))
    if swapped:
        out.append(_("surname and given name in the other order"))
    if birth == f.BIRTH_EXACT:
        out.append(_("same date of birth"))
    elif birth in (f.BIRTH_SWAPPED, f.BIRTH_ONE_PART, f.BIRTH_PLACEHOLDER):
        out.append(_("date of birth alike"))
    elif birth in (f.BIRTH_OVERLAP, f.BIRTH_NEAR_YEAR):
        out.append(_("birth year within the estimate"))
    if levels[SEX] == 0:
        out.append(_("same sex"))
    if levels[REGION] == 0:
        out.append(_("same region"))
    return out


@dataclass(frozen=True)
class Evidence:
    field: str
    level: str
    weight: float
    agrees: bool
    missing: bool


def evidence(levels: Sequence[int], weights: Sequence[float]) -> list[Evidence]:
    """Each compared field: its level in words, its weight, whether it agreed."""
    out = []
    for k, level in enumerate(levels):
        if k not in FIELD_LABELS:
            continue
        missing = level == f.MISSING
        out.append(
            Evidence(
                field=str(FIELD_LABELS[k]),
                level=_("not recorded on both") if missing else str(LEVEL_LABELS[k][level]),
                weight=float(weights[k]) if k < len(weights) else 0.0,
                agrees=not missing and level in _AGREE[k],
                missing=missing,
            )
        )
    return out


__all__ = ["MATCHER_VERSION", "Facts", "Score", "evidence", "facts_of", "model", "score"]
