"""Both colour schemes of site.css keep text readable. Colours live only in the two palettes
(`:root`, and `:root` under `prefers-color-scheme: dark`); every text colour a rule sets is
checked against the background it is drawn on, in each palette, to WCAG AA: 4.5:1 for text,
3:1 for the borders of fields and the focus ring."""

import re
from pathlib import Path

import pytest
import tinycss2
from tinycss2.color3 import RGBA, parse_color

ROOT = Path(__file__).resolve().parents[1]
SITE_CSS = ROOT / "tracker" / "static" / "tracker" / "site.css"
STYLESHEETS = [SITE_CSS, ROOT / "notebooks" / "static" / "notebooks" / "notebooks.css"]
TEXT, NON_TEXT = 4.5, 3.0

# Text on a background that another rule sets: links in boxes, error lists in their panel,
# typing in fields, code in a code block, the preview's placeholder.
NESTED_TEXT = [
    ("accent", "online-bg"),
    ("accent", "info-bg"),
    ("accent", "warn-bg"),
    ("danger", "danger-bg"),
    ("ink", "field-bg"),
    ("muted", "field-bg"),
    ("muted", "preview-bg"),
    ("ink", "pre-bg"),
    ("tag-ink", "tag-hover-bg"),
]
NON_TEXT_PAIRS = [("field-line", "field-bg"), ("focus", "bg"), ("focus", "card")]
# Text inherits the page's ink unless a rule says otherwise.
PAGE_TEXT, PAGE_BACKGROUNDS = "ink", ("bg", "card")
# Behind images and notebook pages, which bring their own colours.
NO_TEXT_BACKGROUNDS = {"paper"}


def _rules(nodes, media: str = ""):
    """(media query, selector, {property: value}) for each style rule, @media blocks opened."""
    for node in nodes:
        if node.type == "qualified-rule":
            declarations = tinycss2.parse_declaration_list(
                node.content, skip_whitespace=True, skip_comments=True
            )
            yield (
                media,
                tinycss2.serialize(node.prelude).strip(),
                {d.lower_name: d.value for d in declarations if d.type == "declaration"},
            )
        elif node.type == "at-rule" and node.lower_at_keyword == "media":
            inner = tinycss2.parse_rule_list(node.content, skip_whitespace=True, skip_comments=True)
            yield from _rules(inner, tinycss2.serialize(node.prelude).strip())


def _parse(path: Path) -> list:
    return list(
        _rules(
            tinycss2.parse_stylesheet(path.read_text(), skip_whitespace=True, skip_comments=True)
        )
    )


def _is_dark(media: str) -> bool:
    return "prefers-color-scheme" in media and "dark" in media


def _palettes() -> tuple[dict, dict]:
    light, dark = {}, {}
    for media, selector, declarations in _parse(SITE_CSS):
        if selector != ":root":
            continue
        palette = dark if _is_dark(media) else light if not media else None
        for name, value in declarations.items():
            colour = _colour_of(value)
            if name.startswith("--") and palette is not None and colour is not None:
                palette[name[2:]] = colour
    return light, dark


def _colour_of(value) -> RGBA | None:
    tokens = [token for token in value if token.type not in ("whitespace", "comment")]
    colour = parse_color(tokens[0]) if len(tokens) == 1 else None
    return colour if isinstance(colour, RGBA) else None


def _variable(value) -> str | None:
    match = re.fullmatch(r"var\(--([\w-]+)\)", tinycss2.serialize(value).strip())
    return match[1] if match else None


def _declared_pairs() -> set[tuple[str, str]]:
    """Text colour and background of each rule; a rule setting only one of them is checked
    against the page's backgrounds (text colour) or the page's ink (background)."""
    pairs = set()
    for media, _selector, declarations in _parse(SITE_CSS):
        if "print" in media:
            continue
        text = _variable(declarations.get("color", []))
        background = _variable(
            declarations.get("background", declarations.get("background-color", []))
        )
        if text and background:
            pairs.add((text, background))
        elif text:
            pairs.update((text, page) for page in PAGE_BACKGROUNDS)
        elif background and background not in NO_TEXT_BACKGROUNDS:
            pairs.add((PAGE_TEXT, background))
    return pairs | set(NESTED_TEXT)


def _luminance(colour: RGBA) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red)
        + 0.7152 * channel(colour.green)
        + 0.0722 * channel(colour.blue)
    )


def contrast(first: RGBA, second: RGBA) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_follows_the_wcag_formula():
    black, white = parse_color("#000"), parse_color("#fff")
    assert contrast(black, white) == pytest.approx(21)
    assert contrast(parse_color("#767676"), white) == pytest.approx(4.54, abs=0.01)


def test_the_dark_palette_redefines_every_colour_of_the_light_one():
    light, dark = _palettes()
    assert len(light) > 20
    assert set(dark) == set(light)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_and_background_pair_meets_wcag_aa(scheme):
    palette = dict(zip(("light", "dark"), _palettes(), strict=True))[scheme]
    pairs = _declared_pairs()
    assert ("on-accent", "accent") in pairs and ("ins-ink", "ins-bg") in pairs
    failing = {
        f"{text} on {background}": round(contrast(palette[text], palette[background]), 2)
        for text, background in pairs
        if palette[background].alpha == 1  # a transparent background shows the page's
        and contrast(palette[text], palette[background]) < TEXT
    }
    failing |= {
        f"{line} beside {background}": round(contrast(palette[line], palette[background]), 2)
        for line, background in NON_TEXT_PAIRS
        if contrast(palette[line], palette[background]) < NON_TEXT
    }
    assert failing == {}


def _literal_colours(value) -> list[str]:
    found = []
    for token in value:
        colour = parse_color(token)
        if isinstance(colour, RGBA) and colour.alpha > 0:
            found.append(tinycss2.serialize([token]))
        elif colour is None and token.type == "function":
            found += _literal_colours(token.arguments)
    return found


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_colours_are_named_only_in_the_palettes(stylesheet):
    """A colour written into a rule would stay the same in the dark scheme. Printing keeps its
    black on white."""
    literal = {
        f"{selector} {{{name}: {tinycss2.serialize(value).strip()}}}"
        for media, selector, declarations in _parse(stylesheet)
        if selector != ":root" and "print" not in media
        for name, value in declarations.items()
        if _literal_colours(value)
    }
    assert literal == set()
