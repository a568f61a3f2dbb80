"""The written specification of access to referrals.

Each row is one action on one kind of target; each column is a person holding exactly one
role in their own organisation ("--" holds no role). ``Y`` allows, ``.`` denies. Targets:

    own-org / other-org  referral.send: a case of the person's organisation, or of another
    sender-org           a referral sent by the person's organisation (from its case)
    provider-org         a referral to the person's organisation, from another's case
    team-org             a referral of another organisation's case; the person's organisation
                         is on that case's team (so it sees the case anyway)
    other-org            a referral between two other organisations
    own / other          referral.overdue: the person's organisation, or another
    -                    no object

A provider (provider-org) sees the referral (``referral.view``: the minimum the referral
needs) but never its case (``referral.view_case``). Written out by hand on purpose.
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
from qorgau.directory.tests.factories import ServiceTypeFactory
from qorgau.referrals.models import Referral, Status, Transfer
from qorgau.screening.tests.factories import organisation_of_type

pytestmark = pytest.mark.django_db

GRID = """
action                  target              -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
referral.send           own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.send           other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.view           sender-org           .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
referral.view           provider-org         .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
referral.view           other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.view_case      sender-org           .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
referral.view_case      provider-org         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.view_case      team-org             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
referral.view_case      other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.respond        provider-org         .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
referral.respond        sender-org           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.respond        other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.cancel         sender-org           .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.cancel         provider-org         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.cancel         other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.inbox          -                    .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .
referral.overdue        own                  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.overdue        other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.overdue        -                    .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.attach_document sender-org          .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.attach_document closed@sender-org   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.attach_document provider-org        .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
referral.attach_document other-org           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.request        own-org              .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.request        team-org             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.request        other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.view           sender-org           .  Y  Y  Y  .  .  .  Y  .  .  .  .  .  .  .  .  .
transfer.view           receiver-org         .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.view           answered@receiver-org .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.view           team-org             .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
transfer.view           other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.respond        receiver-org         .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.respond        answered@receiver-org .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.respond        sender-org           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.respond        other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.cancel         sender-org           .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.cancel         answered@sender-org  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.cancel         receiver-org         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
transfer.inbox          -                    .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

CELLS: list[Cell] = parse_grid(GRID)


@dataclass
class World:
    here: Region
    workplace: Organisation
    others: tuple[Organisation, Organisation]
    actor: User


def _world(column: str) -> World:
    here, elsewhere = RegionFactory(), RegionFactory()
    workplace = organisation_of_type("social_protection", here)
    actor = person_in(column, workplace)
    others = (
        organisation_of_type("social_protection", elsewhere),
        organisation_of_type("crisis_centre", elsewhere),
    )
    return World(here, workplace, others, actor)


def _case(organisation: Organisation) -> Case:
    return CaseFactory(child=ChildFactory(organisation=organisation, region=organisation.region))


def _referral(sender: Organisation, provider: Organisation) -> Referral:
    case = _case(sender)
    now = timezone.now()
    return Referral.objects.create(
        workspace=case.workspace,
        idempotency_key=uuid.uuid4(),
        case=case,
        sender_organisation=sender,
        sent_by=case.manager,
        provider=provider,
        service_type=ServiceTypeFactory(key="shelter"),
        reason="Needs shelter.",
        respond_by=now + timedelta(hours=4),
        complete_by=now + timedelta(days=14),
    )


def _transfer(case: Case, to_organisation: Organisation, answered: bool) -> Transfer:
    return Transfer.objects.create(
        workspace=case.workspace,
        idempotency_key=uuid.uuid4(),
        case=case,
        from_organisation=case.organisation,
        from_region=case.region,
        from_manager=case.manager,
        to_organisation=to_organisation,
        handover_note="The child is safe at an aunt's; school starts Monday.",
        requested_by=case.manager,
        status=Transfer.Status.DECLINED if answered else Transfer.Status.REQUESTED,
    )


def _transfer_target(world: World, action: str, target: str) -> Any:
    sender, provider = world.others
    if action == "transfer.request":
        if target == "own-org":
            return _case(world.workplace)
        case = _case(sender)
        if target == "team-org":
            TeamMemberFactory(case=case, organisation=world.workplace)
        return case
    answered = target.startswith("answered@")
    place = target.partition("@")[2] or target
    if place == "sender-org":
        return _transfer(_case(world.workplace), provider, answered)
    if place == "receiver-org":
        return _transfer(_case(sender), world.workplace, answered)
    transfer = _transfer(_case(sender), provider, answered)
    if place == "team-org":
        TeamMemberFactory(case=transfer.case, organisation=world.workplace)
    return transfer


def _target(world: World, action: str, target: str) -> Any:
    sender, provider = world.others
    if target == "-":
        return None
    if action.startswith("transfer."):
        return _transfer_target(world, action, target)
    if target == "closed@sender-org":
        referral = _referral(world.workplace, provider)
        referral.status = Status.COMPLETED
        return referral
    if action == "referral.send":
        return _case(world.workplace if target == "own-org" else sender)
    if action == "referral.overdue":
        return world.workplace if target == "own" else sender
    if target == "sender-org":
        return _referral(world.workplace, provider)
    if target == "provider-org":
        return _referral(sender, world.workplace)
    referral = _referral(sender, provider)
    if target == "team-org":
        TeamMemberFactory(case=referral.case, organisation=world.workplace)
    return referral


def test_the_grid_specifies_every_action_of_the_module():
    assert grid_actions(CELLS) == actions_starting_with(("referral.", "transfer."))


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    world = _world(cell.column)
    target = _target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


def test_it_denies_an_anonymous_visitor_everything():
    world = _world("SU")
    targets = [(c.action, _target(world, c.action, c.target)) for c in CELLS if c.column == "SU"]

    assert [(a, t) for a, t in targets if can(AnonymousUser(), a, t)] == []


@pytest.mark.parametrize(
    "action", ["referral.view", "referral.view_case", "referral.respond", "referral.cancel"]
)
def test_it_denies_a_referral_action_on_a_case(action):
    world = _world("SU")

    assert can(world.actor, action, _case(world.workplace)) is False
