from __future__ import annotations

from typing import Any

from django import template

from qorgau.accounts.permissions import can
from qorgau.cases.models import Case
from qorgau.justice import selectors

register = template.Library()


@register.inclusion_tag("justice/_case_section.html", takes_context=True)
def case_justice(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case page's "Justice and redress" section, for those who may see proceedings."""
    user = context["request"].user
    if not can(user, "proceeding.view_case", case):
        return {"visible": False}
    proceedings = selectors.case_proceedings(user=user, case=case)
    return {
        "visible": True,
        "case": case,
        "proceedings": proceedings,
        "flagged": any(p.non_punishment for p in proceedings),  # type: ignore[attr-defined]
        "may_create": can(user, "proceeding.create", case),
    }
