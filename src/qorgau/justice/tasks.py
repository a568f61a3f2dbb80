"""Background work of the justice module."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import Membership
from qorgau.accounts.permissions import JUSTICE_NOTICE_ROLES


@task()
def send_non_punishment_emails(*, notice_ids: list[int]) -> int:
    """E-mail the supervisors and prosecutors told of a flagged proceeding. Names no child."""
    from qorgau.justice.models import NonPunishmentNotice

    organisation_ids = set(
        NonPunishmentNotice.objects.real()
        .filter(pk__in=notice_ids)
        .values_list("organisation_id", flat=True)
    )
    people = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=JUSTICE_NOTICE_ROLES,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse("justice:list")
    messages = []
    seen: set[int] = set()
    for membership in people:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject = _("Qorgau: a presumed victim is a suspect in a criminal proceeding")
            body = _(
                "A child recognised as a presumed or identified victim of trafficking is a "
                "suspect or accused in a criminal proceeding. Under the non-punishment principle "
                "a victim is not prosecuted for offences they were compelled to commit. Open "
                "Qorgau to review it: %(path)s"
            ) % {"path": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
