"""The Kazakh and Russian catalogues are complete and real, and the templates use them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "qorgau" / "locale"
LANGUAGES = ("kk", "ru")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Text with no letters to translate: placeholders, codes, punctuation.
_NOTHING_TO_TRANSLATE = re.compile(r"^(%\(\w+\)[sd]|\{\{[^}]*\}\}|[\W\d_]|#)*$")


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"missing catalogue {path}"
    return polib.pofile(str(path))


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|\{\w+\}", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_in_cyrillic_not_copied_english(language: str) -> None:
    copied = []
    for entry in _catalogue(language).translated_entries():
        forms = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in forms:
            if _NOTHING_TO_TRANSLATE.match(entry.msgid):
                continue
            if not CYRILLIC.search(text):
                copied.append(entry.msgid)
    # Brand names and codes may stay Latin; anything else is a sign of copied English.
    allowed = {"Qorgau", "Qorgau API", "API", "#"}
    copied = [m for m in copied if m not in allowed]
    assert not copied, f"{language}: not translated into Cyrillic: {copied[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    broken = []
    for entry in _catalogue(language).translated_entries():
        if entry.msgstr and _placeholders(entry.msgid) != _placeholders(entry.msgstr):
            broken.append(entry.msgid)
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            for text in entry.msgstr_plural.values():
                if _placeholders(text) not in (expected, _placeholders(entry.msgid)):
                    broken.append(entry.msgid_plural)
    assert not broken, f"{language}: placeholders changed in {broken[:5]}"


def test_catalogues_cover_every_string_in_the_code(tmp_path: Path) -> None:
    """makemessages, run on a copy of the code, finds no message the committed catalogues lack."""
    package = LOCALE_DIR.parent
    copy = tmp_path / "qorgau"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
    (tmp_path / "extract_settings.py").write_text(
        f"from qorgau.config.settings import *  # noqa\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--settings=extract_settings",
            *[f"--locale={language}" for language in LANGUAGES],
            "--no-location",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    for language in LANGUAGES:
        committed = {e.msgid for e in _catalogue(language) if not e.obsolete}
        extracted = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        new = sorted({e.msgid for e in extracted if not e.obsolete} - committed)
        assert not new, f"{language}: run makemessages and translate: {new[:10]}"
