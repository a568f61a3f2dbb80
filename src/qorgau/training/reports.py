"""The figures of the event report and of the programme report for donors (selectors).

Reports hold counts, never a person: no name, contact or organisation of a participant
appears in them. Each report is read in a constant number of queries, whatever the number of
participants, and computed in Python from a few flat rows.

Decisions (docs/adr/0016-training-reports.md):

- **One person across a programme's events** is recognised the way duplicates are caught
  within one event (ADR 0009): two registrations are the same person when they share the
  normalised e-mail, or the normalised name together with the normalised phone. Links are
  followed transitively (union-find). The person's gender, sector and region are those of
  their latest registration.
- **Trained** means an approved registration present at one session or more (as the
  programme summary counts it); **completed** means present at the share of sessions the
  certificate rule asks for (80 % unless the organiser set another threshold).
- **Small cells**: for a reader who may not see small numbers (a donor officer), a count of
  1 or 2 in a table that crosses people's attributes (sector, region, gender) is shown as
  "< 3", and so is a second cell of its row or column when one hidden cell could otherwise be
  worked out from the totals. Knowledge-gain figures of fewer than 3 matched pairs are hidden
  for them too. Totals of a whole report are never hidden.
- **Feedback** (ADR 0016, amendment): the event's feedback survey, and its follow-up survey
  once someone answered it, per scale question n, mean and the five counts, with the response
  rate (answers / approved participants). An anonymous survey below the data's minimum shows
  nothing, as its results page does. A reader who may not see small numbers sees no open
  answers (only how many there are) and no figures of a question answered by 1 or 2 people.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.accounts.models import Organisation, Region, User
from qorgau.accounts.permissions import can
from qorgau.training import assessment_selectors, stats, surveys
from qorgau.training.certificates import rule_of
from qorgau.training.models import (
    Attendance,
    Certificate,
    Event,
    Programme,
    ProgrammeTarget,
    Registration,
    Sector,
    Session,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)

SMALL = 3  # counts below this are hidden from readers who may not see small numbers
Status = Registration.Status
Gender = Registration.Gender
GENDERS = (Gender.FEMALE, Gender.MALE, Gender.NOT_STATED)


# --- tables of counts with small-cell suppression -----------------------------------------
@dataclass(frozen=True)
class Figure:
    value: int
    hidden: bool = False

    def __str__(self) -> str:
        return f"< {SMALL}" if self.hidden else str(self.value)

    @property
    def shown(self) -> int | None:
        """The number to write into a spreadsheet cell (None when hidden)."""
        return None if self.hidden else self.value


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]

    @property
    def total(self) -> Figure:
        return self.figures[-1]


@dataclass(frozen=True)
class Table:
    """Counts of people by one attribute (rows), split by gender (columns), with totals."""

    key: str
    title: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row

    @property
    def has_hidden(self) -> bool:
        return any(f.hidden for row in self.rows for f in row.figures)

    def chart(self) -> list[tuple[str, int | None]]:
        return [(row.label, row.total.shown) for row in self.rows]


def _suppress(grid: list[list[int]]) -> list[list[bool]]:
    """Which cells to hide: primary (1 to SMALL-1) and secondary (a second cell of a row or
    column where a lone hidden cell could be worked out from the total), until stable."""
    hidden = [[0 < v < SMALL for v in row] for row in grid]
    lines: list[list[tuple[int, int]]] = [
        [(i, j) for j in range(len(r))] for i, r in enumerate(grid)
    ]
    if grid:
        lines += [[(i, j) for i in range(len(grid))] for j in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            lone = [cell for cell in line if hidden[cell[0]][cell[1]]]
            if len(lone) != 1:
                continue
            others = [c for c in line if not hidden[c[0]][c[1]] and grid[c[0]][c[1]] > 0]
            if others:
                i, j = min(others, key=lambda c: grid[c[0]][c[1]])
                hidden[i][j] = True
                changed = True
    return hidden


def gender_columns() -> tuple[str, ...]:
    return (*(str(label) for label in _gender_labels().values()), _("Total"))


def _gender_labels() -> dict[str, object]:
    return {
        Gender.FEMALE: gettext_lazy("Women"),
        Gender.MALE: gettext_lazy("Men"),
        Gender.NOT_STATED: gettext_lazy("Not stated"),
    }


def crosstab(
    *,
    key: str,
    title: str,
    label: str,
    people: Iterable[tuple[Hashable, str]],
    labels: Mapping[Hashable, str],
    suppress: bool,
) -> Table:
    """A table of people by ``(row key, gender)``, rows by size (largest first)."""
    counts: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for row_key, gender in people:
        counts[row_key][gender if gender in GENDERS else Gender.NOT_STATED] += 1
    order = sorted(counts, key=lambda k: (-sum(counts[k].values()), labels.get(k, str(k))))
    grid = [[counts[k][g] for g in GENDERS] + [sum(counts[k].values())] for k in order]
    totals = [sum(row[j] for row in grid) for j in range(len(GENDERS) + 1)]
    if suppress:
        hidden = _suppress([*grid, [*totals[:-1], 0]])
    else:
        hidden = [[False] * (len(GENDERS) + 1) for _row in range(len(grid) + 1)]
    rows = tuple(
        Row(
            label=labels.get(k, str(k)),
            figures=tuple(Figure(v, h) for v, h in zip(grid[i], hidden[i], strict=True)),
        )
        for i, k in enumerate(order)
    )
    total_hidden = [*hidden[-1][:-1], False]  # the grand total is always shown
    return Table(
        key=key,
        title=title,
        label=label,
        columns=gender_columns(),
        rows=rows,
        total=Row(
            _("Total"), tuple(Figure(v, h) for v, h in zip(totals, total_hidden, strict=True))
        ),
    )


def may_see_small_numbers(*, user: User, obj: object) -> bool:
    return can(user, "training.report.small_numbers", obj)


# --- people -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """One participant as the reports count them (no name: attributes only)."""

    registrations: tuple[int, ...]
    gender: str
    sector: str
    region_id: int | None


class _Links:
    """Union-find over registration ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, a: int) -> int:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class RegistrationRow:
    pk: int
    event_id: int
    starts_on: date
    gender: str
    sector: str
    region_id: int | None
    email_key: str
    name_key: str
    phone_key: str


