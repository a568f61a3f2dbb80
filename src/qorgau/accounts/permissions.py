"""The access policy: the one place that reads roles and memberships.

``can(user, action, obj=None)`` answers every access question, deny by default. Each rule is a
small function registered for one action; an action without a rule is denied. The
permission-grid tests (``*/tests/test_permissions.py``) are the written specification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from qorgau.accounts.models import ApiToken, Membership, Organisation, User
from qorgau.accounts.roles import Role
from qorgau.cases.duplicate_models import ChildMerge, DuplicatePair
from qorgau.cases.models import Case, CaseDocument, CaseNote, Child, Confidentiality, TeamMember
from qorgau.core.models import Workspace, WorkspaceMember
from qorgau.screening.models import Alert, Identification, Screening
from qorgau.training.models import Event as TrainingEvent
from qorgau.training.models import Programme as TrainingProgramme

# Roles whose work means seeing who a child is; every one of them must sign in with 2FA.
IDENTITY_ROLES = frozenset(
    {
        Role.FRONT_LINE,
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.INVESTIGATOR,
        Role.PROSECUTOR,
        Role.PROVIDER_STAFF,
        Role.GUARDIANSHIP_OFFICER,
    }
)
# Administrators and auditors hold the keys to identifying data, so they also need 2FA.
TWO_FACTOR_ROLES = IDENTITY_ROLES | {Role.ORG_ADMIN, Role.SYSTEM_ADMIN, Role.AUDITOR}
# Who screens children: everyone on the front line of an organisation.
SCREENING_ROLES = frozenset(
    {
        Role.FRONT_LINE,
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.INVESTIGATOR,
        Role.PROVIDER_STAFF,
        Role.GUARDIANSHIP_OFFICER,
    }
)
# Who decides victim status, by the type of their organisation (Law No. 110-VIII, Art. 16).
DECIDING_ROLES = {
    "police": frozenset({Role.INVESTIGATOR, Role.SUPERVISOR}),
    "social_protection": frozenset({Role.CASE_MANAGER, Role.SUPERVISOR}),
}
TRAINING_ROLES = frozenset({Role.TRAINER, Role.EXPERT, Role.TRAINING_ORGANISER})
STATISTICS_ROLES = frozenset(
    {Role.SUPERVISOR, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR, Role.SYSTEM_ADMIN}
)

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    role: str


def grants(user: AnyUser) -> frozenset[Grant]:
    """The user's active (organisation, role) pairs, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Grant] | None = getattr(user, "_qorgau_grants", None)
    if cached is None:
        rows = Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("organisation_id", "role")
        cached = frozenset(Grant(org_id, role) for org_id, role in rows)
        setattr(user, "_qorgau_grants", cached)  # noqa: B010 - a per-object cache
    return cached


def forget_grants(user: AnyUser) -> None:
    """Drop the cached grants after memberships change."""
    if hasattr(user, "_qorgau_grants"):
        delattr(user, "_qorgau_grants")


def roles_of(user: AnyUser, organisation: Organisation | None = None) -> frozenset[str]:
    return frozenset(
        g.role for g in grants(user) if organisation is None or g.organisation_id == organisation.pk
    )


def organisation_ids_of(user: AnyUser, role: str | None = None) -> frozenset[int]:
    return frozenset(g.organisation_id for g in grants(user) if role is None or g.role == role)


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_system_admin(user: AnyUser) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def requires_two_factor(user: AnyUser) -> bool:
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


