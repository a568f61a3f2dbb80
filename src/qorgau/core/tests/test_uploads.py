"""The one upload sniffer: every kind any app accepts is known by its bytes, and nothing else is."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.cases.files import DOCUMENT_KINDS
from qorgau.core import uploads
from qorgau.core.uploads import FileKind, sniff
from qorgau.training.material_files import MATERIAL_KINDS


def _zip(entries: dict[str, bytes], *, stored_mimetype: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            method = zipfile.ZIP_STORED if name == "mimetype" and stored_mimetype else None
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def _ooxml(main_part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<r/>", main_part: b"<x/>"})


def _odf(mimetype: str) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"})


SAMPLES: dict[FileKind, tuple[bytes, str]] = {
    uploads.PDF: (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "report.pdf"),
    uploads.JPEG: (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "photo.jpg"),
    uploads.PNG: (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20, "scan.png"),
    uploads.DOCX: (_ooxml("word/document.xml"), "letter.docx"),
    uploads.XLSX: (_ooxml("xl/workbook.xml"), "table.xlsx"),
    uploads.PPTX: (_ooxml("ppt/presentation.xml"), "slides.pptx"),
    uploads.ODT: (_odf("application/vnd.oasis.opendocument.text"), "letter.odt"),
    uploads.ODS: (_odf("application/vnd.oasis.opendocument.spreadsheet"), "table.ods"),
    uploads.ODP: (_odf("application/vnd.oasis.opendocument.presentation"), "slides.odp"),
    uploads.EPUB: (_odf("application/epub+zip"), "book.epub"),
    uploads.MP4: (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 20, "film.mp4"),
    uploads.M4A: (b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 20, "talk.m4a"),
    uploads.WEBM: (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 20, "film.webm"),
    uploads.MP3: (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20, "talk.mp3"),
    uploads.OGG: (b"OggS\x00\x02" + b"\x00" * 20, "talk.ogg"),
    uploads.BRF: (b",HANDBOOK FOR TEA*ERS\r\n\x0c,CHAPT] #A\r\n", "handbook.brf"),
}


def test_every_kind_has_a_sample_here():
    assert set(SAMPLES) == set(uploads.KINDS)
    # What the apps allow is drawn from the kinds the sniffer knows.
    assert set(DOCUMENT_KINDS) <= set(uploads.KINDS)
    assert set(MATERIAL_KINDS) <= set(uploads.KINDS)


@pytest.mark.parametrize("kind", uploads.KINDS, ids=lambda kind: kind.key)
def test_it_knows_each_kind_by_its_bytes(kind):
    data, name = SAMPLES[kind]
    assert sniff(io.BytesIO(data), name) == kind


@pytest.mark.parametrize(
    "kind", [k for k in uploads.KINDS if k != uploads.BRF], ids=lambda kind: kind.key
)
def test_the_name_does_not_matter_except_for_braille_text(kind):
    data, _name = SAMPLES[kind]
    assert sniff(io.BytesIO(data), "renamed.exe") == kind
    assert sniff(io.BytesIO(data)) == kind


def test_braille_text_needs_its_name_and_plain_ascii():
    # Braille-ready text has no signature: any plain ASCII named .brf is taken as text/plain
    # (and is only ever served as a text/plain attachment with nosniff).
    data, _name = SAMPLES[uploads.BRF]
    assert sniff(io.BytesIO(data), "handbook.txt") is None
    assert sniff(io.BytesIO(data)) is None
    assert sniff(io.BytesIO("Қазақша мәтін\r\n".encode()), "handbook.brf") is None
    assert sniff(io.BytesIO(b""), "handbook.brf") is None


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "report.pdf"),  # a Windows program
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "photo.jpg"),  # a Linux program
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "handbook.brf"),
        (b"<html><script>alert(1)</script></html>", "letter.docx"),
        (b"<!DOCTYPE html><html></html>", "page.html"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "scan.png"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old.doc"),  # binary Office 97
        (_zip({"evil.exe": b"MZ\x90\x00"}), "letter.docx"),  # a zip, but no document
        (_zip({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}), "a.docx"),
        (_zip({"mimetype": b"application/x-msdownload"}), "letter.odt"),
        (b"", "empty.pdf"),
    ],
)
def test_programs_pages_and_unknown_files_are_refused_whatever_their_name(data, name):
    assert sniff(io.BytesIO(data), name) is None


@pytest.mark.parametrize(
    "kind",
    [uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.ODT, uploads.EPUB],
    ids=lambda kind: kind.key,
)
def test_a_truncated_archive_is_refused(kind):
    data, name = SAMPLES[kind]
    for cut in (4, 30, len(data) // 2, len(data) - 10):
        assert sniff(io.BytesIO(data[:cut]), name) is None


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"%PD", "report.pdf"), (b"\x89PNG\r\n", "scan.png"), (b"\xff\xd8", "photo.jpg")],
)
def test_a_file_cut_before_its_signature_ends_is_refused(data, name):
    assert sniff(io.BytesIO(data), name) is None


def test_a_huge_mimetype_entry_is_not_read_whole():
    bomb = _zip({"mimetype": b"a" * 50_000_000}, stored_mimetype=False)
    assert len(bomb) < 100_000
    assert sniff(io.BytesIO(bomb), "book.epub") is None


def test_the_stream_is_left_at_its_start():
    data, name = SAMPLES[uploads.DOCX]
    stream = io.BytesIO(data)
    stream.seek(17)
    assert sniff(stream, name) == uploads.DOCX
    assert stream.tell() == 0


@given(st.binary(max_size=600), st.sampled_from(["a.pdf", "a.brf", "a.docx", ""]))
def test_it_never_raises_on_any_bytes(data, name):
    found = sniff(io.BytesIO(data), name)
    assert found is None or found in uploads.KINDS


@given(st.binary(max_size=200))
def test_it_never_raises_on_a_damaged_archive(tail):
    data, name = SAMPLES[uploads.ODT]
    assert sniff(io.BytesIO(data[:40] + tail), name) in {None, uploads.ODT}


def test_a_kind_offers_its_usual_extension_for_a_stored_name():
    assert uploads.JPEG.suffix == ".jpg"
    assert uploads.BRF.suffix == ".brf"
    assert uploads.extensions_of((uploads.JPEG, uploads.PDF)) == ("jpg", "jpeg", "pdf")
