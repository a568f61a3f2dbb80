"""Background work of referrals: escalate overdue referrals and tell the sender's supervisors."""

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
def escalate_overdue_referrals() -> int:
    """Escalate every overdue referral of every active workspace; returns how many are new."""
    from qorgau.core.models import Workspace
    from qorgau.referrals.services import escalate_overdue

    return sum(
        len(escalate_overdue(workspace=workspace))
        for workspace in Workspace.objects.filter(is_active=True)
    )


@task()
def send_escalation_emails(*, escalation_ids: list[int]) -> int:
    """E-mail the sending organisation's supervisors. The e-mail names no child."""
    from qorgau.referrals.models import Escalation

    organisation_ids = set(
        Escalation.objects.real()
        .filter(pk__in=escalation_ids)
        .values_list("organisation_id", flat=True)
    )
    people = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role=Role.SUPERVISOR,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse("referrals:overdue")
    messages = []
    seen: set[int] = set()
    for membership in people:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject = _("Qorgau: a referral from your organisation is overdue")
            body = _(
                "A referral sent by your organisation has not been answered or completed in "
                "time. Open the overdue list in Qorgau to follow it up: %(path)s"
            ) % {"path": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)


@task()
def send_transfer_emails(*, transfer_id: int, organisation_id: int, kind: str) -> int:
    """Tell an organisation's case managers and supervisors of a transfer; names no child."""
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse("referrals:transfers")
    people = (
        Membership.objects.filter(
            organisation_id=organisation_id,
            role__in=(Role.CASE_MANAGER, Role.SUPERVISOR),
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    messages = []
    seen: set[int] = set()
    for membership in people:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
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
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
