"""Case transfers (request, accept, decline, cancel) and documents shared with a provider."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import record_services
from qorgau.cases.models import Case, CaseNotification, Child, TeamMember
from qorgau.core.tests.races import miss_once
from qorgau.referrals import services, transfers
from qorgau.referrals.models import Transfer
from qorgau.referrals.tests.conftest import give_referral_consent, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

PDF = b"%PDF-1.4\n%%EOF\n"
HANDOVER = "Lives with her aunt in Almaty now; school place found; psychologist weekly."


@pytest.fixture
def almaty_manager(almaty):
    return user_with_role(
        Role.CASE_MANAGER, almaty["social_protection"], first_name="Dana", email="dana@sp.kz"
    )


@pytest.fixture
def almaty_supervisor(almaty):
    return user_with_role(Role.SUPERVISOR, almaty["social_protection"], email="boss@sp.kz")


def _offer(manager, case, to, keep_access=True, key=None):
    return transfers.transfer_request(
        actor=manager,
        case=case,
        to_organisation=to,
        handover_note=HANDOVER,
        keep_access=keep_access,
        idempotency_key=key or uuid.uuid4(),
    )


def test_an_accepted_transfer_moves_responsibility_and_keeps_history(
    case, manager, almaty, almaty_manager, almaty_supervisor, pavlodar, on_commit, immediate_tasks
):
    transfer = on_commit(
        _offer, manager=manager, case=case, to=almaty["social_protection"], keep_access=True
    )
    # Until accepted, the case stays where it was; the receiver reads only the handover.
    assert can(almaty_manager, "case.view", case) is False
    assert can(almaty_manager, "transfer.respond", transfer) is True
    assert mail.outbox and {m.to[0] for m in mail.outbox} == {"dana@sp.kz", "boss@sp.kz"}
    assert "Жұмабаев" not in mail.outbox[0].body
    mail.outbox.clear()
    on_commit(
        transfers.transfer_accept,
        actor=almaty_supervisor,
        transfer=transfer,
        manager=almaty_manager,
    )
    case.refresh_from_db()
    assert case.organisation == almaty["social_protection"]
    assert case.region == almaty.region
    assert case.manager == almaty_manager
    assert case.version == 2
    assert Child.objects.real().get(pk=case.child_id).organisation == almaty["social_protection"]
    # The old organisation stays on the team (read only), as the sender chose.
    assert can(manager, "case.view", case) is True
    assert can(manager, "case.edit", case) is False
    assert can(almaty_manager, "case.edit", case) is True
    old = TeamMember.objects.real().get(case=case, organisation=pavlodar["social_protection"])
    assert old.status == TeamMember.Status.ACCEPTED
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.ACCEPTED
    assert transfer.from_region == pavlodar.region
    assert transfer.new_manager == almaty_manager
    kinds = set(CaseNotification.objects.real().filter(case=case).values_list("kind", flat=True))
    assert {"transfer_requested", "transfer_accepted"} <= kinds
    # The new region's guardianship authority is told of the child.
    assert (
        CaseNotification.objects.real()
        .filter(case=case, organisation=almaty["guardianship"])
        .exists()
    )
    assert {m.to[0] for m in mail.outbox} >= {"aliya@sp.kz"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"transfer.request", "transfer.accept", "case.hand_over"} <= actions


def test_without_kept_access_the_old_organisation_loses_the_case(
    case, manager, almaty, almaty_manager
):
    transfer = _offer(manager, case, almaty["social_protection"], keep_access=False)
    transfers.transfer_accept(actor=almaty_manager, transfer=transfer)
    case.refresh_from_db()
    assert can(manager, "case.view", case) is False
    assert can(manager, "transfer.view", transfer) is True  # its own handover stays readable
    assert case.manager == almaty_manager


def test_a_declined_transfer_changes_nothing_and_needs_a_reason(
    case, manager, almaty, almaty_manager, pavlodar
):
    transfer = _offer(manager, case, almaty["social_protection"])
    with pytest.raises(ValidationError):
        transfers.transfer_decline(actor=almaty_manager, transfer=transfer, reason=" ")
    transfers.transfer_decline(actor=almaty_manager, transfer=transfer, reason="No capacity.")
    case.refresh_from_db()
    assert case.organisation == pavlodar["social_protection"]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decline_reason) == ("declined", "No capacity.")
    with pytest.raises(ValidationError):
        transfers.transfer_accept(actor=almaty_manager, transfer=transfer)
    # A new offer may follow once the first is answered.
    assert _offer(manager, case, almaty["social_protection"]).status == "requested"


def test_the_request_is_checked_and_sent_once(case, manager, almaty, almaty_manager, pavlodar):
    key = uuid.uuid4()
    first = _offer(manager, case, almaty["social_protection"], key=key)
    assert _offer(manager, case, almaty["social_protection"], key=key) == first  # double click
    with pytest.raises(ValidationError) as error:
        _offer(manager, case, almaty["police"])
    assert "waiting" in str(error.value)
    transfers.transfer_cancel(actor=manager, transfer=first, reason="Family moved back.")
    with pytest.raises(ValidationError) as error:
        transfers.transfer_request(
            actor=manager,
            case=case,
            to_organisation=pavlodar["social_protection"],
            handover_note="",
            keep_access=True,
            idempotency_key=uuid.uuid4(),
        )
    assert set(error.value.message_dict) == {"handover_note", "to_organisation"}
    with pytest.raises(ValidationError) as error:
        _offer(manager, case, almaty["school"])  # no case manager there to take it
    assert "to_organisation" in error.value.message_dict


def test_a_racing_double_submit_offers_the_case_once(
    case, manager, almaty, almaty_manager, monkeypatch
):
    key = uuid.uuid4()
    first = _offer(manager, case, almaty["social_protection"], key=key)
    # The other request saved its offer after this one looked for the key and for a waiting one.
    lookups = miss_once(monkeypatch, transfers, "_transfer_with_key")
    miss_once(monkeypatch, transfers, "_waiting_transfer")

    again = _offer(manager, case, almaty["social_protection"], key=key)

    assert again.pk == first.pk and len(lookups) == 2
    assert Transfer.objects.in_workspace(case.workspace).count() == 1
    assert AuditEvent.objects.filter(action="transfer.request").count() == 1


def test_only_the_receiver_answers_and_only_the_sender_cancels(
    case, manager, almaty, almaty_manager, pavlodar
):
    transfer = _offer(manager, case, almaty["social_protection"])
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(actor=manager, transfer=transfer)
    with pytest.raises(PermissionDenied):
        transfers.transfer_cancel(actor=almaty_manager, transfer=transfer, reason="x")
    stranger = user_with_role(Role.FRONT_LINE, almaty["social_protection"])
    with pytest.raises(PermissionDenied):
        transfers.transfer_request(
            actor=stranger,
            case=case,
            to_organisation=almaty["social_protection"],
            handover_note=HANDOVER,
            keep_access=True,
            idempotency_key=uuid.uuid4(),
        )
    outsider_as_manager = user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"])
    with pytest.raises(ValidationError):
        transfers.transfer_accept(
            actor=almaty_manager, transfer=transfer, manager=outsider_as_manager
        )


# --- pages --------------------------------------------------------------------------------
def test_the_transfer_pages_offer_and_accept(client, case, manager, almaty, almaty_manager):
    client.force_login(manager)
    url = reverse("referrals:transfer_request", args=[case.pk])
    assert client.get(url).status_code == 200
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "to_organisation": almaty["social_protection"].pk,
        "handover_note": HANDOVER,
        "keep_access": "on",
    }
    assert client.post(url, {**form, "handover_note": ""}).status_code == 400
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    transfer = Transfer.objects.real().get()
    client.force_login(almaty_manager)
    detail = client.get(reverse("referrals:transfer", args=[transfer.pk]))
    assert HANDOVER in detail.content.decode()
    assert "Жұмабаев" not in detail.content.decode()  # initials only before acceptance
    assert AuditEvent.objects.filter(action="transfer.read").exists()
    accepted = client.post(reverse("referrals:transfer_accept", args=[transfer.pk]), {})
    again = client.post(reverse("referrals:transfer_accept", args=[transfer.pk]), {})
    assert accepted.status_code == again.status_code == 302  # a double click
    assert Case.objects.real().get(pk=case.pk).manager == almaty_manager
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_the_decline_page_needs_a_reason(client, case, manager, almaty, almaty_manager):
    transfer = _offer(manager, case, almaty["social_protection"])
    client.force_login(almaty_manager)
    url = reverse("referrals:transfer_act", args=[transfer.pk, "decline"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Not our area."}).status_code == 302
    client.force_login(manager)
    assert (
        client.get(reverse("referrals:transfer_act", args=[transfer.pk, "cancel"])).status_code
        == 403
    )


def test_an_outsider_cannot_see_a_transfer(client, case, manager, almaty, almaty_manager, pavlodar):
    transfer = _offer(manager, case, almaty["social_protection"])
    client.force_login(user_with_role(Role.CASE_MANAGER, pavlodar["crisis_centre"]))
    assert client.get(reverse("referrals:transfer", args=[transfer.pk])).status_code == 404


@pytest.mark.parametrize("page", ["referrals:transfers", "referrals:inbox", "referrals:overdue"])
def test_transfer_and_referral_lists_run_constant_queries(
    client,
    manager,
    supervisor,
    workspace,
    pavlodar,
    almaty,
    almaty_manager,
    shelter,
    provider_staff,
    page,
    django_assert_num_queries,
):
    from datetime import UTC, datetime

    import time_machine

    from qorgau.referrals.services import escalate_overdue

    def add(n: int) -> None:
        for i in range(n):
            case = open_case(manager, workspace, pavlodar, name=f"Child Number{i}")
            give_referral_consent(manager, case)
            with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
                services.referral_send(
                    actor=manager,
                    case=case,
                    provider=pavlodar["crisis_centre"],
                    service_type=shelter,
                    reason="Needs shelter.",
                    idempotency_key=uuid.uuid4(),
                )
            _offer(manager, case, almaty["social_protection"])
        with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
            escalate_overdue(workspace=workspace)

    add(3)
    url = reverse(page)
    viewers = {
        "referrals:transfers": [supervisor, almaty_manager],
        "referrals:inbox": [supervisor, provider_staff],
        "referrals:overdue": [supervisor],
    }[page]
    counts = {}
    for user in viewers:
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[user.pk] = len(few.captured_queries)
    add(27)
    for user in viewers:
        client.force_login(user)
        with django_assert_num_queries(counts[user.pk]):
            response = client.get(url)
        assert response.status_code == 200
    assert b'class="pagination"' in response.content  # 30 rows, 20 a page


# --- API ----------------------------------------------------------------------------------
def _api(user) -> Client:
    _token, raw = api_token_create(actor=user, name="ngo system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def test_the_api_transfers_a_case(case, manager, almaty, almaty_manager):
    sender = _api(manager)
    payload = {
        "case_id": case.pk,
        "to_organisation_id": almaty["social_protection"].pk,
        "handover_note": HANDOVER,
        "idempotency_key": str(uuid.uuid4()),
    }
    bad = sender.post(
        "/api/referrals/transfers/",
        {**payload, "handover_note": "", "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "handover_note" in bad.json()["error"]["fields"]
    created = sender.post("/api/referrals/transfers/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "requested" and body["child_initials"] == "Ж. Қ."
    receiver = _api(almaty_manager)
    incoming = receiver.get("/api/referrals/transfers/incoming").json()
    assert incoming["count"] == 1
    assert (
        sender.post(
            f"/api/referrals/transfers/{body['id']}/accept", {}, content_type="application/json"
        ).status_code
        == 403
    )
    accepted = receiver.post(
        f"/api/referrals/transfers/{body['id']}/accept", {}, content_type="application/json"
    )
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["new_manager"] == almaty_manager.get_username()
    assert sender.get("/api/referrals/transfers/outgoing").json()["count"] == 1


def test_the_api_lists_run_constant_queries(
    manager, workspace, pavlodar, almaty, almaty_manager, shelter, django_assert_num_queries
):
    provider = user_with_role(Role.PROVIDER_STAFF, pavlodar["crisis_centre"])

    def add(n: int) -> None:
        for i in range(n):
            case = open_case(manager, workspace, pavlodar, name=f"Child Number{i}")
            give_referral_consent(manager, case)
            services.referral_send(
                actor=manager,
                case=case,
                provider=pavlodar["crisis_centre"],
                service_type=shelter,
                reason="Needs shelter.",
                idempotency_key=uuid.uuid4(),
            )
            _offer(manager, case, almaty["social_protection"])

    calls = [
        (manager, "/api/referrals/outgoing"),
        (provider, "/api/referrals/incoming"),
        (manager, "/api/referrals/transfers/outgoing"),
        (almaty_manager, "/api/referrals/transfers/incoming"),
        (manager, "/api/directory/providers"),
    ]
    clients = {user.pk: _api(user) for user, _url in calls}
    add(3)
    counts = {}
    for user, url in calls:
        clients[user.pk].get(url)
        with CaptureQueriesContext(connection) as few:
            clients[user.pk].get(url)
        counts[url] = len(few.captured_queries)
    add(27)
    for user, url in calls:
        with django_assert_num_queries(counts[url]):
            response = clients[user.pk].get(url, {"limit": 10})
        assert response.status_code == 200
    assert clients[provider.pk].get("/api/referrals/incoming").json()["count"] == 30


# --- documents shared with the provider ---------------------------------------------------
def test_the_provider_sees_only_documents_shared_on_its_referral(
    client, consented_case, manager, pavlodar, shelter, provider_staff
):
    case = consented_case
    referral = services.referral_send(
        actor=manager,
        case=case,
        provider=pavlodar["crisis_centre"],
        service_type=shelter,
        reason="Needs shelter.",
        idempotency_key=uuid.uuid4(),
    )

    def upload(title, level="team"):
        return record_services.document_upload(
            actor=manager,
            case=case,
            title=title,
            level=level,
            stream=io.BytesIO(PDF),
            name=f"{title}.pdf",
            size=len(PDF),
        )

    shared, private, restricted = upload("Medical"), upload("Police"), upload("Abuse", "restricted")
    record_services.note_add(actor=manager, case=case, text="Secret note.", level="team")
    assert not can(provider_staff, "case.document.view", shared)
    with pytest.raises(ValidationError):
        services.referral_attach_document(actor=manager, referral=referral, document=restricted)
    with pytest.raises(PermissionDenied):
        services.referral_attach_document(actor=provider_staff, referral=referral, document=shared)
    services.referral_attach_document(actor=manager, referral=referral, document=shared)
    assert can(provider_staff, "case.document.view", shared)
    assert not can(provider_staff, "case.document.view", private)

    client.force_login(provider_staff)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Medical" in page and "Police" not in page and "Secret note." not in page
    download = client.get(reverse("referrals:shared_document", args=[referral.pk, shared.pk]))
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        client.get(reverse("referrals:shared_document", args=[referral.pk, private.pk])).status_code
        == 404
    )
    assert client.get(reverse("cases:document_download", args=[private.pk])).status_code == 404
    assert client.get(reverse("cases:notes", args=[case.pk])).status_code == 404
    api = _api(provider_staff)
    assert [d["title"] for d in api.get(f"/api/referrals/{referral.pk}/documents").json()] == [
        "Medical"
    ]
    assert api.get(f"/api/cases/{case.pk}/documents").status_code == 404
    assert AuditEvent.objects.filter(action="case.document.download").count() == 1
    # Declined: the provider loses the shared document.
    services.referral_decline(actor=provider_staff, referral=referral, reason="Full.")
    assert not can(provider_staff, "case.document.view", shared)


def test_the_receiver_lists_only_offers_it_may_read_and_no_handover_in_rows(
    client, case, manager, almaty, almaty_manager, pavlodar
):
    declined = _offer(manager, case, almaty["social_protection"])
    transfers.transfer_decline(actor=almaty_manager, transfer=declined, reason="No capacity.")
    cancelled = _offer(manager, case, almaty["social_protection"])
    transfers.transfer_cancel(actor=manager, transfer=cancelled, reason="Family moved back.")
    offered = _offer(manager, case, almaty["social_protection"])
    declined.refresh_from_db()
    assert can(almaty_manager, "transfer.view", declined) is False
    receiver = _api(almaty_manager)
    incoming = receiver.get("/api/referrals/transfers/incoming").json()
    assert [row["id"] for row in incoming["items"]] == [offered.pk]
    assert incoming["count"] == 1
    assert HANDOVER not in str(incoming) and "handover_note" not in incoming["items"][0]
    outgoing = _api(manager).get("/api/referrals/transfers/outgoing").json()
    assert outgoing["count"] == 3 and HANDOVER not in str(outgoing)
    # The handover is read on the detail only, which records the receiver's read.
    detail = receiver.get(f"/api/referrals/transfers/{offered.pk}").json()
    assert detail["handover_note"] == HANDOVER
    assert AuditEvent.objects.filter(action="transfer.read", target_id=str(offered.pk)).exists()
    assert receiver.get(f"/api/referrals/transfers/{declined.pk}").status_code == 404
    client.force_login(almaty_manager)
    page = client.get(reverse("referrals:transfers")).content.decode()
    assert f'data-transfer="{offered.pk}"' in page
    assert f'data-transfer="{declined.pk}"' not in page
    assert f'data-transfer="{cancelled.pk}"' not in page
