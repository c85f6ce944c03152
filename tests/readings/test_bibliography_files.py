"""Files as Zotero (Better BibTeX, RIS, CSL-JSON), Mendeley, EndNote and hand-kept LaTeX
projects write them (tests/data/bibliographies/, our own files reproducing each pattern),
through the page and the API: never a server error, every entry reported by its key, LaTeX
decoded, and the import doing what its preview promised."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from readings.models import Reading

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parent.parent / "data" / "bibliographies"
FORMATS = {"bib": "bibtex", "json": "csljson", "ris": "ris"}

# file: (added, rejected keys, {title: authors} that must read as decoded)
EXPECTED = {
    "zotero_better_bibtex.bib": (
        5,
        [],
        {
            "Spin Waves in a Quantum Magnet Measured by Neutron Scattering": [
                ("Henrik M.", "Rønnow"),
                ("Lucía", "Martín"),
                ("Kristof T.", "Schütt"),
            ],
            "GPT-2: Language Models are Unsupervised Multitask Learners": [
                ("Alec", "Radford"),
                ("Jeffrey", "Wu"),
            ],
            "Notes on Transformer Circuits & Features: 50% of the Story": [
                ("Wěi", "Zhou"),
                ("Søren", "Østergaard"),
            ],
        },
    ),
    "mendeley.bib": (
        3,
        [],
        {
            "Role of Amyloid-β in a Toy Model of Memory": [
                ("Ana", "González"),
                ("Jörg", "Müller"),
                ("Petr", "Škoda"),
            ],
            "Attention Is Not Everything": [("Benoît", "François"), ("Antonín", "Dvořák")],
        },
    ),
    "hand_kept_thesis.bib": (
        7,
        [],
        {
            "Sparse Coding with LASSO in \N{SCRIPT SMALL L}_1": [  # from $\ell_1$
                ("Jan", "van der Berg"),
                ("Marie", "de la Fontaine"),
                ("", "Barnes and Noble"),
            ],
            "λ-IO: A Unified IO Stack for Readings": [("Zhe", "Yang"), ("Youyou", "Lu")],
            "Probing BERT for Syntax: A Survey": [("Siobhán", "O'Brien"), ("An", "Nguyễn")],
        },
    ),
    "broken_entries.bib": (
        3,
        ["url_with_space", "title_too_long", "bad_year", "no_title", "unclosed"],
        {"A Good Paper After a Broken One": [("Grace", "Hopper")]},
    ),
    "endnote.ris": (
        2,
        [],
        {"Citations Across Lines: An Example": [("Hans C.", "Ørsted"), ("J.", "Doe")]},
    ),
    "zotero.ris": (
        2,
        ["reference 3", "reference 4"],
        {"A Blog Post About Features": [("Wěi", "Zhou")]},
    ),
    "zotero.json": (
        2,
        ["CCCC3333", "DDDD4444"],
        {
            "Learning from Data: A Short Course": [
                ("Jan", "van der Berg"),
                ("", "The Example Collective"),
            ]
        },
    ),
    "big_generated.bib": (498, ["gen0137", "gen0401"], {}),
}


def _authors(title):
    reading = Reading.objects.get(title=title)
    return [(a.author.given_name, a.author.family_name) for a in reading.authorships.all()]


def _check_saved(name):
    added, _rejected, decoded = EXPECTED[name]
    assert Reading.objects.count() == added
    for title, authors in decoded.items():
        assert _authors(title) == authors


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fixture_imports_through_the_api_as_its_preview_promised(name, member):
    added, rejected, _decoded = EXPECTED[name]
    client = APIClient()
    client.force_authenticate(member)
    body = {
        "format": FORMATS[name.rsplit(".", 1)[1]],
        "text": (FILES / name).read_text("utf-8-sig"),
    }
    preview = client.post("/api/v1/readings/import?dry_run=true", body, format="json")
    assert preview.status_code == 200, preview.content[:500]
    report = preview.json()
    assert (report["saved"], report["added"]) == (False, added)
    assert [e["key"] for e in report["entries"] if e["outcome"] == "rejected"] == rejected
    assert all(e["reason"] for e in report["entries"] if e["outcome"] == "rejected")
    assert not Reading.objects.exists()
    saved = client.post(
        "/api/v1/readings/import", {**body, "accept_rejections": True}, format="json"
    )
    assert saved.status_code == 201
    assert [e["outcome"] for e in saved.json()["entries"]] == [
        e["outcome"] for e in report["entries"]
    ]
    _check_saved(name)


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"big_generated.bib"}))
def test_every_fixture_uploads_through_the_page(name, client, member):
    _added, rejected, _decoded = EXPECTED[name]
    client.force_login(member)
    upload = SimpleUploadedFile(name, (FILES / name).read_bytes())
    format = FORMATS[name.rsplit(".", 1)[1]]
    response = client.post(reverse("reading_import"), {"format": format, "file": upload})
    assert response.status_code == 200
    assert response.context["counts"]["rejected"] == len(rejected)
    for key in rejected:
        assert f"<td>{key}</td>" in response.content.decode()
    if rejected:
        assert not Reading.objects.exists()
        response = client.post(
            reverse("reading_import"),
            {"format": format, "text": response.context["text"], "accept": "1"},
        )
    assert response.context["report"].saved
    _check_saved(name)


def test_an_undefined_macro_is_a_warning_on_its_entry_in_the_page(client, member):
    client.force_login(member)
    text = (FILES / "hand_kept_thesis.bib").read_text()
    page = client.post(
        reverse("reading_import"), {"format": "bibtex", "text": text, "preview": "1"}
    )
    assert "Preview: nothing saved yet" in page.content.decode()
    assert "@string neurips is not defined in the file; kept as written" in page.content.decode()
    assert not Reading.objects.exists()
