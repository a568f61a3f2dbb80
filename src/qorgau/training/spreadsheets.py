"""Participant lists as Excel files: the template organisers fill in, and reading it back.

Headers are recognised in Kazakh, Russian and English, in any order and case; so are the
values of the closed lists (sector, gender, language, region). Reading never writes: it
turns a file into rows of text, and the import service validates and saves them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("full_name", _("Full name"), True, ("ФИО", "Аты-жөні", "Name", "Имя", "Аты")),
    Column(
        "organisation_name",
        _("Organisation"),
        True,
        ("Organization", "Организация", "Ұйым", "Место работы", "Жұмыс орны"),
    ),
    Column("sector", _("Sector"), True, ("Сектор", "Сала")),
    Column("position", _("Position"), True, ("Должность", "Лауазымы", "Лауазым")),
    Column("region", _("Region"), False, ("Регион", "Область", "Облыс", "Өңір")),
    Column("gender", _("Gender"), True, ("Sex", "Пол", "Жынысы")),
    Column(
        "email",
        _("E-mail"),
        False,
        ("Email", "E-mail address", "Эл. почта", "Электронная почта", "Электрондық пошта"),
    ),
    Column("phone", _("Phone"), False, ("Телефон", "Phone number", "Телефон нөмірі")),
    Column("language", _("Language"), False, ("Язык", "Тіл")),
    Column(
        "accessibility_needs",
        _("Accessibility needs"),
        False,
        ("Особые потребности", "Ерекше қажеттіліктер"),
    ),
)


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (not an .xlsx, no header, too big)."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number the person sees in Excel
    values: dict[str, str]


def fold(text: str) -> str:
    """Case, spaces and punctuation do not matter when matching headers and list values."""
    return re.sub(r"[\W_]+", "", str(text).casefold().replace("ё", "е"))


def _labels(item: Any) -> set[str]:
    """A translatable label in each working language."""
    labels = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.add(fold(str(item)))
    return labels


def header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in {fold(column.key), *_labels(column.label), *map(fold, column.aliases)}:
            lookup[name] = column.key
    return lookup


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def read_rows(upload: IO[bytes]) -> tuple[list[str], list[SheetRow]]:
    """(unknown header names, rows) from the first sheet; blank rows are skipped."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(gettext("The file is larger than 5 MB."))
    not_excel = gettext("This is not an Excel (.xlsx) file. Save the list as .xlsx and try again.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(not_excel) from error
    try:
        return _read(workbook)
    except SpreadsheetError:
        raise
    except Exception as error:
        # Whatever a damaged or unusual file makes the reader raise, the person gets a reason.
        raise SpreadsheetError(not_excel) from error
    finally:
        workbook.close()


def _read(workbook: Any) -> tuple[list[str], list[SheetRow]]:
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise SpreadsheetError(gettext("The first sheet is empty."))
    lookup = header_lookup()
    keys: list[str | None] = []
    unknown: list[str] = []
    for cell in header:
        name = _text(cell)
        key = lookup.get(fold(name)) if name else None
        if name and key is None:
            unknown.append(name)
        keys.append(key)
    missing = [c for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise SpreadsheetError(
            gettext("The first row must name the columns. Missing: %(columns)s.")
            % {"columns": ", ".join(str(c.label) for c in missing)}
        )
    found: list[SheetRow] = []
    for number, cells in enumerate(rows, start=2):
        values = {
            key: _text(cell) for key, cell in zip(keys, cells, strict=False) if key is not None
        }
        if not any(values.values()):
            continue
        if len(found) >= MAX_ROWS:
            raise SpreadsheetError(
                gettext("A list can have at most %(count)s people. Split it into several files.")
                % {"count": MAX_ROWS}
            )
        found.append(SheetRow(number, values))
    if not found:
        raise SpreadsheetError(gettext("The list has no participants under its header row."))
    return unknown, found


def template(examples: Iterable[dict[str, str]] = ()) -> bytes:
    """An .xlsx with the header row in the active language, ready to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Participants")[:31]
    sheet.append([str(column.label) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in examples:
        sheet.append([example.get(column.key, "") for column in COLUMNS])
    for letter, width in zip("ABCDEFGHIJ", (30, 30, 18, 24, 20, 12, 28, 18, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
