from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qorgau.audit.selectors import AuditFilters, audit_events


def _parse_date(raw: str, errors: list[str], label: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(_("%(field)s is not a date (use YYYY-MM-DD).") % {"field": label})
        return None


@login_required
def events(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    filters = AuditFilters(
        action=request.GET.get("action", "").strip(),
        actor=request.GET.get("actor", "").strip(),
        target_type=request.GET.get("target_type", "").strip(),
        date_from=_parse_date(request.GET.get("from", ""), errors, _("From")),
        date_to=_parse_date(request.GET.get("to", ""), errors, _("To")),
    )
    page = Paginator(audit_events(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    template = "audit/_rows.html" if request.htmx else "audit/events.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "filters": filters, "errors": errors})
