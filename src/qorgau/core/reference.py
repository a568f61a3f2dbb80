"""Reading versioned reference data files (``<app>/data/*.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("kk", "ru", "en")


class ReferenceDataError(ValueError):
    """A reference data file that does not have the shape its loader needs."""


@dataclass(frozen=True)
class ReferenceFile:
    version: int
    items: list[dict[str, Any]]


def read_reference(package: str, filename: str, collection: str) -> ReferenceFile:
    """Parse one data file and check the parts every reference file shares."""
    text = resources.files(package).joinpath("data", filename).read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("version"), int):
        raise ReferenceDataError(f"{filename}: needs an integer 'version'")
    items = document.get(collection)
    if not isinstance(items, list):
        raise ReferenceDataError(f"{filename}: needs a list '{collection}'")
    keys = [item.get("key") for item in items]
    if len(set(keys)) != len(keys) or not all(keys):
        raise ReferenceDataError(f"{filename}: every item needs a unique 'key'")
    return ReferenceFile(version=document["version"], items=items)


def translations(item: dict[str, Any], field: str) -> dict[str, str]:
    """``{"kk": ..., "ru": ..., "en": ...}`` for one field, refusing a missing language."""
    value = item.get(field) or {}
    missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
    if missing:
        raise ReferenceDataError(f"{item.get('key')}: {field} lacks {', '.join(missing)}")
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}
