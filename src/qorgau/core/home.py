"""What each role finds on its home page.

A panel says what the role does in Qorgau, links to what already works, and says plainly
when the module for that work has not been built yet: an honest empty state, never a fake list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.permissions import roles_of
from qorgau.accounts.roles import Role


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Panel:
    role: str
    title: Promise
    purpose: Promise
    empty: Promise
    links: list[Link] = field(default_factory=list)


_NOT_YET = _("This module is not available yet in this version of Qorgau.")
_SCREEN = Link("screening:new", _("Screen a child"))
_SCREENINGS = Link("screening:list", _("Screenings"))
_INBOX = Link("screening:inbox", _("Inbox"))
_CASES = Link("cases:list", _("Cases"))
_REGISTER = Link("cases:register", _("Register a child"))
_SUPERVISION = Link("cases:supervision", _("Approvals and urgent actions"))
_PROCEEDINGS = Link("justice:list", _("Criminal proceedings"))
_DUPLICATES = Link("cases:duplicates", _("Possible duplicates"))

PANELS: dict[str, Panel] = {
    Role.FRONT_LINE: Panel(
        Role.FRONT_LINE,
        _("Screen a child"),
        _("Check a child against the trafficking indicators and raise an alert."),
        _NOT_YET,
        [_SCREEN, _SCREENINGS],
    ),
    Role.CASE_MANAGER: Panel(
        Role.CASE_MANAGER,
        _("Your cases"),
        _("Run children's cases: assessments, plans, services, referrals and follow-up."),
        _NOT_YET,
        [_CASES, _REGISTER, _SCREEN, _INBOX, _DUPLICATES],
    ),
    Role.SUPERVISOR: Panel(
        Role.SUPERVISOR,
        _("Approvals and deadlines"),
        _("Approve key decisions and watch overdue referrals in your team."),
        _NOT_YET,
        [_SUPERVISION, _CASES, _INBOX, _SCREENINGS, _DUPLICATES],
    ),
    Role.INVESTIGATOR: Panel(
        Role.INVESTIGATOR,
        _("Victim status and proceedings"),
        _("Decide victim status and record proceedings and child-friendly interviews."),
        _NOT_YET,
        [_PROCEEDINGS, _INBOX, _SCREEN],
    ),
    Role.PROSECUTOR: Panel(
        Role.PROSECUTOR,
        _("Proceedings"),
        _("Follow criminal proceedings, non-punishment flags and compensation."),
        _NOT_YET,
        [_PROCEEDINGS],
    ),
    Role.PROVIDER_STAFF: Panel(
        Role.PROVIDER_STAFF,
        _("Incoming referrals"),
        _("Accept or decline referrals and record the services you deliver."),
        _NOT_YET,
        [_SCREEN],
    ),
    Role.GUARDIANSHIP_OFFICER: Panel(
        Role.GUARDIANSHIP_OFFICER,
        _("Notifications about children"),
        _("Receive every child case, appoint guardians and take best-interests decisions."),
        _NOT_YET,
        [_CASES, _SUPERVISION, _INBOX, _SCREEN],
    ),
    Role.REGIONAL_COORDINATOR: Panel(
        Role.REGIONAL_COORDINATOR,
        _("Regional figures"),
        _("See your region's figures, with no child's identity."),
        _NOT_YET,
    ),
    Role.NATIONAL_COORDINATOR: Panel(
        Role.NATIONAL_COORDINATOR,
        _("National figures"),
        _("See national figures and reports, with no child's identity."),
        _NOT_YET,
    ),
    Role.TRAINER: Panel(
        Role.TRAINER,
        _("Your sessions"),
        _("Run sessions, mark attendance, give tests and case-solving exercises."),
        _NOT_YET,
        [
            Link("training:dashboard", _("Your events")),
            Link("core:workspaces", _("Training spaces")),
        ],
    ),
    Role.EXPERT: Panel(
        Role.EXPERT,
        _("Exercises to evaluate"),
        _("Rate the groups' solutions in case-solving exercises and give recommendations."),
        _NOT_YET,
        [Link("training:dashboard", _("Training events"))],
    ),
    Role.TRAINING_ORGANISER: Panel(
        Role.TRAINING_ORGANISER,
        _("Training programme"),
        _("Plan programmes and events, register participants and report to donors."),
        _NOT_YET,
        [
            Link("training:dashboard", _("Programmes and events")),
            Link("training:event_new", _("New event")),
        ],
    ),
    Role.DONOR_OFFICER: Panel(
        Role.DONOR_OFFICER,
        _("Programmes you fund"),
        _("Follow the targets and results of the training programmes your organisation funds."),
        _("No programme funded by your organisation is recorded yet."),
        [Link("training:dashboard", _("Programmes"))],
    ),
    Role.AUDITOR: Panel(
        Role.AUDITOR,
        _("Audit trail"),
        _("Read who did what, and check that the trail has not been altered."),
        _("No events match."),
        [Link("audit:events", _("Open the audit trail"))],
    ),
    Role.ORG_ADMIN: Panel(
        Role.ORG_ADMIN,
        _("Your organisation's people"),
        _("Add people to your organisation and give or withdraw their roles."),
        _("Nobody else has a role in your organisation yet."),
        [Link("accounts:members", _("Manage people"))],
    ),
    Role.SYSTEM_ADMIN: Panel(
        Role.SYSTEM_ADMIN,
        _("System administration"),
        _("Manage organisations, reference data and every organisation's administrators."),
        _("No organisations yet."),
        [
            Link("accounts:members", _("Manage people")),
            Link("audit:events", _("Audit trail")),
            Link("screening:catalogues", _("Indicator catalogue")),
            Link("screening:pathways", _("Pathway rules")),
        ],
    ),
}


def panels_for(user: Any) -> list[Panel]:
    held = roles_of(user)
    return [panel for role, panel in PANELS.items() if role in held]
