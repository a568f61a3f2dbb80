"""The written specification of access to training: who may do what, to whose things.

Each row is one action on one kind of target; each column a person holding exactly one role in
their own organisation ("--" holds none; a participant needs no account at all, and an
anonymous visitor is denied everything below). ``Y`` allows, ``.`` denies. Targets:

    -         no object: may the person open the training pages at all
    own       an organisation, programme or event of the person's own organisation
              (the programme's implementer, the event's organiser)
    other     the same belonging to another organisation
    funded    a programme of another organisation that the person's organisation funds (for
              event actions: an event of such a programme)
    co        an event of another organisation that the person's organisation co-organises
    assigned  an event of another organisation at which the person is a trainer
    own-prog, fund-prog, other-prog
              a programme, for actions that apply to events and programmes alike
              (for materials: own and other are materials published by that organisation;
              for survey results and open answers, funded is an event of a programme the
              organisation funds)

Written by hand on purpose, like the grid in accounts/tests/test_permissions.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    user_with_role,
)
from qorgau.accounts.tests.grid import (
    Cell,
    actions_starting_with,
    column_roles,
    grid_actions,
    parse_grid,
    person_in,
)
from qorgau.training.models import Material
from qorgau.training.tests.factories import EventFactory, ProgrammeFactory


def MaterialFactory(*, owner: Organisation) -> Material:
    return Material.objects.create(owner=owner, title="Handbook", kind=Material.Kind.HANDBOOK)


GRID = """
action                        target    -- FL CM SU IN PR PS GO RC NC TR EX TO DO AU OA SA
training.view                 -          .  .  .  .  .  .  .  .  .  .  Y  Y  Y  Y  .  .  .
training.programme.create     own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.programme.create     other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.programme.view       own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.programme.view       funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  Y  .  .  .
training.programme.view       other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.programme.manage     own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.programme.manage     funded     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.programme.manage     other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.event.create         own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.event.create         other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.event.view           own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.event.view           co         .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.event.view           assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.event.view           other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.event.manage         own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.event.manage         co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.event.manage         assigned   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.event.manage         other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.view    own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.registration.view    co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.view    assigned   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.view    other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.manage  own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.registration.manage  co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.manage  assigned   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.manage  other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.resend_code own    .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.registration.resend_code co     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.resend_code assigned .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.registration.resend_code other  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.attendance.mark      own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.attendance.mark      co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.attendance.mark      assigned   .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .
training.attendance.mark      other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.assessment.manage    own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.assessment.manage    co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.assessment.manage    assigned   .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .
training.assessment.manage    other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.assessment.results   own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.assessment.results   co         .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.assessment.results   assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.assessment.results   other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.certificate.manage   own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.certificate.manage   co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.certificate.manage   assigned   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.certificate.manage   other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.report.event         own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.report.event         co         .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.report.event         assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.report.event         funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  Y  .  .  .
training.report.event         other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.programme     own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.report.programme     funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  Y  .  .  .
training.report.programme     other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.small_numbers own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.report.small_numbers co         .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.small_numbers assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.report.small_numbers funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.small_numbers other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.small_numbers own-prog   .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.report.small_numbers fund-prog  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.report.small_numbers other-prog .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.survey.manage        own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.survey.manage        co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.survey.manage        assigned   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.survey.manage        funded     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.survey.manage        other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.survey.results       own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.survey.results       co         .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.survey.results       assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.survey.results       funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  Y  .  .  .
training.survey.results       other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.survey.open_answers  own        .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .
training.survey.open_answers  co         .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.survey.open_answers  assigned   .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .
training.survey.open_answers  funded     .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.survey.open_answers  other      .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
training.material.view        -          .  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
training.material.create      own        .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .
training.material.create      other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.material.manage      own        .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .
training.material.manage      other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.material.attach      own        .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .
training.material.attach      co         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
training.material.attach      assigned   .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .
training.material.attach      other      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""


CELLS = parse_grid(GRID)


def test_the_grid_has_a_column_for_every_role():
    assert column_roles() == set(Role.values)


def test_the_grid_specifies_every_training_action_the_policy_knows():
    # training.manage (who may open exercise spaces) is specified in the accounts grid.
    ours = actions_starting_with("training.") - {"training.manage"}
    assert grid_actions(CELLS) == ours


def _target(actor: User, own: Organisation, other: Organisation, action: str, kind: str) -> Any:
    if kind == "-":
        return None
    if action.endswith(".create"):
        return own if kind == "own" else other
    if kind.endswith("-prog") or action == "training.report.programme":
        kind = kind.removesuffix("-prog")
        action = "training.programme.view"
    if action.startswith("training.programme."):
        if kind == "own":
            return ProgrammeFactory(implementer=own)
        programme = ProgrammeFactory(implementer=other)
        if kind == "funded":
            programme.donors.add(own)
        return programme
    if action == "training.material.manage":
        return MaterialFactory(owner=own if kind == "own" else other)
    event = EventFactory(organiser=own if kind == "own" else other)
    if kind == "funded":
        event.programme = ProgrammeFactory(implementer=other)
        event.save(update_fields=["programme"])
        event.programme.donors.add(own)
    elif kind == "co":
        event.co_organisers.add(own)
    elif kind == "assigned":
        event.trainers.add(actor)
    return event


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.column}-{c.action}-{c.target}" for c in CELLS])
def test_it_follows_the_grid(cell: Cell):
    own, other = OrganisationFactory(), OrganisationFactory()
    actor = person_in(cell.column, own)
    target = _target(actor, own, other, cell.action, cell.target)

    assert can(actor, cell.action, target) is cell.allowed


