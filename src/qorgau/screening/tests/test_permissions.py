"""The written specification of access to screenings, identifications, alerts and decisions.

The grid below is the specification. Each row is one action on one kind of target; each
column is a person holding exactly one role in their own organisation ("--" holds no role).
``Y`` allows, ``.`` denies. Screenings are made by schools; "here" is the region of the
screening, "elsewhere" another region. Targets:

    own / other        screening.create: the person's own organisation (a school), or another
    draft-own          a draft the person started, for their own organisation
    draft-colleague    a draft a colleague of the same organisation started
    draft-police-here  someone else's draft, seen from the police of the same region
    own-org            a submitted screening (identification) of the person's organisation
    other-org          another school's, same region; the person's organisation was not told
    alerted            one of another school whose pathway alerted the person's organisation
    police-here        the person works for the police of the screening's region (no alert)
    police-elsewhere   ... for the police of another region
    social-here        ... for social protection of the screening's region
    social-elsewhere   ... for social protection of another region
    school-here        ... for another school of the region (identification.decide)
    own-police / own-social / own-school   identification.decide_for: the person's own
                       organisation, a police / social-protection body / school
    other-police       identification.decide_for: another police body of the same region
    own-org / other-org  (alert.view) an alert to the person's organisation, or to another
    -                  no object

The table is written out by hand on purpose: it is not computed from the role sets in
permissions.py, so a change to the policy has to be made in both places, visibly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qorgau.accounts.models import Membership, Organisation, Region, User
from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import RegionFactory, UserFactory, user_with_role
from qorgau.accounts.tests.grid import (
    Cell,
    actions_starting_with,
    column_roles,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.audit.models import AuditEvent
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace
from qorgau.screening.models import Identification, Screening
from qorgau.screening.selectors import (
    access_alert,
    access_identification,
    access_screening,
    deciding_organisations,
    inbox,
    screening_by_key,
    screening_organisations,
    screenings_visible_to,
)
from qorgau.screening.tests.factories import (
    AlertFactory,
    IdentificationFactory,
    ScreeningFactory,
    organisation_of_type,
)

pytestmark = pytest.mark.django_db

GRID = """
action                      target              -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
screening.create            own                  .  Y  Y  Y  Y  .  Y  Y  .  .  .  .  .  .  .  .  .
screening.create            other                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              draft-own            .  Y  Y  Y  Y  .  Y  Y  .  .  .  .  .  .  .  .  .
screening.view              draft-colleague      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              draft-police-here    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              own-org              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
screening.view              other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              alerted              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
screening.view              police-here          .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              police-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              social-here          .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.view              social-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.edit              draft-own            .  Y  Y  Y  Y  .  Y  Y  .  .  .  .  .  .  .  .  .
screening.edit              draft-colleague      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.edit              own-org              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
screening.edit              police-here          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.view         own-org              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
identification.view         other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.view         alerted              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
identification.view         police-here          .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
identification.view         police-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.view         social-here          .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.view         social-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       own-org              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       alerted              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       police-here          .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       police-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       social-here          .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       social-elsewhere     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide       school-here          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide_for   own-police           .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide_for   own-social           .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide_for   own-school           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
identification.decide_for   other-police         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
alert.view                  own-org              .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
alert.view                  other-org            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
alert.inbox                 -                    .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .
catalogue.publish           -                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
pathway.publish             -                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y
"""

# The actions of the identification module (the accounts grid specifies the others).
PREFIXES = ("screening.", "identification.", "alert.", "catalogue.", "pathway.")


CELLS = parse_grid(GRID)

# Where the person works, by target: (type of their organisation, "here" or "elsewhere").
WORKPLACE: dict[str, tuple[str, str]] = {
    "draft-police-here": ("police", "here"),
    "police-here": ("police", "here"),
    "police-elsewhere": ("police", "elsewhere"),
    "social-here": ("social_protection", "here"),
    "social-elsewhere": ("social_protection", "elsewhere"),
    "own-police": ("police", "here"),
    "own-social": ("social_protection", "here"),
    "other-police": ("police", "here"),
}


@dataclass
class World:
    here: Region
    elsewhere: Region
    workplace: Organisation  # the person's own organisation
    other_school: Organisation  # another school of the region, where the child was screened
    actor: User


def _world(column: str, target: str) -> World:
    here, elsewhere = RegionFactory(), RegionFactory()
    kind, where = WORKPLACE.get(target, ("school", "here"))
    workplace = organisation_of_type(kind, here if where == "here" else elsewhere)
    actor = person_in(column, workplace)
    return World(here, elsewhere, workplace, organisation_of_type("school", here), actor)


def _screening(world: World, **fields: Any) -> Screening:
    return ScreeningFactory(**{"organisation": world.other_school, **fields})


def _draft(world: World, **fields: Any) -> Screening:
    return _screening(
        world, status=Screening.Status.DRAFT, outcome="", submitted_at=None, is_child=None, **fields
    )


def _identification(world: World, target: str) -> Identification:
    """The identification (with its screening) that the target names, from the person's side."""
    if target == "own-org":
        colleague = user_with_role(Role.FRONT_LINE, world.workplace)
        return IdentificationFactory(
            screening=_screening(world, organisation=world.workplace, screened_by=colleague)
        )
    identification = IdentificationFactory(screening=_screening(world))
    if target == "alerted":
        AlertFactory(identification=identification, organisation=world.workplace)
    else:
        # the pathway told somebody, just not the person's organisation
        AlertFactory(
            identification=identification,
            organisation=organisation_of_type("guardianship", world.here),
        )
    return identification


