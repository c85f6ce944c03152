"""What API views that answer with a file (a calendar, a bibliography, markdown) share."""

from rest_framework.negotiation import DefaultContentNegotiation

from tracker.api.renderers import JSONRenderer


class ErrorsAsJSONNegotiation(DefaultContentNegotiation):
    """The file itself is sent as an HttpResponse of its own type; errors are JSON whatever the
    client accepts. `?format=` is the file's format here, not DRF's renderer override."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DownloadMixin:
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJSONNegotiation
