from copy import copy

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON, except that text UTF-8 cannot encode (a lone surrogate, echoed back in an
    error message about the field that held it) is written as a \\u escape instead of
    failing the response with a 500."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaping = copy(self)
            escaping.ensure_ascii = True
            return renderers.JSONRenderer.render(
                escaping, data, accepted_media_type, renderer_context
            )


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML pages, whose Bootstrap layout uses inline style attributes: they alone may
    apply inline styles (never scripts). What they show is escaped JSON, and a style cannot run
    code, so the exception costs little."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            # What django-csp's @csp_update decorator sets; its middleware reads it on the way out.
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
