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
    provider-org         case.service.*: a planned service of another organisation's case,
                         provided by the person's organisation (the other service targets name
                         the case's organisation, as above; the provider is then another one)
    -                    no object

Written out by hand on purpose: a change to the policy has to be made here too, visibly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can, known_actions
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import RegionFactory, user_with_role
from qorgau.accounts.tests.grid import (
    Cell,
    actions_starting_with,
    column_roles,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair
from qorgau.cases.models import Case, CaseDocument, CaseNote, Confidentiality, TeamMember
from qorgau.cases.models_care import PlanService
from qorgau.cases.tests.factories import (
    AssistancePlanFactory,
    CaseFactory,
    ChildFactory,
    PlanServiceFactory,
    TeamMemberFactory,
)
from qorgau.directory.tests.factories import ServiceTypeFactory
from qorgau.referrals.models import Referral, ReferralDocument
from qorgau.referrals.models import Status as ReferralStatus
from qorgau.screening.tests.factories import organisation_of_type

pytestmark = pytest.mark.django_db

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
case.assess             own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.assess             team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.assess             guardianship-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.best_interests     own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.best_interests     team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.best_interests     guardianship-here    .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.best_interests     guardianship-else    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.best_interests     other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.plan               own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.plan               team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.plan               guardianship-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.close              own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.close              team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.close              guardianship-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.service.view       provider-org         .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
case.service.view       own-org              .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.service.view       team-org             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.service.view       other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.service.deliver    provider-org         .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
case.service.deliver    own-org              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.service.deliver    team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.service.deliver    other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.service.inbox      -                    .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
case.reminders          -                    .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
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


# Notes and documents (ADR 0013). Targets are "<record>@<case>"; the case is own, team or
# guardianship (own-org, team-org, guardianship-here above), other (other-org), or provider:
# another organisation's case with a referral to the person's organisation.
# Records (written by a colleague of the case's organisation unless it says otherwise):
#   team / org / restricted   a note or document of that confidentiality level
#   org-ours                  organisation level, written for the person's own (team) org
#   restricted-managed        restricted, on a case the person is the case manager of
#   restricted-mine / mine    written by the person themself (restricted / team level)
#   withdrawn / withdrawn-mine  a withdrawn document (by a colleague / by the person)
#   shared                    a team-level document the sender attached to the referral
#   shared-restricted         ... a restricted one (the service refuses this; the rule too)
#   shared-declined           ... attached to a referral the provider declined
RECORD_GRID = """
action                 target                     -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
case.note.add          @own                       .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.note.add          @team                      .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.note.add          @guardianship              .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.note.add          @provider                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.add          @other                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         team@own                   .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.note.view         team@team                  .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.note.view         team@guardianship          .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.note.view         team@provider              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         team@other                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         org@own                    .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.note.view         org@team                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         org@guardianship           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         org-ours@team              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.note.view         restricted@own             .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         restricted-managed@own     .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         restricted@team            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         restricted@guardianship    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.note.view         restricted-mine@team       .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.upload   @own                       .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.upload   @team                      .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.upload   @guardianship              .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.upload   @provider                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.upload   @other                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     team@own                   .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.view     team@team                  .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.view     team@guardianship          .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.view     team@provider              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     team@other                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     org@own                    .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.view     org@team                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     org-ours@team              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.view     restricted@own             .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     restricted-managed@own     .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     restricted@team            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     withdrawn@team             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.view     shared@provider            .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
case.document.view     shared-restricted@provider .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.view     shared-declined@provider   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.download team@own                   .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.download team@team                  .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.download team@provider              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.download restricted@own             .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.download withdrawn@own              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.download withdrawn@team             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.download withdrawn-mine@team        .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.download shared@provider            .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
case.document.download shared-declined@provider   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.withdraw team@own                   .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.withdraw team@team                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.withdraw mine@own                   .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
case.document.withdraw mine@team                  .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
case.document.withdraw withdrawn@own              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
case.document.withdraw shared@provider            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

BASE_CELLS = parse_grid(GRID)
RECORD_CELLS = parse_grid(RECORD_GRID)
CELLS = BASE_CELLS + RECORD_CELLS


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
    actor = person_in(column, workplace)
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


def _plan_service(world: World, target: str) -> PlanService:
    """A service of a plan; for provider-org the person's organisation provides it."""
    if target == "provider-org":
        case = CaseFactory(child=ChildFactory(organisation=world.owner, region=world.here))
        return PlanServiceFactory(plan=AssistancePlanFactory(case=case), provider=world.workplace)
    case = _case(world, target)
    return PlanServiceFactory(plan=AssistancePlanFactory(case=case), provider=world.owner)


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
    if action.startswith("case.service."):
        return _plan_service(world, target)
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
    assert column_roles() == set(Role.values)


def test_the_grid_specifies_every_action_of_the_module():
    module_actions = actions_starting_with(("case.", "duplicates.")) | (
        CHILD_ACTIONS & known_actions()
    )

    assert grid_actions(CELLS) == module_actions


@pytest.mark.parametrize(
    "cell", BASE_CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in BASE_CELLS]
)
def test_it_follows_the_grid(cell: Cell):
    world = _world(cell.column, cell.target)
    target = _target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


