"""Pages of the training module: thin wrappers around selectors and services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qorgau.accounts.models import User
from qorgau.accounts.permissions import can
from qorgau.core.forms import attach_errors, flash_errors
from qorgau.core.http import request_user
from qorgau.core.qr import qr_svg
from qorgau.core.signed_links import LinkInvalid, TimestampedLink
from qorgau.training import identify, selectors, services, spreadsheets
from qorgau.training.emails import CANCEL_LINK, event_ics
from qorgau.training.forms import (
    AudienceFormSet,
    CloneForm,
    EventForm,
    ImportForm,
    PersonalCodeForm,
    ProgrammeForm,
    RegistrationForm,
    SessionForm,
    SpeakerForm,
    TrainerForm,
    audiences_from,
)
from qorgau.training.lost_code import lost_code_step
from qorgau.training.models import Event, Registration, Session

PAGE_SIZE = 25
THANKS_SALT = "qorgau.training.registered"
THANKS_MAX_AGE = timedelta(hours=24)
THANKS_LINK = TimestampedLink(salt=THANKS_SALT, max_age=THANKS_MAX_AGE)


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


# --- dashboard ----------------------------------------------------------------------------
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not can(user, "training.view"):
        raise PermissionDenied
    query = _query(request)
    events = selectors.with_counts(selectors.events_visible_to(user=user, query=query))
    programmes = selectors.programmes_visible_to(user=user)
    organising = list(selectors.organising_organisations(user=user))
    return render(
        request,
        "training/dashboard.html",
        {
            "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
            "programmes": Paginator(programmes, 10).get_page(request.GET.get("programmes")),
            "query": query,
            "may_create": bool(organising),
        },
    )


# --- programmes ---------------------------------------------------------------------------
@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    implementers = selectors.organising_organisations(user=user)
    if not implementers.exists():
        raise PermissionDenied
    initial = {"implementer": implementers[0]} if len(implementers) == 1 else {}
    form = ProgrammeForm(request.POST or None, implementers=implementers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=user, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Programme created."))
            return redirect("training:programme_detail", pk=programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    programme = selectors.access_programme(user=user, pk=pk, action="training.programme.view")
    return render(
        request,
        "training/programme_detail.html",
        {
            "programme": programme,
            "summary": selectors.programme_summary(programme=programme),
            "donors": list(programme.donors.all()),
            "partners": list(programme.partners.all()),
            "may_manage": can(user, "training.programme.manage", programme),
            "may_open_events": can(user, "training.view") and not _is_only_donor(user, programme),
        },
    )


def _is_only_donor(user: User, programme: Any) -> bool:
    return not (
        can(user, "training.programme.manage", programme)
        or selectors.events_visible_to(user=user, programme=programme).exists()
    )


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    programme = selectors.access_programme(user=user, pk=pk, action="training.programme.manage")
    implementers = selectors.organising_organisations(user=user)
    form = ProgrammeForm(
        request.POST or None,
        implementers=implementers,
        initial=ProgrammeForm.initial_for(programme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=user, programme=programme, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("training:programme_detail", pk=programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": programme})


# --- events -------------------------------------------------------------------------------
def _event_forms(request: HttpRequest, user: User, event: Event | None) -> tuple[EventForm, Any]:
    organisers = selectors.organising_organisations(user=user)
    initial: dict[str, Any] = EventForm.initial_for(event) if event else {}
    if event is None and len(organisers) == 1:
        initial["organiser"] = organisers[0]
    if event is None and "programme" in request.GET:
        initial["programme"] = request.GET.get("programme")
    form = EventForm(
        request.POST or None,
        organisers=organisers,
        programmes=selectors.programmes_for_events(organisations=organisers),
        initial=initial,
    )
    audiences_initial = (
        [{"sector": a.sector, "role": a.role, "planned": a.planned} for a in event.audiences.all()]
        if event
        else []
    )
    formset = AudienceFormSet(request.POST or None, initial=audiences_initial, prefix="audience")
    return form, formset


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.organising_organisations(user=user).exists():
        raise PermissionDenied
    form, formset = _event_forms(request, user, None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            event = services.event_create(actor=user, data=form.to_data(audiences_from(formset)))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("Event created. Now add its timetable and share the registration page.")
            )
            return redirect("training:event_detail", pk=event.pk)
    return render(
        request, "training/event_form.html", {"form": form, "formset": formset, "event": None}
    )


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.manage")
    form, formset = _event_forms(request, user, event)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.event_update(
                actor=user, event=event, data=form.to_data(audiences_from(formset))
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("training:event_detail", pk=event.pk)
    return render(
        request, "training/event_form.html", {"form": form, "formset": formset, "event": event}
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.view")
    may_manage = can(user, "training.event.manage", event)
    public_url = request.build_absolute_uri(
        reverse("training_public:register", kwargs={"code": event.code})
    )
    return render(
        request,
        "training/event_detail.html",
        {
            "event": event,
            "days": selectors.timetable(event=event),
            "counts": selectors.registration_counts(event=event),
            "series": list(selectors.series_events(event=event)),
            "audiences": list(event.audiences.all()),
            "co_organisers": list(event.co_organisers.all()),
            "trainers": list(event.trainers.all()) if may_manage else [],
            "may_manage": may_manage,
            "may_see_people": can(user, "training.registration.view", event),
            "may_mark": can(user, "training.attendance.mark", event),
            "public_url": public_url,
            "trainer_form": TrainerForm(),
        },
    )


@login_required
def event_clone(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.manage")
    form = CloneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.series_clone_event(actor=user, event=event, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("The event is now also planned in %(city)s, with the same timetable.")
                % {"city": copy.city},
            )
            return redirect("training:event_detail", pk=copy.pk)
    return render(
        request,
        "training/event_clone.html",
        {"form": form, "event": event, "series": list(selectors.series_events(event=event))},
    )


@login_required
@require_POST
def event_trainer_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.manage")
    form = TrainerForm(request.POST)
    if form.is_valid():
        try:
            trainer = services.event_trainer_add(
                actor=user, event=event, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("%(name)s can now see this event and mark attendance.") % {"name": trainer},
            )
    else:
        messages.error(request, _("Enter the trainer's user name."))
    return redirect("training:event_detail", pk=event.pk)


@login_required
@require_POST
def event_trainer_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.manage")
    trainer = event.trainers.filter(pk=user_id).first()
    if trainer is None:
        raise Http404
    services.event_trainer_remove(actor=user, event=event, trainer=trainer)
    messages.success(request, _("%(name)s no longer trains at this event.") % {"name": trainer})
    return redirect("training:event_detail", pk=event.pk)


# --- timetable and speakers ---------------------------------------------------------------
@login_required
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.event.manage")
    speakers = selectors.speakers_of(organisations=[event.organiser])
    form = SessionForm(request.POST or None, speakers=speakers, initial={"date": event.starts_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(actor=user, event=event, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Session added to the timetable."))
            return redirect("training:event_detail", pk=event.pk)
    return render(
        request, "training/session_form.html", {"form": form, "event": event, "session": None}
    )


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = selectors.access_session(user=user, pk=pk, action="training.event.manage")
    speakers = selectors.speakers_of(organisations=[session.event.organiser])
    form = SessionForm(
        request.POST or None, speakers=speakers, initial=SessionForm.initial_for(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=user, session=session, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:event_detail", pk=session.event_id)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "event": session.event, "session": session},
    )


@login_required
def session_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = selectors.access_session(user=user, pk=pk, action="training.event.manage")
    if request.method == "POST":
        try:
            services.session_remove(actor=user, session=session)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Session removed from the timetable."))
        return redirect("training:event_detail", pk=session.event_id)
    return render(
        request,
        "training/confirm.html",
        {
            "title": _("Remove this session?"),
            "question": _("“%(session)s” on %(date)s will be removed from the timetable.")
            % {"session": session.heading, "date": f"{session.date:%d.%m.%Y}"},
            "confirm_label": _("Remove the session"),
            "back_url": reverse("training:event_detail", kwargs={"pk": session.event_id}),
        },
    )


@login_required
def speakers(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisations = list(selectors.organising_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    owner = organisations[0]
    if request.GET.get("org", "").isdigit():
        owner = next((o for o in organisations if o.pk == int(request.GET["org"])), None) or owner
    form = SpeakerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("org", "").isdigit():
            owner = next((o for o in organisations if o.pk == int(request.POST["org"])), owner)
        try:
            speaker = services.speaker_create(actor=user, owner=owner, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(name)s added to the speakers.") % {"name": speaker})
            back = request.POST.get("next", "")
            if back.startswith("/training/"):
                return redirect(back)
            return redirect(f"{reverse('training:speakers')}?org={owner.pk}")
    query = _query(request)
    found = selectors.speakers_of(organisations=[owner])
    if query:
        found = found.filter(name__icontains=query)
    return render(
        request,
        "training/speakers.html",
        {
            "form": form,
            "organisations": organisations,
            "owner": owner,
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query,
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def speaker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    speaker = selectors.access_speaker(user=user, pk=pk)
    form = SpeakerForm(
        request.POST or None,
        initial={
            "name": speaker.name,
            "title": speaker.title,
            "organisation_name": speaker.organisation_name,
            "bio": speaker.bio,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.speaker_update(actor=user, speaker=speaker, data=form.to_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Speaker saved."))
            return redirect(f"{reverse('training:speakers')}?org={speaker.owner_id}")
    return render(request, "training/speaker_form.html", {"form": form, "speaker": speaker})


# --- registrations ------------------------------------------------------------------------
@login_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.registration.view")
    status = request.GET.get("status", "")
    query = _query(request)
    found = selectors.event_registrations(user=user, event=event, status=status, query=query)
    return render(
        request,
        "training/registrations.html",
        {
            "event": event,
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status if status in Registration.Status.values else "",
            "statuses": Registration.Status.choices,
            "query": query,
            "counts": selectors.registration_counts(event=event),
            "places_left": selectors.places_left(event=event),
            "may_manage": can(user, "training.registration.manage", event),
            "may_resend_code": can(user, "training.registration.resend_code", event),
        },
    )


_ACTIONS = {
    "approve": services.registration_approve,
    "decline": services.registration_decline,
    "cancel": services.registration_cancel,
}


@login_required
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve at once; decline and cancel after a confirmation page (they cannot be undone)."""
    user = request_user(request)
    registration = selectors.access_registration(
        user=user, pk=pk, action="training.registration.manage"
    )
    if action not in _ACTIONS:
        raise Http404
    back = reverse("training:registrations", kwargs={"pk": registration.event_id})
    if request.method == "POST":
        try:
            _ACTIONS[action](actor=user, registration=registration)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            done: dict[str, str] = {
                Registration.Status.APPROVED: _("%(name)s is approved."),
                Registration.Status.WAITLISTED: _(
                    "The event is full: %(name)s is on the waiting list."
                ),
                Registration.Status.DECLINED: _("%(name)s is declined."),
                Registration.Status.CANCELLED: _("The registration of %(name)s is cancelled."),
            }
            messages.success(request, done[registration.status] % {"name": registration.full_name})
        return redirect(request.POST.get("next", back) if _safe_next(request) else back)
    if action == "approve":
        raise Http404  # approving is a POST from the list
    questions = {
        "decline": (
            _("Decline this registration?"),
            _("%(name)s will be told by e-mail that their registration was not accepted. "
              "This cannot be undone."),
            _("Decline"),
        ),
        "cancel": (
            _("Cancel this registration?"),
            _("%(name)s loses their place and is told by e-mail; the first person on the "
              "waiting list takes it. This cannot be undone."),
            _("Cancel the registration"),
        ),
    }  # fmt: skip
    title, question, label = questions[action]
    return render(
        request,
        "training/confirm.html",
        {
            "title": title,
            "question": question % {"name": registration.full_name},
            "confirm_label": label,
            "back_url": back,
            "danger": True,
        },
    )


