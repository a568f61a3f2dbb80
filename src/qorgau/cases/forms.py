"""Forms of the case pages. They parse input; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation, Region
from qorgau.cases.models import Approval, CareStatus, ConsentPurpose, Script
from qorgau.screening.models import Sex

NAME_ROWS = 3
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChildForm(forms.Form):
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    age_min = forms.IntegerField(label=_("Estimated age from"), required=False, min_value=0)
    age_max = forms.IntegerField(label=_("Estimated age to"), required=False, min_value=0)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    citizenship = forms.CharField(label=_("Citizenship (ISO code)"), max_length=2, required=False)
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    disability = forms.CharField(
        label=_("Disability"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    special_needs = forms.CharField(
        label=_("Special needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    care_status = forms.ChoiceField(
        label=_("Care status"), choices=[("", "—"), *CareStatus.choices], required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    address = forms.CharField(label=_("Home address"), max_length=300, required=False)
    guardian_name = forms.CharField(label=_("Legal representative"), max_length=200, required=False)
    guardian_relation = forms.CharField(
        label=_("Relation to the child"), max_length=100, required=False
    )
    guardian_contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family member"), max_length=200, required=False)
    family_relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    family_contact = forms.CharField(label=_("Contact"), max_length=200, required=False)

    def __init__(self, *args: Any, regions: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        for row in range(1, NAME_ROWS + 1):
            self.fields[f"name_{row}"] = forms.CharField(
                label=_("Name as a source writes it") if row == 1 else _("Another spelling"),
                max_length=200,
                required=row == 1,
            )
            self.fields[f"script_{row}"] = forms.ChoiceField(
                label=_("Script"),
                choices=[("", _("Recognise it")), *Script.choices],
                required=False,
            )
            self.fields[f"source_{row}"] = forms.CharField(
                label=_("Source (document, person)"), max_length=200, required=False
            )

    def name_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"name_{row}"], self[f"script_{row}"], self[f"source_{row}"])
            for row in range(1, NAME_ROWS + 1)
        ]


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class InviteForm(OrganisationChoiceForm):
    role_note = forms.CharField(label=_("What they will do"), max_length=300, required=False)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move the case to"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent to"), choices=ConsentPurpose.choices)
    organisation = forms.ModelChoiceField(
        label=_("Shared with (for sharing)"), queryset=Organisation.objects.none(), required=False
    )
    given_by_name = forms.CharField(label=_("Given by (legal representative)"), max_length=200)
    given_by_relation = forms.CharField(label=_("Relation to the child"), max_length=100)
    given_on = forms.DateField(label=_("Date given"), widget=DATE, initial=timezone.localdate)
    child_view = forms.CharField(
        label=_("The child's own view"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    maturity_note = forms.CharField(
        label=_("The child's age and maturity"), max_length=300, required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is consent withdrawn?"), max_length=500)


class ApprovalRequestForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Ask the supervisor to approve"), choices=Approval.Subject.choices
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
