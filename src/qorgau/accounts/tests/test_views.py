"""Pages for people, roles, tokens, home and language: wiring and refusals."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qorgau.accounts.models import ApiToken, Membership, User
from qorgau.accounts.roles import Role
from qorgau.accounts.services import api_token_authenticate, api_token_create
from qorgau.accounts.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UserFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_two_factor")]

MEMBERS = reverse("accounts:members")
PERSON_NEW = reverse("accounts:person_new")
TOKENS = reverse("accounts:tokens")
HOME = reverse("core:home")
SET_LANGUAGE = reverse("set_language")
STRONG = "steppe-eagle-Ontustik-2026"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert match, "no <html lang> on the page"
    return match.group(1)


# --- people -------------------------------------------------------------------------------
def test_an_org_admin_sees_the_people_of_their_own_organisation(
    client, org_admin, organisation, other_organisation
):
    user_with_role(Role.CASE_MANAGER, organisation, first_name="Dauren", last_name="Omarov")
    user_with_role(Role.INVESTIGATOR, other_organisation, first_name="Marat", last_name="Zhumabaev")
    client.force_login(org_admin)

    response = client.get(MEMBERS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dauren Omarov" in page
    assert "Case manager" in page
    assert "Aliya Mussina" in page
    assert "Zhumabaev" not in page


def test_members_search_finds_people_by_name(client, org_admin, organisation):
    user_with_role(Role.CASE_MANAGER, organisation, first_name="Dauren", last_name="Omarov")
    user_with_role(Role.SUPERVISOR, organisation, first_name="Saule", last_name="Ibrayeva")
    client.force_login(org_admin)

    page = client.get(MEMBERS, {"q": "omar"}).content.decode()

    assert "Omarov" in page
    assert "Ibrayeva" not in page


@pytest.mark.parametrize("org", ["other", "not-a-number", "999999"])
def test_an_org_admin_gets_404_for_any_other_organisation(
    client, org_admin, other_organisation, org
):
    user_with_role(Role.INVESTIGATOR, other_organisation, last_name="Zhumabaev")
    client.force_login(org_admin)

    response = client.get(MEMBERS, {"org": other_organisation.pk if org == "other" else org})

    assert response.status_code == 404
    assert b"Zhumabaev" not in response.content


def test_a_member_who_is_not_admin_there_gets_403_for_their_organisations_people(
    client, org_admin, other_organisation
):
    # An admin in one organisation who only works in another may see that it exists, no more.
    MembershipFactory(user=org_admin, organisation=other_organisation, role=Role.FRONT_LINE)
    client.force_login(org_admin)

    assert client.get(MEMBERS, {"org": other_organisation.pk}).status_code == 403


def test_a_system_admin_sees_the_people_of_any_organisation(client, other_organisation):
    user_with_role(Role.INVESTIGATOR, other_organisation, last_name="Zhumabaev")
    client.force_login(user_with_role(Role.SYSTEM_ADMIN))

    response = client.get(MEMBERS, {"org": other_organisation.pk})

    assert response.status_code == 200
    assert b"Zhumabaev" in response.content


@pytest.mark.parametrize("url", [MEMBERS, PERSON_NEW])
@pytest.mark.parametrize("role", [Role.FRONT_LINE, Role.AUDITOR, None])
def test_people_pages_are_forbidden_to_people_who_administer_nothing(
    client, organisation, url, role
):
    person = UserFactory() if role is None else user_with_role(role, organisation)
    client.force_login(person)

    assert client.get(url).status_code == 403


def test_people_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get(MEMBERS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_people_page_runs_the_same_number_of_queries_for_3_or_30_people(
    client, org_admin, organisation, django_assert_num_queries
):
    for _ in range(2):
        MembershipFactory(organisation=organisation, role=Role.CASE_MANAGER)
    client.force_login(org_admin)
    client.get(MEMBERS)  # first request: creates the real workspace and warms caches
    with CaptureQueriesContext(connection) as three:
        response = client.get(MEMBERS)
    assert len(response.context["page"].object_list) == 3

    for number in range(27):
        person = MembershipFactory(organisation=organisation, role=Role.CASE_MANAGER).user
        if number % 3 == 0:
            MembershipFactory(user=person, organisation=organisation, role=Role.SUPERVISOR)

    assert 0 < len(three) <= 12, [q["sql"] for q in three.captured_queries]
    with django_assert_num_queries(len(three)):
        response = client.get(MEMBERS)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30


# --- adding a person ----------------------------------------------------------------------
def _new_person(organisation, **overrides) -> dict[str, object]:
    return {
        "organisation": organisation.pk,
        "username": "d.omarov",
        "first_name": "Dauren",
        "last_name": "Omarov",
        "email": "d.omarov@example.kz",
        "password": STRONG,
        "roles": [Role.CASE_MANAGER, Role.SUPERVISOR],
        **overrides,
    }


def test_an_org_admin_adds_a_person_with_roles(client, org_admin, organisation):
    client.force_login(org_admin)

    response = client.post(PERSON_NEW, _new_person(organisation))

    assert response.status_code == 302
    assert response["Location"] == f"{MEMBERS}?org={organisation.pk}"
    person = User.objects.get(username="d.omarov")
    assert person.check_password(STRONG)
    assert set(person.memberships.values_list("organisation", "role")) == {
        (organisation.pk, "case_manager"),
        (organisation.pk, "supervisor"),
    }
    assert any("can now sign in" in m for m in _messages(client.get(response["Location"])))


def test_adding_a_person_with_a_weak_password_shows_the_error_on_the_password(
    client, org_admin, organisation
):
    client.force_login(org_admin)

    response = client.post(PERSON_NEW, _new_person(organisation, password="short"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "too short" in " ".join(form.errors["password"])
    assert not form.non_field_errors()
    assert b"This password is too short" in response.content
    assert not User.objects.filter(username="d.omarov").exists()


def test_adding_a_person_to_another_organisation_is_refused(client, org_admin, other_organisation):
    client.force_login(org_admin)

    response = client.post(PERSON_NEW, _new_person(other_organisation))

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="d.omarov").exists()


def test_adding_a_person_without_a_role_is_refused(client, org_admin, organisation):
    client.force_login(org_admin)

    response = client.post(PERSON_NEW, _new_person(organisation, roles=[]))

    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert not User.objects.filter(username="d.omarov").exists()


def test_an_org_admin_cannot_make_a_system_admin(client, org_admin, organisation):
    client.force_login(org_admin)

    response = client.post(PERSON_NEW, _new_person(organisation, roles=[Role.SYSTEM_ADMIN]))

    # Refused on the form, next to the roles, rather than with a bare error page.
    assert response.status_code == 200
    assert "You may not give this role in this organisation." in str(
        response.context["form"].errors["roles"]
    )
    assert not User.objects.filter(username="d.omarov").exists()


# --- giving and withdrawing roles ---------------------------------------------------------
def test_an_org_admin_gives_a_colleague_a_role(client, org_admin, organisation):
    colleague = user_with_role(Role.FRONT_LINE, organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:role_grant", args=[organisation.pk, colleague.pk]),
        {"role": Role.CASE_MANAGER},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{MEMBERS}?org={organisation.pk}"
    assert Membership.objects.filter(
        user=colleague, organisation=organisation, role=Role.CASE_MANAGER, is_active=True
    ).exists()


def test_giving_a_role_that_does_not_exist_changes_nothing(client, org_admin, organisation):
    colleague = user_with_role(Role.FRONT_LINE, organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:role_grant", args=[organisation.pk, colleague.pk]),
        {"role": "superuser"},
        follow=True,
    )

    assert "Choose a role from the list." in _messages(response)
    assert colleague.memberships.count() == 1


def test_an_org_admin_cannot_give_roles_in_another_organisation(
    client, org_admin, other_organisation
):
    stranger = user_with_role(Role.FRONT_LINE, other_organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:role_grant", args=[other_organisation.pk, stranger.pk]),
        {"role": Role.CASE_MANAGER},
    )

    assert response.status_code == 404
    assert stranger.memberships.count() == 1


def test_an_org_admin_cannot_give_a_role_to_someone_outside_their_organisation(
    client, org_admin, organisation, other_organisation
):
    stranger = user_with_role(Role.FRONT_LINE, other_organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:role_grant", args=[organisation.pk, stranger.pk]),
        {"role": Role.CASE_MANAGER},
    )

    assert response.status_code == 403
    assert not stranger.memberships.filter(organisation=organisation).exists()


def test_an_org_admin_withdraws_a_colleagues_role(client, org_admin, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.PROVIDER_STAFF)
    client.force_login(org_admin)

    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"{MEMBERS}?org={organisation.pk}"
    assert Membership.objects.get(pk=membership.pk).is_active is False


def test_an_org_admin_cannot_withdraw_roles_in_another_organisation(
    client, org_admin, other_organisation
):
    membership = MembershipFactory(organisation=other_organisation)
    client.force_login(org_admin)

    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]))

    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).is_active


def test_a_colleague_who_is_not_admin_cannot_withdraw_roles(client, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.PROVIDER_STAFF)
    client.force_login(user_with_role(Role.SUPERVISOR, organisation))

    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]))

    assert response.status_code == 403
    assert Membership.objects.get(pk=membership.pk).is_active


def test_an_org_admin_is_told_they_cannot_withdraw_their_own_admin_role(
    client, org_admin, organisation
):
    own = org_admin.memberships.get()
    client.force_login(org_admin)

    response = client.post(reverse("accounts:role_revoke", args=[own.pk]), follow=True)

    assert response.status_code == 200
    assert "You cannot take away your own administrator role." in _messages(response)
    assert Membership.objects.get(pk=own.pk).is_active


def test_roles_are_withdrawn_only_by_post(client, org_admin, organisation):
    membership = MembershipFactory(organisation=organisation)
    client.force_login(org_admin)

    assert client.get(reverse("accounts:role_revoke", args=[membership.pk])).status_code == 405
    assert Membership.objects.get(pk=membership.pk).is_active


# --- API tokens ---------------------------------------------------------------------------
def test_the_tokens_page_creates_a_token_and_shows_it_once(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(TOKENS, {"name": "Crisis centre case system"})

    assert response.status_code == 200
    shown = re.findall(r"qrg_[A-Za-z0-9_\-]{20,}", response.content.decode())
    assert len(shown) == 1
    raw = shown[0]
    assert api_token_authenticate(raw) == person
    again = client.get(TOKENS).content.decode()
    assert raw not in again
    assert "Crisis centre case system" in again
    assert ApiToken.objects.get(user=person).prefix in again


def test_the_tokens_page_lists_only_your_own_tokens(client):
    person = UserFactory()
    api_token_create(actor=UserFactory(), name="Someone else's integration")
    client.force_login(person)

    page = client.get(TOKENS).content.decode()

    assert "Someone else" not in page
    assert "You have no API tokens." in page


def test_you_revoke_your_own_token(client):
    person = UserFactory()
    token, raw = api_token_create(actor=person, name="sync")
    client.force_login(person)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert api_token_authenticate(raw) is None


def test_revoking_someone_elses_token_is_404(client):
    owner = UserFactory()
    token, raw = api_token_create(actor=owner, name="sync")
    client.force_login(user_with_role(Role.SYSTEM_ADMIN))

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert api_token_authenticate(raw) == owner


# --- home ---------------------------------------------------------------------------------
def test_an_auditor_finds_the_audit_trail_on_their_home_page(client):
    client.force_login(user_with_role(Role.AUDITOR))

    page = client.get(HOME).content.decode()

    assert 'data-role="auditor"' in page
    assert f'href="{reverse("audit:events")}"' in page
    assert "Open the audit trail" in page
    assert 'data-role="org_admin"' not in page


def test_a_front_line_worker_sees_their_panel_and_no_audit_trail(client):
    client.force_login(user_with_role(Role.FRONT_LINE))

    page = client.get(HOME).content.decode()

    assert "Screen a child" in page
    assert f'href="{reverse("screening:new")}"' in page
    assert "This module is not available yet" not in page
    assert "Audit trail" not in page
    assert reverse("accounts:members") not in page


def test_a_person_with_two_roles_sees_both_panels(client, organisation):
    person = user_with_role(Role.ORG_ADMIN, organisation)
    MembershipFactory(user=person, organisation=organisation, role=Role.TRAINER)
    client.force_login(person)

    page = client.get(HOME).content.decode()

    assert 'data-role="org_admin"' in page and 'data-role="trainer"' in page
    assert "Manage people" in page


def test_a_person_with_no_role_gets_an_honest_empty_home_page(client):
    client.force_login(UserFactory())

    response = client.get(HOME)

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have no role in any organisation yet." in page
    assert 'class="panel"' not in page


def test_a_withdrawn_role_no_longer_shows_its_panel(client):
    person = user_with_role(Role.AUDITOR)
    Membership.objects.filter(user=person).update(is_active=False)
    client.force_login(person)

    page = client.get(HOME).content.decode()

    assert "Audit trail" not in page
    assert "You have no role in any organisation yet." in page


# --- language -----------------------------------------------------------------------------
def test_switching_language_is_saved_for_the_user_and_used_on_the_next_page(client):
    person = UserFactory()
    client.force_login(person)
    assert _html_lang(client.get(HOME)) == "en"

    response = client.post(SET_LANGUAGE, {"language": "ru", "next": HOME})

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert User.objects.get(pk=person.pk).language == "ru"
    assert _html_lang(client.get(HOME)) == "ru"


def test_the_chosen_language_is_remembered_after_logging_out_and_in_again(client):
    person = UserFactory()
    client.force_login(person)
    client.post(SET_LANGUAGE, {"language": "kk", "next": HOME})
    client.post(reverse("accounts:logout"))

    # A different browser, with no language cookie, that asks for English.
    elsewhere = Client(headers={"accept-language": "en"})
    response = elsewhere.post(
        reverse("accounts:login"), {"username": person.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert _html_lang(elsewhere.get(HOME)) == "kk"


def test_an_anonymous_visitor_switches_language_for_the_browser(client):
    response = client.post(SET_LANGUAGE, {"language": "ru", "next": reverse("accounts:login")})

    assert response.cookies["qorgau_language"].value == "ru"
    assert _html_lang(client.get(reverse("accounts:login"))) == "ru"


@pytest.mark.parametrize("language", ["de", "", "kk-XX"])
def test_an_invalid_language_is_refused_with_a_message(client, language):
    person = UserFactory(language="ru")
    client.force_login(person)

    response = client.post(SET_LANGUAGE, {"language": language, "next": HOME}, follow=True)

    with translation.override("ru"):  # the message comes in the language the person reads
        expected = translation.gettext("Choose Kazakh, Russian or English.")
    assert expected in _messages(response)
    assert expected in response.content.decode()
    assert User.objects.get(pk=person.pk).language == "ru"
    assert "qorgau_language" not in response.cookies


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example/path", "http://evil.example/", "javascript:alert(1)"],
)
def test_switching_language_never_redirects_to_another_site(client, target):
    response = client.post(SET_LANGUAGE, {"language": "en", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signing_in_never_redirects_to_another_site(client):
    person = UserFactory()

    response = client.post(
        f"{reverse('accounts:login')}?next=https://evil.example",
        {"username": person.username, "password": TEST_PASSWORD, "next": "https://evil.example"},
    )

    assert response.status_code == 302
    assert response["Location"] == HOME


def test_signing_in_follows_a_local_next(client):
    person = UserFactory()

    response = client.post(
        reverse("accounts:login"),
        {"username": person.username, "password": TEST_PASSWORD, "next": TOKENS},
    )

    assert response["Location"] == TOKENS
