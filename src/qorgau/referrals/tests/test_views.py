"""Pages and API of referrals: the provider's minimum, bounded queries, workspace isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qorgau.audit.models import AuditEvent
from qorgau.directory.tests.factories import ProviderProfileFactory, ProviderServiceFactory
from qorgau.referrals import services
from qorgau.referrals.models import Referral, Status
from qorgau.referrals.services import escalate_overdue
from qorgau.referrals.tests.conftest import give_referral_consent, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

INBOX = reverse("referrals:inbox")
OVERDUE = reverse("referrals:overdue")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRETS = ("Жұмабаев", "Қайрат", "Secret Street", "Saule", "+7 701 111 22 33", "Yerlan")


def _send(manager, case, pavlodar, shelter, reason="Needs a safe place tonight."):
    return services.referral_send(
        actor=manager,
        case=case,
        provider=pavlodar["crisis_centre"],
        service_type=shelter,
        reason=reason,
        idempotency_key=uuid.uuid4(),
    )


def test_the_send_form_offers_the_region_s_providers_and_sends_once(
    client, manager, consented_case, pavlodar, shelter, workspace
):
    client.force_login(manager)
    url = reverse("referrals:send", args=[consented_case.pk])
    page = client.get(url, {"service_type": shelter.pk})
    assert page.status_code == 200
    assert list(page.context["providers"]) == [pavlodar["crisis_centre"]]
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "service_type": shelter.pk,
        "provider": pavlodar["crisis_centre"].pk,
        "reason": "Needs a safe place tonight.",
        "urgent_reason": "",
    }
    first = client.post(url, form)
    second = client.post(url, form)  # a double click
    assert first.status_code == second.status_code == 302
    assert Referral.objects.in_workspace(workspace).count() == 1


def test_the_send_form_asks_for_consent_or_an_urgent_reason(
    client, manager, case, pavlodar, shelter, workspace
):
    client.force_login(manager)
    url = reverse("referrals:send", args=[case.pk])
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "service_type": shelter.pk,
        "provider": pavlodar["crisis_centre"].pk,
        "reason": "Needs a bed.",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "urgent_reason" in refused.context["form"].errors
    assert Referral.objects.in_workspace(workspace).count() == 0


def test_the_provider_sees_only_the_minimum(
    client, manager, consented_case, pavlodar, shelter, provider_staff
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    # Another referral of the same case, to someone else: the provider never sees it.
    other = pavlodar["health"]
    ProviderServiceFactory(
        provider=ProviderProfileFactory(organisation=other),
        service_type=shelter,
        regions=[pavlodar.region],
    )
    services.referral_send(
        actor=manager,
        case=consented_case,
        provider=other,
        service_type=shelter,
        reason="A second referral the centre must not see.",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(provider_staff)
    inbox = client.get(INBOX).content.decode()
    assert "Ж. Қ." in inbox and other.name not in inbox
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Ж. Қ." in page and "14–15" in page and "kk,ru" in page
    assert "Needs a safe place tonight." in page and "aliya@sp.kz" in page
    for secret in (*SECRETS, consented_case.number):
        assert secret not in page
    assert other.name not in page and "second referral" not in page
    assert client.get(reverse("cases:detail", args=[consented_case.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="referral.read", actor=provider_staff).exists()
    body = client.get(f"/api/referrals/{referral.pk}").json()
    assert body["case"] is None and body["initials"] == "Ж. Қ."
    for secret in SECRETS:
        assert secret not in str(body)


def test_the_sender_s_case_team_sees_everything(client, manager, consented_case, pavlodar, shelter):
    referral = _send(manager, consented_case, pavlodar, shelter)
    client.force_login(manager)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert consented_case.number in page and 'id="history"' in page
    case_page = client.get(reverse("cases:detail", args=[consented_case.pk])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in case_page
    body = client.get(f"/api/referrals/{referral.pk}").json()
    assert body["case"]["number"] == consented_case.number


def test_decline_asks_for_a_reason_before_it_declines(
    client, manager, consented_case, pavlodar, shelter, provider_staff
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    client.force_login(provider_staff)
    url = reverse("referrals:act", args=[referral.pk, "decline"])
    assert client.get(url).status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "No beds."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_the_provider_moves_a_referral_on_through_the_api(
    client, manager, consented_case, pavlodar, shelter, provider_staff
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    client.force_login(provider_staff)
    base = f"/api/referrals/{referral.pk}"
    assert client.post(f"{base}/accept").json()["status"] == "accepted"
    assert client.post(f"{base}/start").json()["status"] == "in_progress"
    missing = client.post(f"{base}/complete", {"reason": ""}, content_type="application/json")
    assert missing.status_code == 422
    done = client.post(f"{base}/complete", {"reason": "Done."}, content_type="application/json")
    assert done.json()["status"] == "completed"
    assert (
        client.post(f"{base}/cancel", {"reason": "x"}, content_type="application/json").status_code
        == 403
    )


def test_the_api_sends_once_per_key_and_refuses_without_consent(
    client, manager, case, pavlodar, shelter, workspace
):
    client.force_login(manager)
    payload = {
        "case_id": case.pk,
        "provider_id": pavlodar["crisis_centre"].pk,
        "service_type": "shelter",
        "reason": "Needs a bed.",
        "idempotency_key": str(uuid.uuid4()),
    }
    refused = client.post("/api/referrals/", payload, content_type="application/json")
    assert refused.status_code == 403
    give_referral_consent(manager, case)
    first = client.post("/api/referrals/", payload, content_type="application/json")
    second = client.post("/api/referrals/", payload, content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Referral.objects.in_workspace(workspace).count() == 1


def test_lists_run_the_same_queries_for_few_and_many(
    client, manager, workspace, pavlodar, shelter, provider_staff
):
    def add(n: int) -> None:
        for i in range(n):
            case = open_case(manager, workspace, pavlodar, name=f"Child Number{i}")
            give_referral_consent(manager, case)
            _send(manager, case, pavlodar, shelter)

    add(1)
    urls = (INBOX, "/api/referrals/incoming", "/api/referrals/outgoing")
    counts = {}
    for user in (provider_staff, manager):
        client.force_login(user)
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as few:
                assert client.get(url).status_code == 200
            counts[(user.pk, url)] = len(few)
    add(5)
    for user in (provider_staff, manager):
        client.force_login(user)
        for url in urls:
            with CaptureQueriesContext(connection) as many:
                assert client.get(url).status_code == 200
            assert len(many) == counts[(user.pk, url)], url
    client.force_login(provider_staff)
    assert len(client.get(INBOX).context["incoming"]) == 6


def test_the_overdue_list_is_bounded_and_for_supervisors(
    client, manager, supervisor, workspace, pavlodar, shelter, provider_staff
):
    client.force_login(provider_staff)
    assert client.get(OVERDUE).status_code == 403

    def add(n: int) -> None:
        for i in range(n):
            case = open_case(manager, workspace, pavlodar, name=f"Child Number{i}")
            give_referral_consent(manager, case)
            with time_machine.travel(T0, tick=False):
                _send(manager, case, pavlodar, shelter)
        with time_machine.travel(T0 + timedelta(days=1), tick=False):
            escalate_overdue(workspace=workspace)

    add(1)
    client.force_login(supervisor)
    client.get(OVERDUE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(OVERDUE).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(OVERDUE)
    assert len(response.context["page"].object_list) == 5
    assert len(many) == len(few)


def test_a_training_workspace_never_shows_real_referrals(
    client, manager, consented_case, pavlodar, shelter, provider_staff, training
):
    referral = _send(manager, consented_case, pavlodar, shelter)
    from qorgau.referrals.selectors import incoming, outgoing

    assert incoming(user=provider_staff, workspace=training) == []
    assert list(outgoing(user=manager, workspace=training)) == []
    from django.http import Http404

    from qorgau.referrals.selectors import referral_for

    with pytest.raises(Http404):
        referral_for(user=provider_staff, workspace=training, pk=referral.pk)
    assert [v.pk for v in incoming(user=provider_staff, workspace=consented_case.workspace)] == [
        referral.pk
    ]


def test_the_api_names_an_unknown_provider_or_service(client, manager, consented_case):
    client.force_login(manager)
    payload = {
        "case_id": consented_case.pk,
        "provider_id": 999999,
        "service_type": "nothing",
        "reason": "Needs a bed.",
        "idempotency_key": str(uuid.uuid4()),
    }
    response = client.post("/api/referrals/", payload, content_type="application/json")
    assert response.status_code == 422
    assert "provider_id" in response.json()["error"]["fields"]
    page = client.get(reverse("referrals:send", args=[consented_case.pk]), {"service_type": "x"})
    assert page.status_code == 200
