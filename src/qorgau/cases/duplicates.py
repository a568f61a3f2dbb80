"""Possible duplicates of a child: the one-record lookup at registration, the scan that finds
likely pairs in an organisation, review, "not a duplicate", merge and unmerge.

Reads are scoped to the request's workspace and to the organisations the user works for;
another organisation's child is never shown, only that a possible match exists there. Every
write checks the access policy and records its audit event. Design: ADR 0014.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    F,
    ForeignObjectRel,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import CASE_LEAD_ROLES, CASE_ROLES, can, grants
from qorgau.accounts.roles import Role
from qorgau.audit.services import record
from qorgau.cases import duplicate_scoring as scoring
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair, DuplicateScan
from qorgau.cases.models import Child, ChildName, ChildNameKey
from qorgau.cases.services import birth_interval, name_key_rows
from qorgau.core.models import Workspace
from qorgau.linkage.dates import year_window
from qorgau.linkage.matcher import MATCHER_VERSION, MatcherConfig, candidate_pairs

# A year either side of the estimate: ages are guessed, and years mistyped.
BIRTH_YEAR_SLACK = 1
# The lookup ranks at most MAX_BLOCKED children sharing the most keys with the new one, and
# scores the best MAX_CANDIDATES of them with a compatible birth year.
MAX_BLOCKED = 400
MAX_CANDIDATES = 30
REGISTER_SIZE_SECONDS = 600
# A scan reads at most this many children of the organisation, and as many of others.
MAX_SCAN_RECORDS = 20_000
SCAN_CHUNK = 2_000


def _org_ids(user: User, roles: frozenset[str]) -> set[int]:
    return {g.organisation_id for g in grants(user) if g.role in roles}


# --- the one-record lookup ----------------------------------------------------------------
@dataclass
class PossibleMatch:
    """A child who may be the one being registered.

    For the user's own organisation ``child`` is set; for another organisation only
    ``organisation`` (its name, and how to ask for access) -- never the child's details.
    """

    organisation: Organisation
    own: bool
    reasons: list[str] = field(default_factory=list)
    child: Child | None = None
    probability: float = 0.0
    match_weight: float = 0.0


def _names_prefetch() -> Prefetch:
    return Prefetch("names", queryset=ChildName.objects.across_workspaces())


def _key_counts(workspace: Workspace, keys: list[str]) -> dict[str, int]:
    rows = (
        ChildNameKey.objects.in_workspace(workspace)
        .filter(key__in=keys)
        .values("key")
        .annotate(n=Count("child_id", distinct=True))
        .order_by()
    )
    return {row["key"]: row["n"] for row in rows}


def register_size(workspace: Workspace) -> int:
    """Children in the workspace, for term frequencies; counted at most every ten minutes (an
    estimate is all a frequency needs, and counting 200,000 rows costs more than the lookup).

    In the per-process "local" cache, not the shared one (ADR 0020): each worker counts at
    most every ten minutes, and a lookup reads no cache row from the database.
    """
    key = f"qorgau:cases:register-size:{workspace.pk}"
    local = caches["local"]
    size = local.get(key)
    if size is None:
        size = Child.objects.in_workspace(workspace).count()
        local.set(key, size, REGISTER_SIZE_SECONDS)
    return int(size)


def possible_matches(
    *,
    user: User,
    workspace: Workspace,
    names: list[str],
    birth_date: date | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    on: date | None = None,
    sex: str | None = None,
    region_id: int | None = None,
    exclude_child: int | None = None,
) -> list[PossibleMatch]:
    """Existing children who may be this one, scored by the linkage matcher.

    Blocking in the database, in at most six queries whatever the register's size: one over
    the covering index of ChildNameKey ranks the children sharing a surname stem or two keys;
    one keeps those with a compatible birth year; one reads the best MAX_CANDIDATES of them,
    one their names; one counts how many children carry each key (term frequencies); one
    counts the register (cached for ten minutes, so usually five). The
    matcher's Fellegi–Sunter weights then decide which are shown, with the reasons in words.
    """
    wanted: dict[str, set[str]] = {}
    for name in names:
        for key, kind in name_key_rows(name):
            wanted.setdefault(key, set()).add(kind)
    if not wanted:
        return []
    interval = birth_interval(birth_date=birth_date, age_min=age_min, age_max=age_max, on=on)
    # 1. Children sharing keys, counted from the covering index alone (no join, no heap).
    blocked = (
        ChildNameKey.objects.in_workspace(workspace)
        .filter(key__in=list(wanted))
        .values("child_id")
        .annotate(
            keys=Count("key", distinct=True),
            stems=Count("child_id", filter=Q(kind=ChildNameKey.Kind.SURNAME_STEM)),
        )
        .filter(Q(stems__gt=0) | Q(keys__gt=1))
        .order_by("-keys", "-stems", "child_id")[:MAX_BLOCKED]
    )
    rank = {row["child_id"]: index for index, row in enumerate(blocked)}
    rank.pop(exclude_child, None)
    if not rank:
        return []
    # 2. Those of them with a compatible birth year, not merged away.
    compatible = Child.objects.in_workspace(workspace).filter(
        pk__in=list(rank), merged_into__isnull=True
    )
    if interval is not None:
        first, last = year_window(interval, BIRTH_YEAR_SLACK)
        compatible = compatible.filter(
            Q(birth_year_min__isnull=True) | Q(birth_year_min__lte=last, birth_year_max__gte=first)
        )
    best = sorted(compatible.values_list("pk", flat=True), key=rank.__getitem__)
    if not best:
        return []
    # 3. The best MAX_CANDIDATES of them, and 4. their names in every script.
    children = sorted(
        Child.objects.in_workspace(workspace)
        .filter(pk__in=best[:MAX_CANDIDATES])
        .select_related("organisation")
        .prefetch_related(_names_prefetch()),
        key=lambda c: rank[c.pk],
    )
    counts = _key_counts(workspace, list(wanted))  # 5.
    total = register_size(workspace)  # 6. (cached)
    matcher_model = scoring.model(counts, total)
    new = matcher_model.features(
        scoring.Facts(
            id="new",
            names=[(name, "") for name in names],
            birth_date=birth_date,
            age_min=age_min,
            age_max=age_max,
            age_estimated_on=on,
            sex=sex,
            region=str(region_id) if region_id else None,
        ).record()
    )
    own_orgs = _org_ids(user, CASE_ROLES)
    matches = []
    for child in children:
        found = scoring.score(
            matcher_model,
            new,
            matcher_model.features(scoring.facts_of(child, child.names.all()).record()),
        )
        if found.probability < scoring.LOOKUP_PROBABILITY:
            continue
        own = child.organisation_id in own_orgs
        matches.append(
            PossibleMatch(
                organisation=child.organisation,
                own=own,
                # Another organisation's record: not even which of its facts agreed.
                reasons=scoring.reasons(found.levels, found.swapped) if own else [],
                child=child if own else None,
                probability=found.probability,
                match_weight=found.match_weight,
            )
        )
    matches.sort(key=lambda m: (-m.match_weight, not m.own))
    return matches


# --- scans: the matcher over an organisation's children -----------------------------------
def _scan_population(scan: DuplicateScan) -> list[Child]:
    """The organisation's children, and other organisations' children sharing a surname stem
    with one of them (for "possible match in organisation X"), each at most MAX_SCAN_RECORDS."""
    workspace = scan.workspace
    live = Child.objects.in_workspace(workspace).filter(merged_into__isnull=True)
    own = list(
        live.filter(organisation=scan.organisation)
        .order_by("pk")
        .prefetch_related(_names_prefetch())[:MAX_SCAN_RECORDS]
    )
    stems = ChildNameKey.objects.in_workspace(workspace).filter(
        child__organisation=scan.organisation, kind=ChildNameKey.Kind.SURNAME_STEM
    )
    sharing = ChildNameKey.objects.in_workspace(workspace).filter(
        kind=ChildNameKey.Kind.SURNAME_STEM, key__in=stems.values("key")
    )
    others = list(
        live.exclude(organisation=scan.organisation)
        .filter(pk__in=sharing.values("child_id"))
        .order_by("pk")
        .prefetch_related(_names_prefetch())[:MAX_SCAN_RECORDS]
    )
    return own + others


def _store_pairs(scan: DuplicateScan, found: list[tuple[Child, Child, scoring.Score]]) -> int:
    organisation = scan.organisation
    existing = {
        (p.left_id, p.right_id): p
        for p in DuplicatePair.objects.in_workspace(scan.workspace).filter(
            Q(left_organisation=organisation)
            | Q(right_organisation=organisation)
            | Q(left__organisation=organisation)
            | Q(right__organisation=organisation)
        )
    }
    new, changed = [], []
    for left, right, result in found:
        pair = existing.get((left.pk, right.pk))
        if pair is None:
            new.append(
                DuplicatePair(
                    workspace=scan.workspace,
                    left=left,
                    right=right,
                    left_organisation_id=left.organisation_id,
                    right_organisation_id=right.organisation_id,
                    match_weight=result.match_weight,
                    probability=result.probability,
                    levels=list(result.levels),
                    weights=list(result.weights),
                    matcher_version=MATCHER_VERSION,
                )
            )
        elif pair.status == DuplicatePair.Status.OPEN:
            # A pair marked "not a duplicate" (or merged) keeps its decision: it does not return.
            pair.match_weight, pair.probability = result.match_weight, result.probability
            pair.levels, pair.weights = list(result.levels), list(result.weights)
            # Where the children are now (a case may have been handed over since).
            pair.left_organisation_id = left.organisation_id
            pair.right_organisation_id = right.organisation_id
            changed.append(pair)
    DuplicatePair.objects.bulk_create(new, batch_size=500)
    DuplicatePair.objects.bulk_update(
        changed,
        [
            "match_weight",
            "probability",
            "levels",
            "weights",
            "left_organisation",
            "right_organisation",
        ],
        batch_size=500,
    )
    return len(new) + len(changed)


def duplicate_scan_run(*, scan: DuplicateScan) -> DuplicateScan:
    """Run the matcher over the scan's population; store pairs above REVIEW_PROBABILITY that
    touch the organisation; keep the progress on the scan row as it goes."""
    scan.status = DuplicateScan.Status.RUNNING
    scan.save(update_fields=["status", "updated_at"])
    children = _scan_population(scan)
    facts = [scoring.facts_of(child, child.names.all()) for child in children]
    records = [fact.record() for fact in facts]
    prepared = [scoring.model({}, 1).features(r) for r in records]
    counts: Counter[str] = Counter()
    for features in prepared:
        counts.update(features.name_keys)
    matcher_model = scoring.model(counts, len(prepared))
    n = len(prepared)
    pairs = [
        pair
        for pair in candidate_pairs(prepared, MatcherConfig(other_fields=()), ())
        if scan.organisation_id
        in (children[pair // n].organisation_id, children[pair % n].organisation_id)
    ]
    scan.records, scan.pairs_total = n, len(pairs)
    scan.save(update_fields=["records", "pairs_total", "updated_at"])
    found: list[tuple[Child, Child, scoring.Score]] = []
    for start in range(0, len(pairs), SCAN_CHUNK):
        for pair in pairs[start : start + SCAN_CHUNK]:
            i, j = divmod(pair, n)
            result = scoring.score(matcher_model, prepared[i], prepared[j])
            if result.probability >= scoring.REVIEW_PROBABILITY:
                left, right = sorted((children[i], children[j]), key=lambda c: c.pk)
                found.append((left, right, scoring.explained(matcher_model, result, records, i, j)))
        scan.pairs_scored = min(start + SCAN_CHUNK, len(pairs))
        scan.save(update_fields=["pairs_scored", "updated_at"])
    with transaction.atomic():
        scan.pairs_found = _store_pairs(scan, found)
        scan.status = DuplicateScan.Status.DONE
        scan.finished_at = timezone.now()
        scan.save(update_fields=["pairs_found", "status", "finished_at", "updated_at"])
        record(
            actor=scan.requested_by,
            action="duplicates.scan",
            target=scan,
            organisation=scan.organisation,
            details={"records": n, "pairs_scored": len(pairs), "pairs_found": scan.pairs_found},
        )
    return scan


@transaction.atomic
def duplicate_scan_start(
    *, actor: User, workspace: Workspace, organisation: Organisation
) -> DuplicateScan:
    """Queue a scan of the organisation (one at a time: a queued or running one is returned)."""
    from qorgau.cases.duplicate_tasks import run_duplicate_scan

    if not can(actor, "duplicates.review", organisation):
        raise PermissionDenied(_("You may not review duplicates of this organisation."))
    running = (
        DuplicateScan.objects.in_workspace(workspace)
        .select_for_update()
        .filter(
            organisation=organisation,
            status__in=[DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING],
        )
        .first()
    )
    if running is not None:
        return running
    scan = DuplicateScan.objects.create(
        workspace=workspace, organisation=organisation, requested_by=actor
    )
    record(actor=actor, action="duplicates.scan_start", target=scan, organisation=organisation)
    transaction.on_commit(lambda: run_duplicate_scan.enqueue(scan_id=scan.pk))
    return scan


def latest_scan(*, workspace: Workspace, organisation: Organisation) -> DuplicateScan | None:
    return (
        DuplicateScan.objects.in_workspace(workspace)
        .filter(organisation=organisation)
        .order_by("-created_at", "-pk")
        .first()
    )


def access_scan(*, user: User, workspace: Workspace, pk: int) -> DuplicateScan:
    scan = (
        DuplicateScan.objects.in_workspace(workspace)
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )
    if scan is None or not can(user, "duplicates.review", scan.organisation):
        raise Http404
    return scan


# --- review -------------------------------------------------------------------------------
def review_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose duplicates the user reviews (case managers and supervisors)."""
    return Organisation.objects.filter(
        pk__in=_org_ids(user, CASE_LEAD_ROLES), is_active=True
    ).order_by("name")


