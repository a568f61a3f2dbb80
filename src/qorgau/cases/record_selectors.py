"""Reads of a case's notes and documents: only the levels the user may read (permissions.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from qorgau.accounts.models import User
from qorgau.accounts.permissions import IDENTITY_ROLES, can, grants, restricted_reader
from qorgau.cases.models import Case, CaseDocument, CaseNote, Confidentiality
from qorgau.core.models import Workspace


def _readable(user: User, case: Case, author_field: str) -> Q:
    """The query form of permissions.reads_level, for one case (tested to agree with it)."""
    identity_orgs = {g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES}
    readable = (
        Q(level=Confidentiality.TEAM)
        | Q(**{author_field: user.pk})
        | Q(level=Confidentiality.ORGANISATION, organisation_id__in=identity_orgs)
    )
    if restricted_reader(user, case):
        readable |= Q(level=Confidentiality.RESTRICTED)
    return readable


def notes_for(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """The case's notes this user may read, newest first."""
    if not can(user, "case.view", case):
        return CaseNote.objects.none()
    return (
        CaseNote.objects.in_workspace(case.workspace)
        .filter(case=case)
        .filter(_readable(user, case, "author_id"))
        .select_related("author", "organisation")
    )


def documents_for(*, user: User, case: Case) -> QuerySet[CaseDocument]:
    """The case's documents this user may read (current, withdrawn and replaced), newest first."""
    if not can(user, "case.view", case):
        return CaseDocument.objects.none()
    return (
        CaseDocument.objects.in_workspace(case.workspace)
        .filter(case=case)
        .filter(_readable(user, case, "uploaded_by_id"))
        .select_related("uploaded_by", "organisation", "withdrawn_by", "superseded_by")
    )


def access_document(*, user: User, workspace: Workspace, pk: int, action: str) -> CaseDocument:
    """404 for a document the user may not know of, 403 for one they see but may not do this to."""
    document = (
        CaseDocument.objects.in_workspace(workspace)
        .select_related("case", "case__organisation", "organisation", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if document is None or not can(user, "case.document.view", document):
        raise Http404
    if not can(user, action, document):
        raise PermissionDenied
    return document