def people_of(rows: Sequence[RegistrationRow]) -> list[Person]:
    """The distinct people behind these registrations (same e-mail, or same name and phone)."""
    links = _Links()
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        links.find(row.pk)
        keys: list[tuple[str, ...]] = []
        if row.email_key:
            keys.append(("email", row.email_key))
        if row.phone_key:
            keys.append(("name-phone", row.name_key, row.phone_key))
        for k in keys:
            if k in seen:
                links.join(seen[k], row.pk)
            else:
                seen[k] = row.pk
    groups: dict[int, list[RegistrationRow]] = defaultdict(list)
    for row in rows:
        groups[links.find(row.pk)].append(row)
    people = []
    for members in groups.values():
        latest = max(members, key=lambda r: (r.starts_on, r.pk))
        people.append(
            Person(
                registrations=tuple(sorted(r.pk for r in members)),
                gender=latest.gender,
                sector=latest.sector,
                region_id=latest.region_id,
            )
        )
    return sorted(people, key=lambda p: p.registrations[0])


def _registration_rows(registrations: QuerySet[Registration]) -> list[RegistrationRow]:
    return [
        RegistrationRow(*values)
        for values in registrations.values_list(
            "pk",
            "event_id",
            "event__starts_on",
            "gender",
            "sector",
            "region_id",
            "email_key",
            "name_key",
            "phone_key",
        ).order_by("pk")
    ]


def _sector_labels() -> dict[Hashable, str]:
    return {value: str(label) for value, label in Sector.choices}


def _region_labels(region_ids: Iterable[int | None]) -> dict[Hashable, str]:
    ids = {i for i in region_ids if i is not None}
    labels: dict[Hashable, str] = {r.pk: r.name for r in Region.objects.filter(pk__in=ids)}
    labels[None] = _("Outside Kazakhstan")
    return labels


def _people_tables(people: Sequence[Person], *, suppress: bool) -> list[Table]:
    regions = _region_labels(p.region_id for p in people)
    return [
        crosstab(
            key="sector",
            title=_("By sector"),
            label=_("Sector"),
            people=[(p.sector, p.gender) for p in people],
            labels=_sector_labels(),
            suppress=suppress,
        ),
        crosstab(
            key="region",
            title=_("By region"),
            label=_("Region"),
            people=[(p.region_id, p.gender) for p in people],
            labels=regions,
            suppress=suppress,
        ),
    ]


