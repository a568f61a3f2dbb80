from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation
from qorgau.directory.models import ServiceType


class SendForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.order_by("position")
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Organisation.objects.none(),
        help_text=_("Providers of this service in the child's region, from the directory."),
    )
    reason = forms.CharField(
        label=_("What the child needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the provider needs to help. It sees nothing else of the case."),
    )
    urgent_reason = forms.CharField(
        label=_("Urgent: reason for referring without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if there is no consent for a referral and the child cannot wait."),
    )

    def __init__(self, *args: Any, providers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[p.pk for p in providers]).order_by(
            "name"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    reason = forms.CharField(
        label=_("What was done for the child"), widget=forms.Textarea(attrs={"rows": 3})
    )
