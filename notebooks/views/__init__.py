"""Pages for a session's notebooks and their runs.

The section (templates/notebooks/_section.html) sits on the session page through the
`{% notebook_section session %}` tag (notebooks/templatetags), so `sessions` never imports this
app; it also stands on its own page. A running run's
fragment polls `run_status` every two seconds, so progress shows without a reload.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny

from notebooks import exports, selectors, services
from notebooks.forms import NotebookUploadForm, RunParametersForm
from notebooks.models import Artifact, Notebook, Run
from notebooks.views import results as views_results
from sessions import selectors as session_selectors
from sessions.models import Session
from tracker.view_helpers import signed_in_required

# Notebook output is arbitrary HTML and script: served from our origin only inside a sandbox
# (an opaque origin, no scripts), and able to load nothing but inline styles and data: images.
ARTIFACT_CSP = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "frame-ancestors 'self'"
)


def notebook_section_context(
    request,
    session: Session,
    *,
    upload_form: NotebookUploadForm | None = None,
    run_forms: dict[int, RunParametersForm] | None = None,
) -> dict:
    """What `_section.html` needs, under one key. A fixed number of queries."""
    can_manage = selectors.can_manage_notebooks(request.user, session)
    run_forms = run_forms or {}
    notebooks = list(selectors.session_notebooks(session))
    entries = []
    for notebook in notebooks:
        form = None
        if can_manage:
            form = run_forms.get(notebook.pk) or RunParametersForm(notebook=notebook)
        entries.append({"notebook": notebook, "form": form})
    return {
        "notebook_section": {
            "session": session,
            "pinned": selectors.pinned_run_of(session),  # "The result", at the top
            "notebooks": entries,  # each: the notebook, and its run form for organizers
            "can_manage": can_manage,
            "upload_form": (upload_form or NotebookUploadForm()) if can_manage else None,
            "next": request.get_full_path(),
        }
    }


def _session(request, slug: str, number: int) -> Session:
    return session_selectors.session_visible_to(request.user, slug=slug, number=number)


def _require_organizer(request, session: Session) -> None:
    if not selectors.can_manage_notebooks(request.user, session):
        raise PermissionDenied("Only organizers of the course manage its notebooks and runs.")


def _back(request, session: Session):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(_section_url(session))


def _section_url(session: Session) -> str:
    return reverse(
        "session_notebooks", kwargs={"slug": session.course.slug, "number": session.number}
    )


def _page(request, session: Session, *, status: int = 200, **forms) -> HttpResponse:
    context = {"session": session, **notebook_section_context(request, session, **forms)}
    return render(request, "notebooks/page.html", context, status=status)


def session_notebooks(request, slug, number):
    return _page(request, _session(request, slug, number))


@login_required
@require_POST
def notebook_upload(request, slug, number):
    session = _session(request, slug, number)
    _require_organizer(request, session)
    form = NotebookUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notebook_create(session=session, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, session)
    return _page(request, session, status=400, upload_form=form)


@login_required
@require_POST
def notebook_delete(request, notebook_id):
    notebook = selectors.notebook_visible_to(request.user, notebook_id)
    _require_organizer(request, notebook.session)
    try:
        services.notebook_delete(notebook=notebook)
    except services.RunStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return _back(request, notebook.session)


@login_required
@require_POST
def run_start(request, notebook_id):
    notebook: Notebook = selectors.notebook_visible_to(request.user, notebook_id)
    _require_organizer(request, notebook.session)
    form = RunParametersForm(request.POST, notebook=notebook)
    if form.is_valid():
        try:
            services.run_start(
                notebook=notebook, started_by=request.user, parameters=form.parameters
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, notebook.session)
    return _page(request, notebook.session, status=400, run_forms={notebook.pk: form})


@login_required
def run_rerun(request, run_id):
    """The notebook's run form filled with this run's parameters; submitting it queues a new
    run and opens its page."""
    run = selectors.run_visible_to(request.user, run_id)
    notebook = run.notebook
    _require_organizer(request, notebook.session)
    form = RunParametersForm(request.POST or None, notebook=notebook, start_from=run.parameters)
    if request.method == "POST" and form.is_valid():
        try:
            new_run = services.run_rerun(
                run=run, started_by=request.user, parameters=form.parameters
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("run_detail", run_id=new_run.pk)
    return render(
        request,
        "notebooks/rerun.html",
        {"run": run, "session": notebook.session, "form": form},
        status=400 if form.is_bound else 200,
    )


def _add_errors(form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@login_required
@require_POST
def run_cancel(request, run_id):
    run = selectors.run_visible_to(request.user, run_id)
    _require_organizer(request, run.notebook.session)
    try:
        services.run_cancel(run=run, user=request.user)
    except services.RunStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return _back(request, run.notebook.session)


@login_required
@require_POST
def run_delete(request, run_id):
    run = selectors.run_visible_to(request.user, run_id)
    session = run.notebook.session
    _require_organizer(request, session)
    try:
        services.run_delete(run=run)
    except services.RunStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    if request.POST.get("next", "").startswith(reverse("run_detail", args=[run_id])):
        return redirect(_section_url(session))
    return _back(request, session)


def _run_with_artifacts(request, run_id: int) -> Run:
    runs = selectors.runs_with_artifacts(selectors.runs_visible_to(request.user))
    run = runs.filter(pk=run_id).first()
    if run is None:
        raise Http404("No such run.")
    return run


def run_detail(request, run_id):
    run = _run_with_artifacts(request, run_id)
    return render(
        request,
        "notebooks/run_detail.html",
        {
            "run": run,
            "session": run.notebook.session,
            "can_manage": selectors.can_manage_notebooks(request.user, run.notebook.session),
            "detail": True,
            **views_results.run_page_results(run),
        },
    )


def run_status(request, run_id):
    """The run's fragment, polled while it is queued or running."""
    run = _run_with_artifacts(request, run_id)
    return render(
        request,
        "notebooks/_run.html",
        {
            "run": run,
            "can_manage": selectors.can_manage_notebooks(request.user, run.notebook.session),
            "detail": request.GET.get("detail") == "1",
            "next": request.GET.get("next", ""),
        },
    )


