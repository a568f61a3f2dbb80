"""Pre/post tests of an event: parallel forms from the question bank, opening and closing,
the participant's single attempt (autosaved, then submitted and scored 0-100).

Participants have no account (ADR 0009): they open a signed link or QR code of the test and
identify with their personal code, never the e-mail address alone, like at check-in
(training/identify.py). Their attempt is then reached by a secret key only, so nobody can
reach another person's answers by guessing.

Parallel forms: the event's questions are split into form A and form B with the same topics
and difficulties (consecutive questions of one topic and difficulty go to alternate forms).
A participant takes one form before and the other after the training, assigned
deterministically from the event and their personal code, so about half start with each.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.core.signed_links import LinkExpired, LinkInvalid, TimestampedLink
from qorgau.training.identify import registration_by_code, unknown_code
from qorgau.training.models import (
    Assessment,
    Attempt,
    AttemptAnswer,
    Event,
    FormItem,
    ParallelForm,
    Question,
    Registration,
)

TEST_SALT = "qorgau.training.test"
# The link or QR code is shown during the event; a day covers a long training day.
TEST_LINK_MAX_AGE = timedelta(hours=24)
TEST_LINK = TimestampedLink(salt=TEST_SALT, max_age=TEST_LINK_MAX_AGE)
DEFAULT_PER_FORM = 10

Phase = Assessment.Phase


class AssessmentLinkExpired(Exception):
    """The test's link is older than TEST_LINK_MAX_AGE."""


class AssessmentLinkInvalid(Exception):
    """The link was not made by Qorgau or names no test."""


class AttemptClosed(Exception):
    """The attempt was submitted, or the test is no longer open."""


def _may(actor: User | None, action: str, obj: object) -> bool:
    return actor is None or can(actor, action, obj)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the question bank --------------------------------------------------------------------
def usable_in(question: Question, language: str) -> bool:
    """A question is usable in a language only if its text and every option are translated."""
    if not str(question.text.get(language) or "").strip():
        return False
    options = list(question.options.all())
    return len(options) >= 2 and all(str(o.text.get(language) or "").strip() for o in options)


def correct_option_ids(question: Question) -> frozenset[int]:
    return frozenset(o.pk for o in question.options.all() if o.correct)


# --- parallel forms -----------------------------------------------------------------------
def split_into_forms(
    questions: Sequence[Question], per_form: int
) -> tuple[list[Question], list[Question]]:
    """Alternate questions of the same topic and difficulty between A and B (pure)."""
    groups: dict[tuple[str, int], list[Question]] = defaultdict(list)
    for question in sorted(questions, key=lambda q: (q.topic, q.difficulty, q.pk)):
        groups[(question.topic, question.difficulty)].append(question)
    form_a: list[Question] = []
    form_b: list[Question] = []
    # Take one pair from each group in turn, so a short form still covers every topic.
    pairs = {
        key: [group[i : i + 2] for i in range(0, len(group) - 1, 2)]
        for key, group in groups.items()
    }
    while len(form_a) < per_form and any(pairs.values()):
        for key in sorted(pairs):
            if pairs[key] and len(form_a) < per_form:
                first, second = pairs[key].pop(0)
                form_a.append(first)
                form_b.append(second)
    return form_a, form_b


@transaction.atomic
def tests_prepare(
    *,
    actor: User | None,
    event: Event,
    topics: Collection[str] | None = None,
    per_form: int = DEFAULT_PER_FORM,
) -> tuple[Assessment, Assessment]:
    """Build forms A and B from the bank and create the (closed) pre- and post-tests."""
    _require(
        _may(actor, "training.assessment.manage", event),
        _("You cannot prepare the tests of this event."),
    )
    if Attempt.objects.filter(assessment__event=event).exists():
        raise ValidationError(_("Participants have already answered: the forms cannot change."))
    bank = Question.objects.filter(active=True).prefetch_related("options")
    if topics:
        bank = bank.filter(topic__in=list(topics))
    languages = event.languages or ["ru"]
    usable = [q for q in bank if all(usable_in(q, language) for language in languages)]
    form_a, form_b = split_into_forms(usable, per_form)
    if len(form_a) < 2:
        raise ValidationError(
            _(
                "The question bank has too few questions on these topics in the event's "
                "languages to make two parallel forms."
            )
        )
    FormItem.objects.filter(event=event).delete()
    FormItem.objects.bulk_create(
        [
            FormItem(event=event, form=form, question=question, position=position)
            for form, questions in ((ParallelForm.A, form_a), (ParallelForm.B, form_b))
            for position, question in enumerate(questions, start=1)
        ]
    )
    tests = tuple(
        Assessment.objects.get_or_create(event=event, phase=phase)[0]
        for phase in (Phase.PRE, Phase.POST)
    )
    record(
        actor=actor,
        action="training.assessment.prepare",
        target=event,
        organisation=event.organiser,
        details={"questions_per_form": len(form_a)},
    )
    return tests[0], tests[1]


