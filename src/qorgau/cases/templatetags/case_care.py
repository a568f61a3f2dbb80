from __future__ import annotations

from typing import Any

from django import template

from qorgau.accounts.permissions import can
from qorgau.cases import forms_care, selectors_care
from qorgau.cases.models import Case
from qorgau.cases.models_care import Assessment
from qorgau.cases.services_assessments import OPEN_STAGES

register = template.Library()


def assessment_kinds(user: Any, case: Case) -> list[tuple[str, str]]:
    """The kinds of assessment this person may record on this case."""
    return [
        (kind, str(label))
        for kind, label in Assessment.Kind.choices
        if can(user, "case.best_interests" if kind == "best_interests" else "case.assess", case)
    ]


@register.inclusion_tag("cases/_care.html", takes_context=True)
def case_care(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case page's care sections: assessments, plan, closure and follow-up."""
    user = context["request"].user
    page = selectors_care.care_page(case=case)
    kinds = assessment_kinds(user, case)
    is_open = case.stage in OPEN_STAGES
    may_plan = can(user, "case.plan", case) and is_open
    plan = page["plan"]
    return {
        **page,
        "case": case,
        "is_open": is_open,
        "may_assess": bool(kinds) and is_open,
        "editable_kinds": [kind for kind, _label in kinds],
        "may_plan": may_plan,
        "may_close": can(user, "case.close", case),
        "assessment_form": forms_care.NewAssessmentForm(prefix="assessment", kinds=kinds)
        if kinds and is_open
        else None,
        "reflection_form": forms_care.ReflectionForm(prefix="reflection")
        if can(user, "case.assess", case) and is_open and page["reflection"] is None
        else None,
        "plan_form": forms_care.PlanForm(prefix="plan") if may_plan and plan is None else None,
        "goals_form": forms_care.PlanGoalsForm(
            prefix="goals", initial={"goals": plan.goals, "version": plan.version}
        )
        if may_plan and plan
        else None,
        "extend_form": forms_care.PlanExtendForm(prefix="extend", initial={"version": plan.version})
        if may_plan and plan and not plan.is_extended
        else None,
        "service_form": forms_care.PlanServiceForm(
            prefix="service",
            providers=selectors_care.providers_for(case=case),
            initial={"version": plan.version, "starts_on": plan.starts_on, "ends_on": plan.ends_on},
        )
        if may_plan and plan
        else None,
        "closure_form": forms_care.ClosureForm(prefix="closure")
        if can(user, "case.close", case) and is_open and page["open_closure"] is None
        else None,
        "visit_form": forms_care.VisitForm(prefix="visit"),
        "reopen_form": forms_care.ReopenForm(prefix="reopen", initial={"version": case.version})
        if can(user, "case.close", case) and not is_open
        else None,
    }
