"""Indicator catalogues, screenings, pathway rules, alerts, identifications and decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import TimeStampedModel, WorkspaceScopedModel


def _in_language(obj: Any, field: str) -> str:
    language = (get_language() or "kk")[:2]
    return str(getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en"))


class Catalogue(TimeStampedModel):
    """One published version of the indicator catalogue. Never edited once screenings use it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_on = models.DateField(_("published on"))
    notes = models.TextField(_("notes"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # name translations of lists and dimensions, from the manifest
    labels = models.JSONField(_("labels"), default=dict)

    class Meta:
        verbose_name = _("indicator catalogue")
        verbose_name_plural = _("indicator catalogues")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    def label(self, group: str, key: str) -> str:
        names = self.labels.get(group, {}).get(key, {})
        language = (get_language() or "kk")[:2]
        return str(names.get(language) or names.get("en") or key)


class Indicator(models.Model):
    class Strength(models.TextChoices):
        STRONG = "strong", _("strong")
        MEDIUM = "medium", _("medium")
        WEAK = "weak", _("weak")
        SIGN = "sign", _("sign")

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("catalogue")
    )
    key = models.CharField(_("key"), max_length=120)
    list = models.CharField(_("list"), max_length=32)
    dimension = models.CharField(_("dimension"), max_length=40)
    strength = models.CharField(_("strength"), max_length=8, choices=Strength.choices)
    label_kk = models.TextField()
    label_ru = models.TextField()
    label_en = models.TextField()
    question_kk = models.TextField()
    question_ru = models.TextField()
    question_en = models.TextField()
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(_("confidence"), max_length=40)
    provisional = models.BooleanField(_("provisional"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "key"], name="screening_indicator_once")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_language(self, "label")

    @property
    def question(self) -> str:
        return _in_language(self, "question")


class PathwayRules(TimeStampedModel):
    """One published version of the pathway rules (steps, bodies to notify, deadlines, law)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    document = models.JSONField(_("rules"))
    notes = models.TextField(_("what changed"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("pathway rules")
        verbose_name_plural = _("pathway rules")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class ExploitationForm(models.TextChoices):
    LABOUR = "labour", _("Labour exploitation")
    SEXUAL = "sexual", _("Sexual exploitation")
    BEGGING = "begging", _("Forced begging")
    CRIMINAL = "criminal", _("Forced criminal activity")
    UNKNOWN = "unknown", _("Not known yet")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not known")


class Screening(WorkspaceScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Outcome(models.TextChoices):
        NO_INDICATION = "no_indication", _("No indication")
        CONCERN = "concern", _("Concern")
        STRONG_INDICATION = "strong_indication", _("Strong indication")

    # A client-made key: a lost connection or a double submit never makes two screenings.
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.PROTECT, related_name="+", verbose_name=_("catalogue")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("screened by"),
    )
    screened_at = models.DateTimeField(_("when"))
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    exploitation_form = models.CharField(
        _("suspected form of exploitation"),
        max_length=16,
        choices=ExploitationForm.choices,
        default=ExploitationForm.UNKNOWN,
    )
    # What is known of the child: any of it may be unknown.
    child_name = models.CharField(_("child's name, if known"), max_length=200, blank=True)
    birth_date = models.DateField(_("date of birth, if known"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(_("estimated age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age to"), null=True, blank=True)
    declared_child = models.BooleanField(_("is the person a child?"), null=True, blank=True)
    signs_of_childhood = models.BooleanField(_("looks or behaves like a child"), default=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(
        _("citizenship (ISO code)"), max_length=2, blank=True, default="KZ"
    )
    unaccompanied = models.BooleanField(_("unaccompanied or separated"), default=False)
    immediate_danger = models.BooleanField(_("in immediate danger"), default=False)
    observations = models.TextField(_("what you saw and heard"), blank=True)
    # The result, fixed at submission.
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_child = models.BooleanField(_("treated as a child"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    positive_dimensions = models.JSONField(default=list, blank=True)
    drivers = models.JSONField(default=list, blank=True)
    pathway_rules = models.ForeignKey(
        PathwayRules, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    steps = models.JSONField(_("next steps"), default=list, blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_at"]
        indexes = [models.Index(fields=["workspace", "organisation", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Don't know")

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("answer"), max_length=8, choices=Value.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["screening", "indicator"], name="screening_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class Identification(WorkspaceScopedModel):
    """Opened by a *concern* or *strong indication*; the case-management module makes it a case."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, related_name="identification"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("identification")
        verbose_name_plural = _("identifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Alert(WorkspaceScopedModel):
    """One body a pathway step says must be told, with the deadline for it to act."""

    identification = models.ForeignKey(
        Identification, on_delete=models.PROTECT, related_name="alerts"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("notified organisation"),
    )
    step = models.JSONField(_("step"))
    due_at = models.DateTimeField(_("act by"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["workspace", "organisation", "read_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"


class VictimStatusDecision(WorkspaceScopedModel):
    class Status(models.TextChoices):
        PRESUMED = "presumed", _("Presumed victim")
        IDENTIFIED = "identified", _("Identified victim")
        NOT_VICTIM = "not_victim", _("Not a victim")

    identification = models.ForeignKey(
        Identification, on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(_("decision"), max_length=12, choices=Status.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("authorized body"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decision-maker"),
    )
    decided_on = models.DateField(_("date of decision"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    reasons = models.TextField(_("reasons"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )

    class Meta:
        verbose_name = _("victim-status decision")
        verbose_name_plural = _("victim-status decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
