"""Reminders of a child's care: a follow-up visit overdue, a plan ending soon or past its end.

One row per visit or plan per threshold, however often the daily job runs: the database's
unique constraints decide, not a look before the insert (ADR 0022). A reminder is the in-app
notice; it stays on the reminders page while what it is about is still true (the visit still
planned, the plan's end unchanged and the case open), and it is e-mailed once, naming no child.

Imported at the end of models.py, so Django sees this model as the cases app's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.cases.models import Case
from qorgau.cases.models_care import AssistancePlan, FollowUpVisit
from qorgau.core.models import WorkspaceScopedModel


class CareReminder(WorkspaceScopedModel):
    class Kind(models.TextChoices):
        VISIT_OVERDUE = "visit_overdue", _("Follow-up visit overdue")
        PLAN_ENDING = "plan_ending", _("Assistance plan ending soon")
        PLAN_ENDED = "plan_ended", _("Assistance plan past its end")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("case")
    )
    kind = models.CharField(_("reminder"), max_length=16, choices=Kind.choices)
    visit = models.ForeignKey(
        FollowUpVisit, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    plan = models.ForeignKey(
        AssistancePlan, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # The day the reminder is about: the visit's due date, or the plan's last day when told.
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("care reminder")
        verbose_name_plural = _("care reminders")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["workspace", "case", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind"],
                condition=Q(visit__isnull=False),
                name="cases_reminder_visit_once",
            ),
            # A plan extended to a new last day can be reminded of that day in its turn.
            models.UniqueConstraint(
                fields=["plan", "kind", "due_on"],
                condition=Q(plan__isnull=False),
                name="cases_reminder_plan_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="visit_overdue", visit__isnull=False, plan__isnull=True)
                    | Q(
                        kind__in=["plan_ending", "plan_ended"],
                        plan__isnull=False,
                        visit__isnull=True,
                    )
                ),
                name="cases_reminder_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · case {self.case_id}"

    @property
    def tells_supervisors(self) -> bool:
        """Overdue things go to the supervisors as well as to the case manager."""
        return self.kind in SUPERVISOR_KINDS


SUPERVISOR_KINDS = (CareReminder.Kind.VISIT_OVERDUE, CareReminder.Kind.PLAN_ENDED)