def pairs_visible_to(*, user: User, workspace: Workspace) -> QuerySet[DuplicatePair]:
    """Open pairs with a child of the user's organisations on at least one side."""
    orgs = _org_ids(user, CASE_LEAD_ROLES)
    return (
        DuplicatePair.objects.in_workspace(workspace)
        .filter(status=DuplicatePair.Status.OPEN)
        .filter(Q(left_organisation_id__in=orgs) | Q(right_organisation_id__in=orgs))
        .filter(left__merged_into__isnull=True, right__merged_into__isnull=True)
        .select_related("left", "right", "left_organisation", "right_organisation")
        .order_by("-probability", "pk")
    )


@dataclass
class PairView:
    """A pair as one user may see it: both children when both are theirs; otherwise their own
    child and "a possible match in organisation X"."""

    pair: DuplicatePair
    children: list[Child]  # the user's own side(s), names prefetched
    other_organisation: Organisation | None
    evidence: list[scoring.Evidence]
    reasons: list[str]
    may_merge: bool
    may_dismiss: bool


def pair_views(*, user: User, pairs: list[DuplicatePair]) -> list[PairView]:
    """Views of a page of pairs, with the names of the user's own children in one query."""
    orgs = _org_ids(user, CASE_LEAD_ROLES)
    own_children = [
        child
        for pair in pairs
        for child in (pair.left, pair.right)
        if child.organisation_id in orgs
    ]
    prefetch_related_objects(own_children, _names_prefetch())
    views = []
    for pair in pairs:
        mine = [c for c in (pair.left, pair.right) if c.organisation_id in orgs]
        other = None
        if len(mine) == 1:
            other = (
                pair.right_organisation if mine[0].pk == pair.left_id else pair.left_organisation
            )
        both = other is None
        views.append(
            PairView(
                pair=pair,
                children=mine,
                other_organisation=other,
                evidence=scoring.evidence(pair.levels, pair.weights) if both else [],
                reasons=scoring.reasons(pair.levels) if both else [],
                may_merge=both and can(user, "child.merge", pair),
                may_dismiss=both and can(user, "duplicates.dismiss", pair),
            )
        )
    return views


