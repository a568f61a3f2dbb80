"""Search of the case list: by (part of) the case number, or by the child's name in any script.

Names are matched through the canonical keys of ``ChildNameKey`` (the linkage canonicaliser),
so Жұмабаев, Жумабаев, ZHUMABAEV and Zhumabayev find the same child; every word typed must
match one of the child's names. One indexed EXISTS per word, whatever the number of cases.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from qorgau.cases.models import Case, ChildNameKey
from qorgau.cases.services import name_key_rows
from qorgau.core.models import Workspace

MAX_WORDS = 4


def search_cases(cases: QuerySet[Case], *, workspace: Workspace, text: str) -> QuerySet[Case]:
    text = " ".join(text.split())[:100]
    if not text:
        return cases
    by_name = Q()
    words = [w for w in text.split(" ") if len(w) > 1][:MAX_WORDS]
    for word in words:
        keys = sorted({key for key, _kind in name_key_rows(word)})
        if not keys:
            by_name &= Q(pk__in=[])
            continue
        by_name &= Q(
            Exists(
                ChildNameKey.objects.in_workspace(workspace).filter(
                    child=OuterRef("child_id"), key__in=keys
                )
            )
        )
    if not words:
        return cases.filter(number__icontains=text)
    return cases.filter(Q(number__icontains=text) | by_name)