# --- rules --------------------------------------------------------------------------------
Rule = Callable[[AnyUser, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in _RULES:
                raise ValueError(f"two rules for {action}")
            _RULES[action] = fn
        return fn

    return register


@rule("audit.view", "audit.verify")
def _audit(user: AnyUser, obj: Any) -> bool:
    # The trail names no child; auditors read it to check who did what, system admins to operate.
    return has_role(user, Role.AUDITOR, Role.SYSTEM_ADMIN)


@rule("organisation.view")
def _organisation_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Organisation):
        return False
    return obj.pk in organisation_ids_of(user) or is_system_admin(user)


@rule("organisation.manage_members")
def _organisation_manage(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Organisation):
        return False
    return obj.pk in organisation_ids_of(user, Role.ORG_ADMIN) or is_system_admin(user)


@rule("membership.manage")
def _membership_manage(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Membership):
        return False
    if is_system_admin(user):
        return True
    if obj.organisation_id not in organisation_ids_of(user, Role.ORG_ADMIN):
        return False
    # Only a system admin hands out or withdraws the system-admin role.
    return obj.role != Role.SYSTEM_ADMIN


@rule("user.manage")
def _user_manage(user: AnyUser, obj: Any) -> bool:
    """Edit a person's account (name, e-mail, deactivate): only if they belong to no one else."""
    if not isinstance(obj, User) or obj.pk == getattr(user, "pk", None):
        return False
    if is_system_admin(user):
        return True
    administered = organisation_ids_of(user, Role.ORG_ADMIN)
    theirs = set(
        Membership.objects.filter(user=obj, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    return bool(theirs) and theirs <= administered


@rule("child.view_identity")
def _child_identity(user: AnyUser, obj: Any) -> bool:
    # Role-level answer; case-level need-to-know rules join here with the case module.
    return bool(roles_of(user) & IDENTITY_ROLES)


@rule("statistics.view")
def _statistics(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & STATISTICS_ROLES)


@rule("training.manage")
def _training(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & TRAINING_ROLES)


@rule("reference.edit")
def _reference_edit(user: AnyUser, obj: Any) -> bool:
    return is_system_admin(user)


@rule("workspace.enter")
def _workspace_enter(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Workspace) or not obj.is_active or not grants(user):
        return False
    if obj.kind == Workspace.Kind.REAL:
        return True
    if roles_of(user) & TRAINING_ROLES:
        return True
    return WorkspaceMember.objects.filter(workspace=obj, user_id=user.pk or 0).exists()


@rule("api_token.manage")
def _api_token(user: AnyUser, obj: Any) -> bool:
    if obj is None:
        return user.is_authenticated and user.is_active
    return isinstance(obj, ApiToken) and obj.user_id == getattr(user, "pk", None)


# --- identification -----------------------------------------------------------------------
def _roles_in(user: AnyUser, organisation_id: int) -> frozenset[str]:
    return frozenset(g.role for g in grants(user) if g.organisation_id == organisation_id)


@rule("screening.create")
def _screening_create(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Organisation) and bool(_roles_in(user, obj.pk) & SCREENING_ROLES)


def _alerted(user: AnyUser, identification_filter: dict[str, Any]) -> bool:
    """Was one of the user's organisations (where they hold an identity role) alerted?"""
    org_ids = [g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES]
    return bool(org_ids) and (
        Alert.objects.across_workspaces()
        .filter(organisation_id__in=org_ids, **identification_filter)
        .exists()
    )


def _deciding_organisations(user: AnyUser) -> list[Organisation]:
    org_ids = {g.organisation_id for g in grants(user)}
    return [
        organisation
        for organisation in Organisation.objects.filter(pk__in=org_ids).select_related("type")
        if _roles_in(user, organisation.pk) & DECIDING_ROLES.get(organisation.type.key, set())
    ]


@rule("screening.view")
def _screening_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Screening):
        return False
    own = _roles_in(user, obj.organisation_id)
    if obj.status == Screening.Status.DRAFT:
        return obj.screened_by_id == getattr(user, "pk", None) and bool(own & SCREENING_ROLES)
    if own & IDENTITY_ROLES:
        return True
    return _alerted(user, {"identification__screening": obj}) or any(
        organisation.region_id == obj.region_id for organisation in _deciding_organisations(user)
    )


@rule("screening.edit")
def _screening_edit(user: AnyUser, obj: Any) -> bool:
    return (
        isinstance(obj, Screening)
        and obj.status == Screening.Status.DRAFT
        and obj.screened_by_id == getattr(user, "pk", None)
        and bool(_roles_in(user, obj.organisation_id) & SCREENING_ROLES)
    )


@rule("identification.view")
def _identification_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Identification):
        return False
    if _roles_in(user, obj.organisation_id) & IDENTITY_ROLES:
        return True
    return _alerted(user, {"identification": obj}) or any(
        organisation.region_id == obj.region_id for organisation in _deciding_organisations(user)
    )


@rule("identification.decide")
def _identification_decide(user: AnyUser, obj: Any) -> bool:
    """An authorized body of the identification's region decides victim status."""
    return isinstance(obj, Identification) and any(
        organisation.region_id == obj.region_id for organisation in _deciding_organisations(user)
    )


@rule("identification.decide_for")
def _identification_decide_for(user: AnyUser, obj: Any) -> bool:
    """May the user sign a decision in the name of this organisation?"""
    return isinstance(obj, Organisation) and any(
        organisation.pk == obj.pk for organisation in _deciding_organisations(user)
    )


@rule("alert.view")
def _alert_view(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Alert) and bool(_roles_in(user, obj.organisation_id) & IDENTITY_ROLES)


@rule("alert.inbox")
def _alert_inbox(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & IDENTITY_ROLES)


@rule("catalogue.publish", "pathway.publish")
def _screening_reference(user: AnyUser, obj: Any) -> bool:
    return is_system_admin(user)


# --- training -----------------------------------------------------------------------------
# Organisers run their own organisation's programmes and events, and alone see participants'
# details; trainers see the events they are assigned to and mark attendance there (with the
# participants' names only); experts read every event; donor officers read the summaries of
# the programmes their organisation funds. Participants have no account. Grid:
# training/tests/test_permissions.py.
TRAINING_AREA_ROLES = TRAINING_ROLES | {Role.DONOR_OFFICER}


def _organises(user: AnyUser, organisation_id: int) -> bool:
    return Grant(organisation_id, Role.TRAINING_ORGANISER) in grants(user)


def _trains(user: AnyUser, event: Any) -> bool:
    return has_role(user, Role.TRAINER) and event.trainers.filter(pk=user.pk).exists()


@rule("training.view")
def _training_view(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & TRAINING_AREA_ROLES)


@rule("training.programme.create", "training.event.create")
def _training_create(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Organisation) and _organises(user, obj.pk)


@rule("training.programme.view")
def _training_programme_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingProgramme):
        return False
    if _organises(user, obj.implementer_id) or has_role(user, Role.EXPERT):
        return True
    funders = organisation_ids_of(user, Role.DONOR_OFFICER)
    return bool(funders) and obj.donors.filter(pk__in=funders).exists()


