"""Runs compared side by side: the table (parameters that differ first, then results), sorting,
the CSV file, the plot of a result against a parameter, who sees which run, and the queries."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notebooks import comparison, plots
from notebooks.models import Run
from tests.notebooks.factories import NotebookFactory, RunFactory, SweepFactory
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _sweep(session, coefficients=(0.0, 1.0, 2.0), **extra) -> list[Run]:
    """Runs of one notebook that differ in `coefficient` and share `steps`, with results."""
    notebook = NotebookFactory(session=session)
    return [
        RunFactory(
            notebook=notebook,
            parameters={"coefficient": coefficient, "steps": 3, **extra},
            results={"share": 0.25 + coefficient / 4, "loss": 1 - coefficient / 10},
        )
        for coefficient in coefficients
    ]


def _url(runs, **query) -> str:
    pairs = [("run", run.pk) for run in runs] + list(query.items())
    return reverse("runs_compare") + "?" + "&".join(f"{k}={v}" for k, v in pairs)


def test_parameters_that_differ_come_first_then_constant_ones_then_results(roles):
    session, *_people = roles
    runs = _sweep(session, label="x")
    runs[1].parameters["label"] = "y"
    runs[1].save()
    table = comparison.comparison_of(Run.objects.filter(pk__in=[r.pk for r in runs]))
    keys = [column.key for column in table.columns]
    assert keys == [
        "run",
        "notebook",
        "status",
        "parameter:coefficient",
        "parameter:label",
        "parameter:steps",
        "result:loss",
        "result:share",
    ]
    differs = {column.name: column.differs for column in table.parameter_columns}
    assert differs == {"coefficient": True, "label": True, "steps": False}


def test_sorting_by_a_result_descending_puts_runs_without_it_last(roles):
    session, *_people = roles
    runs = _sweep(session)
    unfinished = RunFactory(notebook=runs[0].notebook, status=Run.Status.RUNNING)
    everything = [*runs, unfinished]
    table = comparison.comparison_of(everything, sort="-result:share")
    assert [run.pk for run in table.runs] == [runs[2].pk, runs[1].pk, runs[0].pk, unfinished.pk]
    table = comparison.comparison_of(everything, sort="result:share")
    assert [run.pk for run in table.runs] == [runs[0].pk, runs[1].pk, runs[2].pk, unfinished.pk]


def test_one_element_lists_sort_and_plot_as_their_number(roles):
    session, *_people = roles
    notebook = NotebookFactory(session=session)
    runs = [
        RunFactory(notebook=notebook, parameters={"coefficients": [c]}, results={"share": s})
        for c, s in ((2.0, 0.9), (-1.0, 0.1), (0.5, 0.6))
    ]
    table = comparison.comparison_of(runs, sort="parameter:coefficients")
    assert [run.pk for run in table.runs] == [runs[1].pk, runs[2].pk, runs[0].pk]
    points = comparison.plot_points(table, x="parameter:coefficients", y="result:share")
    assert [(p.x, p.y) for p in points] == [(-1.0, 0.1), (0.5, 0.6), (2.0, 0.9)]
    assert comparison.default_axes(table) == ("parameter:coefficients", "result:share")


def test_the_page_shows_the_table_with_sort_links_and_aria_sort(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    response = client.get(_url(runs, sort="-result:share"))
    assert response.status_code == 200
    page = response.content.decode()
    table = re.search(r'<table class="compare-table">.*?</table>', page, re.DOTALL).group(0)
    order = [int(n) for n in re.findall(r"<th scope=\"row\"><a href=\"/runs/(\d+)/\">", table)]
    assert order == [runs[2].pk, runs[1].pk, runs[0].pk]
    assert 'aria-sort="descending"' in page and page.count("aria-sort=") == 1
    # The sort column's link turns it the other way; other columns sort ascending first.
    assert "sort=result%3Ashare" in page and "sort=parameter%3Acoefficient" in page


def test_an_unknown_sort_column_or_run_number_is_a_400_with_a_message(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    response = client.get(_url(runs, sort="result:nothing"))
    assert response.status_code == 400
    assert "No column “result:nothing” to sort by." in response.content.decode()
    response = client.get(reverse("runs_compare") + "?run=abc")
    assert response.status_code == 400
    assert "“abc” is not a run number." in response.content.decode()


def test_a_member_of_another_course_never_sees_its_runs(client, roles):
    session, _organizer, _member, outsider = roles
    runs = _sweep(session, secret_label="only-members-see-this")
    own = _sweep(SessionFactory(course__visibility="members"), coefficients=(5.0,))
    own_course = own[0].notebook.session.course
    own_course.memberships.create(user=outsider, role="member")
    client.force_login(outsider)

    page = client.get(_url([*runs, *own])).content.decode()
    assert "only-members-see-this" not in page
    assert f"Run {own[0].pk}" in page
    assert all(f"/runs/{run.pk}/" not in page for run in runs)
    csv_text = client.get(reverse("runs_compare_csv") + _url(runs)[len("/runs/compare/") :])
    assert b"only-members-see-this" not in csv_text.content
    assert len(list(csv.reader(io.StringIO(csv_text.content.decode())))) == 1  # the header


def test_the_csv_is_the_same_table_with_formulas_neutralized(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session, coefficients=(-1.0, 2.0), label='=HYPERLINK("http://x")')
    client.force_login(member)
    query = _url(runs, sort="parameter:coefficient").split("?", 1)[1]
    response = client.get(reverse("runs_compare_csv") + "?" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "run",
        "notebook",
        "status",
        "parameter:coefficient",
        "parameter:label",
        "parameter:steps",
        "result:loss",
        "result:share",
    ]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["run"] == str(runs[0].pk)
    assert first["parameter:coefficient"] == "-1.0"  # a number stays a number
    assert first["parameter:label"] == '\'=HYPERLINK("http://x")'
    assert first["result:share"] == "0.0"


def test_the_plot_is_an_accessible_svg_with_its_numbers_beside_it(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    page = client.get(_url(runs, x="parameter:coefficient", y="result:loss")).content.decode()
    svg = re.search(r"<svg class=\"result-plot\".*?</svg>", page, re.DOTALL).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="plot-title plot-desc"' in svg
    assert '<title id="plot-title">loss against coefficient</title>' in svg
    assert "3 points; coefficient from 0 to 2, loss from 0.8 to 1." in svg
    assert svg.count('<circle class="plot-point"') == 3
    assert "style=" not in svg and "fill=" not in svg  # colours come from the stylesheet
    numbers = re.search(r'<table class="plot-numbers">.*?</table>', page, re.DOTALL).group(0)
    assert re.findall(r"<td>([^<]*)</td>", numbers) == ["0", "1", "1", "0.9", "2", "0.8"]


def test_a_plot_axis_that_is_not_a_column_is_a_form_error(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    response = client.get(_url(runs, x="result:share", y="result:loss"))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_text_in_a_label_is_escaped_in_the_plot_and_the_table(client, roles):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    runs = [
        RunFactory(notebook=notebook, parameters={"x": i}, results={"<b>bold</b>": i})
        for i in (1, 2)
    ]
    client.force_login(member)
    page = client.get(_url(runs)).content.decode()
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("path", ["runs_compare", "runs_compare_csv"])
def test_the_comparison_takes_the_same_queries_however_many_runs(client, roles, path):
    session, _organizer, member, _outsider = roles
    client.force_login(member)
    client.get(reverse(path))  # the sign-in's own queries (the viewer's time zone) once
    counts = []
    for how_many in (2, 12):
        runs = _sweep(session, coefficients=[float(i) for i in range(how_many)])
        query = _url(runs).split("?", 1)[1]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(path) + "?" + query)
        assert response.status_code == 200
        assert response.content.decode().count(f"{runs[-1].pk}") >= 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_at_most_a_hundred_runs_are_compared_at_once(client, member):
    client.force_login(member)
    query = "&".join(f"run={i}" for i in range(1, comparison.MAX_RUNS + 2))
    response = client.get(reverse("runs_compare") + "?" + query)
    assert response.status_code == 400
    assert "At most 100 runs" in response.content.decode()


def test_the_session_section_offers_to_compare_selected_runs(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    page = client.get(reverse("session_notebooks", args=[session.course.slug, session.number]))
    page = page.content.decode()
    form_id = f"compare-{runs[0].notebook_id}"
    assert f'<form method="get" action="{reverse("runs_compare")}" id="{form_id}"' in page
    for run in runs:
        assert f'name="run" value="{run.pk}" form="{form_id}"' in page


def test_a_run_page_links_to_the_comparison_with_its_notebooks_other_runs(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    client.force_login(member)
    page = client.get(runs[0].get_absolute_url()).content.decode()
    expected = "&amp;".join(f"run={run.pk}" for run in reversed(runs))
    assert f'href="/runs/compare/?{expected}"' in page


def test_plot_ticks_are_round_and_cover_the_values():
    assert plots.nice_ticks(0.1, 0.9) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert plots.nice_ticks(-2.0, 2.0) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert plots.nice_ticks(3.0, 3.0) == [2.6, 2.8, 3.0, 3.2, 3.4]  # one value: a band round it


def _sweep_of(runs):
    sweep = SweepFactory(notebook=runs[0].notebook, spec={"coefficient": [0.0, 1.0, 2.0]})
    for index, run in enumerate(runs):
        Run.objects.filter(pk=run.pk).update(sweep=sweep, sweep_index=index)
    return sweep


def test_a_sweeps_runs_are_compared_by_naming_the_sweep(client, roles):
    session, _organizer, member, _outsider = roles
    runs = _sweep(session)
    other = _sweep(session, coefficients=(9.0,))  # another notebook's run, not in the sweep
    sweep = _sweep_of(runs)
    client.force_login(member)

    page = client.get(reverse("runs_compare") + f"?sweep={sweep.pk}&sort=-result:share")
    assert page.status_code == 200
    html = page.content.decode()
    linked = [int(pk) for pk in re.findall(r'href="/runs/(\d+)/"', html)]
    assert list(dict.fromkeys(linked)) == [run.pk for run in reversed(runs)]  # by share, desc
    assert f"/runs/{other[0].pk}/" not in html
    assert "<svg" in html  # a plot of share against coefficient, the sweep's varied parameter
    csv_rows = list(
        csv.reader(io.StringIO(client.get(reverse("runs_compare_csv") + f"?sweep={sweep.pk}").text))
    )
    assert len(csv_rows) == 1 + len(runs)
    api = client.get(reverse("api-runs-compare") + f"?sweep={sweep.pk}")
    assert api.status_code == 200
    assert sorted(row["run"] for row in api.json()["rows"]) == sorted(run.pk for run in runs)


def test_naming_a_sweep_shows_nothing_of_it_to_someone_outside_its_course(client, roles):
    session, _organizer, _member, outsider = roles
    sweep = _sweep_of(_sweep(session, secret_label="only-members-see-this"))
    client.force_login(outsider)

    page = client.get(reverse("runs_compare") + f"?sweep={sweep.pk}").content.decode()
    assert "only-members-see-this" not in page
    assert client.get(reverse("api-runs-compare") + f"?sweep={sweep.pk}").status_code == 404
    assert client.get(reverse("runs_compare") + "?sweep=x").status_code == 400


def test_the_plot_joins_points_only_when_each_x_has_one_run():
    one_each = plots.scatter_svg([(0, 1, "a"), (1, 2, "b")], x_label="x", y_label="y")
    shared_x = plots.scatter_svg([(0, 1, "a"), (0, 2, "b"), (1, 3, "c")], x_label="x", y_label="y")
    assert "<polyline" in one_each
    assert "<polyline" not in shared_x
    assert shared_x.count('class="plot-point"') == 3
