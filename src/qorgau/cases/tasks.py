"""Background work of the case module."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.roles import Role
from qorgau.core.member_emails import email_members


def _new_case_message(link: str) -> tuple[str, str]:
    subject = _("Qorgau: a child's case was opened in your region")
    body = _(
        "A case about a child has been opened in your region, and the guardianship "
        "authority is to be informed. Open Qorgau to see it: %(path)s"
    ) % {"path": link}
    return subject, body


@task()
def send_case_notifications(*, case_id: int) -> int:
    """E-mail the guardianship officers told of a new case. The e-mail names no child."""
    from qorgau.cases.models import CaseNotification

    organisation_ids = set(
        CaseNotification.objects.real()
        .filter(case_id=case_id)
        .values_list("organisation_id", flat=True)
    )
    return email_members(
        organisation_ids=organisation_ids,
        roles=(Role.GUARDIANSHIP_OFFICER,),
        url_name="cases:list",
        message=_new_case_message,
    )
