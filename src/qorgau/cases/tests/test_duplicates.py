"""Duplicate review through its services: the lookup, scans, not-a-duplicate, merge, unmerge."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can, grants
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.cases import duplicates, services
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair, DuplicateScan
from qorgau.cases.models import Case, Child, ChildName, ChildNameKey, FamilyMember
from qorgau.cases.services import ChildInput, FamilyInput, NameInput

pytestmark = pytest.mark.django_db


def register(actor, organisation, workspace, *names: str, **fields) -> Child:
    values = {"age_min": 13, "age_max": 15, **fields}
    return services.child_register(
        actor=actor,
        organisation=organisation,
        workspace=workspace,
        data=ChildInput(region=organisation.region, names=[NameInput(n) for n in names], **values),
    )


def open_case(actor, child, workspace) -> Case:
    return services.case_open(
        actor=actor,
        organisation=child.organisation,
        workspace=workspace,
        idempotency_key=uuid.uuid4(),
        child=child,
    )


def scan(actor, organisation, workspace) -> DuplicateScan:
    made = DuplicateScan.objects.create(
        workspace=workspace, organisation=organisation, requested_by=actor
    )
    return duplicates.duplicate_scan_run(scan=made)


def state(workspace, child: Child) -> dict:
    """Everything a merge may move, as comparable values."""
    return {
        "names": sorted(
            ChildName.objects.in_workspace(workspace)
            .filter(child=child)
            .values_list("pk", "full_name", "script", "source")
        ),
        "keys": sorted(
            ChildNameKey.objects.in_workspace(workspace)
            .filter(child=child)
            .values_list("key", "kind")
        ),
        "cases": sorted(
            Case.objects.in_workspace(workspace).filter(child=child).values_list("pk", "number")
        ),
        "family": sorted(
            FamilyMember.objects.in_workspace(workspace)
            .filter(child=child)
            .values_list("pk", "name")
        ),
        "merged_into": Child.objects.in_workspace(workspace)
        .filter(pk=child.pk)
        .values_list("merged_into", flat=True)
        .get(),
    }


@pytest.fixture
def org(pavlodar):
    return pavlodar["social_protection"]


@pytest.fixture
def pair_of_one_child(manager, supervisor, org, workspace):
    """The same child written by a social worker (Kazakh) and from a passport (ICAO)."""
    first = register(
        manager,
        org,
        workspace,
        "Жұмабаев Қайрат",
        family=[FamilyInput("Сауле Жумабаева", "mother")],
        birth_date=date(2012, 5, 4),
        age_min=None,
        age_max=None,
        sex="male",
    )
    second = register(
        manager,
        org,
        workspace,
        "ZHUMABAEV KAIRAT",
        "Zhumabayev Kairat",
        birth_date=date(2012, 4, 5),
        age_min=None,
        age_max=None,
        sex="male",
    )
    open_case(manager, first, workspace)
    open_case(manager, second, workspace)
    register(manager, org, workspace, "Сериков Марат", age_min=8, age_max=9)
    scan(supervisor, org, workspace)
    pair = DuplicatePair.objects.in_workspace(workspace).get()
    return first, second, pair


def merge(actor, pair: DuplicatePair, keep: int) -> ChildMerge:
    return duplicates.child_merge(
        actor=actor,
        pair=pair,
        keep=keep,
        left_version=pair.left.version,
        right_version=pair.right.version,
    )


# --- the one-record lookup ----------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["Жумабаев Кайрат", "ZHUMABAEV KAIRAT", "Jumabaev Qairat"])
def test_the_lookup_scores_candidates_with_the_matcher(manager, org, workspace, spelling):
    existing = register(manager, org, workspace, "Жұмабаев Қайрат")
    register(manager, org, workspace, "Жұмабаев Марат")  # same surname, another child

    matches = duplicates.possible_matches(
        user=manager, workspace=workspace, names=[spelling], age_min=14, age_max=14
    )

    assert [m.child for m in matches] == [existing]
    assert 0.5 < matches[0].probability <= 1
    assert "same surname stem" in matches[0].reasons
    assert "same given name" in matches[0].reasons
    assert "birth year within the estimate" in matches[0].reasons


def test_the_lookup_reads_the_name_in_the_other_order(manager, org, workspace):
    existing = register(manager, org, workspace, "Жұмабаев Қайрат")
    (match,) = duplicates.possible_matches(
        user=manager, workspace=workspace, names=["Kairat Zhumabaev"], age_min=14, age_max=14
    )
    assert match.child == existing


def test_a_merged_record_is_not_a_candidate(supervisor, workspace, pair_of_one_child, manager):
    first, _second, pair = pair_of_one_child
    merge(supervisor, pair, keep=first.pk)
    matches = duplicates.possible_matches(
        user=manager, workspace=workspace, names=["Zhumabaev Kairat"], birth_date=date(2012, 5, 4)
    )
    assert [m.child for m in matches] == [first]


@pytest.mark.parametrize("records", [10, 200])
def test_the_lookup_runs_a_fixed_number_of_queries(
    records, manager, centre_manager, pavlodar, workspace, django_assert_num_queries
):
    children = [
        Child(
            workspace=workspace,
            organisation=pavlodar["crisis_centre"],
            registered_by=centre_manager,
            region=pavlodar["crisis_centre"].region,
            age_min=13,
            age_max=15,
            birth_year_min=2011,
            birth_year_max=2013,
        )
        for _ in range(records)
    ]
    Child.objects.bulk_create(children)
    created = list(Child.objects.in_workspace(workspace).order_by("pk"))
    ChildName.objects.bulk_create(
        ChildName(workspace=workspace, child=c, full_name=f"Жумабаев Кайрат{i}", script="ru")
        for i, c in enumerate(created)
    )
    ChildNameKey.objects.bulk_create(
        ChildNameKey(workspace=workspace, child=c, key=key, kind=kind)
        for i, c in enumerate(created)
        for key, kind in services.name_key_rows(f"Жумабаев Кайрат{i}")
    )
    caches["local"].clear()  # the register size is counted again
    grants(manager)  # the user's roles are read once per request
    lookup = {"user": manager, "workspace": workspace, "names": ["Жумабаев Кайрат"]}
    # ranked keys, compatible years, children, their names, key frequencies, register size
    with django_assert_num_queries(6):
        duplicates.possible_matches(**lookup, age_min=14, age_max=14)
    with django_assert_num_queries(5):  # the register's size is cached
        found = duplicates.possible_matches(**lookup, age_min=14, age_max=14)
    assert 0 < len(found) <= duplicates.MAX_CANDIDATES
    assert all(not m.own and m.child is None and m.reasons == [] for m in found)


# --- scans --------------------------------------------------------------------------------
def test_a_scan_finds_the_pair_with_its_evidence(pair_of_one_child, workspace):
    first, second, pair = pair_of_one_child
    assert (pair.left_id, pair.right_id) == (first.pk, second.pk)
    assert pair.probability > 0.9
    fields = {e.field: e for e in duplicates.scoring.evidence(pair.levels, pair.weights)}
    assert fields["surname"].agrees and fields["given name"].agrees
    assert fields["birth date"].level == "day and month swapped"
    assert fields["sex"].agrees
    # The weights shown (term frequencies included) and the starting weight add up to the total.
    shown = duplicates.scoring.prior_weight() + sum(pair.weights)
    assert shown == pytest.approx(pair.match_weight, abs=0.2)
    scan_row = DuplicateScan.objects.in_workspace(workspace).get()
    assert scan_row.status == "done" and scan_row.percent == 100
    assert scan_row.records == 3 and scan_row.pairs_found == 1
    assert AuditEvent.objects.filter(action="duplicates.scan", target_id=str(scan_row.pk)).exists()


def test_a_scan_started_from_the_page_runs_in_the_worker(
    supervisor, org, workspace, immediate_tasks, django_capture_on_commit_callbacks, manager
):
    register(manager, org, workspace, "Жұмабаев Қайрат", sex="male")
    register(manager, org, workspace, "Zhumabayev Kairat", sex="male")
    with django_capture_on_commit_callbacks(execute=True):
        started = duplicates.duplicate_scan_start(
            actor=supervisor, workspace=workspace, organisation=org
        )
    started.refresh_from_db()
    assert started.status == "done"
    assert DuplicatePair.objects.in_workspace(workspace).count() == 1
    assert AuditEvent.objects.filter(action="duplicates.scan_start").exists()


def test_a_front_line_worker_cannot_start_a_scan(pavlodar, org, workspace):
    worker = user_with_role(Role.FRONT_LINE, org)
    with pytest.raises(PermissionDenied):
        duplicates.duplicate_scan_start(actor=worker, workspace=workspace, organisation=org)


def test_a_pair_across_organisations_shows_only_the_other_organisation(
    manager, centre_manager, pavlodar, org, workspace, supervisor
):
    own = register(manager, org, workspace, "Жұмабаев Қайрат", sex="male")
    register(centre_manager, pavlodar["crisis_centre"], workspace, "Zhumabayev Kairat", sex="male")
    scan(supervisor, org, workspace)

    (view,) = duplicates.pair_views(
        user=manager, pairs=list(duplicates.pairs_visible_to(user=manager, workspace=workspace))
    )
    assert view.children == [own]
    assert view.other_organisation == pavlodar["crisis_centre"]
    assert view.evidence == [] and view.reasons == []
    assert not view.may_merge and not view.may_dismiss


def test_a_not_duplicate_pair_does_not_come_back(
    pair_of_one_child, manager, supervisor, org, workspace
):
    _first, _second, pair = pair_of_one_child
    duplicates.pair_mark_not_duplicate(actor=manager, pair=pair)
    scan(supervisor, org, workspace)

    assert list(duplicates.pairs_visible_to(user=manager, workspace=workspace)) == []
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATE and pair.decided_by == manager
    assert AuditEvent.objects.filter(action="duplicates.not_duplicate").exists()
    with pytest.raises(ValidationError):
        duplicates.pair_mark_not_duplicate(actor=manager, pair=pair)


# --- merge and unmerge --------------------------------------------------------------------
def test_merge_then_unmerge_restores_everything_exactly(pair_of_one_child, supervisor, workspace):
    first, second, pair = pair_of_one_child
    before = (state(workspace, first), state(workspace, second))
    assert before[0]["keys"] and before[1]["keys"]

    merge = duplicates.child_merge(
        actor=supervisor,
        pair=pair,
        keep=first.pk,
        left_version=pair.left.version,
        right_version=pair.right.version,
    )

    merged_state = state(workspace, first)
    assert {n[1] for n in merged_state["names"]} == {
        "Жұмабаев Қайрат",
        "ZHUMABAEV KAIRAT",
        "Zhumabayev Kairat",
    }
    assert len(merged_state["cases"]) == 2
    assert set(before[1]["keys"]) <= set(merged_state["keys"])
    assert state(workspace, second)["names"] == [] and state(workspace, second)["cases"] == []
    assert state(workspace, second)["merged_into"] == first.pk
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    event = AuditEvent.objects.get(action="child.merge")
    assert event.target_id == str(first.pk) and event.details["merged"] == second.pk

    duplicates.child_unmerge(actor=supervisor, merge=merge)

    assert (state(workspace, first), state(workspace, second)) == before
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
    assert AuditEvent.objects.filter(action="child.unmerge", target_id=str(first.pk)).exists()
    with pytest.raises(ValidationError):
        duplicates.child_unmerge(
            actor=supervisor, merge=ChildMerge.objects.in_workspace(workspace).get()
        )


def test_a_case_manager_may_not_merge(pair_of_one_child, manager):
    _first, _second, pair = pair_of_one_child
    with pytest.raises(PermissionDenied):
        duplicates.child_merge(
            actor=manager,
            pair=pair,
            keep=pair.left_id,
            left_version=pair.left.version,
            right_version=pair.right.version,
        )


def test_merge_is_refused_across_organisations(
    manager, centre_manager, pavlodar, org, workspace, supervisor
):
    register(manager, org, workspace, "Жұмабаев Қайрат", sex="male")
    register(centre_manager, pavlodar["crisis_centre"], workspace, "Zhumabayev Kairat", sex="male")
    scan(supervisor, org, workspace)
    pair = DuplicatePair.objects.in_workspace(workspace).get()
    centre_supervisor = user_with_role(Role.SUPERVISOR, pavlodar["crisis_centre"])
    for actor in (supervisor, centre_supervisor):
        with pytest.raises(PermissionDenied):
            duplicates.child_merge(
                actor=actor, pair=pair, keep=pair.left_id, left_version=1, right_version=1
            )


def test_a_pair_is_not_found_from_another_workspace(pair_of_one_child, supervisor, training):
    _first, _second, pair = pair_of_one_child
    from django.http import Http404

    with pytest.raises(Http404):
        duplicates.access_pair(
            user=supervisor, workspace=training, pk=pair.pk, action="child.merge"
        )


def test_a_stale_merge_is_refused(pair_of_one_child, supervisor, workspace):
    first, _second, pair = pair_of_one_child
    with pytest.raises(ValidationError) as error:
        duplicates.child_merge(
            actor=supervisor,
            pair=pair,
            keep=first.pk,
            left_version=pair.left.version - 1,
            right_version=pair.right.version,
        )
    assert error.value.code == "stale"
    assert state(workspace, first)["merged_into"] is None


def test_a_chain_of_merges_is_undone_latest_first(
    pair_of_one_child, supervisor, manager, org, workspace
):
    first, second, pair = pair_of_one_child
    duplicates.child_merge(
        actor=supervisor,
        pair=pair,
        keep=second.pk,
        left_version=pair.left.version,
        right_version=pair.right.version,
    )
    third = register(
        manager,
        org,
        workspace,
        "Жумабаев Кайрат",
        birth_date=date(2012, 5, 4),
        age_min=None,
        age_max=None,
        sex="male",
    )
    scan(supervisor, org, workspace)
    later = DuplicatePair.objects.in_workspace(workspace).get(status="open")
    assert {later.left_id, later.right_id} == {second.pk, third.pk}
    second.refresh_from_db()
    third.refresh_from_db()
    versions = {second.pk: second.version, third.pk: third.version}
    second_merge = duplicates.child_merge(
        actor=supervisor,
        pair=later,
        keep=third.pk,
        left_version=versions[later.left_id],
        right_version=versions[later.right_id],
    )
    first_merge = ChildMerge.objects.in_workspace(workspace).exclude(pk=second_merge.pk).get()
    with pytest.raises(ValidationError) as error:
        duplicates.child_unmerge(actor=supervisor, merge=first_merge)
    assert error.value.code == "order"
    duplicates.child_unmerge(actor=supervisor, merge=second_merge)
    duplicates.child_unmerge(actor=supervisor, merge=first_merge)
    assert {n[1] for n in state(workspace, first)["names"]} == {"Жұмабаев Қайрат"}
    assert len(state(workspace, third)["names"]) == 1


def test_the_command_searches_an_organisation(manager, supervisor, org, workspace):
    from io import StringIO

    from django.core.management import call_command

    register(manager, org, workspace, "Жұмабаев Қайрат", sex="male")
    register(manager, org, workspace, "Zhumabayev Kairat", sex="male")
    out = StringIO()
    call_command("find_duplicates", organisation=org.pk, stdout=out)
    assert "1 likely duplicates stored" in out.getvalue()
    assert DuplicatePair.objects.in_workspace(workspace).count() == 1


def _hand_over(child: Child, workspace, to_organisation) -> User:
    from qorgau.cases.handover import case_hand_over

    taker = user_with_role(Role.CASE_MANAGER, to_organisation)
    case = Case.objects.in_workspace(workspace).get(child=child)
    case_hand_over(
        actor=taker,
        case=case,
        organisation=to_organisation,
        manager=taker,
        keep_previous_on_team=False,
        transfer_id=0,
    )
    return taker


def test_a_child_handed_over_after_the_scan_is_not_merged_by_its_old_organisation(
    pair_of_one_child, supervisor, org, almaty, workspace
):
    first, second, _pair = pair_of_one_child
    elsewhere = almaty["social_protection"]
    version_before = Child.objects.in_workspace(workspace).get(pk=second.pk).version
    _hand_over(second, workspace, elsewhere)
    moved = Child.objects.in_workspace(workspace).get(pk=second.pk)
    assert moved.organisation_id == elsewhere.pk
    assert moved.version == version_before + 1  # an open merge page goes stale
    fresh = DuplicatePair.objects.in_workspace(workspace).select_related("left", "right").get()
    assert (fresh.left_organisation_id, fresh.right_organisation_id) == (org.pk, org.pk)
    assert can(supervisor, "child.merge", fresh) is False
    with pytest.raises((PermissionDenied, ValidationError)):
        duplicates.child_merge(
            actor=supervisor,
            pair=fresh,
            keep=first.pk,
            left_version=fresh.left.version,
            right_version=fresh.right.version,
        )
    assert state(workspace, second)["merged_into"] is None
    # A rescan records where the children are now.
    scan(supervisor, org, workspace)
    fresh.refresh_from_db()
    assert (fresh.left_organisation_id, fresh.right_organisation_id) == (org.pk, elsewhere.pk)


def test_a_pair_moved_whole_is_merged_only_after_a_rescan(
    pair_of_one_child, supervisor, almaty, workspace
):
    first, second, _pair = pair_of_one_child
    elsewhere = almaty["social_protection"]
    taker = _hand_over(first, workspace, elsewhere)
    _hand_over(second, workspace, elsewhere)
    boss = user_with_role(Role.SUPERVISOR, elsewhere)
    fresh = DuplicatePair.objects.in_workspace(workspace).select_related("left", "right").get()
    with pytest.raises(ValidationError) as error:
        duplicates.child_merge(
            actor=boss,
            pair=fresh,
            keep=first.pk,
            left_version=fresh.left.version,
            right_version=fresh.right.version,
        )
    assert error.value.code == "moved"
    assert state(workspace, second)["merged_into"] is None
    scan(taker, elsewhere, workspace)
    fresh = DuplicatePair.objects.in_workspace(workspace).select_related("left", "right").get()
    assert fresh.left_organisation_id == fresh.right_organisation_id == elsewhere.pk
    assert merge(boss, fresh, keep=first.pk).survivor == first
