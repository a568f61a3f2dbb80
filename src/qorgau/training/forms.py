from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Organisation, Region
from qorgau.training.models import Event, Programme, ProgrammeTarget, Registration, Sector, Session
from qorgau.training.services import (
    AudienceData,
    EventData,
    ParticipantData,
    ProgrammeData,
    SessionData,
    SpeakerData,
)
from qorgau.training.topics import topic_catalogue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _regions() -> QuerySet[Region]:
    # Current units first, then the historical ones older events need.
    return Region.objects.order_by("valid_to", "kind", "name_en")


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- programmes ---------------------------------------------------------------------------
class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    implementer = forms.ModelChoiceField(
        label=_("Implementer"), queryset=Organisation.objects.none()
    )
    donors = forms.ModelMultipleChoiceField(
        label=_("Donors"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Co-organisers and partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )

    def __init__(self, *args: Any, implementers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["implementer"].queryset = implementers  # type: ignore[attr-defined]
        self.fields["donors"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["partners"].queryset = _organisations()  # type: ignore[attr-defined]
        for metric, label in ProgrammeTarget.Metric.choices:
            self.fields[f"target_{metric}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100 if metric == ProgrammeTarget.Metric.WOMEN_SHARE else 10_000_000,
                required=False,
                help_text=_("Leave empty for no target."),
            )

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": programme.name,
            "implementer": programme.implementer,
            "donors": list(programme.donors.all()),
            "partners": list(programme.partners.all()),
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "goals": programme.goals,
        }
        for target in programme.targets.all():
            initial[f"target_{target.metric}"] = target.value
        return initial

    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"target_{metric}"] for metric in ProgrammeTarget.Metric.values]

    def to_data(self) -> ProgrammeData:
        data = self.cleaned_data
        return ProgrammeData(
            name=data["name"],
            implementer=data["implementer"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            goals=data["goals"],
            donors=list(data["donors"]),
            partners=list(data["partners"]),
            targets={
                metric: data[f"target_{metric}"]
                for metric in ProgrammeTarget.Metric.values
                if data.get(f"target_{metric}") is not None
            },
        )


# --- events -------------------------------------------------------------------------------
class AudienceForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    role = forms.CharField(
        label=_("Roles"),
        max_length=200,
        required=False,
        help_text=_("For example: police officers, social workers"),
    )
    planned = forms.IntegerField(label=_("Planned places"), min_value=1, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") and not data.get("sector"):
            self.add_error("sector", _("Choose the sector of these roles."))
        if data.get("sector") and not data.get("role"):
            self.add_error("role", _("Say which roles in this sector the event is for."))
        return data


AudienceFormSet = forms.formset_factory(AudienceForm, extra=2, max_num=12)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organisation.objects.none())
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    city = forms.CharField(label=_("City"), max_length=100)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none())
    venue = forms.CharField(label=_("Venue"), max_length=255)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    requires_approval = forms.BooleanField(
        label=_("Registrations need my approval"), required=False, initial=True
    )
    registration_open = forms.BooleanField(
        label=_("Registration is open"), required=False, initial=True
    )
    reminder_days = forms.IntegerField(
        label=_("Send a reminder this many days before"),
        min_value=0,
        max_value=30,
        initial=2,
        help_text=_("0 sends no reminder."),
    )

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Organisation],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["co_organisers"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["region"].queryset = _regions()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "organiser": event.organiser,
            "programme": event.programme,
            "co_organisers": list(event.co_organisers.all()),
            "city": event.city,
            "region": event.region,
            "venue": event.venue,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "capacity": event.capacity,
            "languages": event.languages,
            "requires_approval": event.requires_approval,
            "registration_open": event.registration_open,
            "reminder_days": event.reminder_days,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data

    def to_data(self, audiences: list[AudienceData]) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            organiser=data["organiser"],
            programme=data["programme"],
            co_organisers=list(data["co_organisers"]),
            city=data["city"],
            region=data["region"],
            venue=data["venue"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            capacity=data["capacity"],
            languages=data["languages"],
            requires_approval=data["requires_approval"],
            registration_open=data["registration_open"],
            reminder_days=data["reminder_days"],
            audiences=audiences,
        )


def audiences_from(formset: Any) -> list[AudienceData]:
    return [
        AudienceData(sector=f.cleaned_data["sector"], role=f.cleaned_data["role"],
                     planned=f.cleaned_data.get("planned"))
        for f in formset.forms
        if f.cleaned_data.get("sector") and f.cleaned_data.get("role")
    ]  # fmt: skip


class CloneForm(forms.Form):
    city = forms.CharField(label=_("City"), max_length=100)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none())
    venue = forms.CharField(label=_("Venue"), max_length=255)
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()  # type: ignore[attr-defined]


