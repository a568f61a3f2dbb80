"""The admin shows training records read-only, and never participants' names or contacts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.tests.factories import UserFactory
from qorgau.training.models import (
    Material,
    MaterialAttachment,
    MaterialVersion,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from qorgau.training.tests.factories import AttendanceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_training_admin_page_opens_read_only(superuser_client):
    attendance = AttendanceFactory()
    objects = {
        "programme": None,
        "series": None,
        "event": attendance.session.event,
        "session": attendance.session,
        "speaker": None,
        "registration": attendance.registration,
        "attendance": attendance,
    }
    for model, obj in objects.items():
        changelist = superuser_client.get(reverse(f"admin:training_{model}_changelist"))
        assert changelist.status_code == 200, model
        assert superuser_client.get(reverse(f"admin:training_{model}_add")).status_code == 403
        if obj is not None:
            change = reverse(f"admin:training_{model}_change", args=[obj.pk])
            page = superuser_client.get(change)
            assert page.status_code == 200, model
            assert 'type="submit" value="Save"' not in page.content.decode()


def test_the_admin_does_not_show_who_registered(superuser_client):
    registration = RegistrationFactory(full_name="Hidden Person", email="hidden@example.org")

    for url in (
        reverse("admin:training_registration_changelist"),
        reverse("admin:training_registration_change", args=[registration.pk]),
    ):
        page = superuser_client.get(url).content.decode()
        assert "Hidden Person" not in page and "hidden@example.org" not in page


# --- surveys and materials ----------------------------------------------------------------
def _survey_and_material_rows():
    person = RegistrationFactory(full_name="Hidden Person", email="hidden@example.org")
    event = person.event
    survey = Survey.objects.create(
        event=event, kind="feedback", opens_on=event.starts_on, closes_on=event.ends_on
    )
    named = Survey.objects.create(
        event=event,
        kind="follow_up",
        anonymous=False,
        opens_on=event.ends_on,
        closes_on=event.ends_on,
    )
    question = SurveyQuestion.objects.create(
        survey=survey, position=1, kind="open", text={"en": "What did you learn?"}
    )
    participation = SurveyParticipation.objects.create(survey=survey, registration=person)
    anonymous = SurveyResponse.objects.create(
        survey=survey, language="en", answers={str(question.pk): "SECRET-ANONYMOUS-ANSWER"}
    )
    SurveyParticipation.objects.create(survey=named, registration=person)
    named_response = SurveyResponse.objects.create(
        survey=named,
        registration=person,
        submitted_at=timezone.now(),
        language="en",
        answers={"1": "SECRET-NAMED-ANSWER"},
    )
    invitation = SurveyInvitation.objects.create(
        survey=named, registration=person, queued_at=timezone.now()
    )
    material = Material.objects.create(
        owner=event.organiser, title="Handbook for teachers", kind="handbook"
    )
    version = MaterialVersion.objects.create(
        material=material,
        language="ru",
        number=1,
        external_url="https://example.org/handbook",
        created_at=timezone.now(),
    )
    attachment = MaterialAttachment.objects.create(material=material, event=event)
    return {
        "survey": survey,
        "surveyquestion": question,
        "surveyparticipation": participation,
        "surveyresponse": anonymous,
        "surveyinvitation": invitation,
        "material": material,
        "materialversion": version,
        "materialattachment": attachment,
    }, named_response


def test_every_survey_and_material_admin_page_opens_read_only(superuser_client):
    rows, _named = _survey_and_material_rows()

    for model, obj in rows.items():
        changelist = superuser_client.get(reverse(f"admin:training_{model}_changelist"))
        assert changelist.status_code == 200, model
        assert superuser_client.get(reverse(f"admin:training_{model}_add")).status_code == 403
        page = superuser_client.get(reverse(f"admin:training_{model}_change", args=[obj.pk]))
        assert page.status_code == 200, model
        assert 'type="submit" value="Save"' not in page.content.decode(), model
        assert "deletelink" not in page.content.decode(), model


def test_the_admin_never_shows_answers_or_who_gave_them(superuser_client):
    rows, named = _survey_and_material_rows()
    anonymous = rows["surveyresponse"]
    urls = [
        reverse(f"admin:training_{model}_changelist")
        for model in ("surveyresponse", "surveyparticipation", "surveyinvitation", "survey")
    ]
    urls += [
        reverse("admin:training_surveyresponse_change", args=[anonymous.pk]),
        reverse("admin:training_surveyresponse_change", args=[named.pk]),
        reverse("admin:training_surveyparticipation_change", args=[rows["surveyparticipation"].pk]),
        reverse("admin:training_survey_change", args=[rows["survey"].pk]),
    ]

    for url in urls:
        page = superuser_client.get(url).content.decode()
        assert "SECRET-ANONYMOUS-ANSWER" not in page and "SECRET-NAMED-ANSWER" not in page, url
        assert "Hidden Person" not in page and "hidden@example.org" not in page, url
    named_page = superuser_client.get(
        reverse("admin:training_surveyresponse_change", args=[named.pk])
    ).content.decode()
    assert f"registration {named.registration_id}" not in named_page


def test_the_admin_does_not_link_a_material_file(superuser_client):
    from django.utils import timezone

    from qorgau.training.models import MaterialVersion

    rows, _named = _survey_and_material_rows()
    uploaded = MaterialVersion.objects.create(
        material=rows["material"],
        language="kk",
        number=1,
        file="materials/0f3e9storagename.pdf",
        original_name="handbook-kk.pdf",
        content_type="application/pdf",
        size=1234,
        created_at=timezone.now(),
    )

    page = superuser_client.get(
        reverse("admin:training_materialversion_change", args=[uploaded.pk])
    ).content.decode()

    assert "handbook-kk.pdf" in page
    assert "0f3e9storagename" not in page


def test_a_staff_member_without_the_admin_flag_is_sent_to_sign_in(client):
    client.force_login(UserFactory(is_staff=False))

    page = client.get(reverse("admin:training_surveyresponse_changelist"))

    assert page.status_code == 302
