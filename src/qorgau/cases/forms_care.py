"""Forms of a case's care: assessments, plan, services delivered, closure and follow-up.

They parse input; the rules are in services_assessments.py, services_plan.py and
services_closure.py. Each has a prefix, so several live on the case page without clashing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation
from qorgau.cases.forms import DATE
from qorgau.cases.models_care import (
    Assessment,
    BestInterestsOutcome,
    ClosureReason,
    RiskLevel,
)
from qorgau.cases.periods import periods
from qorgau.directory.models import ServiceType

TEXT = forms.Textarea(attrs={"rows": 3})
RISK_CHOICES = [("", "—"), *RiskLevel.choices]


class KeyedForm(forms.Form):
    """Carries a client-made key: the same key twice (a double click) records once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of assessment"), choices=Assessment.Kind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, initial=timezone.localdate)
    findings = forms.CharField(label=_("Findings"), widget=TEXT)
    recommendations = forms.CharField(label=_("Recommendations"), widget=TEXT, required=False)
    safety_risk = forms.ChoiceField(label=_("Safety risk"), choices=RISK_CHOICES, required=False)
    retrafficking_risk = forms.ChoiceField(
        label=_("Risk of re-trafficking"), choices=RISK_CHOICES, required=False
    )
    family_risk = forms.ChoiceField(
        label=_("Risk in the family"), choices=RISK_CHOICES, required=False
    )
    outcome = forms.ChoiceField(
        label=_("Decision in the child's best interests"),
        choices=[("", "—"), *BestInterestsOutcome.choices],
        required=False,
    )
    family_assessed = forms.BooleanField(label=_("The family was assessed"), required=False)
    child_views = forms.CharField(label=_("The child's own views"), widget=TEXT, required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class NewAssessmentForm(KeyedForm, AssessmentForm):
    pass


class EditAssessmentForm(VersionedForm, AssessmentForm):
    pass


class ReflectionForm(forms.Form):
    starts_on = forms.DateField(
        label=_("The period starts on"), widget=DATE, initial=timezone.localdate
    )


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals of the plan"), widget=TEXT)
    starts_on = forms.DateField(
        label=_("The plan starts on"), widget=DATE, initial=timezone.localdate
    )


class PlanGoalsForm(VersionedForm):
    goals = forms.CharField(label=_("Goals of the plan"), widget=TEXT)


class PlanExtendForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why does the plan need more time?"),
        max_length=1000,
        widget=TEXT,
        help_text=_("For example: the criminal proceedings are still running, or a hospital stay."),
    )


class PlanServiceForm(KeyedForm, VersionedForm):
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.filter(social_code=True)
    )
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    description = forms.CharField(
        label=_("What is to be done"),
        max_length=500,
        required=False,
        help_text=_("The provider sees this: no names, no story of the case."),
    )

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class DeliveryForm(KeyedForm):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("What was done"), max_length=500)


def _follow_up_choices() -> list[tuple[int, str]]:
    limits = periods()
    return [
        (months, str(months))
        for months in range(limits.follow_up_min_months, limits.follow_up_max_months + 1)
    ]


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is the case closed?"), choices=ClosureReason.choices)
    follow_up_months = forms.TypedChoiceField(
        label=_("Follow-up (months)"), coerce=int, choices=_follow_up_choices
    )
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow_up_months"].initial = periods().follow_up_default_months


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE, initial=timezone.localdate)
    took_place = forms.TypedChoiceField(
        label=_("Did the visit take place?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No, it could not take place"))],
        initial="yes",
    )
    note = forms.CharField(label=_("What was found"), widget=TEXT)


class ReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=1000, widget=TEXT)


class FinishForm(VersionedForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
