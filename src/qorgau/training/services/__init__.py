"""Every write of the training module: programmes, events and series, timetables, speakers,
registrations (public, imported, approved, waiting list, cancelled), lost personal codes,
attendance and reminders.

Each service checks the access policy (``actor=None`` is the system itself: the demo loader and
background work), validates, writes, audits and schedules its own e-mails after commit.

One module per use case (programmes, events, timetable, registration, imports, attendance,
reminders); this package re-exports their public names, so ``from qorgau.training.services
import ...`` and ``services.<name>`` keep working.
"""

from __future__ import annotations

from qorgau.training.services.attendance import (
    CHECKIN_MAX_AGE,
    CHECKIN_SALT,
    AttendanceChange,
    CheckedIn,
    CheckinLinkExpired,
    CheckinLinkInvalid,
    attendance_check_in,
    attendance_mark,
    checkin_token,
    session_for_checkin,
)
from qorgau.training.services.codes import registration_code_request, registration_code_resend
from qorgau.training.services.common import Status
from qorgau.training.services.events import (
    AudienceData,
    EventData,
    event_create,
    event_trainer_add,
    event_trainer_remove,
    event_update,
    series_clone_event,
)
from qorgau.training.services.imports import (
    Imported,
    ImportRejected,
    RowError,
    registrations_import,
    registrations_load_synthetic,
)
from qorgau.training.services.programmes import (
    ProgrammeData,
    programme_create,
    programme_update,
)
from qorgau.training.services.registration import (
    CONSENT_VERSION,
    Approved,
    ParticipantData,
    Submitted,
    registration_approve,
    registration_cancel,
    registration_decline,
    registration_is_open,
    registration_submit,
    registrations_approve_pending,
)
from qorgau.training.services.reminders import reminders_enqueue_due
from qorgau.training.services.timetable import (
    SessionData,
    SpeakerData,
    session_create,
    session_remove,
    session_update,
    speaker_create,
    speaker_update,
)

__all__ = [
    "CHECKIN_MAX_AGE",
    "CHECKIN_SALT",
    "CONSENT_VERSION",
    "Approved",
    "AttendanceChange",
    "AudienceData",
    "CheckedIn",
    "CheckinLinkExpired",
    "CheckinLinkInvalid",
    "EventData",
    "ImportRejected",
    "Imported",
    "ParticipantData",
    "ProgrammeData",
    "RowError",
    "SessionData",
    "SpeakerData",
    "Status",
    "Submitted",
    "attendance_check_in",
    "attendance_mark",
    "checkin_token",
    "event_create",
    "event_trainer_add",
    "event_trainer_remove",
    "event_update",
    "programme_create",
    "programme_update",
    "registration_approve",
    "registration_cancel",
    "registration_code_request",
    "registration_code_resend",
    "registration_decline",
    "registration_is_open",
    "registration_submit",
    "registrations_approve_pending",
    "registrations_import",
    "registrations_load_synthetic",
    "reminders_enqueue_due",
    "series_clone_event",
    "session_create",
    "session_for_checkin",
    "session_remove",
    "session_update",
    "speaker_create",
    "speaker_update",
]
