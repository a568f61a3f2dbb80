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

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qorgau.accounts.permissions import can, known_actions
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, UserFactory, user_with_role
from qorgau.directory.selectors import access_provider
from qorgau.directory.tests.factories import ProviderProfileFactory

pytestmark = pytest.mark.django_db

COLUMNS: dict[str, str | None] = {
    "--": None,
    "FL": Role.FRONT_LINE,
    "CM": Role.CASE_MANAGER,
    "SU": Role.SUPERVISOR,
    "IN": Role.INVESTIGATOR,
    "PR": Role.PROSECUTOR,
    "PS": Role.PROVIDER_STAFF,
    "GO": Role.GUARDIANSHIP_OFFICER,
    "RC": Role.REGIONAL_COORDINATOR,
    "NC": Role.NATIONAL_COORDINATOR,
    "TR": Role.TRAINER,
    "EX": Role.EXPERT,
    "TO": Role.TRAINING_ORGANISER,
    "DO": Role.DONOR_OFFICER,
    "AU": Role.AUDITOR,
    "OA": Role.ORG_ADMIN,
    "SA": Role.SYSTEM_ADMIN,
}

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


@dataclass(frozen=True)
class Cell:
    column: str
    action: str
    target: str
    allowed: bool


def _parse(grid: str) -> list[Cell]:
    lines = [line.split() for line in grid.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == list(COLUMNS), "grid columns and COLUMNS disagree"
    cells = []
    for row in rows:
        action, target, *marks = row
        assert len(marks) == len(COLUMNS), f"{action} {target}: wrong number of columns"
        assert set(marks) <= {"Y", "."}, f"{action} {target}: only Y and . are allowed"
        cells += [
            Cell(column, action, target, mark == "Y")
            for column, mark in zip(COLUMNS, marks, strict=True)
        ]
    return cells


CELLS = _parse(GRID)


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
    assert {role for role in COLUMNS.values() if role} == set(Role.values)


def test_the_grid_specifies_every_action_of_the_module():
    module_actions = {action for action in known_actions() if action.startswith("directory.")}
    assert {cell.action for cell in CELLS} == module_actions


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.action}-{c.target}-{c.column}")
def test_grid(cell: Cell):
    workplace = OrganisationFactory()
    role = COLUMNS[cell.column]
    actor = UserFactory() if role is None else user_with_role(role, workplace)

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
