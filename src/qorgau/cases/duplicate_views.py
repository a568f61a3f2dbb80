"""Pages of duplicate review: likely pairs, a pair's evidence, "not a duplicate", merge and
unmerge (each confirmed on its own page first), and the scan that finds pairs.

Thin: selectors and services in cases/duplicates.py hold the rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.accounts.models import Organisation
from qorgau.cases import duplicate_scoring as scoring
from qorgau.cases import duplicates
from qorgau.cases.models import Child, ChildName
from qorgau.core.http import request_user, request_workspace
from qorgau.core.models import Workspace

PAGE_SIZE = 20


def _organisation(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    for organisation in organisations:
        if str(organisation.pk) == wanted:
            return organisation
    return organisations[0]


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    organisations = list(duplicates.review_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    organisation = _organisation(request, organisations)
    pairs = duplicates.pairs_visible_to(user=user, workspace=workspace)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisations": organisations,
        "organisation": organisation,
        "page": page,
        "views": duplicates.pair_views(user=user, pairs=list(page.object_list)),
        "scan": duplicates.latest_scan(workspace=workspace, organisation=organisation),
        "merges": list(duplicates.merges_visible_to(user=user, workspace=workspace)[:50]),
    }
    return render(request, "cases/duplicates.html", context)


@login_required
@require_POST
def duplicate_scan_start(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisations = list(duplicates.review_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    organisation = _organisation(request, organisations)
    duplicates.duplicate_scan_start(
        actor=user, workspace=request_workspace(request), organisation=organisation
    )
    messages.success(request, _("The search for duplicates has started."))
    return redirect(reverse("cases:duplicates") + f"?organisation={organisation.pk}")


@login_required
@require_GET
def duplicate_scan_status(request: HttpRequest, pk: int) -> HttpResponse:
    scan = duplicates.access_scan(
        user=request_user(request), workspace=request_workspace(request), pk=pk
    )
    return render(request, "cases/_duplicate_scan.html", {"scan": scan})


def _names(workspace: Workspace, child: Child) -> list[ChildName]:
    return list(ChildName.objects.in_workspace(workspace).filter(child=child))


@login_required
@require_GET
def duplicate_pair(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    pair = duplicates.access_pair(user=user, workspace=workspace, pk=pk, action="duplicates.view")
    (view,) = duplicates.pair_views(user=user, pairs=[pair])
    context = {"view": view, "pair": pair, "prior_weight": scoring.prior_weight()}
    return render(request, "cases/duplicate_pair.html", context)


@login_required
@require_POST
def duplicate_not_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    pair = duplicates.access_pair(
        user=user, workspace=request_workspace(request), pk=pk, action="duplicates.dismiss"
    )
    try:
        duplicates.pair_mark_not_duplicate(actor=user, pair=pair)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Marked as two different children. The pair will not return."))
    return redirect("cases:duplicates")


def _keep(request: HttpRequest, source: dict[str, str]) -> int:
    try:
        return int(source.get("keep", ""))
    except ValueError:
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    pair = duplicates.access_pair(user=user, workspace=workspace, pk=pk, action="child.merge")
    source = request.POST if request.method == "POST" else request.GET
    keep = _keep(request, source)
    if keep not in (pair.left_id, pair.right_id):
        messages.error(request, _("Choose one of the two records to keep."))
        return redirect("cases:duplicate", pk=pair.pk)
    error = ""
    if request.method == "POST":
        try:
            merge = duplicates.child_merge(
                actor=user,
                pair=pair,
                keep=keep,
                left_version=int(source.get("left_version", "0") or 0),
                right_version=int(source.get("right_version", "0") or 0),
                reason=source.get("reason", ""),
            )
        except (ValidationError, ValueError) as problem:
            error = _error_text(problem) if isinstance(problem, ValidationError) else ""
        else:
            messages.success(
                request,
                _("Record #%(merged)s is merged into #%(kept)s. You can undo this below.")
                % {"merged": merge.merged_id, "kept": merge.survivor_id},
            )
            return redirect("cases:duplicates")
    survivor, merged = (pair.left, pair.right) if keep == pair.left_id else (pair.right, pair.left)
    context = {
        "pair": pair,
        "keep": keep,
        "survivor": survivor,
        "merged": merged,
        "survivor_names": _names(workspace, survivor),
        "merged_names": _names(workspace, merged),
        "moving": duplicates.moved_counts(child_id=merged.pk),
        "error": error,
    }
    return render(request, "cases/duplicate_merge.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    workspace = request_workspace(request)
    merge = duplicates.access_merge(user=user, workspace=workspace, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            duplicates.child_unmerge(actor=user, merge=merge)
        except ValidationError as problem:
            error = _error_text(problem)
        else:
            messages.success(
                request,
                _("Record #%(merged)s is separate again, as it was before the merge.")
                % {"merged": merge.merged_id},
            )
            return redirect("cases:duplicates")
    if merge.unmerged_at is not None:
        raise Http404
    context = {
        "merge": merge,
        "moved": duplicates.moved_counts(child_id=merge.merged_id, moved=merge.moved),
        "error": error,
    }
    return render(request, "cases/duplicate_unmerge.html", context)
