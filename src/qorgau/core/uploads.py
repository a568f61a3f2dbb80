"""Uploaded files: what the bytes are (never what the name or the browser says), and a safe name.

One sniffer for every app. It knows each kind of file any app accepts; an app keeps only its own
list of allowed kinds (``kind in ALLOWED``) and its size limit. Pure functions, no database.
Executables, HTML, SVG, old binary Office files, damaged archives and anything else unknown are
``None``.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    key: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def suffix(self) -> str:
        """The usual extension with its dot, for a stored file name: ``.pdf``."""
        return f".{self.extensions[0]}"


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
PPTX = FileKind(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = FileKind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",))
EPUB = FileKind("epub", "application/epub+zip", ("epub",))
MP4 = FileKind("mp4", "video/mp4", ("mp4",))
M4A = FileKind("m4a", "audio/mp4", ("m4a",))
WEBM = FileKind("webm", "video/webm", ("webm",))
MP3 = FileKind("mp3", "audio/mpeg", ("mp3",))
OGG = FileKind("ogg", "audio/ogg", ("ogg",))
BRF = FileKind("brf", "text/plain", ("brf",))  # Braille-ready text
KINDS = (PDF, JPEG, PNG, DOCX, XLSX, PPTX, ODT, ODS, ODP, EPUB, MP4, M4A, WEBM, MP3, OGG, BRF)

HEAD_BYTES = 4096
# OpenDocument and EPUB name themselves in a first, stored entry called "mimetype".
_BY_MIMETYPE = {kind.content_type: kind for kind in (ODT, ODS, ODP, EPUB)}
# Office Open XML: a [Content_Types].xml and the main part of the document.
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    RuntimeError,  # an encrypted entry
    NotImplementedError,  # an unknown compression method
)
# North American Braille ASCII: printable ASCII, CR, LF and form feed.
_BRAILLE_BYTES = frozenset(range(0x20, 0x7F)) | {0x0A, 0x0C, 0x0D}


def _sniff_zip(stream: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # read a little, never a zip bomb
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return _BY_MIMETYPE.get(declared)
            if "[Content_Types].xml" in names:
                for part, kind in _OOXML_PARTS.items():
                    if part in names:
                        return kind
    except _ZIP_ERRORS:
        return None
    return None


def _sniff_mp4(head: bytes) -> FileKind:
    return M4A if head[8:12] in {b"M4A ", b"M4B "} else MP4


def _is_braille_text(head: bytes) -> bool:
    return bool(head) and all(byte in _BRAILLE_BYTES for byte in head)


def sniff(stream: IO[bytes], name: str = "") -> FileKind | None:
    """The kind of file these bytes are, or None if it is none we know.

    Only Braille-ready text, which has no signature of its own, needs the file's name (.brf).
    The stream is left at its start.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
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
    elif head[4:8] == b"ftyp":
        kind = _sniff_mp4(head)
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        kind = WEBM
    elif head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        kind = MP3
    elif head.startswith(b"OggS"):
        kind = OGG
    elif name.lower().endswith(".brf") and _is_braille_text(head):
        kind = BRF
    stream.seek(0)
    return kind


def extensions_of(kinds: tuple[FileKind, ...]) -> tuple[str, ...]:
    """Every extension of these kinds, for a file input's ``accept``."""
    return tuple(ext for kind in kinds for ext in kind.extensions)


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
