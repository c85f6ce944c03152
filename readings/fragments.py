"""Deep links that open a page scrolled to a phrase: URL text fragments (`#:~:text=`)."""

from urllib.parse import quote


def text_fragment_link(url: str, phrase: str) -> str:
    """The URL with a text directive for the exact phrase.

    The text-fragment syntax gives `-`, `,` and `&` meanings of their own, so they are
    percent-encoded on top of the usual escaping; an existing #fragment is kept.
    """
    encoded = quote(" ".join(phrase.split()), safe="")
    for char, escape in (("-", "%2D"), (",", "%2C"), ("&", "%26")):
        encoded = encoded.replace(char, escape)
    separator = ":~:" if "#" in url else "#:~:"
    return f"{url}{separator}text={encoded}"
