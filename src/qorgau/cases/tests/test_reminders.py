"""Reminders of a child's care (ADR 0022): each threshold on its day, once however often the
job runs, to the right people in their language without naming the child, and nothing more
once the case is closed or reopened, the visit recorded or the plan extended. Time is frozen."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from qorgau.accounts.models import Membership
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import reminders
from qorgau.cases import services_closure as closures
from qorgau.cases import services_plan as plans
from qorgau.cases.models_care import FollowUpVisit
from qorgau.cases.reminder_models import CareReminder
from qorgau.cases.reminder_tasks import send_care_reminder_emails
from qorgau.cases.reminders import care_reminders_send, reminders_for
from qorgau.cases.tests.test_care_services import (
    approve,
    at,
    best_interests,
    make_plan,
    record,
    request_closure,
)
from qorgau.cases.tests.test_services import open_case, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

Kind = CareReminder.Kind
CHILD = "Жұмабаев Қайрат"


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


@pytest.fixture
def case(manager, pavlodar, workspace):
    manager.language = "kk"
    manager.save(update_fields=["language"])
    child = register(manager, pavlodar["social_protection"], workspace, CHILD)
    return open_case(manager, child, workspace)


@pytest.fixture
def supervisor(pavlodar):
    return user_with_role(
        Role.SUPERVISOR, pavlodar["social_protection"], email="bolat@sp.kz", language="ru"
    )


@pytest.fixture
def send(workspace, on_commit, immediate_tasks):
    """Run the daily write (and the e-mails it queues) on the frozen day."""

    def run() -> list[CareReminder]:
        return on_commit(care_reminders_send, workspace=workspace)

    return run


def kinds(workspace) -> list[tuple[str, date]]:
    rows = CareReminder.objects.in_workspace(workspace).order_by("pk")
    return list(rows.values_list("kind", "due_on"))


def close_case(manager, supervisor, case, months=6):
    """Closed on the frozen day with a follow-up of ``months``: visits every 3 months."""
    record(manager, case, best_interests(outcome="stay"))
    closure = request_closure(manager, case, reason="independent_living", months=months)
    approve(supervisor, closure.approval)
    case.refresh_from_db()
    return closures.case_close(actor=manager, closure=closure, version=case.version)


def assert_names_no_child(message) -> None:
    text = message.subject + message.body
    assert CHILD.split()[0] not in text and "Қайрат" not in text
    assert "/cases/reminders/" in message.body


# --- the plan -----------------------------------------------------------------------------
def test_a_plan_ending_within_the_data_days_reminds_its_manager_once(
    manager, supervisor, case, workspace, send
):
    with at("2026-01-15"):
        plan = make_plan(manager, case)  # last day 14 July 2026; 30 days before: 14 June
    with at("2026-06-13"):
        assert send() == []
    with at("2026-06-14"):
        first = send()
        again = send()
        call_command("care_reminders", stdout=io.StringIO())

    assert [(r.kind, r.plan_id, r.due_on) for r in first] == [
        (Kind.PLAN_ENDING, plan.pk, date(2026, 7, 14))
    ]
    assert again == []
    assert kinds(workspace) == [(Kind.PLAN_ENDING, date(2026, 7, 14))]
    assert [m.to for m in mail.outbox] == [["aliya@sp.kz"]]  # the manager only
    with translation.override("kk"):
        assert mail.outbox[0].subject == translation.gettext("Qorgau: an assistance plan ends soon")
    assert mail.outbox[0].subject != "Qorgau: an assistance plan ends soon"
    assert_names_no_child(mail.outbox[0])
    assert AuditEvent.objects.filter(action="case.remind").count() == 1


def test_a_plan_past_its_end_reminds_the_manager_and_the_supervisors_once(
    manager, supervisor, case, workspace, send
):
    with at("2026-01-15"):
        make_plan(manager, case)
    with at("2026-07-14"):
        send()  # the last day: ending, not past yet
        assert reminders_for(user=manager, workspace=workspace).count() == 1
    mail.outbox.clear()
    with at("2026-07-15"):
        late = send()
        assert send() == []
        mine = list(reminders_for(user=manager, workspace=workspace))
        supervised = list(reminders_for(user=supervisor, workspace=workspace))

    assert [r.kind for r in late] == [Kind.PLAN_ENDED]
    assert sorted(m.to[0] for m in mail.outbox) == ["aliya@sp.kz", "bolat@sp.kz"]
    by_address = {m.to[0]: m for m in mail.outbox}
    with translation.override("ru"):
        expected = translation.gettext("Qorgau: an assistance plan is past its end")
    assert by_address["bolat@sp.kz"].subject == expected  # the supervisor's language
    for message in mail.outbox:
        assert_names_no_child(message)
    # The ending reminder has had its day; the overdue one stays until someone acts.
    assert [r.kind for r in mine] == [Kind.PLAN_ENDED]
    assert [r.kind for r in supervised] == [Kind.PLAN_ENDED]


def test_an_extended_plan_stops_the_reminders_of_its_old_end_and_is_reminded_of_the_new(
    manager, supervisor, case, workspace, send
):
    with at("2026-01-15"):
        plan = make_plan(manager, case)
    with at("2026-06-20"):
        send()
        plan.refresh_from_db()
        plan = plans.plan_extend(
            actor=manager, plan=plan, version=plan.version, reason="The trial is in August."
        )
        assert plan.ends_on == date(2026, 10, 14)
        assert reminders_for(user=manager, workspace=workspace).count() == 0
    with at("2026-07-15"):
        assert send() == []  # not past its (new) end
    with at("2026-09-14"):
        renewed = send()

    assert [(r.kind, r.due_on) for r in renewed] == [(Kind.PLAN_ENDING, date(2026, 10, 14))]
    assert kinds(workspace) == [
        (Kind.PLAN_ENDING, date(2026, 7, 14)),
        (Kind.PLAN_ENDING, date(2026, 10, 14)),
    ]


def test_a_closed_case_gets_no_plan_reminder(manager, supervisor, case, workspace, send):
    with at("2026-01-15"):
        make_plan(manager, case)
    with at("2026-05-04"):
        close_case(manager, supervisor, case, months=12)
    with at("2026-07-20"):
        assert send() == []
    with at("2026-08-05"):
        sent = send()

    # Only the first follow-up visit (due 4 August) is overdue; the plan is not reminded.
    assert [r.kind for r in sent] == [Kind.VISIT_OVERDUE]


# --- follow-up visits ---------------------------------------------------------------------
def test_an_overdue_follow_up_visit_is_told_once_to_the_manager_and_the_supervisors(
    manager, supervisor, case, workspace, send
):
    with at("2026-03-02"):
        closure = close_case(manager, supervisor, case)  # visits 2 June and 2 September
    first, second = FollowUpVisit.objects.in_workspace(workspace).filter(closure=closure)
    with at("2026-06-02"):
        assert send() == []  # due today, not overdue
    with at("2026-06-03"):
        told = send()
        assert send() == []
        supervised = list(reminders_for(user=supervisor, workspace=workspace))
        closures.follow_up_record(
            actor=manager, visit=first, visited_on=date(2026, 6, 3), note="Living safely."
        )
        after = reminders_for(user=supervisor, workspace=workspace).count()
    with at("2026-09-03"):
        later = send()

    assert [(r.kind, r.visit_id) for r in told] == [(Kind.VISIT_OVERDUE, first.pk)]
    assert [r.visit_id for r in supervised] == [first.pk]
    assert after == 0  # recorded: no longer listed
    assert [(r.kind, r.visit_id) for r in later] == [(Kind.VISIT_OVERDUE, second.pk)]
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert addresses == ["aliya@sp.kz", "aliya@sp.kz", "bolat@sp.kz", "bolat@sp.kz"]
    for message in mail.outbox:
        assert_names_no_child(message)


def test_a_reopened_case_gets_no_visit_reminder(manager, supervisor, case, workspace, send):
    with at("2026-03-02"):
        close_case(manager, supervisor, case)
    with at("2026-05-10"):
        case.refresh_from_db()
        closures.case_reopen(
            actor=manager, case=case, version=case.version, reason="The recruiter came back."
        )
    with at("2026-06-03"):
        assert send() == []
    with at("2026-09-03"):
        assert send() == []
    assert mail.outbox == []


def test_a_finished_follow_up_gets_no_visit_reminder(manager, supervisor, case, workspace, send):
    with at("2026-03-02"):
        closure = close_case(manager, supervisor, case)
        case.refresh_from_db()
        closure = closures.follow_up_start(actor=manager, closure=closure, version=case.version)
        case.refresh_from_db()
        closures.follow_up_finish(actor=manager, closure=closure, version=case.version)
    with at("2026-06-03"):
        assert send() == []


# --- rechecked at send -------------------------------------------------------------------
def _written_not_sent(workspace) -> list[int]:
    """The daily write without its e-mails (queued on a commit that never comes here)."""
    return [reminder.pk for reminder in care_reminders_send(workspace=workspace)]


def test_the_e_mail_skips_a_person_who_may_no_longer_see_the_case(
    manager, supervisor, case, workspace, immediate_tasks
):
    with at("2026-03-02"):
        close_case(manager, supervisor, case)
    with at("2026-06-03"):
        ids = _written_not_sent(workspace)
        # Between the write and the send, the case manager leaves the organisation.
        Membership.objects.filter(user=manager).update(is_active=False)
        sent = send_care_reminder_emails.call(reminder_ids=ids)

    assert len(ids) == 1
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["bolat@sp.kz"]]  # the supervisor only


def test_the_e_mail_skips_a_reminder_no_longer_due(
    manager, supervisor, case, workspace, immediate_tasks
):
    with at("2026-03-02"):
        closure = close_case(manager, supervisor, case)
    first = FollowUpVisit.objects.in_workspace(workspace).filter(closure=closure).first()
    with at("2026-06-03"):
        ids = _written_not_sent(workspace)
        # The visit is recorded before the e-mails go out.
        closures.follow_up_record(
            actor=manager, visit=first, visited_on=date(2026, 6, 3), note="Living safely."
        )
        sent = send_care_reminder_emails.call(reminder_ids=ids)

    assert len(ids) == 1
    assert sent == 0
    assert mail.outbox == []


# --- idempotency is the database's --------------------------------------------------------
def test_a_reminder_told_already_is_a_conflict_not_a_second_row(
    manager, supervisor, case, workspace, send, monkeypatch
):
    with at("2026-03-02"):
        close_case(manager, supervisor, case)
    with at("2026-06-03"):
        told = send()
        due = reminders.reminders_due
        # Another run looked before this one wrote: the lookup still offers the same visit.
        stale = [
            reminders._Due(
                Kind.VISIT_OVERDUE,
                case.pk,
                case.organisation_id,
                told[0].due_on,
                visit_id=told[0].visit_id,
            )
        ]
        monkeypatch.setattr(reminders, "reminders_due", lambda **kwargs: stale + due(**kwargs))
        again = send()
        with pytest.raises(IntegrityError), transaction.atomic():
            CareReminder.objects.create(
                workspace=workspace,
                case=case,
                kind=Kind.VISIT_OVERDUE,
                visit_id=told[0].visit_id,
                due_on=told[0].due_on,
            )

    assert again == []
    assert CareReminder.objects.in_workspace(workspace).count() == 1
    assert len(mail.outbox) == 2  # manager and supervisor, once


def test_the_training_workspace_reminds_in_the_app_but_e_mails_nobody(
    manager, supervisor, pavlodar, training, on_commit, immediate_tasks
):
    child = register(manager, pavlodar["social_protection"], training, CHILD)
    practice = open_case(manager, child, training)
    with at("2026-01-15"):
        make_plan(manager, practice)
    with at("2026-07-20"):
        sent = on_commit(care_reminders_send, workspace=training)

    assert [r.kind for r in sent] == [Kind.PLAN_ENDED]
    assert mail.outbox == []


# --- the daily command --------------------------------------------------------------------
def test_the_daily_command_writes_the_reminders_once(manager, supervisor, case, workspace):
    with at("2026-01-15"):
        make_plan(manager, case)
    with at("2026-07-20"):
        out = io.StringIO()
        call_command("daily", stdout=out)
        call_command("daily", stdout=io.StringIO())

    assert "care_reminders: 1 new care reminder(s)" in out.getvalue()
    assert kinds(workspace) == [(Kind.PLAN_ENDED, date(2026, 7, 14))]


# --- the page -----------------------------------------------------------------------------
def test_the_page_lists_the_reminders_in_constant_queries(
    client, manager, supervisor, pavlodar, workspace, django_assert_num_queries
):
    client.force_login(manager)

    def cases_with_ended_plans(count: int) -> None:
        with at("2026-01-15"):
            for n in range(count):
                child = register(manager, pavlodar["social_protection"], workspace, f"Child {n}")
                make_plan(manager, open_case(manager, child, workspace))
        with at("2026-07-20"):
            care_reminders_send(workspace=workspace)

    cases_with_ended_plans(2)
    with at("2026-07-20"):
        client.get(reverse("cases:reminders"))  # warm the session and the grants
        with django_assert_num_queries(9) as few:
            small = client.get(reverse("cases:reminders"))
    cases_with_ended_plans(4)
    with at("2026-07-20"), django_assert_num_queries(len(few.captured_queries)):
        large = client.get(reverse("cases:reminders"))

    assert small.status_code == 200
    page = large.content.decode()
    assert page.count('data-kind="plan_ended"') == 6
    assert "Child 0" not in page  # case numbers, never the children's names


def test_the_page_filters_by_case_number_and_kind_and_says_when_nothing_matches(
    client, manager, supervisor, case, workspace
):
    with at("2026-01-15"):
        make_plan(manager, case)
    with at("2026-07-20"):
        care_reminders_send(workspace=workspace)
        client.force_login(manager)
        found = client.get(reverse("cases:reminders"), {"q": case.number}).content.decode()
        other_kind = client.get(reverse("cases:reminders"), {"kind": "visit_overdue"})
        unknown = client.get(reverse("cases:reminders"), {"q": "no-such-number"})

    assert 'data-kind="plan_ended"' in found and case.number in found
    assert 'data-kind="' not in other_kind.content.decode()
    assert 'class="empty"' in unknown.content.decode()


def test_a_supervisor_sees_only_what_is_overdue_and_others_see_nothing(
    client, manager, supervisor, case, workspace, pavlodar
):
    with at("2026-01-15"):
        make_plan(manager, case)
    elsewhere = user_with_role(Role.SUPERVISOR, pavlodar["crisis_centre"])
    with at("2026-06-20"):
        care_reminders_send(workspace=workspace)
        ending_for_supervisor = reminders_for(user=supervisor, workspace=workspace).count()
        ending_for_manager = reminders_for(user=manager, workspace=workspace).count()
    with at("2026-07-20"):
        care_reminders_send(workspace=workspace)
        assert reminders_for(user=elsewhere, workspace=workspace).count() == 0
        front_line = user_with_role(Role.FRONT_LINE, pavlodar["social_protection"])
        client.force_login(front_line)
        refused = client.get(reverse("cases:reminders"))

    assert (ending_for_supervisor, ending_for_manager) == (0, 1)
    assert refused.status_code == 403


def test_the_page_says_when_there_is_nothing_to_do(client, manager, case):
    client.force_login(manager)

    page = client.get(reverse("cases:reminders"))

    assert page.status_code == 200
    assert 'class="empty"' in page.content.decode()
    assert reverse("cases:reminders") in page.content.decode()  # in the menu


# --- the home page ------------------------------------------------------------------------
def _home_panel(client) -> str:
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.find('id="home-reminders"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def test_the_home_page_counts_the_open_reminders_in_constant_queries(
    client, manager, pavlodar, workspace, django_assert_num_queries
):
    client.force_login(manager)

    def cases_with_ended_plans(count: int) -> None:
        with at("2026-01-15"):
            for n in range(count):
                child = register(manager, pavlodar["social_protection"], workspace, f"Child {n}")
                make_plan(manager, open_case(manager, child, workspace))
        with at("2026-07-20"):
            care_reminders_send(workspace=workspace)

    cases_with_ended_plans(1)
    with at("2026-07-20"):
        client.get(reverse("core:home"))  # warm the session and the grants
        with django_assert_num_queries(8) as few:
            one = _home_panel(client)
    cases_with_ended_plans(3)
    with at("2026-07-20"), django_assert_num_queries(len(few.captured_queries)):
        four = _home_panel(client)

    assert 'data-open="1"' in one and "Open 1 reminder<" in one
    assert 'data-open="4"' in four and "Open 4 reminders" in four
    assert f'href="{reverse("cases:reminders")}"' in four


def test_the_home_page_counts_only_what_is_still_open(manager, supervisor, case, workspace, client):
    with at("2026-03-02"):
        closure = close_case(manager, supervisor, case)
    first = FollowUpVisit.objects.in_workspace(workspace).filter(closure=closure).first()
    client.force_login(supervisor)
    with at("2026-06-03"):
        care_reminders_send(workspace=workspace)
        overdue = _home_panel(client)
        closures.follow_up_record(
            actor=manager, visit=first, visited_on=date(2026, 6, 3), note="Living safely."
        )
        recorded = _home_panel(client)

    assert 'data-open="1"' in overdue  # the supervisor is told of the overdue visit
    assert 'data-open="0"' in recorded  # recorded: nothing open any more
    assert 'class="empty"' in recorded
    assert f'href="{reverse("cases:reminders")}"' in recorded


def test_the_home_page_shows_no_reminders_to_someone_without_a_reminders_page(
    client, manager, supervisor, case, pavlodar, workspace
):
    with at("2026-03-02"):
        close_case(manager, supervisor, case)
    with at("2026-06-03"):
        care_reminders_send(workspace=workspace)
        for role in (Role.FRONT_LINE, Role.TRAINER, Role.AUDITOR):
            client.force_login(user_with_role(role, pavlodar["social_protection"]))
            assert _home_panel(client) == "", role
            home = client.get(reverse("core:home")).content.decode()
            assert reverse("cases:reminders") not in home


# --- the API ------------------------------------------------------------------------------
def test_the_api_lists_the_same_reminders_in_constant_queries(
    manager, supervisor, pavlodar, workspace
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qorgau.cases.tests.test_api import _api

    def ended_plans(count: int) -> None:
        with at("2026-01-15"):
            for n in range(count):
                child = register(manager, pavlodar["social_protection"], workspace, f"Child {n}")
                make_plan(manager, open_case(manager, child, workspace))
        with at("2026-07-20"):
            care_reminders_send(workspace=workspace)

    api = _api(manager)
    ended_plans(1)
    with at("2026-07-20"):
        api.get("/api/reminders")
        with CaptureQueriesContext(connection) as one:
            api.get("/api/reminders")
        ended_plans(3)
        with CaptureQueriesContext(connection) as four:
            body = api.get("/api/reminders").json()
        filtered = api.get("/api/reminders", {"kind": "plan_ending"}).json()
        refused = _api(user_with_role(Role.FRONT_LINE, pavlodar["social_protection"])).get(
            "/api/reminders"
        )

    assert body["count"] == 4
    assert {item["kind"] for item in body["items"]} == {"plan_ended"}
    assert all(item["days_left"] == -6 for item in body["items"])
    assert "Child" not in str(body)
    assert len(four) == len(one)
    assert filtered == {"items": [], "count": 0}
    assert refused.status_code == 403