@rule("training.programme.manage")
def _training_programme_manage(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, TrainingProgramme) and _organises(user, obj.implementer_id)


@rule("training.event.view")
def _training_event_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    if _organises(user, obj.organiser_id) or has_role(user, Role.EXPERT):
        return True
    co_organising = organisation_ids_of(user, Role.TRAINING_ORGANISER)
    if co_organising and obj.co_organisers.filter(pk__in=co_organising).exists():
        return True
    return _trains(user, obj)


@rule("training.event.manage", "training.registration.view", "training.registration.manage")
def _training_event_manage(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, TrainingEvent) and _organises(user, obj.organiser_id)


@rule("training.attendance.mark")
def _training_attendance(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    return _organises(user, obj.organiser_id) or _trains(user, obj)


# --- cases --------------------------------------------------------------------------------
# The owning organisation's case managers, supervisors, front line and guardianship officers
# work the case; an organisation invited onto the team sees it once it accepts; the
# guardianship authority of the case's region is told of every child and sees the case.
# Grid: cases/tests/test_permissions.py.
CASE_ROLES = frozenset(
    {Role.FRONT_LINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.GUARDIANSHIP_OFFICER}
)
CASE_LEAD_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})


def _guardianship_of_region(user: AnyUser, region_id: int) -> bool:
    org_ids = organisation_ids_of(user, Role.GUARDIANSHIP_OFFICER)
    return (
        bool(org_ids)
        and Organisation.objects.filter(
            pk__in=org_ids, region_id=region_id, type__key="guardianship", is_active=True
        ).exists()
    )


def _on_team(user: AnyUser, case: Case) -> bool:
    org_ids = [g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES]
    return bool(org_ids) and (
        TeamMember.objects.across_workspaces()
        .filter(case_id=case.pk, organisation_id__in=org_ids, status=TeamMember.Status.ACCEPTED)
        .exists()
    )


@rule("child.register", "case.open")
def _case_open(user: AnyUser, obj: Any) -> bool:
    """Register a child and open a case in the name of this organisation."""
    return isinstance(obj, Organisation) and bool(_roles_in(user, obj.pk) & CASE_ROLES)


@rule("case.list")
def _case_list(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & IDENTITY_ROLES)


@rule("case.view")
def _case_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Case):
        return False
    if _roles_in(user, obj.organisation_id) & CASE_ROLES:
        return True
    return _on_team(user, obj) or _guardianship_of_region(user, obj.region_id)


@rule("case.edit", "case.invite", "case.consent", "case.request_approval", "child.edit")
def _case_edit(user: AnyUser, obj: Any) -> bool:
    """Change the case or the child: the owning organisation's case managers and supervisors."""
    organisation_id = getattr(obj, "organisation_id", None)
    if not isinstance(obj, Case | Child) or organisation_id is None:
        return False
    return bool(_roles_in(user, organisation_id) & CASE_LEAD_ROLES)


@rule("case.approve", "case.overrides")
def _case_approve(user: AnyUser, obj: Any) -> bool:
    """Approve risk assessment, plan and closure; see urgent consent overrides."""
    return isinstance(obj, Case) and Grant(obj.organisation_id, Role.SUPERVISOR) in grants(user)


@rule("case.override_consent")
def _case_override(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Case) and bool(_roles_in(user, obj.organisation_id) & CASE_LEAD_ROLES)


@rule("case.respond")
def _case_respond(user: AnyUser, obj: Any) -> bool:
    """Accept or decline an invitation: the invited organisation's case managers and supervisors."""
    return (
        isinstance(obj, TeamMember)
        and obj.status == TeamMember.Status.INVITED
        and bool(_roles_in(user, obj.organisation_id) & CASE_LEAD_ROLES)
    )


