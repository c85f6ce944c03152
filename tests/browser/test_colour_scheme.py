"""The site follows the system's colour scheme on screen, and prints black on white in both."""

import pytest

from tests.readings.factories import ReadingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLOURS = """() => {
  const style = getComputedStyle(document.body);
  return [style.backgroundColor, style.color];
}"""


def _lightness(rgb: str) -> float:
    red, green, blue = (int(part) for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    return (red + green + blue) / 3 / 255


@pytest.mark.parametrize(("scheme", "dark_page"), [("light", False), ("dark", True)])
def test_the_page_follows_the_systems_colour_scheme(page, scheme, dark_page):
    page.emulate_media(color_scheme=scheme)
    page.goto(ReadingFactory().get_absolute_url())
    background, text = page.evaluate(COLOURS)
    assert (_lightness(background) < 0.5) is dark_page
    assert (_lightness(text) < 0.5) is not dark_page


def test_printing_in_the_dark_scheme_keeps_the_light_colours(page):
    page.emulate_media(color_scheme="dark", media="print")
    page.goto(ReadingFactory().get_absolute_url())
    assert page.evaluate(COLOURS) == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    # Links and muted text too: the dark palette's light greys would vanish on paper.
    for selector in ("main a", "main .muted"):
        colour = page.locator(selector).first.evaluate("(el) => getComputedStyle(el).color")
        assert _lightness(colour) < 0.5, selector
    assert page.locator(".site-footer").is_hidden()
