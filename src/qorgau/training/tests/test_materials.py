"""The materials library: sniffed and size-checked files outside the web root, versions that
supersede, search and filters with constant queries, public and signed-in downloads, the API."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.core.uploads import sniff
from qorgau.training import materials
from qorgau.training.models import Material, MaterialAttachment, MaterialVersion
from qorgau.training.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _material(owner, actor=None, **overrides) -> Material:
    data = materials.MaterialData(
        title=overrides.pop("title", "Handbook for staff of specialised children's homes"),
        kind=overrides.pop("kind", Material.Kind.HANDBOOK),
        topics=overrides.pop("topics", ("identification",)),
        sectors=overrides.pop("sectors", ("education", "social")),
        **overrides,
    )
    return materials.material_create(actor=actor, owner=owner, data=data)


def _link(material, language="ru", format="standard", url="https://www.osce.org/astana"):
    return materials.material_version_add(
        actor=None, material=material, language=language, format=format, external_url=url
    )


@pytest.fixture
def author(organiser_org):
    return user_with_role(Role.TRAINER, organiser_org)


# --- files --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PDF, "handbook.exe", "application/pdf"),
        (
            _docx(),
            "brochure.pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "poster.png", "image/png"),
        (b"\0\0\0\x18ftypmp42" + b"\0" * 20, "video.mp4", "video/mp4"),
        (b"ID3\x04" + b"\0" * 20, "audio.mp3", "audio/mpeg"),
        (b",HANDBOOK FOR TEA*ERS\r\n", "handbook.brf", "text/plain"),
    ],
)
def test_a_file_is_known_by_its_first_bytes_not_its_name(content, name, expected):
    found = sniff(io.BytesIO(content), name)
    assert found is not None and found.content_type == expected


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00" + b"\0" * 40, "handbook.pdf"),
        (b"<html><script>alert(1)</script>", "handbook.html"),
        (b",HANDBOOK\r\n", "handbook.txt"),
        (b"PK\x03\x04broken", "slides.pptx"),
    ],
)
def test_programs_pages_and_unknown_files_are_refused(content, name):
    assert sniff(io.BytesIO(content), name) is None


def test_an_upload_is_stored_outside_the_web_root_under_a_random_name(organiser_org, author):
    material = _material(organiser_org, author)

    version = materials.material_version_add(
        actor=author,
        material=material,
        language="kk",
        format="easy_read",
        upload=SimpleUploadedFile("../../etc/Нұсқаулық.PDF", PDF, "text/html"),
    )

    path = Path(version.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "materials")
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert path.read_bytes() == PDF and path.name != "Нұсқаулық.pdf"
    assert version.original_name == "Нұсқаулық.pdf"
    assert version.content_type == "application/pdf"  # sniffed, not what the browser said
    assert version.size == len(PDF) and len(version.sha256) == 64


def test_a_disguised_program_is_refused_and_nothing_is_saved(organiser_org, author):
    material = _material(organiser_org, author)

    with pytest.raises(ValidationError) as refused:
        materials.material_version_add(
            actor=author,
            material=material,
            language="kk",
            format="standard",
            upload=SimpleUploadedFile("handbook.pdf", b"MZ\x90\x00" + b"\0" * 60),
        )

    assert "file" in refused.value.message_dict
    assert not MaterialVersion.objects.exists()


def test_a_spreadsheet_is_not_a_material(organiser_org, author):
    # Case files may be spreadsheets; the library takes no spreadsheets.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    material = _material(organiser_org, author)

    with pytest.raises(ValidationError, match="not accepted"):
        materials.material_version_add(
            actor=author,
            material=material,
            language="kk",
            format="standard",
            upload=SimpleUploadedFile("table.xlsx", buffer.getvalue()),
        )
    assert not MaterialVersion.objects.exists()


def test_a_file_over_the_limit_is_refused(organiser_org, author, monkeypatch):
    material = _material(organiser_org, author)
    small = replace(materials.library_data(), max_upload_bytes=len(PDF) - 1)
    monkeypatch.setattr(materials, "library_data", lambda: small)

    with pytest.raises(ValidationError, match="larger than"):
        materials.material_version_add(
            actor=author,
            material=material,
            language="ru",
            format="standard",
            upload=SimpleUploadedFile("big.pdf", PDF),
        )


def test_a_file_and_a_link_together_or_neither_are_refused(organiser_org, author):
    material = _material(organiser_org, author)
    for upload, url in ((SimpleUploadedFile("a.pdf", PDF), "https://example.org/a"), (None, "")):
        with pytest.raises(ValidationError):
            materials.material_version_add(
                actor=author,
                material=material,
                language="ru",
                format="standard",
                upload=upload,
                external_url=url,
            )
    with pytest.raises(ValidationError) as refused:
        _link(material, url="javascript:alert(1)")
    assert "external_url" in refused.value.message_dict


# --- versions -----------------------------------------------------------------------------
def test_a_new_version_supersedes_the_current_one_and_keeps_the_history(organiser_org):
    material = _material(organiser_org)
    first = _link(material, "kk", url="https://example.org/v1")
    russian = _link(material, "ru", url="https://example.org/ru")
    second = _link(material, "kk", url="https://example.org/v2")

    first.refresh_from_db()
    assert (first.number, second.number, russian.number) == (1, 2, 1)
    assert (
        first.superseded_at is not None and second.is_current and russian.refresh_from_db() is None
    )
    assert russian.is_current
    history = materials.material_history(material=material)
    assert [(v.language, v.number) for v in history] == [("kk", 2), ("kk", 1), ("ru", 1)]


def test_only_the_owner_organisations_authors_change_a_material(organiser_org):
    material = _material(organiser_org)
    stranger = user_with_role(Role.TRAINING_ORGANISER)
    with pytest.raises(PermissionDenied):
        materials.material_version_add(
            actor=stranger,
            material=material,
            language="kk",
            format="standard",
            external_url="https://example.org/x",
        )
    with pytest.raises(PermissionDenied):
        _material(organiser_org, stranger)


def test_a_stale_edit_of_a_material_is_refused(organiser_org, author):
    material = _material(organiser_org, author)
    data = materials.MaterialData(title="New title", kind="brochure")
    materials.material_update(actor=author, material=material, data=data, revision=1)
    with pytest.raises(ValidationError, match="Someone else"):
        materials.material_update(actor=author, material=material, data=data, revision=1)


def test_unknown_topics_and_sectors_are_refused(organiser_org):
    with pytest.raises(ValidationError) as refused:
        _material(organiser_org, topics=("astrology",), sectors=("space",))
    assert {"topics", "sectors"} <= set(refused.value.message_dict)


# --- attaching ----------------------------------------------------------------------------
def test_the_organiser_attaches_a_material_to_an_event_and_a_session(organiser, event):
    material = _material(OrganisationFactory())
    session = SessionFactory(event=event)

    materials.material_attach(actor=organiser, material=material, event=event)
    materials.material_attach(actor=organiser, material=material, event=event)
    materials.material_attach(actor=organiser, material=material, event=event, session=session)

    assert MaterialAttachment.objects.filter(event=event).count() == 2
    assert {a.session_id for a in materials.event_materials(event=event)} == {None, session.pk}
    other_session = SessionFactory()
    with pytest.raises(ValidationError):
        materials.material_attach(
            actor=organiser, material=material, event=event, session=other_session
        )
    with pytest.raises(PermissionDenied):
        materials.material_attach(
            actor=user_with_role(Role.TRAINING_ORGANISER), material=material, event=event
        )


def test_the_event_page_lists_its_materials(client, organiser, event):
    material = _material(OrganisationFactory(), title="Brochure for children with special needs")
    _link(material)
    materials.material_attach(actor=organiser, material=material, event=event)
    client.force_login(organiser)

    page = client.get(reverse("training:event_detail", kwargs={"pk": event.pk}))

    assert "Brochure for children with special needs" in page.content.decode()


# --- finding ------------------------------------------------------------------------------
def test_the_filters_find_by_topic_audience_language_format_and_special_needs(organiser_org):
    easy = _material(
        organiser_org,
        title="Easy-read brochure",
        kind="brochure",
        topics=("vulnerable_groups",),
        sectors=("education",),
        for_special_needs=True,
        is_public=True,
    )
    _link(easy, "kk", "easy_read")
    police = _material(
        organiser_org,
        title="Investigators' handbook",
        topics=("identification",),
        sectors=("law_enforcement",),
    )
    _link(police, "ru")
    user = user_with_role(Role.FRONT_LINE)

    def titles(**filters):
        found = materials.library_search(user=user, filters=materials.LibraryFilters(**filters))
        return [m.title for m in found]

    assert titles() == ["Easy-read brochure", "Investigators' handbook"]
    assert titles(topic="identification") == ["Investigators' handbook"]
    assert titles(sector="education") == ["Easy-read brochure"]
    assert titles(language="ru") == ["Investigators' handbook"]
    assert titles(format="easy_read") == ["Easy-read brochure"]
    assert titles(accessible=True) == ["Easy-read brochure"]
    assert titles(special_needs=True) == ["Easy-read brochure"]
    assert titles(query="investigat") == ["Investigators' handbook"]
    assert titles(kind="video") == []
    anonymous = materials.library_search(user=None, filters=materials.LibraryFilters())
    assert [m.title for m in anonymous] == ["Easy-read brochure"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_library_page_takes_the_same_queries_however_many_materials(
    client, organiser_org, rows, django_assert_max_num_queries
):
    for index in range(rows):
        material = _material(organiser_org, title=f"Handbook {index:02d}", is_public=True)
        _link(material, "kk")
        _link(material, "ru", "large_print")

    with django_assert_max_num_queries(4):
        page = client.get(reverse("training:materials"), {"language": "kk"})

    assert page.status_code == 200
    assert page.context["page"].paginator.count == rows


def test_the_library_page_searches_and_paginates(client, organiser_org):
    for index in range(25):
        _material(organiser_org, title=f"Handbook {index:02d}", is_public=True)

    first = client.get(reverse("training:materials"))
    second = client.get(reverse("training:materials"), {"page": 2})
    searched = client.get(reverse("training:materials"), {"q": "Handbook 07"})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert [m.title for m in searched.context["page"].object_list] == ["Handbook 07"]


# --- downloading --------------------------------------------------------------------------
def _uploaded(material):
    return materials.material_version_add(
        actor=None,
        material=material,
        language="kk",
        format="large_print",
        upload=SimpleUploadedFile("handbook.pdf", PDF),
    )


def test_anyone_downloads_a_public_material(client, organiser_org):
    version = _uploaded(_material(organiser_org, is_public=True))

    response = client.get(reverse("training:material_download", kwargs={"pk": version.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="handbook.pdf"' in response["Content-Disposition"]


def test_a_material_that_is_not_public_needs_a_signed_in_person_with_a_role(client, organiser_org):
    version = _uploaded(_material(organiser_org))
    url = reverse("training:material_download", kwargs={"pk": version.pk})

    anonymous = client.get(url)
    client.force_login(user_with_role(Role.FRONT_LINE))
    signed_in = client.get(url)

    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert signed_in.status_code == 200


def test_a_link_version_redirects_to_the_link(client, organiser_org):
    version = _link(_material(organiser_org, is_public=True), url="https://www.osce.org/astana")

    response = client.get(reverse("training:material_download", kwargs={"pk": version.pk}))

    assert response.status_code == 302 and response["Location"] == "https://www.osce.org/astana"


def test_the_author_adds_a_version_through_the_page(client, organiser_org, author):
    material = _material(organiser_org, author)
    client.force_login(author)

    response = client.post(
        reverse("training:material_version_new", kwargs={"pk": material.pk}),
        {
            "language": "kk",
            "format": "audio",
            "file": SimpleUploadedFile("a.mp3", b"ID3\x04" + b"\0" * 40),
        },
    )
    refused = client.post(
        reverse("training:material_version_new", kwargs={"pk": material.pk}),
        {
            "language": "kk",
            "format": "audio",
            "file": SimpleUploadedFile("a.mp3", b"MZ" + b"\0" * 40),
        },
    )

    assert response.status_code == 302
    assert material.versions.get().content_type == "audio/mpeg"
    assert refused.status_code == 200 and "file" in refused.context["form"].errors


# --- API ----------------------------------------------------------------------------------
def test_the_api_searches_materials(client, organiser_org):
    material = _material(organiser_org, title="Easy-read brochure", for_special_needs=True)
    _link(material, "kk", "easy_read")
    _material(organiser_org, title="Other")
    client.force_login(user_with_role(Role.FRONT_LINE))

    found = client.get("/api/training/materials", {"special_needs": "true", "format": "easy_read"})
    one = client.get(f"/api/training/materials/{material.pk}")

    assert found.status_code == 200
    body = found.json()
    assert body["count"] == 1 and body["items"][0]["title"] == "Easy-read brochure"
    assert body["items"][0]["versions"][0]["format"] == "easy_read"
    assert one.json()["id"] == material.pk


def test_the_api_names_a_bad_filter(client):
    client.force_login(user_with_role(Role.FRONT_LINE))

    bad_format = client.get("/api/training/materials", {"format": "hologram"})
    bad_topic = client.get("/api/training/materials", {"topic": "astrology"})

    assert bad_format.status_code == 422 and "format" in bad_format.json()["error"]["fields"]
    assert bad_topic.status_code == 422 and "topic" in bad_topic.json()["error"]["fields"]


def test_the_api_refuses_anonymous_callers(client):
    assert client.get("/api/training/materials").status_code == 401


def test_an_author_publishes_edits_and_attaches_a_material_on_the_pages(client, organiser, event):
    client.force_login(organiser)
    session = SessionFactory(event=event)

    created = client.post(
        reverse("training:material_new"),
        {
            "owner": organiser.memberships.first().organisation_id,
            "title": "Нұсқаулық",
            "kind": "handbook",
            "topics": ["identification"],
            "sectors": ["social"],
            "for_special_needs": "on",
        },
    )
    material = Material.objects.get()
    edited = client.post(
        reverse("training:material_edit", kwargs={"pk": material.pk}),
        {"title": "Жаңа нұсқаулық", "kind": "handbook", "revision": material.revision},
    )
    attached = client.post(
        reverse("training:material_attach", kwargs={"pk": material.pk}),
        {"event": event.pk, "session": session.pk},
    )
    detail = client.get(reverse("training:material_detail", kwargs={"pk": material.pk}))
    attachment = MaterialAttachment.objects.get()
    detached = client.post(
        reverse("training:material_attachment_remove", kwargs={"pk": attachment.pk})
    )

    material.refresh_from_db()
    assert created.status_code == 302 and material.for_special_needs is False  # edited away
    assert edited.status_code == 302 and material.title == "Жаңа нұсқаулық"
    assert attached.status_code == 302 and attachment.session == session
    assert "Жаңа нұсқаулық" in detail.content.decode()
    assert detached.status_code == 302 and not MaterialAttachment.objects.exists()


def test_someone_without_a_training_role_cannot_publish(client):
    client.force_login(user_with_role(Role.FRONT_LINE))
    assert client.get(reverse("training:material_new")).status_code == 403
