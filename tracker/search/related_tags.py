"""`{% load related %}`: the lists by meaning on the reading, term and reflection pages.

Registered by name in TEMPLATES (settings), so the apps' templates show them while the apps
never import search; each tag reads the page's viewer from the request.
"""

from django import template

from tracker.search import related as related_lists

register = template.Library()


@register.inclusion_tag("search/_related.html", takes_context=True)
def related_to_reading(context, reading):
    """Related readings, and the reflections and notes about the reading the viewer may see."""
    user = context["request"].user
    return {
        "lists": [
            (
                "Related readings",
                related_lists.related(
                    user=user, kind="reading", object_id=reading.pk, kinds=("reading",)
                ),
            ),
            (
                "Reflections and notes about it",
                related_lists.related(
                    user=user, kind="reading", object_id=reading.pk, kinds=("reflection", "note")
                ),
            ),
        ],
        "label": "related",
    }


@register.inclusion_tag("search/_related.html", takes_context=True)
def passages_about_term(context, term):
    user = context["request"].user
    items = related_lists.passages_about_term(user=user, term=term)
    return {"lists": [("Passages about it in other words", items)], "label": "passages"}


@register.inclusion_tag("search/_related.html", takes_context=True)
def similar_reflections(context, reflection):
    user = context["request"].user
    items = related_lists.similar_reflections(user=user, reflection=reflection)
    return {"lists": [("Similar reflections in this course", items)], "label": "similar"}
