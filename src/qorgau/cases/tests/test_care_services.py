"""The rules of a case's care: assessments, reflection period, plan and its clock, services
delivered by the providers, closure with follow-up, and reopening. Time is frozen where a
clock matters."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import selectors_care, services
from qorgau.cases import services_assessments as assessments
from qorgau.cases import services_closure as closure_services
from qorgau.cases import services_plan as plans
from qorgau.cases.models import Approval, Case, Stage, StageChange
from qorgau.cases.models_care import (
    Assessment,
    AssistancePlan,
    Closure,
    FollowUpVisit,
    PlanService,
    ServiceDelivery,
)
from qorgau.cases.periods import periods
from qorgau.cases.services_assessments import AssessmentInput
from qorgau.cases.services_plan import ServiceInput
from qorgau.cases.tests.test_services import open_case, register
from qorgau.core.tests.races import miss_once
from qorgau.directory.tests.factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db

KAZAKHSTAN = "Asia/Almaty"


def at(day: str):
    """Freeze the clock at noon in Kazakhstan on ``day``."""
    return time_machine.travel(datetime.fromisoformat(f"{day}T12:00:00+05:00"), tick=False)


@pytest.fixture
def case(manager, pavlodar, workspace) -> Case:
    child = register(manager, pavlodar["social_protection"], workspace, "Жұмабаев Қайрат")
    return open_case(manager, child, workspace)


@pytest.fixture
def centre_staff(pavlodar):
    return user_with_role(Role.PROVIDER_STAFF, pavlodar["crisis_centre"], first_name="Dana")


@pytest.fixture
def psychological(db):
    return ServiceTypeFactory(key="psychological", social_code=True)


def risk(**fields) -> AssessmentInput:
    values = {
        "kind": "risk",
        "assessed_on": date(2026, 1, 10),
        "findings": "The recruiter knows the family's address.",
        "safety_risk": "high",
        "retrafficking_risk": "medium",
        "family_risk": "low",
        **fields,
    }
    return AssessmentInput(**values)


def best_interests(**fields) -> AssessmentInput:
    values = {
        "kind": "best_interests",
        "assessed_on": date(2026, 1, 10),
        "findings": "The mother is safe and wants the child home.",
        "outcome": "return_to_family",
        "family_assessed": True,
        "child_views": "Wants to go home to his mother.",
        **fields,
    }
    return AssessmentInput(**values)


def record(actor, case, data, key=None) -> Assessment:
    return assessments.assessment_record(
        actor=actor, case=case, idempotency_key=key or uuid.uuid4(), data=data
    )


def approve(supervisor, approval: Approval) -> None:
    services.approval_decide(actor=supervisor, approval=approval, approve=True)


# --- assessments --------------------------------------------------------------------------
@at("2026-01-12")
def test_a_risk_assessment_goes_to_the_supervisor_and_counts_once_approved(
    manager, supervisor, case
):
    assessment = record(manager, case, risk())

    assert assessment.approval.subject == Approval.Subject.RISK_ASSESSMENT
    assert assessment.approval.status == Approval.Status.REQUESTED
    assert assessment.is_approved is False
    approve(supervisor, assessment.approval)
    assessment.refresh_from_db()
    assert assessment.is_approved is True
    assert AuditEvent.objects.filter(action="assessment.record").count() == 1


@at("2026-01-12")
def test_a_risk_assessment_rates_all_three_risks(manager, case):
    with pytest.raises(ValidationError) as error:
        record(manager, case, risk(family_risk="", safety_risk="severe"))

    assert set(error.value.message_dict) == {"family_risk", "safety_risk"}
    assert not Assessment.objects.in_workspace(case.workspace).exists()


@at("2026-01-12")
def test_a_double_click_records_one_assessment(manager, case):
    key = uuid.uuid4()

    first = record(manager, case, risk(), key)
    second = record(manager, case, risk(), key)

    assert first.pk == second.pk
    assert Approval.objects.in_workspace(case.workspace).count() == 1


@at("2026-01-12")
def test_an_edit_on_a_stale_version_is_refused_and_a_changed_assessment_is_approved_again(
    manager, supervisor, case
):
    assessment = record(manager, case, risk())
    approve(supervisor, assessment.approval)
    first_approval = assessment.approval_id

    changed = assessments.assessment_update(
        actor=supervisor, assessment=assessment, version=1, data=risk(safety_risk="medium")
    )
    with pytest.raises(ValidationError) as error:
        assessments.assessment_update(
            actor=manager, assessment=assessment, version=1, data=risk(safety_risk="low")
        )

    assert error.value.code == "stale"
    assert changed.version == 2 and changed.safety_risk == "medium"
    assert changed.approval_id != first_approval and changed.is_approved is False


@at("2026-01-12")
def test_a_best_interests_determination_hears_the_child_and_assesses_the_family(manager, case):
    with pytest.raises(ValidationError) as error:
        record(manager, case, best_interests(family_assessed=False, child_views=""))

    assert set(error.value.message_dict) == {"family_assessed", "child_views"}


@at("2026-01-12")
def test_the_guardianship_authority_of_the_region_takes_best_interests_decisions(
    guardian_officer, case
):
    assessment = record(guardian_officer, case, best_interests())

    assert assessment.outcome == "return_to_family"
    with pytest.raises(PermissionDenied):
        record(guardian_officer, case, risk())


@at("2026-01-12")
def test_another_organisation_records_no_assessment(centre_manager, case):
    with pytest.raises(PermissionDenied):
        record(centre_manager, case, risk())


# --- reflection and recovery period -------------------------------------------------------
def test_the_reflection_period_ends_after_the_days_in_the_data(manager, case):
    with at("2026-01-12"):
        period = assessments.reflection_start(actor=manager, case=case, starts_on=date(2026, 1, 5))
        again = assessments.reflection_start(actor=manager, case=case, starts_on=date(2026, 1, 9))

        assert periods().reflection_days == 30
        assert period.ends_on == date(2026, 2, 3)  # 5 January + 30 days, counted inclusively
        assert again.pk == period.pk
        assert period.days_left() == 22
    with at("2026-02-04"):
        assert period.days_left() == -1


# --- the plan and its clock ---------------------------------------------------------------
def make_plan(manager, case, starts_on=date(2026, 1, 15)) -> AssistancePlan:
    return plans.plan_create(
        actor=manager, case=case, goals="A safe place, school, therapy.", starts_on=starts_on
    )


def test_the_plan_runs_six_months_and_is_extended_once_to_nine_with_a_reason(manager, case):
    with at("2026-01-15"):
        plan = make_plan(manager, case)
        assert plan.ends_on == date(2026, 7, 14)
        assert selectors_care.plan_clock(plan).days_left == 180
    with at("2026-07-10"):
        clock = selectors_care.plan_clock(plan)
        assert (clock.days_left, clock.overdue, clock.extended) == (4, False, False)
        with pytest.raises(ValidationError) as error:
            plans.plan_extend(actor=manager, plan=plan, version=plan.version, reason=" ")
        assert "reason" in error.value.message_dict
        plan = plans.plan_extend(
            actor=manager, plan=plan, version=plan.version, reason="The trial runs in August."
        )
        assert plan.ends_on == date(2026, 10, 14)
        assert plan.version == 2
    with at("2026-07-20"):
        clock = selectors_care.plan_clock(plan)
        assert (clock.days_left, clock.overdue, clock.extended) == (86, False, True)
        with pytest.raises(ValidationError) as error:
            plans.plan_extend(actor=manager, plan=plan, version=plan.version, reason="Again.")
        assert "extended already" in error.value.message_dict["reason"][0]
    with at("2026-10-15"):
        assert selectors_care.plan_clock(plan).overdue is True
    event = AuditEvent.objects.get(action="plan.extend")
    assert event.details["from"] == "2026-07-14" and event.details["to"] == "2026-10-14"


def test_an_unextended_plan_is_overdue_the_day_after_six_months(manager, case):
    with at("2026-01-15"):
        plan = make_plan(manager, case)
    with at("2026-07-15"):
        clock = selectors_care.plan_clock(plan)
        assert (clock.days_left, clock.overdue) == (-1, True)


@at("2026-01-15")
def test_a_double_click_makes_one_plan(manager, case):
    assert make_plan(manager, case).pk == make_plan(manager, case).pk


def add_service(manager, plan, provider, service_type, key=None, **fields) -> PlanService:
    plan.refresh_from_db()
    values = {
        "service_type": service_type,
        "provider": provider,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "description": "Weekly sessions with a psychologist.",
        **fields,
    }
    return plans.plan_service_add(
        actor=manager,
        plan=plan,
        version=plan.version,
        idempotency_key=key or uuid.uuid4(),
        data=ServiceInput(**values),
    )


@at("2026-01-15")
def test_plan_services_are_of_the_social_codes_types_within_the_plans_dates(
    manager, case, pavlodar, psychological
):
    plan = make_plan(manager, case)
    shelter = ServiceTypeFactory(key="shelter", social_code=False)

    with pytest.raises(ValidationError) as error:
        add_service(manager, plan, pavlodar["crisis_centre"], shelter)
    assert "service_type" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_service(
            manager, plan, pavlodar["crisis_centre"], psychological, ends_on=date(2026, 12, 1)
        )
    assert "ends_on" in error.value.message_dict
    assert not PlanService.objects.in_workspace(case.workspace).exists()


@at("2026-01-15")
def test_a_plan_is_approved_by_the_supervisor_and_a_change_needs_approval_again(
    manager, supervisor, case, pavlodar, psychological
):
    plan = make_plan(manager, case)
    with pytest.raises(ValidationError):
        plans.plan_submit(actor=manager, plan=plan, version=plan.version)
    key = uuid.uuid4()
    add_service(manager, plan, pavlodar["crisis_centre"], psychological, key)
    add_service(manager, plan, pavlodar["crisis_centre"], psychological, key)  # double click
    plan.refresh_from_db()
    plan = plans.plan_submit(actor=manager, plan=plan, version=plan.version)
    again = plans.plan_submit(actor=manager, plan=plan, version=plan.version)
    approve(supervisor, plan.approval)
    plan.refresh_from_db()

    assert again.approval_id == plan.approval_id
    assert PlanService.objects.in_workspace(case.workspace).filter(plan=plan).count() == 1
    assert plan.is_approved
    plan = plans.plan_update(actor=manager, plan=plan, version=plan.version, goals="New goals.")
    assert plan.approval is None and not plan.is_approved


# --- services delivered -------------------------------------------------------------------
@pytest.fixture
def approved_service(manager, supervisor, case, pavlodar, psychological) -> PlanService:
    with at("2026-01-15"):
        plan = make_plan(manager, case)
        service = add_service(manager, plan, pavlodar["crisis_centre"], psychological)
        plan.refresh_from_db()
        plan = plans.plan_submit(actor=manager, plan=plan, version=plan.version)
        approve(supervisor, plan.approval)
    return PlanService.objects.in_workspace(case.workspace).get(pk=service.pk)


def deliver(actor, service, key=None, on=date(2026, 1, 20), note="First session held."):
    return plans.service_deliver(
        actor=actor,
        service=service,
        idempotency_key=key or uuid.uuid4(),
        delivered_on=on,
        note=note,
    )


@at("2026-01-21")
def test_the_providers_own_staff_record_what_they_delivered_once(
    centre_staff, manager, approved_service
):
    key = uuid.uuid4()
    first = deliver(centre_staff, approved_service, key)
    second = deliver(centre_staff, approved_service, key)

    assert first.pk == second.pk
    assert first.organisation == approved_service.provider
    with pytest.raises(PermissionDenied):
        deliver(manager, approved_service)  # the referring case manager is not the provider
    with pytest.raises(ValidationError) as error:
        deliver(centre_staff, approved_service, on=date(2026, 1, 22))
    assert "delivered_on" in error.value.message_dict
    assert ServiceDelivery.objects.in_workspace(approved_service.workspace).count() == 1
    assert AuditEvent.objects.filter(action="plan.service_deliver").count() == 1


@at("2026-01-21")
def test_nothing_is_delivered_under_a_plan_not_yet_approved(
    centre_staff, manager, case, pavlodar, psychological
):
    plan = make_plan(manager, case, starts_on=date(2026, 1, 15))
    service = add_service(manager, plan, pavlodar["crisis_centre"], psychological)

    with pytest.raises(ValidationError) as error:
        deliver(centre_staff, PlanService.objects.in_workspace(case.workspace).get(pk=service.pk))
    assert "__all__" in error.value.message_dict


@at("2026-01-21")
def test_the_provider_sees_the_service_and_initials_never_the_names_or_the_plan(
    centre_staff, approved_service, workspace
):
    rows = selectors_care.services_to_deliver(user=centre_staff, workspace=workspace)
    view = selectors_care.delivery_view(rows.get())

    shown = " ".join(str(value) for value in vars(view).values())
    assert view.initials == "Ж. Қ."
    assert "Жұмабаев" not in shown and "therapy" not in shown
    assert view.plan_approved is True


# --- closure, follow-up, reopening --------------------------------------------------------
def request_closure(manager, case, reason="reintegrated", months=6) -> Closure:
    case.refresh_from_db()
    return closure_services.closure_request(
        actor=manager, case=case, reason=reason, follow_up_months=months
    )


@at("2026-03-02")
def test_a_case_closes_only_with_a_best_interests_determination(manager, case):
    with pytest.raises(ValidationError) as error:
        request_closure(manager, case, reason="independent_living")

    assert "best-interests" in " ".join(error.value.messages)


@at("2026-03-02")
def test_a_return_to_the_family_needs_an_approved_risk_assessment(manager, supervisor, case):
    record(manager, case, best_interests(outcome="return_to_family"))
    with pytest.raises(ValidationError) as error:
        request_closure(manager, case)
    assert "risk assessment" in " ".join(error.value.messages)

    assessment = record(manager, case, risk())
    approve(supervisor, assessment.approval)
    assert request_closure(manager, case).status == Closure.Status.REQUESTED


@at("2026-03-02")
def test_follow_up_lasts_from_six_to_twelve_months(manager, case):
    record(manager, case, best_interests(outcome="stay"))
    for months in (5, 13):
        with pytest.raises(ValidationError) as error:
            request_closure(manager, case, reason="came_of_age", months=months)
        assert "follow_up_months" in error.value.message_dict


@at("2026-03-02")
def test_the_ordinary_stage_change_does_not_close_a_case(manager, case):
    with pytest.raises(ValidationError):
        services.case_change_stage(
            actor=manager, case=case, version=case.version, to_stage="closed"
        )


def test_closure_approved_schedules_follow_up_then_finishes_and_reopens_with_history(
    manager, supervisor, case
):
    with at("2026-03-02"):
        record(manager, case, best_interests(outcome="stay"))
        closure = request_closure(manager, case, reason="independent_living", months=12)
        assert request_closure(manager, case, reason="other").pk == closure.pk  # double click
        case.refresh_from_db()
        with pytest.raises(ValidationError):
            closure_services.case_close(actor=manager, closure=closure, version=case.version)
        approve(supervisor, closure.approval)
        closure = closure_services.case_close(actor=manager, closure=closure, version=case.version)
        visits = list(FollowUpVisit.objects.in_workspace(case.workspace).filter(closure=closure))
        assert [v.due_on for v in visits] == [
            date(2026, 6, 2),
            date(2026, 9, 2),
            date(2026, 12, 2),
            date(2027, 3, 2),
        ]
        case.refresh_from_db()
        assert case.stage == Stage.CLOSED and closure.status == Closure.Status.CLOSED
        with pytest.raises(ValidationError):
            record(manager, case, risk())  # a closed case takes no new assessment
        closure = closure_services.follow_up_start(
            actor=manager, closure=closure, version=case.version
        )
    with at("2026-06-03"):
        assert visits[0].is_overdue() is True
        visit = closure_services.follow_up_record(
            actor=manager, visit=visits[0], visited_on=date(2026, 6, 3), note="Living safely."
        )
        assert visit.status == FollowUpVisit.Status.DONE
        case.refresh_from_db()
        closure = closure_services.follow_up_finish(
            actor=manager, closure=closure, version=case.version, note="Settled."
        )
        statuses = sorted(
            FollowUpVisit.objects.in_workspace(case.workspace)
            .filter(closure=closure)
            .values_list("status", flat=True)
        )
        assert statuses == ["cancelled", "cancelled", "cancelled", "done"]
    with at("2026-08-01"):
        case.refresh_from_db()
        case = closure_services.case_reopen(
            actor=manager, case=case, version=case.version, reason="The recruiter came back."
        )
    closure.refresh_from_db()
    history = StageChange.objects.in_workspace(case.workspace).filter(case=case).order_by("pk")
    assert [(s.from_stage, s.to_stage) for s in history] == [
        ("", "identification"),
        ("identification", "closed"),
        ("closed", "follow_up"),
        ("follow_up", "closed"),
        ("closed", "assistance"),
    ]
    assert closure.status == Closure.Status.REOPENED
    assert closure.reopen_reason == "The recruiter came back."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"closure.request", "case.close", "follow_up.record", "case.reopen"} <= actions


@at("2026-03-02")
def test_a_returned_closure_can_be_asked_for_again(manager, supervisor, case):
    record(manager, case, best_interests(outcome="stay"))
    closure = request_closure(manager, case, reason="independent_living")
    services.approval_decide(
        actor=supervisor, approval=closure.approval, approve=False, note="Not yet."
    )

    again = request_closure(manager, case, reason="came_of_age", months=9)

    assert again.pk == closure.pk
    assert again.reason == "came_of_age" and again.approval.status == Approval.Status.REQUESTED


@at("2026-03-02")
def test_a_case_that_is_not_closed_cannot_be_reopened(manager, case):
    with pytest.raises(ValidationError):
        closure_services.case_reopen(
            actor=manager, case=case, version=case.version, reason="Why not."
        )


# --- double submits racing on one idempotency key -----------------------------------------
@at("2026-01-12")
def test_a_racing_double_submit_records_one_assessment(manager, case, monkeypatch):
    key = uuid.uuid4()
    first = record(manager, case, risk(), key)
    miss_once(monkeypatch, assessments, "_assessment_with_key")

    assert record(manager, case, risk(), key).pk == first.pk
    assert Assessment.objects.in_workspace(case.workspace).count() == 1
    assert Approval.objects.in_workspace(case.workspace).count() == 1


@at("2026-01-15")
def test_a_racing_double_submit_adds_one_service(
    manager, case, pavlodar, psychological, monkeypatch
):
    plan = make_plan(manager, case)
    key = uuid.uuid4()
    first = add_service(manager, plan, pavlodar["crisis_centre"], psychological, key)
    miss_once(monkeypatch, plans, "_service_with_key")

    again = add_service(manager, plan, pavlodar["crisis_centre"], psychological, key)
    assert again.pk == first.pk
    assert PlanService.objects.in_workspace(case.workspace).count() == 1


@at("2026-01-21")
def test_a_racing_double_submit_records_one_delivery(centre_staff, approved_service, monkeypatch):
    key = uuid.uuid4()
    first = deliver(centre_staff, approved_service, key)
    miss_once(monkeypatch, plans, "_delivery_with_key")

    assert deliver(centre_staff, approved_service, key).pk == first.pk
    assert ServiceDelivery.objects.in_workspace(approved_service.workspace).count() == 1
    assert AuditEvent.objects.filter(action="plan.service_deliver").count() == 1
