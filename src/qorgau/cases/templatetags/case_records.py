from __future__ import annotations

from typing import Any

from django import template

from qorgau.cases import record_selectors
from qorgau.cases.models import Case, CaseDocument

register = template.Library()


@register.inclusion_tag("cases/_records_section.html", takes_context=True)
def case_records(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case page's "Notes and documents" section: the latest notes and the counts."""
    user = context["request"].user
    notes = record_selectors.notes_for(user=user, case=case)
    documents = record_selectors.documents_for(user=user, case=case)
    return {
        "case": case,
        "notes": list(notes[:3]),
        "note_count": notes.count(),
        "document_count": documents.filter(status=CaseDocument.Status.ACTIVE).count(),
    }
