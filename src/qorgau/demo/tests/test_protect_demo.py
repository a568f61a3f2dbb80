"""The Protect demo: children and cases written through the services, by the right people."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import User
from qorgau.audit.models import AuditEvent
from qorgau.cases.duplicate_models import DuplicatePair, DuplicateScan
from qorgau.cases.duplicates import possible_matches
from qorgau.cases.models import Case, Child, ChildName
from qorgau.cases.models_care import Closure
from qorgau.cases.reminder_models import CareReminder
from qorgau.cases.reminders import reminders_for
from qorgau.core.workspaces import real_workspace
from qorgau.justice.models import CompensationClaim, Interview, Proceeding
from qorgau.referrals.models import Referral, Status
from qorgau.referrals.selectors import overdue
from qorgau.screening.models import Screening, VictimStatusDecision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_children_are_in_the_real_workspace_in_three_scripts():
    workspace = real_workspace()
    names = set(Child.objects.in_workspace(workspace).values_list("names__full_name", flat=True))
    assert {"Жұмабаев Қайрат Ерланұлы", "ZHUMABAEV KAIRAT", "Aliyev Timur"} <= names
    assert 6 <= Child.objects.in_workspace(workspace).count() <= 10
    assert Case.objects.in_workspace(workspace).count() == 5


def test_a_screening_opened_an_identification_and_kostanay_presumed_a_victim():
    workspace = real_workspace()
    screening = Screening.objects.in_workspace(workspace).get()
    assert screening.screened_by == User.objects.get(username="frontline")
    decision = VictimStatusDecision.objects.in_workspace(workspace).get()
    assert decision.identification.screening == screening
    assert decision.decided_by == User.objects.get(username="casemanager")
    assert decision.status == "presumed"


def test_the_duplicate_pair_is_the_same_boy_in_two_organisations_and_two_scripts():
    workspace = real_workspace()
    pair = Child.objects.in_workspace(workspace).filter(
        names__full_name__in=["Жұмабаев Қайрат Ерланұлы", "ZHUMABAEV KAIRAT"]
    )
    assert pair.values("organisation").distinct().count() == 2
    # Registering the Latin spelling in Kostanay warns of Pavlodar's record (named, not shown).
    matches = possible_matches(
        user=User.objects.get(username="casemanager"),
        workspace=workspace,
        names=["ZHUMABAEV KAIRAT"],
        age_min=14,
        age_max=16,
        sex="male",
    )
    others = [m for m in matches if not m.own]
    assert [m.organisation.name for m in others] == [
        "Отдел опеки и попечительства Управления образования Павлодарской области"
    ]
    assert others[0].probability > 0.9


def test_the_supervisor_sees_one_overdue_referral():
    supervisor = User.objects.get(username="supervisor")
    listed = list(overdue(user=supervisor, workspace=real_workspace()))
    assert len(listed) == 1
    names = ChildName.objects.in_workspace(real_workspace()).filter(child=listed[0].case.child)
    assert list(names.values_list("full_name", flat=True)) == ["Иванова Анастасия Сергеевна"]


def test_the_provider_accepted_a_referral_and_delivered_a_service():
    workspace = real_workspace()
    provider = User.objects.get(username="provider")
    assert Referral.objects.in_workspace(workspace).filter(status=Status.IN_PROGRESS).exists()
    actions = set(AuditEvent.objects.filter(actor=provider).values_list("action", flat=True))
    assert {"referral.accept", "referral.start"} <= actions
    assert any("deliver" in action for action in actions)


def test_the_investigator_recorded_a_proceeding_an_interview_and_a_claim():
    workspace = real_workspace()
    investigator = User.objects.get(username="investigator")
    proceeding = Proceeding.objects.in_workspace(workspace).get()
    assert Interview.objects.in_workspace(workspace).filter(proceeding=proceeding).exists()
    assert CompensationClaim.objects.in_workspace(workspace).filter(proceeding=proceeding).exists()
    actions = set(AuditEvent.objects.filter(actor=investigator).values_list("action", flat=True))
    assert any("interview" in action for action in actions)


def test_one_case_is_closed_and_in_follow_up():
    workspace = real_workspace()
    followed = Case.objects.in_workspace(workspace).get(stage="follow_up")
    closure = Closure.objects.in_workspace(workspace).get(case=followed)
    assert closure.status == "follow_up"


def test_the_duplicate_review_queue_shows_the_pair_without_anyone_running_a_scan(client):
    workspace = real_workspace()
    pair = DuplicatePair.objects.in_workspace(workspace).get(status=DuplicatePair.Status.OPEN)
    names = {
        name
        for child in (pair.left, pair.right)
        for name in child.names.in_workspace(workspace).values_list("full_name", flat=True)
    }
    assert names == {"Жұмабаев Қайрат Ерланұлы", "ZHUMABAEV KAIRAT"}
    scan = DuplicateScan.objects.in_workspace(workspace).get()
    assert scan.status == DuplicateScan.Status.DONE and scan.pairs_found == 1
    assert scan.requested_by.username == "casemanager"
    assert AuditEvent.objects.filter(action="duplicates.scan").count() == 1

    client.force_login(User.objects.get(username="casemanager"))
    page = client.get(reverse("cases:duplicates")).content.decode()

    assert f'id="pair-{pair.pk}"' in page
    assert "Жұмабаев Қайрат Ерланұлы" in page
    assert pair.right_organisation.name in page or pair.left_organisation.name in page
    # The demo again adds no second scan.
    call_command("demo", no_serve=True, stdout=io.StringIO())
    assert DuplicateScan.objects.in_workspace(workspace).count() == 1


def test_the_case_manager_is_reminded_of_an_overdue_visit_and_a_plan_ending_soon(client):
    workspace = real_workspace()
    manager = User.objects.get(username="casemanager")
    reminders = {r.kind: r for r in reminders_for(user=manager, workspace=workspace)}
    told = AuditEvent.objects.filter(action="case.remind").count()

    assert set(reminders) == {CareReminder.Kind.VISIT_OVERDUE, CareReminder.Kind.PLAN_ENDING}
    overdue, ending = reminders["visit_overdue"], reminders["plan_ending"]
    assert overdue.case.stage == "follow_up" and overdue.case.manager == manager
    assert overdue.visit.status == "planned" and overdue.due_on < timezone.localdate()
    assert ending.case.stage in ("identification", "assistance", "social_inclusion")
    assert ending.case.manager == manager
    assert 0 <= (ending.due_on - timezone.localdate()).days <= 30
    assert told == 2

    client.force_login(manager)
    page = client.get(reverse("cases:reminders")).content.decode()
    home = client.get(reverse("core:home")).content.decode()
    call_command("demo", no_serve=True, stdout=io.StringIO())

    assert 'data-kind="visit_overdue"' in page and 'data-kind="plan_ending"' in page
    assert overdue.case.number in page and ending.case.number in page
    assert 'data-open="2"' in home
    # The demo again tells nobody twice.
    assert AuditEvent.objects.filter(action="case.remind").count() == told
    assert CareReminder.objects.in_workspace(workspace).count() == 2
