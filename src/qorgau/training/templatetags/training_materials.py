"""Template helpers of the materials library and the event page's materials and surveys."""

from __future__ import annotations

from typing import Any

from django import template

from qorgau.accounts.permissions import can
from qorgau.training.models import Event, Survey

register = template.Library()


@register.simple_tag
def language_name(key: str) -> str:
    from qorgau.training.materials import library_data

    return library_data().language_name(key)


@register.simple_tag
def topic_name(key: str) -> str:
    from qorgau.training.topics import topic_catalogue

    return topic_catalogue().name(key)


@register.inclusion_tag("training/materials/_event_materials.html", takes_context=True)
def event_materials(context: Any, event: Event) -> dict[str, Any]:
    from qorgau.training.materials import event_materials as attached

    user = context["request"].user
    return {
        "attachments": attached(event=event),
        "may_attach": can(user, "training.material.attach", event),
    }


@register.inclusion_tag("training/survey/_event_links.html", takes_context=True)
def event_survey_links(context: Any, event: Event) -> dict[str, Any]:
    user = context["request"].user
    return {
        "event": event,
        "may_manage": can(user, "training.survey.manage", event),
        "may_see_results": can(user, "training.survey.results", event),
        "surveys": list(Survey.objects.filter(event=event)),
    }
