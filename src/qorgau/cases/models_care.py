"""The child's care on a case: assessments, the reflection period, the individual assistance
plan with its services and their delivery, closure and follow-up. Every row is workspace-scoped.

Imported at the end of models.py, so Django sees these models as the cases app's.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.cases.models import Approval, Case
from qorgau.core.models import WorkspaceScopedModel


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class BestInterestsOutcome(models.TextChoices):
    RETURN_TO_FAMILY = "return_to_family", _("Return to the family")
    ALTERNATIVE_CARE = "alternative_care", _("Alternative care")
    INDEPENDENT_LIVING = "independent_living", _("Independent living with support")
    STAY_IN_CURRENT_CARE = "stay", _("Stay in the current care")


class Assessment(WorkspaceScopedModel):
    """One assessment of the child on a case: risk, needs, or a best-interests determination."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Risk assessment")
        NEEDS = "needs", _("Needs assessment")
        BEST_INTERESTS = "best_interests", _("Best-interests determination")

    # A client-made key: a double click on "save" records one assessment.
    idempotency_key = models.UUIDField(unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Risk assessment (Law No. 110-VIII Art. 14): safety, re-trafficking, family.
    safety_risk = models.CharField(
        _("safety risk"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    retrafficking_risk = models.CharField(
        _("risk of re-trafficking"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    family_risk = models.CharField(
        _("risk in the family"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    # Best-interests determination: the outcome, and whether the family was assessed.
    outcome = models.CharField(
        _("decision"), max_length=20, choices=BestInterestsOutcome.choices, blank=True
    )
    family_assessed = models.BooleanField(_("the family was assessed"), default=False)
    child_views = models.TextField(_("the child's views"), blank=True)
    findings = models.TextField(_("findings"))
    recommendations = models.TextField(_("recommendations"), blank=True)
    approval = models.ForeignKey(
        Approval, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["workspace", "case", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.approval is not None and self.approval.status == Approval.Status.APPROVED


class ReflectionPeriod(WorkspaceScopedModel):
    """The reflection and recovery period; its length comes from data (care_periods.yaml)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reflection")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    days = models.PositiveSmallIntegerField(_("days"))
    data_version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reflection and recovery period")
        verbose_name_plural = _("reflection and recovery periods")

    def __str__(self) -> str:
        return f"{self.starts_on}..{self.ends_on}"

    def days_left(self, today: date | None = None) -> int:
        return (self.ends_on - (today or timezone.localdate())).days


class AssistancePlan(WorkspaceScopedModel):
    """The individual assistance plan: 6 months from its start, extendable to 9 once."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(_("goals"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    data_version = models.PositiveIntegerField(default=1)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.ForeignKey(
        Approval, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")

    def __str__(self) -> str:
        return f"plan of {self.case_id}"

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def is_approved(self) -> bool:
        return self.approval is not None and self.approval.status == Approval.Status.APPROVED

    def days_left(self, today: date | None = None) -> int:
        return (self.ends_on - (today or timezone.localdate())).days

    def is_overdue(self, today: date | None = None) -> bool:
        return self.days_left(today) < 0


class PlanService(WorkspaceScopedModel):
    """A service of the plan, by the Social Code's types, with its provider and dates."""

    idempotency_key = models.UUIDField(unique=True)
    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(
        "directory.ServiceType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provider"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # What the provider needs to know to deliver it: no names, no narrative.
    description = models.CharField(_("what is to be done"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["workspace", "provider"])]

    def __str__(self) -> str:
        return f"service #{self.pk}"


class ServiceDelivery(WorkspaceScopedModel):
    """A service delivered, recorded by the provider's own staff."""

    idempotency_key = models.UUIDField(unique=True)
    service = models.ForeignKey(PlanService, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("what was done"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return f"delivery #{self.pk}"


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Reintegrated with the family")
    INDEPENDENT_LIVING = "independent_living", _("Independent living")
    TRANSFERRED = "transferred", _("Transferred")
    CAME_OF_AGE = "came_of_age", _("Came of age")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class Closure(WorkspaceScopedModel):
    """Closing a case: requested with a reason and a best-interests determination, approved by a
    supervisor, then closed with a follow-up schedule; finished, or reopened with a reason."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        CLOSED = "closed", _("Closed")
        FOLLOW_UP = "follow_up", _("In follow-up")
        FINISHED = "finished", _("Follow-up finished")
        REOPENED = "reopened", _("Reopened")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices)
    note = models.TextField(_("note"), blank=True)
    follow_up_months = models.PositiveSmallIntegerField(_("follow-up (months)"))
    best_interests = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="+", verbose_name=_("best interests")
    )
    approval = models.ForeignKey(
        Approval, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_on = models.DateField(_("follow-up finished on"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"closure #{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.approval is not None and self.approval.status == Approval.Status.APPROVED


class FollowUpVisit(WorkspaceScopedModel):
    """A follow-up visit or check, planned on closure and recorded when done."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("follow-up visit", "Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Could not take place")
        CANCELLED = "cancelled", _("Cancelled")

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="visits")
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    note = models.TextField(_("what was found"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"visit {self.due_on}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.PLANNED and self.due_on < (today or timezone.localdate())
