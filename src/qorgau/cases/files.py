"""Uploaded files: what the bytes are (not what the name says), and a safe name to show.

Pure functions, no database. The accepted kinds are a short list of what agencies exchange:
PDF, JPEG and PNG images, Word (DOCX) and Excel (XLSX) documents, and their OpenDocument
equivalents (ODT, ODS). Anything else (executables, HTML, SVG, old binary .doc) is refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    key: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "application/pdf", ("pdf",))
JPEG = FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"))
PNG = FileKind("png", "image/png", ("png",))
DOCX = FileKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
)
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
KINDS = (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS)
ALLOWED_EXTENSIONS = tuple(ext for kind in KINDS for ext in kind.extensions)

_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


def _sniff_zip(stream: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return _ODF.get(declared)
            if "[Content_Types].xml" in names:
                for part, kind in _OOXML_PARTS.items():
                    if part in names:
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def sniff(stream: IO[bytes]) -> FileKind | None:
    """The kind of file these bytes are, or None if it is not one we accept."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind: FileKind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"PK\x03\x04"):
        kind = _sniff_zip(stream)
    stream.seek(0)
    return kind


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')
_SPACES = re.compile(r"\s+")
MAX_NAME = 120


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def safe_filename(name: str, kind: FileKind) -> str:
    """A name fit to show and to offer for download: no path, no control or shell characters,
    letters of any script kept, and the extension of what the file really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    ext = extension_of(name)
    stem = name[: -(len(ext) + 1)] if ext else name
    stem = _SPACES.sub(" ", _UNSAFE.sub("_", stem)).strip(" ._")[: MAX_NAME - 6] or "document"
    return f"{stem}.{ext if ext in kind.extensions else kind.extensions[0]}"