def _set_open(actor: User | None, assessment: Assessment, is_open: bool) -> Assessment:
    _require(
        _may(actor, "training.assessment.manage", assessment.event),
        _("You cannot open or close the tests of this event."),
    )
    now = timezone.now()
    assessment.is_open = is_open
    if is_open:
        assessment.opened_at = assessment.opened_at or now
        assessment.closed_at = None
    else:
        assessment.closed_at = now
    assessment.save(update_fields=["is_open", "opened_at", "closed_at", "updated_at"])
    record(
        actor=actor,
        action="training.assessment.open" if is_open else "training.assessment.close",
        target=assessment,
        organisation=assessment.event.organiser,
        details={"event": assessment.event_id, "phase": assessment.phase},
    )
    return assessment


def assessment_open(*, actor: User | None, assessment: Assessment) -> Assessment:
    if not FormItem.objects.filter(event_id=assessment.event_id).exists():
        raise ValidationError(_("Prepare the test questions first."))
    return _set_open(actor, assessment, True)


def assessment_close(*, actor: User | None, assessment: Assessment) -> Assessment:
    return _set_open(actor, assessment, False)


# --- the link -----------------------------------------------------------------------------
def assessment_token(*, assessment: Assessment) -> str:
    return TEST_LINK.sign(assessment.pk)


def assessment_for_token(*, token: str) -> Assessment:
    try:
        pk = TEST_LINK.unsign_pk(token)
    except LinkExpired as error:
        raise AssessmentLinkExpired from error
    except LinkInvalid as error:
        raise AssessmentLinkInvalid from error
    assessment = Assessment.objects.select_related("event").filter(pk=pk).first()
    if assessment is None:
        raise AssessmentLinkInvalid
    return assessment


# --- attempts -----------------------------------------------------------------------------
def first_form(event_id: int, personal_code: str) -> str:
    """The form of the pre-test: a stable hash of the event and the person, A or B."""
    digest = hashlib.sha256(f"{event_id}:{personal_code}".encode()).digest()
    return ParallelForm.A if digest[0] % 2 == 0 else ParallelForm.B


def form_for(registration: Registration, phase: str) -> str:
    first = first_form(registration.event_id, registration.personal_code)
    if phase == Phase.PRE:
        return first
    return ParallelForm.B if first == ParallelForm.A else ParallelForm.A


def _language(event: Event, registration: Registration) -> str:
    languages = event.languages or ["ru"]
    return registration.language if registration.language in languages else languages[0]


@transaction.atomic
def attempt_start(*, token: str, identifier: str) -> Attempt:
    """The participant identifies with their personal code; their one attempt is created or
    found again."""
    assessment = assessment_for_token(token=token)
    registration = registration_by_code(event_id=assessment.event_id, identifier=identifier)
    if registration is None:
        raise unknown_code()
    earlier = Attempt.objects.filter(assessment=assessment, registration=registration).first()
    if earlier is not None:
        return earlier
    if not assessment.is_open:
        raise AttemptClosed
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                assessment=assessment,
                registration=registration,
                form=form_for(registration, assessment.phase),
                language=_language(assessment.event, registration),
                key=secrets.token_urlsafe(32),
            )
    except IntegrityError:
        return Attempt.objects.get(assessment=assessment, registration=registration)
    return attempt


def attempt_for_key(*, key: str) -> Attempt | None:
    return (
        Attempt.objects.select_related("assessment__event", "registration").filter(key=key).first()
        if key
        else None
    )


