"""Workspaces: training never touches real data.

The scoping is proved on a stand-in model, a test-only subclass of ``WorkspaceScopedModel``
whose table exists only while these tests run: every model about a child will inherit the
same manager, so what holds here holds for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from qorgau.accounts.models import User
from qorgau.accounts.tests.factories import UserFactory, user_with_role
from qorgau.core.middleware import WorkspaceMiddleware
from qorgau.core.models import UnscopedQueryError, Workspace, WorkspaceMember, WorkspaceScopedModel
from qorgau.core.workspaces import SESSION_KEY, real_workspace


def _define_stand_in() -> type[WorkspaceScopedModel]:
    class StandInRecord(WorkspaceScopedModel):
        label = models.CharField(max_length=50)

        class Meta:
            app_label = "core"

    return StandInRecord


@pytest.fixture(scope="module")
def stand_in_model() -> Iterator[type[WorkspaceScopedModel]]:
    """Register the stand-in for this module only, so no other test (and no migration check)
    ever sees a ``core`` model that has no migration."""
    model = _define_stand_in()
    yield model
    del apps.all_models["core"][model._meta.model_name]
    apps.clear_cache()


@pytest.fixture
def StandIn(stand_in_model: type[WorkspaceScopedModel], transactional_db: None) -> Iterator[Any]:
    # SQLite's schema editor cannot run inside an atomic block, hence the transactional test.
    with connection.schema_editor() as editor:
        editor.create_model(stand_in_model)
    yield stand_in_model
    with connection.schema_editor() as editor:
        editor.delete_model(stand_in_model)


@pytest.fixture
def rows(StandIn: Any) -> dict[str, Workspace]:
    real = real_workspace()
    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise A")
    other_training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise B")
    for label in ("real-1", "real-2"):
        StandIn.objects.create(workspace=real, label=label)
    StandIn.objects.create(workspace=training, label="training-1")
    StandIn.objects.create(workspace=other_training, label="other-1")
    return {"real": real, "training": training, "other_training": other_training}


def _labels(qs: Any) -> list[str]:
    return sorted(qs.values_list("label", flat=True))


# --- the scoped manager -------------------------------------------------------------------
UNSCOPED_READS: dict[str, Callable[[Any], object]] = {
    "list": lambda m: list(m.objects.all()),
    "len": lambda m: len(m.objects.all()),
    "bool": lambda m: bool(m.objects.all()),
    "count": lambda m: m.objects.count(),
    "exists": lambda m: m.objects.exists(),
    "aggregate": lambda m: m.objects.aggregate(n=Count("id")),
    "iterator": lambda m: list(m.objects.iterator()),
    "get": lambda m: m.objects.get(label="real-1"),
    "first": lambda m: m.objects.first(),
    "index": lambda m: m.objects.order_by("pk")[0],
    "values_list": lambda m: list(m.objects.values_list("label", flat=True)),
    "in_bulk": lambda m: m.objects.in_bulk(),
    "filtered-by-hand": lambda m: list(m.objects.filter(workspace__kind="real")),
}


@pytest.mark.parametrize("read", UNSCOPED_READS.values(), ids=UNSCOPED_READS.keys())
def test_reading_without_naming_a_workspace_is_refused(
    StandIn: Any,
    rows: dict[str, Workspace],
    read: Callable[[Any], object],
) -> None:
    with pytest.raises(UnscopedQueryError, match="StandInRecord rows must be read through"):
        read(StandIn)


def test_a_workspace_reads_only_its_own_rows(
    StandIn: Any,
    rows: dict[str, Workspace],
) -> None:
    real, training = rows["real"], rows["training"]

    assert _labels(StandIn.objects.in_workspace(real)) == ["real-1", "real-2"]
    assert _labels(StandIn.objects.in_workspace(training)) == ["training-1"]
    assert _labels(StandIn.objects.in_workspace(rows["other_training"])) == ["other-1"]


def test_a_training_workspace_cannot_reach_a_real_row_even_by_exact_lookup(
    StandIn: Any,
    rows: dict[str, Workspace],
) -> None:
    real_row = StandIn.objects.in_workspace(rows["real"]).get(label="real-1")
    in_training = StandIn.objects.in_workspace(rows["training"])

    with pytest.raises(StandIn.DoesNotExist):
        in_training.get(pk=real_row.pk)
    assert not in_training.filter(label__startswith="real").exists()
    assert not StandIn.objects.in_workspace(rows["real"]).filter(label="training-1").exists()


def test_every_kind_of_read_works_once_scoped(
    StandIn: Any,
    rows: dict[str, Workspace],
) -> None:
    scoped = StandIn.objects.in_workspace(rows["real"])

    assert scoped.count() == 2
    assert scoped.exists()
    assert scoped.aggregate(n=Count("id"), last=Max("label")) == {"n": 2, "last": "real-2"}
    assert sorted(r.label for r in scoped.iterator()) == ["real-1", "real-2"]
    assert scoped.get(label="real-2").workspace_id == rows["real"].pk
    # Narrowing a scoped query keeps it scoped.
    assert [r.label for r in scoped.filter(label__endswith="2").order_by("label")] == ["real-2"]
    assert scoped.order_by("-label").first().label == "real-2"


def test_real_reads_only_the_real_workspace(
    StandIn: Any,
    rows: dict[str, Workspace],
) -> None:
    assert _labels(StandIn.objects.real()) == ["real-1", "real-2"]
    assert StandIn.objects.real().count() == 2


def test_across_workspaces_reads_everything_deliberately(
    StandIn: Any,
    rows: dict[str, Workspace],
) -> None:
    assert _labels(StandIn.objects.across_workspaces()) == [
        "other-1",
        "real-1",
        "real-2",
        "training-1",
    ]
    assert StandIn.objects.across_workspaces().count() == 4


# --- the request's workspace --------------------------------------------------------------
def _workspace_of(user: Any, session_workspace: int | None = None) -> tuple[Workspace, Any]:
    """Run a request through WorkspaceMiddleware; return its workspace and its session."""
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user
    if session_workspace is not None:
        request.session[SESSION_KEY] = session_workspace
    seen: dict[str, Workspace] = {}

    def view(req: HttpRequest) -> HttpResponse:
        seen["workspace"] = req.workspace  # type: ignore[attr-defined]
        seen["workspace"].pk  # noqa: B018 - evaluate the lazy workspace inside the request
        return HttpResponse()

    WorkspaceMiddleware(view)(request)
    return seen["workspace"], request.session


@pytest.fixture
def training(db: None) -> Workspace:
    return Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise A")


@pytest.mark.django_db
def test_the_request_workspace_is_the_real_one_by_default() -> None:
    workspace, _session = _workspace_of(user_with_role("front_line"))

    assert workspace.pk == real_workspace().pk
    assert workspace.kind == Workspace.Kind.REAL
    assert Workspace.objects.filter(kind=Workspace.Kind.REAL).count() == 1


@pytest.mark.django_db
def test_a_member_works_in_the_training_workspace_kept_in_the_session(
    training: Workspace,
) -> None:
    member = user_with_role("front_line")
    WorkspaceMember.objects.create(workspace=training, user=member)

    workspace, session = _workspace_of(member, training.pk)

    assert workspace.pk == training.pk
    assert session[SESSION_KEY] == training.pk


@pytest.mark.django_db
def test_a_trainer_may_work_in_any_open_training_workspace(training: Workspace) -> None:
    workspace, _session = _workspace_of(user_with_role("trainer"), training.pk)

    assert workspace.pk == training.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        lambda: user_with_role("front_line"),  # holds a role, but not in this training group
        lambda: UserFactory(),  # no role anywhere
        lambda: AnonymousUser(),
    ],
    ids=["non-member", "no-role", "anonymous"],
)
def test_anyone_else_falls_back_to_real_and_the_session_forgets_the_training_workspace(
    training: Workspace, who: Callable[[], Any]
) -> None:
    workspace, session = _workspace_of(who(), training.pk)

    assert workspace.pk == real_workspace().pk
    assert SESSION_KEY not in session


@pytest.mark.django_db
def test_a_closed_training_workspace_is_left_at_once(training: Workspace) -> None:
    member = user_with_role("front_line")
    WorkspaceMember.objects.create(workspace=training, user=member)
    training.is_active = False
    training.save()

    workspace, session = _workspace_of(member, training.pk)

    assert workspace.pk == real_workspace().pk
    assert SESSION_KEY not in session


@pytest.mark.django_db
def test_a_session_pointing_at_the_real_or_a_missing_workspace_falls_back_to_real() -> None:
    real = real_workspace()
    member = user_with_role("trainer")

    for bogus in (real.pk, real.pk + 999):
        workspace, session = _workspace_of(member, bogus)
        assert workspace.pk == real.pk
        assert SESSION_KEY not in session


@pytest.mark.django_db
def test_the_middleware_is_installed_for_pages(training: Workspace) -> None:
    trainer: User = user_with_role("trainer")
    outsider: User = user_with_role("expert")  # a training role too: may enter any workspace
    stranger: User = user_with_role("regional_coordinator")  # not a member, no training role
    WorkspaceMember.objects.create(workspace=training, user=trainer)

    def home_as(user: User) -> tuple[str, Any]:
        page = Client(headers={"accept-language": "en"})
        page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = page.session
        session[SESSION_KEY] = training.pk
        session.save()
        response = page.get("/")
        assert response.status_code == 200
        return response.content.decode(), page.session

    banner = "Training workspace: every child here is synthetic."
    for allowed in (trainer, outsider):
        content, session = home_as(allowed)
        assert banner in content
        assert session[SESSION_KEY] == training.pk
    content, session = home_as(stranger)
    assert banner not in content
    assert SESSION_KEY not in session


# --- one real workspace -------------------------------------------------------------------
@pytest.mark.django_db
def test_there_is_only_ever_one_real_workspace() -> None:
    real = real_workspace()

    assert real_workspace().pk == real.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(kind=Workspace.Kind.REAL, name="A second real workspace")
    # Training workspaces are as many as the exercises need.
    Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise A")
    Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise B")
    assert Workspace.objects.filter(kind=Workspace.Kind.REAL).count() == 1
