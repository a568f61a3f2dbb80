"""The admin shows training records read-only, and never participants' names or contacts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qorgau.accounts.tests.factories import UserFactory
from qorgau.training.tests.factories import AttendanceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_training_admin_page_opens_read_only(superuser_client):
    attendance = AttendanceFactory()
    objects = {
        "programme": None,
        "series": None,
        "event": attendance.session.event,
        "session": attendance.session,
        "speaker": None,
        "registration": attendance.registration,
        "attendance": attendance,
    }
    for model, obj in objects.items():
        changelist = superuser_client.get(reverse(f"admin:training_{model}_changelist"))
        assert changelist.status_code == 200, model
        assert superuser_client.get(reverse(f"admin:training_{model}_add")).status_code == 403
        if obj is not None:
            change = reverse(f"admin:training_{model}_change", args=[obj.pk])
            page = superuser_client.get(change)
            assert page.status_code == 200, model
            assert 'type="submit" value="Save"' not in page.content.decode()


def test_the_admin_does_not_show_who_registered(superuser_client):
    registration = RegistrationFactory(full_name="Hidden Person", email="hidden@example.org")

    for url in (
        reverse("admin:training_registration_changelist"),
        reverse("admin:training_registration_change", args=[registration.pk]),
    ):
        page = superuser_client.get(url).content.decode()
        assert "Hidden Person" not in page and "hidden@example.org" not in page
