"""The rules behind every write about users, memberships and API tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.models import ApiToken, Membership, User
from qorgau.accounts.roles import Role
from qorgau.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    membership_revoke,
    user_create,
    user_logout_everywhere,
    user_set_language,
)
from qorgau.accounts.tests.factories import MembershipFactory, UserFactory, user_with_role
from qorgau.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

STRONG = "steppe-eagle-Ontustik-2026"


def _events(action: str, target) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


# --- user_create --------------------------------------------------------------------------
def test_it_creates_a_person_with_their_roles_and_audits_it(org_admin, organisation):
    person = user_create(
        actor=org_admin,
        organisation=organisation,
        username="d.omarov",
        password=STRONG,
        roles=[Role.CASE_MANAGER, Role.SUPERVISOR],
        first_name="Dauren",
        last_name="Omarov",
    )

    assert person.check_password(STRONG)
    assert set(person.memberships.values_list("organisation", "role")) == {
        (organisation.pk, Role.CASE_MANAGER),
        (organisation.pk, Role.SUPERVISOR),
    }
    [event] = _events("user.create", person)
    assert event.actor == org_admin
    assert event.organisation == organisation
    assert event.details == {"roles": ["case_manager", "supervisor"]}


@pytest.mark.parametrize(
    "weak",
    ["short-1", "123456789012345", "password1234", "d.omarov-2026"],
    ids=["too-short", "numeric", "common", "like-the-user-name"],
)
def test_it_refuses_a_weak_password_and_saves_nothing(org_admin, organisation, weak):
    users_before = User.objects.count()

    with pytest.raises(ValidationError) as refused:
        user_create(
            actor=org_admin,
            organisation=organisation,
            username="d.omarov",
            password=weak,
            roles=[Role.CASE_MANAGER],
        )

    assert "password" in refused.value.message_dict
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(user__username="d.omarov").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


@pytest.mark.parametrize("roles", [[Role.FRONT_LINE], []], ids=["with-a-role", "with-no-role"])
def test_an_org_admin_cannot_create_a_person_in_another_organisation(
    org_admin, other_organisation, roles
):
    users_before = User.objects.count()

    with pytest.raises(PermissionDenied):
        user_create(
            actor=org_admin,
            organisation=other_organisation,
            username="intruder",
            password=STRONG,
            roles=roles,
        )

    assert User.objects.count() == users_before
    assert not other_organisation.memberships.exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_an_org_admin_cannot_create_a_system_admin(org_admin, organisation):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=org_admin,
            organisation=organisation,
            username="root",
            password=STRONG,
            roles=[Role.SYSTEM_ADMIN],
        )

    assert not User.objects.filter(username="root").exists()


def test_a_person_who_is_not_an_admin_cannot_create_accounts(organisation):
    worker = user_with_role(Role.CASE_MANAGER, organisation)

    with pytest.raises(PermissionDenied):
        user_create(
            actor=worker,
            organisation=organisation,
            username="friend",
            password=STRONG,
            roles=[Role.FRONT_LINE],
        )

    assert not User.objects.filter(username="friend").exists()


def test_it_refuses_a_user_name_already_taken(org_admin, organisation):
    UserFactory(username="taken")

    with pytest.raises(ValidationError) as refused:
        user_create(
            actor=org_admin,
            organisation=organisation,
            username="taken",
            password=STRONG,
            roles=[Role.FRONT_LINE],
        )

    assert "username" in refused.value.message_dict


# --- memberships --------------------------------------------------------------------------
def test_granting_a_role_creates_the_membership_and_audits_it(org_admin, organisation):
    person = user_with_role(Role.FRONT_LINE, organisation)

    membership = membership_grant(
        actor=org_admin, user=person, organisation=organisation, role=Role.CASE_MANAGER
    )

    assert membership.is_active
    assert membership.role == Role.CASE_MANAGER
    [event] = _events("membership.grant", membership)
    assert event.actor == org_admin
    assert event.organisation == organisation
    assert event.details == {"user": person.pk, "role": "case_manager"}


def test_granting_a_withdrawn_role_again_reactivates_it(org_admin, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.FRONT_LINE, is_active=False)

    again = membership_grant(
        actor=org_admin, user=membership.user, organisation=organisation, role=Role.FRONT_LINE
    )

    assert again.pk == membership.pk
    assert Membership.objects.get(pk=membership.pk).is_active


def test_a_granted_role_takes_effect_for_an_already_loaded_user(org_admin, organisation):
    from qorgau.accounts.permissions import can

    person = user_with_role(Role.FRONT_LINE, organisation)
    assert not can(person, "statistics.view")  # loads and caches the person's grants

    membership_grant(actor=org_admin, user=person, organisation=organisation, role=Role.SUPERVISOR)

    assert can(person, "statistics.view")


def test_an_org_admin_cannot_grant_a_role_in_another_organisation(org_admin, other_organisation):
    person = UserFactory()

    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=org_admin, user=person, organisation=other_organisation, role=Role.FRONT_LINE
        )

    assert not Membership.objects.filter(user=person).exists()
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_withdrawing_a_role_deactivates_it_and_audits_it(org_admin, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.PROVIDER_STAFF)

    membership_revoke(actor=org_admin, membership=membership)

    membership.refresh_from_db()
    assert membership.is_active is False
    [event] = _events("membership.revoke", membership)
    assert event.actor == org_admin
    assert event.details == {"user": membership.user_id, "role": "provider_staff"}


def test_an_org_admin_cannot_withdraw_a_role_in_another_organisation(org_admin, other_organisation):
    membership = MembershipFactory(organisation=other_organisation)

    with pytest.raises(PermissionDenied):
        membership_revoke(actor=org_admin, membership=membership)

    assert Membership.objects.get(pk=membership.pk).is_active


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.SYSTEM_ADMIN])
def test_an_admin_cannot_take_away_their_own_admin_role(organisation, role):
    own = MembershipFactory(organisation=organisation, role=role)

    with pytest.raises(ValidationError):
        membership_revoke(actor=own.user, membership=own)

    assert Membership.objects.get(pk=own.pk).is_active
    assert not AuditEvent.objects.filter(action="membership.revoke").exists()


def test_an_admin_may_give_up_their_other_roles(org_admin, organisation):
    other_role = MembershipFactory(user=org_admin, organisation=organisation, role=Role.TRAINER)

    membership_revoke(actor=org_admin, membership=other_role)

    assert Membership.objects.get(pk=other_role.pk).is_active is False


# --- language -----------------------------------------------------------------------------
def test_it_remembers_a_supported_language():
    person = UserFactory()

    user_set_language(user=person, language="kk")

    assert User.objects.get(pk=person.pk).language == "kk"


def test_it_refuses_an_unsupported_language():
    person = UserFactory(language="ru")

    with pytest.raises(ValidationError) as refused:
        user_set_language(user=person, language="de")

    assert "language" in refused.value.message_dict
    assert User.objects.get(pk=person.pk).language == "ru"


# --- log out everywhere -------------------------------------------------------------------
def test_logging_out_everywhere_ends_an_existing_session(client, no_two_factor):
    person = user_with_role(Role.CASE_MANAGER)
    client.force_login(person)
    assert client.get(reverse("core:home")).status_code == 200

    user_logout_everywhere(user=User.objects.get(pk=person.pk))

    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    [event] = _events("auth.logout_everywhere", person)
    assert event.actor == person


def test_logging_out_everywhere_leaves_other_people_signed_in(client, no_two_factor):
    person, colleague = user_with_role(Role.CASE_MANAGER), user_with_role(Role.CASE_MANAGER)
    client.force_login(colleague)

    user_logout_everywhere(user=person)

    assert client.get(reverse("core:home")).status_code == 200


# --- API tokens ---------------------------------------------------------------------------
def test_a_token_is_stored_only_as_its_sha256_digest():
    person = UserFactory()

    token, raw = api_token_create(actor=person, name="  Crisis centre case system ")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in stored.values()}
    assert raw.startswith(stored["prefix"]) and len(stored["prefix"]) < len(raw) // 3
    assert stored["name"] == "Crisis centre case system"
    [event] = _events("api_token.create", token)
    assert raw not in str(event.details)


def test_two_tokens_are_never_the_same():
    person = UserFactory()

    _first, raw_one = api_token_create(actor=person, name="one")
    _second, raw_two = api_token_create(actor=person, name="two")

    assert raw_one != raw_two


def test_a_token_authenticates_its_owner_and_stamps_its_use():
    person = UserFactory()
    token, raw = api_token_create(actor=person, name="sync")

    assert api_token_authenticate(raw) == person
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "raw", ["", "qrg_not-a-token", "Bearer qrg_x", "not-even-the-prefix"], ids=repr
)
def test_an_unknown_token_authenticates_nobody(raw):
    api_token_create(actor=UserFactory(), name="sync")

    assert api_token_authenticate(raw) is None


def test_a_revoked_token_authenticates_nobody():
    person = UserFactory()
    token, raw = api_token_create(actor=person, name="sync")

    api_token_revoke(actor=person, token=token)

    assert api_token_authenticate(raw) is None
    assert _events("api_token.revoke", token)


def test_an_expired_token_authenticates_nobody(time_machine):
    person = UserFactory()
    _token, raw = api_token_create(
        actor=person, name="sync", expires_at=timezone.now() + timedelta(days=1)
    )
    assert api_token_authenticate(raw) == person

    time_machine.move_to(timezone.now() + timedelta(days=1, seconds=1))

    assert api_token_authenticate(raw) is None


def test_a_token_of_a_deactivated_account_authenticates_nobody():
    person = UserFactory()
    _token, raw = api_token_create(actor=person, name="sync")

    User.objects.filter(pk=person.pk).update(is_active=False)

    assert api_token_authenticate(raw) is None


def test_a_token_cannot_be_created_already_expired():
    with pytest.raises(ValidationError) as refused:
        api_token_create(
            actor=UserFactory(), name="sync", expires_at=timezone.now() - timedelta(minutes=1)
        )

    assert "expires_at" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token():
    owner, stranger = UserFactory(), user_with_role(Role.SYSTEM_ADMIN)
    token, raw = api_token_create(actor=owner, name="sync")

    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=stranger, token=token)

    assert api_token_authenticate(raw) == owner
