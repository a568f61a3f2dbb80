"""Forms of the justice pages; the services hold the rules, the forms only parse."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.justice import selectors
from qorgau.justice.articles import criminal_code_articles
from qorgau.justice.models import ChildRole, ClaimStatus, DecisionKind, Outcome, Route, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProceedingForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    register_number = forms.CharField(
        label=_("ERDR number"),
        max_length=32,
        help_text=_("The 15-digit number of the Unified Register of Pre-trial Investigations."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)
    articles = forms.MultipleChoiceField(
        label=_("Criminal Code articles"),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says "choose at least one", with the other errors
        help_text=_("Articles of the Criminal Code of 2014."),
    )
    child_role = forms.ChoiceField(
        label=_("The child in this proceeding"), choices=ChildRole.choices
    )
    investigating_organisation = forms.ModelChoiceField(
        label=_("Investigating body"), queryset=selectors.investigating_bodies()
    )
    prosecutor_organisation = forms.ModelChoiceField(
        label=_("Prosecutor's office"), queryset=selectors.prosecutor_offices(), required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        articles = self.fields["articles"]
        assert isinstance(articles, forms.MultipleChoiceField)
        articles.choices = criminal_code_articles().choices()


class DecisionForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    decided_on = forms.DateField(label=_("Date of decision"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterviewForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    held_on = forms.DateField(label=_("Date of the interview"), widget=DATE)
    interviewer = forms.CharField(label=_("Interviewer"), max_length=200)
    interviewer_trained = forms.BooleanField(
        label=_("The interviewer is trained in child-friendly interviewing"), required=False
    )
    video_recorded = forms.BooleanField(label=_("Video-recorded"), required=False)
    psychologist_present = forms.BooleanField(label=_("A psychologist was present"), required=False)
    legal_representative_present = forms.BooleanField(
        label=_("The legal representative was present"), required=False
    )
    child_friendly_room = forms.BooleanField(label=_("In a child-friendly room"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    repeat_justification = forms.CharField(
        label=_("Why the child must be interviewed again"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when a recorded statement exists. It is kept in the audit trail."),
    )


class ClaimForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (KZT)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    amount_awarded = forms.DecimalField(
        label=_("Amount awarded (KZT)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    amount_received = forms.DecimalField(
        label=_("Amount received so far (KZT)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)
    received_on = forms.DateField(label=_("Last received on"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
