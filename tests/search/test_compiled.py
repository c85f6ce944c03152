"""The cache of compiled search SQL and the slots its parameters carry."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from tracker.search.compiled import CompiledCache, Slot, bind, searcher_key


def counting_compiler(calls: list):
    def compile_sql():
        calls.append(1)
        return (f"SELECT {len(calls)}", (Slot("word"),))

    return compile_sql


def test_each_key_is_compiled_once_and_then_served_from_the_cache():
    cache, calls = CompiledCache(), []
    first = cache.get_or_compile(("pg", 1), counting_compiler(calls))
    again = cache.get_or_compile(("pg", 1), counting_compiler(calls))
    other = cache.get_or_compile(("pg", 2), counting_compiler(calls))
    assert first == again == ("SELECT 1", (Slot("word"),))
    assert other == ("SELECT 2", (Slot("word"),)) and len(calls) == 2


def test_a_backend_without_a_key_compiles_every_time():
    cache, calls = CompiledCache(), []
    cache.get_or_compile(None, counting_compiler(calls))
    cache.get_or_compile(None, counting_compiler(calls))
    assert len(calls) == 2


def test_the_least_recently_used_entry_goes_first_when_the_cache_is_full():
    cache, calls = CompiledCache(size=2), []
    cache.get_or_compile("a", counting_compiler(calls))
    cache.get_or_compile("b", counting_compiler(calls))
    cache.get_or_compile("a", counting_compiler(calls))  # "a" is now the most recent
    cache.get_or_compile("c", counting_compiler(calls))  # evicts "b"
    assert len(calls) == 3
    cache.get_or_compile("a", counting_compiler(calls))
    assert len(calls) == 3
    cache.get_or_compile("b", counting_compiler(calls))
    assert len(calls) == 4


def test_bind_fills_every_slot_and_keeps_other_parameters():
    params = (7, Slot("query-0"), "public", Slot("limit-note"))
    assert bind(params, {"query-0": "superposition", "limit-note": 20}) == [
        7,
        "superposition",
        "public",
        20,
    ]


def test_bind_refuses_a_slot_without_a_value():
    with pytest.raises(KeyError):
        bind((Slot("query-0"),), {})


def test_the_searcher_key_holds_what_visibility_depends_on():
    member = User(pk=5, is_superuser=False, is_staff=False)
    admin = User(pk=5, is_superuser=True, is_staff=True)
    assert searcher_key(None) == searcher_key(AnonymousUser()) == (None,)
    assert searcher_key(member) == (5, False, False)
    assert searcher_key(member) != searcher_key(admin)
