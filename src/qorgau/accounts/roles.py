"""The roles a membership can carry. Only ``permissions.py`` decides what a role may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_LINE = "front_line", _("Front-line worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    INVESTIGATOR = "investigator", _("Investigator")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    PROVIDER_STAFF = "provider_staff", _("Service-provider staff")
    GUARDIANSHIP_OFFICER = "guardianship_officer", _("Guardianship officer")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    TRAINER = "trainer", _("Trainer")
    EXPERT = "expert", _("Expert")
    TRAINING_ORGANISER = "training_organiser", _("Training organiser")
    DONOR_OFFICER = "donor_officer", _("Donor officer")
    AUDITOR = "auditor", _("Auditor")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")
