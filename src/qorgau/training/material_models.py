"""The materials library: handbooks, brochures, presentations and videos (training/materials.py).

A material is one work (by topic and audience); each of its language versions in each format
(standard, easy-read, large print, audio, sign-language video, braille) is a MaterialVersion,
an uploaded file or an external link. A new upload in the same language and format supersedes
the current one; the old versions stay as history. Imported by models.py.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import TimeStampedModel


def material_upload_path(instance: object, filename: str) -> str:
    """A random name under MEDIA_ROOT/materials (outside the web root; served by checked views).
    The person's file name is kept in the row, never used on disk."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"materials/{uuid.uuid4().hex}{suffix}"


class Material(TimeStampedModel):
    class Kind(models.TextChoices):
        HANDBOOK = "handbook", _("Handbook")
        BROCHURE = "brochure", _("Brochure")
        PRESENTATION = "presentation", _("Presentation")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other material")

    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="training_materials",
        verbose_name=_("published by"),
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    sectors = models.JSONField(_("audience sectors"), default=list, blank=True)
    audience = models.CharField(
        _("audience roles"),
        max_length=255,
        blank=True,
        help_text=_("For example: orphanage staff, teachers, police officers"),
    )
    for_special_needs = models.BooleanField(
        _("adapted for children with special needs"), default=False
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Anyone may download it without an account."),
    )
    # "|code|code|" copies of the lists above, so one LIKE finds a code on any database.
    topic_keys = models.CharField(max_length=1000, blank=True, editable=False)
    sector_keys = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class MaterialVersion(models.Model):
    class Format(models.TextChoices):
        STANDARD = "standard", _("Standard")
        EASY_READ = "easy_read", _("Easy-read")
        LARGE_PRINT = "large_print", _("Large print")
        AUDIO = "audio", _("Audio")
        SIGN_LANGUAGE = "sign_language", _("Sign-language video")
        BRAILLE = "braille", _("Braille")

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("material")
    )
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.STANDARD
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=material_upload_path, blank=True, max_length=255)
    external_url = models.URLField(_("link"), blank=True, max_length=500)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["language", "format", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "language", "format", "number"],
                name="training_material_version_number_once",
            ),
            models.UniqueConstraint(
                fields=["material", "language", "format"],
                condition=Q(superseded_at__isnull=True),
                name="training_material_one_current_version",
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="training_material_file_or_link",
            ),
        ]
        indexes = [models.Index(fields=["material", "superseded_at"])]

    def __str__(self) -> str:
        return f"material {self.material_id} · {self.language} {self.format} v{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_link(self) -> bool:
        return bool(self.external_url)


class MaterialAttachment(models.Model):
    """A material handed out at an event, or at one session of it."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("material")
    )
    event = models.ForeignKey(
        "training.Event",
        on_delete=models.CASCADE,
        related_name="material_attachments",
        verbose_name=_("event"),
    )
    session = models.ForeignKey(
        "training.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="material_attachments",
        verbose_name=_("session"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("attached material")
        verbose_name_plural = _("attached materials")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "event"],
                condition=Q(session__isnull=True),
                name="training_material_attached_to_event_once",
            ),
            models.UniqueConstraint(
                fields=["material", "session"],
                condition=Q(session__isnull=False),
                name="training_material_attached_to_session_once",
            ),
        ]

    def __str__(self) -> str:
        return f"material {self.material_id} @ event {self.event_id}"
