"""Every read about organisations, users and tokens, scoped to what the user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from qorgau.accounts.models import ApiToken, Membership, Organisation, Region, User
from qorgau.accounts.permissions import can, is_system_admin, organisation_ids_of
from qorgau.accounts.roles import Role


def current_regions() -> QuerySet[Region]:
    return Region.objects.filter(valid_to__isnull=True).order_by("kind", "key")


def organisations_of(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=organisation_ids_of(user)).select_related(
        "type", "region"
    )


def administered_organisations(*, user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("type", "region")
    if is_system_admin(user):
        return qs
    return qs.filter(pk__in=organisation_ids_of(user, Role.ORG_ADMIN))


def organisation_members(*, user: User, organisation: Organisation) -> QuerySet[User]:
    """People with a role in the organisation, each with their memberships there only."""
    if not can(user, "organisation.manage_members", organisation):
        return User.objects.none()
    memberships = Membership.objects.filter(organisation=organisation, is_active=True).order_by(
        "role"
    )
    return (
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="roles_here"))
    )


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


# --- fetch and check in one call ----------------------------------------------------------
def access_organisation(*, user: User, pk: int, action: str) -> Organisation:
    """404 for an organisation the user has no business knowing of, 403 if they may only look."""
    organisation = Organisation.objects.select_related("type", "region").filter(pk=pk).first()
    if organisation is None or not (
        can(user, "organisation.view", organisation)
        or can(user, "organisation.manage_members", organisation)
    ):
        raise Http404
    if not can(user, action, organisation):
        raise PermissionDenied
    return organisation


def access_membership(*, user: User, pk: int, action: str) -> Membership:
    membership = Membership.objects.select_related("user", "organisation").filter(pk=pk).first()
    if membership is None:
        raise Http404
    access_organisation(user=user, pk=membership.organisation_id, action="organisation.view")
    if not can(user, action, membership):
        raise PermissionDenied
    return membership


def access_api_token(*, user: User, pk: int, action: str) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk).first()
    # Someone else's token is not even acknowledged to exist.
    if token is None or not can(user, action, token):
        raise Http404
    return token
