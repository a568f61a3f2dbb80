"""The training events of the seed reports (shared/seeds/), with synthetic participants.

Programmes, events, cities, dates where the reports give them, co-organisers, speakers and the
numbers of participants follow the reports. Everything else is made up and marked so: the
participants (names from a seeded random generator, e-mail addresses at example.org), the
exact days where a report gives only a year or a span of months, the times of sessions, and the
numbers for events whose report gives none (the 2011 seminars: 20 each; the 2024 winter
school: 30). Loading is idempotent: an event whose public code exists is left as it is.
"""

# ruff: noqa: E501 - the seed data below reads best one record per line

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qorgau.accounts.models import Organisation, Region, User
from qorgau.training.assessments import (
    demo_bank_entries,
    form_for,
    question_bank_load,
    score_of,
    tests_prepare,
)
from qorgau.training.models import (
    Assessment,
    Attempt,
    AttemptAnswer,
    Event,
    FormItem,
    ParallelForm,
    Programme,
    Question,
    Registration,
    Sector,
    Session,
    Speaker,
)
from qorgau.training.models import region_valid_on as _valid_on
from qorgau.training.services import (
    AudienceData,
    EventData,
    ParticipantData,
    ProgrammeData,
    SessionData,
    SpeakerData,
    attendance_mark,
    event_create,
    event_trainer_add,
    programme_create,
    registrations_load_synthetic,
    series_clone_event,
    session_create,
    speaker_create,
)

ILLUSTRATIVE = "Demo data: the days and times marked illustrative are not in the source report."


# --- what the reports say -----------------------------------------------------------------
# fmt: off
@dataclass(frozen=True)
class DemoSpeaker:
    key: str
    name: str
    title: str
    organisation: str


SPEAKERS = [
    DemoSpeaker("kelchewsky", "Alexandre Kelchewsky", "Ambassador, Head of the OSCE Centre in Astana", "OSCE Centre in Astana"),
    DemoSpeaker("kusetov", "Sultan Kusetov", "Head of the Criminal Police Committee", "Ministry of Internal Affairs"),
    DemoSpeaker("zarudna", "Natalia Zarudna", "Ambassador, Head of the OSCE Centre in Astana", "OSCE Centre in Astana"),
    DemoSpeaker("sher", "Raissa Sher", "Head of the Children Protection Committee", "Ministry of Education"),
    DemoSpeaker("ahmetkalieva", "Nazigul Ahmetkalieva", "Director, seminar trainer", "NGO Feniks"),
    DemoSpeaker("kenbayev", "Zhangali Kenbayev", "Head of the Centre for Training Specialists in Combating Illegal Migration and Trafficking", "Karaganda Barimbek Beisenov Police Academy"),
    DemoSpeaker("bonotti", "Sara Bonotti", "Human Dimension Officer", "OSCE Programme Office in Astana"),
    DemoSpeaker("delovarova", "L.F. Delovarova", "PhD, Dean of the Faculty of International Relations", "Al-Farabi Kazakh National University"),
    DemoSpeaker("sairambayeva", "Zh.T. Sairambayeva", "PhD in Law, Associate Professor, Head of the Department of International Law", "Al-Farabi Kazakh National University"),
    DemoSpeaker("baimagambetova", "Z.M. Baimagambetova", "PhD", "Al-Farabi Kazakh National University"),
    DemoSpeaker("baitukayeva", "D.U. Baitukayeva", "Senior lecturer", "Al-Farabi Kazakh National University"),
    DemoSpeaker("otynshiyeva", "A.A. Otynshiyeva", "PhD", "Al-Farabi Kazakh National University"),
    DemoSpeaker("seralieva", "A.M. Seralieva", "Candidate of Law, Associate Professor", "Abai Kazakh National Pedagogical University"),
    DemoSpeaker("zhiengalieva", "A.A. Zhiengalieva", "Police Major, senior lecturer", "Makan Esbulatov Almaty Academy of the Ministry of Internal Affairs"),
    DemoSpeaker("bakyt", "D.V. Bakyt", "NGO representative", "NGO Rodnik"),
    DemoSpeaker("sametova", "T.T. Sametova", "Director", "ISKER Support Center"),
    DemoSpeaker("otarbayeva", "Z.O. Otarbayeva", "Director", "Almaty Regional Specialized Children's Home"),
    DemoSpeaker("samaldykov", "M.K. Samaldykov", "Candidate of Law, Associate Professor; expert of the case solving", ""),
]


@dataclass(frozen=True)
class DemoSession:
    day: int  # 0 = the first day
    start: str
    end: str
    topic: str
    title: str = ""
    format: str = Session.Format.LECTURE
    speakers: tuple[str, ...] = ()
    room: str = ""


