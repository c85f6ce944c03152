"""The embedded broker (`sqla+sqlite://`, the development default): kombu's SQLAlchemy transport,
polled five times a second instead of once. At once a second a queued run waited 0.5 s on
average before a worker saw it, and a sweep paid that for every run it handed on
(bench/sweep.py: 0.8 s of overhead a run against 0.2 s on Redis). Its transport options go to
SQLAlchemy's create_engine, so the interval cannot be given as one; hence a subclass under the
same alias."""

from kombu.transport import TRANSPORT_ALIASES, sqlalchemy

EMBEDDED_POLLING_INTERVAL = 0.2  # seconds; each poll is one indexed read of a local file


class EmbeddedTransport(sqlalchemy.Transport):
    polling_interval = EMBEDDED_POLLING_INTERVAL


def register() -> None:
    """`sqla+…` broker URLs get EmbeddedTransport; before any connection resolves its class."""
    TRANSPORT_ALIASES["sqla"] = f"{__name__}:EmbeddedTransport"
