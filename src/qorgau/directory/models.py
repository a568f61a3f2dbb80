"""The service directory: who offers which services, where, in which languages, with what room.

Nothing here is about a child: providers, their services and their free capacity are public
to every signed-in user with a role, so these models are not workspace-scoped.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation, Region, TranslatedNameMixin
from qorgau.core.models import TimeStampedModel

# ISO 639 language codes (two or three lower-case letters), comma-separated: "kk,ru,en".
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def split_languages(value: str) -> list[str]:
    return [code.strip().lower() for code in (value or "").split(",") if code.strip()]


def validate_languages(value: str) -> None:
    bad = [code for code in split_languages(value) if not LANGUAGE_CODE.match(code)]
    if bad:
        raise ValidationError(
            _("Use ISO 639 language codes such as kk, ru, en, uz; not: %(codes)s"),
            params={"codes": ", ".join(bad)},
        )


class ServiceType(TranslatedNameMixin):
    key = models.CharField(_("key"), max_length=40, unique=True)
    social_code = models.BooleanField(
        _("special social service"),
        default=False,
        help_text=_("One of the eight types of special social services of the Social Code."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    data_version = models.PositiveIntegerField(_("reference data version"), default=1)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["position"]


class ProviderProfile(TimeStampedModel):
    """What an organisation that offers services tells everyone who may refer to it."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="provider_profile",
        verbose_name=_("organisation"),
    )
    description = models.TextField(_("description"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        validators=[validate_languages],
        help_text=_("ISO 639 codes, comma-separated, e.g. kk,ru,en."),
    )
    accessibility = models.TextField(_("accessibility"), blank=True)
    is_listed = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_("Unlisted providers are seen only by their own staff."),
    )

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)


class ProviderService(TimeStampedModel):
    provider = models.ForeignKey(
        ProviderProfile,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("provider"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service type")
    )
    description = models.TextField(_("description"), blank=True)
    regions = models.ManyToManyField(
        Region, related_name="+", blank=True, verbose_name=_("regions served")
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        validators=[validate_languages],
        help_text=_("ISO 639 codes, comma-separated; empty means the provider's languages."),
    )
    eligibility = models.TextField(
        _("age groups and eligibility"), blank=True, help_text=_("Who may be referred.")
    )
    capacity_total = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    capacity_free = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated"), null=True, blank=True)
    capacity_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("capacity updated by"),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("provider service")
        verbose_name_plural = _("provider services")
        ordering = ["service_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type"], name="directory_service_once"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_free__isnull=True)
                | models.Q(capacity_free__lte=models.F("capacity_total")),
                name="directory_free_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.service_type}"

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages) or self.provider.language_list


class CapacityUpdate(models.Model):
    """One report of a service's capacity, kept so the history shows who said what, when."""

    service = models.ForeignKey(
        ProviderService,
        on_delete=models.CASCADE,
        related_name="capacity_updates",
        verbose_name=_("service"),
    )
    total = models.PositiveIntegerField(_("capacity"))
    free = models.PositiveIntegerField(_("free places"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("capacity update")
        verbose_name_plural = _("capacity updates")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.free}/{self.total}"
