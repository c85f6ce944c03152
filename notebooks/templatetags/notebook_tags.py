"""`{% notebook_section session %}`: the session page's notebook section, filled by this app, so
the session view and template need nothing from it but this tag."""

import json

from django import template

from notebooks.views import notebook_section_context
from notebooks.views.sweeps import sweep_summary_context

register = template.Library()


@register.simple_tag(takes_context=True)
def notebook_section(context, session) -> str:
    # Rendered in the page's own context, so csrf_token, request and user reach the forms.
    section = notebook_section_context(context["request"], session)
    with context.push(**section):
        return context.template.engine.get_template("notebooks/_section.html").render(context)


@register.inclusion_tag("notebooks/_sweep_summary.html")
def sweep_summary(sweep) -> dict:
    """A sweep's line in the session's section (the sweep comes with its runs counted)."""
    return sweep_summary_context(sweep)


@register.filter
def result_number(value) -> str:
    """A result or plotted number, short: four significant digits, whole numbers whole."""
    if isinstance(value, list | dict | bool) or value is None:
        return json.dumps(value)
    if not isinstance(value, int | float):
        return str(value)
    return str(value) if isinstance(value, int) else f"{value:.4g}"


@register.simple_tag
def cell_of(row: dict, key: str):
    """A comparison table's cell (keys such as `parameter:steps` hold a colon)."""
    return row.get(key)