@dataclass(frozen=True)
class Group:
    """Participants of one kind: how many, where they work and what they do."""

    count: int
    sector: str
    positions: tuple[str, ...]
    organisations: tuple[str, ...]  # "{city}" and "{region}" are filled in
    women: float  # share of women, for the synthetic genders
    home: str = "event"  # event: the event's region; country: any region; abroad: none


@dataclass(frozen=True)
class DemoEvent:
    code: str
    kind: str
    title: str
    city: str
    city_ru: str
    region: str
    venue: str
    start: date
    days: int
    groups: tuple[Group, ...]
    description: str = ""


@dataclass(frozen=True)
class DemoSeries:
    """One event with its timetable, held again in the other cities (cloned)."""

    first: DemoEvent
    sessions: tuple[DemoSession, ...]
    organiser: str
    co_organisers: tuple[str, ...]
    audiences: tuple[AudienceData, ...]
    languages: tuple[str, ...]
    others: tuple[DemoEvent, ...] = ()
    with_trainer: bool = False


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    implementer: str
    starts_on: date
    ends_on: date | None
    goals: str
    series: tuple[DemoSeries, ...]
    donors: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    targets: dict[str, int] = field(default_factory=dict)


POLICE = Group(0, Sector.LAW_ENFORCEMENT, ("участковый инспектор полиции", "инспектор по делам несовершеннолетних", "оперуполномоченный", "следователь"), ("Департамент полиции ({region})",), 0.3)
SOCIAL = Group(0, Sector.SOCIAL, ("социальный работник", "психолог", "специалист отдела социальной помощи"), ("Центр оказания специальных социальных услуг ({city})", "Отдел занятости и социальных программ ({city})"), 0.85)
ORPHANAGE = Group(0, Sector.EDUCATION, ("воспитатель", "психолог", "социальный педагог", "заместитель директора по воспитательной работе"), ("Детский дом ({city})", "Центр поддержки детей, находящихся в трудной жизненной ситуации ({city})"), 0.85)
COLLEGE = Group(0, Sector.EDUCATION, ("мастер производственного обучения", "социальный педагог", "куратор группы", "педагог-психолог"), ("Колледж ({city})", "Высший колледж ({city})"), 0.75)
REGIONAL_OFFICIAL = Group(0, Sector.GOVERNMENT, ("главный специалист управления образования", "специалист отдела по защите прав детей"), ("Управление образования ({region})", "Управление по защите прав детей ({region})"), 0.7)
NGO_KZ = Group(0, Sector.CIVIL_SOCIETY, ("координатор программ", "юрист", "психолог", "социальный работник"), ("ОФ «Мейірім»", "ОО «Сенім»", "ОФ «Шаңырақ»", "ОО «Ақ ниет»", "Кризисный центр «Жан»"), 0.8, "country")
NGO_CA = Group(0, Sector.CIVIL_SOCIETY, ("координатор программ", "юрист", "психолог"), ("ОО «Ишеним» (Бишкек)", "ОО «Гулистон» (Душанбе)", "ННО «Умид» (Ташкент)", "ОО «Мээрим» (Ош)"), 0.8, "abroad")


def _group(base: Group, count: int, home: str | None = None) -> Group:
    return Group(count, base.sector, base.positions, base.organisations, base.women, home or base.home)


def _event(code: str, city: str, city_ru: str, region: str, start: date, groups: tuple[Group, ...], *, title: str, kind: str = Event.Kind.SEMINAR, days: int = 2, venue: str = "", description: str = "") -> DemoEvent:
    return DemoEvent(code, kind, title, city, city_ru, region, venue or "Venue not named in the report", start, days, groups, description)


# 2010: two-day seminar, Almaty, 29-30 April: 20 police officers from the regions, 20 NGO people.
SEMINAR_2010 = DemoSeries(
    first=_event(
        "osce-2010-almaty", "Almaty", "Алматы", "KZ-75", date(2010, 4, 29),
        (_group(POLICE, 20, "country"), _group(NGO_KZ, 14), _group(NGO_CA, 6)),
        title="Best international practices in preventing and combating child trafficking",
        description="Two-day OSCE-supported training seminar for police officers and NGOs, with experts from Russia and Ukraine. " + ILLUSTRATIVE,
    ),
    sessions=(
        DemoSession(0, "10:00", "10:30", "", "Opening: combating trafficking in children, a priority of Kazakhstan's 2010 OSCE Chairmanship", Session.Format.OPENING, ("kelchewsky", "kusetov")),
        DemoSession(0, "10:30", "12:30", "identification", "Methods to identify child victims"),
        DemoSession(0, "14:00", "16:00", "assistance_standards", "Standards of protection and assistance, with a focus on the needs of child victims"),
        DemoSession(0, "16:15", "17:30", "referral_cooperation", "Co-operation between law enforcement and NGOs", Session.Format.DISCUSSION),
        DemoSession(1, "10:00", "12:30", "legal_framework", "Challenges in Kazakhstan's anti-trafficking legislation"),
        DemoSession(1, "14:00", "15:30", "child_friendly_procedures", "Child-friendly measures in criminal and civil proceedings"),
        DemoSession(1, "15:45", "17:30", "rehabilitation_reintegration", "Central Asian NGOs: working with child victims", Session.Format.DISCUSSION),
    ),
    organiser="osce-astana",
    co_organisers=("interior-ministry", "iom-kazakhstan", "us-embassy", "crisis-centres-union"),
    audiences=(AudienceData(Sector.LAW_ENFORCEMENT, "police officers from the regions", 20), AudienceData(Sector.CIVIL_SOCIETY, "national and Central Asian NGOs", 20)),
    languages=("ru", "en"),
)

