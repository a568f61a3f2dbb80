"""Writing programmes: the curricula events are run under."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.training.models import (
    Programme,
    ProgrammeTarget,
)
from qorgau.training.services.common import _may, _require


@dataclass(frozen=True)
class ProgrammeData:
    name: str
    implementer: Organisation
    starts_on: date
    ends_on: date | None = None
    goals: str = ""
    donors: Sequence[Organisation] = ()
    partners: Sequence[Organisation] = ()
    targets: Mapping[str, int] = field(default_factory=dict)


def _save_programme(programme: Programme, data: ProgrammeData) -> None:
    programme.name = data.name.strip()
    programme.implementer = data.implementer
    programme.starts_on = data.starts_on
    programme.ends_on = data.ends_on
    programme.goals = data.goals.strip()
    programme.full_clean()
    programme.save()
    programme.donors.set(data.donors)
    programme.partners.set(data.partners)
    targets = []
    for metric, value in data.targets.items():
        target = ProgrammeTarget(programme=programme, metric=metric, value=value)
        target.full_clean(exclude=["programme"], validate_unique=False)
        targets.append(target)
    programme.targets.exclude(metric__in=list(data.targets)).delete()
    for target in targets:
        ProgrammeTarget.objects.update_or_create(
            programme=programme, metric=target.metric, defaults={"value": target.value}
        )


@transaction.atomic
def programme_create(*, actor: User | None, data: ProgrammeData) -> Programme:
    _require(
        _may(actor, "training.programme.create", data.implementer),
        _("You may create programmes only for an organisation where you organise training."),
    )
    programme = Programme(created_by=actor)
    _save_programme(programme, data)
    record(
        actor=actor,
        action="training.programme.create",
        target=programme,
        organisation=programme.implementer,
        details={"name": programme.name, "targets": dict(data.targets)},
    )
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, data: ProgrammeData) -> Programme:
    _require(
        can(actor, "training.programme.manage", programme)
        and can(actor, "training.programme.create", data.implementer),
        _("You may not change this programme."),
    )
    _save_programme(programme, data)
    record(
        actor=actor,
        action="training.programme.update",
        target=programme,
        organisation=programme.implementer,
        details={"name": programme.name, "targets": dict(data.targets)},
    )
    return programme
