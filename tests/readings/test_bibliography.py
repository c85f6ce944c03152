"""Bibliographies in and out: LaTeX decoded on import and encoded on export, files that other
readers (pybtex, bibtexparser 2, citeproc-py, rispy) accept, and round trips in every format."""

import json

import bibtexparser
import pybtex.database
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.core.exceptions import ValidationError
from django.core.management import call_command

from readings import bibliography, selectors, services
from readings.models import Reading

pytestmark = pytest.mark.django_db
FORMATS = ["bibtex", "csljson", "ris"]


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


def _awkward_readings():
    """Titles and names that break a careless writer: lone braces, LaTeX specials, accents,
    names holding "and" or a comma."""
    return [
        services.reading_create(
            title="Sets {x | x > 0} and a lone { brace",
            authors=[("Henrik M.", "Rønnow"), ("", "Barnes and Noble"), ("Jr., John", "Smith")],
            year=2019,
            doi="10.5555/braces.1",
            kind="paper",
            source="Journal of A & B",
        ),
        services.reading_create(
            title="100% of $5 on #tags_and_things } closing",
            authors=[("Lucía", "Martín"), ("Kristof T.", "Schütt"), ("Jan", "van der Berg")],
            year=2021,
            kind="other",
            source="A talk at the {Example} meetup",
            url="https://example.org/a_b?c=1&d=%20",
        ),
        services.reading_create(
            title="GPT-2: Language Models Are Unsupervised Multitask Learners",
            authors=[("Alec", "Radford")],
            year=2019,
            kind="book",
            isbn="9780262033848",
            source="The Example Press",
            tags=["language models", "c&c"],
        ),
    ]


@pytest.mark.parametrize("format", FORMATS)
def test_export_then_import_of_the_demo_readings_round_trips(format, member):
    readings = _demo_readings()
    exported = bibliography.export(readings, format)
    before = _shape(readings)
    Reading.objects.all().delete()
    report = bibliography.import_readings(text=exported, format=format, user=member)
    assert report.saved and report.count("added") == len(before)
    assert _shape(selectors.readings_with_details()) == before


@pytest.mark.parametrize("format", FORMATS)
def test_awkward_titles_and_names_survive_export_import_export(format, member):
    readings = _awkward_readings()
    before = _shape(readings)
    first = bibliography.export(readings, format)
    Reading.objects.all().delete()
    report = bibliography.import_readings(text=first, format=format, user=member)
    assert [e.outcome for e in report.entries] == ["added"] * 3, report.entries
    after = list(selectors.readings_with_details())
    assert _shape(after) == before
    ordered = sorted(after, key=lambda r: [x.title for x in readings].index(r.title))
    assert bibliography.export(ordered, format) == first


@pytest.mark.parametrize("format", FORMATS)
def test_a_second_import_of_the_same_file_adds_nothing(format, member):
    readings = _demo_readings()
    exported = bibliography.export(readings, format)
    count = Reading.objects.count()
    report = bibliography.import_readings(text=exported, format=format, user=member)
    assert report.count("added") == 0 and report.count("matched") == count
    assert Reading.objects.count() == count


def test_bibtex_import_decodes_latex_to_unicode(member):
    text = r"""@article{k,
  title = {{GPT}-2 and the {\O}resund {Bridge}: 50\% \& more},
  author = {R{\o}nnow, Henrik and Mart{\'{\i}}n, Luc{\'i}a and Sch\"utt, Kristof
            and {\v{S}}koda, Petr},
  journal = {Journal of {M}agnetism},
  year = {2019},
}"""
    report = bibliography.import_readings(text=text, format="bibtex", user=member)
    reading = selectors.readings_with_details().get(pk=report.entries[0].reading.pk)
    assert reading.title == "GPT-2 and the Øresund Bridge: 50% & more"
    assert [(a.author.given_name, a.author.family_name) for a in reading.authorships.all()] == [
        ("Henrik", "Rønnow"),
        ("Lucía", "Martín"),
        ("Kristof", "Schütt"),
        ("Petr", "Škoda"),
    ]
    assert reading.source == "Journal of Magnetism"


def test_an_undefined_string_macro_keeps_its_raw_value_and_warns_on_its_entry(member):
    text = """@string{jmlr = "Journal of Machine Learning Research"}
@article{defined, title={Defined}, journal=jmlr, year=2015}
@article{undefined, title={Undefined}, journal=neurips # " Workshop", year=2020}
"""
    report = bibliography.import_readings(text=text, format="bibtex", user=member)
    assert report.saved and [e.outcome for e in report.entries] == ["added", "added"]
    defined, undefined = (e.reading for e in report.entries)
    assert defined.source == "Journal of Machine Learning Research"
    assert undefined.source == "neurips Workshop"
    assert report.entries[0].warnings == []
    assert "neurips" in report.entries[1].warnings[0]


