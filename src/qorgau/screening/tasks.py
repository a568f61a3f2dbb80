"""Background work of the identification module."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import Membership
from qorgau.accounts.permissions import IDENTITY_ROLES


@task()
def send_alert_emails(*, identification_id: int) -> int:
    """E-mail the people of each alerted organisation who can act on it, in their language.

    The e-mail names no child: it says an alert is waiting and links to the inbox.
    """
    from qorgau.screening.models import Alert

    alerts = (
        Alert.objects.real()
        .filter(identification_id=identification_id)
        .select_related("organisation")
    )
    organisation_ids = {alert.organisation_id for alert in alerts}
    people = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=IDENTITY_ROLES,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    inbox = settings.QORGAU_SITE_URL.rstrip("/") + reverse("screening:inbox")
    messages = []
    seen: set[tuple[int, int]] = set()
    for membership in people:
        marker = (membership.user_id, membership.organisation_id)
        if marker in seen:
            continue
        seen.add(marker)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject = _("Qorgau: a child may need protection")
            body = _(
                "A screening has raised an alert for your organisation. Open your Qorgau inbox "
                "to see what to do and by when: %(path)s"
            ) % {"path": inbox}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
