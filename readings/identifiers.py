"""Validation and normal forms of the identifiers a reading may carry (arXiv, DOI, ISBN)."""

import re

from django.core.exceptions import ValidationError

_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_ARXIV_OLD = re.compile(r"^[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def normalize_arxiv_id(value: str) -> str:
    value = (value or "").strip()
    for prefix in ("https://arxiv.org/abs/", "https://arxiv.org/pdf/", "arxiv:", "arXiv:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.removesuffix(".pdf")
    if value and not (_ARXIV_NEW.match(value) or _ARXIV_OLD.match(value)):
        raise ValidationError(
            "%(value)s is not an arXiv identifier (such as 2005.14165 or hep-th/9901001).",
            code="invalid_arxiv_id",
            params={"value": value},
        )
    return value


def normalize_doi(value: str) -> str:
    value = (value or "").strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    # DOIs compare without regard to case, so one normal form keeps them unique.
    value = value.lower()
    if value and not _DOI.match(value):
        raise ValidationError(
            "%(value)s is not a DOI (such as 10.23915/distill.00007).",
            code="invalid_doi",
            params={"value": value},
        )
    return value


def normalize_isbn(value: str) -> str:
    value = (value or "").strip()
    digits = re.sub(r"[\s-]", "", value).upper()
    if not digits:
        return ""
    if not (_isbn10_valid(digits) or _isbn13_valid(digits)):
        raise ValidationError(
            "%(value)s is not a valid ISBN-10 or ISBN-13 (its check digit does not match).",
            code="invalid_isbn",
            params={"value": value},
        )
    return digits


def _isbn10_valid(digits: str) -> bool:
    if not re.fullmatch(r"\d{9}[\dX]", digits):
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
    return total % 11 == 0


def _isbn13_valid(digits: str) -> bool:
    if not re.fullmatch(r"\d{13}", digits):
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
    return total % 10 == 0
