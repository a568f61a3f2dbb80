"""Background work of care reminders: the e-mails, in each person's language, naming no child.

Like the identification alerts, an e-mail says only what kind of thing is waiting and links to
the reminders page; the case, the child and the dates are read there, behind sign-in.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import Membership, User
from qorgau.accounts.roles import Role
from qorgau.core.member_emails import MessageFor, email_users


def _message(kind: str) -> MessageFor:
    def message(link: str) -> tuple[str, str]:
        if kind == "visit_overdue":
            subject = _("Qorgau: a follow-up visit is overdue")
            body = _(
                "A follow-up visit after the closure of a case you manage or supervise is "
                "overdue. Record the visit, or that it could not take place. Open your "
                "reminders in Qorgau: %(path)s"
            )
        elif kind == "plan_ending":
            subject = _("Qorgau: an assistance plan ends soon")
            body = _(
                "The assistance plan of a case you manage comes to its last day soon. Extend "
                "it (once, with a reason) or prepare the closure of the case. Open your "
                "reminders in Qorgau: %(path)s"
            )
        else:
            subject = _("Qorgau: an assistance plan is past its end")
            body = _(
                "The assistance plan of a case you manage or supervise is past its last day, "
                "and the case is still open. Extend the plan or close the case. Open your "
                "reminders in Qorgau: %(path)s"
            )
        return subject, body % {"path": link}

    return message


@task()
def send_care_reminder_emails(*, reminder_ids: list[int]) -> int:
    """E-mail the case managers (and, for what is overdue, the supervisors of the case's
    organisation) of these reminders: one e-mail per person and kind. Names no child."""
    from qorgau.cases.reminder_models import SUPERVISOR_KINDS, CareReminder

    reminders = (
        CareReminder.objects.real()
        .filter(pk__in=reminder_ids)
        .select_related("case__manager")
        .order_by("pk")
    )
    people: dict[str, dict[int, User]] = defaultdict(dict)
    supervised: dict[str, set[int]] = defaultdict(set)
    for reminder in reminders:
        manager = reminder.case.manager
        people[reminder.kind][manager.pk] = manager
        if reminder.kind in SUPERVISOR_KINDS:
            supervised[reminder.kind].add(reminder.case.organisation_id)
    for kind, organisation_ids in supervised.items():
        for membership in Membership.objects.filter(
            organisation_id__in=organisation_ids, role=Role.SUPERVISOR, is_active=True
        ).select_related("user"):
            people[kind].setdefault(membership.user_id, membership.user)
    return sum(
        email_users(users=users.values(), url_name="cases:reminders", message=_message(kind))
        for kind, users in people.items()
    )
