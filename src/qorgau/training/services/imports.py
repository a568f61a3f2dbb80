"""Registrations in bulk: the Excel import and the synthetic demo participants."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Region, User
from qorgau.audit.services import record
from qorgau.training import spreadsheets
from qorgau.training.emails import Kind
from qorgau.training.models import (
    Event,
    Registration,
    Sector,
)
from qorgau.training.services.common import (
    Status,
    _approved_count,
    _email_after_commit,
    _locked,
    _may,
    _require,
)
from qorgau.training.services.registration import (
    ParticipantData,
    _build,
    _codes_of,
    _free_code,
    _validate,
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class ImportRejected(Exception):
    """Nothing was imported; ``errors`` says, row by row, what to fix."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    approved: int
    waitlisted: int


def _choice_lookup(choices: Sequence[tuple[str, Any]], extra: Mapping[str, str]) -> dict[str, str]:
    lookup = {spreadsheets.fold(alias): key for alias, key in extra.items()}
    for key, label in choices:
        lookup[spreadsheets.fold(key)] = key
        for text in spreadsheets._labels(label):
            lookup[text] = key
    return lookup


_GENDER_ALIASES = {
    "f": "female", "ж": "female", "жен": "female", "женский": "female", "әйел": "female",
    "m": "male", "м": "male", "муж": "male", "мужской": "male", "ер": "male", "еркек": "male",
}  # fmt: skip
_LANGUAGE_ALIASES = {
    "қазақ": "kk", "қазақша": "kk", "казахский": "kk", "kazakh": "kk", "қазақ тілі": "kk",
    "русский": "ru", "орыс": "ru", "орысша": "ru", "russian": "ru", "орыс тілі": "ru",
    "english": "en", "английский": "en", "ағылшын": "en", "ағылшынша": "en",
}  # fmt: skip


def _region_lookup(on: date) -> dict[str, Region]:
    """Regions by key, ISO code or any of their names; a name means the unit valid on the day."""
    lookup: dict[str, Region] = {}
    regions = sorted(Region.objects.all(), key=lambda r: r.valid_to is None)
    for region in regions:
        valid = (region.valid_from is None or region.valid_from <= on) and (
            region.valid_to is None or on <= region.valid_to
        )
        names = [region.name_kk, region.name_ru, region.name_en]
        names += [region.centre_kk, region.centre_ru, region.centre_en]
        for name in names:
            if name and valid:
                lookup[spreadsheets.fold(name)] = region
        lookup[spreadsheets.fold(region.key)] = region
        if valid:
            lookup[spreadsheets.fold(region.iso_code)] = region
    return lookup


def _row_data(
    row: spreadsheets.SheetRow,
    lookups: dict[str, dict[str, Any]],
    add: Callable[[int, str, str], None],
) -> ParticipantData | None:
    values = row.values
    problems = 0

    def pick(column: str, label: str, required: bool) -> Any:
        nonlocal problems
        text = values.get(column, "")
        if not text:
            if required:
                add(row.number, label, _("This column must be filled in."))
                problems += 1
            return None
        found = lookups[column].get(spreadsheets.fold(text))
        if found is None:
            add(row.number, label, _("“%(value)s” is not in the list.") % {"value": text})
            problems += 1
        return found

    labels = {c.key: str(c.label) for c in spreadsheets.COLUMNS}
    sector = pick("sector", labels["sector"], True)
    gender = pick("gender", labels["gender"], True)
    language = pick("language", labels["language"], False) or settings.LANGUAGE_CODE
    region = pick("region", labels["region"], False)
    for column in ("full_name", "organisation_name", "position"):
        if not values.get(column):
            add(row.number, labels[column], _("This column must be filled in."))
            problems += 1
    if problems:
        return None
    return ParticipantData(
        full_name=values.get("full_name", ""),
        organisation_name=values.get("organisation_name", ""),
        sector=sector,
        position=values.get("position", ""),
        gender=gender,
        language=language,
        region=region,
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        accessibility_needs=values.get("accessibility_needs", ""),
    )


def _field_label(name: str) -> str:
    if name == "__all__":
        return ""
    try:
        field = Registration._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@transaction.atomic
