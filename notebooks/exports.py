"""The learner's journal as a zip: the markdown from sessions.exports plus the images that runs
made. Here, not in `sessions`, because runs belong to this app and sessions never imports it."""

import io
import zipfile

from django.core.files.storage import default_storage

from notebooks.models import Artifact, Run
from notebooks.selectors import artifacts_visible_to
from sessions.exports import journal_markdown
from sessions.models import Course


def journal_zip(*, course: Course, user) -> bytes:
    """The member's journal markdown plus the images that succeeded runs of the course's
    sessions made (those the user may see), read through Django's storage."""
    images = (
        artifacts_visible_to(user)
        .filter(
            kind=Artifact.Kind.IMAGE,
            run__status=Run.Status.SUCCEEDED,
            run__notebook__session__course=course,
        )
        .select_related("run__notebook__session")
        .order_by("run__notebook__session__number", "run_id", "id")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("journal.md", journal_markdown(course=course, user=user))
        for image in images:
            session = image.run.notebook.session
            name = f"images/session-{session.number}/run-{image.run_id}-{image.name}"
            try:
                with default_storage.open(image.file.name, "rb") as stored:
                    archive.writestr(name, stored.read())
            except FileNotFoundError:  # a file removed behind our back: export the rest
                continue
    return buffer.getvalue()
