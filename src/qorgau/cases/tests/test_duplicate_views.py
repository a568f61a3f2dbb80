"""Pages and API of duplicate review: wiring, refusals, confirmation, bounded queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import user_with_role
from qorgau.cases import duplicates, services
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair, DuplicateScan
from qorgau.cases.models import Child, ChildName
from qorgau.cases.services import ChildInput, NameInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

LIST = reverse("cases:duplicates")


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


def _register(actor, organisation, workspace, name: str, **fields) -> Child:
    values = {"birth_date": date(2012, 5, 4), "sex": "male", **fields}
    return services.child_register(
        actor=actor,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(region=organisation.region, names=[NameInput(name)], **values),
    )


def _pairs(actor, organisation, workspace, count: int, start: int = 0) -> None:
    """`count` pairs of one child each, written in Kazakh Cyrillic and in ICAO Latin."""
    given = ["Қайрат", "Марат", "Ерлан", "Асхат", "Болат", "Дәурен", "Нұрлан", "Серік"]
    latin = ["Kairat", "Marat", "Erlan", "Askhat", "Bolat", "Dauren", "Nurlan", "Serik"]
    surnames = ["Жұмабаев", "Сейітов", "Тоқтаров", "Әлиев", "Қасымов", "Бекова"]
    surnames_latin = ["Zhumabaev", "Seitov", "Toktarov", "Aliev", "Kasymov", "Bekova"]
    for n in range(start, start + count):
        g, s = n % len(given), (n // len(given)) % len(surnames)
        born = date(2010 + n % 6, 1 + n % 12, 1 + n % 27)
        _register(actor, organisation, workspace, f"{surnames[s]} {given[g]}", birth_date=born)
        _register(
            actor, organisation, workspace, f"{surnames_latin[s]} {latin[g]}", birth_date=born
        )


def _scan(actor, organisation, workspace) -> DuplicateScan:
    scan = DuplicateScan.objects.create(
        workspace=workspace, organisation=organisation, requested_by=actor
    )
    return duplicates.duplicate_scan_run(scan=scan)


@pytest.fixture
def org(pavlodar):
    return pavlodar["social_protection"]


@pytest.fixture
def pair(manager, supervisor, org, workspace) -> DuplicatePair:
    _pairs(manager, org, workspace, 1)
    _scan(supervisor, org, workspace)
    return DuplicatePair.objects.in_workspace(workspace).get()


def test_the_list_shows_pairs_with_names_in_both_scripts(client, supervisor, pair):
    client.force_login(supervisor)
    body = client.get(LIST).content.decode()
    assert "Жұмабаев Қайрат" in body and "Zhumabaev Kairat" in body
    assert reverse("cases:duplicate", args=[pair.pk]) in body


def test_the_list_runs_the_same_queries_for_2_or_12_pairs(
    client, manager, supervisor, org, workspace
):
    _pairs(manager, org, workspace, 2)
    _scan(supervisor, org, workspace)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _pairs(manager, org, workspace, 10, start=2)
    _scan(supervisor, org, workspace)
    assert DuplicatePair.objects.in_workspace(workspace).count() >= 12
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


def test_a_cross_organisation_pair_names_only_the_other_organisation(
    client, manager, centre_manager, pavlodar, org, workspace, supervisor
):
    _register(manager, org, workspace, "Жұмабаев Қайрат")
    _register(centre_manager, pavlodar["crisis_centre"], workspace, "Zhumabaev Kairat")
    _scan(supervisor, org, workspace)
    client.force_login(manager)
    body = client.get(LIST).content.decode()
    assert "Жұмабаев Қайрат" in body
    assert "Zhumabaev" not in body
    assert pavlodar["crisis_centre"].name in body
    pair = DuplicatePair.objects.in_workspace(workspace).get()
    assert client.get(reverse("cases:duplicate", args=[pair.pk])).status_code == 200
    assert (
        "Zhumabaev" not in client.get(reverse("cases:duplicate", args=[pair.pk])).content.decode()
    )
    merge_url = reverse("cases:duplicate_merge", args=[pair.pk])
    assert client.get(merge_url, {"keep": pair.left_id}).status_code == 403


def test_a_front_line_worker_has_no_review_page(client, org):
    client.force_login(user_with_role(Role.FRONT_LINE, org))
    assert client.get(LIST).status_code == 403


def test_another_organisations_pair_is_not_found(client, pavlodar, pair):
    client.force_login(user_with_role(Role.SUPERVISOR, pavlodar["crisis_centre"]))
    assert client.get(reverse("cases:duplicate", args=[pair.pk])).status_code == 404


def test_not_a_duplicate_from_the_page(client, manager, pair):
    client.force_login(manager)
    response = client.post(reverse("cases:duplicate_not_duplicate", args=[pair.pk]))
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATE


def test_merge_asks_for_confirmation_then_merges_and_unmerges(client, supervisor, pair, workspace):
    client.force_login(supervisor)
    merge_url = reverse("cases:duplicate_merge", args=[pair.pk])
    page = client.get(merge_url, {"keep": pair.left_id})
    assert page.status_code == 200
    assert "Zhumabaev Kairat" in page.content.decode()
    assert not ChildMerge.objects.in_workspace(workspace).exists()  # nothing happened yet

    response = client.post(
        merge_url,
        {
            "keep": pair.left_id,
            "left_version": pair.left.version,
            "right_version": pair.right.version,
        },
    )
    assert response.status_code == 302
    merge = ChildMerge.objects.in_workspace(workspace).get()
    names = ChildName.objects.in_workspace(workspace).filter(child=pair.left_id).count()
    assert names == 2

    unmerge_url = reverse("cases:duplicate_unmerge", args=[merge.pk])
    assert client.get(unmerge_url).status_code == 200
    assert client.post(unmerge_url).status_code == 302
    merge.refresh_from_db()
    assert merge.unmerged_at is not None
    assert ChildName.objects.in_workspace(workspace).filter(child=pair.right_id).count() == 1


def test_a_stale_merge_shows_the_reason(client, supervisor, pair, workspace):
    client.force_login(supervisor)
    response = client.post(
        reverse("cases:duplicate_merge", args=[pair.pk]),
        {"keep": pair.left_id, "left_version": 0, "right_version": pair.right.version},
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    assert not ChildMerge.objects.in_workspace(workspace).exists()


def test_the_search_button_queues_a_scan(
    client, supervisor, org, workspace, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:duplicate_scan_start"), {"organisation": org.pk})
    assert response.status_code == 302
    scan = DuplicateScan.objects.in_workspace(workspace).get()
    assert scan.status == "done"
    status = client.get(reverse("cases:duplicate_scan", args=[scan.pk]))
    assert status.status_code == 200


# --- API ----------------------------------------------------------------------------------
def _api(user) -> Client:
    _token, raw = api_token_create(actor=user, name="shelter system")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def test_the_api_lists_pairs_with_evidence(supervisor, pair):
    body = _api(supervisor).get("/api/cases/duplicates/").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == pair.pk and item["may_merge"] is True
    assert {n["full_name"] for side in item["children"] for n in side["names"]} == {
        "Жұмабаев Қайрат",
        "Zhumabaev Kairat",
    }
    assert any(e["field"] == "surname" and e["agrees"] for e in item["evidence"])


def test_the_api_list_runs_the_same_queries_for_2_or_12_pairs(manager, supervisor, org, workspace):
    api = _api(supervisor)
    _pairs(manager, org, workspace, 2)
    _scan(supervisor, org, workspace)
    api.get("/api/cases/duplicates/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/cases/duplicates/").status_code == 200
    _pairs(manager, org, workspace, 10, start=2)
    _scan(supervisor, org, workspace)
    with CaptureQueriesContext(connection) as many:
        assert api.get("/api/cases/duplicates/").json()["count"] >= 12
    assert len(many) == len(few)


def test_the_api_merges_and_unmerges(supervisor, pair, workspace):
    api = _api(supervisor)
    response = api.post(
        f"/api/cases/duplicates/{pair.pk}/merge",
        {
            "keep": pair.right_id,
            "left_version": pair.left.version,
            "right_version": pair.right.version,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    merge = response.json()
    assert merge["survivor_id"] == pair.right_id and merge["moved"]["cases.childname"] == 1
    undone = api.post(f"/api/cases/duplicates/merges/{merge['id']}/unmerge")
    assert undone.status_code == 200 and undone.json()["unmerged"] is True
    again = api.post(f"/api/cases/duplicates/merges/{merge['id']}/unmerge")
    assert again.status_code == 422


def test_the_api_refuses_a_case_manager_merge_and_bad_input(manager, supervisor, pair):
    body = {"keep": pair.left_id, "left_version": 1, "right_version": 1}
    refused = _api(manager).post(
        f"/api/cases/duplicates/{pair.pk}/merge", body, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = _api(supervisor).post(
        f"/api/cases/duplicates/{pair.pk}/merge",
        {"keep": "one", "left_version": 1, "right_version": 1},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "keep" in bad.json()["error"]["fields"]
    wrong = _api(supervisor).post(
        f"/api/cases/duplicates/{pair.pk}/merge",
        {"keep": 999999, "left_version": 1, "right_version": 1},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "keep" in wrong.json()["error"]["fields"]


def test_the_api_marks_not_a_duplicate(manager, pair):
    response = _api(manager).post(f"/api/cases/duplicates/{pair.pk}/not-duplicate")
    assert response.status_code == 200 and response.json()["status"] == "not_duplicate"
    assert _api(manager).get("/api/cases/duplicates/").json()["count"] == 0


def test_the_api_starts_a_scan_and_shows_its_progress(
    supervisor, org, immediate_tasks, django_capture_on_commit_callbacks, pavlodar
):
    api = _api(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/cases/duplicates/scans",
            {"organisation_id": org.pk},
            content_type="application/json",
        )
    assert response.status_code == 202
    scan = api.get(f"/api/cases/duplicates/scans/{response.json()['id']}").json()
    assert scan["status"] == "done" and scan["percent"] == 100
    other = api.post(
        "/api/cases/duplicates/scans",
        {"organisation_id": pavlodar["crisis_centre"].pk},
        content_type="application/json",
    )
    assert other.status_code == 404