_VULNERABLE_SESSIONS = (
    DemoSession(0, "10:00", "10:30", "", "Opening", Session.Format.OPENING),
    DemoSession(0, "10:30", "12:30", "vulnerable_groups", "Reducing the risk of trafficking among children in care and children with disabilities", speakers=("ahmetkalieva",)),
    DemoSession(0, "14:00", "16:30", "identification", "Recognising possible cases of abuse and trafficking", speakers=("ahmetkalieva",)),
    DemoSession(1, "10:00", "12:00", "victims_rights", "Legal assistance to victims"),
    DemoSession(1, "13:00", "14:30", "rehabilitation_reintegration", "Rehabilitation and reintegration programmes"),
    DemoSession(1, "14:45", "16:30", "case_solving", "Practical exercises", Session.Format.CASE_SOLVING, ("ahmetkalieva",)),
)
_STAFF_2011 = (_group(ORPHANAGE, 10), _group(COLLEGE, 6), _group(SOCIAL, 4))
_STAFF_2012 = (_group(ORPHANAGE, 9), _group(COLLEGE, 7), _group(SOCIAL, 5), _group(REGIONAL_OFFICIAL, 2), _group(POLICE, 2))
_TITLE_2011 = "Preventing trafficking among vulnerable groups: seminar for staff of children's homes and colleges"
_TITLE_2012 = "Preventing human trafficking among vulnerable groups: regional training seminar"
_VULNERABLE_AUDIENCES = (
    AudienceData(Sector.EDUCATION, "staff of children's homes and vocational schools"),
    AudienceData(Sector.SOCIAL, "social workers and psychologists"),
)

# 2011: Taldykorgan (then in Almaty Region, centre Taldykorgan), Kokshetau, Ust-Kamenogorsk.
SERIES_2011 = DemoSeries(
    first=_event("osce-2011-taldykorgan", "Taldykorgan", "Талдыкорган", "KZ-19-2001", date(2011, 10, 4), _STAFF_2011, title=_TITLE_2011, description="The report names the cities and the year only. " + ILLUSTRATIVE),
    others=(
        _event("osce-2011-kokshetau", "Kokshetau", "Кокшетау", "KZ-11", date(2011, 10, 18), _STAFF_2011, title=_TITLE_2011),
        _event("osce-2011-ust-kamenogorsk", "Ust-Kamenogorsk", "Усть-Каменогорск", "KZ-63-1997", date(2011, 11, 1), _STAFF_2011, title=_TITLE_2011),
    ),
    sessions=_VULNERABLE_SESSIONS,
    organiser="osce-astana",
    co_organisers=("children-rights-committee",),
    audiences=_VULNERABLE_AUDIENCES,
    languages=("ru", "kk"),
)

