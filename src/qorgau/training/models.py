"""Programmes, events and series, timetables and speakers, registrations and attendance.

Participants need no account: a registration holds what the person typed on the public page
(or what an organiser imported), their consent, and a personal code for checking in.
Nothing here is about a child, so these models are not workspace-scoped.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.accounts.models import Organisation, Region
from qorgau.core.models import TimeStampedModel
from qorgau.training.normalise import format_code
from qorgau.training.topics import topic_catalogue

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


class Sector(models.TextChoices):
    """The sector a participant works in (the sectors of the organisation-type catalogue)."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    JUSTICE = "justice", _("Justice")
    SOCIAL = "social", _("Social protection")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    CIVIL_SOCIETY = "civil_society", _("Civil society (NGO)")
    INTERNATIONAL = "international", _("International organisation")
    GOVERNMENT = "government", _("Government and local administration")
    ACADEMIA = "academia", _("University and research")
    OTHER = "other", _("Other")


def region_valid_on(region: Region, day: date) -> bool:
    return (region.valid_from is None or region.valid_from <= day) and (
        region.valid_to is None or day <= region.valid_to
    )


class Programme(TimeStampedModel):
    """A donor-funded training programme: who pays, who implements, what it aims to reach."""

    name = models.CharField(_("name"), max_length=255)
    implementer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="implemented_programmes",
        verbose_name=_("implementer"),
    )
    donors = models.ManyToManyField(
        Organisation, blank=True, related_name="funded_programmes", verbose_name=_("donors")
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_programmes",
        verbose_name=_("co-organisers and partners"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="training_programme_period",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The programme cannot end before it starts.")})


class ProgrammeTarget(models.Model):
    """One target of a programme, e.g. 200 people trained, 50% women, 8 regions."""

    class Metric(models.TextChoices):
        PEOPLE_TRAINED = "people_trained", _("People trained")
        WOMEN_SHARE = "women_share", _("Women among people trained (%)")
        REGIONS_COVERED = "regions_covered", _("Regions covered")
        EVENTS_HELD = "events_held", _("Events held")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="targets", verbose_name=_("programme")
    )
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    value = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "metric"], name="training_target_once_per_metric"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value}"

    def clean(self) -> None:
        if self.metric == self.Metric.WOMEN_SHARE and self.value > 100:
            raise ValidationError({"value": _("A share is a percentage from 0 to 100.")})


