"""JSON from people is read with a bounded depth, measured without recursion."""

import json

import pytest

from tracker import json_limits


def test_sixty_four_levels_parse_and_sixty_five_do_not():
    assert json_limits.loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(json_limits.JSONTooDeep, match="deeper than 64 levels"):
        json_limits.loads("[" * 65 + "]" * 65)


@pytest.mark.parametrize("depth", [1_000, 100_000, 1_000_000])
def test_any_depth_is_refused_without_a_recursion_error(depth):
    for text in ("[" * depth, '{"a":' * depth, "[{" * depth):
        with pytest.raises(json_limits.JSONTooDeep):
            json_limits.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(["[" * 1_000, "{" * 1_000]),  # brackets inside strings do not count
        json.dumps({"key [[[[": 'a \\" quote, then [[[[ and \\\\'}),
        json.dumps([[["\u00e9\u4e2d\U0001f600"]]]),
    ],
)
def test_brackets_inside_strings_are_not_levels(text):
    assert json_limits.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ['["unfinished [[[[[[[[', "", "[1,]", b"\xff"])
def test_broken_json_is_still_a_value_error(text):
    with pytest.raises(ValueError):
        json_limits.loads(text)
