"""The access policy: the one place that reads roles and memberships.

``can(user, action, obj=None)`` answers every access question, deny by default. Each rule is a
small function registered for one action; an action without a rule is denied. The
permission-grid tests (``*/tests/test_permissions.py``) are the written specification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from qorgau.accounts.models import ApiToken, Membership, Organisation, User
from qorgau.accounts.roles import Role
from qorgau.core.models import Workspace, WorkspaceMember

# Roles whose work means seeing who a child is; every one of them must sign in with 2FA.
IDENTITY_ROLES = frozenset(
    {
        Role.FRONT_LINE,
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.INVESTIGATOR,
        Role.PROSECUTOR,
        Role.PROVIDER_STAFF,
        Role.GUARDIANSHIP_OFFICER,
    }
)
# Administrators and auditors hold the keys to identifying data, so they also need 2FA.
TWO_FACTOR_ROLES = IDENTITY_ROLES | {Role.ORG_ADMIN, Role.SYSTEM_ADMIN, Role.AUDITOR}
TRAINING_ROLES = frozenset({Role.TRAINER, Role.EXPERT, Role.TRAINING_ORGANISER})
STATISTICS_ROLES = frozenset(
    {Role.SUPERVISOR, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR, Role.SYSTEM_ADMIN}
)

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    role: str


def grants(user: AnyUser) -> frozenset[Grant]:
    """The user's active (organisation, role) pairs, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Grant] | None = getattr(user, "_qorgau_grants", None)
    if cached is None:
        rows = Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("organisation_id", "role")
        cached = frozenset(Grant(org_id, role) for org_id, role in rows)
        setattr(user, "_qorgau_grants", cached)  # noqa: B010 - a per-object cache
    return cached


def forget_grants(user: AnyUser) -> None:
    """Drop the cached grants after memberships change."""
    if hasattr(user, "_qorgau_grants"):
        delattr(user, "_qorgau_grants")


def roles_of(user: AnyUser, organisation: Organisation | None = None) -> frozenset[str]:
    return frozenset(
        g.role for g in grants(user) if organisation is None or g.organisation_id == organisation.pk
    )


def organisation_ids_of(user: AnyUser, role: str | None = None) -> frozenset[int]:
    return frozenset(g.organisation_id for g in grants(user) if role is None or g.role == role)


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_system_admin(user: AnyUser) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def requires_two_factor(user: AnyUser) -> bool:
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


# --- rules --------------------------------------------------------------------------------
Rule = Callable[[AnyUser, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in _RULES:
                raise ValueError(f"two rules for {action}")
            _RULES[action] = fn
        return fn

    return register


@rule("audit.view", "audit.verify")
def _audit(user: AnyUser, obj: Any) -> bool:
    # The trail names no child; auditors read it to check who did what, system admins to operate.
    return has_role(user, Role.AUDITOR, Role.SYSTEM_ADMIN)


@rule("organisation.view")
def _organisation_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Organisation):
        return False
    return obj.pk in organisation_ids_of(user) or is_system_admin(user)


@rule("organisation.manage_members")
def _organisation_manage(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Organisation):
        return False
    return obj.pk in organisation_ids_of(user, Role.ORG_ADMIN) or is_system_admin(user)


@rule("membership.manage")
def _membership_manage(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Membership):
        return False
    if is_system_admin(user):
        return True
    if obj.organisation_id not in organisation_ids_of(user, Role.ORG_ADMIN):
        return False
    # Only a system admin hands out or withdraws the system-admin role.
    return obj.role != Role.SYSTEM_ADMIN


@rule("user.manage")
def _user_manage(user: AnyUser, obj: Any) -> bool:
    """Edit a person's account (name, e-mail, deactivate): only if they belong to no one else."""
    if not isinstance(obj, User) or obj.pk == getattr(user, "pk", None):
        return False
    if is_system_admin(user):
        return True
    administered = organisation_ids_of(user, Role.ORG_ADMIN)
    theirs = set(
        Membership.objects.filter(user=obj, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    return bool(theirs) and theirs <= administered


@rule("child.view_identity")
def _child_identity(user: AnyUser, obj: Any) -> bool:
    # Role-level answer; case-level need-to-know rules join here with the case module.
    return bool(roles_of(user) & IDENTITY_ROLES)


@rule("statistics.view")
def _statistics(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & STATISTICS_ROLES)


@rule("training.manage")
def _training(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & TRAINING_ROLES)


@rule("reference.edit")
def _reference_edit(user: AnyUser, obj: Any) -> bool:
    return is_system_admin(user)


@rule("workspace.enter")
def _workspace_enter(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Workspace) or not obj.is_active or not grants(user):
        return False
    if obj.kind == Workspace.Kind.REAL:
        return True
    if roles_of(user) & TRAINING_ROLES:
        return True
    return WorkspaceMember.objects.filter(workspace=obj, user_id=user.pk or 0).exists()


@rule("api_token.manage")
def _api_token(user: AnyUser, obj: Any) -> bool:
    if obj is None:
        return user.is_authenticated and user.is_active
    return isinstance(obj, ApiToken) and obj.user_id == getattr(user, "pk", None)


def can(user: AnyUser, action: str, obj: Any = None) -> bool:
    """May this user do this action (to this object)? Unknown actions are denied."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    check = _RULES.get(action)
    return bool(check and check(user, obj))


def known_actions() -> frozenset[str]:
    return frozenset(_RULES)