def access_pair(*, user: User, workspace: Workspace, pk: int, action: str) -> DuplicatePair:
    """A pair with one of the user's organisations on a side (404 otherwise), if they may act."""
    pair = (
        DuplicatePair.objects.in_workspace(workspace)
        .select_related("left", "right", "left_organisation", "right_organisation")
        .filter(pk=pk)
        .first()
    )
    orgs = _org_ids(user, CASE_LEAD_ROLES)
    if pair is None or not {pair.left_organisation_id, pair.right_organisation_id} & orgs:
        raise Http404
    if not can(user, action, pair):
        raise PermissionDenied
    return pair


def merges_visible_to(*, user: User, workspace: Workspace) -> QuerySet[ChildMerge]:
    """Merges in force of the organisations the user supervises (those they may undo)."""
    return (
        ChildMerge.objects.in_workspace(workspace)
        .filter(
            unmerged_at__isnull=True,
            survivor__organisation_id__in=_org_ids(user, frozenset({Role.SUPERVISOR})),
        )
        .select_related("survivor", "merged", "merged_by")
    )


def access_merge(*, user: User, workspace: Workspace, pk: int) -> ChildMerge:
    merge = (
        ChildMerge.objects.in_workspace(workspace)
        .select_related("survivor", "merged", "survivor__organisation", "merged_by")
        .filter(pk=pk)
        .first()
    )
    if merge is None or merge.survivor.organisation_id not in _org_ids(user, CASE_LEAD_ROLES):
        raise Http404
    if not can(user, "child.unmerge", merge):
        raise PermissionDenied
    return merge