def registrations_import(
    *, actor: User | None, event: Event, upload: IO[bytes], consent_confirmed: bool
) -> Imported:
    """Import a participant list: all rows or none. Imported people are the organiser's own
    list, so they are approved in file order while places last; the rest wait in that order."""
    event = _locked(event)
    _require(
        _may(actor, "training.registration.manage", event),
        _("You may not manage the registrations of this event."),
    )
    if not consent_confirmed:
        raise ValidationError(
            {
                "consent_confirmed": _(
                    "Confirm that everyone on the list agreed to their data being processed."
                )
            }
        )
    try:
        _unknown, rows = spreadsheets.read_rows(upload)
    except spreadsheets.SpreadsheetError as error:
        raise ValidationError({"file": str(error)}) from error

    errors: list[RowError] = []

    def add(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    lookups: dict[str, dict[str, Any]] = {
        "sector": _choice_lookup(Sector.choices, {}),
        "gender": _choice_lookup(Registration.Gender.choices, _GENDER_ALIASES),
        "language": _choice_lookup(settings.LANGUAGES, _LANGUAGE_ALIASES),
        "region": _region_lookup(event.starts_on),
    }
    now = timezone.now()
    active = Registration.objects.filter(event=event).exclude(status=Status.CANCELLED)
    known_emails = set(active.exclude(email_key="").values_list("email_key", flat=True))
    known_people = set(active.exclude(phone_key="").values_list("name_key", "phone_key"))
    seen_emails: dict[str, int] = {}
    seen_people: dict[tuple[str, str], int] = {}
    new: list[Registration] = []
    for row in rows:
        data = _row_data(row, lookups, add)
        if data is None:
            continue
        registration = _build(event, data, source=Registration.Source.IMPORT, consent_at=now)
        try:
            _validate(registration)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    add(row.number, _field_label(name), message)
            continue
        person = (registration.name_key, registration.phone_key)
        email_label = str(Registration._meta.get_field("email").verbose_name)
        if registration.email_key in known_emails or person in known_people:
            add(row.number, "", _("Already registered for this event."))
            continue
        if registration.email_key and registration.email_key in seen_emails:
            add(
                row.number,
                email_label,
                _("The same person as in row %(row)s.")
                % {"row": seen_emails[registration.email_key]},
            )
            continue
        if registration.phone_key and person in seen_people:
            add(
                row.number,
                "",
                _("The same person as in row %(row)s.") % {"row": seen_people[person]},
            )
            continue
        if registration.email_key:
            seen_emails[registration.email_key] = row.number
        if registration.phone_key:
            seen_people[person] = row.number
        new.append(registration)
    if errors:
        raise ImportRejected(errors)

    counts = _register_all(actor=actor, event=event, registrations=new, now=now)
    record(
        actor=actor,
        action="training.registration.import",
        target=event,
        organisation=event.organiser,
        details={"rows": len(new), "approved": counts.approved, "waitlisted": counts.waitlisted},
    )
    return counts


def _register_all(
    *,
    actor: User | None,
    event: Event,
    registrations: list[Registration],
    now: datetime,
    notify: bool = True,
) -> Imported:
    """Save a validated list: approved while places last, then the waiting list, in order."""
    approved = _approved_count(event)
    someone_waits = Registration.objects.filter(event=event, status=Status.WAITLISTED).exists()
    codes = _codes_of(event)
    placed = waiting = 0
    for offset, registration in enumerate(registrations):
        registration.personal_code = _free_code(event, codes)
        if approved < event.capacity and not someone_waits:
            registration.status = Status.APPROVED
            registration.decided_at = now
            approved += 1
            placed += 1
        else:
            registration.status = Status.WAITLISTED
            # Keeps the file's order on the waiting list.
            registration.waitlisted_at = now + timedelta(microseconds=offset)
            someone_waits = True
            waiting += 1
    Registration.objects.bulk_create(registrations, batch_size=500)
    if not notify:
        return Imported(approved=placed, waitlisted=waiting)
    saved = Registration.objects.filter(
        event=event, personal_code__in=[r.personal_code for r in registrations]
    ).only("pk", "email", "status")
    for registration in saved:
        if registration.email:
            kind = Kind.APPROVED if registration.status == Status.APPROVED else Kind.WAITLISTED
            _email_after_commit(registration, kind)
    return Imported(approved=placed, waitlisted=waiting)


def registrations_load_synthetic(
    *,
    event: Event,
    people: Sequence[ParticipantData],
    consent_at: datetime,
    pending: int = 0,
) -> Imported:
    """For the demo loader only: save made-up participants without e-mailing anyone. They are
    placed like an import (approved in order while places last); the last ``pending`` wait
    for the organiser's approval instead."""
    registrations = []
    for data in people:
        registration = _build(event, data, source=Registration.Source.IMPORT, consent_at=consent_at)
        _validate(registration)
        registrations.append(registration)
    split = len(registrations) - pending
    placed, waiting = registrations[:split], registrations[split:]
    with transaction.atomic():
        counts = _register_all(
            actor=None, event=event, registrations=placed, now=consent_at, notify=False
        )
        codes = _codes_of(event)
        for registration in waiting:
            registration.source = Registration.Source.PUBLIC
            registration.personal_code = _free_code(event, codes)
        Registration.objects.bulk_create(waiting)
        record(
            actor=None,
            action="training.registration.import",
            target=event,
            organisation=event.organiser,
            details={"rows": len(registrations), "approved": counts.approved, "demo": True},
        )
    return counts
