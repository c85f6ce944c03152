"""Refuses, for every page and endpoint, requests whose address no view should ever see.

A NUL character (PostgreSQL refuses it in any text it is compared with, so a lookup would be a
500) or bytes that are not UTF-8 (Django would replace them and look up something else) in the
path or the query string, or bytes that are not UTF-8 in a form's body, answer 400 here, before
any view or database. The answer is JSON (`{"detail": ...}`, or each parameter's name with its
messages, as the API names a bad field) for /api/ and for clients that accept JSON, and a short
plain-text page for the others.

It also turns a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, which Django reports with a bare
HTML page, into a JSON 413 for those clients.
"""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse

NUL_MESSAGE = "Null characters are not allowed."
NOT_UTF8_MESSAGE = "This is not valid UTF-8 text."


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problems = (
            _path_problems(request.path_info)
            or _query_problems(_wsgi_bytes(request.META.get("QUERY_STRING", "")))
            or _form_body_problems(request)
        )
        if problems:
            return _refusal(request, problems)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """Only for JSON clients: a page keeps Django's own answer."""
        if not wants_json(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            detail = f"The request body is larger than the {limit:,} bytes allowed."
            return JsonResponse({"detail": detail}, status=413)
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return JsonResponse({"detail": "The request has too many fields."}, status=400)
        return None


def wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return request.path_info.startswith("/api/") or "json" in accept.lower()


def _path_problems(path: str) -> dict | None:
    # The server has already decoded %xx; Django re-encodes bytes that are not UTF-8 as %XX,
    # so decoding once more finds them (a path of ours never holds a literal "%").
    if "\x00" in path:
        return {"detail": f"The address holds a NUL character. {NUL_MESSAGE}"}
    if "%" in path and not _is_utf8(unquote_to_bytes(path)):
        return {"detail": "The address is not valid UTF-8."}
    return None


def _query_problems(raw: bytes, *, refuse_nul: bool = True) -> dict | None:
    """{parameter: [message]} for each parameter whose name or value is refused."""
    if not raw:
        return None
    problems = {}
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (name, value))
        if not _is_utf8(name) or b"\x00" in name:
            return {"detail": "The request holds a parameter name that is not valid text."}
        if refuse_nul and b"\x00" in value:
            problems[name.decode()] = [NUL_MESSAGE]
        elif not _is_utf8(value):
            problems[name.decode()] = [NOT_UTF8_MESSAGE]
    return problems or None


def _form_body_problems(request) -> dict | None:
    """A form body that is not UTF-8 (Django would store U+FFFD in its place). A NUL is left
    to the forms and serializers, which name the field it is in."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length <= 0 or (limit is not None and length > limit):
        return None  # nothing to read, or Django's own limit answers
    return _query_problems(request.body, refuse_nul=False)


def _wsgi_bytes(text: str) -> bytes:
    """A WSGI string holds the request's bytes as latin-1 (PEP 3333)."""
    try:
        return text.encode("iso-8859-1")
    except UnicodeEncodeError:  # not from a server: text as a test client may pass it
        return text.encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refusal(request, problems: dict) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(problems, status=400)
    lines = [
        messages if name == "detail" else f"{name[:60]}: {' '.join(messages)}"
        for name, messages in problems.items()
    ]
    text = "\n".join(["Bad request.", *lines, ""])
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