@transaction.atomic
def pair_mark_not_duplicate(*, actor: User, pair: DuplicatePair) -> DuplicatePair:
    """Remember that these two are different children: the pair does not come back."""
    if not can(actor, "duplicates.dismiss", pair):
        raise PermissionDenied(_("You may not decide on this pair."))
    current = DuplicatePair.objects.in_workspace(pair.workspace).select_for_update().get(pk=pair.pk)
    if current.status != DuplicatePair.Status.OPEN:
        raise ValidationError(_("This pair has already been decided."), code="decided")
    current.status = DuplicatePair.Status.NOT_DUPLICATE
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record(
        actor=actor,
        action="duplicates.not_duplicate",
        target=current,
        organisation=current.left_organisation,
        details={"left": current.left_id, "right": current.right_id},
    )
    return current


# --- merge and unmerge --------------------------------------------------------------------
def _child_relations() -> list[ForeignObjectRel]:
    """Every foreign key to Child from another model (other apps' included), except merge
    bookkeeping (Child.merged_into, pairs, merges), which must keep pointing where it points."""
    skip = {Child, DuplicatePair, ChildMerge}
    return [
        rel
        for rel in Child._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel)
        and (rel.one_to_many or rel.one_to_one)
        and rel.related_model not in skip
    ]


