"""Forms of the directory pages. The rules live in services.py; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Region
from qorgau.accounts.selectors import current_regions
from qorgau.directory.models import ServiceType, split_languages
from qorgau.directory.selectors import service_types

# The languages a search offers and a form ticks; others are typed as ISO 639 codes.
COMMON_LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
    ("uz", _("Uzbek")),
    ("ky", _("Kyrgyz")),
    ("tg", _("Tajik")),
]
_COMMON = {code for code, _label in COMMON_LANGUAGES}


def language_name(code: str) -> str:
    return str(dict(COMMON_LANGUAGES).get(code, code))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region served"), queryset=Region.objects.none(), required=False
    )
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *COMMON_LANGUAGES], required=False
    )
    free = forms.BooleanField(label=_("Only with free places now"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        type_field = self.fields["service_type"]
        assert isinstance(region_field, forms.ModelChoiceField)
        assert isinstance(type_field, forms.ModelChoiceField)
        region_field.queryset = current_regions()
        region_field.empty_label = _("Any region")
        type_field.queryset = service_types()
        type_field.empty_label = _("Any service")


class LanguagesMixin(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=COMMON_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        max_length=60,
        help_text=_("ISO 639 codes, comma-separated, e.g. tr, zh."),
    )

    def language_codes(self) -> list[str]:
        codes = list(self.cleaned_data.get("languages") or [])
        return codes + split_languages(self.cleaned_data.get("other_languages") or "")

    @staticmethod
    def language_initial(value: str) -> dict[str, Any]:
        codes = split_languages(value)
        return {
            "languages": [code for code in codes if code in _COMMON],
            "other_languages": ", ".join(code for code in codes if code not in _COMMON),
        }


class ProviderProfileForm(LanguagesMixin):
    description = forms.CharField(
        label=_("What you offer"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=300,
        help_text=_("For example: Mon–Fri 9:00–18:00; hotline around the clock."),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_listed = forms.BooleanField(
        label=_("Listed in the directory"),
        required=False,
        help_text=_("Unlisted providers are seen only by their own staff."),
    )

    field_order = [
        "description",
        "phone",
        "email",
        "address",
        "opening_hours",
        "languages",
        "other_languages",
        "accessibility",
        "is_listed",
    ]


class ProviderServiceForm(LanguagesMixin):
    service_type = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.none())
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions served"),
        queryset=Region.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility = forms.CharField(
        label=_("Age groups and eligibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label=_("Offered now"), required=False, initial=True)

    field_order = [
        "service_type",
        "regions",
        "languages",
        "other_languages",
        "eligibility",
        "description",
        "is_active",
    ]

    def __init__(self, *args: Any, fixed_type: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["service_type"]
        region_field = self.fields["regions"]
        assert isinstance(type_field, forms.ModelChoiceField)
        assert isinstance(region_field, forms.ModelMultipleChoiceField)
        type_field.queryset = service_types()
        type_field.disabled = fixed_type
        region_field.queryset = current_regions()
        self.fields["languages"].help_text = _("Leave empty to use the provider's languages.")


class CapacityForm(forms.Form):
    total = forms.IntegerField(label=_("Capacity"), min_value=0)
    free = forms.IntegerField(label=_("Free places now"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
