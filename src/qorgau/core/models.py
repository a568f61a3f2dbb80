"""Shared model bases and the workspace that every record about a child belongs to.

A workspace is either the one real workspace or a training workspace in which an exercise is
played on the real screens with synthetic children. Models that hold anything about a child
inherit ``WorkspaceScopedModel``; their default manager refuses to read rows until the query
names a workspace, so an unscoped list, search, statistic or export fails loudly instead of
mixing training data into real data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Workspace(TimeStampedModel):
    class Kind(models.TextChoices):
        REAL = "real", _("Real")
        TRAINING = "training", _("Training")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="WorkspaceMember",
        related_name="training_workspaces",
        blank=True,
    )

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="real"),
                name="core_workspace_one_real",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_training(self) -> bool:
        return self.kind == self.Kind.TRAINING


class WorkspaceMember(models.Model):
    """Who may enter a training workspace (participants and the trainers who run it)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("workspace member")
        verbose_name_plural = _("workspace members")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="core_workspace_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.workspace_id}"


class UnscopedQueryError(RuntimeError):
    """A read of workspace-scoped rows that did not say which workspace it reads."""


class WorkspaceScopedQuerySet(models.QuerySet):
    """A queryset that reads nothing until ``in_workspace()`` (or an explicit escape) is called."""

    _workspace_scoped = False

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._workspace_scoped = self._workspace_scoped
        return clone

    def in_workspace(self, workspace: Workspace) -> WorkspaceScopedQuerySet:
        scoped = self.filter(workspace=workspace)
        scoped._workspace_scoped = True
        return scoped

    def real(self) -> WorkspaceScopedQuerySet:
        """The real workspace only: what statistics, exports and search read."""
        scoped = self.filter(workspace__kind=Workspace.Kind.REAL)
        scoped._workspace_scoped = True
        return scoped

    def across_workspaces(self) -> WorkspaceScopedQuerySet:
        """Deliberately unscoped, for maintenance such as erasure; never for pages or the API."""
        clone = self.all()
        clone._workspace_scoped = True
        return clone

    def _require_scope(self) -> None:
        if not self._workspace_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} rows must be read through in_workspace() or real()"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)


class WorkspaceScopedModel(TimeStampedModel):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.PROTECT, related_name="+", verbose_name=_("workspace")
    )

    objects = WorkspaceScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def validate(self, exclude: list[str] | None = None) -> None:
        """full_clean() without Django's uniqueness queries, which would read unscoped rows.

        Uniqueness is enforced by the database's constraints; services turn an IntegrityError
        into a field error where a user can cause one.
        """
        self.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


class ThrottleWindow(models.Model):
    """How many attempts one key (e.g. wrong personal codes from one address on one page) has
    used in the window that ends at ``ends_at``. Changed only by ``core/throttle.py``, in single
    UPDATE statements, so parallel requests never lose a count; expired rows are deleted by the
    daily job ``prune_throttle_windows``."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    ends_at = models.DateTimeField(_("window ends"), db_index=True)
    count = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("throttle window")
        verbose_name_plural = _("throttle windows")

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.ends_at:%Y-%m-%d %H:%M}"
