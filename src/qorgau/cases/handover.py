"""Moving responsibility for a case to another organisation: the cases side of a transfer.

Called by ``referrals.transfers.transfer_accept`` once the receiving organisation accepts; the
case's organisation, region and case manager change here, with the case's version, so every
other write of the case sees the move.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.audit.services import record
from qorgau.cases.models import Case, Child, TeamMember
from qorgau.cases.services import _notify_guardianship


@transaction.atomic
def case_hand_over(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    manager: User,
    keep_previous_on_team: bool,
    transfer_id: int,
) -> Case:
    """The receiving organisation takes the case (and the child's record) over."""
    if not can(actor, "case.open", organisation):
        raise PermissionDenied(_("You may not take cases over for this organisation."))
    if not can(manager, "case.edit", Case(organisation=organisation)):
        raise ValidationError({"manager": _("The case manager must work on cases here.")})
    current = (
        Case.objects.in_workspace(case.workspace)
        .select_for_update()
        .select_related("organisation", "region", "child")
        .get(pk=case.pk)
    )
    if current.organisation_id == organisation.pk:
        raise ValidationError(_("This organisation runs the case already."))
    previous = current.organisation
    previous_region_id = current.region_id
    Case.objects.in_workspace(case.workspace).filter(pk=case.pk).update(
        organisation=organisation,
        region=organisation.region,
        manager=manager,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    Child.objects.in_workspace(case.workspace).filter(
        pk=current.child_id, organisation=previous
    ).update(organisation=organisation, version=F("version") + 1, updated_at=timezone.now())
    if keep_previous_on_team:
        TeamMember.objects.in_workspace(case.workspace).update_or_create(
            case=current,
            organisation=previous,
            defaults={
                "workspace": case.workspace,
                "status": TeamMember.Status.ACCEPTED,
                "invited_by": actor,
                "role_note": _("Handed the case over"),
                "responded_by": actor,
                "responded_at": timezone.now(),
            },
        )
    current.refresh_from_db()
    if current.region_id != previous_region_id:
        _notify_guardianship(case=current)
    record(
        actor=actor,
        action="case.hand_over",
        target=current,
        organisation=organisation,
        details={
            "transfer": transfer_id,
            "from_organisation": previous.pk,
            "to_organisation": organisation.pk,
            "from_region": previous_region_id,
            "to_region": current.region_id,
            "manager": manager.pk,
            "previous_keeps_access": keep_previous_on_team,
        },
    )
    return current
