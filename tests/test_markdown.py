import pytest

from tracker.markdown import render_markdown


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_markdown_renders_attacks_inert(attack):
    html = render_markdown(attack)
    for dangerous in ("<script", "javascript:", "onerror", "onclick", "data:", "<iframe"):
        assert dangerous not in html.lower()


def test_markdown_keeps_tables_code_and_footnotes():
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\nNote[^1]\n\n[^1]: Foot."
    )
    assert "<table>" in html and "<code" in html and "footnote" in html


def test_outside_links_get_noopener_nofollow():
    assert 'rel="noopener nofollow"' in render_markdown("[d](https://distill.pub)")
