"""The kinds of file a case may hold: what agencies exchange, PDF, JPEG and PNG images, Word
(DOCX) and Excel (XLSX) documents and their OpenDocument equivalents (ODT, ODS).

The bytes are read by the one sniffer in ``qorgau.core.uploads``; the size limit is the setting
``QORGAU_DOCUMENT_MAX_BYTES``.
"""

from __future__ import annotations

from qorgau.core.uploads import DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX, extensions_of

DOCUMENT_KINDS = (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS)
ALLOWED_EXTENSIONS = extensions_of(DOCUMENT_KINDS)