def test_several_isbns_dois_and_links_keep_the_first_valid_one(member):
    text = """@book{zotero, title={Two ISBNs}, isbn={978-0-262-03384-8 978-0-262-33737-3}}
@book{mendeley, title={ISSNs in the ISBN field}, isbn={1476-4687 (Electronic) 0028-0836 (Linking)}}
@article{many, title={Two DOIs and two links}, doi={10.5555/a.1 10.5555/a.2},
  url={https://example.org/one https://example.org/two}}
"""
    report = bibliography.import_readings(text=text, format="bibtex", user=member)
    assert [e.outcome for e in report.entries] == ["added"] * 3
    two_isbns, issns, many = (e.reading for e in report.entries)
    assert two_isbns.isbn == "9780262033848"
    assert issns.isbn == "" and "no valid ISBN" in report.entries[1].warnings[0]
    assert (many.doi, many.url) == ("10.5555/a.1", "https://example.org/one")


def test_links_and_identifiers_lose_the_braces_and_escapes_some_tools_add(member):
    text = r"""@article{m, title={Escaped link}, url={https://example.org/a{\_}b\%20c},
  doi={{10.5555/Braced.1}}, isbn={{978-0-262-03384-8}}}"""
    reading = bibliography.import_readings(text=text, format="bibtex", user=member).entries[0]
    assert reading.outcome == "added", reading.reason
    assert (reading.reading.url, reading.reading.doi, reading.reading.isbn) == (
        "https://example.org/a_b%20c",
        "10.5555/braced.1",
        "9780262033848",
    )


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


def test_a_dry_run_reports_every_entry_and_saves_nothing(member):
    text = "@article{a, title={One}, year={2020}}\n@article{b, title={Two}, year={2021}}\n"
    report = bibliography.import_readings(text=text, format="bibtex", user=member, dry_run=True)
    assert not report.saved and report.count("added") == 2
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    ("format", "text"),
    [
        ("csljson", "{not json"),
        ("csljson", "[]"),
        ("bibtex", "no entries here"),
        ("ris", "no references here"),
    ],
)
def test_an_unreadable_file_is_refused_by_name(format, text, member):
    with pytest.raises(ValidationError) as error:
        bibliography.import_readings(text=text, format=format, user=member)
    assert "file" in error.value.message_dict


# Exports that other readers accept


def test_bibtex_export_escapes_specials_braces_names_and_uses_howpublished_for_misc():
    exported = bibliography.export_bibtex(_awkward_readings())
    assert r"Sets {\textbraceleft{}}x | x" in exported  # a lone brace, balanced either way
    assert r"100{\%} of {\$}5 on {\#}tags{\_}and{\_}things" in exported
    assert r"R{\o}nnow, Henrik M. and {Barnes and Noble} and Smith, {Jr., John}" in exported
    misc = exported[exported.index("@misc") : exported.index("@book")]
    assert "howpublished = {A talk at the {\\textbraceleft{}}Example" in misc
    assert "journal" not in misc
    assert "url = {https://example.org/a_b?c=1&d=%20}" in exported


def test_bibtex_export_is_read_alike_by_pybtex_and_bibtexparser_2():
    demo = _demo_readings()
    exported = bibliography.export_bibtex(_awkward_readings() + demo)
    by_pybtex = pybtex.database.parse_string(exported, "bibtex")
    library = bibtexparser.parse_string(exported)
    assert library.failed_blocks == []
    assert len(library.entries) == len(by_pybtex.entries) == Reading.objects.count()
    entry = by_pybtex.entries[library.entries[0].key]
    assert [str(p) for p in entry.persons["author"]] == [
        r"R{\o}nnow, Henrik M.",
        "{Barnes and Noble}",
        r"Smith, {Jr., John}",
    ]


def test_csljson_export_is_a_list_that_citeproc_py_formats():
    exported = bibliography.export_csljson(_awkward_readings())
    items = json.loads(exported)
    assert items[0]["author"][0] == {"given": "Henrik M.", "family": "Rønnow"}
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    rendered = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        rendered.register(Citation([CitationItem(item["id"])]))
    text = "\n".join(str(line) for line in rendered.bibliography())
    assert "Rønnow" in text and "Sets {x | x > 0} and a lone { brace" in text
    assert "2019" in text and "Radford" in text


def test_csljson_export_has_given_and_family_names():
    items = json.loads(bibliography.export_csljson(_demo_readings()))
    circuits = next(i for i in items if i["title"] == "Zoom In: An Introduction to Circuits")
    assert circuits["author"][0] == {"given": "Chris", "family": "Olah"}
    assert circuits["DOI"] == "10.23915/distill.00024.001"
    assert circuits["issued"] == {"date-parts": [[2020]]}
