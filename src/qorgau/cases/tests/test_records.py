"""Notes and documents of a case: services, the stored file, the checked download, pages, API."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qorgau.accounts.models import Membership, User
from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import record_selectors, record_services, services
from qorgau.cases.models import Case, CaseDocument, CaseNote, Confidentiality, TeamMember
from qorgau.cases.services import ChildInput, NameInput
from qorgau.cases.storage import private_storage
from qorgau.core.uploads import DOCX, JPEG, ODT, PDF, PNG, XLSX, safe_filename, sniff

pytestmark = [pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT_BYTES = _zip({"mimetype": ODT.content_type.encode(), "content.xml": b"<office/>"})


def _open(manager: User, workspace, name: str = "Жұмабаев Қайрат") -> Case:
    organisation = Membership.objects.filter(user=manager).first().organisation  # type: ignore[union-attr]
    child = services.child_register(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(
            region=organisation.region, names=[NameInput(name)], age_min=12, age_max=13
        ),
    )
    return services.case_open(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )


@pytest.fixture
def case(manager, workspace) -> Case:
    return _open(manager, workspace)


def _upload(actor, case, data=PDF_BYTES, name="report.pdf", level="team", **kwargs):
    return record_services.document_upload(
        actor=actor,
        case=case,
        title=kwargs.pop("title", "Medical report"),
        level=level,
        stream=io.BytesIO(data),
        name=name,
        size=len(data),
        **kwargs,
    )


# --- the pure file rules ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, PDF),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, JPEG),
        (PNG_BYTES, PNG),
        (DOCX_BYTES, DOCX),
        (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}), XLSX),
        (ODT_BYTES, ODT),
        (b"MZ\x90\x00 an executable", None),
        (b"<html><script>alert(1)</script></html>", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (_zip({"evil.exe": b"MZ"}), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_it_knows_a_file_by_its_bytes(data, kind):
    assert sniff(io.BytesIO(data)) == kind


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("C:\\Users\\aliya\\Медицинская справка.PDF", PDF, "Медицинская справка.pdf"),
        ('a<b>c:"d"|e?.pdf', PDF, "a_b_c_d_e.pdf"),
        ("scan.php", PNG, "scan.png"),
        ("\x00\x1f.pdf", PDF, "document.pdf"),
        ("", JPEG, "document.jpg"),
        ("Жұмабаев   анықтама.docx", DOCX, "Жұмабаев анықтама.docx"),
        ("x" * 300 + ".pdf", PDF, "x" * 114 + ".pdf"),
    ],
)
def test_it_makes_a_safe_file_name(name, kind, expected):
    assert safe_filename(name, kind) == expected


# --- notes --------------------------------------------------------------------------------
def test_notes_are_read_by_level(case, manager, supervisor, pavlodar, workspace):
    police = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    services.team_invite(actor=manager, case=case, organisation=pavlodar["police"])
    member = TeamMember.objects.real().get(case=case)
    services.team_respond(
        actor=user_with_role(Role.SUPERVISOR, pavlodar["police"]), member=member, accept=True
    )
    colleague = user_with_role(Role.FRONT_LINE, pavlodar["social_protection"])
    team = record_services.note_add(actor=manager, case=case, text="Met the aunt.", level="team")
    own = record_services.note_add(actor=manager, case=case, text="Our view.", level="organisation")
    restricted = record_services.note_add(
        actor=supervisor, case=case, text="Disclosed abuse.", level="restricted"
    )
    police_note = record_services.note_add(
        actor=police, case=case, text="Police only.", level="organisation"
    )

    def readable(user):
        return {n.pk for n in record_selectors.notes_for(user=user, case=case)}

    assert readable(manager) == {team.pk, own.pk, restricted.pk}  # the responsible manager
    assert readable(colleague) == {team.pk, own.pk}
    assert readable(police) == {team.pk, police_note.pk}
    assert police_note.organisation == pavlodar["police"]
    # The selector and the rule agree, note by note, person by person.
    for user in (manager, supervisor, colleague, police):
        allowed = {n.pk for n in CaseNote.objects.real() if can(user, "case.note.view", n)}
        assert readable(user) == allowed


def test_a_note_needs_text_and_a_level_and_is_audited(case, manager):
    with pytest.raises(ValidationError) as error:
        record_services.note_add(actor=manager, case=case, text="  ", level="everyone")
    assert set(error.value.message_dict) == {"text", "level"}
    assert CaseNote.objects.real().count() == 0
    note = record_services.note_add(actor=manager, case=case, text="Visited.", level="team")
    event = AuditEvent.objects.get(action="case.note.add")
    assert event.target_id == str(note.pk)
    assert event.details == {"case": case.pk, "level": "team"}


def test_an_outsider_cannot_add_a_note(case, pavlodar):
    outsider = user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"])
    with pytest.raises(PermissionDenied):
        record_services.note_add(actor=outsider, case=case, text="Hello.", level="team")


# --- documents ----------------------------------------------------------------------------
def test_a_document_is_stored_privately_under_a_random_name(case, manager):
    document = _upload(manager, case, name="../Справка о здоровье.pdf")
    path = Path(private_storage().path(document.storage_name))
    assert path.read_bytes() == PDF_BYTES
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert "Справка" not in document.storage_name and ".pdf" not in document.storage_name
    assert document.original_name == "Справка о здоровье.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF_BYTES)
    assert len(document.sha256) == 64
    assert AuditEvent.objects.filter(action="case.document.upload").count() == 1
    with pytest.raises(NotImplementedError):
        private_storage().url(document.storage_name)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00", "report.pdf", "not accepted"),
        (b"<html></html>", "page.html", "not accepted"),
        (PNG_BYTES, "photo.pdf", "ends in .pdf"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_kept(case, manager, data, name, message):
    before = set(private_storage().listdir("documents")[0]) if _has_documents() else set()
    with pytest.raises(ValidationError) as error:
        _upload(manager, case, data=data, name=name)
    assert message in " ".join(error.value.message_dict["file"])
    assert CaseDocument.objects.real().count() == 0
    after = set(private_storage().listdir("documents")[0]) if _has_documents() else set()
    assert after == before


def test_a_kind_the_sniffer_knows_but_cases_do_not_take_is_refused(case, manager):
    # A video or a Braille text is a known kind (the materials library takes them), not a
    # case document.
    for data, name in ((b"\0\0\0\x18ftypmp42" + b"\0" * 20, "video.mp4"), (b",TEXT\r\n", "a.brf")):
        with pytest.raises(ValidationError) as error:
            _upload(manager, case, data=data, name=name)
        assert "not accepted" in error.value.message_dict["file"][0]
    assert CaseDocument.objects.real().count() == 0


def _has_documents() -> bool:
    return private_storage().exists("documents")


def test_the_size_limit_comes_from_settings(case, manager, settings):
    settings.QORGAU_DOCUMENT_MAX_BYTES = 40
    with pytest.raises(ValidationError) as error:
        _upload(manager, case, data=PDF_BYTES + b" " * 10)
    assert "larger than" in error.value.message_dict["file"][0]
    settings.QORGAU_DOCUMENT_MAX_BYTES = 1024
    assert _upload(manager, case).size == len(PDF_BYTES)


def test_a_document_is_withdrawn_or_replaced_never_deleted(case, manager):
    first = _upload(manager, case)
    with pytest.raises(ValidationError):
        _upload(manager, case, data=DOCX_BYTES, name="v2.docx", replaces=first)  # no reason
    second = _upload(
        manager, case, data=DOCX_BYTES, name="v2.docx", replaces=first, reason="Signed copy."
    )
    first.refresh_from_db()
    assert first.status == CaseDocument.Status.SUPERSEDED
    assert first.superseded_by == second
    assert first.withdrawal_reason == "Signed copy."
    with pytest.raises(ValidationError):
        record_services.document_withdraw(actor=manager, document=second, reason=" ")
    record_services.document_withdraw(actor=manager, document=second, reason="Wrong child.")
    second.refresh_from_db()
    assert second.status == CaseDocument.Status.WITHDRAWN
    assert CaseDocument.objects.real().count() == 2
    assert private_storage().exists(first.storage_name)
    assert private_storage().exists(second.storage_name)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "case.document.supersede" in actions and "case.document.withdraw" in actions


def test_a_double_submitted_replacement_replaces_once(case, manager):
    first = _upload(manager, case)
    stale = CaseDocument.objects.real().get(pk=first.pk)  # the second tab's copy, still active
    second = _upload(
        manager, case, data=DOCX_BYTES, name="v2.docx", replaces=first, reason="Signed copy."
    )
    with pytest.raises(ValidationError) as error:
        _upload(manager, case, data=DOCX_BYTES, name="v3.docx", replaces=stale, reason="Again.")
    assert "replaces" in error.value.message_dict
    first.refresh_from_db()
    assert first.superseded_by == second and first.withdrawal_reason == "Signed copy."
    assert CaseDocument.objects.real().count() == 2


def test_every_download_is_audited(case, manager):
    document = _upload(manager, case)
    for _ in range(2):
        with record_services.document_download(actor=manager, document=document) as handle:
            assert handle.read() == PDF_BYTES
    events = AuditEvent.objects.filter(action="case.document.download")
    assert events.count() == 2
    assert events.first().details["sha256"] == document.sha256  # type: ignore[union-attr]


# --- pages --------------------------------------------------------------------------------
@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


@pytest.mark.usefixtures("_no_two_factor")
def test_the_documents_page_uploads_and_the_download_is_an_attachment(client, case, manager):
    client.force_login(manager)
    url = reverse("cases:documents", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Birth certificate",
            "level": "team",
            "file": SimpleUploadedFile("свидетельство.pdf", PDF_BYTES, "text/html"),
        },
    )
    assert response.status_code == 302
    document = CaseDocument.objects.real().get()
    assert document.content_type == "application/pdf"  # the bytes, not the browser's claim
    download = client.get(reverse("cases:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["Content-Type"] == "application/pdf"
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert b"documents-link" in page.content


@pytest.mark.usefixtures("_no_two_factor")
def test_a_refused_upload_says_why(client, case, manager):
    client.force_login(manager)
    response = client.post(
        reverse("cases:documents", args=[case.pk]),
        {"title": "x", "level": "team", "file": SimpleUploadedFile("a.pdf", b"MZ\x90")},
    )
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert CaseDocument.objects.real().count() == 0


@pytest.mark.usefixtures("_no_two_factor")
def test_others_cannot_reach_the_file(client, case, manager, pavlodar):
    document = _upload(manager, case, level="restricted")
    url = reverse("cases:document_download", args=[document.pk])
    client.force_login(user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"]))
    assert client.get(url).status_code == 404
    client.force_login(user_with_role(Role.FRONT_LINE, pavlodar["social_protection"]))
    assert client.get(url).status_code == 404  # restricted: not even its existence
    assert client.get(reverse("cases:documents", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="case.document.download").count() == 0


@pytest.mark.usefixtures("_no_two_factor")
def test_the_withdraw_page_asks_for_a_reason(client, case, manager):
    document = _upload(manager, case)
    client.force_login(manager)
    url = reverse("cases:document_withdraw", args=[document.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Uploaded twice."}).status_code == 302
    document.refresh_from_db()
    assert document.status == CaseDocument.Status.WITHDRAWN


@pytest.mark.usefixtures("_no_two_factor")
def test_the_notes_page_adds_and_lists(client, case, manager):
    client.force_login(manager)
    url = reverse("cases:notes", args=[case.pk])
    assert client.post(url, {"text": "", "level": "team"}).status_code == 400
    assert client.post(url, {"text": "Called the school.", "level": "team"}).status_code == 302
    assert "Called the school." in client.get(url).content.decode()


@pytest.mark.usefixtures("_no_two_factor")
@pytest.mark.parametrize("page", ["cases:notes", "cases:documents", "cases:detail"])
def test_notes_and_documents_pages_run_constant_queries(
    client, case, manager, django_assert_num_queries, page
):
    def add(n: int) -> None:
        for i in range(n):
            record_services.note_add(actor=manager, case=case, text=f"Note {i}", level="team")
            _upload(manager, case, title=f"Document {i}")

    client.force_login(manager)
    url = reverse(page, args=[case.pk])
    add(3)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.usefixtures("_no_two_factor")
def test_the_case_list_searches_names_across_scripts_and_runs_constant_queries(
    client, manager, workspace, django_assert_num_queries
):
    wanted = _open(manager, workspace, name="Жұмабаев Қайрат")
    _open(manager, workspace, name="Жұмабаев Ержан")
    _open(manager, workspace, name="Ахметова Айгерім")
    client.force_login(manager)
    url = reverse("cases:list")

    def found(text: str) -> list[int]:
        return [c.pk for c in client.get(url, {"number": text}).context["page"].object_list]

    assert found("ZHUMABAEV KAIRAT") == [wanted.pk]
    assert found("Zhumabayev Kairat") == [wanted.pk]
    assert len(found("Жумабаев")) == 2
    assert found(wanted.number) == [wanted.pk]
    assert found("Серікбаев") == []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(27):
        _open(manager, workspace, name=f"Child Number{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["page"].paginator.count == 30


# --- API ----------------------------------------------------------------------------------
def _api(user) -> Client:
    _token, raw = api_token_create(actor=user, name="shelter system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def test_the_api_adds_and_lists_notes_by_level(case, manager, pavlodar):
    api = _api(manager)
    created = api.post(
        f"/api/cases/{case.pk}/notes",
        {"text": "Restricted fact.", "level": "restricted"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["level"] == "restricted"
    bad = api.post(
        f"/api/cases/{case.pk}/notes", {"text": "", "level": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"text", "level"}
    assert api.get(f"/api/cases/{case.pk}/notes").json()["count"] == 1
    colleague = _api(user_with_role(Role.FRONT_LINE, pavlodar["social_protection"]))
    assert colleague.get(f"/api/cases/{case.pk}/notes").json() == {"items": [], "count": 0}
    outsider = _api(user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"]))
    assert outsider.get(f"/api/cases/{case.pk}/notes").status_code == 404


def test_the_api_uploads_downloads_and_withdraws_a_document(case, manager):
    api = _api(manager)
    url = f"/api/cases/{case.pk}/documents"
    refused = api.post(
        url, {"title": "x", "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\nrm -rf /")}
    )
    assert refused.status_code == 422
    assert "file" in refused.json()["error"]["fields"]
    created = api.post(
        url, {"title": "Report", "level": "team", "file": SimpleUploadedFile("r.odt", ODT_BYTES)}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["content_type"] == ODT.content_type
    assert "storage_name" not in body
    download = api.get(f"/api/cases/documents/{body['id']}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ODT_BYTES  # type: ignore[attr-defined]
    assert download["X-Content-Type-Options"] == "nosniff"
    withdrawn = api.post(
        f"/api/cases/documents/{body['id']}/withdraw",
        {"reason": "Duplicate."},
        content_type="application/json",
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert api.get(url).json()["items"][0]["withdrawal_reason"] == "Duplicate."


def test_the_api_lists_run_constant_queries(case, manager, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = _api(manager)
    urls = [f"/api/cases/{case.pk}/notes", f"/api/cases/{case.pk}/documents", "/api/cases/"]

    def add(n: int) -> None:
        for i in range(n):
            record_services.note_add(actor=manager, case=case, text=f"Note {i}", level="team")
            _upload(manager, case, title=f"Document {i}")

    add(3)
    counts = {}
    for url in urls:
        api.get(url)
        with CaptureQueriesContext(connection) as few:
            api.get(url)
        counts[url] = len(few.captured_queries)
    add(27)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            assert api.get(url).status_code == 200
    assert api.get(urls[0]).json()["count"] == 30
    assert len(api.get(urls[0], {"limit": 10}).json()["items"]) == 10


def test_confidentiality_values_are_the_three_levels():
    assert Confidentiality.values == ["team", "organisation", "restricted"]
