"""Background work of the case module."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import Membership
from qorgau.accounts.roles import Role


@task()
def send_case_notifications(*, case_id: int) -> int:
    """E-mail the guardianship officers told of a new case. The e-mail names no child."""
    from qorgau.cases.models import CaseNotification

    organisation_ids = set(
        CaseNotification.objects.real()
        .filter(case_id=case_id)
        .values_list("organisation_id", flat=True)
    )
    people = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role=Role.GUARDIANSHIP_OFFICER,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse("cases:list")
    messages = []
    seen: set[int] = set()
    for membership in people:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject = _("Qorgau: a child's case was opened in your region")
            body = _(
                "A case about a child has been opened in your region, and the guardianship "
                "authority is to be informed. Open Qorgau to see it: %(path)s"
            ) % {"path": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
