"""The kinds of file the materials library accepts: PDF, Word, PowerPoint and OpenDocument text
and presentations, EPUB, images, audio and video, and Braille-ready text (.brf).

The bytes are read by the one sniffer in ``qorgau.core.uploads`` (the browser's content type and
the file's extension are not trusted); the size limit is in the library's data file.
"""

from __future__ import annotations

from qorgau.core.uploads import (
    BRF,
    DOCX,
    EPUB,
    JPEG,
    M4A,
    MP3,
    MP4,
    ODP,
    ODT,
    OGG,
    PDF,
    PNG,
    PPTX,
    WEBM,
)

MATERIAL_KINDS = (PDF, DOCX, PPTX, ODT, ODP, EPUB, PNG, JPEG, MP4, M4A, WEBM, MP3, OGG, BRF)