# --- beyond the grid ----------------------------------------------------------------------
@pytest.mark.django_db
def test_an_anonymous_visitor_is_denied_everything():
    own = OrganisationFactory()
    event = EventFactory(organiser=own)
    programme = ProgrammeFactory(implementer=own)
    anonymous = AnonymousUser()

    allowed = [
        action
        for action in {c.action for c in CELLS}
        for target in (None, own, event, programme)
        if can(anonymous, action, target)
    ]

    assert allowed == []


@pytest.mark.django_db
def test_a_trainer_of_one_event_does_not_see_the_next_event_of_the_same_organiser():
    organiser = OrganisationFactory()
    trainer = user_with_role(Role.TRAINER)
    assigned, not_assigned = EventFactory(organiser=organiser), EventFactory(organiser=organiser)
    assigned.trainers.add(trainer)

    assert can(trainer, "training.event.view", assigned)
    assert not can(trainer, "training.event.view", not_assigned)
    assert not can(trainer, "training.attendance.mark", not_assigned)


@pytest.mark.django_db
def test_an_organiser_in_another_role_elsewhere_still_organises_only_their_own_events():
    own, elsewhere = OrganisationFactory(), OrganisationFactory()
    person = user_with_role(Role.TRAINING_ORGANISER, own)
    MembershipFactory(user=person, organisation=elsewhere, role=Role.TRAINER)

    assert can(person, "training.event.manage", EventFactory(organiser=own))
    assert not can(person, "training.event.manage", EventFactory(organiser=elsewhere))
    assert not can(person, "training.registration.view", EventFactory(organiser=elsewhere))


@pytest.mark.django_db
def test_an_inactive_membership_organises_nothing():
    own = OrganisationFactory()
    membership = MembershipFactory(organisation=own, role=Role.TRAINING_ORGANISER, is_active=False)

    assert not can(membership.user, "training.view")
    assert not can(membership.user, "training.event.manage", EventFactory(organiser=own))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "make"),
    [
        ("training.programme.create", lambda: ProgrammeFactory()),
        ("training.programme.view", lambda: EventFactory()),
        ("training.event.view", lambda: ProgrammeFactory()),
        ("training.event.manage", lambda: OrganisationFactory()),
        ("training.attendance.mark", lambda: None),
    ],
)
def test_it_denies_an_action_on_the_wrong_kind_of_object(action, make):
    target = make()
    organiser = user_with_role(Role.TRAINING_ORGANISER, getattr(target, "organiser", None))

    assert can(organiser, action, target) is False


# --- participants: no account, only what their link opens ---------------------------------
@pytest.mark.django_db
def test_a_visitor_without_an_account_downloads_public_materials_only(client):
    from django.urls import reverse

    from qorgau.training.models import MaterialVersion
    from qorgau.training.tests.test_materials import _link

    owner = OrganisationFactory()
    public = Material.objects.create(owner=owner, title="P", kind="brochure", is_public=True)
    private = MaterialFactory(owner=owner)
    links = {m: _link(m).pk for m in (public, private)}

    def download(material: Material) -> int:
        url = reverse("training:material_download", kwargs={"pk": links[material]})
        return client.get(url).status_code

    detail = client.get(reverse("training:material_detail", kwargs={"pk": private.pk}))

    assert download(public) == 302 and download(private) == 302  # the link; the login page
    assert client.get(reverse("training:material_download", kwargs={"pk": links[private]}))[
        "Location"
    ].startswith("/accounts/")
    assert detail.status_code == 404
    assert MaterialVersion.objects.count() == 2


@pytest.mark.django_db
def test_a_participants_survey_link_opens_only_their_own_events_survey(client):
    from qorgau.training import surveys
    from qorgau.training.tests.factories import RegistrationFactory

    organiser = user_with_role(Role.TRAINING_ORGANISER)
    event = EventFactory(organiser=organiser.memberships.first().organisation)
    other_event = EventFactory()
    survey = surveys.survey_prepare(actor=organiser, event=event, kind="feedback")
    stranger = RegistrationFactory(event=other_event)
    forged = surveys.respondent_token(survey, stranger)

    from django.urls import reverse

    page = client.get(reverse("training_public:survey_answer", kwargs={"token": forged}))
    results = client.get(reverse("training:survey_results", kwargs={"pk": survey.pk}))

    assert page.status_code == 404
    assert results.status_code == 302  # to the login page: a token is no account
