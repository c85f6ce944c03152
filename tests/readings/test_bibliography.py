import json

import bibtexparser
import pytest
from django.core.management import call_command

from readings import bibliography, selectors
from readings.models import Reading

pytestmark = pytest.mark.django_db


def _demo_readings():
    call_command("load_demo", verbosity=0)
    return list(selectors.readings_with_details().order_by("slug"))


def _shape(readings):
    return sorted(
        (
            r.title,
            tuple((a.author.given_name, a.author.family_name) for a in r.authorships.all()),
            r.year,
            r.doi,
            r.arxiv_id,
            r.isbn,
            tuple(sorted(t.name for t in r.tags.all())),
        )
        for r in readings
    )


@pytest.mark.parametrize("format", ["bibtex", "csljson"])
def test_export_then_import_of_the_demo_readings_round_trips(format, member):
    readings = _demo_readings()
    exported = (
        bibliography.export_bibtex(readings)
        if format == "bibtex"
        else bibliography.export_csljson(readings)
    )
    before = _shape(readings)
    Reading.objects.all().delete()
    report = bibliography.import_readings(text=exported, format=format, user=member)
    assert report.saved and report.count("added") == len(before)
    assert _shape(selectors.readings_with_details()) == before


@pytest.mark.parametrize("format", ["bibtex", "csljson"])
def test_a_second_import_of_the_same_file_adds_nothing(format, member):
    readings = _demo_readings()
    exported = getattr(bibliography, f"export_{format}")(readings)
    count = Reading.objects.count()
    report = bibliography.import_readings(text=exported, format=format, user=member)
    assert report.count("added") == 0 and report.count("matched") == count
    assert Reading.objects.count() == count


def test_bibtex_export_splits_names_and_fills_identifier_fields():
    readings = _demo_readings()
    entries = {
        e["title"]: e for e in bibtexparser.loads(bibliography.export_bibtex(readings)).entries
    }
    gpt3 = entries["{Language Models are Few-Shot Learners}"]
    assert gpt3["author"].startswith("Brown, Tom and Mann, Benjamin")
    assert (gpt3["eprint"], gpt3["archiveprefix"]) == ("2005.14165", "arXiv")
    assert entries["{Feature Visualization}"]["doi"] == "10.23915/distill.00007"


def test_csljson_export_has_given_and_family_names():
    items = json.loads(bibliography.export_csljson(_demo_readings()))
    circuits = next(i for i in items if i["title"] == "Zoom In: An Introduction to Circuits")
    assert circuits["author"][0] == {"given": "Chris", "family": "Olah"}
    assert circuits["DOI"] == "10.23915/distill.00024.001"
    assert circuits["issued"] == {"date-parts": [[2020]]}


def test_matching_uses_doi_arxiv_id_or_normalized_title(member, reading_factory):
    reading_factory(title="Zoom In: An Introduction to Circuits", doi="")
    reading_factory(title="Something", arxiv_id="2005.14165")
    text = """
@article{a, title={{Zoom in -- an introduction to circuits}}, year={2020}}
@misc{b, title={GPT-3}, eprint={2005.14165v2}, archiveprefix={arXiv}}
@article{c, title={A new one}, author={Olah, Chris}, year={2021}}
"""
    report = bibliography.import_readings(text=text, format="bibtex", user=member)
    assert [e.outcome for e in report.entries] == ["matched", "matched", "added"]


def test_a_broken_entry_saves_nothing_until_the_report_is_accepted(member):
    text = """
@article{good, title={A good paper}, author={Doe, Jane}, year={2020}}
@article{bad, title={A bad DOI}, doi={not-a-doi}, year={2020}}
@article{noyear, title={Bad year}, year={20x0}}
"""
    report = bibliography.import_readings(text=text, format="bibtex", user=member)
    assert not report.saved
    assert [e.outcome for e in report.entries] == ["added", "rejected", "rejected"]
    assert "DOI" in report.entries[1].reason
    assert not Reading.objects.exists()
    accepted = bibliography.import_readings(
        text=text, format="bibtex", user=member, accept_rejections=True
    )
    assert accepted.saved
    assert list(Reading.objects.values_list("title", flat=True)) == ["A good paper"]


@pytest.mark.parametrize(
    ("format", "text"), [("csljson", "{not json"), ("csljson", "[]"), ("bibtex", "no entries here")]
)
def test_an_unreadable_file_is_refused_by_name(format, text, member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        bibliography.import_readings(text=text, format=format, user=member)
    assert "file" in error.value.message_dict
