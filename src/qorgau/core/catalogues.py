"""Compile gettext catalogues (.po to .mo) without GNU gettext.

`make messages` uses Django's compilemessages (GNU msgfmt) when gettext is installed and this
module only when it is not, so that `make test` works on a machine with nothing but Python.
`qorgau demo` compiles the catalogues that are missing or older than their .po with it too, so
that `uv run qorgau demo` on a fresh clone (the .mo files are not in git) speaks Kazakh and
Russian. Standard library only. Fuzzy and untranslated entries are left out, as msgfmt leaves
them out.

Usage: python -m qorgau.core.catalogues [FOLDER ...]   (default: src)
"""

from __future__ import annotations

import ast
import os
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

_SKIP_DIRS = {".venv", ".tools", "node_modules", ".git"}


@dataclass
class _Entry:
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(literal: str, where: str) -> str:
    literal = literal.strip()
    if not (literal.startswith('"') and literal.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, got {literal!r}")
    # PO strings use C escapes, which a Python string literal reads the same way.
    return str(ast.literal_eval(literal))


def parse_po(path: Path) -> list[_Entry]:
    entries: list[_Entry] = []
    entry = _Entry()
    current: tuple[str, int] | None = None  # which field continuation lines extend
    seen_msgid = False

    def finish() -> None:
        nonlocal entry, seen_msgid, current
        if seen_msgid:
            entries.append(entry)
        entry, seen_msgid, current = _Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if seen_msgid and current is not None and current[0] == "msgstr":
                finish()
            if line.startswith("#,") and "fuzzy" in {f.strip() for f in line[2:].split(",")}:
                entry.fuzzy = True
            continue  # comments, references and obsolete (#~) entries
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            if seen_msgid:
                finish()
            entry.context = _unquote(rest, where)
            current = ("msgctxt", 0)
        elif keyword == "msgid":
            if seen_msgid:
                finish()
            entry.msgid = _unquote(rest, where)
            seen_msgid = True
            current = ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural = _unquote(rest, where)
            current = ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = _unquote(rest, where)
            current = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[len("msgstr[") : -1])
            entry.msgstr[index] = _unquote(rest, where)
            current = ("msgstr", index)
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"{where}: string continues nothing")
            text = _unquote(line, where)
            name, index = current
            if name == "msgctxt":
                entry.context = (entry.context or "") + text
            elif name == "msgid":
                entry.msgid += text
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgstr[index] += text
        else:
            raise ValueError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


def build_mo(entries: list[_Entry]) -> bytes:
    catalogue: dict[bytes, bytes] = {}
    for entry in entries:
        is_header = entry.msgid == "" and entry.context is None
        if entry.fuzzy and not is_header:
            continue
        translations = [entry.msgstr[i] for i in sorted(entry.msgstr)]
        if not any(translations):
            continue
        if is_header:  # as GNU msgfmt does, for reproducible builds
            translations = [
                "".join(
                    line
                    for line in translations[0].splitlines(keepends=True)
                    if not line.startswith("POT-Creation-Date:")
                )
            ]
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.context is not None:
            key = entry.context + "\x04" + key
        catalogue[key.encode()] = "\0".join(translations).encode()

    keys = sorted(catalogue)
    count = len(keys)
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    originals_table, translations_table, data = [], [], b""
    for original in keys:
        originals_table.append((len(original), data_at + len(data)))
        data += original + b"\0"
    for original in keys:
        value = catalogue[original]
        translations_table.append((len(value), data_at + len(data)))
        data += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    for length, offset in originals_table + translations_table:
        out += struct.pack("<2I", length, offset)
    return out + data


def _catalogues(folder: Path) -> list[Path]:
    return [
        po
        for po in sorted(folder.rglob("*.po"))
        if not _SKIP_DIRS & set(po.parts) and po.parent.name == "LC_MESSAGES"
    ]


def _write_mo(po: Path) -> None:
    """Written aside, then renamed: a server or test reading the old file meanwhile never sees
    half a catalogue."""
    mo = po.with_suffix(".mo")
    partial = mo.with_name(f"{mo.name}.{os.getpid()}.partial")
    partial.write_bytes(build_mo(parse_po(po)))
    os.replace(partial, mo)


def compile_tree(folder: Path) -> int:
    compiled = 0
    for po in _catalogues(folder):
        _write_mo(po)
        print(f"compiled {po}")
        compiled += 1
    return compiled


def compile_stale(folder: Path) -> list[Path]:
    """Compile the catalogues under `folder` whose .mo is missing or older than the .po;
    returns the .po files compiled."""
    stale = []
    for po in _catalogues(folder):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            _write_mo(po)
            stale.append(po)
    return stale


def main(argv: list[str]) -> int:
    folders = [Path(arg) for arg in argv] or [Path("src")]
    total = sum(compile_tree(folder) for folder in folders)
    if total == 0:
        print("no .po files to compile")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
