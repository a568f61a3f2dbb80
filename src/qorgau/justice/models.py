"""Criminal proceedings about a child's case, the child's interviews, and compensation claims.

Every row is workspace-scoped (the child's case is). A proceeding names the organisations that
run it (the investigating body and the prosecutor's office): their investigators, supervisors
and prosecutors see it, alongside the case's own organisation and team (accounts.permissions).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import WorkspaceScopedModel


class Stage(models.TextChoices):
    PRE_TRIAL = "pre_trial", _("Pre-trial investigation")
    INDICTMENT = "indictment", _("Indictment")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    PENDING = "", _("Not yet decided")
    CONVICTION = "conviction", _("Conviction")
    ACQUITTAL = "acquittal", _("Acquittal")
    DISCONTINUED = "discontinued", _("Discontinued")
    RECONCILIATION = "reconciliation", _("Released on reconciliation")
    OTHER = "other", _("Other outcome")


class ChildRole(models.TextChoices):
    """The child's place in the proceeding; a suspect or accused victim raises the flag."""

    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    SUSPECT = "suspect", _("Suspect")
    ACCUSED = "accused", _("Accused")


SUSPECT_ROLES = frozenset({ChildRole.SUSPECT, ChildRole.ACCUSED})


class DecisionKind(models.TextChoices):
    REGISTERED = "registered", _("Registered in the ERDR")
    VICTIM_STATUS = "victim_status", _("Child recognised as victim")
    SUSPECT_STATUS = "suspect_status", _("Person recognised as suspect")
    INDICTMENT = "indictment", _("Indictment sent to court")
    VERDICT = "verdict", _("Verdict")
    APPEAL_RULING = "appeal_ruling", _("Appeal ruling")
    DISCONTINUED = "discontinued", _("Proceeding discontinued")
    OTHER = "other", _("Other decision")


class Proceeding(WorkspaceScopedModel):
    # A client-made key: a double click on "save" records one row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="proceedings", verbose_name=_("case")
    )
    register_number = models.CharField(_("ERDR number"), max_length=15)
    registered_on = models.DateField(_("registered on"))
    articles = models.JSONField(_("Criminal Code articles"), default=list)
    articles_version = models.PositiveIntegerField(default=1)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.PRE_TRIAL
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    child_role = models.CharField(
        _("the child in this proceeding"),
        max_length=8,
        choices=ChildRole.choices,
        default=ChildRole.VICTIM,
    )
    investigating_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("investigating body"),
    )
    prosecutor_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("prosecutor's office"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("criminal proceeding")
        verbose_name_plural = _("criminal proceedings")
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "case", "register_number"],
                name="justice_proceeding_number_once_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "investigating_organisation"]),
            models.Index(fields=["workspace", "prosecutor_organisation"]),
            models.Index(fields=["workspace", "register_number"]),
        ]

    def __str__(self) -> str:
        return self.register_number

    @property
    def organisation_ids(self) -> set[int]:
        """The organisations that run the proceeding."""
        ids = {self.investigating_organisation_id}
        if self.prosecutor_organisation_id:
            ids.add(self.prosecutor_organisation_id)
        return ids


class Decision(WorkspaceScopedModel):
    """A procedural decision, with its date; the history of the proceeding."""

    # A client-made key: a double click on "save" records one row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    decided_on = models.DateField(_("date of decision"))
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("procedural decision")
        verbose_name_plural = _("procedural decisions")
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.decided_on}"


class Interview(WorkspaceScopedModel):
    """One interview of the child: as few as possible, by trained people, recorded once."""

    # A client-made key: a double click on "save" records one row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("date of the interview"))
    interviewer = models.CharField(_("interviewer"), max_length=200)
    interviewer_trained = models.BooleanField(
        _("interviewer trained in child-friendly interviewing"), default=False
    )
    video_recorded = models.BooleanField(_("video-recorded"), default=False)
    psychologist_present = models.BooleanField(_("psychologist present"), default=False)
    legal_representative_present = models.BooleanField(
        _("legal representative present"), default=False
    )
    child_friendly_room = models.BooleanField(_("in a child-friendly room"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    repeat_justification = models.TextField(
        _("why the child must be interviewed again"), blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("interview of the child")
        verbose_name_plural = _("interviews of the child")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"interview {self.held_on}"


class Route(models.TextChoices):
    CIVIL_CLAIM_IN_CRIMINAL_CASE = "civil_in_criminal", _("Civil claim in the criminal case")
    SEPARATE_CIVIL_SUIT = "civil_suit", _("Separate civil suit")
    STATE_FUND = "state_fund", _("Victims' compensation fund")
    OTHER = "other", _("Other route")


class ClaimStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    FILED = "filed", _("Filed")
    AWARDED = "awarded", _("Awarded")
    PARTLY_AWARDED = "partly_awarded", _("Partly awarded")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid in full")
    WITHDRAWN = "withdrawn", _("Withdrawn")


_NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class CompensationClaim(WorkspaceScopedModel):
    """A claim for compensation for the child; amounts in tenge (KZT)."""

    # A client-made key: a double click on "save" records one row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="claims")
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PREPARING
    )
    amount_claimed = models.DecimalField(
        _("amount claimed (KZT)"), max_digits=14, decimal_places=2, validators=_NON_NEGATIVE
    )
    amount_awarded = models.DecimalField(
        _("amount awarded (KZT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NON_NEGATIVE,
    )
    amount_received = models.DecimalField(
        _("amount received (KZT)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=_NON_NEGATIVE,
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    received_on = models.DateField(_("last received on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("compensation claim")
        verbose_name_plural = _("compensation claims")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_claimed__gte=0)
                & models.Q(amount_received__gte=0)
                & (models.Q(amount_awarded__isnull=True) | models.Q(amount_awarded__gte=0)),
                name="justice_claim_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"claim #{self.pk}"


class NonPunishmentNotice(WorkspaceScopedModel):
    """A presumed or identified victim is a suspect or accused: told once per organisation."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="non_punishment_notices"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "organisation"], name="justice_notice_once"
            )
        ]
        indexes = [models.Index(fields=["workspace", "organisation", "read_at"])]

    def __str__(self) -> str:
        return f"non-punishment #{self.pk}"
