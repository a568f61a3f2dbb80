"""``qorgau demo``: synthetic organisations and one login per role, loaded idempotently."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from qorgau.accounts.models import Membership, Organisation, User
from qorgau.accounts.roles import Role
from qorgau.audit.models import AuditEvent
from qorgau.cases.models import Case, Child
from qorgau.demo.data import ORGANISATIONS, USERS
from qorgau.justice.models import Proceeding
from qorgau.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _demo_again() -> str:
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), User.objects.count(), Membership.objects.count()


def _protect_counts() -> tuple[int, ...]:
    return (
        Child.objects.across_workspaces().count(),
        Case.objects.across_workspaces().count(),
        Referral.objects.across_workspaces().count(),
        Proceeding.objects.across_workspaces().count(),
        AuditEvent.objects.count(),
    )


def _printed_password(output: str) -> str:
    match = re.search(r"with password (\S+) as:", output)
    assert match, output
    return match.group(1)


def _printed_logins(output: str) -> list[str]:
    listing = output.split(" as:", 1)[1]
    return [line.split()[0] for line in listing.strip().splitlines()]


def test_the_first_run_loads_the_organisations_and_one_login_per_role(demo):
    output = demo

    assert _counts() == (len(ORGANISATIONS), len(USERS), len(USERS))
    assert f"{len(ORGANISATIONS)} organisations and {len(USERS)} users added" in output
    assert "Two-factor sign-in is OFF in the demo." in output


def test_running_it_twice_adds_no_organisations_users_or_memberships(demo):
    after_first = _counts()
    protect_after_first = _protect_counts()

    output = _demo_again()

    assert _counts() == after_first
    assert _protect_counts() == protect_after_first  # no child, case, referral or audit event
    assert "0 organisations and 0 users added" in output


def test_a_second_run_restores_a_demo_role_that_was_removed(demo):
    Membership.objects.filter(user__username="auditor").delete()

    _demo_again()

    assert Membership.objects.filter(user__username="auditor", role=Role.AUDITOR).exists()


def test_every_role_has_exactly_one_demo_login(demo):
    output = demo

    roles = Counter(Membership.objects.values_list("role", flat=True))
    assert roles == Counter({role: 1 for role in Role.values})
    assert sorted(_printed_logins(output)) == sorted(
        User.objects.values_list("username", flat=True)
    )


@pytest.mark.parametrize("role", Role.values)
def test_each_demo_login_signs_in_with_the_printed_password_and_gets_home(demo, role):
    output = demo
    username = Membership.objects.get(role=role).user.username
    client = Client(headers={"accept-language": "en"})

    signed_in = client.login(
        request=RequestFactory().post(reverse("accounts:login")),  # django-axes needs one
        username=username,
        password=_printed_password(output),
    )

    assert signed_in
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert f'data-role="{role}"' in response.content.decode()


def test_demo_people_speak_the_working_languages_and_belong_to_real_regions(demo):

    assert set(User.objects.values_list("language", flat=True)) <= {"kk", "ru", "en"}
    assert all(org.region.is_current for org in Organisation.objects.select_related("region"))
    kostanay = Organisation.objects.get(region__key="KZ-39")
    ministry = next(org for org in ORGANISATIONS if org.key == "ministry")
    assert kostanay.parent == Organisation.objects.get(name=ministry.name, region__key="KZ-71")
