"""The pure-Python catalogue compiler, and `qorgau demo` compiling what is missing."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from qorgau.core import catalogues

PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\n"

msgid "Cases"
msgstr "Случаи"

#, fuzzy
msgid "Guessed"
msgstr "Угадано"

msgctxt "menu"
msgid "Open"
msgstr "Открыть"

msgid "%(counter)s reminder"
msgid_plural "%(counter)s reminders"
msgstr[0] "%(counter)s напоминание"
msgstr[1] "%(counter)s напоминания"
msgstr[2] "%(counter)s напоминаний"
"""


def _catalogue(folder: Path) -> Path:
    po = folder / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    return po


def test_compiled_catalogue_reads_back_with_gettext(tmp_path: Path) -> None:
    po = _catalogue(tmp_path)
    assert catalogues.compile_stale(tmp_path) == [po]
    with po.with_suffix(".mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Cases") == "Случаи"
    assert translations.gettext("Guessed") == "Guessed"  # fuzzy entries are left out
    assert translations.pgettext("menu", "Open") == "Открыть"
    forms = [
        translations.ngettext("%(counter)s reminder", "%(counter)s reminders", n) for n in (1, 2, 5)
    ]
    assert forms == [
        "%(counter)s напоминание",
        "%(counter)s напоминания",
        "%(counter)s напоминаний",
    ]


def test_only_missing_or_older_catalogues_are_compiled(tmp_path: Path) -> None:
    po = _catalogue(tmp_path)
    catalogues.compile_stale(tmp_path)
    assert catalogues.compile_stale(tmp_path) == []  # up to date
    mo = po.with_suffix(".mo")
    os.utime(mo, (po.stat().st_mtime - 10, po.stat().st_mtime - 10))
    assert catalogues.compile_stale(tmp_path) == [po]  # the .po changed since


@pytest.mark.django_db
def test_demo_compiles_the_catalogues_first(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[Path] = []

    def compile_stale(folder: Path) -> list[Path]:
        compiled.append(folder)
        return []

    monkeypatch.setattr("qorgau.demo.management.commands.demo.compile_stale", compile_stale)
    monkeypatch.setattr("qorgau.demo.management.commands.demo.demo_load", _no_demo)
    call_command("demo", no_serve=True)
    assert compiled and (compiled[0] / "locale").is_dir()


def _no_demo() -> object:
    class Loaded:
        organisations_created = 0
        users_created = 0

    return Loaded()
