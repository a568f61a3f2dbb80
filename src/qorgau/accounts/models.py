"""Regions, organisations, users, their memberships and personal API tokens."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.roles import Role
from qorgau.core.models import TimeStampedModel


class TranslatedNameMixin(models.Model):
    """A name kept in the three working languages, shown in the active one."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "kk")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class Region(TranslatedNameMixin):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    key = models.CharField(_("key"), max_length=32, unique=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    centre_kk = models.CharField(_("centre (Kazakh)"), max_length=100, blank=True)
    centre_ru = models.CharField(_("centre (Russian)"), max_length=100, blank=True)
    centre_en = models.CharField(_("centre (English)"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    replaced_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    data_version = models.PositiveIntegerField(_("reference data version"), default=1)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kind", "name_en"]

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= timezone.localdate()


class OrganisationType(TranslatedNameMixin):
    key = models.CharField(_("key"), max_length=32, unique=True)
    sector = models.CharField(_("sector"), max_length=32)
    authorized_body = models.BooleanField(
        _("authorized body"),
        default=False,
        help_text=_("An authorized body under Law No. 110-VIII (police, social protection)."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    data_version = models.PositiveIntegerField(_("reference data version"), default=1)

    class Meta:
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")
        ordering = ["position"]


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=255)
    type = models.ForeignKey(
        OrganisationType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region"], name="accounts_org_name_region")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Bumped by "log out everywhere": every session signed with the old value stops working.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def get_session_auth_hash(self) -> str:
        base = super().get_session_auth_hash()
        return hmac.new(
            base.encode(), str(self.session_generation).encode(), hashlib.sha256
        ).hexdigest()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(TimeStampedModel):
    """One role a user holds in one organisation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
