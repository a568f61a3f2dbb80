"""Reading the permission grids of the ``*/tests/test_permissions.py`` modules (ADR 0003).

A grid is a block of text: a header row ``action target -- FL CM ...`` naming the columns,
then one row per action on one kind of target with one mark per column, ``Y`` (allowed) or
``.`` (denied). Each column is a person holding exactly one role in their own organisation
("--" holds no role). The grids themselves, their targets and the worlds they are checked
in stay in each app's module; only the reading is shared here.
"""

from __future__ import annotations

from dataclasses import dataclass

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import known_actions
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import UserFactory, user_with_role

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


@dataclass(frozen=True)
class Cell:
    column: str
    action: str
    target: str
    allowed: bool


def parse_grid(grid: str) -> list[Cell]:
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


def column_roles() -> set[str]:
    """The roles the grid columns stand for (compare with ``set(Role.values)``)."""
    return {role for role in COLUMNS.values() if role}


def grid_actions(cells: list[Cell]) -> set[str]:
    return {cell.action for cell in cells}


def actions_starting_with(prefixes: str | tuple[str, ...]) -> set[str]:
    """The actions with a registered rule whose name starts with one of ``prefixes``."""
    return {action for action in known_actions() if action.startswith(prefixes)}


def person_in(column: str, organisation: Organisation) -> User:
    """The person a column stands for: holding its one role in ``organisation``, or none."""
    role = COLUMNS[column]
    return UserFactory() if role is None else user_with_role(role, organisation)
