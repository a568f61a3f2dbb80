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


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.region.name})"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.original_name})"


class TransferForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    to_organisation = OrganisationChoice(
        label=_("Transfer to"),
        queryset=Organisation.objects.none(),
        help_text=_("An organisation (of any region) whose case managers will take the case."),
    )
    handover_note = forms.CharField(
        label=_("Handover note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the new case manager must know: the child's situation, open services, "
            "risks, and who to contact."
        ),
    )
    keep_access = forms.BooleanField(
        label=_("Keep our organisation on the case team (read only) after the transfer"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class AcceptTransferForm(forms.Form):
    manager = PersonChoice(
        label=_("New case manager"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = managers
        field.empty_label = _("Me")


class AttachDocumentForm(forms.Form):
    document = DocumentChoice(
        label=_("Share a document with the provider"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = documents
