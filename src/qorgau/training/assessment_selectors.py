"""Reads of pre/post tests: the results of an event or a series, in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from qorgau.training import stats
from qorgau.training.models import Assessment, Attempt, AttemptAnswer, Event, FormItem


@dataclass(frozen=True)
class ItemRow:
    item: FormItem
    figures: stats.ItemFigures
    text: str


@dataclass(frozen=True)
class FormAnalysis:
    phase: str
    form: str
    n: int
    alpha: float | None
    alpha_ok: bool | None
    rows: tuple[ItemRow, ...]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.figures.flagged)


@dataclass(frozen=True)
class Results:
    gain: stats.Gain
    forms: tuple[FormAnalysis, ...]
    submitted: dict[str, int]


def _results(event_ids: Iterable[int], language: str) -> Results:
    ids = list(event_ids)
    # 1. every submitted attempt's score
    attempts = list(
        Attempt.objects.filter(
            assessment__event_id__in=ids, submitted_at__isnull=False
        ).values_list("pk", "assessment__phase", "registration_id", "form", "score")
    )
    pre = {
        reg: float(score or 0)
        for _pk, phase, reg, _f, score in attempts
        if phase == Assessment.Phase.PRE
    }
    post = {
        reg: float(score or 0)
        for _pk, phase, reg, _f, score in attempts
        if phase == Assessment.Phase.POST
    }
    # 2. every answer of those attempts
    answers = AttemptAnswer.objects.filter(
        attempt__assessment__event_id__in=ids, attempt__submitted_at__isnull=False
    ).values_list("attempt_id", "item_id", "correct")
    by_attempt: dict[int, dict[int, bool]] = defaultdict(dict)
    for attempt_id, item_id, correct in answers:
        by_attempt[attempt_id][item_id] = correct
    # 3. the questions of the forms
    items = list(
        FormItem.objects.filter(event_id__in=ids)
        .select_related("question")
        .order_by("form", "position", "event_id")
    )
    forms: list[FormAnalysis] = []
    for phase in (Assessment.Phase.PRE, Assessment.Phase.POST):
        for form in ("A", "B"):
            group = [a for a in attempts if a[1] == phase and a[3] == form]
            if not group:
                continue
            # One column per question (a series shares questions across its events).
            questions: dict[int, FormItem] = {}
            for item in items:
                if item.form == form:
                    questions.setdefault(item.question_id, item)
            by_question = {item.pk: item.question_id for item in items if item.form == form}
            keys = list(questions)
            matrix = []
            for attempt in group:
                row_by_q = {
                    by_question[i]: c for i, c in by_attempt[attempt[0]].items() if i in by_question
                }
                matrix.append([1.0 if row_by_q.get(q) else 0.0 for q in keys])
            analysis = stats.item_analysis(keys, matrix)
            forms.append(
                FormAnalysis(
                    phase=phase,
                    form=form,
                    n=analysis.n,
                    alpha=analysis.alpha,
                    alpha_ok=analysis.alpha_ok,
                    rows=tuple(
                        ItemRow(questions[key], f, questions[key].question.text_in(language))
                        for key, f in zip(keys, analysis.items, strict=True)
                    ),
                )
            )
    return Results(
        gain=stats.gain(pre, post),
        forms=tuple(forms),
        submitted={"pre": len(pre), "post": len(post)},
    )


def event_results(event: Event, language: str = "en") -> Results:
    return _results([event.pk], language)


def series_results(event_ids: Iterable[int], language: str = "en") -> Results:
    """Pooled over several events (a series): each person is one registration."""
    return _results(event_ids, language)


def event_assessments(event: Event) -> dict[str, Assessment]:
    return {a.phase: a for a in Assessment.objects.filter(event=event)}


def event_has_forms(event: Event) -> bool:
    return FormItem.objects.filter(event=event).exists()
