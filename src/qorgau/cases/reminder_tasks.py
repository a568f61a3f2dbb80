"""Background work of care reminders: the e-mails, in each person's language, naming no child.

Like the identification alerts, an e-mail says only what kind of thing is waiting and links to
the reminders page; the case, the child and the dates are read there, behind sign-in.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import Membership, User
from qorgau.accounts.permissions import can
from qorgau.accounts.roles import Role
from qorgau.core.member_emails import MessageFor, email_users

if TYPE_CHECKING:
    from qorgau.cases.reminder_models import CareReminder


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


def _may_be_told(person: User, reminder: CareReminder) -> bool:
    """Checked again at send time: the person still has a reminders page and still may see
    the case (they may have left the organisation, or the case may have been handed over,
    since the reminder was written)."""
    return can(person, "case.reminders") and can(person, "case.view", reminder.case)


def _supervisors(organisation_id: int, known: dict[int, list[User]]) -> list[User]:
    if organisation_id not in known:
        known[organisation_id] = [
            membership.user
            for membership in Membership.objects.filter(
                organisation_id=organisation_id, role=Role.SUPERVISOR, is_active=True
            ).select_related("user")
        ]
    return known[organisation_id]


@task()
def send_care_reminder_emails(*, reminder_ids: list[int]) -> int:
    """E-mail the case managers (and, for what is overdue, the supervisors of the case's
    organisation) of these reminders: one e-mail per person and kind. Names no child.

    Rechecked just before sending: a reminder no longer due (the visit recorded, the plan
    extended or the case closed since it was written) is not e-mailed, nor anyone who may no
    longer see its case."""
    from qorgau.cases.reminder_models import SUPERVISOR_KINDS, CareReminder
    from qorgau.cases.reminders import still_true

    reminders = (
        CareReminder.objects.real()
        .filter(pk__in=reminder_ids)
        .filter(still_true(timezone.localdate()))
        .select_related("case__manager")
        .order_by("pk")
    )
    people: dict[str, dict[int, User]] = defaultdict(dict)
    supervisors: dict[int, list[User]] = {}
    for reminder in reminders:
        candidates = [reminder.case.manager]
        if reminder.kind in SUPERVISOR_KINDS:
            candidates += _supervisors(reminder.case.organisation_id, supervisors)
        for person in candidates:
            if person.pk not in people[reminder.kind] and _may_be_told(person, reminder):
                people[reminder.kind][person.pk] = person
    return sum(
        email_users(users=users.values(), url_name="cases:reminders", message=_message(kind))
        for kind, users in people.items()
        if users
    )