def test_it_denies_an_anonymous_visitor_everything():
    world = _world("SU", "own-org")
    targets = [
        (c.action, _target(world, c.action, c.target)) for c in BASE_CELLS if c.column == "SU"
    ]

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


# --- notes and documents ------------------------------------------------------------------
PLACES = {
    "own": "own-org",
    "team": "team-org",
    "guardianship": "guardianship-here",
    "provider": "provider-org",
    "other": "other-org",
}
LEVELS = {
    "org": Confidentiality.ORGANISATION,
    "org-ours": Confidentiality.ORGANISATION,
    "restricted": Confidentiality.RESTRICTED,
    "restricted-managed": Confidentiality.RESTRICTED,
    "restricted-mine": Confidentiality.RESTRICTED,
    "shared-restricted": Confidentiality.RESTRICTED,
}


def _record_target(world: World, action: str, target: str) -> Any:
    kind, _, short = target.partition("@")
    place = PLACES[short]
    if place == "provider-org":
        case = _case(world, "other-org")
        referral = Referral.objects.create(
            workspace=case.workspace,
            idempotency_key=uuid.uuid4(),
            case=case,
            sender_organisation=case.organisation,
            sent_by=case.manager,
            provider=world.workplace,
            service_type=ServiceTypeFactory(),
            reason="Needs shelter.",
            respond_by=timezone.now() + timedelta(hours=4),
            complete_by=timezone.now() + timedelta(days=14),
            status=ReferralStatus.DECLINED if kind == "shared-declined" else ReferralStatus.SENT,
        )
    else:
        case = _case(world, place)
    if action in ("case.note.add", "case.document.upload"):
        return case
    if kind == "restricted-managed":
        case.manager = world.actor
        case.save(update_fields=["manager"])
    mine = kind in ("mine", "restricted-mine", "withdrawn-mine")
    if mine:
        author, organisation = world.actor, world.workplace
    elif kind == "org-ours":
        author, organisation = user_with_role(Role.FRONT_LINE, world.workplace), world.workplace
    else:
        author = user_with_role(Role.CASE_MANAGER, case.organisation)
        organisation = case.organisation
    level = LEVELS.get(kind, Confidentiality.TEAM)
    if action == "case.note.view":
        return CaseNote.objects.create(
            workspace=case.workspace,
            case=case,
            author=author,
            organisation=organisation,
            level=level,
            text="A note.",
        )
    document = CaseDocument.objects.create(
        workspace=case.workspace,
        case=case,
        title="Medical report",
        level=level,
        original_name="report.pdf",
        storage_name=f"documents/{uuid.uuid4().hex}",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=author,
        organisation=organisation,
        status=CaseDocument.Status.WITHDRAWN
        if kind.startswith("withdrawn")
        else CaseDocument.Status.ACTIVE,
    )
    if kind.startswith("shared"):
        ReferralDocument.objects.create(
            workspace=case.workspace, referral=referral, document=document, attached_by=author
        )
    return document


@pytest.mark.parametrize(
    "cell", RECORD_CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in RECORD_CELLS]
)
def test_notes_and_documents_follow_the_grid(cell: Cell):
    world = _world(cell.column, PLACES[cell.target.partition("@")[2]])
    target = _record_target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


def test_a_referral_s_provider_sees_no_note_at_any_level():
    world = _world("CM", "provider-org")
    for kind in ("team", "org", "restricted"):
        note = _record_target(world, "case.note.view", f"{kind}@provider")
        assert can(world.actor, "case.note.view", note) is False
