"""The identification API: wiring, refusals, idempotency and query counts (rules: test_services)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from qorgau.accounts.models import Organisation, OrganisationType, Region, User
from qorgau.accounts.services import api_token_create
from qorgau.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    user_with_role,
)
from qorgau.audit.models import AuditEvent
from qorgau.core.models import Workspace, WorkspaceMember
from qorgau.core.workspaces import SESSION_KEY, real_workspace
from qorgau.screening import schemas, services
from qorgau.screening.models import (
    Alert,
    Answer,
    Catalogue,
    ExploitationForm,
    Identification,
    Indicator,
    Screening,
    Sex,
    VictimStatusDecision,
)

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
PAVLODAR = "KZ-55"
ELSEWHERE = "KZ-75"  # Almaty city
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# A child recruited by deception into exploitation: strong indication (presumed victim).
STRONG = [
    "child_labour.deceptive_recruitment.nature_of_job",
    "child_labour.deceptive_recruitment.education_opportunities",
    "child_labour.exploitation.excessive_hours",
    "child_labour.exploitation.hazardous_work",
]
# One indicator in a child: concern.
CONCERN = ["child_labour.exploitation.hazardous_work"]


# --- helpers ------------------------------------------------------------------------------
@pytest.fixture
def catalogue(reference_data: Any) -> Catalogue:
    services.pathway_rules_load_packaged()
    return services.catalogue_load_packaged()


def _organisation(type_key: str, region: str = PAVLODAR) -> Organisation:
    return OrganisationFactory(
        type=OrganisationType.objects.get(key=type_key), region=Region.objects.get(key=region)
    )


def _api(user: User, language: str = "en") -> Client:
    _token, raw = api_token_create(actor=user, name="mobile app")
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": language})


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/screening{path}", body, content_type="application/json")


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "exploitation_form": "labour",
        "child_name": "Aruzhan",
        "place": "Pavlodar bus station",
        "age_min": 12,
        "age_max": 14,
        "signs_of_childhood": True,
        "answers": [{"indicator": key, "answer": "yes", "note": ""} for key in STRONG],
    }
    body.update(overrides)
    return body


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    return error


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def _catalogue_exists(language: str) -> bool:
    return (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists()


def _nothing_saved() -> None:
    assert not Screening.objects.across_workspaces().exists()
    assert not Answer.objects.exists()
    assert not Identification.objects.across_workspaces().exists()
    assert not Alert.objects.across_workspaces().exists()


def _submit(user: User, organisation: Organisation, answers: list[str]) -> Screening:
    """A screening submitted through the service, as a page or the API would."""
    return services.screening_submit(
        actor=user,
        organisation=organisation,
        workspace=real_workspace(),
        idempotency_key=uuid.uuid4(),
        data=services.ScreeningInput(
            catalogue_version=1,
            region=organisation.region,
            screened_at=timezone.now(),
            exploitation_form=ExploitationForm.LABOUR,
            age_min=12,
            age_max=14,
            signs_of_childhood=True,
            answers={key: ("yes", "") for key in answers},
        ),
    )


@pytest.fixture
def pavlodar(catalogue: Catalogue) -> dict[str, Any]:
    """A school teacher in Pavlodar and the bodies a screening there alerts."""
    school = _organisation("school")
    guardianship = _organisation("guardianship")
    police = _organisation("police")
    return {
        "school": school,
        "teacher": user_with_role("front_line", school),
        "guardianship": guardianship,
        "officer": user_with_role("guardianship_officer", guardianship),
        "police": police,
        "investigator": user_with_role("investigator", police),
    }


# --- the description ----------------------------------------------------------------------
def test_the_openapi_document_describes_the_screening_endpoints(client: Client) -> None:
    document = json.loads(client.get("/api/openapi.json").content)

    paths = document["paths"]
    assert {
        "/api/screening/catalogue",
        "/api/screening/catalogue/{version}",
        "/api/screening/screenings",
        "/api/screening/screenings/{screening_id}",
        "/api/screening/alerts",
        "/api/screening/alerts/{alert_id}/read",
        "/api/screening/identifications/{identification_id}",
        "/api/screening/identifications/{identification_id}/decisions",
    } <= set(paths)
    assert set(paths["/api/screening/screenings"]) == {"get", "post"}
    assert "post" in paths["/api/screening/identifications/{identification_id}/decisions"]
    assert {"ScreeningIn", "ScreeningOut", "DecisionIn"} <= set(document["components"]["schemas"])


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (schemas.AnswerValue, Answer.Value.values),
        (schemas.ExploitationFormValue, ExploitationForm.values),
        (schemas.SexValue, Sex.values),
        (schemas.DecisionStatusValue, VictimStatusDecision.Status.values),
    ],
)
def test_the_schemas_allow_exactly_the_models_choices(literal: Any, choices: list[str]) -> None:
    assert sorted(get_args(literal)) == sorted(choices)


def test_every_endpoint_needs_credentials(client: Client, catalogue: Catalogue) -> None:
    for path in ("/catalogue", "/screenings", "/alerts", "/screenings/1"):
        _assert_error(client.get(f"/api/screening{path}"), 401, "unauthenticated")
    _assert_error(_post(client, "/screenings", _body()), 401, "unauthenticated")
    _nothing_saved()


# --- the catalogue ------------------------------------------------------------------------
def test_the_current_catalogue_is_given_in_the_callers_language(catalogue: Catalogue) -> None:
    response = _api(user_with_role("trainer"), "ru").get("/api/screening/catalogue")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == catalogue.version
    assert len(body["indicators"]) == Indicator.objects.filter(catalogue=catalogue).count()
    first = body["indicators"][0]
    assert first["label"] == first["label_ru"]
    assert first["question"] == first["question_ru"]
    assert first["label_kk"] and first["label_en"] and first["question_kk"]
    assert {"key", "list", "dimension", "strength", "provisional", "confidence"} <= set(first)
    assert any(i["provisional"] for i in body["indicators"])  # the sexual-exploitation lists
    lists = {item["key"]: item for item in body["lists"]}
    assert set(lists) == {
        "child_labour",
        "child_sexual",
        "adult_labour",
        "adult_sexual",
        "unodc_child",
    }
    assert lists["child_labour"]["label"] == lists["child_labour"]["label_ru"]
    assert [d["key"] for d in body["dimensions"]][:4] == [
        "deceptive_recruitment",
        "coercive_recruitment",
        "vulnerability_recruitment",
        "exploitation",
    ]


def test_the_catalogue_is_read_in_a_bounded_number_of_queries(
    catalogue: Catalogue, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    api = _api(user_with_role("trainer"))
    api.get("/api/screening/catalogue")  # the first use stamps the token

    with django_assert_max_num_queries(3):
        assert api.get("/api/screening/catalogue").status_code == 200


def test_a_catalogue_version_is_read_by_number_and_an_unknown_one_is_404(
    catalogue: Catalogue,
) -> None:
    api = _api(user_with_role("front_line"))

    assert api.get(f"/api/screening/catalogue/{catalogue.version}").json()["version"] == 1
    _assert_error(api.get("/api/screening/catalogue/99"), 404, "not_found")
    error = _assert_error(api.get("/api/screening/catalogue/first"), 422, "invalid")
    assert list(error["fields"]) == ["version"]


# --- screening: draft, submit, replay -----------------------------------------------------
def test_a_draft_is_saved_then_submitted_and_the_result_explains_itself(
    pavlodar: dict[str, Any],
) -> None:
    api = _api(pavlodar["teacher"])
    key = str(uuid.uuid4())

    draft = _post(api, "/screenings", _body(idempotency_key=key, answers=[]))

    assert draft.status_code == 201, draft.content
    saved = draft.json()
    assert saved["status"] == "draft"
    assert saved["outcome"] is None
    assert saved["identification_id"] is None
    assert saved["region"] == PAVLODAR  # the organisation's, when none is given
    assert saved["catalogue_version"] == 1
    assert not Identification.objects.across_workspaces().exists()

    submitted = _post(api, "/screenings", _body(idempotency_key=key, submit=True))

    assert submitted.status_code == 200, submitted.content
    result = submitted.json()
    assert result["id"] == saved["id"]
    assert result["status"] == "submitted"
    assert result["outcome"] == "strong_indication"
    assert result["outcome_label"] == "Strong indication"
    assert result["is_child"] is True
    assert {d["key"] for d in result["positive_dimensions"]} == {
        "deceptive_recruitment",
        "exploitation",
    }
    assert {d["key"] for d in result["drivers"]} == set(STRONG)
    labels = dict(Indicator.objects.filter(key__in=STRONG).values_list("key", "label_en"))
    assert all(d["label"] == labels[d["key"]] for d in result["drivers"])
    steps = {step["key"]: step for step in result["steps"]}
    guardianship = steps["notify_guardianship"]
    assert guardianship["notify"] == "guardianship"
    assert guardianship["within_hours"] == 24
    assert guardianship["legal_basis"].startswith("Law No. 110-VIII")
    assert guardianship["action"].startswith("Notify the guardianship authority")
    submitted_at = datetime.fromisoformat(result["submitted_at"])
    assert datetime.fromisoformat(guardianship["due_at"]) == submitted_at + timedelta(hours=24)
    identification = Identification.objects.in_workspace(real_workspace()).get()
    assert result["identification_id"] == identification.pk
    assert Screening.objects.across_workspaces().count() == 1


def test_submitting_the_same_key_again_returns_the_first_result_and_creates_nothing(
    pavlodar: dict[str, Any],
) -> None:
    api = _api(pavlodar["teacher"])
    body = _body(submit=True)
    first = _post(api, "/screenings", body)
    assert first.status_code == 201, first.content
    counts = (
        Screening.objects.across_workspaces().count(),
        Answer.objects.count(),
        Identification.objects.across_workspaces().count(),
        Alert.objects.across_workspaces().count(),
        AuditEvent.objects.count(),
    )

    again = _post(api, "/screenings", body)
    changed = _post(api, "/screenings", {**body, "answers": [], "child_name": "Someone else"})

    assert again.status_code == 200
    assert again.json() == first.json()
    assert changed.status_code == 200
    assert changed.json() == first.json()
    assert counts == (
        Screening.objects.across_workspaces().count(),
        Answer.objects.count(),
        Identification.objects.across_workspaces().count(),
        Alert.objects.across_workspaces().count(),
        AuditEvent.objects.count(),
    )


def test_saving_a_draft_again_updates_the_same_draft(pavlodar: dict[str, Any]) -> None:
    api = _api(pavlodar["teacher"])
    key = str(uuid.uuid4())
    _post(api, "/screenings", _body(idempotency_key=key))

    again = _post(
        api,
        "/screenings",
        _body(idempotency_key=key, answers=[{"indicator": CONCERN[0], "answer": "unknown"}]),
    )

    assert again.status_code == 200
    assert [(a["indicator"], a["answer"]) for a in again.json()["answers"]] == [
        (CONCERN[0], "unknown")
    ]
    assert Screening.objects.across_workspaces().count() == 1
    assert Answer.objects.count() == 1


def test_someone_else_reusing_a_key_is_refused(pavlodar: dict[str, Any]) -> None:
    body = _body()
    _post(_api(pavlodar["teacher"]), "/screenings", body)
    colleague = user_with_role("front_line", pavlodar["school"])

    _assert_error(_post(_api(colleague), "/screenings", body), 403, "forbidden")


def test_a_token_call_acts_in_the_real_workspace(pavlodar: dict[str, Any]) -> None:
    response = _post(_api(pavlodar["teacher"]), "/screenings", _body())

    screening = Screening.objects.across_workspaces().get(pk=response.json()["id"])
    assert screening.workspace.kind == Workspace.Kind.REAL


def test_a_session_in_a_training_workspace_screens_there_and_not_in_the_real_one(
    pavlodar: dict[str, Any], settings: Any
) -> None:
    settings.QORGAU_REQUIRE_2FA = False
    teacher = pavlodar["teacher"]
    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise 1")
    WorkspaceMember.objects.create(workspace=training, user=teacher)
    session = Client(headers={"accept-language": "en"})
    session.force_login(teacher, backend=MODEL_BACKEND)
    stored = session.session
    stored[SESSION_KEY] = training.pk
    stored.save()

    response = _post(session, "/screenings", _body(submit=True))

    assert response.status_code == 201, response.content
    assert Screening.objects.in_workspace(training).count() == 1
    assert not Screening.objects.in_workspace(real_workspace()).exists()
    assert _api(teacher).get("/api/screening/screenings").json()["count"] == 0
    assert session.get("/api/screening/screenings").json()["count"] == 1


# --- bad input ----------------------------------------------------------------------------
def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


BAD_SCREENINGS: dict[str, tuple[dict[str, Any], str]] = {
    "adult-birth-date-ticked-child": (
        {"birth_date": "1990-05-01", "age_min": None, "age_max": None, "declared_child": True},
        "declared_child",
    ),
    "future-birth-date": (
        {"birth_date": _in_days(30), "age_min": None, "age_max": None},
        "birth_date",
    ),
    "future-screening": (
        {"screened_at": (timezone.now() + timedelta(days=2)).isoformat()},
        "screened_at",
    ),
    "unknown-catalogue-version": ({"catalogue_version": 99}, "catalogue_version"),
    "indicator-not-in-the-version": (
        {"answers": [{"indicator": "child_labour.made_up", "answer": "yes"}]},
        "answers",
    ),
    "bad-answer": ({"answers": [{"indicator": CONCERN[0], "answer": "maybe"}]}, "answers.0.answer"),
    "bad-form": ({"exploitation_form": "trafficking"}, "exploitation_form"),
    "bad-sex": ({"sex": "x"}, "sex"),
    "bad-uuid": ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
    "missing-uuid": ({"idempotency_key": None}, "idempotency_key"),
    "bad-date": ({"birth_date": "31.12.2015", "age_min": None, "age_max": None}, "birth_date"),
    "ages-upside-down": ({"age_min": 15, "age_max": 9}, "age_max"),
    "impossible-age": ({"age_min": -1}, "age_min"),
    "age-not-a-number": ({"age_min": "twelve"}, "age_min"),
    "bad-citizenship": ({"citizenship": "K1"}, "citizenship"),
    "unknown-region": ({"region": "KZ-XX"}, "region"),
    "abolished-region": ({"region": "KZ-19-2001"}, "region"),
    "answered-twice": (
        {"answers": [{"indicator": CONCERN[0], "answer": "yes"}] * 2},
        "answers.1.indicator",
    ),
    "note-too-long": (
        {"answers": [{"indicator": CONCERN[0], "answer": "yes", "note": "x" * 501}]},
        "answers.0.note",
    ),
    "not-my-organisation": ({"organisation_id": 999_999}, "organisation_id"),
}


@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submit"])
@pytest.mark.parametrize(
    ("changes", "field"), BAD_SCREENINGS.values(), ids=list(BAD_SCREENINGS.keys())
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(
    pavlodar: dict[str, Any], changes: dict[str, Any], field: str, submit: bool
) -> None:
    body = {k: v for k, v in _body(submit=submit, **changes).items() if v is not None}

    response = _post(_api(pavlodar["teacher"]), "/screenings", body)

    error = _assert_error(response, 422, "invalid")
    assert field in error["fields"], error
    assert all(isinstance(m, str) and m.strip() for m in error["fields"][field])
    _nothing_saved()


def test_bad_input_leaves_an_existing_draft_as_it_was(pavlodar: dict[str, Any]) -> None:
    api = _api(pavlodar["teacher"])
    key = str(uuid.uuid4())
    _post(api, "/screenings", _body(idempotency_key=key))

    response = _post(
        api,
        "/screenings",
        _body(
            idempotency_key=key,
            submit=True,
            child_name="Changed",
            answers=[{"indicator": "child_labour.made_up", "answer": "yes"}],
        ),
    )

    _assert_error(response, 422, "invalid")
    draft = Screening.objects.across_workspaces().get()
    assert draft.status == Screening.Status.DRAFT
    assert draft.child_name == "Aruzhan"
    assert Answer.objects.filter(screening=draft).count() == len(STRONG)
    assert not Identification.objects.across_workspaces().exists()


def test_a_body_that_is_not_json_is_refused_without_a_500(pavlodar: dict[str, Any]) -> None:
    response = _api(pavlodar["teacher"]).post(
        "/api/screening/screenings", "{answers: ", content_type="application/json"
    )

    _assert_error(response, 400, "invalid")
    _nothing_saved()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_contradictions_are_explained_in_the_callers_language(
    pavlodar: dict[str, Any], language: str
) -> None:
    english = "The date of birth makes this person an adult, but they are marked as a child."

    response = _post(
        _api(pavlodar["teacher"], language),
        "/screenings",
        {
            k: v
            for k, v in _body(birth_date="1990-05-01", declared_child=True).items()
            if k not in ("age_min", "age_max")
        },
    )

    error = _assert_error(response, 422, "invalid")
    assert error["message"] == _in(language, "Some fields need correcting.")
    assert error["fields"] == {"declared_child": [_in(language, english)]}
    if _catalogue_exists(language):
        assert error["message"] != "Some fields need correcting."
    if _in(language, english) != english:  # the translators have reached this message
        assert error["fields"]["declared_child"] != [english]


def test_a_naive_time_is_read_as_local_time(pavlodar: dict[str, Any]) -> None:
    response = _post(
        _api(pavlodar["teacher"]), "/screenings", _body(screened_at="2025-03-01T10:30:00")
    )

    assert response.status_code == 201, response.content
    screened_at = datetime.fromisoformat(response.json()["screened_at"])
    assert timezone.localtime(screened_at).replace(tzinfo=None) == datetime(2025, 3, 1, 10, 30)


# --- who may screen, and for whom ---------------------------------------------------------
def test_someone_who_screens_for_two_organisations_chooses_one(pavlodar: dict[str, Any]) -> None:
    teacher = pavlodar["teacher"]
    college = _organisation("vocational_school")
    MembershipFactory(user=teacher, organisation=college, role="front_line")
    api = _api(teacher)

    unchosen = _post(api, "/screenings", _body())
    chosen = _post(api, "/screenings", _body(organisation_id=college.pk))

    assert list(_assert_error(unchosen, 422, "invalid")["fields"]) == ["organisation_id"]
    assert chosen.status_code == 201
    assert chosen.json()["organisation_id"] == college.pk


@pytest.mark.parametrize("role", ["trainer", "auditor", "prosecutor", "org_admin"])
def test_someone_who_may_not_screen_is_refused(catalogue: Catalogue, role: str) -> None:
    response = _post(_api(user_with_role(role)), "/screenings", _body())

    _assert_error(response, 403, "forbidden")
    _nothing_saved()


# --- reading screenings -------------------------------------------------------------------
def test_a_screening_is_read_by_its_organisation_and_is_404_to_another(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    colleague = user_with_role("front_line", pavlodar["school"])
    outsider = user_with_role("front_line", _organisation("school", ELSEWHERE))
    path = f"/api/screening/screenings/{screening.pk}"

    mine = _api(colleague).get(path)

    assert mine.status_code == 200
    assert mine.json()["child_name"] == ""
    assert len(mine.json()["answers"]) == len(STRONG)
    _assert_error(_api(outsider).get(path), 404, "not_found")
    _assert_error(_api(outsider).get("/api/screening/screenings/999999"), 404, "not_found")
    assert _api(outsider).get("/api/screening/screenings").json() == {"items": [], "count": 0}


def test_a_draft_is_the_screeners_own(pavlodar: dict[str, Any]) -> None:
    created = _post(_api(pavlodar["teacher"]), "/screenings", _body())
    colleague = user_with_role("supervisor", pavlodar["school"])

    response = _api(colleague).get(f"/api/screening/screenings/{created.json()['id']}")

    _assert_error(response, 404, "not_found")


def test_an_alerted_body_reading_the_screening_is_audited(pavlodar: dict[str, Any]) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)

    response = _api(pavlodar["officer"]).get(f"/api/screening/screenings/{screening.pk}")

    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="screening.read", target_id=str(screening.pk), actor=pavlodar["officer"]
    ).exists()


# --- alerts and identification ------------------------------------------------------------
def test_the_alerted_guardianship_officer_sees_the_alert_and_the_identification(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    officer = _api(pavlodar["officer"])

    inbox = officer.get("/api/screening/alerts")

    assert inbox.status_code == 200
    (alert,) = [a for a in inbox.json()["items"] if a["step"] == "notify_guardianship"]
    assert alert["organisation_id"] == pavlodar["guardianship"].pk
    assert alert["screening_id"] == screening.pk
    assert alert["read_at"] is None
    assert alert["legal_basis"].startswith("Law No. 110-VIII")

    identification = officer.get(f"/api/screening/identifications/{alert['identification_id']}")

    assert identification.status_code == 200, identification.content
    body = identification.json()
    assert body["screening_id"] == screening.pk
    assert body["outcome"] == "strong_indication"
    assert body["decisions"] == []
    assert body["current_status"] is None
    assert body["may_decide_for"] == []

    read = _post(officer, f"/alerts/{alert['id']}/read", {})

    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert (
        Alert.objects.in_workspace(real_workspace()).get(pk=alert["id"]).read_by
        == (pavlodar["officer"])
    )


def test_an_alert_for_another_body_is_404_and_stays_unread(pavlodar: dict[str, Any]) -> None:
    _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    alert = Alert.objects.in_workspace(real_workspace()).filter(
        organisation=pavlodar["guardianship"]
    )[0]

    response = _post(_api(pavlodar["teacher"]), f"/alerts/{alert.pk}/read", {})

    _assert_error(response, 404, "not_found")
    alert.refresh_from_db()
    assert alert.read_at is None


def test_the_inbox_is_refused_to_someone_without_an_identity_role(catalogue: Catalogue) -> None:
    _assert_error(_api(user_with_role("trainer")).get("/api/screening/alerts"), 403, "forbidden")


def _decision(**overrides: Any) -> dict[str, Any]:
    return {
        "status": "presumed",
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": "Law No. 110-VIII, Art. 16",
        "reasons": "Recruited by deception; works 14 hours a day.",
        **overrides,
    }


def test_a_police_investigator_in_the_region_decides_and_a_later_decision_supersedes(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    identification = Identification.objects.in_workspace(real_workspace()).get(screening=screening)
    investigator = _api(pavlodar["investigator"])
    path = f"/identifications/{identification.pk}/decisions"

    first = _post(investigator, path, _decision())
    second = _post(
        investigator,
        path,
        _decision(status="identified", organisation_id=pavlodar["police"].pk),
    )

    assert first.status_code == 201, first.content
    assert first.json()["status"] == "presumed"
    assert first.json()["organisation_id"] == pavlodar["police"].pk
    assert second.status_code == 201, second.content
    assert second.json()["supersedes_id"] == first.json()["id"]
    history = investigator.get(f"/api/screening/identifications/{identification.pk}").json()
    assert history["current_status"] == "identified"
    assert [(d["status"], d["superseded"]) for d in history["decisions"]] == [
        ("identified", False),
        ("presumed", True),
    ]
    assert history["may_decide_for"] == [
        {"id": pavlodar["police"].pk, "name": pavlodar["police"].name}
    ]


def test_the_school_teacher_may_see_the_identification_but_not_decide(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    identification = Identification.objects.in_workspace(real_workspace()).get(screening=screening)
    teacher = _api(pavlodar["teacher"])

    assert teacher.get(f"/api/screening/identifications/{identification.pk}").status_code == 200
    response = _post(teacher, f"/identifications/{identification.pk}/decisions", _decision())

    _assert_error(response, 403, "forbidden")
    assert not VictimStatusDecision.objects.across_workspaces().exists()


def test_police_in_another_region_know_nothing_of_the_identification(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    identification = Identification.objects.in_workspace(real_workspace()).get(screening=screening)
    elsewhere = _api(user_with_role("investigator", _organisation("police", ELSEWHERE)))

    _assert_error(
        elsewhere.get(f"/api/screening/identifications/{identification.pk}"), 404, "not_found"
    )
    _assert_error(
        _post(elsewhere, f"/identifications/{identification.pk}/decisions", _decision()),
        404,
        "not_found",
    )
    assert not VictimStatusDecision.objects.across_workspaces().exists()


BAD_DECISIONS: dict[str, tuple[dict[str, Any], str]] = {
    "unknown-status": ({"status": "victim"}, "status"),
    "future-date": ({"decided_on": _in_days(3)}, "decided_on"),
    "not-a-date": ({"decided_on": "yesterday"}, "decided_on"),
    "no-legal-basis": ({"legal_basis": "  "}, "legal_basis"),
    "no-reasons": ({"reasons": ""}, "reasons"),
    "legal-basis-too-long": ({"legal_basis": "x" * 301}, "legal_basis"),
    "unknown-organisation": ({"organisation_id": 999_999}, "organisation_id"),
}


@pytest.mark.parametrize(("changes", "field"), BAD_DECISIONS.values(), ids=BAD_DECISIONS.keys())
def test_a_bad_decision_is_422_naming_the_field(
    pavlodar: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    identification = Identification.objects.in_workspace(real_workspace()).get(screening=screening)

    response = _post(
        _api(pavlodar["investigator"]),
        f"/identifications/{identification.pk}/decisions",
        _decision(**changes),
    )

    error = _assert_error(response, 422, "invalid")
    assert field in error["fields"], error
    assert not VictimStatusDecision.objects.across_workspaces().exists()


def test_deciding_in_the_name_of_a_body_one_does_not_belong_to_is_403(
    pavlodar: dict[str, Any],
) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)
    identification = Identification.objects.in_workspace(real_workspace()).get(screening=screening)
    other_police = _organisation("police")

    response = _post(
        _api(pavlodar["investigator"]),
        f"/identifications/{identification.pk}/decisions",
        _decision(organisation_id=other_police.pk),
    )

    _assert_error(response, 403, "forbidden")
    assert not VictimStatusDecision.objects.across_workspaces().exists()


# --- query counts -------------------------------------------------------------------------
def _count_queries(api: Client, path: str, expected_items: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        body = api.get(path).json()
    assert body["count"] == expected_items
    assert len(body["items"]) == expected_items
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("path", "reader"),
    [("/api/screening/screenings", "teacher"), ("/api/screening/alerts", "officer")],
)
def test_the_lists_run_the_same_number_of_queries_for_3_and_for_20_rows(
    pavlodar: dict[str, Any],
    django_assert_num_queries: Callable[..., Any],
    path: str,
    reader: str,
) -> None:
    for _ in range(3):
        _submit(pavlodar["teacher"], pavlodar["school"], CONCERN)
    api = _api(pavlodar[reader])
    api.get(path)  # the first use stamps the token; later uses within a minute do not
    few = _count_queries(api, path, 3)

    for _ in range(17):
        _submit(pavlodar["teacher"], pavlodar["school"], CONCERN)
    with django_assert_num_queries(few):
        body = api.get(path).json()

    assert body["count"] == 20
    assert len(body["items"]) == 20


def test_the_lists_are_paginated(pavlodar: dict[str, Any]) -> None:
    for _ in range(3):
        _submit(pavlodar["teacher"], pavlodar["school"], CONCERN)

    page = _api(pavlodar["teacher"]).get("/api/screening/screenings?limit=2&offset=2").json()

    assert page["count"] == 3
    assert len(page["items"]) == 1
    assert page["items"][0]["outcome"] == "concern"
    assert page["items"][0]["identification_id"] is not None


def test_the_inbox_puts_unread_alerts_first(pavlodar: dict[str, Any]) -> None:
    _submit(pavlodar["teacher"], pavlodar["school"], CONCERN)
    _submit(pavlodar["teacher"], pavlodar["school"], CONCERN)
    officer = _api(pavlodar["officer"])
    first = officer.get("/api/screening/alerts").json()["items"][0]
    _post(officer, f"/alerts/{first['id']}/read", {})

    items = officer.get("/api/screening/alerts").json()["items"]

    assert [item["read_at"] is None for item in items] == [True, False]
    assert items[1]["id"] == first["id"]


def test_dates_in_the_past_are_accepted(pavlodar: dict[str, Any]) -> None:
    response = _post(
        _api(pavlodar["teacher"]),
        "/screenings",
        {
            k: v
            for k, v in _body(birth_date=date(2013, 2, 1).isoformat(), declared_child=True).items()
            if k not in ("age_min", "age_max")
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == "2013-02-01"


def test_a_result_is_read_in_the_callers_language(pavlodar: dict[str, Any]) -> None:
    screening = _submit(pavlodar["teacher"], pavlodar["school"], STRONG)

    body = _api(pavlodar["teacher"], "ru").get(f"/api/screening/screenings/{screening.pk}").json()

    rules = services.pathway_rules_load_packaged().document["steps"]
    russian = {step["key"]: step["action"]["ru"] for step in rules}
    assert body["steps"]
    assert all(step["action"] == russian[step["key"]] for step in body["steps"])
    labels = dict(Indicator.objects.filter(key__in=STRONG).values_list("key", "label_ru"))
    assert all(d["label"] == labels[d["key"]] for d in body["drivers"])
    assert body["positive_dimensions"][0]["label"] in {
        "Вербовка путем обмана",
        "Эксплуатация",
    }


def test_submitting_runs_as_many_queries_for_one_answer_as_for_the_whole_list(
    pavlodar: dict[str, Any], django_assert_num_queries: Callable[..., Any]
) -> None:
    api = _api(pavlodar["teacher"])
    # The first call stamps the token and the first screening makes the real workspace.
    assert _post(api, "/screenings", _body(submit=True, answers=[])).status_code == 201
    others = list(
        Indicator.objects.filter(list="child_labour")
        .exclude(key=CONCERN[0])
        .values_list("key", flat=True)
    )
    assert len(others) > 30
    one = [{"indicator": CONCERN[0], "answer": "yes"}]
    every = one + [{"indicator": key, "answer": "no"} for key in others]
    with CaptureQueriesContext(connection) as few:
        assert _post(api, "/screenings", _body(submit=True, answers=one)).status_code == 201

    with django_assert_num_queries(len(few.captured_queries)):
        response = _post(api, "/screenings", _body(submit=True, answers=every))

    assert response.status_code == 201
    assert response.json()["outcome"] == "concern"
    assert len(response.json()["answers"]) == len(every)