def _stale() -> ValidationError:
    return ValidationError(
        _(
            "One of these records was changed after you opened it. Reload the page and check "
            "the pair again before merging."
        ),
        code="stale",
    )


@transaction.atomic
def child_merge(
    *,
    actor: User,
    pair: DuplicatePair,
    keep: int,
    left_version: int,
    right_version: int,
    reason: str = "",
) -> ChildMerge:
    """Merge one child of the pair into the other (``keep`` is the child that stays).

    Every row pointing at the merged child (its names in every script, name keys, cases,
    family, and any other app's rows) is re-pointed to the one kept and listed on the merge,
    so that `child_unmerge` restores it exactly; the merged record stays, marked merged-into.
    """
    if not can(actor, "child.merge", pair):
        raise PermissionDenied(_("You may not merge these records."))
    if keep not in (pair.left_id, pair.right_id):
        raise ValidationError({"keep": _("Choose one of the two records to keep.")})
    workspace = pair.workspace
    current = DuplicatePair.objects.in_workspace(workspace).select_for_update().get(pk=pair.pk)
    if current.status != DuplicatePair.Status.OPEN:
        raise ValidationError(_("This pair has already been decided."), code="decided")
    locked = {
        c.pk: c
        for c in Child.objects.in_workspace(workspace)
        .select_for_update()
        .filter(pk__in=[pair.left_id, pair.right_id])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise Http404
    left, right = locked[pair.left_id], locked[pair.right_id]
    if left.version != left_version or right.version != right_version:
        raise _stale()
    if (left.organisation_id, right.organisation_id) != (
        current.left_organisation_id,
        current.right_organisation_id,
    ):
        # A case was handed over after the scan: the pair is reviewed again by a new scan.
        raise ValidationError(
            _(
                "One of these children has moved to another organisation since the duplicate "
                "search. Run the search again before merging."
            ),
            code="moved",
        )
    current.left, current.right = left, right
    if not can(actor, "child.merge", current):
        raise PermissionDenied(_("You may not merge these records."))
    if left.merged_into_id or right.merged_into_id:
        raise ValidationError(_("One of these records is already merged."), code="merged")
    survivor, merged = (left, right) if keep == left.pk else (right, left)

    survivor_keys = set(
        ChildNameKey.objects.in_workspace(workspace)
        .filter(child=survivor)
        .values_list("key", "kind")
    )
    clashing = ChildNameKey.objects.in_workspace(workspace).filter(child=merged)
    dropped = sorted(
        [key, kind]
        for key, kind in clashing.values_list("key", "kind")
        if (key, kind) in survivor_keys
    )
    for key, kind in dropped:
        ChildNameKey.objects.in_workspace(workspace).filter(
            child=merged, key=key, kind=kind
        ).delete()
    moved: dict[str, dict[str, Any]] = {}
    try:
        with transaction.atomic():
            for rel in _child_relations():
                model, name = rel.related_model, rel.field.name
                rows = model._base_manager.filter(**{name: merged})
                pks = sorted(rows.values_list("pk", flat=True))
                if not pks:
                    continue
                if rel.one_to_one and model._base_manager.filter(**{name: survivor}).exists():
                    raise IntegrityError(model._meta.label_lower)
                model._base_manager.filter(pk__in=pks).update(**{name: survivor})
                moved[model._meta.label_lower] = {"field": name, "pks": pks}
    except IntegrityError as error:
        raise ValidationError(
            _("These records cannot be merged automatically: both have %(what)s.")
            % {"what": str(error)},
            code="conflict",
        ) from error
    merged.merged_into = survivor
    Child.objects.in_workspace(workspace).filter(pk__in=[left.pk, right.pk]).update(
        version=F("version") + 1
    )
    Child.objects.in_workspace(workspace).filter(pk=merged.pk).update(merged_into=survivor)
    merge = ChildMerge.objects.create(
        workspace=workspace,
        survivor=survivor,
        merged=merged,
        pair=current,
        pair_status_before=current.status,
        moved=moved,
        dropped_keys=dropped,
        reason=reason.strip()[:500],
        merged_by=actor,
    )
    current.status = DuplicatePair.Status.MERGED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record(
        actor=actor,
        action="child.merge",
        target=survivor,
        organisation=survivor.organisation,
        details={
            "merged": merged.pk,
            "merge": merge.pk,
            "moved": {label: len(m["pks"]) for label, m in moved.items()},
        },
    )
    return merge


@transaction.atomic
def child_unmerge(*, actor: User, merge: ChildMerge) -> ChildMerge:
    """Undo a merge: every row it re-pointed goes back, set-aside keys return, the pair is open
    again. The latest merge first: a record merged on into a third is unmerged from it first."""
    if not can(actor, "child.unmerge", merge):
        raise PermissionDenied(_("You may not undo this merge."))
    workspace = merge.workspace
    current = ChildMerge.objects.in_workspace(workspace).select_for_update().get(pk=merge.pk)
    if current.unmerged_at is not None:
        raise ValidationError(_("This merge has already been undone."), code="undone")
    survivor = Child.objects.in_workspace(workspace).select_for_update().get(pk=current.survivor_id)
    merged = Child.objects.in_workspace(workspace).select_for_update().get(pk=current.merged_id)
    if survivor.merged_into_id is not None:
        raise ValidationError(
            _("The record kept was merged again since. Undo that merge first."), code="order"
        )
    for label, moved in current.moved.items():
        model = apps.get_model(label)
        model._base_manager.filter(pk__in=moved["pks"]).update(**{moved["field"]: merged})
    ChildNameKey.objects.bulk_create(
        ChildNameKey(workspace=workspace, child=merged, key=key, kind=kind)
        for key, kind in current.dropped_keys
    )
    Child.objects.in_workspace(workspace).filter(pk__in=[survivor.pk, merged.pk]).update(
        version=F("version") + 1
    )
    Child.objects.in_workspace(workspace).filter(pk=merged.pk).update(merged_into=None)
    if current.pair_id is not None:
        DuplicatePair.objects.in_workspace(workspace).filter(pk=current.pair_id).update(
            status=current.pair_status_before or DuplicatePair.Status.OPEN,
            decided_by=None,
            decided_at=None,
        )
    current.unmerged_at, current.unmerged_by = timezone.now(), actor
    current.save(update_fields=["unmerged_at", "unmerged_by", "updated_at"])
    record(
        actor=actor,
        action="child.unmerge",
        target=survivor,
        organisation=survivor.organisation,
        details={"merged": merged.pk, "merge": current.pk},
    )
    return current


def moved_counts(*, child_id: int, moved: dict[str, Any] | None = None) -> list[tuple[str, int]]:
    """(kind of record, how many) pointing at a child -- or recorded as moved by a merge -- for
    the confirmation pages. Name keys are derived from the names and not listed."""
    out = []
    if moved is not None:
        for label, entry in sorted(moved.items()):
            model = apps.get_model(label)
            if model is not ChildNameKey:
                out.append((str(model._meta.verbose_name_plural), len(entry["pks"])))
        return out
    for rel in _child_relations():
        if rel.related_model is ChildNameKey:
            continue
        n = rel.related_model._base_manager.filter(**{rel.field.name: child_id}).count()
        if n:
            out.append((str(rel.related_model._meta.verbose_name_plural), n))
    return sorted(out)