def _target(world: World, action: str, target: str) -> Any:
    if target == "-":
        return None
    if action == "screening.create":
        return world.workplace if target == "own" else organisation_of_type("school", world.here)
    if action in ("screening.view", "screening.edit"):
        colleague = user_with_role(Role.FRONT_LINE, world.workplace)
        if target == "draft-own":
            return _draft(world, organisation=world.workplace, screened_by=world.actor)
        if target == "draft-colleague":
            return _draft(world, organisation=world.workplace, screened_by=colleague)
        if target == "draft-police-here":
            return _draft(world)
        return _identification(world, target).screening
    if action in ("identification.view", "identification.decide"):
        if target == "school-here":
            return _identification(world, "other-org")
        return _identification(world, target)
    if action == "identification.decide_for":
        if target == "other-police":
            return organisation_of_type("police", world.here)
        return world.workplace
    if action == "alert.view":
        identification = _identification(world, "other-org")
        organisation = world.workplace if target == "own-org" else world.other_school
        return AlertFactory(identification=identification, organisation=organisation)
    raise AssertionError(f"no target for {action} {target}")


def test_the_grid_has_a_column_for_every_role():
    assert column_roles() == set(Role.values)


def test_the_grid_specifies_every_action_of_the_module():
    # A new identification rule in permissions.py must come with its row here, and the reverse.
    assert grid_actions(CELLS) == actions_starting_with(PREFIXES)


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    world = _world(cell.column, cell.target)
    target = _target(world, cell.action, cell.target)

    assert can(world.actor, cell.action, target) is cell.allowed


# --- beyond the grid ----------------------------------------------------------------------
def _every_target(actor: User) -> list[tuple[str, Any]]:
    world = _world("FL", "own")
    world.actor = actor
    return [
        (cell.action, _target(world, cell.action, cell.target))
        for cell in CELLS
        if cell.column == "FL"
    ]


def test_it_denies_an_anonymous_visitor_everything():
    targets = _every_target(UserFactory())

    assert [(a, t) for a, t in targets if can(AnonymousUser(), a, t)] == []


@pytest.mark.parametrize("role", [Role.FRONT_LINE, Role.INVESTIGATOR, Role.SYSTEM_ADMIN])
def test_it_denies_a_deactivated_account_everything(role):
    world = _world("FL", "own")
    person = user_with_role(role, world.workplace)
    person.is_active = False
    person.save()
    targets = _every_target(person)

    assert [(a, t) for a, t in targets if can(person, a, t)] == []


