"""Writes of a case's notes and documents, and the audited download of a document.

Notes are append-only: a correction is a new note. Documents are never deleted: they are
withdrawn or replaced with a reason, and the file stays in private storage (ADR 0013).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import acting_organisation_id, can
from qorgau.audit.services import record
from qorgau.cases.files import DOCUMENT_KINDS
from qorgau.cases.models import Case, CaseDocument, CaseNote, Confidentiality
from qorgau.cases.storage import private_storage
from qorgau.core.uploads import FileKind, extension_of, safe_filename, sniff

NOTE_MAX_LENGTH = 10_000


def _writer_organisation(actor: User, case: Case) -> Organisation:
    organisation_id = acting_organisation_id(actor, case)
    if organisation_id is None:
        raise PermissionDenied(_("You may not add to this case."))
    if organisation_id == case.organisation_id:
        return case.organisation
    return Organisation.objects.get(pk=organisation_id)


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str, level: str) -> CaseNote:
    if not can(actor, "case.note.add", case):
        raise PermissionDenied(_("You may not add notes to this case."))
    errors: dict[str, str] = {}
    text = text.strip()
    if not text:
        errors["text"] = _("Write the note.")
    elif len(text) > NOTE_MAX_LENGTH:
        errors["text"] = _("A note is at most %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
    if level not in Confidentiality.values:
        errors["level"] = _("Choose who may read it.")
    if errors:
        raise ValidationError(errors)
    note = CaseNote.objects.create(
        workspace=case.workspace,
        case=case,
        author=actor,
        organisation=_writer_organisation(actor, case),
        level=level,
        text=text,
    )
    record(
        actor=actor,
        action="case.note.add",
        target=note,
        organisation=note.organisation,
        details={"case": case.pk, "level": level},
    )
    return note


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _document_kind(stream: IO[bytes]) -> FileKind | None:
    kind = sniff(stream)
    return kind if kind is not None and kind in DOCUMENT_KINDS else None


def _check_file(stream: IO[bytes], name: str, size: int) -> dict[str, str]:
    limit = settings.QORGAU_DOCUMENT_MAX_BYTES
    if size <= 0:
        return {"file": _("The file is empty.")}
    if size > limit:
        return {
            "file": _("The file is larger than %(limit)s MB. Upload a smaller file.")
            % {"limit": _megabytes(limit)}
        }
    kind = _document_kind(stream)
    if kind is None:
        return {
            "file": _(
                "This kind of file is not accepted. Upload a PDF, JPEG, PNG, DOCX, XLSX, ODT "
                "or ODS file."
            )
        }
    extension = extension_of(name)
    if extension and extension not in kind.extensions:
        return {
            "file": _(
                "The file's name ends in .%(extension)s but its contents are %(kind)s. "
                "Check that you chose the right file."
            )
            % {"extension": extension, "kind": kind.key.upper()}
        }
    return {}


@transaction.atomic
def document_upload(
    *,
    actor: User,
    case: Case,
    title: str,
    level: str,
    stream: IO[bytes],
    name: str,
    size: int,
    replaces: CaseDocument | None = None,
    reason: str = "",
) -> CaseDocument:
    """Keep an uploaded file under a random name in private storage, checked by its bytes."""
    if not can(actor, "case.document.upload", case):
        raise PermissionDenied(_("You may not add documents to this case."))
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = _("Give the document a title.")
    if level not in Confidentiality.values:
        errors["level"] = _("Choose who may read it.")
    errors.update(_check_file(stream, name, size))
    if replaces is not None:
        # Re-read and lock: a double submit (or a second tab) replaces it only once.
        locked = (
            CaseDocument.objects.in_workspace(case.workspace)
            .select_for_update()
            .select_related("case", "case__organisation")
            .filter(pk=replaces.pk, case=case)
            .first()
        )
        if locked is not None and not locked.is_active:
            errors["replaces"] = _("This document has already been replaced or withdrawn.")
        elif locked is None or not can(actor, "case.document.withdraw", locked):
            errors["replaces"] = _("You may not replace this document.")
        elif not reason.strip():
            errors["reason"] = _("Say why the document is replaced.")
        replaces = locked
    if errors:
        raise ValidationError(errors)
    kind = _document_kind(stream)
    assert kind is not None
    digest = hashlib.sha256()
    stream.seek(0)
    read = 0
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        digest.update(chunk)
        read += len(chunk)
    if read > settings.QORGAU_DOCUMENT_MAX_BYTES:  # the declared size was wrong
        raise ValidationError(_check_file(stream, name, read))
    stream.seek(0)
    token = secrets.token_hex(16)
    storage = private_storage()
    stored = storage.save(f"documents/{token[:2]}/{token}", stream)
    try:
        document = CaseDocument.objects.create(
            workspace=case.workspace,
            case=case,
            title=title[:200],
            level=level,
            original_name=safe_filename(name, kind),
            storage_name=stored,
            content_type=kind.content_type,
            size=read,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            organisation=_writer_organisation(actor, case),
        )
        details = {"case": case.pk, "level": level, "sha256": document.sha256, "size": read}
        if replaces is not None:
            _retire(actor, replaces, CaseDocument.Status.SUPERSEDED, reason, document)
            details["replaces"] = replaces.pk
        record(
            actor=actor,
            action="case.document.upload",
            target=document,
            organisation=document.organisation,
            details=details,
        )
    except BaseException:
        storage.delete(stored)
        raise
    return document


def _retire(
    actor: User,
    document: CaseDocument,
    status: str,
    reason: str,
    replacement: CaseDocument | None = None,
) -> None:
    document.status = status
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = actor
    document.withdrawal_reason = reason.strip()[:500]
    document.superseded_by = replacement
    document.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "superseded_by",
            "updated_at",
        ]
    )
    record(
        actor=actor,
        action="case.document.withdraw"
        if status == CaseDocument.Status.WITHDRAWN
        else "case.document.supersede",
        target=document,
        organisation=document.case.organisation,
        details={
            "case": document.case_id,
            "reason": document.withdrawal_reason,
            "replacement": replacement.pk if replacement else None,
        },
    )


@transaction.atomic
def document_withdraw(*, actor: User, document: CaseDocument, reason: str) -> CaseDocument:
    """Take a document out of use; it stays listed with the reason, and its file is kept."""
    current = (
        CaseDocument.objects.in_workspace(document.workspace)
        .select_for_update()
        .select_related("case", "case__organisation")
        .get(pk=document.pk)
    )
    if current.status == CaseDocument.Status.WITHDRAWN:
        return current  # a repeated click
    if not can(actor, "case.document.withdraw", current):
        raise PermissionDenied(_("You may not withdraw this document."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is withdrawn.")})
    _retire(actor, current, CaseDocument.Status.WITHDRAWN, reason)
    return current


@transaction.atomic
def document_download(*, actor: User, document: CaseDocument) -> IO[bytes]:
    """Open the stored file for this person; every download is recorded."""
    if not can(actor, "case.document.download", document):
        raise PermissionDenied(_("You may not download this document."))
    handle = private_storage().open(document.storage_name, "rb")
    record(
        actor=actor,
        action="case.document.download",
        target=document,
        organisation=document.case.organisation,
        details={"case": document.case_id, "sha256": document.sha256},
    )
    return handle
