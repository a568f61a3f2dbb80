"""Forms of the identification pages: they parse input; the rules live in services.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation, Region
from qorgau.screening import scoring
from qorgau.screening.models import (
    Answer,
    Catalogue,
    ExploitationForm,
    Indicator,
    Screening,
    Sex,
    VictimStatusDecision,
)
from qorgau.screening.services import HOME_COUNTRY, ScreeningInput

ANSWER_PREFIX = "answer__"
NOTE_PREFIX = "note__"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_DATE = "%Y-%m-%d"

# "Is this person a child?": the three answers a worker can give, and what each means.
DECLARED_CHILD = {"yes": True, "no": False, "unsure": None}


def declared_child_value(value: bool | None) -> str:
    if value is None:
        return "unsure"
    return "yes" if value else "no"


class QuietMixin:
    """A bound form shown again without its errors (re-rendering the questions is not saving)."""

    def quiet(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data: dict[str, Any] = {}


class ScreeningFactsForm(QuietMixin, forms.Form):
    """Who, where, when, and what is known of the child. Field names match the service's
    error keys, so a ValidationError lands next to the field it is about."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    catalogue_version = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        label=_("Screening for"), queryset=Organisation.objects.none()
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    screened_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example: school yard, bus station, market."),
    )
    child_name = forms.CharField(
        label=_("Name, if known"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth, if known"),
        required=False,
        input_formats=[ISO_DATE],
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    age_min = forms.IntegerField(
        label=_("Estimated age from"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_max = forms.IntegerField(
        label=_("to"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    declared_child = forms.ChoiceField(
        label=_("Is this person a child (under 18)?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("unsure", _("Not sure"))],
        initial="unsure",
        required=False,
        widget=forms.RadioSelect,
    )
    signs_of_childhood = forms.BooleanField(
        label=_("Looks or behaves like a child"), required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    citizenship = forms.CharField(
        label=_("Citizenship"),
        max_length=2,
        required=False,
        initial=HOME_COUNTRY,
        help_text=_("Two-letter country code: KZ, UZ, KG, TJ, RU… Leave empty if not known."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 3}),
    )
    unaccompanied = forms.BooleanField(
        label=_("Alone, or with adults who are not their parents or guardians"), required=False
    )
    immediate_danger = forms.BooleanField(label=_("In immediate danger"), required=False)
    exploitation_form = forms.ChoiceField(
        label=_("Suspected form of exploitation"),
        choices=ExploitationForm.choices,
        initial=ExploitationForm.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    observations = forms.CharField(
        label=_("What you saw and heard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facts in your own words: who, what, where. No guesses about the child."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        regions: QuerySet[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        if len(self.organisations) > 1:
            org_field = self.fields["organisation"]
            assert isinstance(org_field, forms.ModelChoiceField)
            org_field.queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in self.organisations]
            )
        else:
            # Only one organisation to screen for: nothing to choose.
            del self.fields["organisation"]
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions

    def clean_declared_child(self) -> bool | None:
        return DECLARED_CHILD.get(self.cleaned_data.get("declared_child") or "unsure")

    def clean_sex(self) -> str:
        return str(self.cleaned_data.get("sex") or Sex.UNKNOWN)

    def clean_exploitation_form(self) -> str:
        return str(self.cleaned_data.get("exploitation_form") or ExploitationForm.UNKNOWN)

    def clean_citizenship(self) -> str:
        return str(self.cleaned_data.get("citizenship") or "").strip().upper()

    def chosen_organisation(self) -> Organisation:
        if "organisation" in self.fields:
            chosen = self.cleaned_data["organisation"]
            assert isinstance(chosen, Organisation)
            return chosen
        return self.organisations[0]


def presumed_child(cleaned: dict[str, Any]) -> bool:
    """Whether the questions for a child apply, from what is entered so far.

    The service decides for good at submission; this only picks the questions. With nothing
    entered a person is presumed a child (presumption of minority).
    """
    screened_at = cleaned.get("screened_at")
    on = screened_at.date() if isinstance(screened_at, datetime) else timezone.localdate()
    birth_date = cleaned.get("birth_date")
    return scoring.treated_as_child(
        birth_date=birth_date if isinstance(birth_date, date) else None,
        age_min=cleaned.get("age_min"),
        age_max=cleaned.get("age_max"),
        declared_child=cleaned.get("declared_child"),
        signs_of_childhood=bool(cleaned.get("signs_of_childhood")),
        on=on,
    )


@dataclass
class QuestionRow:
    indicator: Indicator
    answer: forms.BoundField
    note: forms.BoundField

    @property
    def value(self) -> str:
        return str(self.answer.value() or Answer.Value.UNKNOWN)


@dataclass
class DimensionGroup:
    key: str
    name: str
    rows: list[QuestionRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.value != Answer.Value.UNKNOWN)

    @property
    def has_errors(self) -> bool:
        return any(row.answer.errors or row.note.errors for row in self.rows)


@dataclass
class ListGroup:
    key: str
    name: str
    dimensions: list[DimensionGroup] = field(default_factory=list)


class ScreeningForm(ScreeningFactsForm):
    """The facts and one yes / no / don't know question (with a note) per indicator shown."""

    def __init__(self, *args: Any, indicators: Sequence[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[ANSWER_PREFIX + indicator.key] = forms.ChoiceField(
                label=indicator.question,
                choices=Answer.Value.choices,
                initial=Answer.Value.UNKNOWN,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[NOTE_PREFIX + indicator.key] = forms.CharField(
                label=_("Note"), max_length=500, required=False
            )

    def question_groups(self, catalogue: Catalogue) -> list[ListGroup]:
        """The questions grouped by list, then by dimension, in the catalogue's order."""
        lists: dict[str, ListGroup] = {}
        dimensions: dict[tuple[str, str], DimensionGroup] = {}
        for indicator in self.indicators:
            group = lists.get(indicator.list)
            if group is None:
                group = lists[indicator.list] = ListGroup(
                    indicator.list, catalogue.label("lists", indicator.list)
                )
            place = (indicator.list, indicator.dimension)
            dimension = dimensions.get(place)
            if dimension is None:
                dimension = dimensions[place] = DimensionGroup(
                    indicator.dimension, catalogue.label("dimensions", indicator.dimension)
                )
                group.dimensions.append(dimension)
            dimension.rows.append(
                QuestionRow(
                    indicator,
                    self[ANSWER_PREFIX + indicator.key],
                    self[NOTE_PREFIX + indicator.key],
                )
            )
        return list(lists.values())

    def answers(self) -> dict[str, tuple[str, str]]:
        """Indicator key -> (answer, note); "don't know" without a note is not an answer."""
        answers: dict[str, tuple[str, str]] = {}
        for indicator in self.indicators:
            value = self.cleaned_data.get(ANSWER_PREFIX + indicator.key) or Answer.Value.UNKNOWN
            note = (self.cleaned_data.get(NOTE_PREFIX + indicator.key) or "").strip()
            if value != Answer.Value.UNKNOWN or note:
                answers[indicator.key] = (value, note)
        return answers

    def to_input(self) -> ScreeningInput:
        data = self.cleaned_data
        return ScreeningInput(
            catalogue_version=data["catalogue_version"],
            region=data["region"],
            screened_at=data["screened_at"],
            place=data["place"].strip(),
            exploitation_form=data["exploitation_form"],
            child_name=data["child_name"].strip(),
            birth_date=data["birth_date"],
            age_min=data["age_min"],
            age_max=data["age_max"],
            declared_child=data["declared_child"],
            signs_of_childhood=data["signs_of_childhood"],
            sex=data["sex"],
            citizenship=data["citizenship"],
            unaccompanied=data["unaccompanied"],
            immediate_danger=data["immediate_danger"],
            observations=data["observations"].strip(),
            answers=self.answers(),
        )


def initial_for_new(*, organisation: Organisation, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "idempotency_key": uuid.uuid4(),
        "catalogue_version": catalogue.version,
        "organisation": organisation.pk,
        "region": organisation.region_id,
        "screened_at": timezone.localtime().replace(second=0, microsecond=0),
        "citizenship": HOME_COUNTRY,
    }


def initial_from(screening: Screening) -> dict[str, Any]:
    """What a saved draft holds, as the form's initial values."""
    initial: dict[str, Any] = {
        "idempotency_key": screening.idempotency_key,
        "catalogue_version": screening.catalogue.version,
        "organisation": screening.organisation_id,
        "region": screening.region_id,
        "screened_at": timezone.localtime(screening.screened_at),
        "declared_child": declared_child_value(screening.declared_child),
    }
    for name in (
        "place",
        "child_name",
        "birth_date",
        "age_min",
        "age_max",
        "signs_of_childhood",
        "sex",
        "citizenship",
        "unaccompanied",
        "immediate_danger",
        "exploitation_form",
        "observations",
    ):
        initial[name] = getattr(screening, name)
    for answer in screening.answers.all():
        initial[ANSWER_PREFIX + answer.indicator.key] = answer.value
        initial[NOTE_PREFIX + answer.indicator.key] = answer.note
    return initial


# --- formal identification ----------------------------------------------------------------
class DecisionForm(QuietMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"), choices=VictimStatusDecision.Status.choices, widget=forms.RadioSelect
    )
    organisation = forms.ModelChoiceField(
        label=_("Authorized body"), queryset=Organisation.objects.none(), empty_label=None
    )
    decided_on = forms.DateField(
        label=_("Date of decision"),
        input_formats=[ISO_DATE],
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The facts the decision rests on."),
    )
    confirm_supersede = forms.BooleanField(
        label=_("I understand that this decision will supersede the current one."),
        required=False,
    )

    def __init__(
        self, *args: Any, organisations: Sequence[Organisation], supersedes: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            org_field.initial = organisations[0].pk
        if supersedes:
            self.fields["confirm_supersede"].required = True
            self.fields["confirm_supersede"].error_messages["required"] = _(
                "Confirm that the new decision supersedes the current one."
            )
        else:
            del self.fields["confirm_supersede"]


# --- system admin: reference data ---------------------------------------------------------
MAX_CATALOGUE_BYTES = 2 * 1024 * 1024


class CatalogueUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Catalogue file (YAML)"),
        help_text=_(
            "One document with version, published, notes, lists, dimensions and indicators. "
            "The version must be newer than the published one."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_CATALOGUE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class PathwayRulesForm(forms.Form):
    document = forms.CharField(
        label=_("Rules (YAML)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
    )
    notes = forms.CharField(
        label=_("What changed, and why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
