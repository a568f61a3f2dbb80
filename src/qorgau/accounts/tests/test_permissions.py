"""The written specification of access for accounts: who may do what, to whose things.

The grid below is the specification. Each row is one action on one kind of target; each
column is a person holding exactly one role in their own organisation ("--" holds no role).
``Y`` allows, ``.`` denies. Targets:

    -          no object (the action is about the person, not a thing)
    own/other  an organisation, membership or user of the person's own organisation, or of
               another organisation (for user.manage: someone whose only role is there)
    new        api_token.manage with no object: may this person create a token at all
    own/other  (api_token.manage) their own token, or somebody else's
    real/...   workspace.enter: the real workspace, a training workspace they are not in

The table is written out by hand on purpose: it is not computed from the role sets in
permissions.py, so a change to the policy has to be made in both places, visibly.
"""

from __future__ import annotations

import importlib
import itertools
import secrets
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from qorgau.accounts.models import ApiToken, Membership, Organisation, User
from qorgau.accounts.permissions import can, known_actions
from qorgau.accounts.roles import Role
from qorgau.accounts.services import membership_grant, token_digest
from qorgau.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)
from qorgau.accounts.tests.grid import (
    Cell,
    column_roles,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.core.models import Workspace, WorkspaceMember
from qorgau.core.workspaces import real_workspace

GRID = """
action                       target    -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
audit.view                   -          .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  .  Y
audit.verify                 -          .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  .  Y
organisation.view            own        .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
organisation.view            other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
organisation.manage_members  own        .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y
organisation.manage_members  other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
membership.manage            own        .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y
membership.manage            other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
user.manage                  own        .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y
user.manage                  other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
child.view_identity          -          .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
statistics.view              -          .  .  .  Y  .  .  .  .  Y  Y  .  .  .  .  .  .  Y
training.manage              -          .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .
reference.edit               -          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
workspace.enter              real       .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
workspace.enter              training   .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .
api_token.manage             new        Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
api_token.manage             own        Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
api_token.manage             other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""


CELLS = parse_grid(GRID)
TARGETS = sorted({(cell.action, cell.target) for cell in CELLS})


def test_the_grid_has_a_column_for_every_role():
    assert column_roles() == set(Role.values)


# Modules whose actions are specified by their own grid (ADR 0003), not by the one above.
OWN_GRIDS = (
    "qorgau.screening.tests.test_permissions",
    "qorgau.training.tests.test_permissions",
    "qorgau.cases.tests.test_permissions",
    "qorgau.directory.tests.test_permissions",
    "qorgau.referrals.tests.test_permissions",
    "qorgau.justice.tests.test_permissions",
)


def _specified_elsewhere() -> set[str]:
    return {a for name in OWN_GRIDS for a in grid_actions(importlib.import_module(name).CELLS)}


def test_the_grid_specifies_every_action_the_policy_knows():
    # A new rule in permissions.py must come with its row here (or in its module's own grid),
    # and a row here with a rule.
    assert grid_actions(CELLS) | _specified_elsewhere() == known_actions()


def _token(user: User) -> ApiToken:
    raw = "qrg_" + secrets.token_urlsafe(16)
    return ApiToken.objects.create(
        user=user, name="sync", prefix=raw[:10], digest=token_digest(raw)
    )


def _target(actor: User, own: Organisation, other: Organisation, action: str, kind: str) -> Any:
    """The object the cell is about, built for this actor."""
    if kind in ("-", "new"):
        return None
    org = own if kind == "own" else other
    if action.startswith("organisation."):
        return org
    if action == "membership.manage":
        return MembershipFactory(organisation=org, role=Role.FRONT_LINE)
    if action == "user.manage":
        return MembershipFactory(organisation=org, role=Role.CASE_MANAGER).user
    if action == "api_token.manage":
        return _token(actor if kind == "own" else UserFactory())
    if action == "workspace.enter":
        if kind == "real":
            return real_workspace()
        return Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise 1")
    raise AssertionError(f"no target for {action} {kind}")


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    own, other = OrganisationFactory(), OrganisationFactory()
    actor = person_in(cell.column, own)
    target = _target(actor, own, other, cell.action, cell.target)

    assert can(actor, cell.action, target) is cell.allowed


# --- beyond the grid ----------------------------------------------------------------------
def _every_target(actor: User | None = None) -> list[tuple[str, Any]]:
    own, other = OrganisationFactory(), OrganisationFactory()
    owner = actor or UserFactory()
    return [(action, _target(owner, own, other, action, kind)) for action, kind in TARGETS]


@pytest.mark.django_db
def test_it_denies_an_anonymous_visitor_everything():
    anonymous = AnonymousUser()

    allowed = [(a, t) for a, t in _every_target() if can(anonymous, a, t)]

    assert allowed == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.FRONT_LINE])
def test_it_denies_a_deactivated_account_everything(role):
    organisation = OrganisationFactory()
    person = user_with_role(role, organisation)
    person.is_active = False
    person.save()
    targets = [
        *_every_target(person),
        ("organisation.view", organisation),
        ("organisation.manage_members", organisation),
    ]

    allowed = [(a, t) for a, t in targets if can(person, a, t)]

    assert allowed == []


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["cases.delete_everything", "", "audit", "AUDIT.VIEW"])
def test_it_denies_an_action_it_does_not_know(action):
    system_admin = user_with_role(Role.SYSTEM_ADMIN)

    assert can(system_admin, action) is False
    assert can(system_admin, action, OrganisationFactory()) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "obj"),
    [
        ("organisation.view", lambda: MembershipFactory()),
        ("organisation.manage_members", lambda: None),
        ("membership.manage", lambda: OrganisationFactory()),
        ("user.manage", lambda: OrganisationFactory()),
        ("workspace.enter", lambda: OrganisationFactory()),
        ("api_token.manage", lambda: UserFactory()),
    ],
)
def test_it_denies_an_action_on_the_wrong_kind_of_object(action, obj):
    system_admin = user_with_role(Role.SYSTEM_ADMIN)

    assert can(system_admin, action, obj()) is False


@pytest.mark.django_db
def test_an_org_admin_cannot_grant_or_withdraw_the_system_admin_role():
    organisation = OrganisationFactory()
    admin = user_with_role(Role.ORG_ADMIN, organisation)
    colleague = user_with_role(Role.FRONT_LINE, organisation)
    sysadmin_here = MembershipFactory(organisation=organisation, role=Role.SYSTEM_ADMIN)

    assert (
        can(admin, "membership.manage", Membership(organisation=organisation, role="system_admin"))
        is False
    )
    assert can(admin, "membership.manage", sysadmin_here) is False
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=admin, user=colleague, organisation=organisation, role=Role.SYSTEM_ADMIN
        )
    assert not Membership.objects.filter(user=colleague, role=Role.SYSTEM_ADMIN).exists()


@pytest.mark.django_db
def test_a_system_admin_can_grant_the_system_admin_role_anywhere():
    system_admin = user_with_role(Role.SYSTEM_ADMIN)
    elsewhere = OrganisationFactory()

    assert can(
        system_admin, "membership.manage", Membership(organisation=elsewhere, role="system_admin")
    )


@pytest.mark.django_db
def test_an_org_admin_cannot_manage_someone_who_also_belongs_to_another_organisation():
    own, other = OrganisationFactory(), OrganisationFactory()
    admin = user_with_role(Role.ORG_ADMIN, own)
    shared = user_with_role(Role.CASE_MANAGER, own)
    assert can(admin, "user.manage", shared) is True

    MembershipFactory(user=shared, organisation=other, role=Role.PROVIDER_STAFF)

    assert can(admin, "user.manage", shared) is False
    assert can(user_with_role(Role.SYSTEM_ADMIN), "user.manage", shared) is True


@pytest.mark.django_db
def test_an_org_admin_can_manage_someone_whose_other_role_elsewhere_was_withdrawn():
    own, other = OrganisationFactory(), OrganisationFactory()
    admin = user_with_role(Role.ORG_ADMIN, own)
    person = user_with_role(Role.CASE_MANAGER, own)
    MembershipFactory(user=person, organisation=other, role=Role.PROVIDER_STAFF, is_active=False)

    assert can(admin, "user.manage", person) is True


@pytest.mark.django_db
def test_an_org_admin_cannot_manage_an_account_with_no_role_anywhere():
    admin = user_with_role(Role.ORG_ADMIN)

    assert can(admin, "user.manage", UserFactory()) is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.SYSTEM_ADMIN])
def test_nobody_manages_their_own_account_through_the_admin_rule(role):
    admin = user_with_role(role)

    assert can(admin, "user.manage", admin) is False


def _admin_and_organisation(**membership: Any) -> tuple[User, Organisation, Membership]:
    organisation = OrganisationFactory()
    grant = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN, **membership)
    return grant.user, organisation, grant


def _powers(person: User, organisation: Organisation) -> dict[str, bool]:
    colleague = MembershipFactory(organisation=organisation, role=Role.FRONT_LINE)
    return {
        "organisation.view": can(person, "organisation.view", organisation),
        "organisation.manage_members": can(person, "organisation.manage_members", organisation),
        "membership.manage": can(person, "membership.manage", colleague),
        "user.manage": can(person, "user.manage", colleague.user),
        "workspace.enter": can(person, "workspace.enter", real_workspace()),
    }


@pytest.mark.django_db
def test_an_inactive_membership_grants_nothing():
    admin, organisation, _grant = _admin_and_organisation(is_active=False)

    assert not any(_powers(admin, organisation).values())


@pytest.mark.django_db
def test_a_membership_in_an_inactive_organisation_grants_nothing():
    admin, organisation, _grant = _admin_and_organisation()
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    admin = User.objects.get(pk=admin.pk)  # a fresh object: grants are cached per object

    assert not any(_powers(admin, organisation).values())


@pytest.mark.django_db
def test_an_active_membership_in_an_active_organisation_grants_the_role():
    # The control for the two tests above: the same set-up with everything active works.
    admin, organisation, _grant = _admin_and_organisation()

    assert all(_powers(admin, organisation).values())


@pytest.mark.django_db
def test_a_trainee_enters_a_training_workspace_only_as_its_member():
    trainee = user_with_role(Role.FRONT_LINE)
    workspace = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise 2")
    assert can(trainee, "workspace.enter", workspace) is False

    WorkspaceMember.objects.create(workspace=workspace, user=trainee)

    assert can(trainee, "workspace.enter", workspace) is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "kind"),
    list(itertools.product([Role.TRAINER, Role.FRONT_LINE], Workspace.Kind.values)),
)
def test_nobody_enters_a_closed_workspace(role, kind):
    person = user_with_role(role)
    workspace = real_workspace() if kind == Workspace.Kind.REAL else None
    if workspace is None:
        workspace = Workspace.objects.create(kind=kind, name="Closed exercise")
        WorkspaceMember.objects.create(workspace=workspace, user=person)
    Workspace.objects.filter(pk=workspace.pk).update(is_active=False)
    workspace.refresh_from_db()

    assert can(person, "workspace.enter", workspace) is False