@pytest.mark.parametrize(
    ("action", "make"),
    [
        ("screening.create", lambda w: None),
        ("screening.create", lambda w: _draft(w, organisation=w.workplace)),
        ("screening.view", lambda w: _identification(w, "own-org")),
        ("screening.view", lambda w: w.workplace),
        ("screening.edit", lambda w: _identification(w, "own-org")),
        ("identification.view", lambda w: _identification(w, "own-org").screening),
        ("identification.decide", lambda w: _identification(w, "own-org").screening),
        ("identification.decide", lambda w: w.here),
        ("identification.decide_for", lambda w: _identification(w, "own-org")),
        ("identification.decide_for", lambda w: None),
        ("alert.view", lambda w: _identification(w, "alerted")),
    ],
)
def test_it_denies_an_action_on_the_wrong_kind_of_object(action, make):
    # A supervisor of the police holds every role that could pass, if the type were not checked.
    world = _world("SU", "police-here")
    obj = make(world)

    assert can(world.actor, action, obj) is False


def test_a_withdrawn_membership_hides_the_persons_own_screenings():
    world = _world("FL", "own")
    draft = _draft(world, organisation=world.workplace, screened_by=world.actor)
    submitted = _identification(world, "own-org").screening
    assert can(world.actor, "screening.view", draft) and can(
        world.actor, "screening.view", submitted
    )

    Membership.objects.filter(user=world.actor).update(is_active=False)
    person = User.objects.get(pk=world.actor.pk)  # grants are cached per object

    assert can(person, "screening.view", draft) is False
    assert can(person, "screening.edit", draft) is False
    assert can(person, "screening.view", submitted) is False
    assert list(screenings_visible_to(user=person, workspace=real_workspace())) == []


def test_an_alert_opens_the_screening_only_to_the_alerted_organisation():
    world = _world("GO", "alerted")
    identification = _identification(world, "alerted")
    neighbour = user_with_role(
        Role.GUARDIANSHIP_OFFICER, organisation_of_type("guardianship", world.here)
    )

    assert can(world.actor, "screening.view", identification.screening) is True
    assert can(neighbour, "screening.view", identification.screening) is False
    assert can(neighbour, "identification.view", identification) is False


def test_a_person_with_two_organisations_decides_only_where_they_are_an_authorized_body():
    # A police investigator who also teaches at the school that screened the child.
    world = _world("IN", "police-elsewhere")
    identification = _identification(world, "other-org")
    Membership.objects.create(
        user=world.actor, organisation=world.other_school, role=Role.FRONT_LINE
    )
    person = User.objects.get(pk=world.actor.pk)

    assert can(person, "identification.decide", identification) is False
    assert can(person, "identification.decide_for", world.workplace) is True  # elsewhere
    assert deciding_organisations(user=person, identification=identification) == []


# --- what the selectors show --------------------------------------------------------------
def test_another_organisation_finds_nothing_identifying():
    world = _world("FL", "own")
    identification = _identification(world, "other-org")
    workspace = real_workspace()

    assert list(screenings_visible_to(user=world.actor, workspace=workspace)) == []
    with pytest.raises(Http404):
        access_screening(
            user=world.actor,
            workspace=workspace,
            pk=identification.screening_id,
            action="screening.view",
        )
    with pytest.raises(Http404):
        access_identification(
            user=world.actor,
            workspace=workspace,
            pk=identification.pk,
            action="identification.view",
        )


def test_the_list_shows_own_drafts_and_the_organisations_submitted_screenings():
    world = _world("FL", "own")
    colleague = user_with_role(Role.FRONT_LINE, world.workplace)
    mine = _draft(world, organisation=world.workplace, screened_by=world.actor)
    theirs = _draft(world, organisation=world.workplace, screened_by=colleague)
    submitted = _identification(world, "own-org").screening
    elsewhere = _identification(world, "alerted").screening

    visible = set(screenings_visible_to(user=world.actor, workspace=real_workspace()))

    assert mine in visible and submitted in visible
    assert theirs not in visible and elsewhere not in visible


def test_reading_another_organisations_screening_is_audited():
    world = _world("GO", "alerted")
    identification = _identification(world, "alerted")
    workspace = real_workspace()

    screening = access_screening(
        user=world.actor,
        workspace=workspace,
        pk=identification.screening_id,
        action="screening.view",
    )

    [event] = AuditEvent.objects.filter(action="screening.read", target_id=str(screening.pk))
    assert event.actor == world.actor
    assert event.details == {"owner": world.other_school.pk}


