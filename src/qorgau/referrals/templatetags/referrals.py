from __future__ import annotations

from typing import Any

from django import template

from qorgau.accounts.permissions import can
from qorgau.cases.models import Case
from qorgau.referrals import selectors

register = template.Library()


@register.inclusion_tag("referrals/_case_section.html", takes_context=True)
def case_referrals(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case page's "Referrals" section: its referrals, and the link to send one."""
    user = context["request"].user
    return {
        "case": case,
        "referrals": selectors.case_referrals(user=user, case=case),
        "may_send": can(user, "referral.send", case),
    }


@register.inclusion_tag("referrals/_case_transfers.html", takes_context=True)
def case_transfers(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case page's "Transfers" section: the case's transfers, and the link to offer one."""
    from qorgau.referrals.transfer_selectors import case_transfers as transfers_of

    user = context["request"].user
    return {
        "case": case,
        "transfers": transfers_of(user=user, case=case),
        "may_transfer": can(user, "transfer.request", case) and case.stage != "closed",
    }
