"""Referrals of a child's case to a provider for one service, and the history that closes them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import WorkspaceScopedModel


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = frozenset({Status.DECLINED, Status.COMPLETED, Status.CANCELLED})
# Which status may follow which (and who moves it: the provider, except cancel by the sender).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Status.SENT: (Status.ACCEPTED, Status.DECLINED, Status.CANCELLED),
    Status.ACCEPTED: (Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.COMPLETED, Status.CANCELLED),
}


class Deadline(models.TextChoices):
    RESPOND = "respond", _("Response")
    COMPLETE = "complete", _("Completion")


class Referral(WorkspaceScopedModel):
    # A client-made key: a double click on "send" sends one referral.
    idempotency_key = models.UUIDField(unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referring organisation"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provider"),
    )
    service_type = models.ForeignKey(
        "directory.ServiceType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    reason = models.TextField(_("what the child needs"))
    urgent_reason = models.TextField(_("reason for acting without consent"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    respond_by = models.DateTimeField(_("answer by"))
    complete_by = models.DateTimeField(_("complete by"))
    deadlines_version = models.PositiveIntegerField(default=1)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "provider", "status"]),
            models.Index(fields=["workspace", "sender_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ReferralEvent(WorkspaceScopedModel):
    """One change of a referral's status, with who made it and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Escalation(WorkspaceScopedModel):
    """A missed deadline, told to the sender's supervisors; open until the referral moves on."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="escalations")
    deadline = models.CharField(_("deadline"), max_length=8, choices=Deadline.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("was due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "deadline"], name="referrals_escalation_once"
            )
        ]
        indexes = [models.Index(fields=["workspace", "organisation", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.deadline} overdue on {self.referral_id}"


class ReferralDocument(WorkspaceScopedModel):
    """A case document the sender chose to share with the referral's provider (only these)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "cases.CaseDocument", on_delete=models.PROTECT, related_name="referral_attachments"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "document"], name="referrals_attachment_once"
            )
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} on referral {self.referral_id}"


class Transfer(WorkspaceScopedModel):
    """Handing a case over to another organisation (and maybe region), which accepts or not."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    idempotency_key = models.UUIDField(unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="transfers", verbose_name=_("case")
    )
    from_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transferred from"),
    )
    from_region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    from_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transferred to"),
    )
    handover_note = models.TextField(_("handover note"))
    keep_access = models.BooleanField(
        _("keep our organisation on the case team (read only)"), default=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    new_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "to_organisation", "status"]),
            models.Index(fields=["workspace", "from_organisation", "status"]),
        ]
        constraints = [
            # One open transfer per case at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="requested"),
                name="referrals_one_open_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"transfer #{self.pk}"
