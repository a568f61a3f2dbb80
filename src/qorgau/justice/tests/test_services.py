"""The rules of the justice services: ERDR numbers, articles, stages, the re-interview
warning, the non-punishment flag and its notices, claim amounts, locking and the audit trail."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import date_format

from qorgau.audit.models import AuditEvent
from qorgau.core.tests.races import miss_once
from qorgau.justice import selectors, services
from qorgau.justice.models import (
    ChildRole,
    ClaimStatus,
    CompensationClaim,
    Decision,
    Interview,
    NonPunishmentNotice,
    Outcome,
    Proceeding,
    Route,
    Stage,
)
from qorgau.justice.registry import normalise_register_number
from qorgau.justice.tests.conftest import NUMBER, presume_victim, proceeding_input
from qorgau.screening.models import VictimStatusDecision

pytestmark = pytest.mark.django_db


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- ERDR numbers -------------------------------------------------------------------------
@time_machine.travel("2026-06-01 09:00 +05:00")
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("261550031000123", "261550031000123"),
        ("№ 26 1550 031 000123", "261550031000123"),
        ("26-1550-031-000123", "261550031000123"),
        ("151975010000427", "151975010000427"),
    ],
)
def test_it_accepts_an_erdr_number_written_with_spaces_dashes_or_a_number_sign(typed, expected):
    assert normalise_register_number(typed) == expected


@time_machine.travel("2026-06-01 09:00 +05:00")
@pytest.mark.parametrize(
    "typed",
    ["", "12345", "2615500310001234", "26155003100012A", "141550031000123", "271550031000123"],
)
def test_it_refuses_an_implausible_erdr_number(typed):
    with pytest.raises(ValidationError):
        normalise_register_number(typed)


@time_machine.travel("2026-06-01 09:00 +05:00")
def test_the_date_of_registration_must_match_the_number_s_year(
    investigator, case, pavlodar, prosecutor_office
):
    data = proceeding_input(pavlodar, prosecutor_office, registered_on=date(2025, 12, 30))
    with pytest.raises(ValidationError) as excinfo:
        services.proceeding_create(actor=investigator, case=case, data=data)

    assert "2026" in _errors(excinfo)["registered_on"][0]
    assert Proceeding.objects.in_workspace(case.workspace).count() == 0


# --- proceedings --------------------------------------------------------------------------
def test_a_proceeding_is_recorded_with_its_articles_history_and_audit(
    investigator, case, pavlodar, prosecutor_office
):
    data = proceeding_input(
        pavlodar,
        prosecutor_office,
        register_number="26 1550 031 000123",
        articles=["cc2014-135", "cc2014-134"],
    )
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)

    assert proceeding.register_number == NUMBER
    assert proceeding.articles == ["cc2014-135", "cc2014-134"]
    assert proceeding.articles_version == 1
    assert proceeding.stage == Stage.PRE_TRIAL
    decisions = list(Decision.objects.in_workspace(case.workspace).filter(proceeding=proceeding))
    assert [d.kind for d in decisions] == ["registered"]
    event = AuditEvent.objects.get(action="proceeding.create")
    assert event.target_id == str(proceeding.pk)
    assert event.details["articles"] == ["cc2014-135", "cc2014-134"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"articles": []}, "articles"),
        ({"articles": ["cc2014-999"]}, "articles"),
        ({"articles": ["cc2014-128", "cc2014-128"]}, "articles"),
        ({"stage": Stage.CLOSED}, "outcome"),
        ({"outcome": Outcome.CONVICTION}, "outcome"),
        ({"stage": "somewhere"}, "stage"),
        ({"child_role": "judge"}, "child_role"),
        ({"register_number": "12"}, "register_number"),
        ({"registered_on": date(2099, 1, 1)}, "registered_on"),
    ],
)
def test_it_names_the_field_of_bad_input_and_saves_nothing(
    investigator, case, pavlodar, prosecutor_office, overrides, field
):
    data = proceeding_input(pavlodar, prosecutor_office, **overrides)
    with pytest.raises(ValidationError) as excinfo:
        services.proceeding_create(actor=investigator, case=case, data=data)

    assert field in _errors(excinfo)
    assert Proceeding.objects.in_workspace(case.workspace).count() == 0


def test_the_investigating_body_must_be_police_or_prosecutor(
    investigator, case, pavlodar, prosecutor_office
):
    data = proceeding_input(
        pavlodar,
        pavlodar["crisis_centre"],
        investigating_organisation=pavlodar["school"],
    )
    with pytest.raises(ValidationError) as excinfo:
        services.proceeding_create(actor=investigator, case=case, data=data)

    assert {"investigating_organisation", "prosecutor_organisation"} <= set(_errors(excinfo))


def test_one_erdr_number_once_per_case(proceeding, investigator, case, pavlodar, prosecutor_office):
    with pytest.raises(ValidationError) as excinfo:
        services.proceeding_create(
            actor=investigator, case=case, data=proceeding_input(pavlodar, prosecutor_office)
        )
    assert "register_number" in _errors(excinfo)


def test_provider_staff_may_not_record_a_proceeding(provider_staff, case, pavlodar):
    with pytest.raises(PermissionDenied):
        services.proceeding_create(
            actor=provider_staff, case=case, data=proceeding_input(pavlodar, None)
        )


def test_an_edit_on_an_old_version_is_refused(
    proceeding, investigator, prosecutor, pavlodar, prosecutor_office
):
    trial = proceeding_input(pavlodar, prosecutor_office, stage=Stage.TRIAL)
    services.proceeding_update(actor=prosecutor, proceeding=proceeding, version=1, data=trial)
    late = proceeding_input(pavlodar, prosecutor_office, stage=Stage.INDICTMENT)

    with pytest.raises(ValidationError) as excinfo:
        services.proceeding_update(actor=investigator, proceeding=proceeding, version=1, data=late)

    assert excinfo.value.code == "stale"
    proceeding.refresh_from_db()
    assert (proceeding.stage, proceeding.version) == (Stage.TRIAL, 2)
    event = AuditEvent.objects.get(action="proceeding.update")
    assert event.details["changed"] == {"stage": "trial"}


def test_a_decision_is_recorded_with_its_date(proceeding, prosecutor):
    decision = services.decision_record(
        actor=prosecutor,
        proceeding=proceeding,
        kind="indictment",
        decided_on=date(2026, 2, 20),
        summary="Sent to the city court.",
    )
    assert decision.kind == "indictment"
    assert AuditEvent.objects.filter(action="proceeding.decision").count() == 1
    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(
            actor=prosecutor, proceeding=proceeding, kind="verdict", decided_on=date(2025, 1, 1)
        )
    assert "decided_on" in _errors(excinfo)


# --- the re-interview warning -------------------------------------------------------------
def _interview(**overrides) -> services.InterviewInput:
    values = {
        "held_on": date(2026, 1, 12),
        "interviewer": "Capt. D. Serikbayev",
        "interviewer_trained": True,
        "video_recorded": True,
        "psychologist_present": True,
        "legal_representative_present": True,
        "child_friendly_room": True,
        "place": "Child-friendly room, Pavlodar police",
        **overrides,
    }
    return services.InterviewInput(**values)


def test_a_first_interview_needs_no_justification(proceeding, investigator):
    interview = services.interview_record(
        actor=investigator, proceeding=proceeding, data=_interview()
    )
    assert interview.video_recorded is True
    assert interview.repeat_justification == ""
    assert not AuditEvent.objects.filter(action="interview.repeat_justified").exists()


def test_an_unrecorded_interview_does_not_warn_of_the_next(proceeding, investigator):
    services.interview_record(
        actor=investigator, proceeding=proceeding, data=_interview(video_recorded=False)
    )
    second = services.interview_record(
        actor=investigator, proceeding=proceeding, data=_interview(held_on=date(2026, 1, 20))
    )
    assert second.repeat_justification == ""


def test_interviewing_again_after_a_recorded_statement_needs_a_justification_that_is_audited(
    proceeding, investigator
):
    first = services.interview_record(actor=investigator, proceeding=proceeding, data=_interview())

    with pytest.raises(services.RepeatInterview) as excinfo:
        services.interview_record(
            actor=investigator,
            proceeding=proceeding,
            data=_interview(held_on=date(2026, 2, 1), repeat_justification="   "),
        )
    assert (
        date_format(date(2026, 1, 12), "DATE_FORMAT") in _errors(excinfo)["repeat_justification"][0]
    )
    assert Interview.objects.in_workspace(proceeding.workspace).count() == 1

    reason = "The defence asked about a new episode the recording does not cover."
    second = services.interview_record(
        actor=investigator,
        proceeding=proceeding,
        data=_interview(held_on=date(2026, 2, 1), repeat_justification=reason),
    )
    assert second.repeat_justification == reason
    event = AuditEvent.objects.get(action="interview.repeat_justified")
    assert event.details["justification"] == reason
    assert event.details["recorded_statements"] == [first.pk]


def test_a_recorded_statement_in_another_proceeding_of_the_child_also_warns(
    proceeding, investigator, case, pavlodar, prosecutor_office
):
    services.interview_record(actor=investigator, proceeding=proceeding, data=_interview())
    other = services.proceeding_create(
        actor=investigator,
        case=case,
        data=proceeding_input(pavlodar, prosecutor_office, register_number="261550031000999"),
    )
    with pytest.raises(services.RepeatInterview):
        services.interview_record(actor=investigator, proceeding=other, data=_interview())


def test_an_interview_names_its_interviewer(proceeding, investigator):
    with pytest.raises(ValidationError) as excinfo:
        services.interview_record(
            actor=investigator, proceeding=proceeding, data=_interview(interviewer=" ")
        )
    assert "interviewer" in _errors(excinfo)


# --- the non-punishment flag --------------------------------------------------------------
def test_a_presumed_victim_named_suspect_flags_the_proceeding_and_tells_supervisor_and_prosecutor(
    investigator,
    case,
    pavlodar,
    prosecutor_office,
    prosecutor,
    supervisor,
    on_commit,
    immediate_tasks,
):
    supervisor.email = "bolat@sp.kz"
    supervisor.save()
    presume_victim(case)
    data = proceeding_input(
        pavlodar, prosecutor_office, articles=["cc2014-188"], child_role=ChildRole.SUSPECT
    )
    proceeding = on_commit(services.proceeding_create, actor=investigator, case=case, data=data)

    assert selectors.is_flagged(proceeding) is True
    notices = NonPunishmentNotice.objects.in_workspace(case.workspace)
    assert {n.organisation_id for n in notices} == {case.organisation_id, prosecutor_office.pk}
    assert AuditEvent.objects.filter(action="proceeding.non_punishment").count() == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([prosecutor.email, supervisor.email])
    assert all("Жұмабаев" not in message.body for message in mail.outbox)


def test_the_notices_go_out_once(investigator, case, pavlodar, prosecutor_office):
    presume_victim(case)
    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.ACCUSED)
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)
    services.proceeding_update(actor=investigator, proceeding=proceeding, version=1, data=data)

    assert NonPunishmentNotice.objects.in_workspace(case.workspace).count() == 2
    assert AuditEvent.objects.filter(action="proceeding.non_punishment").count() == 1


@pytest.mark.parametrize(
    ("status", "role", "flagged"),
    [
        (VictimStatusDecision.Status.PRESUMED, ChildRole.SUSPECT, True),
        (VictimStatusDecision.Status.IDENTIFIED, ChildRole.ACCUSED, True),
        (VictimStatusDecision.Status.NOT_VICTIM, ChildRole.SUSPECT, False),
        (VictimStatusDecision.Status.PRESUMED, ChildRole.VICTIM, False),
        (VictimStatusDecision.Status.IDENTIFIED, ChildRole.WITNESS, False),
        (None, ChildRole.SUSPECT, False),
    ],
)
def test_the_flag_needs_a_victim_who_is_suspect_or_accused(
    investigator, case, pavlodar, prosecutor_office, status, role, flagged
):
    if status is not None:
        presume_victim(case, status)
    data = proceeding_input(pavlodar, prosecutor_office, child_role=role)
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)

    assert selectors.is_flagged(proceeding) is flagged
    assert NonPunishmentNotice.objects.in_workspace(case.workspace).exists() is flagged


def test_a_later_decision_superseding_presumed_by_not_a_victim_lifts_the_flag(
    investigator, case, pavlodar, prosecutor_office
):
    presumed = presume_victim(case)
    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT)
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)
    assert selectors.is_flagged(proceeding) is True

    VictimStatusDecision.objects.create(
        workspace=case.workspace,
        identification=presumed.identification,
        status=VictimStatusDecision.Status.NOT_VICTIM,
        organisation=presumed.organisation,
        decided_by=presumed.decided_by,
        decided_on=presumed.decided_on,
        legal_basis="Law No. 110-VIII, Art. 16",
        reasons="Reassessed",
        supersedes=presumed,
    )
    assert selectors.is_flagged(proceeding) is False


def test_a_decision_recorded_after_the_proceeding_is_caught_by_the_sweep(
    investigator, case, pavlodar, prosecutor_office, workspace
):
    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT)
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)
    assert not NonPunishmentNotice.objects.in_workspace(workspace).exists()

    presume_victim(case)
    assert selectors.is_flagged(proceeding) is True  # shown at once on every page
    created = services.non_punishment_sweep(workspace=workspace)
    again = services.non_punishment_sweep(workspace=workspace)

    assert len(created) == 2
    assert again == []


def test_a_flag_in_training_sends_no_email(
    investigator, training, pavlodar, prosecutor_office, manager, on_commit, immediate_tasks
):
    from qorgau.cases.tests.factories import TeamMemberFactory
    from qorgau.justice.tests.conftest import open_case

    case = open_case(manager, training, pavlodar)
    TeamMemberFactory(case=case, organisation=pavlodar["police"], invited_by=manager)
    presume_victim(case)
    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT)
    on_commit(services.proceeding_create, actor=investigator, case=case, data=data)

    assert NonPunishmentNotice.objects.in_workspace(training).count() == 2
    assert mail.outbox == []


# --- compensation claims ------------------------------------------------------------------
def _claim(**overrides) -> services.ClaimInput:
    values = {
        "route": Route.CIVIL_CLAIM_IN_CRIMINAL_CASE,
        "amount_claimed": Decimal("1500000.00"),
        **overrides,
    }
    return services.ClaimInput(**values)


def test_a_claim_is_recorded_awarded_and_paid(proceeding, manager):
    claim = services.claim_create(actor=manager, proceeding=proceeding, data=_claim())
    awarded = services.claim_update(
        actor=manager,
        claim=claim,
        version=1,
        data=_claim(
            status=ClaimStatus.PARTLY_AWARDED,
            amount_awarded=Decimal("800000"),
            amount_received=Decimal("200000.50"),
            filed_on=date(2026, 1, 15),
            decided_on=date(2026, 3, 1),
        ),
    )
    assert awarded.version == 2
    assert awarded.amount_received == Decimal("200000.50")
    event = AuditEvent.objects.filter(action="claim.update").get()
    assert event.details["amount_awarded"] == "800000.00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_claimed": Decimal("-1")}, "amount_claimed"),
        ({"amount_awarded": Decimal("-5")}, "amount_awarded"),
        ({"amount_received": Decimal("-5"), "amount_awarded": Decimal("10")}, "amount_received"),
        ({"amount_received": Decimal("100")}, "amount_received"),
        ({"status": ClaimStatus.AWARDED}, "amount_awarded"),
        ({"route": "lottery"}, "route"),
        ({"filed_on": date(2099, 1, 1)}, "filed_on"),
        ({"filed_on": date(2026, 2, 1), "decided_on": date(2026, 1, 1)}, "decided_on"),
    ],
)
def test_bad_claim_amounts_and_dates_are_refused_by_field(proceeding, manager, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        services.claim_create(actor=manager, proceeding=proceeding, data=_claim(**overrides))
    assert field in _errors(excinfo)


def test_more_received_than_awarded_is_refused_with_both_amounts(proceeding, manager):
    with pytest.raises(ValidationError) as excinfo:
        services.claim_create(
            actor=manager,
            proceeding=proceeding,
            data=_claim(amount_awarded=Decimal("1000"), amount_received=Decimal("1000.01")),
        )
    message = _errors(excinfo)["amount_received"][0]
    assert services.money(Decimal("1000.01")) in message
    assert services.money(Decimal("1000")) in message


def test_a_stale_claim_edit_is_refused(proceeding, manager, prosecutor):
    claim = services.claim_create(actor=manager, proceeding=proceeding, data=_claim())
    services.claim_update(actor=prosecutor, claim=claim, version=1, data=_claim(note="filed"))
    with pytest.raises(ValidationError) as excinfo:
        services.claim_update(actor=manager, claim=claim, version=1, data=_claim(note="mine"))
    assert excinfo.value.code == "stale"


def test_provider_staff_may_not_record_a_claim(proceeding, provider_staff):
    with pytest.raises(PermissionDenied):
        services.claim_create(actor=provider_staff, proceeding=proceeding, data=_claim())


def test_the_command_sweeps_the_real_workspace(investigator, case, pavlodar, prosecutor_office):
    from io import StringIO

    from django.core.management import call_command

    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT)
    services.proceeding_create(actor=investigator, case=case, data=data)
    presume_victim(case)
    out = StringIO()
    call_command("notify_non_punishment", stdout=out)
    assert out.getvalue().strip() == "2 new notice(s)"


# --- double submits racing on one idempotency key -----------------------------------------
def test_a_racing_double_submit_records_one_decision(proceeding, prosecutor, monkeypatch):
    key = uuid.uuid4()

    def decide():
        return services.decision_record(
            actor=prosecutor,
            proceeding=proceeding,
            kind="indictment",
            decided_on=date(2026, 2, 20),
            idempotency_key=key,
        )

    first = decide()
    lookups = miss_once(monkeypatch, services, "_replay")

    assert decide().pk == first.pk and len(lookups) == 2
    assert (
        Decision.objects.in_workspace(proceeding.workspace).filter(kind="indictment").count() == 1
    )
    assert AuditEvent.objects.filter(action="proceeding.decision").count() == 1


def test_a_racing_double_submit_records_one_interview(proceeding, investigator, monkeypatch):
    # Not video-recorded: in a real race the other request's statement is not committed yet,
    # so the re-interview warning cannot stop this one before it saves.
    data = _interview(video_recorded=False)
    key = uuid.uuid4()
    first = services.interview_record(
        actor=investigator, proceeding=proceeding, data=data, idempotency_key=key
    )
    lookups = miss_once(monkeypatch, services, "_replay")

    again = services.interview_record(
        actor=investigator, proceeding=proceeding, data=data, idempotency_key=key
    )

    assert again.pk == first.pk and len(lookups) == 2
    assert Interview.objects.in_workspace(proceeding.workspace).count() == 1
    assert AuditEvent.objects.filter(action="interview.record").count() == 1


def test_a_racing_double_submit_records_one_claim(proceeding, manager, monkeypatch):
    key = uuid.uuid4()
    first = services.claim_create(
        actor=manager, proceeding=proceeding, data=_claim(), idempotency_key=key
    )
    lookups = miss_once(monkeypatch, services, "_replay")

    again = services.claim_create(
        actor=manager, proceeding=proceeding, data=_claim(), idempotency_key=key
    )

    assert again.pk == first.pk and len(lookups) == 2
    assert CompensationClaim.objects.in_workspace(proceeding.workspace).count() == 1
    assert AuditEvent.objects.filter(action="claim.create").count() == 1


def test_a_racing_submit_with_someone_elses_key_is_refused(
    proceeding, manager, investigator, monkeypatch
):
    key = uuid.uuid4()
    services.claim_create(actor=manager, proceeding=proceeding, data=_claim(), idempotency_key=key)
    miss_once(monkeypatch, services, "_replay")

    with pytest.raises(ValidationError):
        services.claim_create(
            actor=investigator, proceeding=proceeding, data=_claim(), idempotency_key=key
        )
    assert CompensationClaim.objects.in_workspace(proceeding.workspace).count() == 1
