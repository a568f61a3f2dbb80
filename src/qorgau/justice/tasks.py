"""Background work of the justice module."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.permissions import JUSTICE_NOTICE_ROLES
from qorgau.core.member_emails import email_members


def _non_punishment_message(link: str) -> tuple[str, str]:
    subject = _("Qorgau: a presumed victim is a suspect in a criminal proceeding")
    body = _(
        "A child recognised as a presumed or identified victim of trafficking is a "
        "suspect or accused in a criminal proceeding. Under the non-punishment principle "
        "a victim is not prosecuted for offences they were compelled to commit. Open "
        "Qorgau to review it: %(path)s"
    ) % {"path": link}
    return subject, body


@task()
def send_non_punishment_emails(*, notice_ids: list[int]) -> int:
    """E-mail the supervisors and prosecutors told of a flagged proceeding. Names no child."""
    from qorgau.justice.models import NonPunishmentNotice

    organisation_ids = set(
        NonPunishmentNotice.objects.real()
        .filter(pk__in=notice_ids)
        .values_list("organisation_id", flat=True)
    )
    return email_members(
        organisation_ids=organisation_ids,
        roles=JUSTICE_NOTICE_ROLES,
        url_name="justice:list",
        message=_non_punishment_message,
    )
