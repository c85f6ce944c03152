"""The API's JSON parser, the default for every endpoint (settings.REST_FRAMEWORK)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from tracker import json_limits


class JSONParser(parsers.JSONParser):
    """JSON request bodies, nested at most json_limits.MAX_JSON_DEPTH levels: a deeper one, or
    a body that is not text in its charset, is a 400 before Python's parser recurses into it."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(f"JSON parse error - the body is not {encoding} text.") from None
        try:
            return json_limits.loads(text, parse_constant=strict_constant if self.strict else None)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        except RecursionError:  # unreachable below the depth limit; kept as a last guard
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
