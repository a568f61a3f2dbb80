"""The written specification of access to proceedings, interviews and compensation claims.

Each row is one action on one kind of target; each column is a person holding exactly one
role in their own organisation ("--" holds no role). ``Y`` allows, ``.`` denies. Targets:

    own-org / other-org  a case of the person's organisation, or of another
    team-org             another organisation's case with the person's organisation on its team
    case-org             a proceeding of a case of the person's organisation, run by others
    investigating-org    a proceeding the person's organisation investigates (another's case)
    prosecutor-org       a proceeding the person's prosecutor's office supervises
    other-org            a proceeding between other organisations
    own / other          proceeding.notices: the person's organisation, or another
    -                    no object

Provider staff (PS), the front line (FL) and guardianship officers (GO) see nothing of
proceedings, even on the case's own organisation or team. Written out by hand on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can
from qorgau.accounts.tests.factories import RegionFactory
from qorgau.accounts.tests.grid import (
    Cell,
    actions_starting_with,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.cases.models import Case
from qorgau.cases.tests.factories import CaseFactory, ChildFactory, TeamMemberFactory
from qorgau.justice.models import CompensationClaim, Proceeding, Route
from qorgau.screening.tests.factories import organisation_of_type

pytestmark = pytest.mark.django_db

GRID = """
action                  target              -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
proceeding.list         -                    .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view_case    own-org              .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view_case    team-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view_case    other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.create       own-org              .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.create       team-org             .  .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.create       other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.view         case-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view         team-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view         investigating-org    .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view         prosecutor-org       .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.view         other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.edit         case-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.edit         team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.edit         investigating-org    .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.edit         prosecutor-org       .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.edit         other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
interview.record        case-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
interview.record        team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
interview.record        investigating-org    .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
interview.record        prosecutor-org       .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
interview.record        other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
claim.record            case-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
claim.record            team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
claim.record            investigating-org    .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
claim.record            prosecutor-org       .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
claim.record            other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
claim.edit              case-org             .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
claim.edit              team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
claim.edit              prosecutor-org       .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
claim.edit              other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.notices      own                  .  .  .  Y  .  Y  .  .  .  .  .  .  .  .  .  .  .
proceeding.notices      other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
proceeding.notices      -                    .  .  .  Y  .  Y  .  .  .  .  .  .  .  .  .  .  .
"""

CELLS: list[Cell] = parse_grid(GRID)


@dataclass
class World:
    here: Region
    workplace: Organisation
    owner: Organisation  # another organisation's case
    police: Organisation
    prosecutor: Organisation
    actor: User


def _world(column: str) -> World:
    here, elsewhere = RegionFactory(), RegionFactory()
    workplace = organisation_of_type("social_protection", here)
    actor = person_in(column, workplace)
    return World(
        here=here,
        workplace=workplace,
        owner=organisation_of_type("social_protection", elsewhere),
        police=organisation_of_type("police", elsewhere),
        prosecutor=organisation_of_type("prosecutor", elsewhere),
        actor=actor,
    )


def _case(organisation: Organisation) -> Case:
    return CaseFactory(child=ChildFactory(organisation=organisation, region=organisation.region))


def _proceeding(case: Case, investigator: Organisation, prosecutor: Organisation) -> Proceeding:
    return Proceeding.objects.create(
        workspace=case.workspace,
        case=case,
        register_number="261550031000123",
        registered_on=date(2026, 1, 10),
        articles=["cc2014-135"],
        investigating_organisation=investigator,
        prosecutor_organisation=prosecutor,
        recorded_by=case.manager,
    )


def _target(world: World, action: str, target: str) -> Any:
    if target == "-":
        return None
    if action == "proceeding.notices":
        return world.workplace if target == "own" else world.owner
    if action in ("proceeding.view_case", "proceeding.create"):
        case = _case(world.workplace if target == "own-org" else world.owner)
        if target == "team-org":
            TeamMemberFactory(case=case, organisation=world.workplace)
        return case
    investigator, prosecutor = world.police, world.prosecutor
    case = _case(world.workplace if target == "case-org" else world.owner)
    if target == "team-org":
        TeamMemberFactory(case=case, organisation=world.workplace)
    elif target == "investigating-org":
        investigator = world.workplace
    elif target == "prosecutor-org":
        prosecutor = world.workplace
    proceeding = _proceeding(case, investigator, prosecutor)
    if action == "claim.edit":
        return CompensationClaim.objects.create(
            workspace=case.workspace,
            proceeding=proceeding,
            route=Route.CIVIL_CLAIM_IN_CRIMINAL_CASE,
            amount_claimed=Decimal("500000"),
            recorded_by=case.manager,
        )
    return proceeding


def test_the_grid_specifies_every_action_of_the_module():
    prefixes = ("proceeding.", "interview.", "claim.")
    assert grid_actions(CELLS) == actions_starting_with(prefixes)


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    world = _world(cell.column)
    target = _target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


def test_it_denies_an_anonymous_visitor_everything():
    world = _world("SU")
    targets = [(c.action, _target(world, c.action, c.target)) for c in CELLS if c.column == "SU"]

    assert [(a, t) for a, t in targets if can(AnonymousUser(), a, t)] == []


def test_provider_staff_on_the_case_team_see_nothing_of_its_proceedings():
    world = _world("PS")
    case = _case(world.owner)
    TeamMemberFactory(case=case, organisation=world.workplace)
    proceeding = _proceeding(case, world.police, world.prosecutor)

    assert can(world.actor, "case.view", case) is True  # the team sees the case ...
    assert can(world.actor, "proceeding.view_case", case) is False  # ... not its proceedings
    assert can(world.actor, "proceeding.view", proceeding) is False


@pytest.mark.parametrize(
    "action", ["proceeding.view", "proceeding.edit", "interview.record", "claim.edit"]
)
def test_it_denies_a_proceeding_action_on_a_case(action):
    world = _world("SU")

    assert can(world.actor, action, _case(world.workplace)) is False
