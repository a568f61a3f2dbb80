"""The rules of the case module, through its services."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.accounts.permissions import grants
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import selectors, services
from qorgau.cases.models import (
    Approval,
    Case,
    CaseNotification,
    Child,
    ChildNameKey,
    ConsentOverride,
    ConsentPurpose,
    Stage,
    StageChange,
    TeamMember,
)
from qorgau.cases.services import ChildInput, ConsentRequired, FamilyInput, NameInput
from qorgau.core.models import UnscopedQueryError
from qorgau.core.tests.races import miss_once
from qorgau.screening.tests.factories import IdentificationFactory, ScreeningFactory

pytestmark = pytest.mark.django_db


def child_input(region, *names: str, **fields) -> ChildInput:
    values = {"age_min": 13, "age_max": 15, **fields}
    return ChildInput(region=region, names=[NameInput(n) for n in names], **values)


def register(actor, organisation, workspace, *names: str, **fields) -> Child:
    return services.child_register(
        actor=actor,
        organisation=organisation,
        workspace=workspace,
        data=child_input(organisation.region, *names, **fields),
    )


def open_case(actor, child, workspace, key=None) -> Case:
    return services.case_open(
        actor=actor,
        organisation=child.organisation,
        workspace=workspace,
        idempotency_key=key or uuid.uuid4(),
        child=child,
    )


# --- children -----------------------------------------------------------------------------
def test_it_registers_a_child_with_names_in_their_scripts_and_family(manager, pavlodar, workspace):
    child = register(
        manager,
        pavlodar["social_protection"],
        workspace,
        "Жұмабаев Қайрат",
        "ZHUMABAEV KAIRAT",
        care_status="street",
        guardian_name="Сауле Жумабаева",
        guardian_relation="mother",
        family=[FamilyInput("Сауле Жумабаева", "mother", "+7 700 000 00 00")],
    )
    names = {(n.full_name, n.script) for n in child.names.across_workspaces()}
    assert names == {("Жұмабаев Қайрат", "kk"), ("ZHUMABAEV KAIRAT", "latin")}
    assert child.family.across_workspaces().get().relation == "mother"
    kinds = set(
        ChildNameKey.objects.in_workspace(workspace)
        .filter(child=child)
        .values_list("kind", flat=True)
    )
    assert kinds == {"name", "stem", "given"}
    assert (child.birth_year_min, child.birth_year_max) == (
        timezone.localdate().year - 16,
        timezone.localdate().year - 13,
    )
    assert AuditEvent.objects.filter(action="child.register", target_id=str(child.pk)).exists()


def test_it_refuses_a_child_without_a_name_or_with_both_birth_date_and_age(
    manager, pavlodar, workspace
):
    with pytest.raises(ValidationError) as error:
        register(manager, pavlodar["social_protection"], workspace, birth_date=date(2012, 5, 4))
    assert set(error.value.message_dict) == {"names", "age_min"}


def test_a_school_teacher_may_register_but_a_trainer_may_not(pavlodar, workspace):
    trainer = user_with_role(Role.TRAINER, pavlodar["school"])
    with pytest.raises(PermissionDenied):
        register(trainer, pavlodar["school"], workspace, "Aigerim")


@pytest.mark.parametrize("spelling", ["Жумабаев Кайрат", "ZHUMABAEV KAIRAT", "Zhumabayev Kairat"])
def test_possible_matches_are_found_across_scripts(manager, pavlodar, workspace, spelling):
    existing = register(manager, pavlodar["social_protection"], workspace, "Жұмабаев Қайрат")
    matches = selectors.possible_matches(
        user=manager, workspace=workspace, names=[spelling], age_min=14, age_max=14
    )
    assert [m.child for m in matches] == [existing]
    assert "same surname stem" in matches[0].reasons
    assert "birth year within the estimate" in matches[0].reasons


def test_a_different_birth_year_is_not_a_possible_match(manager, pavlodar, workspace):
    register(manager, pavlodar["social_protection"], workspace, "Жұмабаев Қайрат")
    matches = selectors.possible_matches(
        user=manager, workspace=workspace, names=["Zhumabayev Kairat"], age_min=3, age_max=4
    )
    assert matches == []


def test_the_lookup_runs_the_same_queries_for_5_or_50_records(
    manager, centre_manager, pavlodar, workspace
):
    counts = []
    for records in (5, 50):
        for n in range(records - len(counts) * 5):
            register(centre_manager, pavlodar["crisis_centre"], workspace, f"Жұмабаев Қайрат{n}")
        grants(manager)
        lookup = {"user": manager, "workspace": workspace, "names": ["Жумабаев Кайрат"]}
        selectors.possible_matches(**lookup)  # the register's size is counted, then cached
        with CaptureQueriesContext(connection) as queries:
            selectors.possible_matches(**lookup, age_min=14, age_max=14)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_another_organisations_match_shows_only_the_organisation(
    manager, centre_manager, pavlodar, workspace
):
    register(centre_manager, pavlodar["crisis_centre"], workspace, "Жұмабаев Қайрат")
    (match,) = selectors.possible_matches(
        user=manager, workspace=workspace, names=["Zhumabayev Kairat"], age_min=14, age_max=14
    )
    assert match.own is False
    assert match.child is None
    assert match.organisation == pavlodar["crisis_centre"]


def test_a_match_in_a_training_workspace_is_not_seen_from_the_real_one(
    manager, pavlodar, workspace, training
):
    register(manager, pavlodar["social_protection"], training, "Жұмабаев Қайрат")
    assert (
        selectors.possible_matches(user=manager, workspace=workspace, names=["Жумабаев Кайрат"])
        == []
    )


def test_children_cannot_be_read_without_a_workspace(manager, pavlodar, workspace):
    register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    with pytest.raises(UnscopedQueryError):
        list(Child.objects.all())


def test_an_edit_over_someone_elses_save_is_refused(manager, supervisor, pavlodar, workspace):
    child = register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    data = child_input(pavlodar.region, "Aigerim Seitova")
    services.child_update(actor=supervisor, child=child, version=1, data=data)
    with pytest.raises(ValidationError) as error:
        services.child_update(actor=manager, child=child, version=1, data=data)
    assert error.value.code == "stale"
    assert "Someone else saved" in error.value.messages[0]


# --- cases --------------------------------------------------------------------------------
def test_opening_a_case_notifies_the_guardianship_authority_without_naming_the_child(
    manager, guardian_officer, pavlodar, almaty, workspace, on_commit, immediate_tasks
):
    child = register(manager, pavlodar["social_protection"], workspace, "Айгерим Сеитова")
    case = on_commit(
        services.case_open,
        actor=manager,
        organisation=child.organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )
    notified = CaseNotification.objects.in_workspace(workspace).filter(case=case)
    assert [n.organisation for n in notified] == [pavlodar["guardianship"]]
    assert [m.to for m in mail.outbox] == [["officer@guardianship.kz"]]
    assert "Айгерим" not in mail.outbox[0].body and "Сеитова" not in mail.outbox[0].body
    assert case.stage == Stage.IDENTIFICATION
    assert case.manager == manager
    assert StageChange.objects.in_workspace(workspace).filter(case=case).count() == 1


def test_a_double_click_opens_one_case(manager, pavlodar, workspace):
    child = register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    key = uuid.uuid4()
    first = open_case(manager, child, workspace, key)
    second = open_case(manager, child, workspace, key)
    assert first == second
    assert Case.objects.in_workspace(workspace).count() == 1
    assert CaseNotification.objects.in_workspace(workspace).count() == 1


def test_a_racing_double_submit_opens_one_case(manager, pavlodar, workspace, monkeypatch):
    child = register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    key = uuid.uuid4()
    first = open_case(manager, child, workspace, key)
    lookups = miss_once(monkeypatch, services, "_case_with_key")

    again = open_case(manager, child, workspace, key)

    assert again.pk == first.pk and len(lookups) == 2  # the save failed, the fallback found it
    assert Case.objects.in_workspace(workspace).count() == 1
    assert StageChange.objects.in_workspace(workspace).count() == 1
    assert AuditEvent.objects.filter(action="case.open").count() == 1


def test_a_racing_submit_with_someone_elses_key_is_refused(
    manager, supervisor, pavlodar, workspace, monkeypatch
):
    child = register(manager, pavlodar["social_protection"], workspace, "Aigerim")
    key = uuid.uuid4()
    open_case(manager, child, workspace, key)
    miss_once(monkeypatch, services, "_case_with_key")

    with pytest.raises(PermissionDenied):
        open_case(supervisor, child, workspace, key)
    assert Case.objects.in_workspace(workspace).count() == 1


def test_a_case_opens_from_an_identification_with_the_childs_facts(
    pavlodar, workspace, guardian_officer
):
    screener = user_with_role(Role.CASE_MANAGER, pavlodar["school"])
    screening = ScreeningFactory(
        organisation=pavlodar["school"],
        child_name="Жұмабаев Қайрат",
        sex="male",
        citizenship="UZ",
        unaccompanied=True,
        age_min=12,
        age_max=13,
    )
    identification = IdentificationFactory(screening=screening)
    key = uuid.uuid4()
    case = services.case_open_from_identification(
        actor=screener, identification=identification, idempotency_key=key
    )
    assert case.identification == identification
    assert case.organisation == pavlodar["school"]
    child = case.child
    assert [n.full_name for n in child.names.across_workspaces()] == ["Жұмабаев Қайрат"]
    assert (child.sex, child.citizenship, child.care_status) == ("male", "UZ", "unaccompanied")
    assert (child.age_min, child.age_max) == (12, 13)
    again = services.case_open_from_identification(
        actor=screener, identification=identification, idempotency_key=uuid.uuid4()
    )
    assert again == case
    assert (
        CaseNotification.objects.in_workspace(workspace).get().organisation
        == (pavlodar["guardianship"])
    )


def test_stages_follow_the_order_and_keep_their_history(manager, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    case = services.case_change_stage(actor=manager, case=case, version=1, to_stage="assistance")
    for closing in ("follow_up", "closed"):  # closing goes through the closure
        with pytest.raises(ValidationError):
            services.case_change_stage(actor=manager, case=case, version=2, to_stage=closing)
    case = services.case_change_stage(
        actor=manager, case=case, version=2, to_stage="social_inclusion"
    )
    history = StageChange.objects.in_workspace(workspace).filter(case=case)
    assert [(s.from_stage, s.to_stage) for s in history] == [
        ("", "identification"),
        ("identification", "assistance"),
        ("assistance", "social_inclusion"),
    ]
    assert case.version == 3


def test_two_stage_changes_from_the_same_version_conflict(manager, supervisor, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    services.case_change_stage(actor=supervisor, case=case, version=1, to_stage="assistance")
    with pytest.raises(ValidationError) as error:
        services.case_change_stage(actor=manager, case=case, version=1, to_stage="assistance")
    assert error.value.code == "stale"


def test_an_invited_organisation_sees_the_case_only_once_it_accepts(
    manager, centre_manager, pavlodar, workspace
):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    member = services.team_invite(actor=manager, case=case, organisation=pavlodar["crisis_centre"])
    assert list(selectors.cases_visible_to(user=centre_manager, workspace=workspace)) == []
    assert list(selectors.invitations_for(user=centre_manager, workspace=workspace)) == [member]
    with pytest.raises(PermissionDenied):
        services.team_respond(actor=manager, member=member, accept=True)
    services.team_respond(actor=centre_manager, member=member, accept=True)
    assert list(selectors.cases_visible_to(user=centre_manager, workspace=workspace)) == [case]
    selectors.access_case(user=centre_manager, workspace=workspace, pk=case.pk, action="case.view")
    assert AuditEvent.objects.filter(
        action="case.read", actor=centre_manager, target_id=str(case.pk)
    ).exists()


def test_a_declined_invitation_shows_nothing(manager, centre_manager, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    member = services.team_invite(actor=manager, case=case, organisation=pavlodar["crisis_centre"])
    services.team_respond(actor=centre_manager, member=member, accept=False)
    assert member.status == TeamMember.Status.DECLINED
    assert list(selectors.cases_visible_to(user=centre_manager, workspace=workspace)) == []


def test_a_supervisor_approves_what_the_manager_asks(manager, supervisor, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    approval = services.approval_request(actor=manager, case=case, subject="closure")
    assert services.approval_request(actor=manager, case=case, subject="closure") == approval
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=manager, approval=approval, approve=True)
    with pytest.raises(ValidationError):
        services.approval_decide(actor=supervisor, approval=approval, approve=False)
    services.approval_decide(actor=supervisor, approval=approval, approve=True)
    assert (approval.status, approval.decided_by) == (Approval.Status.APPROVED, supervisor)


# --- consent ------------------------------------------------------------------------------
def _consent(actor, case, purpose="referral", **fields):
    values = {
        "given_by_name": "Сауле Жумабаева",
        "given_by_relation": "mother",
        "given_on": timezone.localdate(),
        "child_view": "Agrees to go to the centre.",
        "maturity_note": "14, understands",
        **fields,
    }
    return services.consent_give(actor=actor, case=case, purpose=purpose, **values)


def test_consent_is_given_withdrawn_and_its_history_kept(manager, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    consent = _consent(manager, case)
    assert services.require_consent(case=case, purpose="referral") == consent
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=manager, consent=consent, reason=" ")
    services.consent_withdraw(actor=manager, consent=consent, reason="Mother changed her mind")
    with pytest.raises(ConsentRequired):
        services.require_consent(case=case, purpose="referral")
    assert case.consents.across_workspaces().get().withdrawal_reason == "Mother changed her mind"
    actions = (
        AuditEvent.objects.filter(action__startswith="consent.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert list(actions) == ["consent.give", "consent.withdraw"]


def test_consent_needs_a_legal_representative_and_the_childs_maturity_beside_their_view(
    manager, pavlodar, workspace
):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    with pytest.raises(ValidationError) as error:
        _consent(
            manager,
            case,
            purpose="sharing",
            given_by_name="",
            maturity_note="",
            given_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(error.value.message_dict) == {
        "organisation",
        "given_by_name",
        "maturity_note",
        "given_on",
    }


def test_sharing_consent_names_the_organisation(manager, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    _consent(manager, case, purpose="sharing", organisation=pavlodar["crisis_centre"])
    services.require_consent(
        case=case, purpose=ConsentPurpose.SHARING, organisation=pavlodar["crisis_centre"]
    )
    with pytest.raises(ConsentRequired):
        services.require_consent(
            case=case, purpose=ConsentPurpose.SHARING, organisation=pavlodar["police"]
        )


def test_an_urgent_override_is_audited_and_shown_to_the_supervisor(
    manager, supervisor, pavlodar, workspace
):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    with pytest.raises(ConsentRequired):
        services.require_consent(case=case, purpose="referral", actor=manager)
    override = services.require_consent(
        case=case, purpose="referral", actor=manager, urgent_reason="Child needs a doctor tonight"
    )
    assert isinstance(override, ConsentOverride)
    assert AuditEvent.objects.filter(action="consent.override", actor=manager).exists()
    assert list(selectors.overrides_for_supervisor(user=supervisor, workspace=workspace)) == [
        override
    ]
    assert list(selectors.overrides_for_supervisor(user=manager, workspace=workspace)) == []


def test_an_outsider_cannot_override_consent(manager, pavlodar, workspace):
    case = open_case(
        manager, register(manager, pavlodar["social_protection"], workspace, "A"), workspace
    )
    police = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    with pytest.raises(ConsentRequired):
        services.require_consent(case=case, purpose="photo", actor=police, urgent_reason="now")


# --- workspaces ---------------------------------------------------------------------------
def test_a_training_case_is_not_found_from_the_real_workspace(
    manager, pavlodar, workspace, training
):
    child = register(manager, pavlodar["social_protection"], training, "A")
    case = open_case(manager, child, training)
    assert list(selectors.cases_visible_to(user=manager, workspace=workspace)) == []
    with pytest.raises(Exception) as error:
        selectors.access_case(user=manager, workspace=workspace, pk=case.pk, action="case.view")
    assert error.typename == "Http404"


def test_a_key_used_in_a_training_workspace_opens_nothing_in_the_real_one(
    manager, pavlodar, workspace, training
):
    key = uuid.uuid4()
    open_case(
        manager, register(manager, pavlodar["social_protection"], training, "A"), training, key
    )
    real_child = register(manager, pavlodar["social_protection"], workspace, "B")

    with pytest.raises(PermissionDenied):
        open_case(manager, real_child, workspace, key)
    assert not Case.objects.in_workspace(workspace).exists()


def test_a_training_case_sends_no_email(
    manager, guardian_officer, pavlodar, training, on_commit, immediate_tasks
):
    child = register(manager, pavlodar["social_protection"], training, "A")
    on_commit(
        services.case_open,
        actor=manager,
        organisation=child.organisation,
        workspace=training,
        idempotency_key=uuid.uuid4(),
        child=child,
    )
    assert mail.outbox == []
    assert CaseNotification.objects.in_workspace(training).count() == 1
