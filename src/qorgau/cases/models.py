"""Children, their cases, teams, approvals and consent: every row belongs to a workspace."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import WorkspaceScopedModel
from qorgau.screening.models import Sex


class Script(models.TextChoices):
    KAZAKH = "kk", _("Kazakh Cyrillic")
    RUSSIAN = "ru", _("Russian Cyrillic")
    LATIN = "latin", _("Latin")


class CareStatus(models.TextChoices):
    FAMILY = "family", _("With family")
    CHILDRENS_HOME = "childrens_home", _("Children's home")
    FOSTER_FAMILY = "foster_family", _("Foster family")
    STREET = "street", _("Street")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")


class Child(WorkspaceScopedModel):
    """A child (or a young person who comes of age during the case) as one organisation holds it."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(_("estimated age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age to"), null=True, blank=True)
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    # The possible birth years (from linkage.dates), kept for the indexed duplicate lookup.
    birth_year_min = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year_max = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(_("citizenship (ISO code)"), max_length=2, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    disability = models.TextField(_("disability"), blank=True)
    special_needs = models.TextField(_("special needs"), blank=True)
    care_status = models.CharField(
        _("care status"), max_length=16, choices=CareStatus.choices, blank=True
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    address = models.CharField(_("home address"), max_length=300, blank=True)
    guardian_name = models.CharField(_("legal representative"), max_length=200, blank=True)
    guardian_relation = models.CharField(_("relation to the child"), max_length=100, blank=True)
    guardian_contact = models.CharField(_("contact"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Set when this record was merged into another (duplicate review); it is never deleted.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_children"
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def display_name(self) -> str:
        names = list(self.names.all())
        return names[0].full_name if names else ""


class ChildName(WorkspaceScopedModel):
    """A name as one source writes it, in its script."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="names")
    full_name = models.CharField(_("name"), max_length=200)
    script = models.CharField(_("script"), max_length=8, choices=Script.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("child's name")
        verbose_name_plural = _("child's names")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.full_name


class ChildNameKey(WorkspaceScopedModel):
    """Canonical keys (linkage) of a child's names, for one indexed duplicate lookup."""

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        SURNAME_STEM = "stem", _("surname stem")
        GIVEN = "given", _("given name")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "key"], name="cases_namekey_lookup"),
            # Covering: the duplicate lookup ranks children from the index alone (ADR 0014).
            models.Index(fields=["workspace", "key", "kind", "child"], name="cases_namekey_cover"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["child", "key", "kind"], name="cases_namekey_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class FamilyMember(WorkspaceScopedModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    ASSISTANCE = "assistance", _("Assistance")
    SOCIAL_INCLUSION = "social_inclusion", _("Social inclusion")
    CLOSED = "closed", _("Closed")
    FOLLOW_UP = "follow_up", _("Follow-up")


# Which stage may follow which in the ordinary order. Closing, follow-up and reopening go
# through the case's closure (services_closure.py): a best-interests determination and a
# supervisor's approval first.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.IDENTIFICATION: (Stage.ASSISTANCE,),
    Stage.ASSISTANCE: (Stage.SOCIAL_INCLUSION,),
    Stage.SOCIAL_INCLUSION: (),
    Stage.CLOSED: (),
    Stage.FOLLOW_UP: (),
}


class Case(WorkspaceScopedModel):
    # A client-made key: a double click on "open case" opens one case.
    idempotency_key = models.UUIDField(unique=True)
    number = models.CharField(_("case number"), max_length=32)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("child")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    identification = models.OneToOneField(
        "screening.Identification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFICATION
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case manager"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "organisation", "stage"])]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="cases_case_number_once")
        ]

    def __str__(self) -> str:
        return self.number


class StageChange(WorkspaceScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class TeamMember(WorkspaceScopedModel):
    """Another organisation invited onto the case; it sees the case once it accepts."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role_note = models.CharField(_("what they will do"), max_length=300, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="cases_team_once")
        ]
        indexes = [models.Index(fields=["workspace", "organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} on {self.case_id}"


class Approval(WorkspaceScopedModel):
    class Subject(models.TextChoices):
        RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")
        PLAN = "plan", _("Assistance plan")
        CLOSURE = "closure", _("Closure")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.status}"


class ConsentPurpose(models.TextChoices):
    SHARING = "sharing", _("Sharing with a named organisation")
    REFERRAL = "referral", _("Referral")
    PHOTO = "photo", _("Photo")
    RESEARCH = "research", _("Research and statistics")


class Consent(WorkspaceScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    # For sharing: the organisation named in the consent.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    given_by_name = models.CharField(_("given by (legal representative)"), max_length=200)
    given_by_relation = models.CharField(_("relation to the child"), max_length=100)
    child_view = models.TextField(_("the child's own view"), blank=True)
    maturity_note = models.CharField(_("age and maturity"), max_length=300, blank=True)
    given_on = models.DateField(_("date given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ConsentOverride(WorkspaceScopedModel):
    """An urgent action taken without applicable consent; the supervisor sees every one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_overrides")
    purpose = models.CharField(max_length=10, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"override {self.purpose} #{self.pk}"


class CaseNotification(WorkspaceScopedModel):
    """An in-app notice to an organisation (the guardianship authority of the case's region)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32, default="case_opened")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "organisation", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


# --- notes and documents ------------------------------------------------------------------
class Confidentiality(models.TextChoices):
    """Who, among those who see the case, reads a note or a document (rules: permissions.py)."""

    TEAM = "team", _("Case team")
    ORGANISATION = "organisation", _("Own organisation only")
    RESTRICTED = "restricted", _("Case manager and supervisors only")


class CaseNote(WorkspaceScopedModel):
    """A note on a case. Notes are never edited or deleted: a correction is a new note."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The organisation the author wrote for (the one "own organisation only" means).
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.TEAM,
    )
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "case", "level"])]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class CaseDocument(WorkspaceScopedModel):
    """An uploaded file, kept in private storage under a random name; never deleted silently."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Current")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Replaced")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.TEAM,
    )
    original_name = models.CharField(_("file name"), max_length=150)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "case", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


# The child's care (assessments, plan, closure, follow-up) lives in its own module.
from qorgau.cases import models_care  # noqa: E402, F401

# Duplicate review (pairs, scans, merges) lives in its own module; imported so Django sees it.
from qorgau.cases.duplicate_models import (  # noqa: E402, F401
    ChildMerge,
    DuplicatePair,
    DuplicateScan,
)

# Reminders of the child's care (visits overdue, plans ending) live in their own module.
from qorgau.cases.reminder_models import CareReminder  # noqa: E402, F401
