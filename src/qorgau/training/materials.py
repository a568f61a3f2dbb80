"""The materials library: publishing materials, their language and accessible versions,
attaching them to events and sessions, and finding them (training/material_models.py).

Files are checked by their first bytes (core/uploads.py; the kinds allowed are in
material_files.py) and size, stored under a random name outside the web root, and served only
by a view that checks who may have them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can, organisation_ids_of
from qorgau.audit.services import record
from qorgau.core.reference import read_reference, translations
from qorgau.core.uploads import sniff
from qorgau.training.material_files import MATERIAL_KINDS
from qorgau.training.models import (
    Event,
    Material,
    MaterialAttachment,
    MaterialVersion,
    Sector,
    Session,
)
from qorgau.training.topics import topic_catalogue

Format = MaterialVersion.Format
ACCESSIBLE_FORMATS = frozenset(Format.values) - {Format.STANDARD}


# --- reference data -----------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryData:
    version: int
    max_upload_bytes: int
    languages: tuple[tuple[str, dict[str, str]], ...]

    def language_name(self, key: str) -> str:
        names = dict(self.languages).get(key)
        if names is None:
            return key
        return names.get((get_language() or "kk")[:2]) or names["en"]

    def language_choices(self) -> list[tuple[str, str]]:
        return [(key, self.language_name(key)) for key, _names in self.languages]


@cache
def library_data() -> LibraryData:
    document = read_reference("qorgau.training", "materials.yaml", "languages")
    from importlib import resources

    import yaml

    raw = yaml.safe_load(
        resources.files("qorgau.training").joinpath("data", "materials.yaml").read_text("utf-8")
    )
    return LibraryData(
        version=document.version,
        max_upload_bytes=int(raw["max_upload_mb"]) * 1024 * 1024,
        languages=tuple((str(i["key"]), translations(i, "name")) for i in document.items),
    )


def _keys(codes: Sequence[str]) -> str:
    return "|" + "|".join(codes) + "|" if codes else ""


# --- services -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MaterialData:
    title: str
    kind: str
    description: str = ""
    topics: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    audience: str = ""
    for_special_needs: bool = False
    is_public: bool = False


def _apply(material: Material, data: MaterialData) -> None:
    errors: dict[str, str] = {}
    catalogue = topic_catalogue()
    if any(catalogue.get(code) is None for code in data.topics):
        errors["topics"] = _("Choose topics from the list.")
    if not set(data.sectors) <= set(Sector.values):
        errors["sectors"] = _("Choose sectors from the list.")
    if data.kind not in Material.Kind.values:
        errors["kind"] = _("Choose a kind from the list.")
    if not data.title.strip():
        errors["title"] = _("Give the material a title.")
    if errors:
        raise ValidationError(errors)
    topics = [c for c, _n in catalogue.choices() if c in data.topics] + [
        c for c in data.topics if c not in dict(catalogue.choices())
    ]
    sectors = [c for c in Sector.values if c in data.sectors]
    material.title = data.title.strip()[:255]
    material.kind = data.kind
    material.description = data.description.strip()[:4000]
    material.topics, material.topic_keys = topics, _keys(topics)
    material.sectors, material.sector_keys = sectors, _keys(sectors)
    material.audience = data.audience.strip()[:255]
    material.for_special_needs = data.for_special_needs
    material.is_public = data.is_public


@transaction.atomic
def material_create(*, actor: User | None, owner: Organisation, data: MaterialData) -> Material:
    if actor is not None and not can(actor, "training.material.create", owner):
        raise PermissionDenied(_("You may not publish materials for this organisation."))
    material = Material(owner=owner, created_by=actor)
    _apply(material, data)
    material.full_clean()
    material.save()
    record(
        actor=actor,
        action="training.material.create",
        target=material,
        organisation=owner,
        details={"title": material.title, "public": material.is_public},
    )
    return material


@transaction.atomic
def material_update(
    *, actor: User | None, material: Material, data: MaterialData, revision: int
) -> Material:
    if actor is not None and not can(actor, "training.material.manage", material):
        raise PermissionDenied(_("You may not change this material."))
    current = Material.objects.select_for_update().get(pk=material.pk)
    if current.revision != revision:
        raise ValidationError(
            _("Someone else changed this material meanwhile. Reload the page and try again.")
        )
    _apply(current, data)
    current.revision += 1
    current.full_clean()
    current.save()
    record(
        actor=actor,
        action="training.material.update",
        target=current,
        organisation=material.owner,
        details={"title": current.title, "public": current.is_public},
    )
    return current


def _check_file(upload: IO[bytes], name: str, size: int) -> tuple[str, str, str]:
    limit = library_data().max_upload_bytes
    if size <= 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError(
            {
                "file": _(
                    "The file is larger than %(mb)d MB. Put long videos on a video site and "
                    "add the link instead."
                )
                % {"mb": limit // (1024 * 1024)}
            }
        )
    found = sniff(upload, name)
    if found is None or found not in MATERIAL_KINDS:
        raise ValidationError(
            {
                "file": _(
                    "This kind of file is not accepted. Upload a PDF, Word, PowerPoint, "
                    "OpenDocument or EPUB file, an image, audio or video, or a Braille file "
                    "(.brf)."
                )
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return found.content_type, found.suffix, digest.hexdigest()


@transaction.atomic
def material_version_add(
    *,
    actor: User | None,
    material: Material,
    language: str,
    format: str,
    upload: UploadedFile | None = None,
    external_url: str = "",
    note: str = "",
) -> MaterialVersion:
    """Add a language version in a format: a checked file or a link. It supersedes the current
    version in the same language and format, which stays in the history."""
    if actor is not None and not can(actor, "training.material.manage", material):
        raise PermissionDenied(_("You may not change this material."))
    errors: dict[str, str] = {}
    if language not in dict(library_data().languages):
        errors["language"] = _("Choose a language from the list.")
    if format not in Format.values:
        errors["format"] = _("Choose a format from the list.")
    external_url = external_url.strip()
    if bool(upload) == bool(external_url):
        errors["file"] = _("Upload a file or give a link, not both.")
    elif external_url:
        try:
            URLValidator(schemes=["https", "http"])(external_url)
        except ValidationError:
            errors["external_url"] = _("Enter a full web address starting with https://.")
    if errors:
        raise ValidationError(errors)
    Material.objects.select_for_update().filter(pk=material.pk).first()
    version = MaterialVersion(
        material=material,
        language=language,
        format=format,
        external_url=external_url,
        note=note.strip()[:500],
        uploaded_by=actor,
        created_at=timezone.now(),
    )
    if upload is not None:
        name = str(upload.name or "file")
        content_type, extension, digest = _check_file(upload, name, int(upload.size or 0))
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:200] or "file"
        version.original_name = f"{stem}{extension}"
        version.content_type, version.size, version.sha256 = (
            content_type,
            int(upload.size or 0),
            digest,
        )
    previous = MaterialVersion.objects.filter(material=material, language=language, format=format)
    version.number = (previous.aggregate(n=Max("number"))["n"] or 0) + 1
    superseded = previous.filter(superseded_at__isnull=True).update(superseded_at=timezone.now())
    if upload is not None:
        version.file.save(version.original_name, upload, save=False)
    version.save()
    record(
        actor=actor,
        action="training.material.version",
        target=material,
        organisation=material.owner,
        details={
            "version": version.pk,
            "language": language,
            "format": format,
            "number": version.number,
            "supersedes": bool(superseded),
            "sha256": version.sha256,
        },
    )
    return version


@transaction.atomic
def material_attach(
    *, actor: User | None, material: Material, event: Event, session: Session | None = None
) -> MaterialAttachment:
    """Attach a material to an event or one of its sessions (safe to repeat)."""
    if actor is not None and not can(actor, "training.material.attach", event):
        raise PermissionDenied(_("You may not attach materials to this event."))
    if session is not None and session.event_id != event.pk:
        raise ValidationError({"session": _("Choose a session of this event.")})
    attachment, created = MaterialAttachment.objects.get_or_create(
        material=material, event=event, session=session, defaults={"added_by": actor}
    )
    if created:
        record(
            actor=actor,
            action="training.material.attach",
            target=material,
            organisation=event.organiser,
            details={"event": event.pk, "session": session.pk if session else None},
        )
    return attachment


@transaction.atomic
def material_detach(*, actor: User | None, attachment: MaterialAttachment) -> None:
    if actor is not None and not can(actor, "training.material.attach", attachment.event):
        raise PermissionDenied(_("You may not change the materials of this event."))
    record(
        actor=actor,
        action="training.material.detach",
        target=attachment.material,
        organisation=attachment.event.organiser,
        details={"event": attachment.event_id, "session": attachment.session_id},
    )
    attachment.delete()


# --- selectors ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryFilters:
    query: str = ""
    topic: str = ""
    sector: str = ""
    kind: str = ""
    language: str = ""
    format: str = ""
    accessible: bool = False
    special_needs: bool = False


def current_versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=MaterialVersion.objects.filter(superseded_at__isnull=True).order_by(
            "language", "format"
        ),
        to_attr="current_versions",
    )


def library_search(*, user: User | None, filters: LibraryFilters) -> QuerySet[Material]:
    """The materials the person may see (public ones only without an account), filtered.
    Each material carries ``current_versions``; the count of queries does not grow with rows."""
    materials = Material.objects.select_related("owner")
    if user is None or not can(user, "training.material.view"):
        materials = materials.filter(is_public=True)
    if filters.query:
        materials = materials.filter(
            Q(title__icontains=filters.query)
            | Q(description__icontains=filters.query)
            | Q(audience__icontains=filters.query)
        )
    if filters.topic:
        materials = materials.filter(topic_keys__contains=f"|{filters.topic}|")
    if filters.sector:
        materials = materials.filter(sector_keys__contains=f"|{filters.sector}|")
    if filters.kind:
        materials = materials.filter(kind=filters.kind)
    if filters.special_needs:
        materials = materials.filter(for_special_needs=True)
    current = MaterialVersion.objects.filter(superseded_at__isnull=True)
    if filters.language:
        current = current.filter(language=filters.language)
    if filters.format:
        current = current.filter(format=filters.format)
    if filters.accessible:
        current = current.filter(format__in=sorted(ACCESSIBLE_FORMATS))
    if filters.language or filters.format or filters.accessible:
        materials = materials.filter(pk__in=current.values("material_id"))
    return materials.prefetch_related(current_versions()).order_by("title", "pk")


def access_material(*, user: User | None, pk: int, action: str = "") -> Material:
    """Fetch and check: a non-public material is unknown (404) to those who may not read the
    library; ``action`` (e.g. training.material.manage) is then checked (403)."""
    material = Material.objects.select_related("owner").filter(pk=pk).first()
    if material is None:
        raise Http404
    if not material.is_public and (user is None or not can(user, "training.material.view")):
        raise Http404
    if action and (user is None or not can(user, action, material)):
        raise PermissionDenied
    return material


def access_version(*, user: User | None, pk: int) -> MaterialVersion:
    version = MaterialVersion.objects.filter(pk=pk).only("pk", "material_id").first()
    if version is None:
        raise Http404
    material = access_material(user=user, pk=version.material_id)
    found = MaterialVersion.objects.get(pk=pk)
    found.material = material
    return found


def material_history(*, material: Material) -> list[MaterialVersion]:
    return list(
        MaterialVersion.objects.filter(material=material)
        .select_related("uploaded_by")
        .order_by("language", "format", "-number")
    )


def material_attachments(*, material: Material) -> QuerySet[MaterialAttachment]:
    return MaterialAttachment.objects.filter(material=material).select_related("event", "session")


def event_materials(*, event: Event) -> list[MaterialAttachment]:
    """The materials of an event and its sessions, with their current versions (2 queries)."""
    current = MaterialVersion.objects.filter(superseded_at__isnull=True)
    return list(
        MaterialAttachment.objects.filter(event=event)
        .select_related("material", "session")
        .prefetch_related(
            Prefetch("material__versions", queryset=current, to_attr="current_versions")
        )
        .order_by("session__date", "session__starts_at", "pk")
    )


def organisations_publishing(*, user: User) -> QuerySet[Organisation]:
    """Where the person may publish materials (the rule decides, organisation by organisation)."""
    candidates = Organisation.objects.filter(
        pk__in=organisation_ids_of(user), is_active=True
    ).order_by("name")
    return candidates.filter(
        pk__in=[o.pk for o in candidates if can(user, "training.material.create", o)]
    )
