"""Bibliography pages: exports of one reading, a filter, a session's and a course's list;
the import page's report, and nothing saved until a rejection is accepted."""

import json

import pytest
from django.urls import reverse

from readings import services
from readings.models import Reading
from sessions import services as session_services
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db

GOOD = """@article{olah2020zoom,
  title = {Zoom In: An Introduction to Circuits},
  author = {Olah, Chris and Cammarata, Nick},
  year = {2020},
  doi = {10.23915/distill.00024.001},
  keywords = {circuits}
}
"""
BROKEN = (
    GOOD
    + """@misc{broken,
  title = {A year that cannot be},
  year = {99999}
}
"""
)


def _reading(title, **fields):
    return services.reading_create(title=title, authors=[("Ada", "Lovelace")], **fields)


def test_one_reading_exports_as_bibtex_and_csljson(client):
    reading = _reading("Toy Models of Superposition", year=2022, arxiv_id="2209.10652")
    _reading("Something else")
    url = reverse("reading_export", args=["bibtex"])
    bibtex = client.get(url, {"reading": reading.slug})
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    assert (
        "Toy Models" in bibtex.content.decode() and "Something else" not in bibtex.content.decode()
    )
    assert "2209.10652" in bibtex.content.decode()
    items = json.loads(
        client.get(reverse("reading_export", args=["csljson"]), {"reading": reading.slug}).content
    )
    assert [i["title"] for i in items] == ["Toy Models of Superposition"]
    assert items[0]["author"] == [{"given": "Ada", "family": "Lovelace"}]


def test_library_export_follows_the_current_filter(client):
    _reading("A paper", kind="paper")
    _reading("A book", kind="book")
    items = json.loads(
        client.get(reverse("reading_export", args=["csljson"]), {"kind": "book"}).content
    )
    assert [i["title"] for i in items] == ["A book"]


def test_unknown_format_is_a_404(client):
    assert client.get(reverse("reading_export", args=["marc"])).status_code == 404


def test_session_and_course_lists_export_only_for_those_who_see_them(client, course_with_roles):
    course, _organizer, member, outsider = course_with_roles
    listed = _reading("Listed reading")
    _reading("Unlisted reading")
    session = SessionFactory(course=course)
    session_services.session_update(
        session=session, readings=[{"reading": listed, "role": "required"}]
    )
    url = reverse("reading_export", args=["csljson"])
    for params in ({"session": session.pk}, {"course": course.slug}):
        assert client.get(url, params).status_code == 404
        client.force_login(outsider)
        assert client.get(url, params).status_code == 404
        client.force_login(member)
        items = json.loads(client.get(url, params).content)
        assert [i["title"] for i in items] == ["Listed reading"]
        client.logout()


def test_import_page_needs_sign_in(client):
    response = client.post(reverse("reading_import"), {"format": "bibtex", "text": GOOD})
    assert response.status_code == 302
    assert Reading.objects.count() == 0


def test_import_shows_the_report_and_a_second_import_adds_nothing(client, member):
    client.force_login(member)
    first = client.post(reverse("reading_import"), {"format": "bibtex", "text": GOOD})
    assert first.context["report"].saved and first.context["counts"]["added"] == 1
    assert Reading.objects.get().tags.get().name == "circuits"
    second = client.post(reverse("reading_import"), {"format": "bibtex", "text": GOOD})
    assert second.context["counts"] == {"added": 0, "matched": 1, "rejected": 0}
    assert "already in the library" in second.content.decode()
    assert Reading.objects.count() == 1


def test_a_broken_entry_saves_nothing_until_accepted(client, member):
    client.force_login(member)
    report = client.post(reverse("reading_import"), {"format": "bibtex", "text": BROKEN})
    page = report.content.decode()
    assert "Nothing saved yet" in page and "not a plausible year" in page
    assert Reading.objects.count() == 0
    accepted = client.post(
        reverse("reading_import"),
        {"format": "bibtex", "text": report.context["text"], "accept": "1"},
    )
    assert accepted.context["report"].saved
    assert list(Reading.objects.values_list("title", flat=True)) == [
        "Zoom In: An Introduction to Circuits"
    ]


def test_an_unreadable_file_is_a_form_error(client, member):
    client.force_login(member)
    response = client.post(reverse("reading_import"), {"format": "csljson", "text": "{not json"})
    assert "This is not JSON" in response.content.decode()
    assert Reading.objects.count() == 0


def test_organizers_import_into_a_sessions_reading_list_and_members_cannot(
    client, course_with_roles
):
    course, organizer, member, _outsider = course_with_roles
    session = SessionFactory(course=course)
    client.force_login(member)
    page = client.get(reverse("reading_import"))
    assert "reading list" not in page.content.decode()
    refused = client.post(
        reverse("reading_import"), {"format": "bibtex", "text": GOOD, "session": session.pk}
    )
    assert "Select a valid choice" in refused.content.decode()
    assert not Reading.objects.exists()
    client.force_login(organizer)
    preview = client.post(
        reverse("reading_import"),
        {"format": "bibtex", "text": GOOD, "session": session.pk, "preview": "1"},
    )
    assert "will join the reading list of" in preview.content.decode()
    assert not Reading.objects.exists()
    saved = client.post(
        reverse("reading_import"),
        {"format": "bibtex", "text": GOOD, "session": session.pk, "accept": "1"},
    )
    assert saved.context["report"].saved
    assert list(session.session_readings.values_list("reading__title", flat=True)) == [
        "Zoom In: An Introduction to Circuits"
    ]


def test_a_reading_page_offers_each_export_format_and_the_ris_link_downloads_it(client):
    reading = _reading("Toy Models of Superposition", year=2022)
    html = client.get(reading.get_absolute_url()).content.decode()
    ris_url = reverse("reading_export", args=["ris"]) + f"?reading={reading.slug}"
    assert all(name in html for name in ("BibTeX</a>", "CSL-JSON</a>", "RIS</a>"))
    assert f'href="{ris_url}"' in html
    ris = client.get(ris_url).content.decode()
    assert "TI  - Toy Models of Superposition" in ris or "T1  - Toy Models of Superposition" in ris
