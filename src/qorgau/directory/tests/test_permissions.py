"""The written specification of access to the service directory.

Each row is one action on one kind of target; each column is a person holding exactly one role
in their own organisation ("--" holds no role). ``Y`` allows, ``.`` denies. Targets:

    -              no object (searching the directory)
    listed-own     the listed entry of the person's own organisation
    listed-other   the listed entry of another organisation
    unlisted-own   the unlisted entry of the person's own organisation
    unlisted-other the unlisted entry of another organisation
    own / other    the person's own organisation, or another (editing and capacity)

Written out by hand on purpose: a change to the policy has to be made in both places, visibly.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.accounts.tests.grid import (
    Cell,
    actions_starting_with,
    column_roles,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.directory.selectors import access_provider
from qorgau.directory.tests.factories import ProviderProfileFactory

pytestmark = pytest.mark.django_db

GRID = """
action                      target              -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
directory.view              -                    .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
directory.provider.view     listed-own           .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
directory.provider.view     listed-other         .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
directory.provider.view     unlisted-own         .  .  Y  .  .  .  Y  .  .  .  .  .  .  .  .  Y  Y
directory.provider.view     unlisted-other       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
directory.provider.edit     own                  .  .  Y  .  .  .  Y  .  .  .  .  .  .  .  .  Y  Y
directory.provider.edit     other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
directory.capacity.update   own                  .  .  Y  .  .  .  Y  .  .  .  .  .  .  .  .  Y  Y
directory.capacity.update   other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
"""


CELLS = parse_grid(GRID)


def _target(action: str, target: str, workplace: Any) -> Any:
    if target == "-":
        return None
    own = target.endswith("-own") or target == "own"
    organisation = workplace if own else OrganisationFactory()
    if action == "directory.provider.view":
        return ProviderProfileFactory(
            organisation=organisation, is_listed=target.startswith("listed")
        )
    return organisation


def test_the_grid_has_a_column_for_every_role():
    assert column_roles() == set(Role.values)


def test_the_grid_specifies_every_action_of_the_module():
    assert grid_actions(CELLS) == actions_starting_with("directory.")


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.action}-{c.target}-{c.column}")
def test_grid(cell: Cell):
    workplace = OrganisationFactory()
    actor = person_in(cell.column, workplace)

    assert can(actor, cell.action, _target(cell.action, cell.target, workplace)) is cell.allowed


def test_access_provider_hides_an_unlisted_entry_and_refuses_editing_a_listed_one():
    reader = user_with_role(Role.FRONT_LINE)
    listed = ProviderProfileFactory()
    unlisted = ProviderProfileFactory(is_listed=False)

    assert access_provider(user=reader, pk=listed.pk, action="directory.provider.view") == listed
    with pytest.raises(Http404):
        access_provider(user=reader, pk=unlisted.pk, action="directory.provider.view")
    with pytest.raises(PermissionDenied):
        access_provider(user=reader, pk=listed.pk, action="directory.provider.edit")
