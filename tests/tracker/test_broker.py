"""The embedded broker is polled five times a second, through the same `sqla+` URLs."""

from kombu import Connection

import tracker.celery  # noqa: F401 (registers the transport, as every process does)
from tracker.broker import EMBEDDED_POLLING_INTERVAL, EmbeddedTransport


def test_the_embedded_broker_url_gets_the_quickly_polled_transport(tmp_path):
    connection = Connection(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}")
    try:
        assert isinstance(connection.transport, EmbeddedTransport)
        assert connection.transport.polling_interval == EMBEDDED_POLLING_INTERVAL < 1
        # It still carries messages: one sent is one received.
        queue = connection.SimpleQueue("probe")
        queue.put({"hello": "world"})
        assert queue.get(timeout=5).payload == {"hello": "world"}
        queue.close()
    finally:
        connection.release()
