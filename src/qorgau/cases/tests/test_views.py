"""Pages of the case module: wiring, refusals and bounded queries (rules: test_services)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import Membership
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import services
from qorgau.cases.models import Case, Child, Consent, TeamMember
from qorgau.cases.services import ChildInput, NameInput
from qorgau.screening.tests.factories import IdentificationFactory, ScreeningFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

LIST = reverse("cases:list")
REGISTER = reverse("cases:register")


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


def _open(manager, workspace, name="Жұмабаев Қайрат") -> Case:
    organisation = Membership.objects.get(user=manager).organisation
    child = services.child_register(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(
            region=organisation.region, names=[NameInput(name)], age_min=14, age_max=14
        ),
    )
    return services.case_open(
        actor=manager,
        organisation=organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )


def _register_form(pavlodar, **fields):
    return {
        "idempotency_key": str(uuid.uuid4()),
        "name_1": "Zhumabayev Kairat",
        "script_1": "",
        "source_1": "passport",
        "age_min": "14",
        "age_max": "14",
        "sex": "male",
        "region": str(pavlodar.region.pk),
        "citizenship": "KZ",
        **fields,
    }


def test_registering_a_child_opens_a_case_and_shows_it(client, manager, pavlodar, workspace):
    client.force_login(manager)
    response = client.post(REGISTER, _register_form(pavlodar))
    case = Case.objects.in_workspace(workspace).get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    page = client.get(response.url)
    assert "Zhumabayev Kairat" in page.content.decode()
    assert case.child.names.across_workspaces().get().script == "latin"


def test_a_possible_match_is_shown_before_registering(
    client, manager, centre_manager, pavlodar, workspace
):
    _open(centre_manager, workspace)
    client.force_login(manager)
    response = client.post(REGISTER, _register_form(pavlodar))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible existing records" in body
    assert "crisis_centre of KZ-55" in body
    assert "Жұмабаев" not in body  # the other organisation's record stays closed
    assert Child.objects.in_workspace(workspace).count() == 1
    confirmed = client.post(REGISTER, _register_form(pavlodar, checked="yes"))
    assert confirmed.status_code == 302
    assert Child.objects.in_workspace(workspace).count() == 2


def test_a_double_submit_opens_one_case(client, manager, pavlodar, workspace):
    client.force_login(manager)
    form = _register_form(pavlodar)
    client.post(REGISTER, form)
    client.post(REGISTER, {**form, "checked": "yes"})
    assert Case.objects.in_workspace(workspace).count() == 1


def test_a_person_who_runs_no_cases_cannot_register(client, pavlodar):
    client.force_login(user_with_role(Role.INVESTIGATOR, pavlodar["police"]))
    assert client.get(REGISTER).status_code == 403


def test_the_case_list_runs_the_same_queries_for_few_and_many_cases(client, manager, workspace):
    _open(manager, workspace)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(6):
        _open(manager, workspace, name=f"Child {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 7
    assert len(many) == len(few)


def test_the_case_list_searches_by_number(client, manager, workspace):
    first = _open(manager, workspace)
    _open(manager, workspace, name="Other")
    client.force_login(manager)
    response = client.get(LIST, {"number": first.number})
    assert list(response.context["page"].object_list) == [first]


def test_the_case_page_shows_the_case_and_hides_it_from_others(
    client, manager, pavlodar, workspace
):
    case = _open(manager, workspace)
    client.force_login(manager)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    client.force_login(user_with_role(Role.CASE_MANAGER, pavlodar["police"]))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_guardianship_officer_sees_the_case_and_the_read_is_audited(
    client, manager, guardian_officer, workspace
):
    case = _open(manager, workspace)
    client.force_login(guardian_officer)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="case.read", actor=guardian_officer).exists()
    assert b"Record consent" not in response.content


def test_a_stale_stage_change_says_someone_else_saved_first(client, manager, supervisor, workspace):
    case = _open(manager, workspace)
    services.case_change_stage(actor=supervisor, case=case, version=1, to_stage="assistance")
    client.force_login(manager)
    response = client.post(
        reverse("cases:stage", args=[case.pk]), {"stage": "social_inclusion", "version": "1"}
    )
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()


def test_consent_is_recorded_and_withdrawn_through_the_pages(client, manager, workspace):
    case = _open(manager, workspace)
    client.force_login(manager)
    response = client.post(
        reverse("cases:consent", args=[case.pk]),
        {
            "purpose": "referral",
            "given_by_name": "Сауле",
            "given_by_relation": "mother",
            "given_on": timezone.localdate().isoformat(),
            "child_view": "Agrees",
            "maturity_note": "14",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.in_workspace(workspace).get()
    url = reverse("cases:consent_withdraw", args=[consent.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Changed her mind"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_an_invited_organisation_accepts_from_its_case_list(
    client, manager, centre_manager, pavlodar, workspace
):
    case = _open(manager, workspace)
    client.force_login(manager)
    client.post(
        reverse("cases:invite", args=[case.pk]),
        {"organisation": pavlodar["crisis_centre"].pk, "role_note": "Shelter"},
    )
    member = TeamMember.objects.in_workspace(workspace).get()
    client.force_login(centre_manager)
    assert "Invitations to case teams" in client.get(LIST).content.decode()
    response = client.post(reverse("cases:invitation", args=[member.pk]), {"decision": "accept"})
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert client.get(response.url).status_code == 200


def test_a_case_opens_from_the_identification_page(client, pavlodar, workspace):
    screener = user_with_role(Role.CASE_MANAGER, pavlodar["school"])
    identification = IdentificationFactory(
        screening=ScreeningFactory(organisation=pavlodar["school"], child_name="Айгерим")
    )
    client.force_login(screener)
    page = client.get(reverse("screening:identification", args=[identification.pk]))
    assert b"Open a case" in page.content
    url = reverse("cases:from_identification", args=[identification.pk])
    assert "Айгерим" in client.get(url).content.decode()
    key = str(uuid.uuid4())
    first = client.post(url, {"idempotency_key": key})
    second = client.post(url, {"idempotency_key": key})
    case = Case.objects.in_workspace(workspace).get()
    assert first.url == second.url == reverse("cases:detail", args=[case.pk])


def test_the_supervisor_page_lists_urgent_overrides(client, manager, supervisor, workspace):
    case = _open(manager, workspace)
    services.require_consent(
        case=case, purpose="referral", actor=manager, urgent_reason="Doctor tonight"
    )
    client.force_login(supervisor)
    assert "Doctor tonight" in client.get(reverse("cases:supervision")).content.decode()


def test_the_childs_record_is_edited_and_a_stale_edit_refused(
    client, manager, supervisor, pavlodar, workspace
):
    case = _open(manager, workspace)
    url = reverse("cases:child_edit", args=[case.pk])
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "version": "1",
        "name_1": "Жұмабаев Қайрат",
        "name_2": "ZHUMABAEV KAIRAT",
        "age_min": "14",
        "age_max": "14",
        "sex": "male",
        "region": str(pavlodar.region.pk),
        "languages": "kk, ru",
    }
    assert client.post(url, form).status_code == 302
    child = Child.objects.in_workspace(workspace).get()
    assert (child.version, child.languages) == (2, "kk, ru")
    stale = client.post(url, {**form, "languages": "kk"})
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.content.decode()
    client.force_login(user_with_role(Role.FRONT_LINE, pavlodar["social_protection"]))
    assert client.get(url).status_code == 403


def test_the_case_page_runs_the_same_queries_however_much_it_holds(
    client, manager, pavlodar, workspace
):
    case = _open(manager, workspace)
    client.force_login(manager)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        services.consent_give(
            actor=manager,
            case=case,
            purpose="photo",
            given_by_name=f"Parent {n}",
            given_by_relation="mother",
            given_on=timezone.localdate(),
        )
        services.approval_request(actor=manager, case=case, subject=["plan", "closure"][n % 2])
    services.team_invite(actor=manager, case=case, organisation=pavlodar["crisis_centre"])
    services.team_invite(actor=manager, case=case, organisation=pavlodar["police"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
