"""Which next steps apply to a screening: a pure reading of the pathway rules (data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from qorgau.core.reference import LANGUAGES

CONDITIONS = {
    "outcome",
    "child",
    "unaccompanied",
    "foreign",
    "immediate_danger",
    "forms",
    "regions",
}
OUTCOMES = {"no_indication", "concern", "strong_indication"}


@dataclass(frozen=True)
class Facts:
    outcome: str
    child: bool
    unaccompanied: bool
    foreign: bool
    immediate_danger: bool
    form: str
    region: str


class PathwayRulesError(ValueError):
    pass


def validate_rules(document: Any, organisation_types: set[str]) -> None:
    """Refuse a rules document a system admin could publish by mistake, naming the problem."""
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise PathwayRulesError(_("The rules need a list of steps."))
    keys: set[str] = set()
    for number, step in enumerate(document["steps"], start=1):
        if not isinstance(step, dict):
            raise PathwayRulesError(_("Step %(n)s is not a mapping.") % {"n": number})
        key = step.get("key")
        if not isinstance(key, str) or not key or key in keys:
            raise PathwayRulesError(_("Step %(n)s needs a unique key.") % {"n": number})
        keys.add(key)
        when = step.get("when") or {}
        if not isinstance(when, dict):
            raise PathwayRulesError(
                _("Step %(key)s: its conditions must be a mapping.") % {"key": key}
            )
        unknown = set(when) - CONDITIONS
        if unknown:
            raise PathwayRulesError(
                _("Step %(key)s has unknown conditions: %(names)s.")
                % {"key": key, "names": ", ".join(sorted(unknown))}
            )
        if set(when.get("outcome", [])) - OUTCOMES:
            raise PathwayRulesError(_("Step %(key)s names an unknown outcome.") % {"key": key})
        if step.get("notify") not in organisation_types:
            raise PathwayRulesError(
                _("Step %(key)s notifies an unknown organisation type.") % {"key": key}
            )
        hours = step.get("within_hours")
        if not isinstance(hours, int) or isinstance(hours, bool) or hours <= 0:
            raise PathwayRulesError(
                _("Step %(key)s needs a deadline in whole hours.") % {"key": key}
            )
        for field in ("action", "legal_basis"):
            texts = step.get(field) or {}
            if not isinstance(texts, dict) or not all(
                str(texts.get(lang, "")).strip() for lang in LANGUAGES
            ):
                raise PathwayRulesError(
                    _("Step %(key)s needs %(field)s in Kazakh, Russian and English.")
                    % {"key": key, "field": field}
                )


def _holds(when: dict[str, Any], facts: Facts) -> bool:
    checks = {
        "outcome": lambda v: facts.outcome in v,
        "child": lambda v: facts.child == v,
        "unaccompanied": lambda v: facts.unaccompanied == v,
        "foreign": lambda v: facts.foreign == v,
        "immediate_danger": lambda v: facts.immediate_danger == v,
        "forms": lambda v: facts.form in v,
        "regions": lambda v: not v or facts.region in v,
    }
    return all(checks[name](value) for name, value in when.items())


def applicable_steps(document: dict[str, Any], facts: Facts) -> list[dict[str, Any]]:
    """The steps whose conditions all hold, in the document's order."""
    return [step for step in document["steps"] if _holds(step.get("when") or {}, facts)]
