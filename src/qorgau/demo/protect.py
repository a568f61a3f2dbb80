"""The Protect half of the demo: a handful of synthetic children and their cases.

Every record is written through the services, by the demo login of the right organisation, so
the audit trail is the one real work leaves. The children are invented (no real person); names
are in Kazakh Cyrillic, Russian Cyrillic and Latin, and one child is registered twice, by two
organisations, as Жұмабаев and ZHUMABAEV, so the duplicate warning has something to show; the
duplicate scan of the first organisation then runs through the review page's service, so the
review queue shows the pair.

Idempotent: each story is keyed by the idempotency key of its case (a UUID derived from the
story's name); a story whose case exists is skipped. Dates are relative to today, so the plan
clocks and the overdue list look right on any day. Two demo adjustments are made outside the
services: the overdue referral's deadlines are moved into the past (a referral cannot be sent
yesterday), and then the real escalation service runs; and Aruzhan's case is dated as closed
100 days ago, so her first follow-up visit is overdue. The daily care reminder job then runs,
so the case manager has reminders: that visit, and Timur's plan ending soon.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qorgau.accounts.models import Organisation, User
from qorgau.cases import duplicates
from qorgau.cases import services as cases
from qorgau.cases import services_assessments as assessments
from qorgau.cases import services_closure as closure
from qorgau.cases import services_plan as plan
from qorgau.cases.duplicate_models import DuplicateScan
from qorgau.cases.models import Case, Child
from qorgau.cases.models_care import Closure, ClosureReason, FollowUpVisit
from qorgau.cases.periods import follow_up_dates
from qorgau.cases.reminders import care_reminders_send
from qorgau.cases.services import ChildInput, FamilyInput, NameInput
from qorgau.cases.services_assessments import AssessmentInput
from qorgau.core.models import Workspace
from qorgau.core.workspaces import real_workspace
from qorgau.directory.models import ServiceType
from qorgau.justice import services as justice
from qorgau.justice.models import Route
from qorgau.referrals import services as referrals
from qorgau.referrals.models import Referral
from qorgau.screening import services as screening_services
from qorgau.screening.models import ExploitationForm, Screening, VictimStatusDecision
from qorgau.screening.services import ScreeningInput, catalogue_load_packaged

DUPLICATE_NAME = "ZHUMABAEV KAIRAT"
NAMESPACE = uuid.UUID("6f1c2a4e-9b1d-4c51-8a53-0d3e6c7a2018")


def demo_key(name: str) -> uuid.UUID:
    """A stable idempotency key per demo record: the same on every run."""
    return uuid.uuid5(NAMESPACE, name)


class _Demo:
    def __init__(self, organisations: dict[str, Organisation]) -> None:
        self.org = organisations
        self.user = {u.username: u for u in User.objects.all()}
        self.workspace: Workspace = real_workspace()
        self.today: date = timezone.localdate()
        self.types = {t.key: t for t in ServiceType.objects.all()}

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def open_case(self, story: str, *, by: str, org: str, child: ChildInput) -> Case:
        registered = cases.child_register(
            actor=self.user[by], organisation=self.org[org], workspace=self.workspace, data=child
        )
        return cases.case_open(
            actor=self.user[by],
            organisation=self.org[org],
            workspace=self.workspace,
            idempotency_key=demo_key(story),
            child=registered,
        )

    def consent(self, case: Case, given_by: str, relation: str) -> None:
        cases.consent_give(
            actor=self.user["casemanager"],
            case=case,
            purpose="referral",
            given_by_name=given_by,
            given_by_relation=relation,
            given_on=self.days_ago(20),
        )

    def assess(self, story: str, case: Case, data: AssessmentInput) -> None:
        assessment = assessments.assessment_record(
            actor=self.user["casemanager"],
            case=case,
            idempotency_key=demo_key(f"{story}/{data.kind}"),
            data=data,
        )
        if assessment.approval is not None:
            cases.approval_decide(
                actor=self.user["supervisor"], approval=assessment.approval, approve=True
            )

    def risk(self, findings: str, safety: str, retrafficking: str, family: str) -> AssessmentInput:
        return AssessmentInput(
            kind="risk",
            assessed_on=self.days_ago(12),
            findings=findings,
            safety_risk=safety,
            retrafficking_risk=retrafficking,
            family_risk=family,
        )

    def refer(self, story: str, case: Case, service: str, reason: str) -> Referral:
        return referrals.referral_send(
            actor=self.user["casemanager"],
            case=case,
            provider=self.org["shymkent-crisis"],
            service_type=self.types[service],
            reason=reason,
            idempotency_key=demo_key(story + "/referral"),
        )

    def kostanay_child(self, name: str, **kwargs: Any) -> ChildInput:
        return ChildInput(
            region=self.org["kostanay-social"].region, names=[NameInput(name)], **kwargs
        )

    # --- the stories -------------------------------------------------------------------
    def kairat(self, story: str) -> None:
        """Shelter and psychological help in Shymkent, with an approved plan and a delivery."""
        case = self.open_case(
            story,
            by="casemanager",
            org="kostanay-social",
            child=self.kostanay_child(
                "Жұмабаев Қайрат Ерланұлы",
                birth_date=self.today.replace(year=self.today.year - 15) - timedelta(days=40),
                sex="male",
                citizenship="KZ",
                languages="kk,ru",
                guardian_name="Жұмабаева Сәуле",
                guardian_relation="mother",
                family=[FamilyInput(name="Жұмабаев Ерлан", relation="uncle")],
            ),
        )
        self.consent(case, "Жұмабаева Сәуле", "mother")
        self.assess(
            story,
            case,
            self.risk("Вербовщик знает адрес семьи.", "high", "medium", "low"),
        )
        referral = self.refer(
            story, case, "shelter", "Нужно безопасное место: ребёнок вернулся с рынка в Шымкенте."
        )
        provider = self.user["provider"]
        referrals.referral_accept(actor=provider, referral=referral)
        referrals.referral_start(actor=provider, referral=referral)
        care = plan.plan_create(
            actor=self.user["casemanager"],
            case=case,
            goals="Безопасное проживание, психологическая помощь, возвращение в школу.",
            starts_on=self.days_ago(14),
        )
        service = plan.plan_service_add(
            actor=self.user["casemanager"],
            plan=care,
            version=care.version,
            idempotency_key=demo_key(story + "/service"),
            data=plan.ServiceInput(
                service_type=self.types["psychological"],
                provider=self.org["shymkent-crisis"],
                starts_on=self.days_ago(10),
                ends_on=self.today + timedelta(days=60),
                description="Еженедельные встречи с психологом кризисного центра.",
            ),
        )
        care.refresh_from_db()
        care = plan.plan_submit(actor=self.user["casemanager"], plan=care, version=care.version)
        if care.approval is not None:
            cases.approval_decide(
                actor=self.user["supervisor"], approval=care.approval, approve=True
            )
        service.refresh_from_db()  # the plan is approved now
        plan.service_deliver(
            actor=provider,
            service=service,
            idempotency_key=demo_key(story + "/delivery"),
            delivered_on=self.days_ago(3),
            note="Первая встреча с психологом состоялась.",
        )

    def zhumabaev(self, story: str) -> None:
        """The same boy, registered again by Pavlodar's guardianship, in Latin letters."""
        cases.child_register(
            actor=self.user["guardianship"],
            organisation=self.org["pavlodar-guardianship"],
            workspace=self.workspace,
            data=ChildInput(
                region=self.org["pavlodar-guardianship"].region,
                names=[NameInput(DUPLICATE_NAME)],
                age_min=14,
                age_max=16,
                age_estimated_on=self.days_ago(5),
                sex="male",
                languages="kk",
            ),
        )

    def duplicate_scan(self) -> None:
        """Kostanay's case manager searches the register for duplicates, as from the review
        page, so the queue shows Жұмабаев / ZHUMABAEV; the scan runs at once instead of in the
        worker. Once: a finished scan is kept on the next run."""
        organisation = self.org["kostanay-social"]
        latest = duplicates.latest_scan(workspace=self.workspace, organisation=organisation)
        if latest is not None and latest.status == DuplicateScan.Status.DONE:
            return
        scan = duplicates.duplicate_scan_start(
            actor=self.user["casemanager"], workspace=self.workspace, organisation=organisation
        )
        duplicates.duplicate_scan_run(scan=scan)

    def done(self, story: str) -> bool:
        if story == "zhumabaev":  # a child record only, no case
            return (
                Child.objects.in_workspace(self.workspace)
                .filter(organisation=self.org["pavlodar-guardianship"])
                .filter(names__full_name=DUPLICATE_NAME)
                .exists()
            )
        if story == "madina":  # a screening and a decision, no case
            return (
                Screening.objects.in_workspace(self.workspace)
                .filter(idempotency_key=demo_key(story))
                .exists()
            )
        return (
            Case.objects.in_workspace(self.workspace)
            .filter(idempotency_key=demo_key(story))
            .exists()
        )

    def anastasia(self, story: str) -> None:
        """A referral the crisis centre has not answered: overdue and escalated."""
        case = self.open_case(
            story,
            by="casemanager",
            org="kostanay-social",
            child=self.kostanay_child(
                "Иванова Анастасия Сергеевна",
                age_min=13,
                age_max=14,
                age_estimated_on=self.days_ago(6),
                sex="female",
                citizenship="KZ",
                languages="ru",
            ),
        )
        self.consent(case, "Иванова Ольга", "mother")
        referral = self.refer(story, case, "psychological", "Консультация психолога после побега.")
        sent = timezone.now() - timedelta(days=4)
        Referral.objects.in_workspace(self.workspace).filter(pk=referral.pk).update(
            created_at=sent,
            respond_by=sent + timedelta(days=1),
            complete_by=sent + timedelta(days=14),
        )
        referrals.escalate_overdue(workspace=self.workspace)

    def timur(self, story: str) -> None:
        """A criminal case in Shymkent: proceeding, child-friendly interview, a claim."""
        case = self.open_case(
            story,
            by="casemanager",
            org="kostanay-social",
            child=self.kostanay_child(
                "Aliyev Timur",
                age_min=16,
                age_max=17,
                age_estimated_on=self.days_ago(30),
                sex="male",
                citizenship="UZ",
                languages="uz,ru",
            ),
        )
        registered = self.days_ago(25)
        # The case manager records the proceeding Shymkent's police run; the investigator and
        # the prosecutor then work on it (they run it, so they see and edit it).
        proceeding = justice.proceeding_create(
            actor=self.user["casemanager"],
            case=case,
            idempotency_key=demo_key(story + "/proceeding"),
            data=justice.ProceedingInput(
                register_number=f"{registered.year % 100:02d}7900310000123",
                registered_on=registered,
                articles=["cc2014-135"],
                investigating_organisation=self.org["shymkent-police"],
                prosecutor_organisation=self.org["shymkent-prosecutor"],
            ),
        )
        justice.interview_record(
            actor=self.user["investigator"],
            proceeding=proceeding,
            idempotency_key=demo_key(story + "/interview"),
            data=justice.InterviewInput(
                held_on=self.days_ago(20),
                interviewer="Жумабаев М.",
                interviewer_trained=True,
                video_recorded=True,
                psychologist_present=True,
                legal_representative_present=True,
                child_friendly_room=True,
                place="Кабинет для опроса детей, ДП г. Шымкент",
            ),
        )
        justice.claim_create(
            actor=self.user["prosecutor"],
            proceeding=proceeding,
            idempotency_key=demo_key(story + "/claim"),
            data=justice.ClaimInput(
                route=Route.CIVIL_CLAIM_IN_CRIMINAL_CASE,
                amount_claimed=Decimal("1500000"),
                note="Невыплаченная заработная плата и моральный вред.",
            ),
        )
        # His assistance plan began five and a half months ago: its last day is within the
        # reminder window, so the case manager is reminded that it ends soon.
        plan.plan_create(
            actor=self.user["casemanager"],
            case=case,
            goals="Легализация пребывания, возвращение в Узбекистан к семье, сопровождение "
            "в уголовном процессе.",
            starts_on=self.days_ago(165),
        )

    def aruzhan(self, story: str) -> None:
        """Back with her family: the case is closed and in follow-up."""
        case = self.open_case(
            story,
            by="casemanager",
            org="kostanay-social",
            child=self.kostanay_child(
                "Серікқызы Аружан",
                age_min=15,
                age_max=16,
                age_estimated_on=self.days_ago(90),
                sex="female",
                citizenship="KZ",
                languages="kk",
            ),
        )
        self.assess(
            story, case, self.risk("Семья в безопасности, вербовщик осуждён.", "low", "low", "low")
        )
        self.assess(
            story,
            case,
            AssessmentInput(
                kind="best_interests",
                assessed_on=self.days_ago(10),
                findings="Мать в безопасности и ждёт дочь домой.",
                outcome="return_to_family",
                family_assessed=True,
                child_views="Хочет вернуться к маме и в свою школу.",
            ),
        )
        request = closure.closure_request(
            actor=self.user["casemanager"],
            case=case,
            reason=ClosureReason.REINTEGRATED,
            follow_up_months=6,
            note="Вернулась в семью, посещает школу.",
        )
        if request.approval is not None:
            cases.approval_decide(
                actor=self.user["supervisor"], approval=request.approval, approve=True
            )
        request.refresh_from_db()
        case.refresh_from_db()
        closed = closure.case_close(
            actor=self.user["casemanager"], closure=request, version=case.version
        )
        case.refresh_from_db()
        closure.follow_up_start(
            actor=self.user["casemanager"], closure=closed, version=case.version
        )
        self.closed_long_ago(closed, days=100)

    def closed_long_ago(self, closed: Closure, *, days: int) -> None:
        """Demo adjustment (a case cannot be closed in the past): the case closed ``days``
        ago, its follow-up visits due from then on, so the first one is overdue."""
        closed_on = self.days_ago(days)
        Closure.objects.in_workspace(self.workspace).filter(pk=closed.pk).update(
            closed_on=closed_on
        )
        visits = FollowUpVisit.objects.in_workspace(self.workspace).filter(closure=closed)
        for visit, due in zip(
            visits.order_by("due_on", "pk"),
            follow_up_dates(closed_on, closed.follow_up_months),
            strict=False,
        ):
            FollowUpVisit.objects.in_workspace(self.workspace).filter(pk=visit.pk).update(
                due_on=due
            )

    def madina(self, story: str) -> None:
        """A school worker screens a girl met on a school trip to Kostanay; Kostanay's social
        protection presumes her a victim. No case yet: the identification waits for one."""
        catalogue = catalogue_load_packaged()
        region = self.org["kostanay-social"].region
        screening = screening_services.screening_submit(
            actor=self.user["frontline"],
            organisation=self.org["pavlodar-school"],
            workspace=self.workspace,
            idempotency_key=demo_key(story),
            data=ScreeningInput(
                catalogue_version=catalogue.version,
                region=region,
                screened_at=timezone.now() - timedelta(days=2, hours=3),
                place="Автовокзал, Костанай",
                exploitation_form=ExploitationForm.LABOUR,
                child_name="Әбдірахманова Мадина",
                age_min=14,
                age_max=15,
                sex="female",
                unaccompanied=True,
                observations="Работала на рынке без оплаты, документы у «работодателя».",
                answers={
                    "child_labour.deceptive_recruitment.nature_of_job": ("yes", ""),
                    "child_labour.deceptive_recruitment.education_opportunities": ("yes", ""),
                },
            ),
        )
        identification = getattr(screening, "identification", None)
        if identification is not None:
            screening_services.victim_status_decide(
                actor=self.user["casemanager"],
                identification=identification,
                organisation=self.org["kostanay-social"],
                status=VictimStatusDecision.Status.PRESUMED,
                decided_on=self.days_ago(1),
                legal_basis="Закон РК № 110-VIII, ст. 18",
                reasons="Признаки принудительного труда ребёнка; документы удерживаются.",
            )

    def daniil(self, story: str) -> None:
        """A newly opened case, nothing done yet."""
        self.open_case(
            story,
            by="casemanager",
            org="kostanay-social",
            child=self.kostanay_child(
                "Петров Даниил",
                age_min=12,
                age_max=13,
                age_estimated_on=self.days_ago(1),
                sex="male",
                citizenship="KZ",
                languages="ru",
            ),
        )


@transaction.atomic
def protect_demo_load(*, organisations: dict[str, Organisation]) -> int:
    """Write the demo's children and cases that are missing; returns how many stories ran."""
    demo = _Demo(organisations)
    stories: dict[str, Callable[[str], None]] = {
        "kairat": demo.kairat,
        "zhumabaev": demo.zhumabaev,
        "anastasia": demo.anastasia,
        "timur": demo.timur,
        "aruzhan": demo.aruzhan,
        "madina": demo.madina,
        "daniil": demo.daniil,
    }
    ran = 0
    for name, story in stories.items():
        if demo.done(name):
            continue
        story(name)
        ran += 1
    demo.duplicate_scan()
    # The daily reminder job, so the case manager finds Aruzhan's overdue visit and Timur's
    # ending plan on the reminders page (idempotent: a second load tells nothing again).
    care_reminders_send(workspace=demo.workspace)
    return ran
