"""Feedback and follow-up surveys of an event (training/surveys.py holds the rules).

An anonymous survey stores no link from a response to a person (ADR 0015): who answered is
kept apart (SurveyParticipation, for one answer per person) from what was answered
(SurveyResponse, with a random key, no time and no registration), so no row joins them.
Imported by models.py, so Django sees these models as part of the training app.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import TimeStampedModel


def random_response_key() -> int:
    # A random row key: on SQLite it is the rowid, so the table's order says nothing either.
    return secrets.randbelow(2**31 - 2) + 1


class Survey(TimeStampedModel):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback survey")
        FOLLOW_UP = "follow_up", _("Follow-up survey")

    event = models.ForeignKey(
        "training.Event", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "No link from an answer to the person is stored at all. "
            "It cannot change once someone has answered."
        ),
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    template_version = models.PositiveIntegerField(_("question set version"), default=1)
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["event", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="training_survey_once_per_kind"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="training_survey_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} survey · event {self.event_id}"


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale from 1 to 5")
        OPEN = "open", _("Open answer")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.JSONField(_("text"), default=dict, help_text=_("By language: kk, ru, en."))
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"survey question {self.pk}"

    def text_in(self, language: str) -> str:
        return str(self.text.get(language) or self.text.get("ru") or self.text.get("en") or "")


class SurveyParticipation(models.Model):
    """Who has answered a survey (one answer per person), never what they answered."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="participations", verbose_name=_("survey")
    )
    registration = models.ForeignKey(
        "training.Registration",
        on_delete=models.CASCADE,
        related_name="survey_participations",
        verbose_name=_("registration"),
    )

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="training_survey_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"participation · survey {self.survey_id}"


class SurveyResponse(models.Model):
    """The answers of one person. For an anonymous survey: no registration and no time."""

    id = models.IntegerField(primary_key=True, default=random_response_key, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    registration = models.ForeignKey(
        "training.Registration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"],
                condition=Q(registration__isnull=False),
                name="training_survey_response_once",
            ),
            models.CheckConstraint(
                condition=Q(registration__isnull=True, submitted_at__isnull=True)
                | Q(registration__isnull=False, submitted_at__isnull=False),
                name="training_survey_response_named_or_not",
            ),
        ]

    def __str__(self) -> str:
        return f"response · survey {self.survey_id}"


class SurveyInvitation(models.Model):
    """An e-mail about a survey, sent once per person: for a follow-up survey the invitation,
    for a feedback survey the reminder to those who have not answered (ADR 0022)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    registration = models.ForeignKey(
        "training.Registration",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("registration"),
    )
    queued_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="training_survey_invite_once"
            )
        ]

    def __str__(self) -> str:
        return f"invitation · survey {self.survey_id}"