@login_required
def registration_code_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a participant their personal code again, after a confirmation page."""
    user = request_user(request)
    registration = selectors.access_registration(
        user=user, pk=pk, action="training.registration.resend_code"
    )
    back = reverse("training:registrations", kwargs={"pk": registration.event_id})
    names = {"name": registration.full_name, "email": registration.email}
    if request.method == "POST":
        try:
            sent = services.registration_code_resend(actor=user, registration=registration)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            if sent:
                messages.success(
                    request, _("The personal code of %(name)s was sent again to %(email)s.") % names
                )
            else:
                messages.info(
                    request,
                    _("The personal code of %(name)s was sent a moment ago; nothing was sent "
                      "again.") % names,
                )  # fmt: skip
        return redirect(back)
    return render(
        request,
        "training/confirm.html",
        {
            "title": _("Send the personal code again?"),
            "question": _("%(name)s will receive their personal code again by e-mail, at "
                          "%(email)s.") % names,
            "confirm_label": _("Send the code"),
            "back_url": back,
            "danger": False,
        },
    )  # fmt: skip


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/training/") and "//" not in target


@login_required
def registrations_approve_pending(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.registration.manage")
    back = reverse("training:registrations", kwargs={"pk": event.pk})
    if request.method == "POST":
        result = services.registrations_approve_pending(actor=user, event=event)
        messages.success(
            request,
            _("%(approved)s approved, %(waitlisted)s on the waiting list.")
            % {"approved": result.approved, "waitlisted": result.waitlisted},
        )
        return redirect(back)
    counts = selectors.registration_counts(event=event)
    return render(
        request,
        "training/confirm.html",
        {
            "title": _("Approve everyone waiting for approval?"),
            "question": _(
                "%(pending)s people are waiting. They are approved in the order they registered "
                "while places last (%(left)s left); the others join the waiting list in that "
                "order. Each receives an e-mail."
            )
            % {"pending": counts.pending, "left": selectors.places_left(event=event)},
            "confirm_label": _("Approve in order"),
            "back_url": back,
        },
    )


@login_required
def registrations_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.registration.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[services.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.registrations_import(
                actor=user,
                event=event,
                upload=form.cleaned_data["file"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
            )
        except services.ImportRejected as rejected:
            errors = rejected.errors
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("%(approved)s people imported and approved, %(waitlisted)s on the waiting list.")
                % {"approved": result.approved, "waitlisted": result.waitlisted},
            )
            return redirect("training:registrations", pk=event.pk)
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "event": event,
            "errors": errors,
            "columns": spreadsheets.COLUMNS,
        },
    )


@login_required
def registrations_template(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    event = selectors.access_event(user=user, pk=pk, action="training.registration.manage")
    response = HttpResponse(
        spreadsheets.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="participants-{event.code}.xlsx"'
    return response


# --- attendance ---------------------------------------------------------------------------
@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = selectors.access_session(user=user, pk=pk, action="training.attendance.mark")
    query = _query(request)
    if request.method == "POST":
        listed = [int(v) for v in request.POST.getlist("listed") if v.isdigit()]
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        change = services.attendance_mark(
            actor=user, session=session, present=present, listed=listed
        )
        messages.success(
            request,
            _("Attendance saved: %(added)s marked present, %(removed)s marks taken away.")
            % {"added": change.added, "removed": change.removed},
        )
        return redirect(request.get_full_path())
    sheet = selectors.attendance_sheet(user=user, session=session, query=query)
    page = Paginator(sheet, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "training/attendance.html",
        {"session": session, "event": session.event, "page": page, "query": query},
    )


@login_required
@never_cache
def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The code to show in the room. It renews itself every minute; each code works 15 min."""
    user = request_user(request)
    session = selectors.access_session(user=user, pk=pk, action="training.attendance.mark")
    url = request.build_absolute_uri(
        reverse(
            "training_public:checkin", kwargs={"token": services.checkin_token(session=session)}
        )
    )
    response = render(
        request,
        "training/session_qr.html",
        {
            "session": session,
            "event": session.event,
            "url": url,
            "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308 - our own SVG
            "minutes": int(services.CHECKIN_MAX_AGE.total_seconds() // 60),
        },
    )
    response["Refresh"] = "60"
    return response


# --- public pages: no account needed ------------------------------------------------------
def register(request: HttpRequest, code: str) -> HttpResponse:
    event = selectors.public_event(code=code)
    is_open = services.registration_is_open(event)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and is_open and form.is_valid() and not form.is_bot:
        try:
            submitted = services.registration_submit(
                event=event,
                data=form.to_data(),
                consent=form.cleaned_data["consent"],
                submission_key=form.cleaned_data["submission"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            token = THANKS_LINK.sign(submitted.registration.pk)
            return redirect("training_public:registered", code=event.code, token=token)
    return render(
        request,
        "training/public/register.html",
        {
            "event": event,
            "form": form,
            "is_open": is_open,
            "days": selectors.public_sessions(event=event),
            "places_left": selectors.places_left(event=event),
            "co_organisers": list(event.co_organisers.all()),
        },
        status=200 if request.method == "GET" or is_open else 409,
    )


@never_cache
def registered(request: HttpRequest, code: str, token: str) -> HttpResponse:
    event = selectors.public_event(code=code)
    try:
        pk = THANKS_LINK.unsign_pk(token)
    except LinkInvalid as error:  # expired too
        raise Http404 from error
    registration = Registration.objects.filter(pk=pk, event=event).first()
    if registration is None:
        raise Http404
    return render(
        request,
        "training/public/registered.html",
        {"event": event, "registration": registration},
    )


def cancel(request: HttpRequest, code: str, token: str) -> HttpResponse:
    event = selectors.public_event(code=code)
    try:
        pk = CANCEL_LINK.unsign_pk(token)
    except LinkInvalid as error:
        raise Http404 from error
    registration = Registration.objects.filter(pk=pk, event=event).first()
    if registration is None:
        raise Http404
    closed = registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED)
    done = False
    if request.method == "POST" and not closed:
        try:
            services.registration_cancel(actor=None, registration=registration, by_participant=True)
        except ValidationError:
            closed = True
        else:
            done = True
    return render(
        request,
        "training/public/cancel.html",
        {"event": event, "closed": closed, "done": done},
    )


def event_calendar(request: HttpRequest, code: str) -> HttpResponse:
    event = selectors.public_event(code=code)
    response = HttpResponse(event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.code}.ics"'
    return response


@never_cache
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    try:
        session: Session = services.session_for_checkin(token=token)
    except services.CheckinLinkExpired:
        return render(request, "training/public/checkin.html", {"expired": True}, status=410)
    except services.CheckinLinkInvalid as error:
        raise Http404 from error
    lost = lost_code_step(request, event=session.event)
    form = PersonalCodeForm(None if lost.asked else (request.POST or None))
    result = None
    status = lost.status
    if request.method == "POST" and not lost.asked and form.is_valid():
        try:
            result = identify.with_code_throttle(
                request,
                page=f"checkin:{session.pk}",
                attempt=lambda: services.attendance_check_in(
                    token=token, identifier=form.cleaned_data["identifier"]
                ),
            )
        except services.CheckinLinkExpired:
            return render(request, "training/public/checkin.html", {"expired": True}, status=410)
        except identify.TooManyWrongCodes as error:
            form.add_error("identifier", error.message)
            status = 429
        except ValidationError as error:
            attach_errors(form, error)
    return render(
        request,
        "training/public/checkin.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "result": result,
            "lost_code": lost,
        },
        status=status,
    )
