"""Every write about regions, organisations, users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationType,
    Region,
    User,
)
from qorgau.accounts.permissions import can, forget_grants
from qorgau.audit.services import record
from qorgau.core.reference import read_reference, translations

TOKEN_PREFIX = "qrg_"  # noqa: S105 - a public marker, not a secret


# --- reference data -----------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceLoad:
    regions: int
    organisation_types: int


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@transaction.atomic
def reference_data_load() -> ReferenceLoad:
    """Create or update regions and organisation types from their data files (idempotent)."""
    regions_file = read_reference("qorgau.accounts", "regions.yaml", "regions")
    regions: dict[str, Region] = {}
    for item in regions_file.items:
        names = translations(item, "name")
        centres = translations(item, "centre")
        region, _created = Region.objects.update_or_create(
            key=item["key"],
            defaults={
                "iso_code": item["iso_code"],
                "kind": item["kind"],
                **{f"name_{lang}": value for lang, value in names.items()},
                **{f"centre_{lang}": value for lang, value in centres.items()},
                "valid_from": _as_date(item.get("valid_from")),
                "valid_to": _as_date(item.get("valid_to")),
                "data_version": regions_file.version,
            },
        )
        regions[region.key] = region
    for item in regions_file.items:
        regions[item["key"]].replaced_by.set([regions[k] for k in item.get("replaced_by") or []])

    types_file = read_reference("qorgau.accounts", "organisation_types.yaml", "organisation_types")
    for position, item in enumerate(types_file.items):
        names = translations(item, "name")
        OrganisationType.objects.update_or_create(
            key=item["key"],
            defaults={
                **{f"name_{lang}": value for lang, value in names.items()},
                "sector": item["sector"],
                "authorized_body": bool(item.get("authorized_body", False)),
                "position": position,
                "data_version": types_file.version,
            },
        )
    return ReferenceLoad(regions=len(regions_file.items), organisation_types=len(types_file.items))


# --- users and memberships ----------------------------------------------------------------
@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    password: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
) -> User:
    """Create an account with its first memberships, in the actor's organisation."""
    if actor is not None:
        # Checked first, and even with no roles: nobody adds accounts to others' organisations.
        may_add = can(actor, "organisation.manage_members", organisation) and all(
            can(actor, "membership.manage", Membership(organisation=organisation, role=role))
            for role in roles
        )
        if not may_add:
            raise PermissionDenied(_("You may not give this role in this organisation."))
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        # Keyed by field, so forms and the API show it beside the password, not as a banner.
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    user.full_clean()
    user.save()
    for role in roles:
        membership = Membership(user=user, organisation=organisation, role=role)
        membership.full_clean()
        membership.save()
    record(
        actor=actor,
        action="user.create",
        target=user,
        organisation=organisation,
        details={"roles": sorted(roles)},
    )
    return user


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    probe = Membership(user=user, organisation=organisation, role=role)
    if not can(actor, "membership.manage", probe):
        raise PermissionDenied(_("You may not give this role in this organisation."))
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    forget_grants(user)
    record(
        actor=actor,
        action="membership.grant",
        target=membership,
        organisation=organisation,
        details={"user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> Membership:
    if not can(actor, "membership.manage", membership):
        raise PermissionDenied(_("You may not change this membership."))
    if membership.user_id == actor.pk and membership.role in ("org_admin", "system_admin"):
        raise ValidationError(_("You cannot take away your own administrator role."))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    forget_grants(membership.user)
    record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        organisation=membership.organisation,
        details={"user": membership.user_id, "role": membership.role},
    )
    return membership


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Kazakh, Russian or English.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def user_logout_everywhere(*, user: User) -> None:
    """End every session of this user, on every device, including the current one."""
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
    user.session_generation += 1
    record(actor=user, action="auth.logout_everywhere", target=user)


# --- API tokens ---------------------------------------------------------------------------
def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token; the raw value is returned once and only its digest is stored."""
    if not can(actor, "api_token.manage"):
        raise PermissionDenied(_("You may not create API tokens."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    record(actor=actor, action="api_token.create", target=token, details={"name": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not can(actor, "api_token.manage", token):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Usage is stamped at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