class Series(TimeStampedModel):
    """One seminar held in several cities: the events share their programme and timetable."""

    name = models.CharField(_("name"), max_length=255)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="series",
        verbose_name=_("programme"),
    )
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Event(TimeStampedModel):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        TRAINING = "training", pgettext_lazy("event kind", "Training")
        SCHOOL = "school", _("School")
        CONFERENCE = "conference", _("Conference")
        MASTER_CLASS = "master_class", _("Master class")
        SIMULATION = "simulation", _("Simulation exercise")

    code = models.CharField(_("public code"), max_length=32, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("programme"),
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("series"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="organised_training_events",
        verbose_name=_("organiser"),
        help_text=_("The organisation that runs the event and manages its registrations."),
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_organised_training_events",
        verbose_name=_("co-organisers"),
    )
    city = models.CharField(_("city"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    venue = models.CharField(_("venue"), max_length=255)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    requires_approval = models.BooleanField(
        _("registrations need the organiser's approval"), default=True
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("send a reminder this many days before"),
        default=2,
        validators=[MaxValueValidator(30)],
        help_text=_("0 sends no reminder."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_events_as_trainer",
        verbose_name=_("trainers"),
        help_text=_("Trainers with a Qorgau account: they see the event and mark attendance."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_event_days"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_event_capacity"),
        ]
        indexes = [models.Index(fields=["organiser", "-starts_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.city}, {self.starts_on:%d.%m.%Y})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", []).append(
                str(_("The last day cannot be before the first day."))
            )
        if self.region_id and self.starts_on and not region_valid_on(self.region, self.starts_on):
            errors.setdefault("region", []).append(
                str(
                    _(
                        "This region did not exist on the event's first day. "
                        "Choose the region as it was then."
                    )
                )
            )
        if not isinstance(self.languages, list) or not set(self.languages) <= LANGUAGE_CODES:
            errors.setdefault("languages", []).append(str(_("Choose Kazakh, Russian or English.")))
        elif not self.languages:
            errors.setdefault("languages", []).append(
                str(_("Choose at least one working language."))
            )
        if errors:
            raise ValidationError(errors)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names[code]) for code in self.languages if code in names]


class EventAudience(models.Model):
    """Who the event is for: a sector and the roles in it, with how many places are planned."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("event")
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    role = models.CharField(_("roles"), max_length=200, help_text=_("For example: police officers"))
    planned = models.PositiveIntegerField(_("planned participants"), null=True, blank=True)

    class Meta:
        verbose_name = _("target audience")
        verbose_name_plural = _("target audiences")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_sector_display()}: {self.role}"


class Speaker(TimeStampedModel):
    """A speaker or trainer whom an organising organisation invites; not an account."""

    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="training_speakers",
        verbose_name=_("speaker list of"),
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or position"), max_length=255, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    bio = models.TextField(_("short biography"), blank=True, max_length=1500)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Session(TimeStampedModel):
    """One slot of an event's timetable."""

    class Format(models.TextChoices):
        OPENING = "opening", _("Opening")
        LECTURE = "lecture", _("Lecture")
        MASTER_CLASS = "master_class", _("Master class")
        CASE_SOLVING = "case_solving", _("Group case solving")
        SIMULATION = "simulation", _("Simulation exercise")
        DISCUSSION = "discussion", _("Discussion")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.LECTURE
    )
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("The speaker's own title for the session, if it has one."),
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_session_times"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.starts_at:%H:%M} {self.heading}"

    @property
    def topic_name(self) -> str:
        return topic_catalogue().name(self.topic) if self.topic else ""

    @property
    def heading(self) -> str:
        return self.title or self.topic_name or str(self.get_format_display())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = str(_("A session must end after it starts."))
        event = self.event if self.event_id else None
        if event is not None and self.date and not event.starts_on <= self.date <= event.ends_on:
            errors["date"] = str(
                _("The date must be one of the event's days (%(first)s to %(last)s).")
                % {"first": f"{event.starts_on:%d.%m.%Y}", "last": f"{event.ends_on:%d.%m.%Y}"}
            )
        if self.topic:
            topic = topic_catalogue().get(self.topic)
            if topic is None:
                errors["topic"] = str(_("Choose a topic from the list."))
        if not self.topic and not self.title:
            errors["title"] = str(_("Give the session a topic or a title."))
        if errors:
            raise ValidationError(errors)


class Registration(TimeStampedModel):
    """One person's registration for one event. Their details are seen by the organisers only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NOT_STATED = "not_stated", _("Prefer not to say")

    class Source(models.TextChoices):
        PUBLIC = "public", _("Public registration page")
        IMPORT = "import", _("Imported list")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=255)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    position = models.CharField(pgettext_lazy("job", "position"), max_length=200)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Leave empty if you work outside Kazakhstan."),
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language for messages"), max_length=8, choices=settings.LANGUAGES
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True, max_length=1000)
    consent_at = models.DateTimeField(_("consent to data processing given at"))
    consent_version = models.CharField(_("consent text version"), max_length=16)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    personal_code = models.CharField(_("personal code"), max_length=16)
    # Normalised copies for catching duplicates (see normalise.py).
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    name_key = models.CharField(max_length=200, editable=False)
    phone_key = models.CharField(max_length=32, blank=True, editable=False)
    # The hidden token of the form that created it: a second submit finds this registration.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key="") & ~Q(status="cancelled"),
                name="training_registration_email_once",
            ),
            models.UniqueConstraint(
                fields=["event", "name_key", "phone_key"],
                condition=~Q(phone_key="") & ~Q(status="cancelled"),
                name="training_registration_name_phone_once",
            ),
            models.UniqueConstraint(
                fields=["event", "personal_code"], name="training_registration_code_once"
            ),
            models.UniqueConstraint(
                fields=["event", "submission_key"],
                condition=~Q(submission_key=""),
                name="training_registration_submission_once",
            ),
            models.CheckConstraint(
                condition=~Q(email_key="") | ~Q(phone_key=""),
                name="training_registration_has_contact",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        # No name: this shows in the admin, logs and error reports.
        return f"registration {self.pk} · event {self.event_id}"

    @property
    def code_display(self) -> str:
        return format_code(self.personal_code)


class Attendance(TimeStampedModel):
    """A participant was present at a session: marked by an organiser or a trainer, or by QR."""

    class Method(models.TextChoices):
        ORGANISER = "organiser", _("Marked by the organiser")
        QR = "qr", _("Checked in with the QR code")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("session")
    )
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="training_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.session_id}"


# --- pre/post tests (see training/assessments.py) ------------------------------------------
class Question(TimeStampedModel):
    """A question of the bank, on one topic, in up to three languages.

    A question can be used in a language only if its text and every option are translated.
    """

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Easy")
        MEDIUM = 2, _("Medium")
        HARD = 3, _("Hard")

    topic = models.CharField(_("topic"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    text = models.JSONField(_("text"), default=dict, help_text=_("By language: kk, ru, en."))
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["topic", "difficulty", "pk"]

    def __str__(self) -> str:
        return f"question {self.pk} · {self.topic}"

    def text_in(self, language: str) -> str:
        return str(self.text.get(language) or self.text.get("en") or "")


class QuestionOption(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.JSONField(_("text"), default=dict)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"option {self.pk} of question {self.question_id}"

    def text_in(self, language: str) -> str:
        return str(self.text.get(language) or self.text.get("en") or "")


class ParallelForm(models.TextChoices):
    A = "A", _("Form A")
    B = "B", _("Form B")


class FormItem(models.Model):
    """A question on one of an event's two parallel forms (the same forms serve pre and post)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="test_items", verbose_name=_("event")
    )
    form = models.CharField(_("form"), max_length=1, choices=ParallelForm.choices)
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("test question")
        verbose_name_plural = _("test questions")
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "question"], name="training_form_item_once"),
            models.UniqueConstraint(
                fields=["event", "form", "position"], name="training_form_item_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form}{self.position} · event {self.event_id}"


class Assessment(TimeStampedModel):
    """The pre-test or the post-test of an event, opened and closed by an organiser or trainer."""

    class Phase(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("event")
    )
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    is_open = models.BooleanField(_("open for answers"), default=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["event", "-phase"]
        constraints = [
            models.UniqueConstraint(fields=["event", "phase"], name="training_assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.phase} · event {self.event_id}"


class Attempt(TimeStampedModel):
    """One participant's only attempt at one test. Reached by its secret key, never by pk."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("test")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("registration"),
    )
    form = models.CharField(_("form"), max_length=1, choices=ParallelForm.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    key = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "registration"], name="training_attempt_once"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} · test {self.assessment_id}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("attempt")
    )
    item = models.ForeignKey(
        FormItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    chosen = models.JSONField(_("chosen options"), default=list)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "item"], name="training_answer_once")
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} · attempt {self.attempt_id}"


# --- certificates (training/certificates.py) ---------------------------------------------
class CertificateRule(models.Model):
    """When an event's participants earn a certificate (absent: the defaults below)."""

    event = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        related_name="certificate_rule",
        verbose_name=_("event"),
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed, in percent of sessions"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    post_test_required = models.BooleanField(_("post-test required"), default=False)
    post_test_min_score = models.PositiveSmallIntegerField(
        _("minimum post-test score, in percent"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    hours = models.PositiveSmallIntegerField(
        _("hours shown on the certificate"),
        null=True,
        blank=True,
        help_text=_("Leave empty to count the hours of the timetable."),
    )

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")

    def __str__(self) -> str:
        return f"certificate rule · event {self.event_id}"


class Certificate(TimeStampedModel):
    """A certificate of one participant for one event, checked by its public code."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("event")
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["event", "registration__full_name"]

    def __str__(self) -> str:
        return f"certificate {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# --- surveys and the materials library (their own modules, part of this app) ----------------
from qorgau.training.material_models import (  # noqa: E402
    Material,
    MaterialAttachment,
    MaterialVersion,
)
from qorgau.training.survey_models import (  # noqa: E402
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)

__all__ = [
    "Material",
    "MaterialAttachment",
    "MaterialVersion",
    "Survey",
    "SurveyInvitation",
    "SurveyParticipation",
    "SurveyQuestion",
    "SurveyResponse",
]