def _files_for_browsers_and_api_clients(view):
    """A file view that knows the user from the site's session or from an API token, so the
    `url` the API gives for an artifact works with the same token. Visibility is checked in
    the view, through the selectors."""
    view = permission_classes([AllowAny])(view)
    view = authentication_classes([SessionAuthentication, TokenAuthentication])(view)
    return extend_schema(exclude=True)(api_view(["GET"])(view))  # a file, not an API resource


@xframe_options_sameorigin
@_files_for_browsers_and_api_clients
def artifact_file(request, run_id, artifact_id, name):
    """An artifact: HTML inline for the sandboxed iframe (or as a download with ?download),
    everything else as a download. All with the sandbox policy, in case one is opened directly."""
    artifact = selectors.artifact_visible_to(request.user, run_id=run_id, artifact_id=artifact_id)
    if artifact.name != name:
        raise Http404("No such artifact.")
    inline = artifact.kind == Artifact.Kind.HTML and "download" not in request.GET
    content_type = (
        "text/html; charset=utf-8"
        if artifact.kind == Artifact.Kind.HTML
        else mimetypes.guess_type(artifact.name)[0] or "application/octet-stream"
    )
    if not inline and _store_signs_urls(artifact.file.storage):
        # A download from a shared object store goes there directly, through a short-lived
        # signed link: the web process never holds a large artifact.
        return redirect(_signed_download_url(artifact.file, artifact.name, content_type))
    response = FileResponse(  # streamed in blocks, never read whole
        artifact.file.open("rb"),
        as_attachment=not inline,
        filename=artifact.name,
        content_type=content_type,
    )
    return _locked_down(response)


def _store_signs_urls(storage) -> bool:
    return getattr(storage, "querystring_auth", False)


def _signed_download_url(file, name: str, content_type: str) -> str:
    return file.storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": f'attachment; filename="{name}"',
            "ResponseContentType": content_type,
        },
    )


@_files_for_browsers_and_api_clients
def notebook_file(request, notebook_id):
    notebook = selectors.notebook_visible_to(request.user, notebook_id)
    filename = notebook.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        notebook.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/x-ipynb+json",
    )
    return _locked_down(response)


def _locked_down(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = ARTIFACT_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@signed_in_required
def journal_zip(request, slug):
    course = session_selectors.course_visible_to(request.user, slug=slug)
    body = exports.journal_zip(course=course, user=request.user)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-journal.zip"'
    return response