class TrainerForm(forms.Form):
    username = forms.CharField(
        label=_("Trainer's user name"),
        max_length=150,
        help_text=_("The trainer needs a Qorgau account with the trainer role."),
    )


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title or position"), max_length=255, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    bio = forms.CharField(
        label=_("Short biography"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1500,
    )

    def to_data(self) -> SpeakerData:
        return SpeakerData(**self.cleaned_data)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME)
    format = forms.ChoiceField(
        label=_("Format"), choices=Session.Format.choices, initial=Session.Format.LECTURE
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("The speaker's own title for the session, if it has one."),
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, speakers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "—"), *topic_catalogue().choices()]  # type: ignore[attr-defined]
        self.fields["speakers"].queryset = speakers  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(session: Session) -> dict[str, Any]:
        return {
            "date": session.date,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "format": session.format,
            "topic": session.topic,
            "title": session.title,
            "room": session.room,
            "speakers": list(session.speakers.all()),
        }

    def to_data(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            format=data["format"],
            topic=data["topic"],
            title=data["title"],
            room=data["room"],
            speakers=list(data["speakers"]),
        )


# --- participants -------------------------------------------------------------------------
class RegistrationForm(forms.Form):
    """The public form. Works without JavaScript; a hidden token makes a second submit harmless."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices])
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    region = RegionChoiceField(
        label=_("Region where you work"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Outside Kazakhstan"),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Registration.Gender.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the confirmation and your personal code here."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        help_text=_("Give an e-mail address, a phone number or both."),
    )
    language = forms.ChoiceField(
        label=_("Language for our messages"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: step-free access, sign-language interpreting, large print."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisers process these data to run this event and to report on "
            "it (numbers only, never my name)."
        ),
        error_messages={
            "required": _("We can register you only with your consent to process your data.")
        },
    )
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            valid_to__isnull=True
        ).order_by("kind", "name_en")
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)
            language = (get_language() or settings.LANGUAGE_CODE)[:2]
            self.initial.setdefault("language", language)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not (data.get("phone") or "").strip():
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def to_data(self) -> ParticipantData:
        data = self.cleaned_data
        return ParticipantData(
            full_name=data["full_name"],
            organisation_name=data["organisation_name"],
            sector=data["sector"],
            position=data["position"],
            region=data["region"],
            gender=data["gender"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            accessibility_needs=data["accessibility_needs"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Participant list (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    consent_confirmed = forms.BooleanField(
        label=_("Everyone on this list agreed to their data being processed for this event."),
        error_messages={
            "required": _("Confirm that everyone on the list agreed to their data being processed.")
        },
    )


class PersonalCodeForm(forms.Form):
    """A participant without an account identifies on a test, the check-in or a survey: the
    personal code, never the e-mail address alone (training/identify.py)."""

    identifier = forms.CharField(
        label=_("Your personal code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("The personal code is in the e-mail that confirmed your place."),
    )


class LostCodeForm(forms.Form):
    """A participant who lost their personal code asks for it by e-mail (training/lost_code.py)."""

    # The field's name tells this form from the personal code form on the same page.
    lost_code_email = forms.EmailField(
        label=_("The e-mail address you registered with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
