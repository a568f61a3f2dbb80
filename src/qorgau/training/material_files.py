"""What an uploaded material file really is, read from its first bytes (never from its name).

Only the kinds a library needs are accepted: PDF, Word, PowerPoint and OpenDocument files,
EPUB, images, audio and video, and Braille-ready text (.brf). The browser's content type and
the file's extension are not trusted; an unknown or mismatched file is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _zip_kind(stream: IO[bytes]) -> Sniffed | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                known = {
                    "application/vnd.oasis.opendocument.text": ".odt",
                    "application/vnd.oasis.opendocument.presentation": ".odp",
                    "application/epub+zip": ".epub",
                }
                return Sniffed(mimetype, known[mimetype]) if mimetype in known else None
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return Sniffed(
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        ".docx",
                    )
                if any(n.startswith("ppt/") for n in names):
                    return Sniffed(
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        ".pptx",
                    )
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _is_braille_text(head: bytes) -> bool:
    # Braille-ready files are North American Braille ASCII: printable ASCII, CR, LF, FF.
    allowed = set(range(0x20, 0x7F)) | {0x0A, 0x0C, 0x0D}
    return bool(head) and all(byte in allowed for byte in head)


def sniff(stream: IO[bytes], name: str) -> Sniffed | None:
    """The file's real type, or None when it is not one the library accepts."""
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", ".pdf")
    if head.startswith(b"PK\x03\x04"):
        found = _zip_kind(stream)
        stream.seek(0)
        return found
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", ".png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", ".jpg")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in {b"M4A ", b"M4B "}:
            return Sniffed("audio/mp4", ".m4a")
        return Sniffed("video/mp4", ".mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video/webm", ".webm")
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return Sniffed("audio/mpeg", ".mp3")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", ".ogg")
    if name.lower().endswith(".brf") and _is_braille_text(head):
        return Sniffed("text/plain", ".brf")
    return None