def _gender_table(people: Sequence[Person], *, suppress: bool) -> Table:
    return crosstab(
        key="gender",
        title=_("By gender"),
        label="",
        people=[("all", p.gender) for p in people],
        labels={"all": _("All people")},
        suppress=suppress,
    )


# --- knowledge gain -----------------------------------------------------------------------
@dataclass(frozen=True)
class Knowledge:
    gain: stats.Gain
    submitted: dict[str, int]
    hidden: bool  # too few matched pairs to show to this reader

    @property
    def taken(self) -> bool:
        return bool(self.submitted.get("pre") or self.submitted.get("post"))

    @property
    def attrition(self) -> int:
        return self.gain.pre_only + self.gain.post_only


def _knowledge(results: assessment_selectors.Results, *, suppress: bool) -> Knowledge:
    return Knowledge(
        gain=results.gain,
        submitted=results.submitted,
        hidden=suppress and 0 < results.gain.n_pairs < SMALL,
    )


# --- feedback -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedbackQuestion:
    result: surveys.QuestionResult
    hidden: bool  # answered by 1 or 2 people, for a reader who may not see small numbers

    @property
    def shown(self) -> surveys.QuestionResult:
        """The result to draw: a hidden question is drawn as one without answers."""
        if not self.hidden:
            return self.result
        return replace(self.result, n=0, counts={}, mean=None, share_agree=None, answers=())


@dataclass(frozen=True)
class Feedback:
    results: surveys.SurveyResults
    approved: int
    open_answers: bool  # the reader sees the open answers' texts
    questions: tuple[FeedbackQuestion, ...]

    @property
    def survey(self) -> Survey:
        return self.results.survey

    @property
    def hidden(self) -> bool:
        """Anonymous and below the minimum number of answers: nothing is shown."""
        return self.results.suppressed

    @property
    def response_rate(self) -> int | None:
        return percent(self.results.respondents, self.approved)

    @property
    def likert(self) -> list[FeedbackQuestion]:
        return [q for q in self.questions if q.result.is_likert]

    @property
    def open(self) -> list[FeedbackQuestion]:
        return [q for q in self.questions if not q.result.is_likert]


def _feedback(event: Event, *, approved: int, suppress: bool) -> list[Feedback]:
    """The feedback survey, and the follow-up once answered, in three queries."""
    found = {s.pk: s for s in Survey.objects.filter(event=event)}
    questions: dict[int, list[SurveyQuestion]] = defaultdict(list)
    for question in SurveyQuestion.objects.filter(survey__event=event):
        questions[question.survey_id].append(question)
    responses: dict[int, list[dict[str, object]]] = defaultdict(list)
    for survey_id, answers in SurveyResponse.objects.filter(survey__event=event).values_list(
        "survey_id", "answers"
    ):
        responses[survey_id].append(answers)
    order: dict[str, int] = {Survey.Kind.FEEDBACK: 0, Survey.Kind.FOLLOW_UP: 1}
    lines = []
    for survey in sorted(found.values(), key=lambda s: order.get(s.kind, 9)):
        if survey.kind == Survey.Kind.FOLLOW_UP and not responses[survey.pk]:
            continue
        results = surveys.summarise_survey(
            survey=survey,
            questions=questions[survey.pk],
            responses=responses[survey.pk],
            participants=approved,
        )
        lines.append(
            Feedback(
                results=results,
                approved=approved,
                open_answers=not suppress,
                questions=tuple(
                    FeedbackQuestion(q, hidden=suppress and 0 < q.n < SMALL)
                    for q in results.questions
                ),
            )
        )
    return lines


# --- the event report ---------------------------------------------------------------------
@dataclass(frozen=True)
class SessionAttendance:
    session: Session
    present: int
    share: int | None  # percent of approved participants


@dataclass(frozen=True)
class DayAttendance:
    day: date
    sessions: int
    present: int  # people present at one of the day's sessions or more
    share: int | None