# 2012: eight two-day seminars over three months from Karaganda, 15 March; some 200 people.
SERIES_2012 = DemoSeries(
    first=_event("osce-2012-karaganda", "Karaganda", "Караганда", "KZ-35-1997", date(2012, 3, 15), _STAFF_2012, title=_TITLE_2012, description="Eight two-day seminars over three months for orphanage, vocational-school and regional staff. " + ILLUSTRATIVE),
    others=(
        _event("osce-2012-kostanai", "Kostanai", "Костанай", "KZ-39", date(2012, 3, 27), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-pavlodar", "Pavlodar", "Павлодар", "KZ-55", date(2012, 4, 10), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-kyzylorda", "Kyzylorda", "Кызылорда", "KZ-43", date(2012, 4, 24), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-shymkent", "Shymkent", "Шымкент", "KZ-61-1992", date(2012, 5, 3), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-aktau", "Aktau", "Актау", "KZ-47", date(2012, 5, 17), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-atyrau", "Atyrau", "Атырау", "KZ-23", date(2012, 5, 29), _STAFF_2012, title=_TITLE_2012),
        _event("osce-2012-uralsk", "Uralsk", "Уральск", "KZ-27", date(2012, 6, 12), _STAFF_2012, title=_TITLE_2012),
    ),
    sessions=_VULNERABLE_SESSIONS,
    organiser="osce-astana",
    co_organisers=("children-rights-committee",),
    audiences=(*_VULNERABLE_AUDIENCES, AudienceData(Sector.LAW_ENFORCEMENT, "law-enforcement officers")),
    languages=("ru", "kk"),
)

# 2012: international conference, Astana, 28 June: some 50 officials.
OFFICIALS = Group(0, Sector.GOVERNMENT, ("главный эксперт", "заведующий сектором", "советник"), ("Мажилис Парламента РК", "Министерство юстиции РК", "Министерство внутренних дел РК", "Министерство здравоохранения РК", "Министерство образования и науки РК", "Аппарат Уполномоченного по правам человека в РК"), 0.6, "country")
JUSTICE = Group(0, Sector.JUSTICE, ("судья", "прокурор", "старший помощник прокурора"), ("Верховный суд РК", "Генеральная прокуратура РК"), 0.45, "country")
INTERNATIONAL = Group(0, Sector.INTERNATIONAL, ("эксперт", "координатор проекта"), ("Эксперт из Центральной Азии", "Эксперт из Болгарии", "Эксперт из Греции", "Эксперт из Российской Федерации"), 0.6, "abroad")
CONFERENCE_2012 = DemoSeries(
    first=_event(
        "osce-2012-astana-conference", "Astana", "Астана", "KZ-71", date(2012, 6, 28),
        (_group(OFFICIALS, 26), _group(JUSTICE, 8), _group(NGO_KZ, 10), _group(INTERNATIONAL, 6)),
        title="Preventing trafficking in children in vulnerable groups: sharing best practices",
        kind=Event.Kind.CONFERENCE, days=1,
        description="International conference on the results of the OSCE-supported project; some 50 officials. " + ILLUSTRATIVE,
    ),
    sessions=(
        DemoSession(0, "10:00", "10:45", "", "Opening", Session.Format.OPENING, ("zarudna", "sher")),
        DemoSession(0, "10:45", "12:30", "vulnerable_groups", "Results of the project on trafficking prevention strategies among vulnerable groups, particularly children with special needs"),
        DemoSession(0, "14:00", "15:45", "legal_framework", "National policies and practices: experts from Central Asia, Bulgaria, Greece and the Russian Federation", Session.Format.DISCUSSION),
        DemoSession(0, "16:00", "17:00", "vulnerable_groups", "Handbooks and brochures tailored to children with special needs", Session.Format.DISCUSSION),
    ),
    organiser="osce-astana",
    co_organisers=("children-rights-committee", "us-embassy", "feminist-league"),
    audiences=(AudienceData(Sector.GOVERNMENT, "officials of Parliament, ministries and the Ombudsman"), AudienceData(Sector.JUSTICE, "Supreme Court and Prosecutor General's Office"), AudienceData(Sector.CIVIL_SOCIETY, "civil society and international organisations")),
    languages=("ru", "en"),
)

# 2016: five seminars (Almaty, Astana, Karaganda, Kostanay, Shymkent), the last on 6 October.
_MIX_2016 = (_group(POLICE, 17), _group(SOCIAL, 15), Group(2, Sector.GOVERNMENT, ("главный специалист",), ("Акимат ({city})",), 0.6), Group(2, Sector.LAW_ENFORCEMENT, ("прокурор",), ("Прокуратура ({region})",), 0.4))
_TITLE_2016 = "Anti-trafficking practices and procedures for law-enforcement officers and social workers"
SERIES_2016 = DemoSeries(
    first=_event("osce-2016-almaty", "Almaty", "Алматы", "KZ-75", date(2016, 9, 13), _MIX_2016, title=_TITLE_2016, days=1, description="One of five seminars for some 180 law-enforcement officers and social workers. " + ILLUSTRATIVE),
    others=(
        _event("osce-2016-astana", "Astana", "Астана", "KZ-71", date(2016, 9, 20), _MIX_2016, title=_TITLE_2016, days=1),
        _event("osce-2016-karaganda", "Karaganda", "Караганда", "KZ-35-1997", date(2016, 9, 27), _MIX_2016, title=_TITLE_2016, days=1),
        _event("osce-2016-kostanay", "Kostanay", "Костанай", "KZ-39", date(2016, 9, 29), _MIX_2016, title=_TITLE_2016, days=1),
        _event("osce-2016-shymkent", "Shymkent", "Шымкент", "KZ-61-1992", date(2016, 10, 6), _MIX_2016, title=_TITLE_2016, days=1),
    ),
    sessions=(
        DemoSession(0, "09:30", "10:00", "", "Opening", Session.Format.OPENING, ("bonotti",)),
        DemoSession(0, "10:00", "11:30", "assistance_standards", "National and international standards for assisting victims of human trafficking", speakers=("kenbayev",)),
        DemoSession(0, "11:45", "13:00", "risk_factors", "Social isolation and discomfort as trafficking supplying factors"),
        DemoSession(0, "14:00", "15:30", "rehabilitation_reintegration", "Integration and rehabilitation"),
        DemoSession(0, "15:45", "17:00", "compensation", "Compensation for damages"),
    ),
    organiser="osce-astana",
    co_organisers=("health-social-ministry", "interior-ministry", "us-embassy"),
    audiences=(AudienceData(Sector.LAW_ENFORCEMENT, "law-enforcement officers"), AudienceData(Sector.SOCIAL, "social workers"), AudienceData(Sector.GOVERNMENT, "akimat and prosecutor's office representatives")),
    languages=("ru", "kk"),
    with_trainer=True,
)

# 2024: international winter school for young scientists, KazNU, Almaty, 26-27 January.
STUDENTS = Group(0, Sector.ACADEMIA, ("студент", "магистрант", "докторант"), ("КазНУ им. аль-Фараби, факультет международных отношений",), 0.7)
INTERNATIONAL_STUDENTS = Group(0, Sector.ACADEMIA, ("магистрант",), ("КазНУ им. аль-Фараби (иностранный студент)",), 0.5, "abroad")
WINTER_SCHOOL = DemoSeries(
    first=_event(
        "kaznu-2024-winter-school", "Almaty", "Алматы", "KZ-75", date(2024, 1, 26),
        (_group(STUDENTS, 26), _group(INTERNATIONAL_STUDENTS, 4)),
        title="Countering Child Trafficking: International legal experience and practice of Kazakhstan (winter school for young scientists)",
        kind=Event.Kind.SCHOOL,
        venue="Faculty of International Relations, Al-Farabi Kazakh National University",
        description="Master classes by NGOs, academics and the police academy; group case solving in the roles of government agencies, police, medical institutions, NGOs and public defenders; an expert's analysis. The report gives no number of participants: 30 is made up. " + ILLUSTRATIVE,
    ),
    sessions=(
        DemoSession(0, "10:00", "10:30", "", "Opening", Session.Format.OPENING, ("delovarova", "sairambayeva")),
        DemoSession(0, "10:30", "11:15", "safe_migration", "The role of the Academic Regional Resource Center for Information on the United Nations in programmes to prevent human trafficking and promote safe migration", Session.Format.MASTER_CLASS, ("delovarova",)),
        DemoSession(0, "11:15", "12:00", "victims_rights", "Ensuring the protection of the rights of victims of human trafficking", Session.Format.MASTER_CLASS, ("baimagambetova",)),
        DemoSession(0, "12:00", "12:45", "psea", "Prevention of sexual exploitation and sexual abuse of children (PSEA), UNICEF", Session.Format.MASTER_CLASS, ("baitukayeva",)),
        DemoSession(0, "14:00", "14:45", "legal_framework", "International legal instruments for combating child trafficking", Session.Format.MASTER_CLASS, ("otynshiyeva",)),
        DemoSession(0, "14:45", "15:30", "trafficking_overview", "Human trafficking as a global phenomenon", Session.Format.MASTER_CLASS, ("seralieva",)),
        DemoSession(0, "15:45", "16:30", "investigation", "The role of law enforcement agencies in the investigation of human trafficking offences", Session.Format.MASTER_CLASS, ("zhiengalieva",)),
        DemoSession(1, "10:00", "12:30", "assistance_standards", "Practical master classes for public defenders against child trafficking", Session.Format.MASTER_CLASS, ("bakyt", "sametova", "otarbayeva")),
        DemoSession(1, "13:30", "16:00", "case_solving", "Group case solving: government agencies, police, medical institutions, NGOs and public defenders", Session.Format.CASE_SOLVING),
        DemoSession(1, "16:00", "17:00", "case_solving", "The expert's analysis of the solutions and legal recommendations", Session.Format.DISCUSSION, ("samaldykov",)),
    ),
    organiser="kaznu-law",
    co_organisers=("winrock",),
    audiences=(AudienceData(Sector.ACADEMIA, "students, master's and doctoral students"),),
    languages=("kk", "ru", "en"),
    with_trainer=True,
)

PROGRAMMES = [
    DemoProgramme(
        "Preventing and combating child trafficking: police and NGO co-operation (2010)", "osce-astana",
        date(2010, 4, 29), date(2010, 4, 30),
        "Effective identification procedures and child-friendly measures in criminal and civil proceedings; inter-agency co-ordination between law enforcement and NGOs. Part of Kazakhstan's 2010 OSCE Chairmanship priorities.",
        (SEMINAR_2010,), partners=("interior-ministry", "iom-kazakhstan", "us-embassy", "crisis-centres-union"),
        targets={"people_trained": 40},
    ),
    DemoProgramme(
        "Preventing trafficking among vulnerable groups: children in care and children with special needs (2011-2012)", "osce-astana",
        date(2011, 10, 1), date(2012, 6, 30),
        "Strengthen the capacity of educational and social institutions at central and regional level to prevent trafficking among vulnerable groups, particularly children with special needs; closer co-operation with civil society.",
        (SERIES_2011, SERIES_2012, CONFERENCE_2012), partners=("children-rights-committee", "us-embassy", "feminist-league"),
        targets={"people_trained": 200, "regions_covered": 8},
    ),
    DemoProgramme(
        "Anti-trafficking practices and procedures for law-enforcement officers and social workers (2016)", "osce-astana",
        date(2016, 9, 1), date(2016, 10, 31),
        "Address the different needs of victims, from access to justice and appropriate investigation to psychological and material support, by training law-enforcement officers and social workers together.",
        (SERIES_2016,), partners=("health-social-ministry", "interior-ministry", "us-embassy"),
        targets={"people_trained": 180, "regions_covered": 5},
    ),
    DemoProgramme(
        "Kazakhstan's Actions in Combating Human Trafficking", "winrock",
        date(2024, 1, 1), None,
        "Project supported by the US Department of State and implemented by Winrock International: knowledge of the general characteristics of child trafficking, response measures and the provision of services.",
        (WINTER_SCHOOL,), donors=("us-embassy",), partners=("kaznu-law",),
    ),
]


# fmt: on


# --- synthetic people ---------------------------------------------------------------------
FIRST_NAMES = {
    "female": (
        "Айгуль",
        "Айжан",
        "Гульнара",
        "Динара",
        "Жанар",
        "Камила",
        "Ляззат",
        "Мадина",
        "Назгуль",
        "Салтанат",
        "Сауле",
        "Толкын",
        "Асель",
        "Айым",
        "Гаухар",
        "Жазира",
        "Меруерт",
        "Раушан",
        "Шолпан",
        "Елена",
        "Ольга",
        "Наталья",
        "Татьяна",
        "Ирина",
        "Светлана",
        "Марина",
        "Анна",
        "Юлия",
    ),
    "male": (
        "Асхат",
        "Бауыржан",
        "Ерлан",
        "Нурлан",
        "Данияр",
        "Азамат",
        "Ержан",
        "Мурат",
        "Серик",
        "Талгат",
        "Канат",
        "Арман",
        "Дастан",
        "Жандос",
        "Ильяс",
        "Рустем",
        "Самат",
        "Алмас",
        "Берик",
        "Андрей",
        "Сергей",
        "Дмитрий",
        "Алексей",
        "Виктор",
        "Игорь",
        "Олег",
        "Павел",
    ),
}
SURNAMES = ("Ахметов", "Жумабеков", "Сейтказиев", "Нургалиев", "Абдрахманов", "Бекмуханов", "Тулегенов", "Исмаилов", "Касымов", "Оспанов", "Сарсенбаев", "Кенжебаев", "Мукашев", "Амангельдиев", "Ибраев", "Есенов", "Рахимов", "Утепов", "Жакупов", "Садыков", "Иванов", "Петров", "Смирнов", "Кузнецов", "Волков", "Морозов", "Ким", "Цой", "Пак", "Шевченко", "Сейткали", "Жанбулат")  # fmt: skip


def _surname(base: str, gender: str) -> str:
    if gender == "female" and base.endswith(("ов", "ев", "ин")):
        return base + "а"
    return base


def _people(event: DemoEvent, regions: Sequence[Region], home: Region) -> list[ParticipantData]:
    """The event's participants, the same on every run (seeded by the event's code)."""
    rng = random.Random(f"qorgau-demo-{event.code}")  # noqa: S311 - made-up names, not secrets
    people: list[ParticipantData] = []
    for group in event.groups:
        for _ in range(group.count):
            number = len(people) + 1
            gender = "female" if rng.random() < group.women else "male"
            region: Region | None = home
            if group.home == "country":
                region = rng.choice(regions)
            elif group.home == "abroad":
                region = None
            organisation = rng.choice(group.organisations).format(
                city=event.city_ru, region=(region or home).name_ru
            )
            people.append(
                ParticipantData(
                    full_name=f"{_surname(rng.choice(SURNAMES), gender)} {rng.choice(FIRST_NAMES[gender])}",
                    organisation_name=organisation,
                    sector=group.sector,
                    position=rng.choice(group.positions),
                    gender=gender,
                    language=rng.choice(("ru", "ru", "kk")),
                    region=region,
                    email=f"{event.code}-{number:03d}@example.org",
                )
            )
    return people


# --- loading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingDemo:
    events_created: int
    participants_created: int


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _speakers(organisation: Organisation) -> dict[str, Speaker]:
    found: dict[str, Speaker] = {}
    existing = {s.name: s for s in Speaker.objects.filter(owner=organisation)}
    for spec in SPEAKERS:
        found[spec.key] = existing.get(spec.name) or speaker_create(
            actor=None,
            owner=organisation,
            data=SpeakerData(name=spec.name, title=spec.title, organisation_name=spec.organisation),
        )
    return found


def _participants_and_attendance(event: Event, spec: DemoEvent, regions: list[Region]) -> int:
    valid = [r for r in regions if _valid_on(r, spec.start)]
    people = _people(spec, valid, event.region)
    registrations_load_synthetic(
        event=event, people=people, consent_at=_at(spec.start - timedelta(days=14), 10)
    )
    rng = random.Random(f"qorgau-demo-attendance-{spec.code}")  # noqa: S311 - made-up data
    approved = list(
        Registration.objects.filter(event=event, status=Registration.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sessions = list(event.sessions.order_by("date", "starts_at"))
    present: dict[int, set[int]] = {s.pk: set() for s in sessions}
    for pk in approved:
        attended = [s for s in sessions if rng.random() < 0.93] or sessions[:1]
        for session in attended:
            present[session.pk].add(pk)
    for session in sessions:
        attendance_mark(actor=None, session=session, present=present[session.pk], listed=approved)
    return len(people)


def _load_series(
    spec: DemoSeries,
    programme: Programme,
    organisations: dict[str, Organisation],
    regions: list[Region],
    trainer: User | None,
) -> tuple[int, int]:
    events = participants = 0
    region_by_key = {r.key: r for r in regions}
    first = Event.objects.filter(code=spec.first.code).first()
    if first is None:
        organiser = organisations[spec.organiser]
        first = event_create(
            actor=None,
            code=spec.first.code,
            data=EventData(
                kind=spec.first.kind,
                title=spec.first.title,
                description=spec.first.description,
                organiser=organiser,
                programme=programme,
                co_organisers=[organisations[k] for k in spec.co_organisers],
                city=spec.first.city,
                region=region_by_key[spec.first.region],
                venue=spec.first.venue,
                starts_on=spec.first.start,
                ends_on=spec.first.start + timedelta(days=spec.first.days - 1),
                capacity=max(sum(g.count for g in spec.first.groups), 1),
                languages=list(spec.languages),
                audiences=list(spec.audiences),
                registration_open=False,
            ),
        )
        speakers = _speakers(organiser)
        for item in spec.sessions:
            session_create(
                actor=None,
                event=first,
                data=SessionData(
                    date=spec.first.start + timedelta(days=item.day),
                    starts_at=time.fromisoformat(item.start),
                    ends_at=time.fromisoformat(item.end),
                    format=item.format,
                    topic=item.topic,
                    title=item.title,
                    room=item.room,
                    speakers=[speakers[k] for k in item.speakers],
                ),
            )
        if spec.with_trainer and trainer is not None:
            event_trainer_add(actor=None, event=first, username=trainer.username)
        participants += _participants_and_attendance(first, spec.first, regions)
        events += 1
    for other in spec.others:
        if Event.objects.filter(code=other.code).exists():
            continue
        copy = series_clone_event(
            actor=None,
            event=first,
            city=other.city,
            region=region_by_key[other.region],
            venue=other.venue,
            start=other.start,
            end=other.start + timedelta(days=other.days - 1),
            code=other.code,
        )
        participants += _participants_and_attendance(copy, other, regions)
        events += 1
    return events, participants


def _load_upcoming(organisations: dict[str, Organisation], trainer: User | None) -> int:
    """One event ahead of today, so that registration, approval and check-in can be tried."""
    code = "demo-upcoming-pavlodar"
    if Event.objects.filter(code=code).exists():
        return 0
    start = timezone.localdate() + timedelta(days=21)
    event = event_create(
        actor=None,
        code=code,
        data=EventData(
            kind=Event.Kind.TRAINING,
            title="Identifying and protecting child victims: refresher training",
            description="A made-up upcoming event for trying the demo.",
            organiser=organisations["osce-astana"],
            city="Pavlodar",
            region=Region.objects.get(key="KZ-55"),
            venue="Regional akimat, conference hall",
            starts_on=start,
            ends_on=start + timedelta(days=1),
            capacity=30,
            languages=["kk", "ru"],
            audiences=[
                AudienceData(Sector.LAW_ENFORCEMENT, "juvenile police inspectors", 15),
                AudienceData(Sector.SOCIAL, "social workers", 15),
            ],
        ),
    )
    for day, begin, end, topic in (
        (0, "10:00", "12:30", "identification"),
        (0, "14:00", "16:30", "child_friendly_procedures"),
        (1, "10:00", "12:30", "referral_cooperation"),
        (1, "14:00", "16:00", "case_solving"),
    ):
        session_create(
            actor=None,
            event=event,
            data=SessionData(
                date=start + timedelta(days=day),
                starts_at=time.fromisoformat(begin),
                ends_at=time.fromisoformat(end),
                format=Session.Format.CASE_SOLVING
                if topic == "case_solving"
                else Session.Format.LECTURE,
                topic=topic,
                room="Hall 1",
            ),
        )
    if trainer is not None:
        event_trainer_add(actor=None, event=event, username=trainer.username)
    spec = _event(
        code,
        "Pavlodar",
        "Павлодар",
        "KZ-55",
        start,
        (_group(POLICE, 13, "event"), _group(SOCIAL, 13)),
        title=event.title,
    )
    people = _people(spec, [], event.region)
    registrations_load_synthetic(event=event, people=people, consent_at=timezone.now(), pending=4)
    return len(people)


# --- pre/post tests of the 2016 series (made-up answers, plausible figures) -----------------
DEMO_PER_FORM = 11


def _answer_for(question: Question, right: bool) -> list[int]:
    options = list(question.options.all())
    correct = [o.pk for o in options if o.correct]
    if right:
        return correct
    wrong = [o.pk for o in options if not o.correct]
    if question.kind == Question.Kind.MULTIPLE and len(correct) > 1:
        return correct[:-1]  # one correct answer missed
    return wrong[:1]


def _take(
    rng: random.Random,
    attempt: Attempt,
    items: Sequence[FormItem],
    ability: float,
) -> list[AttemptAnswer]:
    answers = []
    for item in items:
        # A Rasch-like item: a harder question (difficulty 1-3) is less often right.
        logit = ability - (item.question.difficulty - 2) * 0.9
        right = rng.random() < 1 / (1 + math.exp(-logit))
        answers.append(
            AttemptAnswer(
                attempt=attempt,
                item=item,
                chosen=_answer_for(item.question, right),
                correct=right,
            )
        )
    return answers


def _load_tests(event: Event, seed: str) -> int:
    """Forms A/B, closed pre- and post-tests, and answers for most approved participants."""
    if Assessment.objects.filter(event=event).exists():
        return 0
    pre, post = tests_prepare(actor=None, event=event, per_form=DEMO_PER_FORM)
    items: dict[str, list[FormItem]] = {
        form: list(
            FormItem.objects.filter(event=event, form=form)
            .select_related("question")
            .prefetch_related("question__options")
        )
        for form in (ParallelForm.A, ParallelForm.B)
    }
    rng = random.Random(f"qorgau-demo-tests-{seed}")  # noqa: S311 - made-up data
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.APPROVED).order_by("pk")
    )
    day = event.starts_on
    answers: list[AttemptAnswer] = []
    attempts = 0
    for registration in registrations:
        ability = rng.gauss(-0.3, 0.9)  # before: a little under half right
        learnt = max(0.0, rng.gauss(1.3, 0.6))  # what the day adds, different for each
        for test, when, skip, level in (
            (pre, _at(day, 10), 0.04, ability),
            (post, _at(event.ends_on, 17), 0.08, ability + learnt),
        ):
            if rng.random() < skip:  # attrition: came late or left early
                continue
            form = form_for(registration, test.phase)
            attempt = Attempt.objects.create(
                assessment=test,
                registration=registration,
                form=form,
                language=registration.language
                if registration.language in event.languages
                else event.languages[0],
                key=secrets.token_urlsafe(32),
                submitted_at=when,
            )
            given = _take(rng, attempt, items[form], level)
            attempt.score = score_of(sum(a.correct for a in given), len(items[form]))
            attempt.save(update_fields=["score"])
            answers += given
            attempts += 1
    AttemptAnswer.objects.bulk_create(answers)
    return attempts


def _load_tests_2016() -> int:
    question_bank_load(entries=demo_bank_entries())
    codes = [SERIES_2016.first.code] + [other.code for other in SERIES_2016.others]
    return sum(_load_tests(event, event.code) for event in Event.objects.filter(code__in=codes))


@transaction.atomic
def training_demo_load(*, organisations: dict[str, Organisation]) -> TrainingDemo:
    regions = list(Region.objects.all())
    trainer = User.objects.filter(username="trainer").first()
    events = participants = 0
    for spec in PROGRAMMES:
        implementer = organisations[spec.implementer]
        programme = Programme.objects.filter(name=spec.name, implementer=implementer).first()
        if programme is None:
            programme = programme_create(
                actor=None,
                data=ProgrammeData(
                    name=spec.name,
                    implementer=implementer,
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    goals=spec.goals,
                    donors=[organisations[k] for k in spec.donors],
                    partners=[organisations[k] for k in spec.partners],
                    targets=spec.targets,
                ),
            )
        for series in spec.series:
            made, people = _load_series(series, programme, organisations, regions, trainer)
            events += made
            participants += people
    upcoming = _load_upcoming(organisations, trainer)
    _load_tests_2016()
    return TrainingDemo(
        events_created=events + bool(upcoming), participants_created=participants + upcoming
    )
