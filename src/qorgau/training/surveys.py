"""Feedback and follow-up surveys of an event: preparing them from the data's question set,
editing, the participant's one answer, the results, and the follow-up invitations.

Participants have no account. The survey's link or QR code (a signed token naming the survey)
asks for their personal code, as the pre/post tests and the check-in do; they then answer
on a personal link (a signed token naming the survey and the registration), which is also the
link of the invitation e-mail.

Anonymous surveys (ADR 0015): the answer is stored without registration, time or ordered key;
who answered is stored in another table without the answer. Both are written in one transaction,
so the participation row still lets each person answer once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.reference import LANGUAGES
from qorgau.core.signed_links import LinkInvalid, SignedLink
from qorgau.training.emails import site_url
from qorgau.training.identify import registration_by_code, unknown_code
from qorgau.training.models import (
    Event,
    Registration,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from qorgau.training.survey_models import random_response_key
from qorgau.training.survey_templates import SCALE, default_period, survey_templates

SURVEY_SALT = "qorgau.training.survey"
RESPONDENT_SALT = "qorgau.training.survey.respondent"
SURVEY_LINK = SignedLink(salt=SURVEY_SALT)
RESPONDENT_LINK = SignedLink(salt=RESPONDENT_SALT)
OPEN_ANSWER_MAX = 2000
Kind = Survey.Kind


class SurveyClosed(Exception):
    """The survey is not open today."""


class AlreadyAnswered(Exception):
    """This person has answered the survey already."""


def _require(actor: User | None, action: str, event: Event, message: str) -> None:
    if actor is not None and not can(actor, action, event):
        raise PermissionDenied(message)


def _require_manager(actor: User | None, survey: Survey) -> None:
    _require(
        actor,
        "training.survey.manage",
        survey.event,
        _("You may not change the surveys of this event."),
    )


def _require_no_answers(survey: Survey) -> None:
    if SurveyParticipation.objects.filter(survey=survey).exists():
        raise ValidationError(
            _("People have already answered this survey: its questions can no longer change.")
        )


def is_open(survey: Survey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on


# --- preparing and editing ----------------------------------------------------------------
@transaction.atomic
def survey_prepare(*, actor: User | None, event: Event, kind: str) -> Survey:
    """The event's survey of this kind, made from the default question set (safe to repeat)."""
    _require(actor, "training.survey.manage", event, _("You may not prepare surveys here."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the feedback or the follow-up survey.")})
    Event.objects.select_for_update().filter(pk=event.pk).first()
    existing = Survey.objects.filter(event=event, kind=kind).first()
    if existing is not None:
        return existing
    templates = survey_templates()
    opens_on, closes_on = default_period(
        kind=kind, event_ends_on=event.ends_on, event_starts_on=event.starts_on
    )
    survey = Survey.objects.create(
        event=event,
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        template_version=templates.version,
    )
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                survey=survey,
                position=position,
                kind=question.kind,
                text=dict(question.text),
                required=question.required,
            )
            for position, question in enumerate(templates.questions[kind], start=1)
        ]
    )
    record(
        actor=actor,
        action="training.survey.prepare",
        target=survey,
        organisation=event.organiser,
        details={"event": event.pk, "kind": kind, "template_version": templates.version},
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User | None,
    survey: Survey,
    anonymous: bool,
    opens_on: date,
    closes_on: date,
    revision: int,
) -> Survey:
    """Change whether the survey is anonymous and when it is open (optimistic locking)."""
    _require_manager(actor, survey)
    current = Survey.objects.select_for_update().get(pk=survey.pk)
    if current.revision != revision:
        raise ValidationError(
            _("Someone else changed this survey meanwhile. Reload the page and try again.")
        )
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey cannot close before it opens.")})
    if (
        anonymous != current.anonymous
        and SurveyParticipation.objects.filter(survey=current).exists()
    ):
        raise ValidationError(
            {
                "anonymous": _(
                    "People have already answered: the survey cannot change between "
                    "anonymous and named."
                )
            }
        )
    current.anonymous, current.opens_on, current.closes_on = anonymous, opens_on, closes_on
    current.revision += 1
    current.save(update_fields=["anonymous", "opens_on", "closes_on", "revision", "updated_at"])
    record(
        actor=actor,
        action="training.survey.update",
        target=current,
        organisation=survey.event.organiser,
        details={
            "anonymous": anonymous,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
        },
    )
    current.event = survey.event
    return current


def _clean_texts(texts: Mapping[str, str]) -> dict[str, str]:
    cleaned = {lang: str(texts.get(lang) or "").strip()[:500] for lang in LANGUAGES}
    if not any(cleaned.values()):
        raise ValidationError({"text_kk": _("Write the question in at least one language.")})
    return {lang: text for lang, text in cleaned.items() if text}


