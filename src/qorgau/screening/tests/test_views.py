"""Pages of the identification module: wiring, refusals and bounded queries.

The rules themselves (scoring, pathways, contradictions, permissions) are tested against the
services and selectors; these tests check that the pages call them, show what they return,
keep what was entered, and refuse what they must.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import yaml
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import MembershipFactory, OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.core.models import Workspace, WorkspaceMember
from qorgau.core.workspaces import SESSION_KEY as WORKSPACE_SESSION_KEY
from qorgau.core.workspaces import real_workspace
from qorgau.screening import services
from qorgau.screening.catalogue import read_packaged_catalogue
from qorgau.screening.models import (
    Alert,
    Answer,
    Catalogue,
    Identification,
    Indicator,
    PathwayRules,
    Screening,
    VictimStatusDecision,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_two_factor")]

NEW = reverse("screening:new")
LIST = reverse("screening:list")
INBOX = reverse("screening:inbox")
CATALOGUES = reverse("screening:catalogues")
PATHWAYS = reverse("screening:pathways")

# Child labour, strong indication: deceptive recruitment (two strong) and exploitation (one
# strong and one medium) are both positive.
STRONG_ANSWERS = (
    "child_labour.deceptive_recruitment.nature_of_job",
    "child_labour.deceptive_recruitment.education_opportunities",
    "child_labour.exploitation.excessive_hours",
    "child_labour.exploitation.low_or_no_pay",
)
SIGN = "unodc_child.child_signs.no_access_to_parents"


@pytest.fixture
def _no_two_factor(settings):
    settings.QORGAU_REQUIRE_2FA = False


@pytest.fixture
def packaged(reference_data) -> Catalogue:
    """The catalogue and pathway rules that ship with Qorgau."""
    services.pathway_rules_load_packaged()
    return services.catalogue_load_packaged()


@pytest.fixture
def kz55(reference_data) -> Region:
    return Region.objects.get(key="KZ-55")


def _body(type_key: str, region: Region, name: str) -> Organisation:
    return OrganisationFactory(
        name=name, type=OrganisationType.objects.get(key=type_key), region=region
    )


@pytest.fixture
def bodies(kz55) -> dict[str, Organisation]:
    """A school and the bodies a pathway alerts, in Pavlodar Region."""
    return {
        "school": _body("school", kz55, "School No. 7, Pavlodar"),
        "guardianship": _body("guardianship", kz55, "Guardianship Authority of Pavlodar"),
        "police": _body("police", kz55, "Pavlodar Region Police"),
        "social_protection": _body("social_protection", kz55, "Pavlodar Social Protection"),
        "crisis_centre": _body("crisis_centre", kz55, "Crisis Centre Umit"),
    }


@pytest.fixture
def worker(bodies) -> User:
    return user_with_role(
        Role.FRONT_LINE, bodies["school"], first_name="Dana", last_name="Seitkali"
    )


@pytest.fixture
def officer(bodies) -> User:
    return user_with_role(Role.GUARDIANSHIP_OFFICER, bodies["guardianship"], last_name="Omarova")


@pytest.fixture
def investigator(bodies) -> User:
    return user_with_role(Role.INVESTIGATOR, bodies["police"], last_name="Zhaksylykov")


def _form(
    catalogue: Catalogue,
    region: Region,
    *,
    key: uuid.UUID | None = None,
    action: str = "submit",
    yes: tuple[str, ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """What the browser posts: a girl of about 14 in labour, screened an hour ago."""
    data: dict[str, Any] = {
        "idempotency_key": str(key or uuid.uuid4()),
        "catalogue_version": catalogue.version,
        "region": region.pk,
        "screened_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Pavlodar bus station",
        "child_name": "Aruzhan",
        "birth_date": "",
        "age_min": "13",
        "age_max": "15",
        "declared_child": "unsure",
        "sex": "female",
        "citizenship": "KZ",
        "exploitation_form": "labour",
        "observations": "Works at the market stall all day.",
        "action": action,
    }
    for indicator in yes:
        data[f"answer__{indicator}"] = "yes"
    data.update(fields)
    return data


def _submitted(worker: User, catalogue: Catalogue, region: Region, **fields: Any) -> Screening:
    organisation = Organisation.objects.get(memberships__user=worker)
    answers = fields.pop("answers", {key: ("yes", "") for key in STRONG_ANSWERS})
    return services.screening_submit(
        actor=worker,
        organisation=organisation,
        workspace=real_workspace(),
        idempotency_key=uuid.uuid4(),
        data=services.ScreeningInput(
            catalogue_version=catalogue.version,
            region=region,
            screened_at=timezone.now() - timedelta(hours=1),
            age_min=13,
            age_max=15,
            exploitation_form="labour",
            answers=answers,
            **fields,
        ),
    )


# --- the screening form -------------------------------------------------------------------
def test_the_form_asks_the_child_questions_grouped_by_dimension(client, packaged, worker):
    client.force_login(worker)

    response = client.get(NEW)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="idempotency_key"' in page
    assert f'name="catalogue_version" value="{packaged.version}"' in page
    for dimension in ("deceptive_recruitment", "exploitation", "coercion_destination"):
        assert f'data-list="child_labour" data-dimension="{dimension}"' in page
    assert 'data-list="unodc_child" data-dimension="child_signs"' in page
    assert "Deceptive recruitment" in page and "Children: labour exploitation" in page
    assert 'data-list="adult_labour"' not in page
    shown = page.count('class="indicator"')
    expected = packaged.indicators.filter(list__in=("child_labour", "unodc_child")).count()
    assert shown == expected
    # Three answers per question, "don't know" chosen until the worker says otherwise.
    first = f"answer__{STRONG_ANSWERS[0]}"
    assert page.count(f'name="{first}"') == 3
    assert f'name="{first}" value="unknown" id="id_{first}_2" checked' in page
    # Only one organisation to screen for: no choice to make.
    assert 'name="organisation"' not in page


def test_each_new_form_carries_its_own_idempotency_key(client, packaged, worker):
    client.force_login(worker)

    first = client.get(NEW).context["form"]["idempotency_key"].value()
    second = client.get(NEW).context["form"]["idempotency_key"].value()

    assert first and second and first != second


def test_someone_who_may_not_screen_is_refused(client, packaged):
    client.force_login(user_with_role(Role.AUDITOR))

    assert client.get(NEW).status_code == 403


def test_the_facts_change_the_questions_without_saving_and_keep_the_answers(
    client, packaged, worker, kz55
):
    client.force_login(worker)
    data = _form(
        packaged,
        kz55,
        action="refresh",
        yes=(SIGN, STRONG_ANSWERS[0]),
        exploitation_form="sexual",
    )

    response = client.post(NEW, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-list="child_sexual"' in page
    assert 'data-list="child_labour"' not in page
    assert "errorlist" not in page  # showing questions is not saving: no errors yet
    # The sign applies to both: still answered. The labour answer rides along, hidden.
    assert response.context["form"][f"answer__{SIGN}"].value() == "yes"
    assert f'type="hidden" name="answer__{STRONG_ANSWERS[0]}" value="yes"' in page
    assert Screening.objects.across_workspaces().count() == 0


def test_with_htmx_only_the_questions_are_sent_back(client, packaged, worker, kz55):
    client.force_login(worker)
    data = _form(packaged, kz55, action="refresh", birth_date="2000-01-01", age_min="", age_max="")

    response = client.post(NEW, data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="questions"')
    assert "<html" not in page
    # A known adult: the adult lists.
    assert 'data-list="adult_labour"' in page
    assert 'data-list="child_labour"' not in page


def test_with_htmx_the_same_questions_are_not_sent_again(client, packaged, worker, kz55):
    client.force_login(worker)
    shown = client.get(NEW).context["questions_for"]
    data = _form(packaged, kz55, action="refresh", questions_for=shown)

    response = client.post(NEW, data, headers={"HX-Request": "true"})

    # Nothing to swap: answers given while the request was on its way stay as they are.
    assert response.status_code == 204


def test_submitting_twice_with_the_same_key_makes_one_screening(client, packaged, worker, kz55):
    client.force_login(worker)
    data = _form(packaged, kz55, yes=STRONG_ANSWERS)

    first = client.post(NEW, data)
    second = client.post(NEW, data)

    screening = Screening.objects.in_workspace(real_workspace()).get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("screening:detail", args=[screening.pk])
    assert screening.status == Screening.Status.SUBMITTED
    assert Identification.objects.in_workspace(real_workspace()).count() == 1
    alerts = Alert.objects.in_workspace(real_workspace()).count()
    assert alerts > 0
    # A third try, even with changed answers, only shows the first result.
    third = client.post(NEW, {**data, "place": "Elsewhere"})
    assert third.url == first.url
    assert Alert.objects.in_workspace(real_workspace()).count() == alerts


def test_a_contradiction_is_shown_at_its_field_and_nothing_is_saved(client, packaged, worker, kz55):
    client.force_login(worker)
    data = _form(
        packaged,
        kz55,
        yes=STRONG_ANSWERS,
        birth_date="2000-03-01",
        age_min="",
        age_max="",
        declared_child="yes",
        place="Market, row 4",
    )

    response = client.post(NEW, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "declared_child" in form.errors
    assert "adult" in form.errors["declared_child"][0]
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#field-declared_child"' in page
    assert 'value="Market, row 4"' in page
    assert 'value="2000-03-01"' in page
    assert Screening.objects.across_workspaces().count() == 0
    assert Answer.objects.count() == 0


def test_a_future_date_is_refused_at_its_field(client, packaged, worker, kz55):
    client.force_login(worker)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(NEW, _form(packaged, kz55, screened_at=tomorrow))

    assert response.status_code == 200
    assert "screened_at" in response.context["form"].errors
    assert Screening.objects.across_workspaces().count() == 0


def test_a_draft_is_saved_continued_and_submitted(client, packaged, worker, kz55):
    client.force_login(worker)
    key = uuid.uuid4()

    saved = client.post(NEW, _form(packaged, kz55, key=key, action="draft", yes=STRONG_ANSWERS[:2]))

    draft = Screening.objects.in_workspace(real_workspace()).get()
    edit = reverse("screening:edit", args=[draft.pk])
    assert saved.status_code == 302 and saved.url == edit
    assert draft.status == Screening.Status.DRAFT
    assert draft.idempotency_key == key
    assert Identification.objects.in_workspace(real_workspace()).count() == 0

    # Saving the same page again updates the same draft.
    client.post(NEW, _form(packaged, kz55, key=key, action="draft", yes=STRONG_ANSWERS[:3]))
    assert Screening.objects.in_workspace(real_workspace()).count() == 1

    reopened = client.get(edit)
    assert reopened.status_code == 200
    form = reopened.context["form"]
    assert str(form["idempotency_key"].value()) == str(key)
    assert form[f"answer__{STRONG_ANSWERS[2]}"].value() == "yes"
    assert form["place"].value() == "Pavlodar bus station"

    submitted = client.post(edit, _form(packaged, kz55, key=uuid.uuid4(), yes=STRONG_ANSWERS))

    draft.refresh_from_db()
    assert submitted.url == reverse("screening:detail", args=[draft.pk])
    assert draft.status == Screening.Status.SUBMITTED
    assert draft.outcome == Screening.Outcome.STRONG_INDICATION
    # The page of a submitted screening is its result now.
    assert client.get(edit).url == submitted.url
    assert client.post(edit, _form(packaged, kz55, yes=STRONG_ANSWERS)).url == submitted.url


def test_nobody_else_continues_a_draft(client, packaged, worker, bodies, kz55):
    client.force_login(worker)
    client.post(NEW, _form(packaged, kz55, action="draft"))
    draft = Screening.objects.in_workspace(real_workspace()).get()
    colleague = user_with_role(Role.FRONT_LINE, bodies["school"])

    client.force_login(colleague)

    assert client.get(reverse("screening:edit", args=[draft.pk])).status_code == 404


# --- the result ---------------------------------------------------------------------------
def test_the_result_shows_outcome_drivers_steps_and_who_was_alerted(
    client, packaged, worker, kz55, bodies
):
    screening = _submitted(worker, packaged, kz55)
    client.force_login(worker)

    response = client.get(reverse("screening:detail", args=[screening.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-outcome="strong_indication"' in page
    assert "Strong indication" in page
    assert 'data-is-child="true"' in page and "presumption of minority" in page
    for key in STRONG_ANSWERS:
        assert f'<li data-indicator="{key}">' in page
    label = packaged.indicators.get(key=STRONG_ANSWERS[0]).label_en
    assert label in page
    # Steps: what to do, who is told, by when, on what legal basis.
    assert 'data-step="notify_guardianship"' in page
    assert "Notify the guardianship authority" in page
    assert "Law No. 110-VIII, Art. 18; joint order of the Interior Ministry No. 844" in page
    assert "<dd data-notify>Guardianship authority</dd>" in page
    due = timezone.localtime(screening.submitted_at + timedelta(hours=24))
    assert due.strftime("%Y-%m-%dT%H:%M") in page
    # The organisations actually alerted.
    for name in (
        "Guardianship Authority of Pavlodar",
        "Pavlodar Region Police",
        "Crisis Centre Umit",
    ):
        assert name in page
    assert reverse("screening:identification", args=[screening.identification.pk]) in page
    assert f"Scored with indicator catalogue version {packaged.version}" in page


def test_an_old_screening_shows_its_own_catalogue_version(client, packaged, worker, kz55):
    screening = _submitted(worker, packaged, kz55)
    document = read_packaged_catalogue()
    document["version"] = packaged.version + 1
    for item in document["indicators"]:
        if item["key"] == STRONG_ANSWERS[0]:
            item["label"]["en"] = "Corrected label in version two"
    services.catalogue_publish(actor=None, document=document)
    client.force_login(worker)

    page = client.get(reverse("screening:detail", args=[screening.pk])).content.decode()

    assert packaged.indicators.get(key=STRONG_ANSWERS[0]).label_en in page
    assert "Corrected label in version two" not in page
    assert f"catalogue version {packaged.version} (" in page
    # A new screening asks the questions of the new version.
    assert client.get(NEW).context["catalogue"].version == packaged.version + 1


def test_another_organisations_user_gets_404_on_the_result(client, packaged, worker, kz55):
    screening = _submitted(worker, packaged, kz55)
    stranger = user_with_role(Role.FRONT_LINE, OrganisationFactory())
    client.force_login(stranger)

    response = client.get(reverse("screening:detail", args=[screening.pk]))

    assert response.status_code == 404
    assert b"Aruzhan" not in response.content


# --- inbox and identification -------------------------------------------------------------
def test_the_guardianship_officer_sees_the_alert_and_opens_the_identification(
    client, packaged, worker, officer, kz55
):
    screening = _submitted(worker, packaged, kz55)
    identification = screening.identification
    client.force_login(officer)

    inbox = client.get(INBOX)

    assert inbox.status_code == 200
    page = inbox.content.decode()
    url = reverse("screening:identification", args=[identification.pk])
    assert url in page
    assert "Notify the guardianship authority" in page
    assert 'data-read="false"' in page

    opened = client.get(url)

    assert opened.status_code == 200
    assert b'data-outcome="strong_indication"' in opened.content
    assert AuditEvent.objects.filter(
        action="identification.read", actor=officer, target_id=str(identification.pk)
    ).exists()


def test_marking_an_alert_read(client, packaged, worker, officer, kz55):
    _submitted(worker, packaged, kz55)
    alert = Alert.objects.in_workspace(real_workspace()).get(organisation__type__key="guardianship")
    client.force_login(officer)

    response = client.post(reverse("screening:alert_read", args=[alert.pk]), {"next": INBOX})

    assert response.status_code == 302 and response.url == INBOX
    alert.refresh_from_db()
    assert alert.read_at is not None and alert.read_by == officer
    with_htmx = client.post(
        reverse("screening:alert_read", args=[alert.pk]), headers={"HX-Request": "true"}
    )
    assert with_htmx.status_code == 200
    assert b'data-read="true"' in with_htmx.content


def test_nobody_reads_another_organisations_alert(client, packaged, worker, kz55):
    _submitted(worker, packaged, kz55)
    alert = Alert.objects.in_workspace(real_workspace()).first()
    client.force_login(user_with_role(Role.GUARDIANSHIP_OFFICER, OrganisationFactory()))

    assert client.post(reverse("screening:alert_read", args=[alert.pk])).status_code == 404
    assert client.get(reverse("screening:alert_read", args=[alert.pk])).status_code == 405


def test_the_inbox_is_refused_to_roles_that_are_never_alerted(client, packaged):
    client.force_login(user_with_role(Role.AUDITOR))

    assert client.get(INBOX).status_code == 403


def _decide(client, identification, organisation, **fields: Any):
    data = {
        "status": "presumed",
        "organisation": organisation.pk,
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": "Law No. 110-VIII, Art. 16",
        "reasons": "Recruited by deceit and made to work 14 hours a day.",
        **fields,
    }
    return client.post(reverse("screening:identification", args=[identification.pk]), data)


def test_a_police_investigator_decides_and_a_later_decision_supersedes_the_first(
    client, packaged, worker, investigator, bodies, kz55
):
    identification = _submitted(worker, packaged, kz55).identification
    url = reverse("screening:identification", args=[identification.pk])
    client.force_login(investigator)

    page = client.get(url).content.decode()
    assert 'name="status"' in page
    assert 'value="Law No. 110-VIII, Art. 16"' in page
    assert "will supersede" not in page

    first = _decide(client, identification, bodies["police"])
    assert first.status_code == 302 and first.url == url

    # The second needs a confirmation that it replaces the first.
    unconfirmed = _decide(client, identification, bodies["police"], status="identified")
    assert unconfirmed.status_code == 200
    assert "confirm_supersede" in unconfirmed.context["form"].errors
    assert b"will supersede the current one" in unconfirmed.content
    decisions = VictimStatusDecision.objects.in_workspace(real_workspace())
    assert decisions.count() == 1

    second = _decide(
        client, identification, bodies["police"], status="identified", confirm_supersede="on"
    )
    assert second.status_code == 302

    assert decisions.count() == 2
    earlier, later = decisions.order_by("pk")
    assert later.supersedes == earlier
    page = client.get(url).content.decode()
    assert f'data-decision="{earlier.pk}" data-status="presumed" data-superseded="true"' in page
    assert f'data-decision="{later.pk}" data-status="identified" data-superseded="false"' in page


def test_a_decision_with_a_future_date_is_refused_at_its_field(
    client, packaged, worker, investigator, bodies, kz55
):
    identification = _submitted(worker, packaged, kz55).identification
    client.force_login(investigator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = _decide(client, identification, bodies["police"], decided_on=tomorrow)

    assert response.status_code == 200
    assert "decided_on" in response.context["form"].errors
    assert VictimStatusDecision.objects.in_workspace(real_workspace()).count() == 0


def test_the_guardianship_officer_sees_decisions_but_may_not_record_one(
    client, packaged, worker, officer, bodies, kz55
):
    identification = _submitted(worker, packaged, kz55).identification
    client.force_login(officer)

    page = client.get(reverse("screening:identification", args=[identification.pk]))

    assert page.status_code == 200
    assert b'name="reasons"' not in page.content
    assert _decide(client, identification, bodies["guardianship"]).status_code == 403


# --- lists: the number of queries does not grow with the rows ------------------------------
def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [LIST, INBOX])
def test_list_pages_run_the_same_number_of_queries_for_few_and_many_rows(
    client, django_assert_num_queries, packaged, worker, officer, kz55, url
):
    _submitted(worker, packaged, kz55)
    viewer = worker if url == LIST else officer
    client.force_login(viewer)
    few = _queries(client, url)
    for _ in range(6):
        _submitted(worker, packaged, kz55, answers={SIGN: ("yes", "")})
    client.force_login(viewer)

    with django_assert_num_queries(few):
        response = client.get(url)

    rows = response.context["page"].object_list
    assert len(rows) == 7


def test_my_screenings_shows_drafts_and_submitted_with_an_honest_empty_state(
    client, packaged, worker, kz55
):
    client.force_login(worker)
    empty = client.get(LIST).content.decode()
    assert "There are no screenings yet" in empty

    _submitted(worker, packaged, kz55)
    client.post(NEW, _form(packaged, kz55, action="draft", child_name="Draft child"))

    page = client.get(LIST).content.decode()
    assert 'data-status="draft"' in page and "Draft child" in page
    assert 'data-outcome="strong_indication"' in page


def test_the_inbox_has_an_honest_empty_state(client, packaged, officer):
    client.force_login(officer)

    assert b"No alerts." in client.get(INBOX).content


# --- system admin: catalogue and pathway rules --------------------------------------------
@pytest.mark.parametrize("url", [CATALOGUES, PATHWAYS])
@pytest.mark.parametrize("role", [Role.FRONT_LINE, Role.ORG_ADMIN, Role.AUDITOR])
def test_reference_pages_are_refused_to_everyone_but_system_admins(client, packaged, url, role):
    client.force_login(user_with_role(role))

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def _upload(document: Any, name: str = "catalogue.yaml") -> SimpleUploadedFile:
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


def test_a_system_admin_publishes_a_corrected_catalogue(client, packaged):
    admin = user_with_role(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    page = client.get(CATALOGUES).content.decode()
    assert f'data-version="{packaged.version}"' in page
    document = read_packaged_catalogue()
    document["version"] = packaged.version + 1

    response = client.post(CATALOGUES, {"document": _upload(document)})

    assert response.status_code == 302
    published = Catalogue.objects.get(version=packaged.version + 1)
    assert published.published_by == admin
    assert published.indicators.count() == len(document["indicators"])
    assert f'data-version="{published.version}"' in client.get(CATALOGUES).content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("version: [1\nindicators: {", "This is not valid YAML: check line"),
        ("- just\n- a list\n", "The catalogue must be a YAML mapping."),
        ("version: 1\nindicators: []\n", "The catalogue has no indicators."),
        (b"\xff\xfe\x00binary", "The file is not UTF-8 text."),
    ],
    ids=["bad-yaml", "not-a-mapping", "no-indicators", "not-text"],
)
def test_a_bad_catalogue_file_is_refused_with_a_clear_message(client, packaged, content, message):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN))
    upload = (
        SimpleUploadedFile("bad.yaml", content)
        if isinstance(content, bytes)
        else _upload(content, "bad.yaml")
    )

    response = client.post(CATALOGUES, {"document": upload})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["document"])
    assert Catalogue.objects.count() == 1


def test_a_catalogue_that_is_not_newer_is_refused(client, packaged):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN))

    response = client.post(CATALOGUES, {"document": _upload(read_packaged_catalogue())})

    assert response.status_code == 200
    assert "is not newer" in response.context["form"].errors["document"][0]


def test_a_system_admin_reads_and_publishes_pathway_rules(client, packaged):
    admin = user_with_role(Role.SYSTEM_ADMIN)
    client.force_login(admin)

    response = client.get(PATHWAYS)

    page = response.content.decode()
    assert 'data-step="notify_guardianship"' in page
    assert "a child or presumed child" in page
    assert "Law No. 110-VIII, Art. 18" in page
    text = response.context["form"]["document"].value()
    document = yaml.safe_load(text)
    assert document == PathwayRules.objects.get(version=1).document
    document["steps"][1]["within_hours"] = 12

    published = client.post(
        PATHWAYS, {"document": yaml.safe_dump(document, allow_unicode=True), "notes": "Faster"}
    )

    assert published.status_code == 302
    latest = PathwayRules.objects.get(version=2)
    assert latest.published_by == admin and latest.notes == "Faster"
    assert latest.document["steps"][1]["within_hours"] == 12
    history = client.get(PATHWAYS).content.decode()
    assert 'data-version="1"' in history and 'data-version="2"' in history


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("steps: [\n", "This is not valid YAML"),
        ("steps:\n  - key: a\n    notify: nobody\n    within_hours: 1\n", "unknown organisation"),
        ("just text", "The rules need a list of steps."),
    ],
    ids=["bad-yaml", "unknown-body", "not-rules"],
)
def test_bad_pathway_rules_are_refused_with_a_clear_message(client, packaged, text, message):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN))

    response = client.post(PATHWAYS, {"document": text, "notes": "Try"})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["document"])
    assert PathwayRules.objects.count() == 1


# --- organisations, workspaces, the Django admin -------------------------------------------
def test_someone_screening_for_two_organisations_chooses_one(client, packaged, worker, kz55):
    almaty = Region.objects.get(key="KZ-75")
    ngo = _body("ngo", almaty, "Almaty NGO")
    MembershipFactory(user=worker, organisation=ngo, role=Role.PROVIDER_STAFF)
    client.force_login(worker)

    page = client.get(NEW).content.decode()
    assert 'name="organisation"' in page and "Almaty NGO" in page

    response = client.post(NEW, _form(packaged, almaty, organisation=ngo.pk))

    assert response.status_code == 302
    screening = Screening.objects.in_workspace(real_workspace()).get()
    assert screening.organisation == ngo and screening.region == almaty


def test_a_screening_in_a_training_workspace_stays_there(client, packaged, worker, kz55):
    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Bus station drill")
    WorkspaceMember.objects.create(workspace=training, user=worker)
    client.force_login(worker)
    session = client.session
    session[WORKSPACE_SESSION_KEY] = training.pk
    session.save()

    client.post(NEW, _form(packaged, kz55, yes=STRONG_ANSWERS))

    assert Screening.objects.in_workspace(training).count() == 1
    assert Screening.objects.in_workspace(real_workspace()).count() == 0
    assert len(client.get(LIST).context["page"].object_list) == 1
    session = client.session
    del session[WORKSPACE_SESSION_KEY]
    session.save()
    assert len(client.get(LIST).context["page"].object_list) == 0


def test_the_django_admin_shows_reference_data_read_only_and_no_records_about_children(
    rf, packaged
):
    superuser = User.objects.create_superuser("root", password="x" * 20)
    superuser.is_verified = lambda: True  # what django-otp's middleware sets after a code
    request = rf.get("/django-admin/")
    request.user = superuser
    for model in (Catalogue, Indicator, PathwayRules):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.changelist_view(request).status_code == 200
    for model in (Screening, Answer, Identification, Alert, VictimStatusDecision):
        assert model not in django_admin.site._registry
