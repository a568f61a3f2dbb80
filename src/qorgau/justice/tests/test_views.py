"""Pages of the justice module: the case section, forms, refusals and bounded queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases.tests.factories import TeamMemberFactory
from qorgau.justice import services
from qorgau.justice.models import ChildRole, CompensationClaim, Interview, Proceeding
from qorgau.justice.tests.conftest import NUMBER, open_case, presume_victim, proceeding_input

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

LIST = reverse("justice:list")


def _form(pavlodar, prosecutor_office, **overrides):
    values = {
        "register_number": "26 1550 031 000123",
        "registered_on": "2026-01-10",
        "articles": ["cc2014-135", "cc2014-128"],
        "child_role": "victim",
        "investigating_organisation": pavlodar["police"].pk,
        "prosecutor_organisation": prosecutor_office.pk,
        "stage": "pre_trial",
        "outcome": "",
        **overrides,
    }
    return values


def test_the_case_page_shows_the_section_and_records_a_proceeding(
    client, manager, case, pavlodar, prosecutor_office
):
    client.force_login(manager)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert b'id="justice"' in page.content
    assert b'id="record-proceeding"' in page.content

    url = reverse("justice:create", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(pavlodar, prosecutor_office))
    proceeding = Proceeding.objects.in_workspace(case.workspace).get()
    assert response.status_code == 302
    assert response.url == reverse("justice:detail", args=[proceeding.pk])
    detail = client.get(response.url)
    assert NUMBER in detail.content.decode()
    assert "Жұмабаев Қайрат" in detail.content.decode()


def test_bad_input_shows_the_field_s_error_and_saves_nothing(
    client, manager, case, pavlodar, prosecutor_office
):
    client.force_login(manager)
    response = client.post(
        reverse("justice:create", args=[case.pk]),
        _form(pavlodar, prosecutor_office, register_number="12345", articles=[]),
    )
    assert response.status_code == 400
    assert "register_number" in response.context["form"].errors
    assert "articles" in response.context["form"].errors
    assert not Proceeding.objects.in_workspace(case.workspace).exists()


def test_provider_staff_and_guardianship_see_no_section_and_no_proceeding(
    client, case, proceeding, pavlodar, provider_staff
):
    TeamMemberFactory(case=case, organisation=pavlodar["crisis_centre"])
    guardian = user_with_role(Role.GUARDIANSHIP_OFFICER, pavlodar["guardianship"])
    for user in (provider_staff, guardian):
        client.force_login(user)
        page = client.get(reverse("cases:detail", args=[case.pk]))
        assert page.status_code == 200
        assert b'id="justice"' not in page.content
        assert client.get(reverse("justice:detail", args=[proceeding.pk])).status_code == 404
        assert client.get(LIST).status_code == 403


def test_the_flag_shows_on_case_and_proceeding_and_the_prosecutor_s_list(
    client, manager, investigator, prosecutor, case, pavlodar, prosecutor_office
):
    presume_victim(case)
    data = proceeding_input(pavlodar, prosecutor_office, child_role=ChildRole.SUSPECT)
    proceeding = services.proceeding_create(actor=investigator, case=case, data=data)
    client.force_login(manager)
    assert (
        b'id="non-punishment-case"' in client.get(reverse("cases:detail", args=[case.pk])).content
    )
    assert (
        b'id="non-punishment"'
        in client.get(reverse("justice:detail", args=[proceeding.pk])).content
    )

    client.force_login(prosecutor)
    page = client.get(LIST)
    assert b'id="notices"' in page.content
    notice = page.context["notices"][0]
    client.post(reverse("justice:notice_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_prosecutor_s_read_of_another_organisation_s_child_is_audited(
    client, prosecutor, proceeding
):
    client.force_login(prosecutor)
    assert client.get(reverse("justice:detail", args=[proceeding.pk])).status_code == 200
    event = AuditEvent.objects.get(action="proceeding.read")
    assert event.target_id == str(proceeding.pk)


def _interview_form(**overrides):
    return {
        "held_on": "2026-01-12",
        "interviewer": "Capt. D. Serikbayev",
        "interviewer_trained": "on",
        "video_recorded": "on",
        "psychologist_present": "on",
        "place": "Child-friendly room",
        **overrides,
    }


def test_the_interview_form_warns_of_a_recorded_statement_and_requires_a_reason(
    client, investigator, proceeding
):
    client.force_login(investigator)
    url = reverse("justice:interview", args=[proceeding.pk])
    first = client.get(url)
    assert b"reinterview-warning" not in first.content
    assert client.post(url, _interview_form()).status_code == 302

    again = client.get(url)
    assert b"reinterview-warning" in again.content
    refused = client.post(url, _interview_form(held_on="2026-02-01"))
    assert refused.status_code == 400
    assert "repeat_justification" in refused.context["form"].errors
    assert Interview.objects.in_workspace(proceeding.workspace).count() == 1

    reason = "A new episode is not covered by the recording."
    accepted = client.post(url, _interview_form(held_on="2026-02-01", repeat_justification=reason))
    assert accepted.status_code == 302
    assert (
        AuditEvent.objects.get(action="interview.repeat_justified").details["justification"]
        == reason
    )


def test_a_claim_with_more_received_than_awarded_is_refused_clearly(client, manager, proceeding):
    client.force_login(manager)
    url = reverse("justice:claim_create", args=[proceeding.pk])
    response = client.post(
        url,
        {
            "route": "civil_in_criminal",
            "status": "awarded",
            "amount_claimed": "1000000",
            "amount_awarded": "500000",
            "amount_received": "600000",
        },
    )
    assert response.status_code == 400
    assert services.money(Decimal("600000")) in response.content.decode()
    assert not CompensationClaim.objects.in_workspace(proceeding.workspace).exists()

    ok = client.post(
        url,
        {"route": "state_fund", "status": "filed", "amount_claimed": "250000.50"},
    )
    assert ok.status_code == 302
    claim = CompensationClaim.objects.in_workspace(proceeding.workspace).get()
    edit = reverse("justice:claim_edit", args=[claim.pk])
    assert client.get(edit).status_code == 200
    stale = client.post(
        edit,
        {"version": "0", "route": "state_fund", "status": "filed", "amount_claimed": "1"},
    )
    assert stale.status_code == 400
    assert "Someone else saved" in stale.content.decode()


def test_an_edit_saved_by_someone_else_first_is_refused_with_a_message(
    client, investigator, prosecutor, proceeding, pavlodar, prosecutor_office
):
    services.proceeding_update(
        actor=prosecutor,
        proceeding=proceeding,
        version=1,
        data=proceeding_input(pavlodar, prosecutor_office, stage="indictment"),
    )
    client.force_login(investigator)
    response = client.post(
        reverse("justice:edit", args=[proceeding.pk]),
        {**_form(pavlodar, prosecutor_office, stage="trial"), "version": "1"},
    )
    assert response.status_code == 400
    assert "Someone else saved" in response.content.decode()
    proceeding.refresh_from_db()
    assert proceeding.stage == "indictment"


def test_a_decision_is_recorded_from_the_page(client, prosecutor, proceeding):
    client.force_login(prosecutor)
    response = client.post(
        reverse("justice:decision", args=[proceeding.pk]),
        {"kind": "indictment", "decided_on": "2026-02-20", "summary": "To court"},
    )
    assert response.status_code == 302
    page = client.get(reverse("justice:detail", args=[proceeding.pk]))
    assert "To court" in page.content.decode()


def _make(investigator, manager, workspace, pavlodar, prosecutor_office, count, start):
    for i in range(count):
        case = open_case(manager, workspace, pavlodar, name=f"Child Number{start + i}")
        TeamMemberFactory(case=case, organisation=pavlodar["police"], invited_by=manager)
        presume_victim(case)
        services.proceeding_create(
            actor=investigator,
            case=case,
            data=proceeding_input(
                pavlodar,
                prosecutor_office,
                register_number=f"2615500310{start + i:05d}",
                child_role=ChildRole.SUSPECT,
            ),
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_2_or_12_proceedings(
    client, investigator, prosecutor, manager, workspace, pavlodar, prosecutor_office
):
    client.force_login(prosecutor)
    _make(investigator, manager, workspace, pavlodar, prosecutor_office, 2, 0)
    few = _count(client, LIST)
    _make(investigator, manager, workspace, pavlodar, prosecutor_office, 10, 100)
    many = _count(client, LIST)
    page = client.get(LIST)
    assert len(page.context["page"].object_list) == 12
    assert all(p.non_punishment for p in page.context["page"].object_list)
    assert few == many


def test_the_list_searches_by_number_and_stays_in_its_workspace(
    client, investigator, manager, training, pavlodar, prosecutor_office, proceeding
):
    case = open_case(manager, training, pavlodar)
    TeamMemberFactory(case=case, organisation=pavlodar["police"], invited_by=manager)
    services.proceeding_create(
        actor=investigator,
        case=case,
        data=proceeding_input(pavlodar, prosecutor_office, register_number="261550031000777"),
    )
    client.force_login(investigator)
    rows = client.get(LIST).context["page"].object_list
    assert [p.pk for p in rows] == [proceeding.pk]
    assert list(client.get(LIST, {"number": "777"}).context["page"].object_list) == []
    assert len(client.get(LIST, {"number": "000 123"}).context["page"].object_list) == 1


def test_registered_on_is_a_date(client, manager, case, pavlodar, prosecutor_office):
    client.force_login(manager)
    response = client.post(
        reverse("justice:create", args=[case.pk]),
        _form(pavlodar, prosecutor_office, registered_on="yesterday"),
    )
    assert response.status_code == 400
    assert "registered_on" in response.context["form"].errors
    assert not Proceeding.objects.in_workspace(case.workspace).exists()


def test_a_double_click_records_one_proceeding_one_interview_and_one_claim(
    client, investigator, case, pavlodar, prosecutor_office
):
    import uuid

    client.force_login(investigator)
    form = {**_form(pavlodar, prosecutor_office), "idempotency_key": str(uuid.uuid4())}
    url = reverse("justice:create", args=[case.pk])
    first, second = client.post(url, form), client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    proceeding = Proceeding.objects.in_workspace(case.workspace).get()

    interview = {**_interview_form(), "idempotency_key": str(uuid.uuid4())}
    url = reverse("justice:interview", args=[proceeding.pk])
    # The second click is not a second interview: no re-interview warning, one row.
    assert client.post(url, interview).status_code == 302
    assert client.post(url, interview).status_code == 302
    assert Interview.objects.in_workspace(case.workspace).count() == 1

    claim = {
        "route": "state_fund",
        "status": "filed",
        "amount_claimed": "100",
        "idempotency_key": str(uuid.uuid4()),
    }
    url = reverse("justice:claim_create", args=[proceeding.pk])
    client.post(url, claim)
    client.post(url, claim)
    assert CompensationClaim.objects.in_workspace(case.workspace).count() == 1


def test_a_training_proceeding_is_not_found_from_the_real_workspace(
    client, investigator, manager, training, pavlodar, prosecutor_office
):
    case = open_case(manager, training, pavlodar)
    TeamMemberFactory(case=case, organisation=pavlodar["police"], invited_by=manager)
    proceeding = services.proceeding_create(
        actor=investigator, case=case, data=proceeding_input(pavlodar, prosecutor_office)
    )
    client.force_login(investigator)
    assert client.get(reverse("justice:detail", args=[proceeding.pk])).status_code == 404


def test_the_case_s_own_people_read_without_an_audit_event(client, manager, proceeding):
    client.force_login(manager)
    assert client.get(reverse("justice:detail", args=[proceeding.pk])).status_code == 200
    assert not AuditEvent.objects.filter(action="proceeding.read").exists()


def test_a_team_organisation_reads_but_may_not_edit(client, case, proceeding, pavlodar):
    centre_manager = user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"])
    TeamMemberFactory(case=case, organisation=pavlodar["crisis_centre"])
    client.force_login(centre_manager)
    page = client.get(reverse("justice:detail", args=[proceeding.pk]))
    assert page.status_code == 200
    assert b'id="edit-proceeding"' not in page.content
    assert client.get(reverse("justice:edit", args=[proceeding.pk])).status_code == 403
    assert client.get(reverse("justice:interview", args=[proceeding.pk])).status_code == 403


def test_the_interview_form_hides_the_details_of_a_proceeding_the_user_may_not_view(
    client, investigator, manager, case, proceeding, pavlodar
):
    """The warning still fires; another body's ERDR number and interviewer stay hidden."""
    services.interview_record(
        actor=investigator,
        proceeding=proceeding,
        data=services.InterviewInput(
            held_on=proceeding.registered_on.replace(day=12),
            interviewer="Capt. D. Serikbayev",
            interviewer_trained=True,
            video_recorded=True,
            psychologist_present=True,
            legal_representative_present=False,
            child_friendly_room=True,
            place="Child-friendly room",
            repeat_justification="",
        ),
    )
    transport_police = OrganisationFactory(
        name="Transport police of Pavlodar",
        type=pavlodar["police"].type,
        region=pavlodar["police"].region,
    )
    other = services.proceeding_create(
        actor=manager,
        case=case,
        data=proceeding_input(
            pavlodar,
            None,
            register_number="261550031000999",
            investigating_organisation=transport_police,
        ),
    )
    outsider = user_with_role(Role.INVESTIGATOR, transport_police, email="t@police.kz")
    url = reverse("justice:interview", args=[other.pk])

    client.force_login(outsider)
    page = client.get(url)
    assert page.status_code == 200
    assert b"reinterview-warning" in page.content
    assert NUMBER.encode() not in page.content
    assert b"Serikbayev" not in page.content

    client.force_login(manager)
    page = client.get(url)
    assert NUMBER.encode() in page.content
    assert b"Serikbayev" in page.content