@rule("child.view")
def _child_view(user: AnyUser, obj: Any) -> bool:
    """A child record is seen by its organisation; others see it through a case they may see."""
    if not isinstance(obj, Child):
        return False
    if _roles_in(user, obj.organisation_id) & CASE_ROLES:
        return True
    cases = Case.objects.across_workspaces().filter(child=obj).select_related(None)
    return any(_case_view(user, case) for case in cases)


# --- directory ----------------------------------------------------------------------------
# The service directory names no child: every signed-in person with a role searches and reads
# it. A provider's own org admins, provider staff and case managers edit its profile, services
# and capacity; system admins edit any. Grid: directory/tests/test_permissions.py.
DIRECTORY_EDITOR_ROLES = frozenset({Role.ORG_ADMIN, Role.PROVIDER_STAFF, Role.CASE_MANAGER})


@rule("directory.view")
def _directory_view(user: AnyUser, obj: Any) -> bool:
    return bool(grants(user))


@rule("directory.provider.edit", "directory.capacity.update")
def _directory_edit(user: AnyUser, obj: Any) -> bool:
    """``obj`` is the provider's organisation."""
    if not isinstance(obj, Organisation):
        return False
    return bool(_roles_in(user, obj.pk) & DIRECTORY_EDITOR_ROLES) or is_system_admin(user)


@rule("directory.provider.view")
def _directory_provider_view(user: AnyUser, obj: Any) -> bool:
    from qorgau.directory.models import ProviderProfile

    if not isinstance(obj, ProviderProfile) or not grants(user):
        return False
    return obj.is_listed or _directory_edit(user, obj.organisation)


# Pre/post tests: the organiser and the event's trainers prepare, open and close them; they and
# the experts read the results and the item analysis (scores of named participants: no donor).
@rule("training.assessment.manage")
def _training_assessment_manage(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    return _organises(user, obj.organiser_id) or _trains(user, obj)


@rule("training.assessment.results")
def _training_assessment_results(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    return _organises(user, obj.organiser_id) or has_role(user, Role.EXPERT) or _trains(user, obj)


# Certificates: the organiser sets the rule, issues, downloads and revokes them (participants
# download theirs through a signed link; anyone checks a code on the public page).
@rule("training.certificate.manage")
def _training_certificate_manage(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, TrainingEvent) and _organises(user, obj.organiser_id)


# --- referrals ----------------------------------------------------------------------------
# The sending organisation's case managers and supervisors send and cancel a referral of their
# case; its case team (case.view) sees the whole referral. The receiving provider's case
# managers, supervisors and provider staff see only the minimum the referral needs and move it
# on (accept, decline, start, complete). The sender's supervisors see the overdue list.
# Grid: referrals/tests/test_permissions.py.
REFERRAL_PROVIDER_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROVIDER_STAFF})


def _referral(obj: Any) -> bool:
    from qorgau.referrals.models import Referral

    return isinstance(obj, Referral)


@rule("referral.send")
def _referral_send(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Case) and bool(_roles_in(user, obj.organisation_id) & CASE_LEAD_ROLES)


@rule("referral.view_case")
def _referral_view_case(user: AnyUser, obj: Any) -> bool:
    """Everything about the referral and its case: the sender's case team."""
    return _referral(obj) and _case_view(user, obj.case)


@rule("referral.view")
def _referral_view(user: AnyUser, obj: Any) -> bool:
    if not _referral(obj):
        return False
    if _roles_in(user, obj.provider_id) & REFERRAL_PROVIDER_ROLES:
        return True
    return _referral_view_case(user, obj)


@rule("referral.respond")
def _referral_respond(user: AnyUser, obj: Any) -> bool:
    return _referral(obj) and bool(_roles_in(user, obj.provider_id) & REFERRAL_PROVIDER_ROLES)


@rule("referral.cancel")
def _referral_cancel(user: AnyUser, obj: Any) -> bool:
    return _referral(obj) and bool(_roles_in(user, obj.sender_organisation_id) & CASE_LEAD_ROLES)


@rule("referral.inbox")
def _referral_inbox(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & REFERRAL_PROVIDER_ROLES)


@rule("referral.overdue")
def _referral_overdue(user: AnyUser, obj: Any) -> bool:
    if obj is None:
        return has_role(user, Role.SUPERVISOR)
    return isinstance(obj, Organisation) and Grant(obj.pk, Role.SUPERVISOR) in grants(user)


# --- training: surveys and the materials library -------------------------------------------
# Surveys: the organiser prepares and edits an event's surveys; the organiser, the event's
# trainers, experts and the donor officers of a funder of the event's programme read the
# results (never names); only the organiser, trainers and experts read the open answers
# (survey.open_answers): donors get aggregates, none below the small-number minimum. The
# materials library: everyone with a role reads it (public materials need no account at
# all); organisers, trainers and experts publish materials in their organisation's name and
# keep them up to date; the organiser and the event's trainers attach materials to an event.
# Grid: training/tests/test_permissions.py.
MATERIAL_EDITOR_ROLES = frozenset({Role.TRAINING_ORGANISER, Role.TRAINER, Role.EXPERT})


