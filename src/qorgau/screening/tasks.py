"""Background work of the identification module."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.permissions import IDENTITY_ROLES
from qorgau.core.member_emails import email_members


def _alert_message(link: str) -> tuple[str, str]:
    subject = _("Qorgau: a child may need protection")
    body = _(
        "A screening has raised an alert for your organisation. Open your Qorgau inbox "
        "to see what to do and by when: %(path)s"
    ) % {"path": link}
    return subject, body


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
    return email_members(
        organisation_ids=organisation_ids,
        roles=IDENTITY_ROLES,
        url_name="screening:inbox",
        message=_alert_message,
        once_per_organisation=True,
    )