@dataclass(frozen=True)
class EventReport:
    event: Event
    co_organisers: list[Organisation]
    statuses: dict[str, int]
    approved: int
    gender: Table
    tables: list[Table]
    sessions: list[SessionAttendance]
    days: list[DayAttendance]
    attended_any: int
    completed: int
    threshold: int
    knowledge: Knowledge
    certificates_issued: int
    certificates_revoked: int
    suppressed: bool
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def attended_share(self) -> int | None:
        return percent(self.attended_any, self.approved)

    @property
    def completed_share(self) -> int | None:
        return percent(self.completed, self.approved)

    def status_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.statuses.get(value, 0)) for value, label in Status.choices]


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def event_report(*, user: User, event: Event, language: str = "en") -> EventReport:
    """The event's report, in a constant number of queries (the caller checked access)."""
    suppress = not may_see_small_numbers(user=user, obj=event)
    statuses = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    approved_rows = _registration_rows(
        Registration.objects.filter(event=event, status=Status.APPROVED)
    )
    approved_ids = {r.pk for r in approved_rows}
    people = [
        Person((r.pk,), r.gender, r.sector, r.region_id) for r in approved_rows
    ]  # one event: each registration is one person
    sessions = list(event.sessions.order_by("date", "starts_at", "pk"))
    present: dict[int, set[int]] = defaultdict(set)
    for registration_id, session_id in Attendance.objects.filter(
        session__event=event, registration__status=Status.APPROVED
    ).values_list("registration_id", "session_id"):
        present[session_id].add(registration_id)
    approved = len(approved_ids)
    by_day: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.date].append(session)
    days = []
    for day, members in sorted(by_day.items()):
        there = set().union(*(present[s.pk] for s in members))
        days.append(DayAttendance(day, len(members), len(there), percent(len(there), approved)))
    sessions_attended: Counter[int] = Counter()
    for ids in present.values():
        sessions_attended.update(ids)
    rule = rule_of(event)
    completed = sum(
        1
        for n in sessions_attended.values()
        if sessions and n * 100 >= rule.attendance_threshold * len(sessions)
    )
    certificates = Certificate.objects.filter(event=event).aggregate(
        issued=Count("pk", filter=Q(revoked_at__isnull=True)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )
    return EventReport(
        event=event,
        co_organisers=list(event.co_organisers.order_by("name")),
        statuses=statuses,
        approved=approved,
        gender=_gender_table(people, suppress=suppress),
        tables=_people_tables(people, suppress=suppress),
        sessions=[
            SessionAttendance(s, len(present[s.pk]), percent(len(present[s.pk]), approved))
            for s in sessions
        ],
        days=days,
        attended_any=len(sessions_attended),
        completed=completed,
        threshold=rule.attendance_threshold,
        knowledge=_knowledge(
            assessment_selectors.event_results(event, language), suppress=suppress
        ),
        certificates_issued=certificates["issued"],
        certificates_revoked=certificates["revoked"],
        suppressed=suppress,
        feedback=_feedback(event, approved=approved, suppress=suppress),
    )


# --- the programme report -----------------------------------------------------------------
@dataclass(frozen=True)
class EventLine:
    event: Event
    trained: int


@dataclass(frozen=True)
class CityLine:
    city: str
    region: str
    events: int
    first: date
    last: date
    trained: int


@dataclass(frozen=True)
class TargetLine:
    metric: str
    label: str
    target: int
    result: int

    @property
    def share(self) -> int | None:
        """The result in percent of the target."""
        return percent(self.result, self.target)

    @property
    def met(self) -> bool:
        return self.result >= self.target


@dataclass(frozen=True)
class ProgrammeReport:
    programme: Programme
    donors: list[Organisation]
    partners: list[Organisation]
    people: int
    registrations: int  # approved registrations present at one session or more
    women: int
    gender: Table
    tables: list[Table]
    events: list[EventLine]
    cities: list[CityLine]
    regions_covered: int
    targets: list[TargetLine]
    knowledge: Knowledge
    certificates_issued: int
    suppressed: bool
    notes: list[str] = field(default_factory=list)

    @property
    def events_held(self) -> int:
        return sum(1 for line in self.events if line.trained)

    @property
    def women_share(self) -> int | None:
        return percent(self.women, self.people)

    @property
    def cities_held(self) -> int:
        """Cities where an event was held (someone was trained there)."""
        return sum(1 for line in self.cities if line.trained)


@dataclass(frozen=True)
class TrainedPeople:
    rows: list[RegistrationRow]  # approved registrations present at one session or more
    people: list[Person]  # the distinct people behind them

    @property
    def women(self) -> int:
        return sum(1 for p in self.people if p.gender == Gender.FEMALE)

    def people_of_events(self, event_ids: Iterable[int]) -> int:
        """How many distinct people were trained at these events."""
        wanted = set(event_ids)
        registrations = {r.pk for r in self.rows if r.event_id in wanted}
        return sum(1 for p in self.people if registrations.intersection(p.registrations))


def trained_people(*, programme: Programme) -> TrainedPeople:
    """The people trained by a programme, each counted once (one query; ADR 0016)."""
    rows = _registration_rows(
        Registration.objects.filter(
            event__programme=programme,
            status=Status.APPROVED,
            pk__in=Attendance.objects.values("registration_id"),
        )
    )
    return TrainedPeople(rows=rows, people=people_of(rows))


def programme_report(*, user: User, programme: Programme, language: str = "en") -> ProgrammeReport:
    """Targets against results and people trained, counted once each, in a constant number of
    queries (the caller checked access)."""
    suppress = not may_see_small_numbers(user=user, obj=programme)
    events = list(
        Event.objects.filter(programme=programme)
        .select_related("region")
        .order_by("starts_on", "pk")
    )
    trained = trained_people(programme=programme)
    trained_rows, people = trained.rows, trained.people
    per_event = Counter(r.event_id for r in trained_rows)
    person_of = {pk: n for n, p in enumerate(people) for pk in p.registrations}
    event_of = {r.pk: r.event_id for r in trained_rows}
    cities: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        cities[event.city].append(event)
    city_people: dict[str, set[int]] = defaultdict(set)
    city_by_event = {e.pk: e.city for e in events}
    for pk, event_id in event_of.items():
        city_people[city_by_event[event_id]].add(person_of[pk])
    city_lines = sorted(
        (
            CityLine(
                city=city,
                region=members[0].region.name,
                events=len(members),
                first=min(e.starts_on for e in members),
                last=max(e.ends_on for e in members),
                trained=len(city_people[city]),
            )
            for city, members in cities.items()
        ),
        key=lambda line: (line.first, line.city),
    )
    held = [e for e in events if per_event[e.pk]]
    women = sum(1 for p in people if p.gender == Gender.FEMALE)
    results: dict[str, int] = {
        ProgrammeTarget.Metric.PEOPLE_TRAINED: len(people),
        ProgrammeTarget.Metric.WOMEN_SHARE: percent(women, len(people)) or 0,
        ProgrammeTarget.Metric.REGIONS_COVERED: len({e.region_id for e in held}),
        ProgrammeTarget.Metric.EVENTS_HELD: len(held),
    }
    targets = [
        TargetLine(
            metric=t.metric,
            label=str(t.get_metric_display()),
            target=t.value,
            result=results.get(t.metric, 0),
        )
        for t in programme.targets.all()
    ]
    certificates = Certificate.objects.filter(
        event__programme=programme, revoked_at__isnull=True
    ).count()
    return ProgrammeReport(
        programme=programme,
        donors=list(programme.donors.order_by("name")),
        partners=list(programme.partners.order_by("name")),
        people=len(people),
        registrations=len(trained_rows),
        women=women,
        gender=_gender_table(people, suppress=suppress),
        tables=_people_tables(people, suppress=suppress),
        events=[EventLine(e, per_event[e.pk]) for e in events],
        cities=city_lines,
        regions_covered=results[ProgrammeTarget.Metric.REGIONS_COVERED],
        targets=targets,
        knowledge=_knowledge(
            assessment_selectors.series_results([e.pk for e in events], language),
            suppress=suppress,
        ),
        certificates_issued=certificates,
        suppressed=suppress,
    )


# --- fetch and check ----------------------------------------------------------------------
def access_event_report(*, user: User, pk: int) -> Event:
    """The event whose report the user may read (404 for anyone else: the report is the only
    thing a donor officer may know of an event)."""
    event = Event.objects.select_related("organiser", "region", "programme").filter(pk=pk).first()
    if event is None or not can(user, "training.report.event", event):
        raise Http404
    return event


def access_programme_report(*, user: User, pk: int) -> Programme:
    programme = Programme.objects.select_related("implementer").filter(pk=pk).first()
    if programme is None or not can(user, "training.programme.view", programme):
        raise Http404
    if not can(user, "training.report.programme", programme):
        raise PermissionDenied
    return programme
