"""Duplicate review: likely pairs of children, the scans that find them, and merges.

Imported at the end of cases/models.py so that Django sees these models in the cases app.
Design: docs/adr/0014-duplicate-review-and-merge.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import WorkspaceScopedModel


class DuplicatePair(WorkspaceScopedModel):
    """Two children the matcher thinks may be one (left.pk < right.pk), with its evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
        MERGED = "merged", _("Merged")

    left = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    # Organisations of both sides, kept for the indexed "pairs I may see" read.
    left_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    right_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    match_weight = models.FloatField()
    probability = models.FloatField()
    # One comparison level per field (-1: missing) and its weight, from the matcher.
    levels = models.JSONField(default=list)
    weights = models.JSONField(default=list)
    matcher_version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="cases_duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="cases_duplicate_pair_order"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "left_organisation", "status"]),
            models.Index(fields=["workspace", "right_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id}"

    @property
    def same_organisation(self) -> bool:
        return self.left_organisation_id == self.right_organisation_id


class DuplicateScan(WorkspaceScopedModel):
    """One run of the matcher over an organisation's children, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    records = models.PositiveIntegerField(default=0)
    pairs_total = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"scan {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.pairs_scored / self.pairs_total) if self.pairs_total else 0


class ChildMerge(WorkspaceScopedModel):
    """One child merged into another, with what moved, so that unmerging restores it exactly."""

    survivor = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(
        DuplicatePair, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pair_status_before = models.CharField(max_length=16, blank=True)
    # {"app_label.model": [pk, ...]}: the rows re-pointed from the merged child to the survivor.
    moved = models.JSONField(default=dict)
    # (key, kind) rows of the merged child that the survivor already had, set aside.
    dropped_keys = models.JSONField(default=list)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(unmerged_at__isnull=True),
                name="cases_child_merged_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.unmerged_at is None