def test_an_authorized_body_reading_an_identification_is_audited():
    world = _world("IN", "police-here")
    identification = _identification(world, "police-here")

    access_identification(
        user=world.actor,
        workspace=real_workspace(),
        pk=identification.pk,
        action="identification.decide",
    )

    assert AuditEvent.objects.filter(
        action="identification.read", target_id=str(identification.pk), actor=world.actor
    ).exists()


def test_reading_ones_own_organisations_screening_is_not_a_disclosure():
    world = _world("FL", "own")
    screening = _identification(world, "own-org").screening

    access_screening(
        user=world.actor, workspace=real_workspace(), pk=screening.pk, action="screening.view"
    )

    assert not AuditEvent.objects.filter(action="screening.read").exists()


def test_a_visible_screening_that_may_not_be_edited_is_forbidden_not_hidden():
    world = _world("FL", "own")
    screening = _identification(world, "own-org").screening

    with pytest.raises(PermissionDenied):
        access_screening(
            user=world.actor, workspace=real_workspace(), pk=screening.pk, action="screening.edit"
        )


def test_a_training_screening_is_not_found_from_the_real_workspace():
    world = _world("FL", "own")
    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise")
    screening = _screening(world, organisation=world.workplace, workspace=training)

    with pytest.raises(Http404):
        access_screening(
            user=world.actor, workspace=real_workspace(), pk=screening.pk, action="screening.view"
        )
    assert (
        access_screening(
            user=world.actor, workspace=training, pk=screening.pk, action="screening.view"
        )
        == screening
    )


def test_the_inbox_lists_the_persons_organisations_alerts_only():
    world = _world("GO", "alerted")
    ours = AlertFactory(
        identification=_identification(world, "other-org"), organisation=world.workplace
    )
    theirs = AlertFactory(
        identification=_identification(world, "other-org"), organisation=world.other_school
    )

    listed = list(inbox(user=world.actor, workspace=real_workspace()))

    assert ours in listed
    assert theirs not in listed
    with pytest.raises(Http404):
        access_alert(
            user=world.actor, workspace=real_workspace(), pk=theirs.pk, action="alert.view"
        )


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.NATIONAL_COORDINATOR, Role.SYSTEM_ADMIN])
def test_the_inbox_is_refused_to_a_role_that_sees_no_child(role):
    with pytest.raises(PermissionDenied):
        inbox(user=user_with_role(role), workspace=real_workspace())


def test_a_person_screens_only_for_organisations_where_they_screen():
    world = _world("FL", "own")
    Membership.objects.create(
        user=world.actor,
        organisation=organisation_of_type("police", world.here),
        role=Role.PROSECUTOR,
    )
    person = User.objects.get(pk=world.actor.pk)

    assert list(screening_organisations(user=person)) == [world.workplace]


def test_deciding_organisations_are_the_persons_authorized_bodies_in_the_region():
    world = _world("SU", "police-here")
    identification = _identification(world, "other-org")
    social = organisation_of_type("social_protection", world.here)
    far_police = organisation_of_type("police", world.elsewhere)
    for organisation in (social, far_police):
        Membership.objects.create(user=world.actor, organisation=organisation, role=Role.SUPERVISOR)
    person = User.objects.get(pk=world.actor.pk)

    found = deciding_organisations(user=person, identification=identification)

    assert {o.pk for o in found} == {world.workplace.pk, social.pk}


def test_idempotency_keys_do_not_leak_between_people():
    # screening_by_key is how a resubmission finds its screening: only ever one's own.
    world = _world("FL", "own")
    key = uuid.uuid4()
    _draft(world, organisation=world.workplace, screened_by=world.actor, idempotency_key=key)
    colleague = user_with_role(Role.FRONT_LINE, world.workplace)

    assert screening_by_key(user=world.actor, workspace=real_workspace(), key=key) is not None
    assert screening_by_key(user=colleague, workspace=real_workspace(), key=key) is None