def attempt_items(attempt: Attempt) -> list[FormItem]:
    return list(
        FormItem.objects.filter(event_id=attempt.assessment.event_id, form=attempt.form)
        .select_related("question")
        .prefetch_related("question__options")
    )


def _write_answers(
    attempt: Attempt, items: Sequence[FormItem], answers: Mapping[int, Collection[int]]
) -> list[AttemptAnswer]:
    stored = {a.item_id: a for a in attempt.answers.all()}
    result = []
    for item in items:
        question = item.question
        valid = {o.pk for o in question.options.all()}
        chosen = sorted({int(o) for o in answers.get(item.pk, ()) if int(o) in valid})
        if question.kind != Question.Kind.MULTIPLE and len(chosen) > 1:
            raise ValidationError(_("Choose one answer to each single-choice question."))
        if item.pk not in answers and item.pk in stored:
            result.append(stored[item.pk])
            continue
        correct = bool(chosen) and frozenset(chosen) == correct_option_ids(question)
        answer = stored.get(item.pk) or AttemptAnswer(attempt=attempt, item=item)
        answer.chosen, answer.correct = chosen, correct
        answer.save()
        result.append(answer)
    return result


def _check_writable(attempt: Attempt) -> None:
    if attempt.submitted_at is not None or not attempt.assessment.is_open:
        raise AttemptClosed


@transaction.atomic
def attempt_save(*, attempt: Attempt, answers: Mapping[int, Collection[int]]) -> Attempt:
    """Autosave: keep the answers given so far; the attempt stays open."""
    attempt = Attempt.objects.select_for_update().select_related("assessment").get(pk=attempt.pk)
    _check_writable(attempt)
    _write_answers(attempt, attempt_items(attempt), answers)
    return attempt


def score_of(correct: int, total: int) -> Decimal:
    """0-100, one decimal; a multiple-choice question counts only when exactly right."""
    if total == 0:
        return Decimal("0.0")
    return (Decimal(100) * correct / total).quantize(Decimal("0.1"))


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: Mapping[int, Collection[int]]) -> Attempt:
    """Save the last answers, score the attempt and close it for good."""
    attempt = (
        Attempt.objects.select_for_update().select_related("assessment__event").get(pk=attempt.pk)
    )
    _check_writable(attempt)
    items = attempt_items(attempt)
    written = _write_answers(attempt, items, answers)
    attempt.score = score_of(sum(1 for a in written if a.correct), len(items))
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["score", "submitted_at", "updated_at"])
    record(
        actor=None,
        action="training.assessment.submit",
        target=attempt,
        organisation=attempt.assessment.event.organiser,
        details={"event": attempt.assessment.event_id, "phase": attempt.assessment.phase},
    )
    return attempt


# --- loading a bank -----------------------------------------------------------------------
TRUE_FALSE_OPTIONS = (
    {"kk": "Дұрыс", "ru": "Верно", "en": "True"},
    {"kk": "Бұрыс", "ru": "Неверно", "en": "False"},
)


@transaction.atomic
def question_bank_load(*, entries: Sequence[Mapping[str, Any]]) -> int:
    """Add questions (the format of data/demo_questions.yaml); a text already there is skipped."""
    known = {str(q.text.get("en", "")) for q in Question.objects.only("text")}
    created = 0
    for entry in entries:
        text = dict(entry["text"])
        if str(text.get("en", "")) in known:
            continue
        question = Question.objects.create(
            topic=str(entry["topic"]),
            kind=str(entry["kind"]),
            difficulty=int(entry.get("difficulty", 2)),
            text=text,
        )
        if question.kind == Question.Kind.TRUE_FALSE:
            answer = bool(entry["answer"])
            options: list[Mapping[str, Any]] = [
                {"text": TRUE_FALSE_OPTIONS[0], "correct": answer},
                {"text": TRUE_FALSE_OPTIONS[1], "correct": not answer},
            ]
        else:
            options = list(entry["options"])
        for position, option in enumerate(options, start=1):
            question.options.create(
                position=position, text=dict(option["text"]), correct=bool(option["correct"])
            )
        known.add(str(text.get("en", "")))
        created += 1
    return created


def demo_bank_entries() -> list[Mapping[str, Any]]:
    from pathlib import Path

    import yaml

    path = Path(__file__).parent / "data" / "demo_questions.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])
