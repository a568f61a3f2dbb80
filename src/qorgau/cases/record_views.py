"""Pages of a case's notes and documents, and the checked, audited document download.

Thin: parse the input, call a selector or a service, render. Files are served only here, as
attachments with nosniff and a sandboxing Content-Security-Policy, never from a public URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.cases import record_selectors, record_services, selectors
from qorgau.cases.models import Case, CaseDocument
from qorgau.cases.record_forms import DocumentForm, NoteForm, ReasonForm
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user, request_workspace

PAGE_SIZE = 20


def _case(request: HttpRequest, pk: int, action: str) -> tuple[User, Case]:
    user = request_user(request)
    return user, selectors.access_case(
        user=user, workspace=request_workspace(request), pk=pk, action=action
    )


@login_required
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk, "case.view")
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can(user, "case.note.add", case):
            raise PermissionDenied
        if form.is_valid():
            try:
                record_services.note_add(actor=user, case=case, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The note is added."))
                return redirect("cases:notes", pk=case.pk)
        status = 400
    page = Paginator(record_selectors.notes_for(user=user, case=case), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "case": case,
        "page": page,
        "form": form if can(user, "case.note.add", case) else None,
    }
    return render(request, "cases/notes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk, "case.view")
    visible = record_selectors.documents_for(user=user, case=case)
    # The same test as the rule case.document.withdraw, for the whole list at once.
    may_edit = can(user, "case.edit", case)
    replaceable = [
        d
        for d in visible.filter(status=CaseDocument.Status.ACTIVE)[:100]
        if may_edit or d.uploaded_by_id == user.pk
    ]
    may_upload = can(user, "case.document.upload", case)
    form = DocumentForm(request.POST or None, request.FILES or None, replaceable=replaceable)
    status = 200
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record_services.document_upload(
                    actor=user,
                    case=case,
                    title=form.cleaned_data["title"],
                    level=form.cleaned_data["level"],
                    stream=upload,
                    name=upload.name or "",
                    size=upload.size or 0,
                    replaces=form.cleaned_data.get("replaces"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The document is kept with the case."))
                return redirect("cases:documents", pk=case.pk)
        status = 400
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "case": case,
        "page": page,
        "form": form if may_upload else None,
        "may_edit": may_edit,
    }
    return render(request, "cases/documents.html", context, status=status)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    user = request_user(request)
    document = record_selectors.access_document(
        user=user, workspace=request_workspace(request), pk=pk, action="case.document.download"
    )
    handle = record_services.document_download(actor=user, document=document)
    return attachment_response(handle, document)


def attachment_response(handle: Any, document: CaseDocument) -> FileResponse:
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    document = record_selectors.access_document(
        user=user, workspace=request_workspace(request), pk=pk, action="case.document.withdraw"
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.document_withdraw(
                actor=user, document=document, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The document is withdrawn. It stays in the history."))
            return redirect("cases:documents", pk=document.case_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/document_withdraw.html", {"document": document, "form": form}, status=status
    )