@transaction.atomic
def survey_question_add(
    *, actor: User | None, survey: Survey, kind: str, texts: Mapping[str, str], required: bool
) -> SurveyQuestion:
    _require_manager(actor, survey)
    _require_no_answers(survey)
    if kind not in SurveyQuestion.Kind.values:
        raise ValidationError({"kind": _("Choose a scale or an open question.")})
    last = SurveyQuestion.objects.filter(survey=survey).aggregate(n=Max("position"))["n"] or 0
    question = SurveyQuestion.objects.create(
        survey=survey, position=last + 1, kind=kind, text=_clean_texts(texts), required=required
    )
    record(
        actor=actor,
        action="training.survey.question.add",
        target=survey,
        organisation=survey.event.organiser,
        details={"question": question.pk},
    )
    return question


@transaction.atomic
def survey_question_edit(
    *,
    actor: User | None,
    question: SurveyQuestion,
    kind: str,
    texts: Mapping[str, str],
    required: bool,
) -> SurveyQuestion:
    survey = question.survey
    _require_manager(actor, survey)
    _require_no_answers(survey)
    if kind not in SurveyQuestion.Kind.values:
        raise ValidationError({"kind": _("Choose a scale or an open question.")})
    question.kind, question.text, question.required = kind, _clean_texts(texts), required
    question.save(update_fields=["kind", "text", "required"])
    record(
        actor=actor,
        action="training.survey.question.edit",
        target=survey,
        organisation=survey.event.organiser,
        details={"question": question.pk},
    )
    return question


@transaction.atomic
def survey_question_remove(*, actor: User | None, question: SurveyQuestion) -> None:
    survey = question.survey
    _require_manager(actor, survey)
    _require_no_answers(survey)
    if SurveyQuestion.objects.filter(survey=survey).count() <= 1:
        raise ValidationError(_("A survey needs at least one question."))
    pk = question.pk
    question.delete()
    record(
        actor=actor,
        action="training.survey.question.remove",
        target=survey,
        organisation=survey.event.organiser,
        details={"question": pk},
    )


# --- links --------------------------------------------------------------------------------
def survey_token(survey: Survey) -> str:
    return SURVEY_LINK.sign(survey.pk)


def survey_url(survey: Survey) -> str:
    return site_url() + reverse("training_public:survey", kwargs={"token": survey_token(survey)})


def survey_for_token(token: str) -> Survey:
    try:
        pk = SURVEY_LINK.unsign_pk(token)
    except LinkInvalid as error:
        raise Http404 from error
    survey = Survey.objects.select_related("event").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def respondent_token(survey: Survey, registration: Registration) -> str:
    return RESPONDENT_LINK.sign({"s": survey.pk, "r": registration.pk})


def respondent_url(survey: Survey, registration: Registration) -> str:
    path = reverse(
        "training_public:survey_answer", kwargs={"token": respondent_token(survey, registration)}
    )
    return site_url() + path


def respondent_for_token(token: str) -> tuple[Survey, Registration]:
    try:
        value = RESPONDENT_LINK.unsign(token)
    except LinkInvalid as error:
        raise Http404 from error
    if not isinstance(value, dict):
        raise Http404
    survey_id, registration_id = value.get("s"), value.get("r")
    if not isinstance(survey_id, int) or not isinstance(registration_id, int):
        raise Http404
    survey = Survey.objects.select_related("event").filter(pk=survey_id).first()
    registration = Registration.objects.filter(
        pk=registration_id, status=Registration.Status.APPROVED
    ).first()
    if survey is None or registration is None or registration.event_id != survey.event_id:
        raise Http404
    return survey, registration


def respondent_find(*, survey: Survey, identifier: str) -> Registration:
    """The approved participant of the survey's event with this personal code (never the
    e-mail address alone: training/identify.py)."""
    found = registration_by_code(event_id=survey.event_id, identifier=identifier)
    if found is None:
        raise unknown_code()
    return found


def has_answered(*, survey: Survey, registration: Registration) -> bool:
    return SurveyParticipation.objects.filter(survey=survey, registration=registration).exists()


