"""Reading and checking indicator-catalogue documents (the data files or an uploaded correction)."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

import yaml
from django.utils.translation import gettext as _

from qorgau.core.reference import LANGUAGES

LISTS = ("child_labour", "child_sexual", "adult_labour", "adult_sexual", "unodc_child")
SCORED_DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerability_recruitment",
    "exploitation",
    "coercion_destination",
    "vulnerability_destination",
)
SIGN_DIMENSIONS = ("child_signs", "place_signs")
STRENGTHS = ("strong", "medium", "weak", "sign")


class CatalogueError(ValueError):
    pass


def read_packaged_catalogue() -> dict[str, Any]:
    """The manifest with every indicator from the files it names, as one document."""
    folder = resources.files("qorgau.screening").joinpath("data", "catalogue")
    manifest = yaml.safe_load(folder.joinpath("manifest.yaml").read_text(encoding="utf-8"))
    indicators: list[dict[str, Any]] = []
    for name in manifest.pop("files"):
        part = yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8"))
        indicators.extend(part["indicators"])
    manifest["indicators"] = indicators
    return dict(manifest)


def _require_translations(item: dict[str, Any], field: str, where: str) -> None:
    texts = item.get(field) or {}
    if not isinstance(texts, dict) or not all(str(texts.get(k, "")).strip() for k in LANGUAGES):
        raise CatalogueError(
            _("%(where)s: %(field)s needs Kazakh, Russian and English.")
            % {"where": where, "field": field}
        )


def validate_catalogue(document: Any) -> None:
    """Refuse a document that could not be scored, naming the first problem."""
    if not isinstance(document, dict):
        raise CatalogueError(_("The catalogue must be a YAML mapping."))
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
        raise CatalogueError(_("The catalogue needs a whole-number version."))
    published = document.get("published")
    if published is not None and not isinstance(published, date):
        try:
            date.fromisoformat(str(published))
        except ValueError:
            raise CatalogueError(_("The published date must be written as YYYY-MM-DD.")) from None
    for group in ("lists", "dimensions"):
        names = document.get(group, {})
        if not isinstance(names, dict) or not all(isinstance(n, dict) for n in names.values()):
            raise CatalogueError(
                _("%(group)s must give each key its names in Kazakh, Russian and English.")
                % {"group": group}
            )
    indicators = document.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        raise CatalogueError(_("The catalogue has no indicators."))
    keys: set[str] = set()
    for number, item in enumerate(indicators, start=1):
        where = str(item.get("key") or f"#{number}") if isinstance(item, dict) else f"#{number}"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("key"), str)
            or not item["key"]
            or item["key"] in keys
        ):
            raise CatalogueError(
                _("%(where)s: every indicator needs a unique key.") % {"where": where}
            )
        keys.add(item["key"])
        if len(item["key"]) > 120 or len(str(item.get("confidence", ""))) > 40:
            raise CatalogueError(
                _("%(where)s: the key (120 characters) or confidence (40) is too long.")
                % {"where": where[:120]}
            )
        if item.get("list") not in LISTS:
            raise CatalogueError(_("%(where)s: unknown list.") % {"where": where})
        allowed = SIGN_DIMENSIONS if item["list"] == "unodc_child" else SCORED_DIMENSIONS
        if item.get("dimension") not in allowed:
            raise CatalogueError(_("%(where)s: unknown dimension.") % {"where": where})
        if item.get("strength") not in STRENGTHS:
            raise CatalogueError(_("%(where)s: unknown strength.") % {"where": where})
        _require_translations(item, "label", where)
        _require_translations(item, "question", where)
