"""E-mailing the people of some organisations who hold some roles, each in their own language.

The background tasks that tell people something is waiting for them (alerts, new cases,
overdue referrals, transfers, non-punishment notices) share this: the e-mails name no child,
they only say what happened and link to the page to open.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation

from qorgau.accounts.models import Membership, User

# Builds (subject, body) from the link; called with the recipient's language active.
MessageFor = Callable[[str], tuple[str, str]]


def email_members(
    *,
    organisation_ids: Collection[int],
    roles: Collection[str],
    url_name: str,
    message: MessageFor,
    once_per_organisation: bool = False,
) -> int:
    """Send one e-mail to each active person with an address holding one of ``roles`` in one
    of the organisations (one per person and organisation with ``once_per_organisation``);
    returns how many were sent."""
    people = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=roles,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse(url_name)
    messages = []
    seen: set[tuple[int, int | None]] = set()
    for membership in people:
        marker = (
            membership.user_id,
            membership.organisation_id if once_per_organisation else None,
        )
        if marker in seen:
            continue
        seen.add(marker)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject, body = message(link)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)


def email_users(*, users: Iterable[User], url_name: str, message: MessageFor) -> int:
    """Send one e-mail to each of these people (active, with an address), each in their own
    language; returns how many were sent."""
    link = settings.QORGAU_SITE_URL.rstrip("/") + reverse(url_name)
    messages = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = message(link)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
