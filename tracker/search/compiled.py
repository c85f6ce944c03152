"""SQL compiled once per searcher and query shape, then bound to each search's words.

Building the six visibility querysets and compiling them cost more than running the ranked
query for a rare word (about 12 ms against 4 ms on the benchmark's data). Their SQL depends
only on who asks (id and flags) and on the shape of the full-text query, never on data:
memberships and course visibility stay subqueries, evaluated each time the query runs. So the
SQL is kept per (database, backend shape, searcher) in a small per-process cache, with the
words and limits left as slots that `bind` fills for each search.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# Enough for every searcher active in one process at a time; each entry is a few kB of SQL.
CACHE_SIZE = 512


@dataclass(frozen=True)
class Slot:
    """Stands in a compiled query's parameters for a value known only per search."""

    name: str


def bind(params: Iterable, values: dict[str, object]) -> list:
    """The parameters with every slot replaced by its value; a slot without one is a bug."""
    return [values[param.name] if isinstance(param, Slot) else param for param in params]


def in_slots(column_sql: str, name: str, count: int) -> RawSQL:
    """`column IN (…)` over `count` slots named `<name>-0`, `<name>-1`, …: the SQL depends on
    how many values there are, never on what they are."""
    return RawSQL(  # noqa: S611 (only slots for values; the SQL is ours)
        f"{column_sql} IN ({', '.join(['%s'] * count)})",
        [Slot(f"{name}-{n}") for n in range(count)],
        output_field=BooleanField(),
    )


def searcher_key(user) -> tuple:
    """Everything about a user that the visibility selectors' SQL depends on."""
    if user is None or not user.is_authenticated:
        return (None,)
    return (user.pk, user.is_superuser, user.is_staff)


class CompiledCache:
    """A bounded, thread-safe map from key to compiled SQL; the oldest entry goes first."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[str, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compile(
        self, key: Hashable | None, compile_sql: Callable[[], tuple[str, tuple]]
    ) -> tuple[str, tuple]:
        """The SQL and parameters for `key`, compiled by `compile_sql` when missing. A key of
        None (a backend whose SQL holds the words themselves) is never kept."""
        if key is None:
            return compile_sql()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        entry = compile_sql()  # outside the lock: two threads may both compile, harmlessly
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry
