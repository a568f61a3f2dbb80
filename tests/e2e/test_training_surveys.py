"""Browser journey: a participant who lost her personal code asks for it on the survey page (a
360 px phone, in Kazakh), reads it in the e-mail and answers the anonymous feedback survey with
it; the organiser reads the results (SVG chart and table) and sends a participant's code again
from the participants list; the library lists a material for children with special needs.

Debian's chromium, headless, drives the live server (see the fixtures in conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, user_with_role
from qorgau.training import materials, surveys
from qorgau.training.models import Survey, SurveyResponse
from qorgau.training.tests.factories import EventFactory, RegistrationFactory
from tests.e2e.pages import no_sideways_scrolling

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_participant_answers_the_survey_by_phone_and_the_organiser_reads_the_results(
    live_server, reference_data, page, phone_page, screenshot
):
    osce = OrganisationFactory(name="OSCE Programme Office in Astana")
    organiser = user_with_role(Role.TRAINING_ORGANISER, osce, username="zhanna")
    today = timezone.localdate()
    event = EventFactory(
        organiser=osce,
        title="Балалар саудасының құрбандарын анықтау",
        city="Павлодар",
        starts_on=today - timedelta(days=1),
        ends_on=today,
    )
    survey = surveys.survey_prepare(actor=organiser, event=event, kind=Survey.Kind.FEEDBACK)
    for point in (5, 4, 4):
        answers = {
            f"q{q.pk}": str(point) if q.kind == "likert" else "Кейстерді топпен шешу"
            for q in survey.questions.all()
        }
        surveys.survey_submit(
            survey=survey,
            registration=RegistrationFactory(event=event),
            raw_answers=answers,
            language="kk",
        )
    aigerim = RegistrationFactory(
        event=event, personal_code="KX4P7Q2M", language="kk", email="aigerim@example.org"
    )

    # --- the participant, on a phone, in Kazakh ------------------------------------------
    phone = phone_page
    path = surveys.survey_url(survey).split("/t/", 1)[1]
    phone.goto(f"{live_server.url}/t/{path}")
    phone.get_by_role("button", name="Қазақ").click()
    expect(phone.locator("html")).to_have_attribute("lang", "kk")
    # She lost the e-mail with her personal code: she asks for it again, by e-mail.
    phone.locator("#lost-code summary").click()
    phone.locator("input[name=lost_code_email]").fill("Aigerim@example.org")
    no_sideways_scrolling(phone)
    screenshot(phone, "survey-lost-code-kk-360px")
    phone.locator("#lost-code button[type=submit]").click()
    expect(phone.locator("#lost-code-answer")).to_contain_text(
        "Егер бұл электрондық пошта мекенжайы осы іс-шараға тіркелген болса"
    )
    expect(phone.locator("main")).not_to_contain_text("KX4P")  # never on the page
    no_sideways_scrolling(phone)
    screenshot(phone, "survey-lost-code-sent-kk-360px")
    assert [m.to for m in mail.outbox] == [["aigerim@example.org"]]
    letter = mail.outbox[0]
    assert letter.subject.startswith("Сіздің жеке кодыңыз")
    found = re.search(r"Жеке кодыңыз: (\S+)", letter.body)
    assert found is not None
    code = found.group(1)
    assert code == aigerim.code_display
    # A second click sends nothing new.
    phone.locator("input[name=lost_code_email]").fill("aigerim@example.org")
    phone.locator("#lost-code button[type=submit]").click()
    expect(phone.locator("#lost-code-answer")).to_be_visible()
    assert len(mail.outbox) == 1
    # She uses the code from the e-mail.
    phone.locator("input[name=identifier]").fill(code)
    phone.locator("form button.primary").click()
    expect(phone.locator(".survey-form")).to_be_visible()
    questions = list(survey.questions.all())
    # Send without the first answer: the form says which question needs it.
    for question in questions[1:]:
        if question.kind == "likert":
            phone.locator(f"input[name=q{question.pk}][value='4']").check()
    phone.locator(".survey-form button.primary").click()
    expect(phone.locator(f"#q{questions[0].pk} .error")).to_be_visible()
    phone.locator(f"input[name=q{questions[0].pk}][value='5']").check()
    open_question = next(q for q in questions if q.kind == "open")
    phone.locator(f"textarea[name=q{open_question.pk}]").fill("Индикаторлар тізімі")
    no_sideways_scrolling(phone)
    screenshot(phone, "survey-kk-360px")
    phone.locator(".survey-form button.primary").click()
    expect(phone.locator("#answered")).to_be_visible()
    screenshot(phone, "survey-answered-kk-360px")
    assert SurveyResponse.objects.filter(survey=survey).count() == 4
    assert not SurveyResponse.objects.filter(registration__isnull=False).exists()

    # The lost-code step at desktop width, opened.
    page.goto(f"{live_server.url}/t/{path}")
    page.locator("#lost-code summary").click()
    expect(page.locator("input[name=lost_code_email]")).to_be_visible()
    screenshot(page, "survey-lost-code-desktop")

    # --- the organiser reads the results --------------------------------------------------
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("zhanna")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.goto(f"{live_server.url}/training/surveys/{survey.pk}/results/")
    expect(page.locator("svg.survey-chart")).to_be_visible()
    expect(page.locator("#likert-table tbody tr")).to_have_count(
        sum(1 for q in questions if q.kind == "likert")
    )
    expect(page.get_by_text("Индикаторлар тізімі")).to_be_visible()
    screenshot(page, "survey-results-desktop")

    # --- the organiser sends a participant's code again from the participants list --------
    participants = f"{live_server.url}/training/events/{event.pk}/registrations/"
    page.goto(participants)
    page.locator(f"#registration-{aigerim.pk} a.resend-code").click()
    screenshot(page, "resend-code-confirm-desktop")
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(participants)
    expect(page.locator(".message.success")).to_contain_text("aigerim@example.org")
    screenshot(page, "resend-code-sent-desktop")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["aigerim@example.org"]

    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/training/surveys/{survey.pk}/results/")
    expect(phone.locator("svg.survey-chart")).to_be_visible()
    screenshot(phone, "survey-results-kk-360px")
    phone.goto(participants)
    expect(phone.locator(f"#registration-{aigerim.pk} a.resend-code")).to_be_visible()
    no_sideways_scrolling(phone)
    screenshot(phone, "participants-resend-code-kk-360px")
    phone.goto(f"{live_server.url}/training/events/{event.pk}/surveys/")
    expect(phone.locator("#survey-feedback .qr-large svg")).to_be_visible()
    no_sideways_scrolling(phone)
    screenshot(phone, "surveys-organiser-kk-360px")

    # --- the event report has the feedback section ----------------------------------------
    page.goto(f"{live_server.url}/training/events/{event.pk}/report/")
    expect(page.locator("#feedback svg.survey-chart")).to_be_visible()
    expect(page.locator("#feedback .feedback-mean").first).to_be_visible()
    expect(page.locator("#feedback").get_by_text("Индикаторлар тізімі")).to_be_visible()
    screenshot(page, "event-report-feedback-desktop")
    phone.goto(f"{live_server.url}/training/events/{event.pk}/report/")
    expect(phone.locator("#feedback h2")).to_have_text("Қатысушылардың пікірі")
    no_sideways_scrolling(phone)
    screenshot(phone, "event-report-feedback-kk-360px")


def test_the_library_finds_materials_for_children_with_special_needs_on_a_phone(
    live_server, reference_data, phone_page, screenshot
):
    publisher = OrganisationFactory(name="ОО «Феминистская лига»")
    easy = materials.material_create(
        actor=None,
        owner=publisher,
        data=materials.MaterialData(
            title="Қауіпсіз болайық: ерекше қажеттіліктері бар балаларға арналған брошюра",
            kind="brochure",
            topics=("vulnerable_groups",),
            sectors=("education", "social"),
            for_special_needs=True,
            is_public=True,
        ),
    )
    materials.material_version_add(
        actor=None,
        material=easy,
        language="kk",
        format="easy_read",
        external_url="https://www.unicef.org/kazakhstan/",
    )
    materials.material_create(
        actor=None,
        owner=publisher,
        data=materials.MaterialData(
            title="Handbook for investigators", kind="handbook", is_public=True
        ),
    )

    phone = phone_page
    phone.goto(f"{live_server.url}/training/materials/")
    phone.get_by_role("button", name="Қазақ").click()
    phone.locator("input[name=special_needs]").check()
    phone.locator("form[role=search] button.primary").click()
    expect(phone.locator("#materials > li")).to_have_count(1)
    expect(phone.locator("#materials").get_by_text("Оңай оқылатын").first).to_be_visible()
    no_sideways_scrolling(phone)
    screenshot(phone, "library-kk-360px")
    phone.locator("#materials h2 a").click()
    expect(phone.locator("#current-versions")).to_contain_text("Оңай оқылатын")
    no_sideways_scrolling(phone)
    screenshot(phone, "material-kk-360px")
