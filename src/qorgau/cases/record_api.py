"""The case API's notes and documents: the same selectors, services and rules as the pages.

Registered on the cases router (``/api/cases/...``). Lists are paginated with limit/offset.
"""

# No `from __future__ import annotations`: under @paginate, django-ninja must see real types.

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from qorgau.cases import record_selectors, record_services, selectors
from qorgau.cases.api import router
from qorgau.cases.models import CaseDocument, CaseNote
from qorgau.cases.record_views import attachment_response
from qorgau.core.http import api_user, api_workspace


class NoteIn(Schema):
    text: str
    level: str = "team"


class NoteOut(Schema):
    id: int
    text: str
    level: str
    author: str
    organisation: str
    created_at: Any

    @staticmethod
    def resolve_author(obj: CaseNote) -> str:
        return obj.author.get_full_name() or obj.author.get_username()

    @staticmethod
    def resolve_organisation(obj: CaseNote) -> str:
        return obj.organisation.name


class DocumentIn(Schema):
    title: str
    level: str = "team"
    replaces_id: int | None = None
    reason: str = ""


class DocumentOut(Schema):
    id: int
    title: str
    level: str
    status: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    organisation: str
    created_at: Any
    withdrawal_reason: str
    superseded_by_id: int | None

    @staticmethod
    def resolve_uploaded_by(obj: CaseDocument) -> str:
        return obj.uploaded_by.get_full_name() or obj.uploaded_by.get_username()

    @staticmethod
    def resolve_organisation(obj: CaseDocument) -> str:
        return obj.organisation.name


class ReasonIn(Schema):
    reason: str


@router.get("/{case_id}/notes", response=list[NoteOut], tags=["case records"])
@paginate(LimitOffsetPagination)
def note_list(request: HttpRequest, case_id: int) -> QuerySet[CaseNote]:
    """The case's notes the caller may read (by confidentiality level), newest first."""
    user = api_user(request)
    case = selectors.access_case(
        user=user, workspace=api_workspace(request), pk=case_id, action="case.view"
    )
    return record_selectors.notes_for(user=user, case=case)


@router.post("/{case_id}/notes", response={201: NoteOut}, tags=["case records"])
def note_add(request: HttpRequest, case_id: int, payload: NoteIn) -> tuple[int, CaseNote]:
    """Add a note: ``level`` is team, organisation or restricted."""
    user = api_user(request)
    case = selectors.access_case(
        user=user, workspace=api_workspace(request), pk=case_id, action="case.note.add"
    )
    return 201, record_services.note_add(
        actor=user, case=case, text=payload.text, level=payload.level
    )


@router.get("/{case_id}/documents", response=list[DocumentOut], tags=["case records"])
@paginate(LimitOffsetPagination)
def document_list(request: HttpRequest, case_id: int) -> QuerySet[CaseDocument]:
    """The case's documents the caller may read, current, withdrawn and replaced."""
    user = api_user(request)
    case = selectors.access_case(
        user=user, workspace=api_workspace(request), pk=case_id, action="case.view"
    )
    return record_selectors.documents_for(user=user, case=case)


@router.post("/{case_id}/documents", response={201: DocumentOut}, tags=["case records"])
def document_upload(
    request: HttpRequest,
    case_id: int,
    payload: Form[DocumentIn],
    file: File[UploadedFile],
) -> tuple[int, CaseDocument]:
    """Upload a file (multipart/form-data): PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS, checked
    by its contents; at most the configured size. ``replaces_id`` replaces an earlier one."""
    user = api_user(request)
    workspace = api_workspace(request)
    case = selectors.access_case(
        user=user, workspace=workspace, pk=case_id, action="case.document.upload"
    )
    replaces = None
    if payload.replaces_id is not None:
        replaces = (
            record_selectors.documents_for(user=user, case=case)
            .filter(pk=payload.replaces_id)
            .first()
        )
        if replaces is None:
            raise ValidationError({"replaces_id": [_("You may not replace this document.")]})
    document = record_services.document_upload(
        actor=user,
        case=case,
        title=payload.title,
        level=payload.level,
        stream=file,
        name=file.name or "",
        size=file.size or 0,
        replaces=replaces,
        reason=payload.reason,
    )
    return 201, document


@router.get("/documents/{document_id}/download", tags=["case records"])
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    """The file, as an attachment; every download is recorded in the audit trail."""
    user = api_user(request)
    document = record_selectors.access_document(
        user=user, workspace=api_workspace(request), pk=document_id, action="case.document.download"
    )
    return attachment_response(
        record_services.document_download(actor=user, document=document), document
    )


@router.post("/documents/{document_id}/withdraw", response=DocumentOut, tags=["case records"])
def document_withdraw(request: HttpRequest, document_id: int, payload: ReasonIn) -> CaseDocument:
    """Take a document out of use with a reason; it stays listed and its file is kept."""
    user = api_user(request)
    document = record_selectors.access_document(
        user=user, workspace=api_workspace(request), pk=document_id, action="case.document.withdraw"
    )
    return record_services.document_withdraw(actor=user, document=document, reason=payload.reason)
