"""The e-mail of a survey, in the participant's language, with their personal link: the
invitation to a follow-up survey, or the reminder of a feedback survey not answered yet."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.training.models import Registration, Survey


def invitation_message(survey: Survey, registration: Registration) -> EmailMessage:
    from qorgau.training.surveys import respondent_url

    event = survey.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "survey": survey,
            "registration": registration,
            "event": event,
            "url": respondent_url(survey, registration),
        }
        subject = (
            _("Three months on: how has the training helped? %(event)s")
            if survey.kind == Survey.Kind.FOLLOW_UP
            else _("Reminder: your feedback on %(event)s")
        ) % {"event": event.title}
        return EmailMessage(
            subject=subject,
            body=render_to_string("training/survey/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
        )
