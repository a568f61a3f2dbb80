from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.accounts import selectors, services
from qorgau.accounts.forms import GrantRoleForm, NewPersonForm, NewTokenForm, OneTimeCodeForm
from qorgau.accounts.models import Membership, User
from qorgau.audit.services import record
from qorgau.core.forms import attach_errors
from qorgau.core.http import request_user
from qorgau.core.qr import qr_svg

_SETUP_SESSION_KEY = "qorgau_totp_setup_device"


class QorgauLoginView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record(actor=user, action="auth.login", target=user)
        if user.language:
            _remember_language(response, user.language)
        return response


def _remember_language(response: HttpResponseBase, language: str) -> None:
    age = settings.LANGUAGE_COOKIE_AGE
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=age, samesite="Lax")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        record(actor=request.user, action="auth.logout", target=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code of a confirmed device, or set one up on first sign-in."""
    user = request_user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("core:home")
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed
    if device is None:
        device = TOTPDevice.objects.filter(
            pk=request.session.get(_SETUP_SESSION_KEY), user=user, confirmed=False
        ).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Qorgau", confirmed=False)
            request.session[_SETUP_SESSION_KEY] = device.pk
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(actor=user, action="auth.two_factor_enrolled", target=user)
            otp_login(request, device)
            request.session.pop(_SETUP_SESSION_KEY, None)
            return redirect("core:home")
        record(actor=user, action="auth.two_factor_failed", target=user)
        form.add_error("code", _("That code is not right or has expired. Try the newest one."))
    context: dict[str, Any] = {"form": form, "setup": confirmed is None}
    if confirmed is None:
        context["qr_svg"] = mark_safe(qr_svg(device.config_url))  # noqa: S308 - our own SVG
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_logout_everywhere(user=request_user(request))
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Switch language for this browser and, when signed in, remember it for the user."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose Kazakh, Russian or English."))
        return response
    if isinstance(request.user, User):
        services.user_set_language(user=request.user, language=language)
    _remember_language(response, language)
    return response


# --- organisation admins: people and roles ------------------------------------------------
@login_required
def members(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisations = list(selectors.administered_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    chosen = organisations[0]
    if "org" in request.GET:
        try:
            org_id = int(request.GET["org"])
        except ValueError:
            org_id = -1
        chosen = selectors.access_organisation(
            user=user, pk=org_id, action="organisation.manage_members"
        )
    query = request.GET.get("q", "").strip()
    people = selectors.organisation_members(user=user, organisation=chosen)
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/members.html",
        {
            "organisations": organisations,
            "organisation": chosen,
            "page": page,
            "query": query,
            "grant_form": GrantRoleForm(),
        },
    )


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisations = selectors.administered_organisations(user=user)
    if not organisations.exists():
        raise PermissionDenied
    form = NewPersonForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(
                actor=user,
                organisation=data["organisation"],
                username=data["username"],
                password=data["password"],
                roles=data["roles"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error("roles", str(refusal))
        else:
            messages.success(request, _("%(name)s can now sign in.") % {"name": person})
            return redirect(f"{_members_url()}?org={data['organisation'].pk}")
    return render(request, "accounts/person_new.html", {"form": form})


def _members_url() -> str:
    return reverse("accounts:members")


@login_required
@require_POST
def role_grant(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    actor = request_user(request)
    organisation = selectors.access_organisation(
        user=actor, pk=org_id, action="organisation.manage_members"
    )
    person = (
        selectors.organisation_members(user=actor, organisation=organisation)
        .filter(pk=user_id)
        .first()
    )
    if person is None:
        raise PermissionDenied
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        services.membership_grant(
            actor=actor, user=person, organisation=organisation, role=form.cleaned_data["role"]
        )
        messages.success(request, _("Role given."))
    else:
        messages.error(request, _("Choose a role from the list."))
    return redirect(f"{_members_url()}?org={organisation.pk}")


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    membership: Membership = selectors.access_membership(
        user=actor, pk=pk, action="membership.manage"
    )
    try:
        services.membership_revoke(actor=actor, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role withdrawn."))
    return redirect(f"{_members_url()}?org={membership.organisation_id}")


# --- personal API tokens ------------------------------------------------------------------
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = NewTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                actor=user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            form = NewTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(user=user), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    token = selectors.access_api_token(user=user, pk=pk, action="api_token.manage")
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, _("Token revoked. Systems using it can no longer connect."))
    return redirect("accounts:tokens")
