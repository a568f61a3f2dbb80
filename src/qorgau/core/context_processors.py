from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.permissions import SCREENING_ROLES, can, has_role
from qorgau.accounts.roles import Role


def navigation(user: Any) -> list[dict[str, str]]:
    """The menu a user sees: only what the access policy lets them open."""
    if not user.is_authenticated:
        return []
    items = [{"url": reverse("core:home"), "label": str(_("Home"))}]
    if has_role(user, *SCREENING_ROLES):
        items.append({"url": reverse("screening:new"), "label": str(_("Screen a child"))})
        items.append({"url": reverse("screening:list"), "label": str(_("Screenings"))})
    if can(user, "alert.inbox"):
        items.append({"url": reverse("screening:inbox"), "label": str(_("Inbox"))})
    if can(user, "case.list"):
        items.append({"url": reverse("cases:list"), "label": str(_("Cases"))})
    if can(user, "case.reminders"):
        items.append({"url": reverse("cases:reminders"), "label": str(_("Reminders"))})
    # --- referrals ---
    if can(user, "referral.inbox") or can(user, "case.list"):
        items.append({"url": reverse("referrals:inbox"), "label": str(_("Referrals"))})
    if can(user, "referral.overdue"):
        items.append({"url": reverse("referrals:overdue"), "label": str(_("Overdue referrals"))})
    # --- end referrals ---
    if can(user, "proceeding.list"):
        items.append({"url": reverse("justice:list"), "label": str(_("Proceedings"))})
    if can(user, "case.service.inbox"):
        items.append({"url": reverse("cases:deliveries"), "label": str(_("Services to deliver"))})
    if can(user, "directory.view"):
        items.append({"url": reverse("directory:search"), "label": str(_("Service directory"))})
    if has_role(user, Role.ORG_ADMIN, Role.SYSTEM_ADMIN):
        items.append({"url": reverse("accounts:members"), "label": str(_("People"))})
    if can(user, "audit.view"):
        items.append({"url": reverse("audit:events"), "label": str(_("Audit trail"))})
    if can(user, "training.view"):
        items.append({"url": reverse("training:dashboard"), "label": str(_("Training"))})
    items.append({"url": reverse("accounts:tokens"), "label": str(_("API tokens"))})
    items.append({"url": reverse("accounts:security"), "label": str(_("Security"))})
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    workspace = getattr(request, "workspace", None)
    user = getattr(request, "user", None)
    return {
        "qorgau_demo": settings.DEMO,
        "qorgau_require_2fa": settings.QORGAU_REQUIRE_2FA,
        "nav_items": navigation(user) if user is not None else [],
        "in_training_workspace": bool(
            user is not None
            and user.is_authenticated
            and workspace is not None
            and workspace.is_training
        ),
    }