# --- answering ----------------------------------------------------------------------------
def clean_answers(
    questions: Sequence[SurveyQuestion], raw: Mapping[str, str]
) -> tuple[dict[str, int | str], dict[str, str]]:
    """Answers keyed by question pk (as text), and errors keyed by the form field ``q<pk>``."""
    answers: dict[str, int | str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        name = f"q{question.pk}"
        value = str(raw.get(name) or "").strip()
        if question.kind == SurveyQuestion.Kind.LIKERT:
            if value.isdigit() and int(value) in SCALE:
                answers[str(question.pk)] = int(value)
            elif value or question.required:
                errors[name] = _("Choose a point from 1 to 5.")
        elif value:
            if len(value) > OPEN_ANSWER_MAX:
                errors[name] = _("Keep the answer under %(n)d characters.") % {"n": OPEN_ANSWER_MAX}
            else:
                answers[str(question.pk)] = value
        elif question.required:
            errors[name] = _("This question needs an answer.")
    return answers, errors


@transaction.atomic
def survey_submit(
    *,
    survey: Survey,
    registration: Registration,
    raw_answers: Mapping[str, str],
    language: str,
    today: date | None = None,
) -> SurveyResponse:
    """Store one participant's answers; a second submit raises AlreadyAnswered, nothing saved."""
    if registration.event_id != survey.event_id:
        raise ValidationError(_("This registration is not for this event."))
    if not is_open(survey, today):
        raise SurveyClosed
    questions = list(SurveyQuestion.objects.filter(survey=survey))
    answers, errors = clean_answers(questions, raw_answers)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(survey=survey, registration=registration)
    except IntegrityError as error:
        raise AlreadyAnswered from error
    response = SurveyResponse(
        survey=survey,
        registration=None if survey.anonymous else registration,
        submitted_at=None if survey.anonymous else timezone.now(),
        language=language if language in LANGUAGES else "ru",
        answers=answers,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                response.save(force_insert=True)
            break
        except IntegrityError:
            response.id = random_response_key()
    else:  # pragma: no cover - five collisions in 2^31
        raise RuntimeError("no free response key")
    record(
        actor=None,
        action="training.survey.answer",
        target=survey,
        organisation=survey.event.organiser,
        # Never the response's key: the trail must not join an anonymous answer to its author.
        details={} if survey.anonymous else {"registration": registration.pk},
    )
    return response


# --- results (read by the event report too) -------------------------------------------------
@dataclass(frozen=True)
class QuestionResult:
    position: int
    kind: str
    text: str
    texts: dict[str, str]
    n: int
    counts: dict[int, int] = field(default_factory=dict)
    mean: float | None = None
    share_agree: float | None = None  # share of answers 4 or 5, 0-1
    answers: tuple[str, ...] = ()

    @property
    def is_likert(self) -> bool:
        return self.kind == SurveyQuestion.Kind.LIKERT


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    respondents: int
    participants: int  # approved registrations of the event
    suppressed: bool  # anonymous (or read by a donor) and fewer answers than the minimum
    minimum: int
    scale: tuple[tuple[int, str], ...]
    questions: tuple[QuestionResult, ...]
    open_answers_hidden: bool = False  # aggregates only (donors): no open answers at all

    @property
    def response_rate(self) -> float | None:
        return self.respondents / self.participants if self.participants else None


def likert_summary(values: Sequence[int]) -> tuple[dict[int, int], float | None, float | None]:
    """Counts per point 1-5, mean and share of 4s and 5s (pure)."""
    counts = {point: 0 for point in SCALE}
    for value in values:
        counts[value] += 1
    n = len(values)
    if not n:
        return counts, None, None
    return counts, sum(values) / n, (counts[4] + counts[5]) / n


def survey_results_for(*, user: User, survey: Survey) -> SurveyResults:
    """The results as this user may read them: aggregates only, unless the policy lets the
    user read the open answers (donor officers get counts, and none below the minimum)."""
    open_answers = can(user, "training.survey.open_answers", survey.event)
    return survey_results(survey=survey, aggregates_only=not open_answers)


def survey_results(*, survey: Survey, aggregates_only: bool = False) -> SurveyResults:
    """Per question: n, counts per Likert point, mean and share >= 4, or the open answers.

    ``aggregates_only`` drops the open answers and applies the small-number minimum whether
    or not the survey is anonymous.

    Three queries whatever the number of answers. Texts are in the active language. Open
    answers are sorted alphabetically, so their order says nothing about who wrote them.
    """
    questions = list(SurveyQuestion.objects.filter(survey=survey))
    responses = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    participants = Registration.objects.filter(
        event_id=survey.event_id, status=Registration.Status.APPROVED
    ).count()
    return summarise_survey(
        survey=survey,
        questions=questions,
        responses=responses,
        participants=participants,
        aggregates_only=aggregates_only,
    )


def summarise_survey(
    *,
    survey: Survey,
    questions: Sequence[SurveyQuestion],
    responses: Sequence[Mapping[str, Any]],
    participants: int,
    aggregates_only: bool = False,
) -> SurveyResults:
    """The results from rows already read (pure; the event report reads several surveys'
    rows at once). Anonymous surveys with fewer answers than the data's minimum show nothing;
    ``aggregates_only`` drops the open answers and applies that minimum to every survey."""
    templates = survey_templates()
    language = (get_language() or "kk")[:2]
    small = 0 < len(responses) < templates.anonymous_minimum
    suppressed = (survey.anonymous or aggregates_only) and small
    results = []
    for question in questions:
        key = str(question.pk)
        given = [answers[key] for answers in responses if key in answers]
        base: dict[str, Any] = {
            "position": question.position,
            "kind": question.kind,
            "text": question.text_in(language),
            "texts": dict(question.text),
        }
        if suppressed:
            results.append(QuestionResult(n=0, **base))
        elif question.kind == SurveyQuestion.Kind.LIKERT:
            values = [int(v) for v in given if isinstance(v, int) and v in SCALE]
            counts, mean, share = likert_summary(values)
            results.append(
                QuestionResult(n=len(values), counts=counts, mean=mean, share_agree=share, **base)
            )
        else:
            texts = sorted((str(v) for v in given if str(v).strip()), key=str.casefold)
            shown = () if aggregates_only else tuple(texts)
            results.append(QuestionResult(n=len(texts), answers=shown, **base))
    return SurveyResults(
        survey=survey,
        respondents=len(responses),
        participants=participants,
        suppressed=suppressed,
        minimum=templates.anonymous_minimum,
        scale=tuple(templates.scale_labels(language)),
        questions=tuple(results),
        open_answers_hidden=aggregates_only,
    )


def event_surveys(*, event: Event) -> dict[str, Survey]:
    return {survey.kind: survey for survey in Survey.objects.filter(event=event)}


def access_survey(*, user: User, pk: int, action: str) -> Survey:
    """Fetch and check: 404 when the user may neither see the event nor do ``action``."""
    survey = Survey.objects.select_related("event__organiser", "event__programme").filter(pk=pk)
    found = survey.first()
    if found is None:
        raise Http404
    if can(user, action, found.event):
        return found
    if can(user, "training.event.view", found.event):
        raise PermissionDenied
    raise Http404


# --- follow-up invitations and feedback reminders -----------------------------------------
def _queue_invitations(survey_id: int, event_id: int) -> int:
    """Queue one e-mail to each approved participant with an address who has neither answered
    nor been written to about this survey; the unique (survey, registration) row makes it
    once per person however often this runs (a second insert is a conflict, skipped)."""
    due = (
        Registration.objects.filter(event_id=event_id, status=Registration.Status.APPROVED)
        .exclude(email_key="")
        .exclude(survey_invitations__survey_id=survey_id)
        .exclude(survey_participations__survey_id=survey_id)
        .values_list("pk", flat=True)
    )
    count = 0
    for registration_id in list(due):
        try:
            with transaction.atomic():
                invitation = SurveyInvitation.objects.create(
                    survey_id=survey_id,
                    registration_id=registration_id,
                    queued_at=timezone.now(),
                )
        except IntegrityError:
            continue  # another run queued it
        send_survey_invitation.enqueue(invitation_id=invitation.pk)
        count += 1
    return count


def invitations_enqueue_due(*, today: date | None = None) -> int:
    """Queue the invitation of every approved participant with an e-mail to each follow-up
    survey that is open today, once per person; those who answered already are skipped."""
    today = today or timezone.localdate()
    surveys = Survey.objects.filter(
        kind=Kind.FOLLOW_UP, opens_on__lte=today, closes_on__gte=today
    ).values_list("pk", "event_id")
    return sum(_queue_invitations(survey_id, event_id) for survey_id, event_id in surveys)


def feedback_reminders_enqueue_due(*, today: date | None = None) -> int:
    """Queue one reminder to each approved participant with an e-mail who has not answered an
    open feedback survey ``reminder_days_after_end`` days (data) after the event's last day.

    Who answered is known even for an anonymous survey (SurveyParticipation, ADR 0015), what
    they answered is not; the reminder reads only the former. The reminder is the survey's
    SurveyInvitation row: a feedback survey has no other invitation, so one row per person
    means one reminder per person."""
    today = today or timezone.localdate()
    ended_by = today - timedelta(days=survey_templates().feedback_reminder_days_after_end)
    surveys = Survey.objects.filter(
        kind=Kind.FEEDBACK,
        opens_on__lte=today,
        closes_on__gte=today,
        event__ends_on__lte=ended_by,
    ).values_list("pk", "event_id")
    return sum(_queue_invitations(survey_id, event_id) for survey_id, event_id in surveys)


@task()
def send_survey_invitation(*, invitation_id: int) -> bool:
    """Send one invitation, once; False when it was sent already or the person left."""
    from qorgau.training.survey_emails import invitation_message

    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        invitation = SurveyInvitation.objects.select_related(
            "survey__event__organiser", "registration"
        ).get(pk=invitation_id)
        registration = invitation.registration
        if not registration.email or registration.status != Registration.Status.APPROVED:
            return False
        answered = SurveyParticipation.objects.filter(
            survey_id=invitation.survey_id, registration=registration
        ).exists()
        if answered:  # they answered between the queueing and now
            return False
        invitation_message(invitation.survey, registration).send(fail_silently=False)
    return True
