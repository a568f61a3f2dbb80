"""The rules behind every write of the identification module.

A teacher at a school in Pavlodar Region screens children; the bodies of Pavlodar (and, to
show that alerts stay in the screening's region, the same bodies in Almaty) are told what to
do and by when; police and social protection decide victim status.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import Membership, Organisation, User
from qorgau.accounts.permissions import forget_grants
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import MembershipFactory, OrganisationFactory, user_with_role
from qorgau.audit.models import AuditEvent
from qorgau.core.models import Workspace
from qorgau.core.tests.races import miss_once
from qorgau.core.workspaces import real_workspace
from qorgau.screening import scoring, services
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
from qorgau.screening.selectors import (
    access_screening,
    decisions_of,
    inbox,
    screenings_visible_to,
)
from qorgau.screening.services import (
    alert_mark_read,
    catalogue_load_packaged,
    catalogue_publish,
    pathway_rules_publish,
    screening_save_draft,
    screening_submit,
    victim_status_decide,
)
from qorgau.screening.tasks import send_alert_emails
from qorgau.screening.tests.factories import (
    SMALL_CATALOGUE,
    catalogue_document,
    indicator_item,
    large_catalogue_items,
    no,
    screening_input,
    yes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]

CHILD_NAME = "Aigerim Nurlanqyzy"
# Recruitment and exploitation both positive: a child presumed a victim.
RECRUITED_AND_EXPLOITED = yes("deceived_job", "deceived_wages", "long_hours", "no_pay")


def _submit(
    actor: User,
    organisation: Organisation,
    *,
    key: uuid.UUID | None = None,
    workspace: Workspace | None = None,
    **fields: Any,
) -> Screening:
    fields.setdefault("region", organisation.region)
    return screening_submit(
        actor=actor,
        organisation=organisation,
        workspace=workspace or real_workspace(),
        idempotency_key=key or uuid.uuid4(),
        data=screening_input(**fields),
    )


def _draft(actor: User, organisation: Organisation, *, key: uuid.UUID, **fields: Any) -> Screening:
    fields.setdefault("region", organisation.region)
    return screening_save_draft(
        actor=actor,
        organisation=organisation,
        workspace=real_workspace(),
        idempotency_key=key,
        data=screening_input(**fields),
    )


def _events(action: str, target: Any = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=action)
    if target is not None:
        events = events.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return list(events)


def _rows() -> dict[str, int]:
    return {
        "screenings": Screening.objects.across_workspaces().count(),
        "answers": Answer.objects.count(),
        "identifications": Identification.objects.across_workspaces().count(),
        "alerts": Alert.objects.across_workspaces().count(),
        "decisions": VictimStatusDecision.objects.across_workspaces().count(),
        "events": AuditEvent.objects.count(),
    }


def _alerts(screening: Screening) -> list[Alert]:
    return list(
        Alert.objects.in_workspace(screening.workspace)
        .filter(identification__screening=screening)
        .select_related("organisation__type", "organisation__region")
    )


def _alerted(screening: Screening) -> set[tuple[str, str, str]]:
    """(step, organisation type, region) of every alert the screening raised."""
    return {
        (a.step["key"], a.organisation.type.key, a.organisation.region.key)
        for a in _alerts(screening)
    }


# --- the catalogue ------------------------------------------------------------------------
def test_loading_the_packaged_catalogue_twice_publishes_it_once():
    first = catalogue_load_packaged()
    again = catalogue_load_packaged()

    assert again.pk == first.pk
    assert Catalogue.objects.count() == 1
    assert first.indicators.count() == len(read_packaged_catalogue()["indicators"])
    assert len(_events("catalogue.publish")) == 1
    assert first.label("lists", "child_labour") == "Children: labour exploitation"


def test_a_system_admin_publishes_a_catalogue_and_it_is_audited(system_admin):
    catalogue = catalogue_publish(actor=system_admin, document=catalogue_document(version=3))

    assert catalogue.version == 3
    assert catalogue.published_by == system_admin
    assert catalogue.published_on == date(2026, 1, 15)
    assert list(catalogue.indicators.values_list("key", flat=True)) == [
        item["key"] for item in SMALL_CATALOGUE
    ]
    no_parents = catalogue.indicators.get(key="no_parents")
    assert (no_parents.list, no_parents.dimension, no_parents.strength) == (
        "unodc_child",
        "child_signs",
        "sign",
    )
    assert no_parents.question_ru == "Question about no_parents? (ru)"
    [event] = _events("catalogue.publish", catalogue)
    assert event.actor == system_admin
    assert event.details == {"version": 3, "indicators": len(SMALL_CATALOGUE)}


@pytest.mark.parametrize("version", [1, 2], ids=["same", "older"])
def test_it_refuses_a_catalogue_that_is_not_newer(system_admin, version):
    catalogue_publish(actor=system_admin, document=catalogue_document(version=2))
    before = _rows()

    with pytest.raises(ValidationError) as refused:
        catalogue_publish(actor=system_admin, document=catalogue_document(version=version))

    assert set(refused.value.message_dict) == {"document"}
    assert Catalogue.objects.count() == 1
    assert _rows() == before


@pytest.mark.parametrize(
    "document",
    [
        {"version": 2},
        catalogue_document(version=2, items=[indicator_item("a", strength="huge")]),
        catalogue_document(version=2, items=[indicator_item("a"), indicator_item("a")]),
    ],
    ids=["no-indicators", "bad-strength", "duplicate-key"],
)
def test_it_refuses_a_malformed_catalogue_on_the_document_field(system_admin, document):
    with pytest.raises(ValidationError) as refused:
        catalogue_publish(actor=system_admin, document=document)

    assert set(refused.value.message_dict) == {"document"}
    assert Catalogue.objects.count() == 0
    assert Indicator.objects.count() == 0
    assert _events("catalogue.publish") == []


@pytest.mark.parametrize(
    "role", [Role.ORG_ADMIN, Role.NATIONAL_COORDINATOR, Role.SUPERVISOR, Role.AUDITOR]
)
def test_only_a_system_admin_publishes_a_catalogue(role):
    with pytest.raises(PermissionDenied):
        catalogue_publish(actor=user_with_role(role), document=catalogue_document(version=2))

    assert Catalogue.objects.count() == 0


def test_an_old_screening_keeps_its_catalogue_version_after_a_correction(
    catalogue, teacher, pavlodar, system_admin, workspace
):
    old = _submit(teacher, pavlodar["school"], answers=RECRUITED_AND_EXPLOITED)
    # Version 2 weakens the deception items, relabels one and drops the sign.
    corrected = []
    for item in SMALL_CATALOGUE:
        if item["key"] == "no_parents":
            continue
        item = dict(item)
        if item["key"] in ("deceived_job", "deceived_wages"):
            item["strength"] = "weak"
        if item["key"] == "long_hours":
            item["label"] = {**item["label"], "en": "Works more than 12 hours a day"}
        corrected.append(item)
    catalogue_publish(actor=system_admin, document=catalogue_document(version=2, items=corrected))

    new = _submit(teacher, pavlodar["school"], catalogue_version=2, answers=RECRUITED_AND_EXPLOITED)

    # the old screening still shows its own version's questions ...
    shown = access_screening(user=teacher, workspace=workspace, pk=old.pk, action="screening.view")
    assert shown.catalogue.version == 1
    assert {a.indicator.catalogue.version for a in shown.answers.all()} == {1}
    labels = {a.indicator.key: a.indicator.label for a in shown.answers.all()}
    assert labels["long_hours"] == "Label of long_hours"
    # ... and scores the same with them
    rescored = scoring.score(
        (
            scoring.Present(
                a.indicator.key, a.indicator.dimension, scoring.Strength(a.indicator.strength)
            )
            for a in shown.answers.all()
            if a.value == "yes"
        ),
        is_child=True,
    )
    assert rescored.outcome.key == shown.outcome == "strong_indication"
    # while the same answers on version 2 score with version 2's strengths
    assert new.catalogue.version == 2
    assert {a.indicator.catalogue.version for a in new.answers.all()} == {2}
    assert new.outcome == "concern"
    assert {a.indicator.label for a in new.answers.all() if a.indicator.key == "long_hours"} == {
        "Works more than 12 hours a day"
    }


def test_a_draft_on_the_old_version_is_submitted_on_it(catalogue, teacher, pavlodar, system_admin):
    key = uuid.uuid4()
    _draft(teacher, pavlodar["school"], key=key, answers=yes("no_parents"))
    catalogue_publish(
        actor=system_admin,
        document=catalogue_document(
            version=2, items=[i for i in SMALL_CATALOGUE if i["key"] != "no_parents"]
        ),
    )

    screening = _submit(teacher, pavlodar["school"], key=key, answers=yes("no_parents"))

    assert screening.catalogue.version == 1
    assert screening.outcome == "concern"


# --- pathway rules ------------------------------------------------------------------------
def _rules_with_guardianship_within(hours: int) -> dict[str, Any]:
    document = PathwayRules.objects.get(version=1).document
    steps = [
        {**step, "within_hours": hours} if step["key"] == "notify_guardianship" else step
        for step in document["steps"]
    ]
    return {"steps": steps}


def test_publishing_pathway_rules_makes_a_new_version_and_keeps_the_old(
    rules, catalogue, teacher, pavlodar, system_admin
):
    before = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))

    published = pathway_rules_publish(
        actor=system_admin, document=_rules_with_guardianship_within(12), notes="Faster"
    )
    after = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))

    assert published.version == rules.version + 1 == 2
    assert list(PathwayRules.objects.order_by("version").values_list("version", flat=True)) == [
        1,
        2,
    ]
    old_step = next(
        s
        for s in PathwayRules.objects.get(version=1).document["steps"]
        if s["key"] == "notify_guardianship"
    )
    assert old_step["within_hours"] == 24
    [event] = _events("pathway.publish", published)
    assert event.actor == system_admin
    assert event.details == {"version": 2}
    # each screening keeps the rules and deadlines it was submitted under
    assert before.pathway_rules == rules
    assert after.pathway_rules == published

    def guardianship_deadline(screening: Screening) -> timedelta:
        [alert] = [a for a in _alerts(screening) if a.step["key"] == "notify_guardianship"]
        return alert.due_at - screening.submitted_at

    assert guardianship_deadline(before) == timedelta(hours=24)
    assert guardianship_deadline(after) == timedelta(hours=12)


def test_it_refuses_pathway_rules_that_do_not_validate(system_admin):
    document = _rules_with_guardianship_within(0)

    with pytest.raises(ValidationError) as refused:
        pathway_rules_publish(actor=system_admin, document=document)

    assert set(refused.value.message_dict) == {"document"}
    assert PathwayRules.objects.count() == 1


def test_it_refuses_pathway_rules_naming_a_body_that_does_not_exist(system_admin):
    document = _rules_with_guardianship_within(24)
    document["steps"][0] = {**document["steps"][0], "notify": "ministry_of_magic"}

    with pytest.raises(ValidationError):
        pathway_rules_publish(actor=system_admin, document=document)

    assert PathwayRules.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.ORG_ADMIN, Role.GUARDIANSHIP_OFFICER, Role.NATIONAL_COORDINATOR]
)
def test_only_a_system_admin_publishes_pathway_rules(role):
    with pytest.raises(PermissionDenied):
        pathway_rules_publish(
            actor=user_with_role(role), document=_rules_with_guardianship_within(1)
        )

    assert PathwayRules.objects.count() == 1


# --- submitting a screening ---------------------------------------------------------------
def test_a_concern_about_a_child_opens_an_identification_and_alerts_the_bodies_of_the_region(
    catalogue, teacher, pavlodar, almaty
):
    screening = _submit(
        teacher,
        pavlodar["school"],
        child_name=CHILD_NAME,
        answers={**yes("no_pay"), **no("threats")},
    )

    assert screening.status == Screening.Status.SUBMITTED
    assert screening.is_child is True
    assert screening.outcome == "concern"
    assert screening.drivers == ["no_pay"]
    assert screening.positive_dimensions == []
    assert [s["key"] for s in screening.steps] == ["notify_guardianship", "assess_risk"]
    assert screening.submitted_at is not None
    identification = Identification.objects.in_workspace(screening.workspace).get(
        screening=screening
    )
    assert identification.region == pavlodar.region
    assert identification.organisation == pavlodar["school"]
    assert identification.status == Identification.Status.OPEN
    assert _alerted(screening) == {
        ("notify_guardianship", "guardianship", "KZ-55"),
        ("assess_risk", "social_protection", "KZ-55"),
    }
    # the same bodies in Almaty, and the bodies the pathway does not name, are not told
    alerted_organisations = {a.organisation for a in _alerts(screening)}
    assert alerted_organisations == {pavlodar["guardianship"], pavlodar["social_protection"]}
    assert not Alert.objects.real().filter(organisation__in=almaty.organisations.values()).exists()


def test_each_alert_is_due_its_steps_hours_after_submission(catalogue, teacher, pavlodar):
    screening = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))

    due = {a.step["key"]: a.due_at - screening.submitted_at for a in _alerts(screening)}

    assert due == {"notify_guardianship": timedelta(hours=24), "assess_risk": timedelta(hours=72)}


def test_a_screening_in_another_region_alerts_that_regions_bodies(
    catalogue, teacher, pavlodar, almaty
):
    # A Pavlodar teacher on a school trip screens a child in Almaty.
    screening = _submit(teacher, pavlodar["school"], region=almaty.region, answers=yes("no_pay"))

    assert {a.organisation for a in _alerts(screening)} == {
        almaty["guardianship"],
        almaty["social_protection"],
    }


def test_a_strong_indication_for_an_unaccompanied_foreign_child_alerts_every_body_it_names(
    catalogue, teacher, pavlodar, almaty
):
    screening = _submit(
        teacher,
        pavlodar["school"],
        answers=RECRUITED_AND_EXPLOITED,
        unaccompanied=True,
        citizenship="uz",
        exploitation_form="sexual",
    )

    assert screening.outcome == "strong_indication"
    assert screening.citizenship == "UZ"
    assert set(screening.drivers) == {"deceived_job", "deceived_wages", "long_hours", "no_pay"}
    assert screening.positive_dimensions == ["deceptive_recruitment", "exploitation"]
    assert _alerted(screening) == {
        ("notify_guardianship", "guardianship", "KZ-55"),
        ("identify_police", "police", "KZ-55"),
        ("refer_social_services", "social_protection", "KZ-55"),
        ("shelter_crisis_centre", "crisis_centre", "KZ-55"),
        ("appoint_guardian", "guardianship", "KZ-55"),
        ("foreign_child_no_return", "police", "KZ-55"),
        ("medical_psychological_help", "health", "KZ-55"),
    }
    assert pavlodar["school"] not in {a.organisation for a in _alerts(screening)}


def test_it_scores_with_the_packaged_catalogue(teacher, pavlodar):
    catalogue = catalogue_load_packaged()
    items = read_packaged_catalogue()["indicators"]

    def keys(dimension: str, strength: str, n: int) -> list[str]:
        found = [
            i["key"]
            for i in items
            if i["list"] == "child_sexual"
            and i["dimension"] == dimension
            and i["strength"] == strength
        ]
        return found[:n]

    answered = keys("deceptive_recruitment", "strong", 1) + keys(
        "deceptive_recruitment", "medium", 1
    )
    answered += keys("exploitation", "strong", 1) + keys("exploitation", "medium", 1)
    assert len(answered) == 4

    screening = _submit(
        teacher,
        pavlodar["school"],
        catalogue_version=catalogue.version,
        exploitation_form="sexual",
        answers=yes(*answered),
    )

    assert screening.outcome == "strong_indication"
    assert set(screening.drivers) == set(answered)


def test_an_inactive_organisation_is_not_alerted(catalogue, teacher, pavlodar):
    Organisation.objects.filter(pk=pavlodar["guardianship"].pk).update(is_active=False)
    second = OrganisationFactory(
        name="District guardianship", type=pavlodar["guardianship"].type, region=pavlodar.region
    )

    screening = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))

    guardianship_alerts = {
        a.organisation for a in _alerts(screening) if a.step["notify"] == "guardianship"
    }
    assert guardianship_alerts == {second}


def test_no_indication_opens_nothing(catalogue, teacher, pavlodar):
    screening = _submit(teacher, pavlodar["school"], answers=no("no_pay", "threats", "no_parents"))

    assert screening.outcome == "no_indication"
    assert screening.drivers == []
    assert screening.steps == []
    assert not Identification.objects.real().exists()
    assert not Alert.objects.real().exists()
    assert len(_events("screening.submit", screening)) == 1
    assert _events("identification.open") == []


def test_immediate_danger_opens_an_identification_even_without_an_indication(
    catalogue, teacher, pavlodar
):
    screening = _submit(teacher, pavlodar["school"], immediate_danger=True, answers=no("no_pay"))

    assert screening.outcome == "no_indication"
    assert [(a.step["key"], a.organisation) for a in _alerts(screening)] == [
        ("call_police_now", pavlodar["police"])
    ]
    [alert] = _alerts(screening)
    assert alert.due_at - screening.submitted_at == timedelta(hours=1)


def test_an_adult_with_one_medium_indicator_is_not_a_concern(catalogue, teacher, pavlodar):
    screening = _submit(teacher, pavlodar["school"], age_min=25, age_max=30, answers=yes("no_pay"))

    assert screening.is_child is False
    assert screening.outcome == "no_indication"


def test_uncertain_age_and_signs_of_childhood_make_a_child(catalogue, teacher, pavlodar):
    screening = _submit(
        teacher,
        pavlodar["school"],
        age_min=19,
        age_max=23,
        signs_of_childhood=True,
        answers=yes("no_pay"),
    )

    assert screening.is_child is True
    assert screening.outcome == "concern"


@pytest.mark.parametrize(("born", "child"), [(date(2000, 3, 10), False), (date(2000, 3, 11), True)])
def test_age_is_reckoned_on_the_local_day_of_the_screening(
    settings, catalogue, teacher, pavlodar, born, child
):
    settings.TIME_ZONE = "Asia/Almaty"
    # 20:00 UTC on 9 March is already 10 March in Kazakhstan: the 18th birthday of a person
    # born on 10 March 2000.
    screened_at = datetime(2018, 3, 9, 20, 0, tzinfo=UTC)

    screening = _submit(
        teacher,
        pavlodar["school"],
        screened_at=screened_at,
        birth_date=born,
        age_min=None,
        age_max=None,
        declared_child=child,
        answers=yes("no_pay"),
    )

    assert screening.is_child is child


def test_it_writes_an_audit_trail_that_names_no_child(catalogue, teacher, pavlodar):
    screening = _submit(
        teacher, pavlodar["school"], child_name=CHILD_NAME, answers=RECRUITED_AND_EXPLOITED
    )

    [submitted] = _events("screening.submit", screening)
    assert submitted.actor == teacher
    assert submitted.organisation == pavlodar["school"]
    assert submitted.details["outcome"] == "strong_indication"
    assert submitted.details["steps"] == [s["key"] for s in screening.steps]
    identification = Identification.objects.real().get(screening=screening)
    [opened] = _events("identification.open", identification)
    assert opened.details["alerts"] == len(_alerts(screening))
    assert CHILD_NAME not in str([e.details for e in AuditEvent.objects.all()])


# --- idempotency and drafts ---------------------------------------------------------------
def test_submitting_the_same_key_twice_makes_one_screening(catalogue, teacher, pavlodar):
    key = uuid.uuid4()
    first = _submit(teacher, pavlodar["school"], key=key, answers=RECRUITED_AND_EXPLOITED)
    after_first = _rows()

    again = _submit(teacher, pavlodar["school"], key=key, answers=no("no_pay"))

    assert again.pk == first.pk
    assert again.outcome == "strong_indication"  # the first result stands
    assert _rows() == after_first
    assert len(_events("screening.submit")) == 1
    assert Identification.objects.real().count() == 1


def test_a_racing_double_submit_makes_one_screening(catalogue, teacher, pavlodar, monkeypatch):
    key = uuid.uuid4()
    first = _submit(teacher, pavlodar["school"], key=key, answers=RECRUITED_AND_EXPLOITED)
    after_first = _rows()
    lookups = miss_once(monkeypatch, services, "_screening_with_key")

    again = _submit(teacher, pavlodar["school"], key=key, answers=no("no_pay"))

    assert again.pk == first.pk and len(lookups) == 2  # the save failed, the retry found it
    assert again.outcome == "strong_indication"  # the first result stands
    assert _rows() == after_first
    assert len(_events("screening.submit")) == 1
    assert Identification.objects.real().count() == 1


def test_a_racing_draft_save_updates_the_draft_saved_first(
    catalogue, teacher, pavlodar, monkeypatch
):
    key = uuid.uuid4()
    draft = _draft(teacher, pavlodar["school"], key=key, place="Market", answers=no("no_pay"))
    miss_once(monkeypatch, services, "_screening_with_key")

    again = _draft(teacher, pavlodar["school"], key=key, place="Bazaar", answers=no("threats"))

    assert again.pk == draft.pk
    assert Screening.objects.real().count() == 1
    draft.refresh_from_db()
    assert draft.place == "Bazaar"


def test_a_draft_saved_then_submitted_is_one_screening(catalogue, teacher, pavlodar):
    key = uuid.uuid4()
    draft = _draft(teacher, pavlodar["school"], key=key, place="Market", answers=no("no_pay"))
    assert draft.status == Screening.Status.DRAFT
    assert draft.outcome == ""
    assert not Identification.objects.real().exists()
    again = _draft(teacher, pavlodar["school"], key=key, place="Bazaar", answers=no("threats"))
    assert again.pk == draft.pk

    submitted = _submit(teacher, pavlodar["school"], key=key, place="Bazaar", answers=yes("no_pay"))

    assert submitted.pk == draft.pk
    assert Screening.objects.real().count() == 1
    submitted.refresh_from_db()
    assert submitted.status == Screening.Status.SUBMITTED
    assert submitted.place == "Bazaar"
    assert list(submitted.answers.values_list("indicator__key", "value")) == [("no_pay", "yes")]
    assert len(_events("screening.save_draft", draft)) == 2
    assert len(_events("screening.submit", draft)) == 1


def test_saving_a_draft_of_a_submitted_screening_changes_nothing(catalogue, teacher, pavlodar):
    key = uuid.uuid4()
    _submit(teacher, pavlodar["school"], key=key, place="Bazaar", answers=yes("no_pay"))
    before = _rows()

    kept = _draft(teacher, pavlodar["school"], key=key, place="Elsewhere", answers=no("no_pay"))

    kept.refresh_from_db()
    assert kept.status == Screening.Status.SUBMITTED
    assert kept.place == "Bazaar"
    assert _rows() == before


def test_a_key_used_by_someone_else_is_refused(catalogue, teacher, pavlodar):
    key = uuid.uuid4()
    _draft(teacher, pavlodar["school"], key=key, child_name=CHILD_NAME)
    colleague = user_with_role(Role.FRONT_LINE, pavlodar["school"])
    before = _rows()

    with pytest.raises(PermissionDenied):
        _submit(colleague, pavlodar["school"], key=key, child_name="Someone else")
    with pytest.raises(PermissionDenied):
        _draft(colleague, pavlodar["school"], key=key)

    assert _rows() == before
    assert Screening.objects.real().get(idempotency_key=key).child_name == CHILD_NAME


def test_a_key_used_in_another_workspace_is_refused(catalogue, teacher, pavlodar, training):
    key = uuid.uuid4()
    _submit(teacher, pavlodar["school"], key=key, workspace=training)

    with pytest.raises(PermissionDenied):
        _submit(teacher, pavlodar["school"], key=key)

    assert not Screening.objects.real().exists()


@pytest.mark.parametrize(
    "role", [Role.PROSECUTOR, Role.ORG_ADMIN, Role.AUDITOR, Role.REGIONAL_COORDINATOR]
)
def test_a_role_that_does_not_screen_is_refused(catalogue, pavlodar, role):
    person = user_with_role(role, pavlodar["school"])

    with pytest.raises(PermissionDenied):
        _submit(person, pavlodar["school"], answers=yes("no_pay"))

    assert _rows()["screenings"] == 0


def test_nobody_screens_in_the_name_of_an_organisation_they_do_not_belong_to(
    catalogue, teacher, pavlodar
):
    with pytest.raises(PermissionDenied):
        _submit(teacher, pavlodar["police"], answers=yes("no_pay"))

    assert _rows()["screenings"] == 0


# --- bad input ----------------------------------------------------------------------------
def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


BAD_INPUT: dict[str, tuple[dict[str, Any], str]] = {
    "future screening": ({"screened_at": timezone.now() + timedelta(days=1)}, "screened_at"),
    "future birth date": (
        {"birth_date": timezone.localdate() + timedelta(days=3), "age_min": None, "age_max": None},
        "birth_date",
    ),
    "adult birth date marked child": (
        {"birth_date": _years_ago(30), "declared_child": True, "age_min": None, "age_max": None},
        "declared_child",
    ),
    "child birth date marked adult": (
        {"birth_date": _years_ago(10), "declared_child": False, "age_min": None, "age_max": None},
        "declared_child",
    ),
    "birth date and estimate": ({"birth_date": _years_ago(14), "age_min": 13}, "age_min"),
    "estimate upside down": ({"age_min": 16, "age_max": 12}, "age_max"),
    "age above 120": ({"age_min": 121, "age_max": 130}, "age_min"),
    "negative age": ({"age_min": None, "age_max": -1}, "age_max"),
    "unknown catalogue version": ({"catalogue_version": 99}, "catalogue_version"),
    "answer not in the version": (
        {"answers": {**yes("no_pay"), **yes("adult_labour.invented")}},
        "answers",
    ),
    "answer neither yes nor no": ({"answers": {"no_pay": ("maybe", "")}}, "answers"),
    "answer in another language": ({"answers": {"no_pay": ("да", "")}}, "answers"),
    "three-letter country": ({"citizenship": "KAZ"}, "citizenship"),
    "country with a digit": ({"citizenship": "K1"}, "citizenship"),
    "country in Cyrillic letters": ({"citizenship": "КZ"}, "citizenship"),
    "unknown form of exploitation": ({"exploitation_form": "trafficking"}, "exploitation_form"),
    "unknown sex": ({"sex": "other"}, "sex"),
    "name too long": ({"child_name": "A" * 201}, "child_name"),
}


@pytest.mark.parametrize(("fields", "field"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    catalogue, teacher, pavlodar, fields, field
):
    fields = {"answers": yes("no_pay"), **fields}
    before = _rows()

    with pytest.raises(ValidationError) as refused:
        _submit(teacher, pavlodar["school"], **fields)

    assert field in refused.value.message_dict
    assert all(message.strip() for message in refused.value.message_dict[field])
    assert _rows() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [BAD_INPUT["future screening"], BAD_INPUT["answer not in the version"]],
    ids=["future-screening", "answer-not-in-version"],
)
def test_a_draft_with_bad_input_is_refused_too(catalogue, teacher, pavlodar, fields, field):
    before = _rows()

    with pytest.raises(ValidationError) as refused:
        _draft(teacher, pavlodar["school"], key=uuid.uuid4(), **fields)

    assert field in refused.value.message_dict
    assert _rows() == before


def test_a_bad_resubmission_of_a_draft_leaves_the_draft_as_it_was(catalogue, teacher, pavlodar):
    key = uuid.uuid4()
    _draft(teacher, pavlodar["school"], key=key, place="Market", answers=yes("no_pay"))
    before = _rows()

    with pytest.raises(ValidationError):
        _submit(teacher, pavlodar["school"], key=key, place="Bazaar", answers={"no_pay": ("?", "")})

    draft = Screening.objects.real().get(idempotency_key=key)
    assert (draft.status, draft.place) == (Screening.Status.DRAFT, "Market")
    assert _rows() == before


def test_several_contradictions_are_reported_together(catalogue, teacher, pavlodar):
    with pytest.raises(ValidationError) as refused:
        _submit(
            teacher,
            pavlodar["school"],
            screened_at=timezone.now() + timedelta(days=2),
            citizenship="123",
            answers={"no_pay": ("maybe", "")},
        )

    assert {"screened_at", "citizenship", "answers"} <= set(refused.value.message_dict)


def test_good_edge_values_are_accepted(catalogue, teacher, pavlodar):
    # The control for the refusals: the limits themselves, and an unknown citizenship.
    screening = _submit(
        teacher,
        pavlodar["school"],
        age_min=0,
        age_max=120,
        citizenship="",
        child_name="A" * 200,
        answers={"no_pay": ("unknown", "not sure"), "threats": ("no", "")},
    )

    assert screening.status == Screening.Status.SUBMITTED
    assert screening.outcome == "no_indication"


# --- e-mail -------------------------------------------------------------------------------
@pytest.fixture
def people(pavlodar, almaty) -> dict[str, User]:
    """Who works where, with an e-mail address each (unless said otherwise)."""

    def person(role: str, organisation: Organisation, email: str, **kwargs: Any) -> User:
        return user_with_role(role, organisation, email=email, **kwargs)

    people = {
        "guardianship_officer": person(
            Role.GUARDIANSHIP_OFFICER, pavlodar["guardianship"], "officer@guardianship.kz"
        ),
        "guardianship_admin": person(
            Role.ORG_ADMIN, pavlodar["guardianship"], "admin@guardianship.kz"
        ),
        "guardianship_auditor": person(
            Role.AUDITOR, pavlodar["guardianship"], "audit@guardianship.kz"
        ),
        "guardianship_no_email": person(Role.SUPERVISOR, pavlodar["guardianship"], ""),
        "guardianship_left": person(
            Role.CASE_MANAGER, pavlodar["guardianship"], "left@guardianship.kz"
        ),
        "guardianship_deactivated": person(
            Role.CASE_MANAGER, pavlodar["guardianship"], "gone@guardianship.kz", is_active=False
        ),
        "social_case_manager": person(
            Role.CASE_MANAGER, pavlodar["social_protection"], "cm@social.kz"
        ),
        "police_investigator": person(Role.INVESTIGATOR, pavlodar["police"], "inv@police.kz"),
        "almaty_guardianship": person(
            Role.GUARDIANSHIP_OFFICER, almaty["guardianship"], "officer@almaty.kz"
        ),
        "almaty_social": person(Role.CASE_MANAGER, almaty["social_protection"], "cm@almaty.kz"),
    }
    Membership.objects.filter(user=people["guardianship_left"]).update(is_active=False)
    return people


def test_alert_emails_go_to_the_people_of_the_alerted_bodies_only(
    immediate_tasks, on_commit, mailoutbox, catalogue, teacher, pavlodar, people
):
    # an unaccompanied child: guardianship is alerted twice, and still e-mailed once
    on_commit(
        _submit,
        actor=teacher,
        organisation=pavlodar["school"],
        child_name=CHILD_NAME,
        unaccompanied=True,
        answers=yes("no_pay"),
    )

    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == ["cm@social.kz", "officer@guardianship.kz"]
    for message in mailoutbox:
        assert CHILD_NAME not in message.body
        assert CHILD_NAME not in message.subject
        assert "Aigerim" not in message.body
        assert reverse("screening:inbox") in message.body


def test_no_email_is_sent_for_a_screening_without_an_alert(
    immediate_tasks, on_commit, mailoutbox, catalogue, teacher, pavlodar, people
):
    on_commit(_submit, actor=teacher, organisation=pavlodar["school"], answers=no("no_pay"))

    assert mailoutbox == []


def test_no_email_is_sent_for_a_training_workspace(
    immediate_tasks,
    django_capture_on_commit_callbacks,
    mailoutbox,
    catalogue,
    teacher,
    pavlodar,
    people,
    training,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        screening = _submit(
            teacher, pavlodar["school"], workspace=training, answers=RECRUITED_AND_EXPLOITED
        )

    assert _alerts(screening)  # the exercise has its alerts, in its own workspace ...
    assert callbacks == []  # ... but no e-mail is even scheduled about a synthetic child
    assert mailoutbox == []
    # and the task itself, if ever asked, reads real alerts only
    identification = Identification.objects.in_workspace(training).get(screening=screening)
    assert send_alert_emails.call(identification_id=identification.pk) == 0
    assert mailoutbox == []


def test_the_email_is_sent_only_after_the_screening_is_committed(
    immediate_tasks,
    mailoutbox,
    catalogue,
    teacher,
    pavlodar,
    people,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(teacher, pavlodar["school"], answers=yes("no_pay"))

    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 2


# --- training workspaces ------------------------------------------------------------------
def test_a_training_screening_never_shows_in_the_real_workspace(
    catalogue, teacher, pavlodar, training, workspace
):
    officer = user_with_role(Role.GUARDIANSHIP_OFFICER, pavlodar["guardianship"])
    exercise = _submit(teacher, pavlodar["school"], workspace=training, answers=yes("no_pay"))
    draft = _draft(teacher, pavlodar["school"], key=uuid.uuid4())

    assert list(screenings_visible_to(user=teacher, workspace=workspace)) == [draft]
    assert list(inbox(user=officer, workspace=workspace)) == []
    assert not Alert.objects.real().exists()
    # ... while the exercise sees its own
    assert exercise in screenings_visible_to(user=teacher, workspace=training)
    assert [a.identification.screening_id for a in inbox(user=officer, workspace=training)] == [
        exercise.pk
    ]


# --- alerts -------------------------------------------------------------------------------
def test_reading_an_alert_is_recorded_once(catalogue, teacher, pavlodar):
    officer = user_with_role(Role.GUARDIANSHIP_OFFICER, pavlodar["guardianship"])
    screening = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))
    [alert] = [a for a in _alerts(screening) if a.organisation == pavlodar["guardianship"]]

    alert_mark_read(actor=officer, alert=alert)
    alert_mark_read(actor=officer, alert=alert)

    alert.refresh_from_db()
    assert alert.read_by == officer
    assert alert.read_at is not None
    assert len(_events("alert.read", alert)) == 1


def test_nobody_else_marks_an_organisations_alert_read(catalogue, teacher, pavlodar):
    screening = _submit(teacher, pavlodar["school"], answers=yes("no_pay"))
    [alert] = [a for a in _alerts(screening) if a.organisation == pavlodar["guardianship"]]
    social = user_with_role(Role.CASE_MANAGER, pavlodar["social_protection"])

    with pytest.raises(PermissionDenied):
        alert_mark_read(actor=social, alert=alert)

    alert.refresh_from_db()
    assert alert.read_at is None


# --- victim-status decisions --------------------------------------------------------------
@pytest.fixture
def identification(catalogue, teacher, pavlodar) -> Identification:
    screening = _submit(teacher, pavlodar["school"], answers=RECRUITED_AND_EXPLOITED)
    return Identification.objects.real().get(screening=screening)


def _decide(actor: User, identification: Identification, organisation: Organisation, **fields: Any):
    values: dict[str, Any] = {
        "status": VictimStatusDecision.Status.PRESUMED,
        "decided_on": timezone.localdate(),
        "legal_basis": "Law No. 110-VIII, Art. 16",
        "reasons": "Recruited by deception and made to work without pay.",
        **fields,
    }
    return victim_status_decide(
        actor=actor, identification=identification, organisation=organisation, **values
    )


@pytest.mark.parametrize(
    ("body", "role"),
    [
        ("police", Role.INVESTIGATOR),
        ("police", Role.SUPERVISOR),
        ("social_protection", Role.CASE_MANAGER),
        ("social_protection", Role.SUPERVISOR),
    ],
)
def test_an_authorized_body_of_the_region_decides(identification, pavlodar, body, role):
    decider = user_with_role(role, pavlodar[body])

    decision = _decide(decider, identification, pavlodar[body])

    assert decision.status == VictimStatusDecision.Status.PRESUMED
    assert decision.decided_by == decider
    assert decision.organisation == pavlodar[body]
    assert decision.workspace == identification.workspace
    assert decision.supersedes is None
    [event] = _events("identification.decide", decision)
    assert event.actor == decider
    assert event.organisation == pavlodar[body]
    assert event.details == {"status": "presumed", "supersedes": None}


@pytest.mark.parametrize(
    ("town", "body", "role"),
    [
        ("pavlodar", "police", Role.FRONT_LINE),
        ("pavlodar", "police", Role.PROSECUTOR),
        ("pavlodar", "social_protection", Role.FRONT_LINE),
        ("pavlodar", "social_protection", Role.ORG_ADMIN),
        ("pavlodar", "school", Role.SUPERVISOR),
        ("pavlodar", "guardianship", Role.GUARDIANSHIP_OFFICER),
        ("pavlodar", "guardianship", Role.SUPERVISOR),
        ("pavlodar", "crisis_centre", Role.CASE_MANAGER),
        ("almaty", "police", Role.INVESTIGATOR),
        ("almaty", "social_protection", Role.CASE_MANAGER),
    ],
)
def test_nobody_else_decides(identification, pavlodar, almaty, town, body, role):
    organisation = {"pavlodar": pavlodar, "almaty": almaty}[town][body]
    person = user_with_role(role, organisation)
    before = _rows()

    with pytest.raises(PermissionDenied):
        _decide(person, identification, organisation)

    assert _rows() == before


def test_a_decision_is_signed_only_for_a_body_of_the_identifications_region(
    identification, pavlodar, almaty
):
    # An investigator serving in both regions may decide on a Pavlodar child, but not sign
    # the decision in the name of the Almaty police.
    investigator = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    MembershipFactory(user=investigator, organisation=almaty["police"], role=Role.INVESTIGATOR)
    forget_grants(investigator)

    with pytest.raises(PermissionDenied):
        _decide(investigator, identification, almaty["police"])
    assert _rows()["decisions"] == 0

    decision = _decide(investigator, identification, pavlodar["police"])
    assert decision.organisation == pavlodar["police"]


def test_nobody_signs_for_a_body_they_do_not_belong_to(identification, pavlodar):
    social_case_manager = user_with_role(Role.CASE_MANAGER, pavlodar["social_protection"])

    with pytest.raises(PermissionDenied):
        _decide(social_case_manager, identification, pavlodar["police"])


def test_a_later_decision_supersedes_the_earlier_and_both_stay(identification, pavlodar):
    investigator = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    case_manager = user_with_role(Role.CASE_MANAGER, pavlodar["social_protection"])

    first = _decide(investigator, identification, pavlodar["police"])
    second = _decide(
        case_manager,
        identification,
        pavlodar["social_protection"],
        status=VictimStatusDecision.Status.IDENTIFIED,
        legal_basis="Law No. 110-VIII, Art. 16(2)",
    )
    third = _decide(
        investigator,
        identification,
        pavlodar["police"],
        status=VictimStatusDecision.Status.NOT_VICTIM,
        reasons="The child's account was confirmed to be about someone else.",
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.supersedes == first
    assert first.superseded_by == second
    assert third.supersedes == second
    assert second.superseded_by == third
    assert list(decisions_of(identification=identification)) == [third, second, first]
    assert _events("identification.decide", second)[0].details == {
        "status": "identified",
        "supersedes": first.pk,
    }
    # the history keeps every decision as it was made
    assert [d.status for d in decisions_of(identification=identification)] == [
        "not_victim",
        "identified",
        "presumed",
    ]


BAD_DECISIONS: dict[str, tuple[dict[str, Any], str]] = {
    "future date": ({"decided_on": timezone.localdate() + timedelta(days=1)}, "decided_on"),
    "empty legal basis": ({"legal_basis": ""}, "legal_basis"),
    "blank legal basis": ({"legal_basis": "   "}, "legal_basis"),
    "legal basis too long": ({"legal_basis": "Art. 16 " * 50}, "legal_basis"),
    "empty reasons": ({"reasons": ""}, "reasons"),
    "blank reasons": ({"reasons": "\n  "}, "reasons"),
    "unknown status": ({"status": "suspected"}, "status"),
}


@pytest.mark.parametrize(("fields", "field"), BAD_DECISIONS.values(), ids=BAD_DECISIONS.keys())
def test_a_bad_decision_is_refused_on_its_field(identification, pavlodar, fields, field):
    investigator = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    before = _rows()

    with pytest.raises(ValidationError) as refused:
        _decide(investigator, identification, pavlodar["police"], **fields)

    assert set(refused.value.message_dict) == {field}
    assert _rows() == before


def test_a_refused_decision_leaves_the_standing_one_in_force(identification, pavlodar):
    investigator = user_with_role(Role.INVESTIGATOR, pavlodar["police"])
    standing = _decide(investigator, identification, pavlodar["police"])

    with pytest.raises(ValidationError):
        _decide(investigator, identification, pavlodar["police"], reasons="")

    standing.refresh_from_db()
    assert not VictimStatusDecision.objects.real().filter(supersedes=standing).exists()


# --- queries ------------------------------------------------------------------------------
def _queries_to_submit(
    organisation: Organisation, *, catalogue_version: int, answers: dict[str, tuple[str, str]]
) -> int:
    # a fresh person each time, so nothing is cached from an earlier run
    person = user_with_role(Role.FRONT_LINE, organisation)
    person = User.objects.get(pk=person.pk)
    data = screening_input(
        region=organisation.region, catalogue_version=catalogue_version, answers=answers
    )
    workspace = real_workspace()
    key = uuid.uuid4()
    with CaptureQueriesContext(connection) as captured:
        screening = screening_submit(
            actor=person,
            organisation=organisation,
            workspace=workspace,
            idempotency_key=key,
            data=data,
        )
    assert screening.outcome == "concern"
    assert screening.answers.count() == len(answers)
    return len(captured)


def test_submitting_runs_the_same_queries_whatever_the_catalogues_size(pavlodar):
    small = catalogue_publish(actor=None, document=catalogue_document(version=1))
    large_items = large_catalogue_items(300)
    large = catalogue_publish(actor=None, document=catalogue_document(version=2, items=large_items))
    assert large.indicators.count() == 300
    keys = [item["key"] for item in large_items]

    def answers(count: int) -> dict[str, tuple[str, str]]:
        # one "yes" (a concern) and the rest "no"
        return {**yes(keys[0]), **no(*keys[1:count])}

    school = pavlodar["school"]
    small_four = _queries_to_submit(
        school,
        catalogue_version=small.version,
        answers={**yes("no_pay"), **no("threats", "abducted", "no_school")},
    )
    large_four = _queries_to_submit(school, catalogue_version=large.version, answers=answers(4))
    large_forty = _queries_to_submit(school, catalogue_version=large.version, answers=answers(40))
    large_all = _queries_to_submit(school, catalogue_version=large.version, answers=answers(300))

    assert small_four == large_four == large_forty
    # Answering all 300 may cost one more INSERT where SQLite caps the parameters of one
    # statement (999): still bounded, never one query per indicator or answer.
    assert large_four <= large_all <= large_four + 1
    # and the count itself is small: a few reads, one insert per kind of row, the audit trail
    assert large_forty <= 30