@rule("training.survey.manage")
def _training_survey_manage(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, TrainingEvent) and _organises(user, obj.organiser_id)


@rule("training.survey.results")
def _training_survey_results(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    if _organises(user, obj.organiser_id) or has_role(user, Role.EXPERT) or _trains(user, obj):
        return True
    funders = organisation_ids_of(user, Role.DONOR_OFFICER)
    return (
        bool(funders)
        and obj.programme_id is not None
        and TrainingProgramme.donors.through.objects.filter(
            programme_id=obj.programme_id, organisation_id__in=funders
        ).exists()
    )


@rule("training.survey.open_answers")
def _training_survey_open_answers(user: AnyUser, obj: Any) -> bool:
    """The open answers, and the numbers of a named survey below the minimum: the organiser,
    the event's trainers and experts -- not donor officers, who read aggregates only."""
    if not isinstance(obj, TrainingEvent):
        return False
    return _organises(user, obj.organiser_id) or has_role(user, Role.EXPERT) or _trains(user, obj)


@rule("training.material.view")
def _training_material_view(user: AnyUser, obj: Any) -> bool:
    return bool(grants(user))


@rule("training.material.create")
def _training_material_create(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Organisation) and bool(_roles_in(user, obj.pk) & MATERIAL_EDITOR_ROLES)


@rule("training.material.manage")
def _training_material_manage(user: AnyUser, obj: Any) -> bool:
    from qorgau.training.models import Material

    return isinstance(obj, Material) and bool(_roles_in(user, obj.owner_id) & MATERIAL_EDITOR_ROLES)


@rule("training.material.attach")
def _training_material_attach(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    return _organises(user, obj.organiser_id) or _trains(user, obj)


def can(user: AnyUser, action: str, obj: Any = None) -> bool:
    """May this user do this action (to this object)? Unknown actions are denied."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    check = _RULES.get(action)
    return bool(check and check(user, obj))


def known_actions() -> frozenset[str]:
    return frozenset(_RULES)


# --- training reports ---------------------------------------------------------------------
# The event report and the programme report for donors hold counts, never a person
# (training/reports.py, ADR 0016). The event report: whoever reads the event (its organisers,
# co-organisers, assigned trainers, experts) and the donor officers of a programme that funds
# it. The programme report: whoever reads the programme. Small numbers (1-2 in a table of
# people by sector, region or gender) are shown only to those who may see the participants
# themselves or their scores: the event's or programme's own organisers, the event's trainers
# and experts; donor officers and co-organisers see "< 3".
def _funds(user: AnyUser, programme_id: int | None) -> bool:
    funders = organisation_ids_of(user, Role.DONOR_OFFICER)
    return (
        bool(funders)
        and programme_id is not None
        and TrainingProgramme.donors.through.objects.filter(
            programme_id=programme_id, organisation_id__in=funders
        ).exists()
    )


@rule("training.report.event")
def _training_report_event(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, TrainingEvent):
        return False
    return _training_event_view(user, obj) or _funds(user, obj.programme_id)


@rule("training.report.programme")
def _training_report_programme(user: AnyUser, obj: Any) -> bool:
    return _training_programme_view(user, obj)


@rule("training.report.small_numbers")
def _training_report_small_numbers(user: AnyUser, obj: Any) -> bool:
    if has_role(user, Role.EXPERT) and isinstance(obj, TrainingEvent | TrainingProgramme):
        return True
    if isinstance(obj, TrainingProgramme):
        return _organises(user, obj.implementer_id)
    if isinstance(obj, TrainingEvent):
        return _organises(user, obj.organiser_id) or _trains(user, obj)
    return False


# --- justice ------------------------------------------------------------------------------
# Criminal proceedings, interviews of the child and compensation claims, need-to-know: the
# case's organisation and its accepted team organisations read them through their case managers,
# supervisors, investigators and prosecutors; the investigators, supervisors and prosecutors of
# the organisations running a proceeding (investigating body, prosecutor's office) read it even
# without the case. They and the case's case managers and supervisors record. Provider staff,
# front line and guardianship officers see nothing of proceedings. Grid:
# justice/tests/test_permissions.py.
JUSTICE_CASE_ROLES = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.INVESTIGATOR, Role.PROSECUTOR}
)
JUSTICE_BODY_ROLES = frozenset({Role.INVESTIGATOR, Role.SUPERVISOR, Role.PROSECUTOR})
JUSTICE_NOTICE_ROLES = frozenset({Role.SUPERVISOR, Role.PROSECUTOR})
JUSTICE_TEAM_BODY_ROLES = frozenset({Role.INVESTIGATOR, Role.PROSECUTOR})


def _justice_case_team(user: AnyUser, case: Any) -> bool:
    if not isinstance(case, Case):
        return False
    if _roles_in(user, case.organisation_id) & JUSTICE_CASE_ROLES:
        return True
    org_ids = [g.organisation_id for g in grants(user) if g.role in JUSTICE_CASE_ROLES]
    return bool(org_ids) and (
        TeamMember.objects.across_workspaces()
        .filter(case_id=case.pk, organisation_id__in=org_ids, status=TeamMember.Status.ACCEPTED)
        .exists()
    )


def _runs_proceeding(user: AnyUser, proceeding: Any) -> bool:
    return any(
        _roles_in(user, organisation_id) & JUSTICE_BODY_ROLES
        for organisation_id in proceeding.organisation_ids
    )


def _proceeding(obj: Any) -> bool:
    from qorgau.justice.models import Proceeding

    return isinstance(obj, Proceeding)


@rule("proceeding.list")
def _proceeding_list(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & JUSTICE_CASE_ROLES)


@rule("proceeding.view_case")
def _proceeding_view_case(user: AnyUser, obj: Any) -> bool:
    """See the case's proceedings: its organisation's and team's justice roles."""
    return _justice_case_team(user, obj)


@rule("proceeding.create")
def _proceeding_create(user: AnyUser, obj: Any) -> bool:
    """Record a proceeding of this case: its own organisation's justice roles, or the
    investigators and prosecutors of an organisation on its team."""
    if not isinstance(obj, Case):
        return False
    if _roles_in(user, obj.organisation_id) & JUSTICE_CASE_ROLES:
        return True
    org_ids = [g.organisation_id for g in grants(user) if g.role in JUSTICE_TEAM_BODY_ROLES]
    return bool(org_ids) and (
        TeamMember.objects.across_workspaces()
        .filter(case_id=obj.pk, organisation_id__in=org_ids, status=TeamMember.Status.ACCEPTED)
        .exists()
    )


@rule("proceeding.view")
def _proceeding_view(user: AnyUser, obj: Any) -> bool:
    if not _proceeding(obj):
        return False
    return _runs_proceeding(user, obj) or _justice_case_team(user, obj.case)


@rule("proceeding.edit", "interview.record", "claim.record")
def _proceeding_edit(user: AnyUser, obj: Any) -> bool:
    """Change the proceeding, record a decision, an interview or a claim: the bodies running
    it, and the justice roles of the case's own organisation (not its team)."""
    if not _proceeding(obj):
        return False
    if _runs_proceeding(user, obj):
        return True
    return bool(_roles_in(user, obj.case.organisation_id) & JUSTICE_CASE_ROLES)


@rule("claim.edit")
def _claim_edit(user: AnyUser, obj: Any) -> bool:
    from qorgau.justice.models import CompensationClaim

    return isinstance(obj, CompensationClaim) and _proceeding_edit(user, obj.proceeding)


@rule("proceeding.notices")
def _proceeding_notices(user: AnyUser, obj: Any) -> bool:
    """The non-punishment notices of the user's organisations: supervisors and prosecutors."""
    if obj is None:
        return bool(roles_of(user) & JUSTICE_NOTICE_ROLES)
    return isinstance(obj, Organisation) and bool(_roles_in(user, obj.pk) & JUSTICE_NOTICE_ROLES)


# --- case care: assessments, plan, services delivered, closure and follow-up ---------------
# The owning organisation's case managers and supervisors assess the child, make the plan and
# close the case (a supervisor approves through case.approve). The best-interests
# determination is also taken by the guardianship authority of the case's region. A planned
# service's provider (case managers, supervisors, provider staff) sees that service -- the
# minimum: type, dates, what is to be done, initials and age band -- and records its delivery;
# nothing else of the case. Grid: cases/tests/test_permissions.py.
def _plan_service(obj: Any) -> bool:
    from qorgau.cases.models_care import PlanService

    return isinstance(obj, PlanService)


@rule("case.assess", "case.plan", "case.close")
def _case_care(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Case) and bool(_roles_in(user, obj.organisation_id) & CASE_LEAD_ROLES)


@rule("case.best_interests")
def _case_best_interests(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, Case):
        return False
    return _case_care(user, obj) or _guardianship_of_region(user, obj.region_id)


@rule("case.service.deliver")
def _case_service_deliver(user: AnyUser, obj: Any) -> bool:
    return _plan_service(obj) and bool(_roles_in(user, obj.provider_id) & REFERRAL_PROVIDER_ROLES)


@rule("case.service.view")
def _case_service_view(user: AnyUser, obj: Any) -> bool:
    if not _plan_service(obj):
        return False
    return _case_service_deliver(user, obj) or _case_view(user, obj.plan.case)


@rule("case.service.inbox")
def _case_service_inbox(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & REFERRAL_PROVIDER_ROLES)


# --- case records: notes, documents, transfers --------------------------------------------
# Notes and documents carry a confidentiality level. "team": everyone who sees the case;
# "organisation": those who see the case and work for the organisation the writer wrote for;
# "restricted": the case's responsible case manager and its organisation's supervisors. The
# writer always reads what they wrote (while they see the case). Everyone who sees the case adds
# notes and documents. A withdrawn or replaced document stays listed; its file is downloaded only
# by the case's case managers and supervisors or its uploader. A referral's provider sees no
# note, and only the current team-level documents the sender attached to that referral (while it
# is not declined or cancelled). Transfers: the case's case managers and supervisors hand the
# case over; the receiving organisation's case managers and supervisors read the handover and
# accept or decline. Grids: cases/tests/test_permissions.py, referrals/tests/test_permissions.py.
def restricted_reader(user: AnyUser, case: Case) -> bool:
    """The responsible case manager, or a supervisor of the case's organisation."""
    if Grant(case.organisation_id, Role.SUPERVISOR) in grants(user):
        return True
    return case.manager_id == getattr(user, "pk", None) and bool(
        _roles_in(user, case.organisation_id) & CASE_LEAD_ROLES
    )


def reads_level(
    user: AnyUser, case: Case, *, level: str, organisation_id: int, author_id: int
) -> bool:
    """May someone who sees the case read a record of this level (written for this org)?"""
    if author_id == getattr(user, "pk", None) or level == Confidentiality.TEAM:
        return True
    if level == Confidentiality.ORGANISATION:
        return bool(_roles_in(user, organisation_id) & IDENTITY_ROLES)
    return level == Confidentiality.RESTRICTED and restricted_reader(user, case)


def acting_organisation_id(user: AnyUser, case: Case) -> int | None:
    """The organisation a user writes for on a case: the owner, else their team organisation,
    else the guardianship authority of the case's region."""
    if _roles_in(user, case.organisation_id) & CASE_ROLES:
        return case.organisation_id
    identity = sorted({g.organisation_id for g in grants(user) if g.role in IDENTITY_ROLES})
    team = (
        TeamMember.objects.across_workspaces()
        .filter(case_id=case.pk, organisation_id__in=identity, status=TeamMember.Status.ACCEPTED)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )
    if team is not None:
        return team
    guardianship = Organisation.objects.filter(
        pk__in=organisation_ids_of(user, Role.GUARDIANSHIP_OFFICER),
        region_id=case.region_id,
        type__key="guardianship",
        is_active=True,
    ).values_list("pk", flat=True)
    return min(guardianship, default=None)


@rule("case.note.add", "case.document.upload")
def _case_record_add(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Case) and _case_view(user, obj)


@rule("case.note.view")
def _case_note_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, CaseNote) or not _case_view(user, obj.case):
        return False
    return reads_level(
        user,
        obj.case,
        level=obj.level,
        organisation_id=obj.organisation_id,
        author_id=obj.author_id,
    )


def _attached_for_provider(user: AnyUser, document: CaseDocument) -> bool:
    from qorgau.referrals.models import ReferralDocument, Status

    if not document.is_active or document.level != Confidentiality.TEAM:
        return False
    org_ids = [g.organisation_id for g in grants(user) if g.role in REFERRAL_PROVIDER_ROLES]
    return bool(org_ids) and (
        ReferralDocument.objects.across_workspaces()
        .filter(document_id=document.pk, referral__provider_id__in=org_ids)
        .exclude(referral__status__in=(Status.DECLINED, Status.CANCELLED))
        .exists()
    )


def _reads_document(user: AnyUser, document: CaseDocument) -> bool:
    return _case_view(user, document.case) and reads_level(
        user,
        document.case,
        level=document.level,
        organisation_id=document.organisation_id,
        author_id=document.uploaded_by_id,
    )


@rule("case.document.view")
def _case_document_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, CaseDocument):
        return False
    return _reads_document(user, obj) or _attached_for_provider(user, obj)


