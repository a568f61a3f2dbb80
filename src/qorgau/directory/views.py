"""Pages of the service directory: search, provider page, and the provider's own edit pages.

Thin: parse, call a selector or a service, render. Rules live in services.py, selectors.py and
accounts/permissions.py, which the REST API shares.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.accounts.permissions import can
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user
from qorgau.directory import selectors, services
from qorgau.directory.forms import (
    CapacityForm,
    LanguagesMixin,
    ProviderProfileForm,
    ProviderServiceForm,
    SearchForm,
)
from qorgau.directory.models import ProviderProfile, ProviderService

# The service checks the codes of "languages"; those it may refuse were typed into the form's
# "other_languages" (the ticked ones come from a fixed list).
_FORM_FIELDS = {"languages": "other_languages"}

PAGE_SIZE = 20


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "directory.view"):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "region": data["region"],
            "service_type": data["service_type"],
            "language": data["language"],
            "text": data["q"],
            "has_free_capacity": data["free"],
        }
    providers = selectors.directory_search(user=user, **filters)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "my_organisations": selectors.editable_organisations(user=user),
    }
    template = "directory/_results.html" if request.htmx else "directory/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _provider_page(
    request: HttpRequest,
    profile: ProviderProfile,
    capacity_forms: dict[int, CapacityForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    may_edit = can(user, "directory.provider.edit", profile.organisation)
    may_report = can(user, "directory.capacity.update", profile.organisation)
    services_offered: list[ProviderService] = list(profile.offered)  # type: ignore[attr-defined]
    if may_edit:
        # Staff also see what they no longer offer, to switch it back on.
        services_offered = list(
            profile.services.select_related("service_type").prefetch_related("regions")
        )
    forms = capacity_forms or {}
    rows = [
        {
            "service": service,
            "capacity_form": forms.get(service.pk)
            or CapacityForm(
                initial={"total": service.capacity_total, "free": service.capacity_free},
                prefix=f"s{service.pk}",
            ),
            "history": selectors.capacity_history(service=service, limit=5) if may_report else [],
        }
        for service in services_offered
    ]
    return render(
        request,
        "directory/provider.html",
        {"profile": profile, "rows": rows, "may_edit": may_edit, "may_report": may_report},
        status=status,
    )


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.access_provider(
        user=request_user(request), pk=pk, action="directory.provider.view"
    )
    return _provider_page(request, profile)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    user = request_user(request)
    organisation = selectors.access_organisation_for_directory(user=user, pk=organisation_pk)
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    if request.method == "POST":
        form = ProviderProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile = services.provider_profile_save(
                    actor=user,
                    organisation=organisation,
                    description=data["description"],
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                    opening_hours=data["opening_hours"],
                    languages=form.language_codes(),
                    accessibility=data["accessibility"],
                    is_listed=data["is_listed"],
                )
            except ValidationError as error:
                attach_errors(form, error, fields=_FORM_FIELDS)
            else:
                messages.success(request, _("The directory entry is saved."))
                return redirect("directory:provider", pk=profile.pk)
    elif profile is not None:
        form = ProviderProfileForm(
            initial={
                "description": profile.description,
                "phone": profile.phone,
                "email": profile.email,
                "address": profile.address,
                "opening_hours": profile.opening_hours,
                "accessibility": profile.accessibility,
                "is_listed": profile.is_listed,
                **LanguagesMixin.language_initial(profile.languages),
            }
        )
    else:
        form = ProviderProfileForm(initial={"is_listed": True, "languages": ["kk", "ru"]})
    return render(
        request,
        "directory/profile_form.html",
        {"form": form, "organisation": organisation, "profile": profile},
        status=422 if request.method == "POST" else 200,
    )


def _service_form_page(
    request: HttpRequest, profile: ProviderProfile, service: ProviderService | None
) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        data = request.POST.copy()
        if service is not None:
            data["service_type"] = str(service.service_type_id)
        form = ProviderServiceForm(data, fixed_type=service is not None)
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.provider_service_save(
                    actor=user,
                    provider=profile,
                    service_type=cleaned["service_type"],
                    regions=cleaned["regions"],
                    languages=form.language_codes(),
                    eligibility=cleaned["eligibility"],
                    description=cleaned["description"],
                    is_active=cleaned["is_active"],
                )
            except ValidationError as error:
                attach_errors(form, error, fields=_FORM_FIELDS)
            else:
                messages.success(request, _("The service is saved."))
                return redirect("directory:provider", pk=profile.pk)
    elif service is not None:
        form = ProviderServiceForm(
            initial={
                "service_type": service.service_type_id,
                "regions": list(service.regions.all()),
                "eligibility": service.eligibility,
                "description": service.description,
                "is_active": service.is_active,
                **LanguagesMixin.language_initial(service.languages),
            },
            fixed_type=True,
        )
    else:
        form = ProviderServiceForm(initial={"regions": [profile.organisation.region_id]})
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "profile": profile, "service": service},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.access_provider(
        user=request_user(request), pk=pk, action="directory.provider.edit"
    )
    return _service_form_page(request, profile, None)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.access_provider_service(
        user=request_user(request), pk=pk, action="directory.provider.edit"
    )
    return _service_form_page(request, service.provider, service)


@login_required
@require_POST
def capacity(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    service = selectors.access_provider_service(
        user=user, pk=pk, action="directory.capacity.update"
    )
    form = CapacityForm(request.POST, prefix=f"s{service.pk}")
    if form.is_valid():
        try:
            services.capacity_update(
                actor=user,
                service=service,
                total=form.cleaned_data["total"],
                free=form.cleaned_data["free"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error, fields=_FORM_FIELDS)
        else:
            messages.success(request, _("The capacity is updated."))
            return redirect("directory:provider", pk=service.provider_id)
    profile = selectors.access_provider(
        user=user, pk=service.provider_id, action="directory.provider.view"
    )
    return _provider_page(request, profile, {service.pk: form}, status=422)
