"""`{% notebook_section session %}`: the session page's notebook section, filled by this app, so
the session view and template need nothing from it but this tag."""

from django import template

from notebooks.views import notebook_section_context

register = template.Library()


@register.simple_tag(takes_context=True)
def notebook_section(context, session) -> str:
    # Rendered in the page's own context, so csrf_token, request and user reach the forms.
    section = notebook_section_context(context["request"], session)
    with context.push(**section):
        return context.template.engine.get_template("notebooks/_section.html").render(context)
