"""The helpers every app's views and API share: errors onto forms, the list window, the
caller and the workspace."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from qorgau.accounts.tests.factories import UserFactory
from qorgau.core.forms import attach_errors, flash_errors
from qorgau.core.http import api_workspace, page_window, request_user, request_workspace
from qorgau.core.models import Workspace


class _Form(forms.Form):
    title = forms.CharField(required=False)
    other_languages = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _bound() -> _Form:
    form = _Form(data={"title": "x", "version": "1"})
    assert form.is_valid()
    return form


def test_errors_go_beside_the_fields_they_name():
    form = _bound()
    attach_errors(form, ValidationError({"title": ["Give it a title."], "version": ["Stale."]}))
    assert form.errors["title"] == ["Give it a title."]
    # A hidden field cannot show its error: it goes above the form.
    assert "version" not in form.errors
    assert form.non_field_errors() == ["Stale."]


def test_errors_about_unknown_fields_or_the_whole_input_go_above_the_form():
    form = _bound()
    attach_errors(
        form, ValidationError({"case": ["Closed."], "__all__": ["Someone else saved it."]})
    )
    assert set(form.errors) == {"__all__"}
    assert form.non_field_errors() == ["Closed.", "Someone else saved it."]

    plain = _bound()
    attach_errors(plain, ValidationError("Not allowed now."))
    assert plain.non_field_errors() == ["Not allowed now."]


def test_a_service_field_can_be_shown_beside_the_form_field_that_asks_it():
    form = _bound()
    attach_errors(
        form,
        ValidationError({"languages": ["Unknown code: xx"]}),
        fields={"languages": "other_languages"},
    )
    assert form.errors["other_languages"] == ["Unknown code: xx"]
    # A mapping to a field this form does not have falls back to the service's name.
    other = _bound()
    attach_errors(other, ValidationError({"title": ["Too long."]}), fields={"title": "nope"})
    assert other.errors["title"] == ["Too long."]


def test_flash_errors_says_each_message():
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    flash_errors(request, ValidationError({"a": ["One."], "b": ["Two."]}))
    assert sorted(str(m) for m in get_messages(request)) == ["One.", "Two."]


@given(st.integers(-1000, 1000), st.integers(-1000, 10_000))
def test_the_list_window_is_never_negative_empty_or_too_long(limit, offset):
    start, stop = page_window(limit, offset)
    assert start == max(offset, 0)
    assert 1 <= stop - start <= 100
    if 1 <= limit <= 100:
        assert stop - start == limit


def test_the_list_window_can_be_narrower():
    assert page_window(500, 0, most=20) == (0, 20)


@pytest.mark.django_db
def test_the_caller_and_the_workspace():
    request = RequestFactory().get("/")
    user = UserFactory()
    request.user = user
    assert request_user(request) == user
    request.user = AnonymousUser()
    with pytest.raises(AssertionError):
        request_user(request)

    training = Workspace.objects.create(kind=Workspace.Kind.TRAINING, name="Exercise")
    request.workspace = training  # type: ignore[attr-defined]
    assert request_workspace(request) == training
    assert api_workspace(request) == training
    del request.workspace  # type: ignore[attr-defined]
    # A token call carries no session: the real workspace.
    assert api_workspace(request).kind == Workspace.Kind.REAL
