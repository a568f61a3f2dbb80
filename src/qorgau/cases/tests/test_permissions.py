"""The written specification of access to children and cases.

Each row is one action on one kind of target; each column is a person holding exactly one
role in their own organisation ("--" holds no role). ``Y`` allows, ``.`` denies. Cases are
run by a social-protection body of the region "here". Targets:

    own / other          child.register, case.open, duplicates.review: the person's own
                         organisation, or another
    own-pair             a likely duplicate pair, both children of the person's organisation
    cross-pair           ... one child of the person's organisation, one of another
    other-pair           ... both children of another organisation
    own-org              a case (or child) of the person's organisation
    team-org             another organisation's case; the person's organisation accepted an
                         invitation onto its team
    invited-org          ... invited onto the team, not answered yet
    guardianship-here    the person works for the guardianship authority of the case's region
    guardianship-else    ... for the guardianship authority of another region
    other-org            another organisation's case, nothing to do with the person's
    invited / not-ours   case.respond: an invitation to the person's organisation, or to another
    -                    no object

Written out by hand on purpose: a change to the policy has to be made here too, visibly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can, known_actions
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import RegionFactory, UserFactory, user_with_role
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair
from qorgau.cases.models import Case, TeamMember
from qorgau.cases.tests.factories import CaseFactory, ChildFactory, TeamMemberFactory
from qorgau.screening.tests.factories import organisation_of_type

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
action                  target              -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
child.register          own                  .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
child.register          other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.open               own                  .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.open               other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.list               -                    .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.view               own-org              .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.view               team-org             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.view               invited-org          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.view               guardianship-here    .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.view               guardianship-else    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.view               other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.edit               own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.edit               team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.edit               guardianship-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.invite             own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.invite             team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.consent            own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.consent            team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.consent            guardianship-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.request_approval   own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.request_approval   team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.approve            own-org              .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.approve            team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.overrides          own-org              .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.overrides          team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.override_consent   own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.override_consent   team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.respond            invited              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.respond            not-ours             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
child.view              own-org              .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
child.view              team-org             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
child.view              guardianship-here    .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
child.view              other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
child.edit              own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
child.edit              team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.review       own                  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.review       other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.view         own-pair             .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.view         cross-pair           .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.view         other-pair           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.dismiss      own-pair             .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.dismiss      cross-pair           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duplicates.dismiss      other-pair           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
child.merge             own-pair             .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
child.merge             cross-pair           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
child.merge             other-pair           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
child.unmerge           own-org              .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
child.unmerge           other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

CHILD_ACTIONS = frozenset(
    {"child.register", "child.view", "child.edit", "child.merge", "child.unmerge"}
)


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


@dataclass
class World:
    here: Region
    elsewhere: Region
    workplace: Organisation
    owner: Organisation  # runs the case unless the target is own-org
    actor: User


def _world(column: str, target: str) -> World:
    here, elsewhere = RegionFactory(), RegionFactory()
    if target == "guardianship-here":
        workplace = organisation_of_type("guardianship", here)
    elif target == "guardianship-else":
        workplace = organisation_of_type("guardianship", elsewhere)
    else:
        workplace = organisation_of_type("social_protection", here)
    role = COLUMNS[column]
    actor = UserFactory() if role is None else user_with_role(role, workplace)
    owner = organisation_of_type("social_protection", here)
    return World(here, elsewhere, workplace, owner, actor)


def _case(world: World, target: str) -> Case:
    organisation = world.workplace if target == "own-org" else world.owner
    case = CaseFactory(child=ChildFactory(organisation=organisation, region=world.here))
    if target == "team-org":
        TeamMemberFactory(case=case, organisation=world.workplace)
    if target == "invited-org":
        TeamMemberFactory(case=case, organisation=world.workplace, status=TeamMember.Status.INVITED)
    return case


def _pair(world: World, target: str) -> DuplicatePair:
    """A likely pair: both children the person's organisation's, one of each, or neither."""
    left_org = world.owner if target == "other-pair" else world.workplace
    right_org = world.workplace if target == "own-pair" else world.owner
    left, right = ChildFactory(organisation=left_org), ChildFactory(organisation=right_org)
    return DuplicatePair.objects.create(
        workspace=left.workspace,
        left=left,
        right=right,
        left_organisation=left_org,
        right_organisation=right_org,
        match_weight=8.0,
        probability=0.99,
    )


def _target(world: World, action: str, target: str) -> Any:
    if target == "-":
        return None
    if action in ("child.register", "case.open"):
        return world.workplace if target == "own" else world.owner
    if action == "case.respond":
        organisation = world.workplace if target == "invited" else world.owner
        case = CaseFactory(
            child=ChildFactory(organisation=organisation_of_type("police", world.here))
        )
        return TeamMemberFactory(
            case=case, organisation=organisation, status=TeamMember.Status.INVITED
        )
    if target.endswith("-pair"):
        return _pair(world, target)
    if action == "child.unmerge":
        organisation = world.workplace if target == "own-org" else world.owner
        survivor, merged = (ChildFactory(organisation=organisation) for _ in range(2))
        return ChildMerge.objects.create(
            workspace=survivor.workspace,
            survivor=survivor,
            merged=merged,
            merged_by=survivor.registered_by,
        )
    if action == "duplicates.review":
        return world.workplace if target == "own" else world.owner
    case = _case(world, target)
    if action.startswith("child."):
        return case.child
    return case


def test_the_grid_has_a_column_for_every_role():
    assert {role for role in COLUMNS.values() if role} == set(Role.values)


def test_the_grid_specifies_every_action_of_the_module():
    module_actions = {
        a for a in known_actions() if a.startswith(("case.", "duplicates.")) or a in CHILD_ACTIONS
    }

    assert {cell.action for cell in CELLS} == module_actions


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    world = _world(cell.column, cell.target)
    target = _target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


def test_it_denies_an_anonymous_visitor_everything():
    world = _world("SU", "own-org")
    targets = [(c.action, _target(world, c.action, c.target)) for c in CELLS if c.column == "SU"]

    assert [(a, t) for a, t in targets if can(AnonymousUser(), a, t)] == []


def test_an_answered_invitation_cannot_be_answered_again():
    world = _world("CM", "invited")
    member = _target(world, "case.respond", "invited")
    member.status = TeamMember.Status.DECLINED

    assert can(world.actor, "case.respond", member) is False


@pytest.mark.parametrize(
    ("action", "make"),
    [
        ("case.open", lambda w: _case(w, "own-org")),
        ("case.view", lambda w: _case(w, "own-org").child),
        ("case.edit", lambda w: w.workplace),
        ("case.respond", lambda w: _case(w, "own-org")),
        ("child.view", lambda w: _case(w, "own-org")),
    ],
)
def test_it_denies_an_action_on_the_wrong_kind_of_object(action, make):
    world = _world("SU", "own-org")

    assert can(world.actor, action, make(world)) is False
