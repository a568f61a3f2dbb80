"""Background work of referrals: escalate overdue referrals and tell the sender's supervisors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.roles import Role
from qorgau.core.member_emails import MessageFor, email_members


@task()
def escalate_overdue_referrals() -> int:
    """Escalate every overdue referral of every active workspace; returns how many are new."""
    from qorgau.core.models import Workspace
    from qorgau.referrals.services import escalate_overdue

    return sum(
        len(escalate_overdue(workspace=workspace))
        for workspace in Workspace.objects.filter(is_active=True)
    )


def _overdue_message(link: str) -> tuple[str, str]:
    subject = _("Qorgau: a referral from your organisation is overdue")
    body = _(
        "A referral sent by your organisation has not been answered or completed in "
        "time. Open the overdue list in Qorgau to follow it up: %(path)s"
    ) % {"path": link}
    return subject, body


@task()
def send_escalation_emails(*, escalation_ids: list[int]) -> int:
    """E-mail the sending organisation's supervisors. The e-mail names no child."""
    from qorgau.referrals.models import Escalation

    organisation_ids = set(
        Escalation.objects.real()
        .filter(pk__in=escalation_ids)
        .values_list("organisation_id", flat=True)
    )
    return email_members(
        organisation_ids=organisation_ids,
        roles=(Role.SUPERVISOR,),
        url_name="referrals:overdue",
        message=_overdue_message,
    )


def _transfer_message(kind: str) -> MessageFor:
    def message(link: str) -> tuple[str, str]:
        subjects = {
            "transfer_requested": _("Qorgau: a case is offered to your organisation"),
            "transfer_accepted": _("Qorgau: your case transfer was accepted"),
            "transfer_declined": _("Qorgau: your case transfer was declined"),
            "transfer_cancelled": _("Qorgau: a case transfer to you was cancelled"),
        }
        subject = subjects.get(kind, _("Qorgau: a case transfer changed"))
        body = _(
            "A case transfer concerning your organisation needs your attention or has "
            "been answered. Open the transfers page in Qorgau: %(path)s"
        ) % {"path": link}
        return subject, body

    return message


@task()
def send_transfer_emails(*, transfer_id: int, organisation_id: int, kind: str) -> int:
    """Tell an organisation's case managers and supervisors of a transfer; names no child."""
    return email_members(
        organisation_ids=[organisation_id],
        roles=(Role.CASE_MANAGER, Role.SUPERVISOR),
        url_name="referrals:transfers",
        message=_transfer_message(kind),
    )