@rule("case.document.download")
def _case_document_download(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, CaseDocument):
        return False
    if obj.is_active:
        return _case_document_view(user, obj)
    return _reads_document(user, obj) and (
        obj.uploaded_by_id == getattr(user, "pk", None)
        or bool(_roles_in(user, obj.case.organisation_id) & CASE_LEAD_ROLES)
    )


@rule("case.document.withdraw")
def _case_document_withdraw(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, CaseDocument) or not obj.is_active or not _reads_document(user, obj):
        return False
    return obj.uploaded_by_id == getattr(user, "pk", None) or bool(
        _roles_in(user, obj.case.organisation_id) & CASE_LEAD_ROLES
    )


@rule("referral.attach_document")
def _referral_attach(user: AnyUser, obj: Any) -> bool:
    return (
        _referral(obj)
        and not obj.is_closed
        and bool(_roles_in(user, obj.sender_organisation_id) & CASE_LEAD_ROLES)
    )


def _transfer(obj: Any) -> bool:
    from qorgau.referrals.models import Transfer

    return isinstance(obj, Transfer)


def case_lead_ids(organisation: Organisation) -> list[int]:
    """The people who may answer a transfer to this organisation (and become its manager)."""
    return sorted(
        set(
            Membership.objects.filter(
                organisation=organisation,
                role__in=CASE_LEAD_ROLES,
                is_active=True,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


def case_taking_organisation_ids() -> Any:
    """Active organisations with someone who may take a case over (a transfer's receivers)."""
    return Membership.objects.filter(
        role__in=CASE_LEAD_ROLES, is_active=True, user__is_active=True, organisation__is_active=True
    ).values("organisation_id")


@rule("transfer.request")
def _transfer_request(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Case) and bool(_roles_in(user, obj.organisation_id) & CASE_LEAD_ROLES)


@rule("transfer.view")
def _transfer_view(user: AnyUser, obj: Any) -> bool:
    if not _transfer(obj):
        return False
    if _roles_in(user, obj.from_organisation_id) & CASE_LEAD_ROLES:
        return True
    # The receiver reads the handover while it is offered and once it took the case; a
    # declined or cancelled offer is no business of theirs any more.
    if obj.status in ("requested", "accepted") and (
        _roles_in(user, obj.to_organisation_id) & CASE_LEAD_ROLES
    ):
        return True
    return _case_view(user, obj.case)


@rule("transfer.respond")
def _transfer_respond(user: AnyUser, obj: Any) -> bool:
    return (
        _transfer(obj)
        and obj.status == "requested"
        and bool(_roles_in(user, obj.to_organisation_id) & CASE_LEAD_ROLES)
    )


@rule("transfer.cancel")
def _transfer_cancel(user: AnyUser, obj: Any) -> bool:
    return (
        _transfer(obj)
        and obj.status == "requested"
        and bool(_roles_in(user, obj.from_organisation_id) & CASE_LEAD_ROLES)
    )


@rule("transfer.inbox")
def _transfer_inbox(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & CASE_LEAD_ROLES)


# --- duplicate review (cases/duplicates.py, ADR 0014) ---------------------------------------
# Case managers and supervisors review the likely duplicates touching their organisation; a
# pair across organisations shows only "possible match in organisation X", so nobody decides
# on it. Within one organisation a case manager may say "not a duplicate"; only a supervisor
# of the organisation that owns both records merges them, and undoes a merge.
# Grid: cases/tests/test_permissions.py.
def _pair_owner(obj: Any) -> int | None:
    # The children's current organisations: a case handed over after the scan moves its child.
    if not isinstance(obj, DuplicatePair):
        return None
    left, right = obj.left.organisation_id, obj.right.organisation_id
    return int(left) if left == right else None


@rule("duplicates.review")
def _duplicates_review(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, Organisation) and bool(_roles_in(user, obj.pk) & CASE_LEAD_ROLES)


@rule("duplicates.view")
def _duplicates_view(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, DuplicatePair):
        return False
    sides = (obj.left_organisation_id, obj.right_organisation_id)
    return any(_roles_in(user, side) & CASE_LEAD_ROLES for side in sides)


@rule("duplicates.dismiss")
def _duplicates_dismiss(user: AnyUser, obj: Any) -> bool:
    owner = _pair_owner(obj)
    return owner is not None and bool(_roles_in(user, owner) & CASE_LEAD_ROLES)


@rule("child.merge")
def _child_merge(user: AnyUser, obj: Any) -> bool:
    owner = _pair_owner(obj)
    return owner is not None and Grant(owner, Role.SUPERVISOR) in grants(user)


@rule("child.unmerge")
def _child_unmerge(user: AnyUser, obj: Any) -> bool:
    if not isinstance(obj, ChildMerge):
        return False
    return Grant(obj.survivor.organisation_id, Role.SUPERVISOR) in grants(user)


# --- care reminders (cases/reminders.py, ADR 0022) -----------------------------------------
# Case managers and supervisors open their reminders page: a case manager sees the reminders
# of the cases they manage, a supervisor also the overdue ones of the organisations they
# supervise (reminders_for scopes the rows). Grid: cases/tests/test_permissions.py.
@rule("case.reminders")
def _case_reminders(user: AnyUser, obj: Any) -> bool:
    return bool(roles_of(user) & CASE_LEAD_ROLES)


# --- lost personal codes (training/services/codes.py, ADR 0024) ----------------------------
# The organisers of the event's organisation send a participant's personal code again from
# the participants list, like the rest of managing registrations; participants ask for it
# themselves on the public pages, with no account and no rule. Grid:
# training/tests/test_permissions.py.
@rule("training.registration.resend_code")
def _training_registration_resend_code(user: AnyUser, obj: Any) -> bool:
    return isinstance(obj, TrainingEvent) and _organises(user, obj.organiser_id)
